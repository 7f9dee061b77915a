# shellcheck shell=bash disable=SC2034
# lib.sh: helpers for the HTTP tests in tests/http/t_*.sh, on top of
# tests/cli/lib.sh (ok/fail/skip, bh, $WORK, $BLUEHELM_DB). They start a real
# `bluehelm serve` on a free loopback port, send requests with curl and check
# the status and API.md's error envelope. Every wait is bounded; the server
# (and anything else a test starts) is stopped when the script exits.
source "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"
DEMO=$ROOT/data/demo
PASSWORD='correct horse battery staple'
SERVER_PID="" URL="" SERVER_RC=""
CLEANUP_PIDS=()

cleanup() {
  local p
  for p in "${CLEANUP_PIDS[@]}" $SERVER_PID; do
    kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
  done
  wait 2>/dev/null
  unmount_all
  db_cleanup
}
trap cleanup EXIT

need_http_tools() {
  command -v curl >/dev/null && command -v sqlite3 >/dev/null && return 0
  skip http "curl and the sqlite3 shell are needed (scripts/deps.sh test)"
  exit 0
}

# demo_db: a fresh database with the demo dataset and five users (adm admin,
# ed editor, east editor of sector east, an analyst, vw viewer); their API
# tokens in $ADM $ED $EAST $AN $VW.
demo_db() {
  fresh_db || return 1
  bh import "$DEMO" >/dev/null || { cat "$WORK/stderr"; return 1; }
  local u
  for u in "adm --role admin" "ed --role editor" "an --role analyst" "vw --role viewer" "east --role editor --sector east"; do
    # shellcheck disable=SC2086
    echo "$PASSWORD" | bh user add $u >/dev/null || { cat "$WORK/stderr"; return 1; }
  done
  ADM=$(bh user token adm) ED=$(bh user token ed) EAST=$(bh user token east)
  AN=$(bh user token an) VW=$(bh user token vw)
}

# start_server [ARGS...]: starts `bluehelm serve` on 127.0.0.1, a free port,
# --timeout 3 (ARGS are added); sets $SERVER_PID and $URL. Output: $WORK/serve.out,
# access log and messages: $WORK/serve.log.
start_server() {
  : >"$WORK/serve.out"
  "$BLUEHELM" --db "$BLUEHELM_DB" serve --listen 127.0.0.1:0 --timeout 3 "$@" \
    >"$WORK/serve.out" 2>"$WORK/serve.log" &
  SERVER_PID=$!
  local i port=""
  for ((i = 0; i < 200; i++)); do
    port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9][0-9]*\)$|\1|p' "$WORK/serve.out")
    [[ -n "$port" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$port" ]]; then
    echo "the server did not start:"; cat "$WORK/serve.log"
    SERVER_PID=""
    return 1
  fi
  URL=http://127.0.0.1:$port
}

# stop_server [SECONDS]: SIGTERM, then waits (bounded; SIGKILL after
# SECONDS, default 20); sets $SERVER_RC (137 when it had to be killed).
stop_server() {
  local i limit=$((${1:-20} * 10))
  [[ -n "$SERVER_PID" ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null
  for ((i = 0; i < limit; i++)); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID" 2>/dev/null
  wait "$SERVER_PID"
  SERVER_RC=$?
  SERVER_PID=""
}

# sanitizer_clean NAME: the server's stderr holds no ASan/UBSan/LSan report.
sanitizer_clean() {
  if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$WORK/serve.log"; then
    fail "$1" "$(grep -m1 -A12 -E 'Sanitizer|runtime error' "$WORK/serve.log" | head -c 1500)"
  else ok "$1"; fi
}

# req METHOD PATH [CURL ARGS...]: one request; sets $code (000: no answer)
# and $body (also in $WORK/body), response headers in $WORK/headers.
req() {
  local m=$1 p=$2
  shift 2
  code=$(curl -s -m 30 -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' -X "$m" "$URL$p" "$@")
  body=$(cat "$WORK/body" 2>/dev/null)
}
get() { local t=$1 p=$2; shift 2; req GET "$p" -H "Authorization: Bearer $t" "$@"; }
post() { local t=$1 p=$2 d=$3; shift 3; req POST "$p" -H "Authorization: Bearer $t" --data-binary "$d" "$@"; }
del() { local t=$1 p=$2; shift 2; req DELETE "$p" -H "Authorization: Bearer $t" "$@"; }
put() { local t=$1 p=$2 d=$3; shift 3; req PUT "$p" -H "Authorization: Bearer $t" --data-binary "$d" "$@"; }

# jq_ PATH [FILE]: json_extract of the body (or FILE) at PATH, by the sqlite3 shell.
jq_() {
  local f=${2:-$WORK/body}
  sqlite3 :memory: "select json_extract(cast(readfile('$f') as text), '$1')" 2>/dev/null
}
# json_ok [FILE]: the body is valid JSON.
json_ok() {
  local f=${1:-$WORK/body}
  [[ $(sqlite3 :memory: "select json_valid(cast(readfile('$f') as text))" 2>/dev/null) == 1 ]]
}

# ENVELOPE_SQL: an SQL expression over columns j (a response body) and w (the
# code word wanted): '' when j is API.md's error envelope with code w:
# {"error": {"code", "message"[, "fields": [{"field", "reason", ...}]]}} and
# nothing else; otherwise what is wrong.
ENVELOPE_SQL="case
  when json_valid(j) is not 1 then 'the body is not JSON: ' || substr(j, 1, 200)
  when json_type(j) != 'object' then 'the body is not an object'
  when (select count(*) from json_each(j)) != 1 or json_type(j, '\$.error') is not 'object'
    then 'the body is not {\"error\": {...}} alone'
  when json_extract(j, '\$.error.code') is not w
    then 'code is ' || coalesce(json_extract(j, '\$.error.code'), 'missing') || ', want ' || w
  when json_type(j, '\$.error.message') is not 'text' or json_extract(j, '\$.error.message') = ''
    then 'no message'
  when exists (select 1 from json_each(j, '\$.error') where key not in ('code', 'message', 'fields'))
    then 'error has keys other than code, message, fields'
  when json_type(j, '\$.error.fields') is not null and json_type(j, '\$.error.fields') != 'array'
    then 'fields is not an array'
  when exists (select 1 from json_each(j, '\$.error.fields')
               where json_type(value, '\$.field') is not 'text' or json_type(value, '\$.reason') is not 'text')
    then 'a fields item lacks field or reason'
  else '' end"
# STATUS_WORD_SQL: the code word of an HTTP status in column st.
STATUS_WORD_SQL="case st when '400' then 'validation' when '401' then 'unauthorized' when '403' then 'forbidden'
  when '404' then 'not_found' when '409' then 'conflict' when '413' then 'too_large'
  when '429' then 'too_many_requests' else 'internal' end"

# envelope_problem WORD: ENVELOPE_SQL for the last response body.
envelope_problem() {
  sqlite3 :memory: "select $ENVELOPE_SQL from (select cast(readfile('$WORK/body') as text) j, '$1' w)"
}

# expect NAME STATUS [WORD]: $code is STATUS; for an error status, the body is
# the envelope with code WORD (default from the status).
expect() {
  local name=$1 want=$2 word=${3:-}
  if [[ "$code" != "$want" ]]; then
    fail "$name" "status $code, want $want: $(head -c 400 "$WORK/body")"
    return 1
  fi
  if ((want >= 400)); then
    if [[ -z "$word" ]]; then
      case $want in
        400) word=validation ;; 401) word=unauthorized ;; 403) word=forbidden ;;
        404) word=not_found ;; 409) word=conflict ;; 413) word=too_large ;; 429) word=too_many_requests ;;
        *) word=internal ;;
      esac
    fi
    local why
    why=$(envelope_problem "$word")
    if [[ -n "$why" ]]; then
      fail "$name" "status $code but $why: $(head -c 300 "$WORK/body")"
      return 1
    fi
  fi
  ok "$name"
}

# events_count: the number of events, read by the CLI.
events_count() { bh count events; }

# event_json ID [PLACE] [CLASSIFICATION]: a small valid event.
event_json() {
  printf '{"event_id_cnty": "%s", "event_date": "2021-05-01", "event_type": "Battles", "sub_event_type": "Armed clash", "place_id": "%s", "classification": "%s", "fatalities": 0}' \
    "$1" "${2:-ansongo-qh}" "${3:-restricted}"
}
