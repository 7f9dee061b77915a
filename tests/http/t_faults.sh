#!/usr/bin/env bash
# t_faults.sh: the API when the storage cannot take a write (issue 16,
# findings 6 and 15; issue 11, item 5): writes sent during a long
# command-line import answer 503 busy with Retry-After (or wait their turn),
# never 500; a full disk answers 507 storage_full; a read-only database
# answers writes 503 read_only ("the database is read-only") and serves
# reads. Every such answer is the error envelope, stores nothing and names
# no server file.
source "$(dirname "$0")/lib.sh"
# A SQLite file's faults (full disk, read-only file or folder, a killed
# writer): on PostgreSQL the server's own faults are t_pg.sh's.
[[ $BACKEND == sqlite ]] || exit 0
need_http_tools
demo_db || { fail setup "could not build the demo database"; exit 1; }
# No connection is open: the file (and its audit key) are the database.
cp "$BLUEHELM_DB" "$WORK/demo.db"
cp -p "$BLUEHELM_DB.audit-key" "$WORK/demo.db.audit-key"
DEMO_EVENTS=215                   # the records of data/demo/events.csv

header() { grep -i "^$1:" "${2:-$WORK/headers}" | head -1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'; }
gen_acled() { awk -v rows="$1" -v seed="$2" -f "$ROOT/bench/gen_acled.awk" >"$3"; }
gen_acled 3000 7 "$WORK/acled3k.csv"

# no_path NAME: the last body names no file of the server.
no_path() {
  if grep -qF "$WORK" "$WORK/body"; then fail "$1" "the answer names a server file: $(head -c 300 "$WORK/body")"
  else ok "$1"; fi
}

# message_is NAME PREFIX: the envelope's message begins with PREFIX.
message_is() {
  local m
  m=$(jq_ '$.error.message')
  if [[ $m == "$2"* ]]; then ok "$1"; else fail "$1" "message '$m', want '$2...'"; fi
}

# The writes of the tests below, each as NAME METHOD PATH TOKEN BODY [CURL ARGS].
WRITES=(
  "put PUT /api/v1/events/fault-put ED"
  "create POST /api/v1/events ED"
  "delete DELETE /api/v1/events/demo-0002 ED"
  "import POST /api/v1/import/events?format=acled ADM"
  "login1 POST /api/v1/login -"
  "login2 POST /api/v1/login -"
  "login3 POST /api/v1/login -"
)
# write_body NAME: the body each write sends.
write_body() {
  case $1 in
    put) event_json fault-put ;;
    create) event_json fault-create ;;
    import) cat "$WORK/acled3k.csv" ;;
    login*) printf '{"user": "ed", "password": "%s"}' "$PASSWORD" ;;
  esac
}
# send_write NAME METHOD PATH TOKEN: the write in the background; its status
# and time in $WORK/NAME.code, body and headers beside.
send_write() {
  local name=$1 method=$2 path=$3 args=()
  [[ $4 != - ]] && args+=(-H "Authorization: Bearer ${!4}")
  [[ $name == login* ]] && args+=(-H 'Content-Type: application/json')
  [[ $method != DELETE ]] && args+=(--data-binary "@$WORK/$name.req")
  write_body "$name" >"$WORK/$name.req"
  curl -sS -m 60 -o "$WORK/$name.body" -D "$WORK/$name.headers" -w '%{http_code} %{time_total}' \
    -X "$method" "$URL$path" "${args[@]}" >"$WORK/$name.code" &
  WRITE_PID=$!
}
# take NAME: makes the answer of write NAME the last answer ($code, $body).
take() {
  code=$(cut -d' ' -f1 "$WORK/$1.code") secs=$(cut -d' ' -f2 "$WORK/$1.code")
  cp "$WORK/$1.body" "$WORK/body" 2>/dev/null || : >"$WORK/body"
  cp "$WORK/$1.headers" "$WORK/headers" 2>/dev/null || : >"$WORK/headers"
  body=$(cat "$WORK/body")
}

# ---------------------------------------- writes during a command-line import
# A real `bluehelm import`, as long as the test needs: its file is a pipe
# the test feeds and keeps open. The import holds the write lock from its
# start (one transaction) until its commit.
start_server --threads 8 --timeout 30 || { fail busy-server-starts "see above"; exit 1; }
mkfifo "$WORK/feed.csv"
"$BLUEHELM" import --format acled "$WORK/feed.csv" >"$WORK/long.out" 2>"$WORK/long.err" &
IMPORT_PID=$!
CLEANUP_PIDS+=("$IMPORT_PID")
exec 3>"$WORK/feed.csv" # returns once the import has begun and opened its file
head -n 1001 "$WORK/acled3k.csv" >&3
kill -0 "$IMPORT_PID" 2>/dev/null && ok busy-import-running ||
  fail busy-import-running "the import ended: $(head -c 300 "$WORK/long.err")"

# Reads are not held up by the import.
t0=$(date +%s%N)
get "$ED" /api/v1/count/events
expect busy-read-200 200
ms=$((($(date +%s%N) - t0) / 1000000))
((ms < 3000)) && ok busy-read-fast || fail busy-read-fast "a read took $ms ms during the import"

pids=()
for w in "${WRITES[@]}"; do
  # shellcheck disable=SC2086
  send_write $w
  pids+=("$WRITE_PID")
done
wait "${pids[@]}"
kill -0 "$IMPORT_PID" 2>/dev/null && ok busy-import-still-running ||
  fail busy-import-still-running "the import ended while the writes waited: $(head -c 300 "$WORK/long.err")"
for w in "${WRITES[@]}"; do
  name=${w%% *}
  take "$name"
  # Never a 500: a 503 in the envelope with Retry-After, within the
  # request's time budget (30 s).
  expect "busy-$name-503" 503 busy
  ra=$(header Retry-After)
  [[ $ra =~ ^[1-9][0-9]*$ ]] && ok "busy-$name-retry-after" ||
    fail "busy-$name-retry-after" "Retry-After '$ra': $(tr -d '\r' <"$WORK/headers" | head -c 400)"
  no_path "busy-$name-no-path"
  awk -v s="$secs" 'BEGIN { exit !(s < 30) }' && ok "busy-$name-in-budget ($secs s)" ||
    fail "busy-$name-in-budget" "answered after $secs s"
done
# The rest of the file, and the import ends.
tail -n +1002 "$WORK/acled3k.csv" >&3
exec 3>&-
wait "$IMPORT_PID"
expect_eq busy-import-completes "$? $(events_count)" "0 $((DEMO_EVENTS + 3000))"
# The refused writes stored nothing; now they go through.
get "$ED" /api/v1/events/fault-put
expect busy-refused-put-stored-nothing 404
get "$ED" /api/v1/events/demo-0002
expect busy-refused-delete-deleted-nothing 200
put "$ED" /api/v1/events/fault-put "$(event_json fault-put)"
expect busy-retry-succeeds 201
# Three busy logins are not three failed ones: the next sign-in is not
# slowed down (429 after three failures).
send_write login1 POST /api/v1/login -
wait "$WRITE_PID"
take login1
expect busy-login-afterwards 200
stop_server
sanitizer_clean busy-sanitizer-clean

# ------------------------------------------------------------- a full disk
if small_fs http-full-disk "$WORK/small" 16m; then
  cp "$WORK/demo.db" "$WORK/small/t.db"
  cp -p "$WORK/demo.db.audit-key" "$WORK/small/t.db.audit-key"
  export BLUEHELM_DB=$WORK/small/t.db
  start_server || { fail full-server-starts "see above"; exit 1; }
  before=$(db_digest)
  fill_fs "$WORK/small" 0
  for w in "${WRITES[@]}"; do
    name=${w%% *}
    [[ $name == login* ]] && continue # a session is a write too, but a small one: see the read-only case
    rm -f "$WORK/$name.code"
    # shellcheck disable=SC2086
    send_write $w
    wait "$WRITE_PID"
    take "$name"
    expect "full-$name-507" 507 storage_full && message_is "full-$name-message" "the disk of the server's database is full: nothing was stored"
    no_path "full-$name-no-path"
  done
  get "$ED" /api/v1/events/demo-0001
  expect full-read-200 200
  get "$ED" /api/v1/count/events
  expect_eq full-count-unchanged "$code $(jq_ '$.count')" "200 $DEMO_EVENTS"
  rm -f "$WORK/small/filler"
  expect_eq full-database-unchanged "$(db_digest)" "$before"
  # With room again, the same server takes the write.
  put "$ED" /api/v1/events/full-put "$(event_json full-put)"
  expect full-then-room-201 201
  stop_server
  sanitizer_clean full-sanitizer-clean
  export BLUEHELM_DB=$WORK/test.db
fi

# ---------------------------------------------------- a read-only database
# Root writes any file whatever its mode: the server runs as nobody then.
if ((EUID == 0)) && ! command -v setpriv >/dev/null; then
  skip read-only "running as root without setpriv (util-linux) to serve as another user"
else
  chmod 755 "$WORK"
  mkdir -p "$WORK/ro"
  cp "$WORK/demo.db" "$WORK/ro/t.db"
  cp -p "$WORK/demo.db.audit-key" "$WORK/ro/t.db.audit-key"
  ((EUID == 0)) && chown -R 65534 "$WORK/ro"
  chmod 444 "$WORK/ro/t.db"
  export BLUEHELM_DB=$WORK/ro/t.db
  printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups -- %q "$@"\n' "$BLUEHELM" \
    >"$WORK/as-nobody"
  chmod 755 "$WORK/as-nobody"
  serve_as=$BLUEHELM
  ((EUID == 0)) && serve_as=$WORK/as-nobody
  if BLUEHELM=$serve_as start_server; then
    ok ro-server-starts
    grep -q 'is read-only (the file is not writable): serving reads' "$WORK/serve.log" &&
      ok ro-server-says-so || fail ro-server-says-so "$(head -c 300 "$WORK/serve.log")"
    get "$ED" /api/v1/events/demo-0001
    expect ro-get-200 200
    get "$ED" /api/v1/count/events
    expect_eq ro-count "$code $(jq_ '$.count')" "200 $DEMO_EVENTS"
    get "$ED" '/api/v1/events?limit=5'
    expect ro-list-200 200
    for w in "${WRITES[@]}"; do
      name=${w%% *}
      rm -f "$WORK/$name.code"
      # shellcheck disable=SC2086
      send_write $w
      wait "$WRITE_PID"
      take "$name"
      expect "ro-$name-503" 503 read_only && message_is "ro-$name-message" "the database is read-only"
      no_path "ro-$name-no-path"
    done
    stop_server
    sanitizer_clean ro-sanitizer-clean
  else
    fail ro-server-starts "serve refused a read-only database: $(head -c 400 "$WORK/serve.log")"
  fi
  chmod 644 "$WORK/ro/t.db"
  export BLUEHELM_DB=$WORK/test.db
fi
