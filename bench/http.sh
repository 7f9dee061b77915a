#!/usr/bin/env bash
# http.sh: `bluehelm serve` under load, on 1,000,000 events, side by side
# with nginx serving static files of the same sizes.
#
#   bash bench/http.sh                 1,000,000 events (import: a minute or two)
#   ROWS=100000 bash bench/http.sh     a quick run
#
# What it does:
#   1. generates a native events.csv (ROWS events, deterministic awk, below)
#      and imports it into a fresh database (kept and reused while ROWS, SEED,
#      the generator and the schema are unchanged);
#   2. starts `bluehelm serve` (the release build) on a free loopback port,
#      with an analyst's bearer token, and nginx as an unprivileged process on
#      another loopback port with a config in BENCH_DIR serving the very
#      bodies bluehelm answered, as static files;
#   3. runs wrk (THREADS threads, CONNS connections, DURATION seconds,
#      --latency) on GET /api/v1/events/{id} and GET
#      /api/v1/events?admin1=Gao&limit=50 against both, then on
#      GET /api/v1/count/events?admin1=Gao&event_type=Battles and
#      GET /api/v1/indicators/ied?from=IND_FROM&to=IND_TO&admin1=Gao
#      against bluehelm, each route on a freshly started server, sampling the
#      server's VmRSS (and VmHWM at the end) from /proc;
#   4. runs the read/write load (route rw): CONNS connections, WRITE_PCT %
#      of the requests POST /api/v1/events (a new event each, as an editor),
#      the others GET /api/v1/events/{a random id}, and counts the writes and
#      reads answered;
#   5. the mixed run (route mixed; SQLite only: it runs on a copy of the
#      file): the four routes at once
#      (four wrk processes, CONNS/4 connections each) while a writer POSTs
#      an event (admin1=Gao, a battle: every route's kept results go stale)
#      every WRITE_MS milliseconds with an editor's token, each POST's time
#      taken by curl; readers starved would show as timeouts or a route
#      with no answers;
#   6. times the same queries in the sqlite3 shell (.timer on) on the same
#      file (psql's \timing on PostgreSQL);
#   7. prints a table (also in BENCH_DIR/results.txt) and stops both servers.
#
# BACKEND=postgresql runs all of it on a throwaway PostgreSQL cluster started
# in BENCH_DIR (fsync on, synchronous_commit off as SQLite's
# synchronous=NORMAL, 1 GB shared_buffers), the events imported into it.
#
# Environment:
#   ROWS            events (default 1000000)
#   SEED            generator seed (default 20240601)
#   DURATION        seconds per wrk run (default 10)
#   THREADS, CONNS  wrk threads and connections (default 2, 64)
#   SERVER_THREADS  bluehelm serve --threads (default: serve's own default)
#   NGINX_WORKERS   nginx worker_processes (default: the number of cores)
#   WRK_TIMEOUT     wrk --timeout in seconds (default 10): slower answers count as timeouts
#   IND_FROM, IND_TO  the ied indicator's period (default 2021-06-01..2021-06-30)
#   WRITE_MS        the mixed run's writer: one POST every WRITE_MS ms (default 100)
#   BENCH_DIR       work directory (default /tmp/bluehelm-bench-http)
#   BLUEHELM        the binary (default build/bluehelm; copied into BENCH_DIR)
#   BACKEND         sqlite (default) or postgresql
#   WRITE_PCT       the share of writes in the rw load (default 50)
#   ROUTES          the routes to run (default "get list count indicator rw mixed")
#
# Targets (issue 12): get by id >= 40 % of nginx's requests/s with p99 <=
# 25 ms; the list and the count p99 <= 50 ms; the indicator over a month p99
# <= 100 ms; resident memory <= 64 MiB throughout; in the mixed run, the
# POSTs' p99 <= 100 ms with no reader starved. Writes nothing into the
# repository.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ROWS=${ROWS:-1000000}
SEED=${SEED:-20240601}
DURATION=${DURATION:-10}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
SERVER_THREADS=${SERVER_THREADS:-}
NGINX_WORKERS=${NGINX_WORKERS:-$(nproc)}
BENCH_DIR=${BENCH_DIR:-/tmp/bluehelm-bench-http}
WRK_TIMEOUT=${WRK_TIMEOUT:-10}
IND_FROM=${IND_FROM:-2021-06-01}
IND_TO=${IND_TO:-2021-06-30}
WRITE_MS=${WRITE_MS:-100}
BLUEHELM=${BLUEHELM:-$root/build/bluehelm}
[[ "$BLUEHELM" = /* ]] || BLUEHELM=$root/$BLUEHELM
BACKEND=${BACKEND:-sqlite}
WRITE_PCT=${WRITE_PCT:-50}
ROUTES=${ROUTES:-get list count indicator rw mixed}
[[ $BACKEND == sqlite || $BACKEND == postgresql ]] || { echo "http.sh: BACKEND is sqlite or postgresql" >&2; exit 1; }
[[ $BACKEND == postgresql ]] && BENCH_DIR=${BENCH_DIR%/}-pg

die() { echo "http.sh: $*" >&2; exit 1; }
say() { echo "http.sh: $*" >&2; }
for v in ROWS SEED DURATION THREADS CONNS NGINX_WORKERS WRK_TIMEOUT WRITE_PCT WRITE_MS; do
  [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive whole number"
done
"$root/scripts/deps.sh" bench || say "continuing with the tools that are installed"
[[ -x "$BLUEHELM" ]] || die "$BLUEHELM is missing: run make build/bluehelm"
for t in wrk nginx sqlite3 curl; do
  command -v "$t" >/dev/null || die "$t is missing (scripts/deps.sh bench installs it)"
done

mkdir -p "$BENCH_DIR"
cd "$BENCH_DIR"
# A private copy: a rebuild of build/bluehelm during the run does not disturb it.
cp "$BLUEHELM" "$BENCH_DIR/bluehelm.bin"
BH=$BENCH_DIR/bluehelm.bin
DB=$BENCH_DIR/events.db

SERVER_PID="" NGINX_PID="" RSS_PID=""
PSQL=()
if [[ $BACKEND == postgresql ]]; then
  command -v psql >/dev/null || die "psql is missing (scripts/deps.sh test installs postgresql)"
  # shellcheck source=../tests/pg_cluster.sh
  source "$root/tests/pg_cluster.sh"
  PG_SETTINGS="-c shared_buffers=1GB -c synchronous_commit=off -c max_wal_size=8GB -c checkpoint_timeout=30min -c maintenance_work_mem=256MB"
  TMPDIR=$BENCH_DIR pg_start || die "no PostgreSQL: $PG_SKIP_REASON"
  PSQL=(psql -X -q -At -v ON_ERROR_STOP=1 -h "$BLUEHELM_TEST_PG" -U bh)
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE events"
  DB="postgresql:///events?host=$BLUEHELM_TEST_PG&user=bh"
fi
cleanup() {
  local p
  for p in $RSS_PID $SERVER_PID $NGINX_PID; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in $RSS_PID $SERVER_PID $NGINX_PID; do
    for ((i = 0; i < 100; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  [[ $BACKEND == postgresql ]] && pg_stop
  return 0
}
trap cleanup EXIT

# ---------------------------------------------------------------- the data
# Native events (FORMATS.md section 2): ids ev-0000001.. in id order, dates
# 2012-2023, ACLED event types with their sub-types, 14 Mali locations
# (a third of the events in Gao region), weapons, targets, IED outcomes,
# casualties, classifications; a Park-Miller generator, so the bytes are the
# same under mawk and gawk.
GEN='
function rnd() { state = (state * 48271) % 2147483647; return state / 2147483647 }
function rint(n) { return int(rnd() * n) }
function pick(cum, n,    x, i) { x = rnd() * cum[n]; for (i = 1; i < n; i++) if (x < cum[i]) return i; return n }
function add(arr, cum, n, item, w) { arr[n] = item; cum[n] = (n > 1 ? cum[n - 1] : 0) + w }
BEGIN {
  state = seed % 2147483646 + 1
  for (i = 0; i < 8; i++) rnd()
  n = 0
  add(pair, pc, ++n, "Battles|Armed clash", 40)
  add(pair, pc, ++n, "Violence against civilians|Attack", 30)
  add(pair, pc, ++n, "Violence against civilians|Abduction/forced disappearance", 6)
  add(pair, pc, ++n, "Explosions/Remote violence|Remote explosive/landmine/IED", 14)
  add(pair, pc, ++n, "Explosions/Remote violence|Shelling/artillery/missile attack", 4)
  add(pair, pc, ++n, "Protests|Peaceful protest", 6)
  add(pair, pc, ++n, "Strategic developments|Looting/property destruction", 4)
  np = n
  n = 0
  add(loc, lc, ++n, "Gao|Gao|Gao|16.2717|-0.0447", 18)
  add(loc, lc, ++n, "Gao|Ansongo|Ansongo|15.6597|0.5022", 8)
  add(loc, lc, ++n, "Gao|Bourem|Bourem|16.9550|-0.3486", 6)
  add(loc, lc, ++n, "Kidal|Kidal|Kidal|18.4400|1.4100", 10)
  add(loc, lc, ++n, "Kidal|Tessalit|Tessalit|20.2581|0.9905", 5)
  add(loc, lc, ++n, "Tombouctou|Tombouctou|Timbuktu|16.7705|-3.0056", 9)
  add(loc, lc, ++n, "Tombouctou|Goundam|Goundam|16.4167|-3.6667", 3)
  add(loc, lc, ++n, "Mopti|Mopti|Mopti|14.4891|-4.1928", 8)
  add(loc, lc, ++n, "Mopti|Douentza|Douentza|14.9951|-2.9517", 8)
  add(loc, lc, ++n, "Mopti|Bandiagara|Bandiagara|14.3493|-3.6102", 6)
  add(loc, lc, ++n, "Ségou|Niono|Niono|14.2526|-5.9930", 5)
  add(loc, lc, ++n, "Ménaka|Ménaka|Ménaka|15.9182|2.4022", 6)
  add(loc, lc, ++n, "Bamako|Bamako|Bamako|12.6500|-8.0000", 4)
  add(loc, lc, ++n, "Kayes|Kayes|Kayes|14.4417|-11.4341", 2)
  nl = n
  split("Unidentified Armed Group (Mali)|JNIM: Group for Support of Islam and Muslims|Islamic State (Sahel)|Military Forces of Mali (2021-)|MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-)", actor, "|")
  split("mission|civilians|national_forces|international_forces|armed_groups", targets, "|")
  split("31 28 31 30 31 30 31 31 30 31 30 31", md, " ")
  print "event_id_cnty,event_date,year,event_type,sub_event_type,actor1,actor2,country,admin1,admin2,location,latitude,longitude,source,notes,fatalities,weapon,ied_outcome,target,civilians_killed,civilians_injured,peacekeepers_killed,peacekeepers_injured,forces_killed,forces_injured,classification"
  for (r = 1; r <= rows; r++) {
    y = 2012 + rint(12); m = 1 + rint(12); dmax = md[m] + (m == 2 && y % 4 == 0); d = 1 + rint(dmax)
    split(pair[pick(pc, np)], P, "|")
    split(loc[pick(lc, nl)], L, "|")
    a1 = actor[1 + rint(3)]; a2 = actor[4 + rint(2)]
    weapon = ""; outcome = ""; target = ""
    ck = ""; ci = ""; pk = ""; pi = ""; fk = ""; fi = ""
    if (P[1] == "Explosions/Remote violence") {
      u = rnd()
      weapon = u < 0.55 ? "ied" : u < 0.65 ? "vbied" : u < 0.85 ? "indirect_fire" : "mine"
      target = targets[1 + rint(5)]
      if (weapon == "ied" && rnd() < 0.4) outcome = rnd() < 0.5 ? "neutralized" : "detonated"
      pk = rint(2); pi = rint(4)
    } else if (P[1] == "Battles") {
      weapon = "small_arms"; target = targets[3 + rint(3)]; fk = rint(5); fi = rint(5)
    }
    if (P[1] == "Violence against civilians" || target == "civilians") { ck = rint(4); ci = rint(6) }
    fat = (ck == "" ? 0 : ck) + (pk == "" ? 0 : pk) + (fk == "" ? 0 : fk)
    u = rnd()
    cls = u < 0.2 ? "unclassified" : u < 0.95 ? "restricted" : "confidential"
    printf "ev-%07d,%04d-%02d-%02d,%d,%s,%s,%s,%s,Mali,%s,%s,%s,%.4f,%.4f,MINUSMA JOC daily report,\"On %04d-%02d-%02d, %s and %s near %s (%s, %s): a %s, %d fatalities reported by local sources; figures not yet confirmed.\",%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
      r, y, m, d, y, P[1], P[2], a1, a2, L[1], L[2], L[3], L[4] + (rnd() - 0.5) * 0.2, L[5] + (rnd() - 0.5) * 0.2,
      y, m, d, a1, a2, L[3], L[2], L[1], tolower(P[2]), fat, fat, weapon, outcome, target, ck, ci, pk, pi, fk, fi, cls
  }
}'
gen_sum=$(printf '%s' "$GEN" | cksum | awk '{print $1}')
csv=$BENCH_DIR/events_${ROWS}_${SEED}_${gen_sum}.csv
if [[ ! -s "$csv" ]]; then
  rm -f "$BENCH_DIR"/events_*.csv
  say "generating $ROWS events into $csv"
  awk -v rows="$ROWS" -v seed="$SEED" "$GEN" >"$csv.tmp"
  mv "$csv.tmp" "$csv"
fi
stamp=$csv
if [[ $BACKEND == postgresql ]]; then
  say "importing $ROWS events into $DB"
  "$BH" --db "$DB" init >/dev/null
  t0=$(date +%s.%N)
  "$BH" --db "$DB" import "$csv" --kind events >import.out 2>import.err || { cat import.err >&2; die "import failed"; }
  say "  $(cat import.out) ($(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}') s)"
  "${PSQL[@]}" -d events -c "VACUUM ANALYZE"
elif [[ ! -s "$DB" || "$(cat "$DB.stamp" 2>/dev/null)" != "$stamp" ]] ||
  [[ "$("$BH" --db "$DB" count events 2>/dev/null)" != "$ROWS" ]]; then
  rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.stamp"
  say "importing $ROWS events into $DB"
  "$BH" --db "$DB" init >/dev/null
  t0=$(date +%s.%N)
  "$BH" --db "$DB" import "$csv" --kind events >import.out 2>import.err || { cat import.err >&2; die "import failed"; }
  say "  $(cat import.out) ($(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}') s)"
  echo "$stamp" >"$DB.stamp"
fi
[[ "$("$BH" --db "$DB" count events)" == "$ROWS" ]] || die "the database does not hold $ROWS events"
if ! "$BH" --db "$DB" user list | grep -q '^bench '; then
  echo 'bench password, not a secret' | "$BH" --db "$DB" user add bench --role analyst >/dev/null
fi
TOKEN=$("$BH" --db "$DB" user token bench)
if ! "$BH" --db "$DB" user list | grep -q '^benchw '; then
  echo 'bench password, not a secret' | "$BH" --db "$DB" user add benchw --role editor >/dev/null
fi
WTOKEN=$("$BH" --db "$DB" user token benchw)
# The read/write load (route rw): WRITE_PCT % new events (ids mx<run>-<thread>-<n>), the
# rest reads of random events; writes and reads answered are counted.
RUN_ID=$(date +%s)
cat >rw.lua <<'EOF'
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  writes, reads, bad, n = 0, 0, 0, 0
  rows = tonumber(os.getenv("ROWS"))
  pct = tonumber(os.getenv("WRITE_PCT"))
  prefix = "mx" .. os.getenv("RUN_ID") .. "-" .. tid .. "-"
  rhdr = {["Authorization"] = "Bearer " .. os.getenv("TOKEN")}
  whdr = {["Authorization"] = "Bearer " .. os.getenv("WTOKEN"), ["Content-Type"] = "application/json"}
  math.randomseed(tid * 7919)
end
function request()
  n = n + 1
  if math.random(100) <= pct then
    local body = string.format('{"event_id_cnty": "%s%d", "event_date": "2021-05-01", "event_type": "Battles", ' ..
      '"sub_event_type": "Armed clash", "admin1": "Gao", "latitude": 16.27, "longitude": -0.04, "fatalities": 1}', prefix, n)
    return wrk.format("POST", "/api/v1/events", whdr, body)
  end
  return wrk.format("GET", string.format("/api/v1/events/ev-%07d", math.random(rows)), rhdr)
end
function response(status, headers, body)
  if status == 201 then writes = writes + 1 elseif status == 200 then reads = reads + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local w, r, b = 0, 0, 0
  for _, t in ipairs(threads) do w = w + t:get("writes"); r = r + t:get("reads"); b = b + t:get("bad") end
  io.write(string.format("RW writes=%d reads=%d bad=%d\n", w, r, b))
end
EOF
export ROWS WRITE_PCT RUN_ID TOKEN WTOKEN

# ---------------------------------------------------------------- the servers
free_port() { # a loopback port nobody listens on
  local p
  for ((p = 20000 + RANDOM % 20000; ; p++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
sargs=()
[[ -n "$SERVER_THREADS" ]] && sargs=(--threads "$SERVER_THREADS")
# start_bh: a fresh `bluehelm serve` (each route gets its own, so that a slow
# route's backlog does not spill into the next); sets SERVER_PID and BHURL.
start_bh() {
  : >serve.out
  "$BH" --db "${1:-$DB}" serve --listen 127.0.0.1:0 --log "$BENCH_DIR/access.log" "${sargs[@]}" >serve.out 2>>serve.err &
  SERVER_PID=$!
  local port=""
  for ((i = 0; i < 300; i++)); do
    port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' serve.out)
    [[ -n "$port" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat serve.err >&2; die "bluehelm serve did not start"; }
    sleep 0.1
  done
  [[ -n "$port" ]] || die "bluehelm serve did not say where it listens"
  BHURL=http://127.0.0.1:$port
}
# stop_bh: SIGTERM (in-flight requests finish), bounded; sets stop_rc.
stop_bh() {
  local rc=0
  stop_rc=0
  kill -TERM "$SERVER_PID"
  for ((i = 0; i < 1200; i++)); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null && stop_rc=killed
  wait "$SERVER_PID" || rc=$?
  [[ $stop_rc == killed ]] || stop_rc=$rc
  SERVER_PID=""
}
: >access.log
: >serve.err
start_bh

ID=$(printf 'ev-%07d' $((ROWS / 2)))
names=(get list count indicator)
names_all=(get list count indicator rw mixed)
declare -A path=(
  [get]="/api/v1/events/$ID"
  [list]="/api/v1/events?admin1=Gao&limit=50"
  [count]="/api/v1/count/events?admin1=Gao&event_type=Battles"
  [indicator]="/api/v1/indicators/ied?from=$IND_FROM&to=$IND_TO&admin1=Gao"
  [rw]="/api/v1/events ($WRITE_PCT % POST, the rest GET /api/v1/events/{random id})"
)
declare -A sql=(
  [get]="SELECT * FROM events WHERE event_id_cnty = '$ID';"
  [list]="SELECT * FROM events WHERE admin1 = 'Gao' ORDER BY event_id_cnty LIMIT 51;"
  [count]="SELECT count(*) FROM events WHERE admin1 = 'Gao' AND event_type = 'Battles';"
  [indicator]="SELECT event_id_cnty, target, ied_outcome, civilians_killed, civilians_injured, peacekeepers_killed, peacekeepers_injured, forces_killed, forces_injured FROM events WHERE admin1 = 'Gao' AND event_date >= '$IND_FROM' AND event_date <= '$IND_TO' AND weapon IN ('ied', 'vbied') ORDER BY event_id_cnty;"
)
declare -A bytes
rm -rf www
mkdir -p www
for n in "${names[@]}"; do
  code=$(curl -s -o "www/$n.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$BHURL${path[$n]}")
  [[ $code == 200 ]] || die "GET ${path[$n]} answered $code: $(head -c 300 "www/$n.json")"
  bytes[$n]=$(stat -c %s "www/$n.json")
done

# nginx: the same bodies as static files, as an unprivileged process
NPORT=$(free_port)
rm -rf nginx
mkdir -p nginx/tmp
cat >nginx/nginx.conf <<EOF
daemon off;
master_process on;
worker_processes $NGINX_WORKERS;
pid $BENCH_DIR/nginx/nginx.pid;
error_log $BENCH_DIR/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log $BENCH_DIR/nginx/access.log;
  default_type application/json;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 100000000;
  client_body_temp_path $BENCH_DIR/nginx/tmp/body;
  proxy_temp_path $BENCH_DIR/nginx/tmp/proxy;
  fastcgi_temp_path $BENCH_DIR/nginx/tmp/fastcgi;
  uwsgi_temp_path $BENCH_DIR/nginx/tmp/uwsgi;
  scgi_temp_path $BENCH_DIR/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$NPORT;
    root $BENCH_DIR/www;
    location / { try_files \$uri =404; }
  }
}
EOF
run_as=()
if [[ $(id -u) -eq 0 ]]; then
  chown -R 65534:65534 nginx
  chmod 755 "$BENCH_DIR" www
  chmod 644 www/*
  run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
"${run_as[@]}" nginx -e "$BENCH_DIR/nginx/error.log" -p "$BENCH_DIR/nginx" -c "$BENCH_DIR/nginx/nginx.conf" \
  >nginx/stdout 2>&1 &
NGINX_PID=$!
NGURL=http://127.0.0.1:$NPORT
for ((i = 0; i < 100; i++)); do
  curl -s -o /dev/null "$NGURL/get.json" && break
  kill -0 "$NGINX_PID" 2>/dev/null || { cat nginx/stdout nginx/error.log >&2; die "nginx did not start"; }
  sleep 0.1
done
for n in get list; do
  cmp -s <(curl -s "$NGURL/$n.json") "www/$n.json" || die "nginx does not serve www/$n.json"
done

# ---------------------------------------------------------------- load
# wrk_run NAME URL [TOKEN]: wrk with --latency; prints
# "req/s p50-ms p99-ms non2xx socket-errors requests timeouts".
to_ms() { awk '{v = $1; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000} else if (v ~ /ms$/) sub(/ms$/, "", v);
                else if (v ~ /s$/) {sub(/s$/, "", v); v *= 1000}; printf "%.2f", v}'; }
wrk_run() {
  local name=$1 url=$2 tok=${3:-} script=${4:-}
  local hdr=()
  [[ -n "$tok" ]] && hdr=(-H "Authorization: Bearer $tok")
  [[ -n "$script" ]] && hdr=(-s "$script")
  wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --timeout "${WRK_TIMEOUT}s" --latency "${hdr[@]}" "$url" \
    >"wrk_$name.txt" 2>&1 || { cat "wrk_$name.txt" >&2; die "wrk failed on $url"; }
  local rps p50 p99 non2xx errs nreq tmo
  rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "wrk_$name.txt")
  p50=$(awk '$1 == "50%" {print $2}' "wrk_$name.txt" | to_ms)
  p99=$(awk '$1 == "99%" {print $2}' "wrk_$name.txt" | to_ms)
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "wrk_$name.txt")
  errs=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "wrk_$name.txt")
  tmo=$(awk '/Socket errors:/ {print $NF}' "wrk_$name.txt")
  nreq=$(awk '/ requests in / {print $1}' "wrk_$name.txt")
  echo "$rps $p50 $p99 ${non2xx:-0} ${errs:-0} ${nreq:-0} ${tmo:-0}"
}
# RSS sampler: the server's VmRSS every 0.2 s, the largest kept (KiB) in rss.NAME.
rss_of() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
sample_rss() {
  local pid=$1 out=$2 max=0 v
  echo 0 >"$out"
  while kill -0 "$pid" 2>/dev/null; do
    v=$(rss_of "$pid" VmRSS)
    ((${v:-0} > max)) && max=$v && echo "$max" >"$out"
    sleep 0.2
  done
}
rss_idle=$(rss_of "$SERVER_PID" VmRSS)
stop_bh

declare -A res rss hwm
# bh_route NAME: wrk on a fresh server, its memory sampled.
bh_route() {
  local n=$1
  start_bh
  [[ $n == rw ]] || curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$BHURL${path[$n]}" # warm this server's cache
  sample_rss "$SERVER_PID" "rss.$n" &
  RSS_PID=$!
  say "wrk: $n: bluehelm ${path[$n]}"
  if [[ $n == rw ]]; then
    res[bh_$n]=$(wrk_run "bh_$n" "$BHURL/" "" "$BENCH_DIR/rw.lua")
    rwload=$(sed -n 's/^RW //p' "wrk_bh_$n.txt")
  else
    res[bh_$n]=$(wrk_run "bh_$n" "$BHURL${path[$n]}" "$TOKEN")
  fi
  hwm[$n]=$(rss_of "$SERVER_PID" VmHWM)
  stop_bh
  wait "$RSS_PID" 2>/dev/null || true
  RSS_PID=""
  rss[$n]=$(cat "rss.$n")
  [[ $stop_rc == 0 ]] || say "  the server exited $stop_rc after SIGTERM"
}
rwload=""
for n in get list; do
  [[ " $ROUTES " == *" $n "* ]] || continue
  bh_route "$n"
  say "wrk: $n: nginx /$n.json (${bytes[$n]} bytes)"
  res[ng_$n]=$(wrk_run "ng_$n" "$NGURL/$n.json" "$TOKEN")
done
for n in count indicator rw; do [[ " $ROUTES " == *" $n "* ]] && bh_route "$n"; done

# ---------------------------------------------------------------- mixed run
# The four routes at once, while a writer POSTs an event every WRITE_MS ms,
# on a copy of the database (the writes must not change the next runs).
if [[ " $ROUTES " == *" mixed "* && $BACKEND == sqlite ]]; then
say "mixed run: the four routes at once and one POST every $WRITE_MS ms"
cp "$DB" mixed.db
cp "$DB.audit-key" mixed.db.audit-key 2>/dev/null || true
start_bh "$BENCH_DIR/mixed.db"
for n in "${names[@]}"; do curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$BHURL${path[$n]}"; done
sample_rss "$SERVER_PID" rss.mixed &
RSS_PID=$!
mixed_conns=$((CONNS / 4 > 0 ? CONNS / 4 : 1))
declare -A MIXED_PID
for n in "${names[@]}"; do
  wrk -t1 -c"$mixed_conns" -d"${DURATION}s" --timeout "${WRK_TIMEOUT}s" --latency -H "Authorization: Bearer $TOKEN" \
    "$BHURL${path[$n]}" >"wrk_mixed_$n.txt" 2>&1 &
  MIXED_PID[$n]=$!
done
: >writes.txt
t_end=$(($(date +%s%N) + DURATION * 1000000000))
w=0
while (($(date +%s%N) < t_end)); do
  w=$((w + 1))
  t0=$(date +%s%N)
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $WTOKEN" \
    -H 'Content-Type: application/json' --data-binary \
    "{\"event_id_cnty\": \"bench-w-$w\", \"event_date\": \"2021-06-15\", \"event_type\": \"Battles\", \"sub_event_type\": \"Armed clash\", \"admin1\": \"Gao\", \"latitude\": 16.27, \"longitude\": -0.04, \"fatalities\": 0}" \
    "$BHURL/api/v1/events" >>writes.txt || echo "000 99" >>writes.txt
  left=$((WRITE_MS - ($(date +%s%N) - t0) / 1000000))
  ((left > 0)) && sleep "$(awk -v m="$left" 'BEGIN {printf "%.3f", m / 1000}')"
done
for n in "${names[@]}"; do wait "${MIXED_PID[$n]}" || true; done
hwm[mixed]=$(rss_of "$SERVER_PID" VmHWM)
stop_bh
wait "$RSS_PID" 2>/dev/null || true
RSS_PID=""
rss[mixed]=$(cat rss.mixed)
rm -f mixed.db mixed.db-wal mixed.db-shm mixed.db.audit-key
wrk_fields() { # FILE: the same fields as wrk_run
  local f=$1
  echo "$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$f") $(awk '$1 == "50%" {print $2}' "$f" | to_ms) $(awk '$1 == "99%" {print $2}' "$f" | to_ms) $(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$f" | grep . || echo 0) $(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$f" | grep . || echo 0) $(awk '/ requests in / {print $1}' "$f") $(awk '/Socket errors:/ {print $NF}' "$f" | grep . || echo 0)"
}
for n in "${names[@]}"; do res[mixed_$n]=$(wrk_fields "wrk_mixed_$n.txt"); done
writes_n=$(wc -l <writes.txt)
writes_ok=$(awk '$1 == 201 || $1 == 200' writes.txt | wc -l)
read -r w_p50 w_p99 w_max < <(awk '{print $2 * 1000}' writes.txt | sort -g |
  awk '{v[NR] = $1} END {i50 = int(NR * 0.5 + 0.5); i99 = int(NR * 0.99 + 0.5); if (i50 < 1) i50 = 1; if (i99 < 1) i99 = 1; printf "%.1f %.1f %.1f\n", v[i50], v[i99], v[NR]}')
fi
log_lines=$(wc -l <access.log)

# ---------------------------------------------------------------- the sqlite3 shell
# sqlite_ms SQL: the median "real" time of `.timer on` over 15 runs (after 3
# warmup runs), in ms (the shell prints it to the millisecond); and the mean
# of a batch of N runs in one shell (its start-up subtracted), finer.
sqlite_ms() {
  local med t0 t1 t2 n
  med=$({
    echo ".timer on"
    for ((i = 0; i < 18; i++)); do echo "$1"; done
  } | sqlite3 -readonly "$DB" | awk '/^Run Time: real/ {n++; if (n > 3) print $4 * 1000}' |
    sort -g | awk '{v[NR] = $1} END {printf "%.0f", v[int((NR + 1) / 2)]}')
  n=$((med >= 20 ? 10 : med >= 2 ? 50 : 500))
  t0=$(date +%s%N)
  echo "SELECT 1;" | sqlite3 -readonly "$DB" >/dev/null
  t1=$(date +%s%N)
  for ((i = 0; i < n; i++)); do echo "$1"; done | sqlite3 -readonly "$DB" >/dev/null
  t2=$(date +%s%N)
  awk -v m="$med" -v a="$t0" -v b="$t1" -v c="$t2" -v n="$n" \
    'BEGIN {printf "%s %.3f %d", m, ((c - b) - (b - a)) / n / 1e6, n}'
}
# psql_ms SQL: the same on PostgreSQL: the median of psql's \timing over 15
# runs (after 3 warmup runs), and the mean of N runs in one psql.
psql_ms() {
  local med t0 t1 t2 n
  med=$({
    echo '\timing on'
    for ((i = 0; i < 18; i++)); do echo "$1"; done
  } | "${PSQL[@]}" -d events | awk '/^Time: / {n++; if (n > 3) print $2}' |
    sort -g | awk '{v[NR] = $1} END {printf "%.1f", v[int((NR + 1) / 2)]}')
  n=$(awk -v m="$med" 'BEGIN {print (m >= 20 ? 10 : m >= 2 ? 50 : 500)}')
  t0=$(date +%s%N)
  echo "SELECT 1;" | "${PSQL[@]}" -d events >/dev/null
  t1=$(date +%s%N)
  for ((i = 0; i < n; i++)); do echo "$1"; done | "${PSQL[@]}" -d events >/dev/null
  t2=$(date +%s%N)
  awk -v m="$med" -v a="$t0" -v b="$t1" -v c="$t2" -v n="$n" \
    'BEGIN {printf "%s %.3f %d", m, ((c - b) - (b - a)) / n / 1e6, n}'
}
declare -A sq
for n in "${names[@]}"; do
  if [[ $BACKEND == postgresql ]]; then sq[$n]=$(psql_ms "${sql[$n]}"); else sq[$n]=$(sqlite_ms "${sql[$n]}"); fi
done

kill -TERM "$NGINX_PID"
wait "$NGINX_PID" || true
NGINX_PID=""

# ---------------------------------------------------------------- the results
f() { echo "${res[$1]}" | awk -v i="$2" '{print $i}'; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f %%", (b > 0 ? 100 * a / b : 0)}'; }
met() { awk -v v="$1" -v t="$2" -v ge="${3:-}" 'BEGIN {print (ge ? v >= t : v <= t) ? "yes" : "NO"}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }
# p99 of a run, or "-" when no request completed (then the target is not met)
p99() { if [[ $(f "$1" 6) == 0 ]]; then echo "-"; else f "$1" 3; fi; }
p99met() { local v; v=$(p99 "$1"); if [[ $v == - ]]; then echo NO; else met "$v" "$2"; fi; }
p50() { if [[ $(f "$1" 6) == 0 ]]; then echo "-"; else f "$1" 2; fi; }
rss_all=0
for n in "${names_all[@]}"; do
  for v in "${rss[$n]:-0}" "${hwm[$n]:-0}"; do ((v > rss_all)) && rss_all=$v; done
done
{
  echo
  echo "bluehelm serve benchmark, $(date -u +%Y-%m-%d)"
  if [[ $BACKEND == postgresql ]]; then
    echo "  $ROWS events ($("${PSQL[@]}" -d postgres -c "SELECT pg_database_size('events') / 1048576") MB database on PostgreSQL $("${PSQL[@]}" -d postgres -c 'SHOW server_version'), $PG_SETTINGS), SEED=$SEED"
  else
    echo "  $ROWS events ($(du -m "$DB" | cut -f1) MB database $DB), SEED=$SEED"
  fi
  echo "  wrk -t$THREADS -c$CONNS -d${DURATION}s --timeout ${WRK_TIMEOUT}s --latency, bearer token (analyst); bluehelm serve ${sargs[*]:-(default threads)}, a fresh server per route, access log to a file;"
  echo "  nginx $(nginx -v 2>&1 | sed 's|.*/||'), $NGINX_WORKERS workers, unprivileged, access log to a file, the same bodies as static files"
  echo "  $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), SQLite $(sqlite3 --version | cut -d' ' -f1); load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  printf '%-62s %8s %9s %9s %9s %9s %6s  %s\n' "route (response bytes)" "req/s" "p50 ms" "p99 ms" "timeouts" "nginx r/s" "ratio" "targets met"
  for n in get list; do
    [[ -n "${res[bh_$n]:-}" ]] || continue
    r=$(f "bh_$n" 1) g=$(f "ng_$n" 1)
    printf '%-62s %8s %9s %9s %9s %9s %6s  %s\n' "GET ${path[$n]} (${bytes[$n]})" "$r" "$(p50 "bh_$n")" "$(p99 "bh_$n")" "$(f "bh_$n" 7)" "$g" "$(pct "$r" "$g")" \
      "$(if [[ $n == get ]]; then echo ">= 40 % of nginx: $(met "$(awk -v a="$r" -v b="$g" 'BEGIN {print (b > 0 ? a / b : 0)}')" 0.4 1); p99 <= 25 ms: $(p99met "bh_$n" 25)"; else echo "p99 <= 50 ms: $(p99met "bh_$n" 50)"; fi)"
    printf '%-62s %8s %9s %9s %9s\n' "  nginx /$n.json" "$g" "$(p50 "ng_$n")" "$(p99 "ng_$n")" "$(f "ng_$n" 7)"
  done
  for n in count indicator; do
    [[ -n "${res[bh_$n]:-}" ]] || continue
    lim=50
    [[ $n == indicator ]] && lim=100
    printf '%-62s %8s %9s %9s %9s %9s %6s  %s\n' "GET ${path[$n]} (${bytes[$n]})" "$(f "bh_$n" 1)" "$(p50 "bh_$n")" "$(p99 "bh_$n")" "$(f "bh_$n" 7)" "-" "-" \
      "p99 <= $lim ms: $(p99met "bh_$n" "$lim")"
  done
  if [[ -n "${res[bh_rw]:-}" ]]; then
    printf '%-62s %8s %9s %9s %9s\n' "rw: ${path[rw]}" "$(f bh_rw 1)" "$(p50 bh_rw)" "$(p99 bh_rw)" "$(f bh_rw 7)"
    echo "$rwload" | awk -v d="$DURATION" '{for (i = 1; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}}
      END {printf "  read/write load: writes %.0f/s (%d answered 201), reads %.0f/s (%d answered 200), %d other answers\n", v["writes"] / d, v["writes"], v["reads"] / d, v["reads"], v["bad"]}'
  fi
  echo
  if [[ -n "${mixed_conns:-}" ]]; then
  echo "  mixed run (copy of the database): the four routes at once, $mixed_conns connections each, and one POST every $WRITE_MS ms:"
  for n in "${names[@]}"; do
    printf '    %-58s %8s req/s  p50 %7s ms  p99 %8s ms  answers %7s  timeouts %s\n' "GET ${path[$n]}" "$(f "mixed_$n" 1)" \
      "$(p50 "mixed_$n")" "$(p99 "mixed_$n")" "$(f "mixed_$n" 6)" "$(f "mixed_$n" 7)"
  done
  starved=no
  for n in "${names[@]}"; do [[ $(f "mixed_$n" 6) -gt 0 && $(f "mixed_$n" 7) == 0 ]] || starved=YES; done
  printf '    POST /api/v1/events: %s of %s stored (201); p50 %s ms, p99 %s ms, slowest %s ms  (target p99 <= 100 ms: %s; a reader starved: %s)\n' \
    "$writes_ok" "$writes_n" "$w_p50" "$w_p99" "$w_max" "$(met "$w_p99" 100)" "$starved"
  echo
  fi
  echo "  the same queries in the $([[ $BACKEND == postgresql ]] && echo "psql client (\\timing)" || echo "sqlite3 shell") on the same file: .timer on (median real of 15 runs, whole ms) and the mean of N runs in one shell:"
  for n in "${names[@]}"; do
    read -r tmed tmean tn <<<"${sq[$n]}"
    printf '    %6s ms  %9s ms (N=%s)  %s\n' "$tmed" "$tmean" "$tn" "${sql[$n]}"
  done
  echo
  echo "  server memory: VmRSS idle $(mib "$rss_idle"); under load, largest VmRSS sampled / VmHWM per route:"
  for n in "${names_all[@]}"; do [[ -n "${rss[$n]:-}" ]] && echo "    $n: $(mib "${rss[$n]:-0}") / $(mib "${hwm[$n]:-0}")"; done
  echo "    largest: $(mib "$rss_all") (target <= 64 MiB: $(met "$rss_all" 65536))"
  bad=""
  for k in "${!res[@]}"; do
    [[ $(f "$k" 4) == 0 && $(f "$k" 5) == 0 ]] || bad="$bad $k: $(f "$k" 6) answers, $(f "$k" 4) non-2xx, $(f "$k" 5) socket errors ($(f "$k" 7) timeouts);"
  done
  echo "  non-2xx answers and socket errors: ${bad:-none}"
  echo "  bluehelm access log: $log_lines lines"
  echo "  raw wrk output: $BENCH_DIR/wrk_*.txt"
} | tee results.txt
