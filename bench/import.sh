#!/usr/bin/env bash
# import.sh: bluehelm's ACLED import against the sqlite3 shell's .import, and
# two count queries against the same queries in the sqlite3 shell.
#
#   bench/import.sh                 1,000,000 rows (2-3 minutes on a quiet machine)
#   ROWS=100000 bench/import.sh     a quick run
#
# Environment:
#   ROWS       rows of the generated ACLED file (default 1000000)
#   SEED       generator seed (default 20240601); same ROWS+SEED, same bytes
#   REPEAT     import runs per side, alternating a/b; the median is reported
#              (default 1)
#   RUNS       hyperfine runs per query (default 30, after 5 warmup runs)
#   BENCH_DIR  work directory (default /tmp/bluehelm-bench); the CSV is kept
#              there and reused while ROWS, SEED and the generator are unchanged
#   BLUEHELM   the binary (default build/bluehelm)
#   BACKEND    sqlite (default) or postgresql: then (a) imports into a
#              PostgreSQL database and (b) is psql's \copy into a table of
#              the file's columns with bluehelm's _cell and events indexes,
#              both on a throwaway cluster started in BENCH_DIR-pg (fsync on,
#              synchronous_commit off, 1 GB shared_buffers; see README)
#
# Writes nothing into the repository. See bench/README.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ROWS=${ROWS:-1000000}
SEED=${SEED:-20240601}
REPEAT=${REPEAT:-1}
RUNS=${RUNS:-30}
BENCH_DIR=${BENCH_DIR:-/tmp/bluehelm-bench}
BLUEHELM=${BLUEHELM:-$root/build/bluehelm}
[[ "$BLUEHELM" = /* ]] || BLUEHELM=$root/$BLUEHELM

die() { echo "import.sh: $*" >&2; exit 1; }
[[ "$ROWS" =~ ^[1-9][0-9]*$ ]] || die "ROWS must be a positive whole number"
[[ "$REPEAT" =~ ^[1-9][0-9]*$ ]] || die "REPEAT must be a positive whole number"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive whole number"
BACKEND=${BACKEND:-sqlite}
[[ $BACKEND == sqlite || $BACKEND == postgresql ]] || die "BACKEND is sqlite or postgresql"
"$root/scripts/deps.sh" bench || echo "import.sh: continuing with the tools that are installed" >&2
[[ -x "$BLUEHELM" ]] || die "$BLUEHELM is missing: run make build/bluehelm (or make bench)"
command -v sqlite3 >/dev/null || die "the sqlite3 shell is missing (apt-get install sqlite3)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (apt-get install time)"
have_hyperfine=0
command -v hyperfine >/dev/null && have_hyperfine=1

mkdir -p "$BENCH_DIR"
cd "$BENCH_DIR"
# A private copy: a rebuild of build/bluehelm during the run does not disturb it.
cp "$BLUEHELM" "$BENCH_DIR/bluehelm.bin"
BLUEHELM=$BENCH_DIR/bluehelm.bin

# ---------------------------------------------------------------- the file
gen_sum=$(cksum <"$here/gen_acled.awk" | awk '{print $1}')
csv=$BENCH_DIR/acled_${ROWS}_${SEED}_${gen_sum}.csv
if [[ ! -s "$csv" ]]; then
  rm -f "$BENCH_DIR"/acled_"${ROWS}"_"${SEED}"_*.csv # an older generator's file
  echo "generating $ROWS rows into $csv" >&2
  t0=$(date +%s.%N)
  awk -v rows="$ROWS" -v seed="$SEED" -f "$here/gen_acled.awk" >"$csv.tmp"
  mv "$csv.tmp" "$csv"
  echo "  $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s" >&2
fi
csv_bytes=$(stat -L -c %s "$csv")
cat "$csv" >/dev/null # into the page cache, for both sides alike

printf 'place_id,name,latitude,longitude\ngao,Gao,16.27167,-0.04472\n' >places.csv

# /usr/bin/time -v output -> "wall-seconds max-RSS-KiB cpu-seconds (user+sys)"
time_fields() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
    /Maximum resident set size/ { m = $2 }
    /User time \(seconds\)|System time \(seconds\)/ { c += $2 }
    END { printf "%.2f %d %.2f\n", s, m, c }' "$1"
}

# ------------------------------------------------------- (a) bluehelm import
run_a() {
  rm -f a.db a.db-wal a.db-shm
  "$BLUEHELM" --db a.db init --no-gazetteer >/dev/null
  "$BLUEHELM" --db a.db import places.csv >/dev/null
  /usr/bin/time -v -o a.time "$BLUEHELM" --db a.db import "$csv" --format acled >a.out 2>a.err ||
    { cat a.err >&2; die "bluehelm import failed"; }
  time_fields a.time
}

# ------------------------------------------ (b) the sqlite3 shell's .import
# The same columns (the file's 31: bluehelm drops data_id, event_id_no_cnty
# and iso3 but has 20 empty extension columns), the same primary key, the
# same indexes, the same durability. .import runs in one transaction, as
# bluehelm's import does; the indexes are built afterwards. The _cell
# column and the events indexes are read from a database bluehelm has just
# created, so (b) follows bluehelm's schema; events_place,
# events_operation and events_duplicate_of are left out (partial indexes on
# place_id, operation_id and duplicate_of, columns an ACLED file does not
# have), and so is events_explosive (on the explosive incidents, which
# bluehelm tells from ACLED's sub-event types: (a) builds it, (b) cannot). _cell is added after
# the import because .import cannot fill a table with a generated column (it
# counts it as a value to supply); so are _excluded and deleted, the two
# small columns of the rule of what counts that the indexes carry (0 for
# every event of a fresh import), and both sides' counts apply that rule.
rm -f schema.db schema.db-wal schema.db-shm
"$BLUEHELM" --db schema.db init --no-gazetteer >/dev/null
cell_def=$(sqlite3 -readonly schema.db "SELECT sql FROM sqlite_schema WHERE name = 'events'" |
  grep -o '"_cell" INTEGER GENERATED ALWAYS AS .* VIRTUAL' || true)
[[ -n "$cell_def" ]] || die "no _cell column in bluehelm's events table"
index_sql=$(sqlite3 -readonly schema.db "SELECT sql || ';' FROM sqlite_schema
  WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL
    AND sql NOT LIKE '%place_id%' AND sql NOT LIKE '%operation_id%' AND sql NOT LIKE '%duplicate_of%' AND sql NOT LIKE '%explosive%' ORDER BY name")
[[ -n "$index_sql" ]] || die "no events index in bluehelm's schema"
rm -f schema.db schema.db-wal schema.db-shm
cat >b.sql <<EOF
PRAGMA journal_mode=WAL;
PRAGMA synchronous=NORMAL;
CREATE TABLE events (
  data_id INTEGER, iso INTEGER, event_id_cnty TEXT NOT NULL PRIMARY KEY,
  event_id_no_cnty INTEGER, event_date TEXT NOT NULL, year INTEGER,
  time_precision INTEGER, event_type TEXT NOT NULL, sub_event_type TEXT NOT NULL,
  actor1 TEXT, assoc_actor_1 TEXT, inter1 INTEGER, actor2 TEXT,
  assoc_actor_2 TEXT, inter2 INTEGER, interaction INTEGER, region TEXT,
  country TEXT, admin1 TEXT, admin2 TEXT, admin3 TEXT, location TEXT,
  latitude REAL, longitude REAL, geo_precision INTEGER, source TEXT,
  source_scale TEXT, notes TEXT, fatalities INTEGER, timestamp INTEGER,
  iso3 TEXT
);
.import --csv --skip 1 "$csv" events
ALTER TABLE events ADD COLUMN $cell_def;
ALTER TABLE events ADD COLUMN _excluded INTEGER DEFAULT 0;
ALTER TABLE events ADD COLUMN deleted INTEGER DEFAULT 0;
$index_sql
EOF

run_b() {
  rm -f b.db b.db-wal b.db-shm
  /usr/bin/time -v -o b.time sqlite3 -bail b.db <b.sql >b.out 2>b.err ||
    { cat b.err >&2; die "sqlite3 .import failed"; }
  [[ ! -s b.err ]] || { cat b.err >&2; die "sqlite3 .import complained"; }
  time_fields b.time
}

# ------------------------------------------------- PostgreSQL: (a) and (b)
if [[ $BACKEND == postgresql ]]; then
  command -v psql >/dev/null || die "psql is missing (scripts/deps.sh test installs postgresql)"
  # shellcheck source=../tests/pg_cluster.sh
  source "$root/tests/pg_cluster.sh"
  PG_SETTINGS="-c shared_buffers=1GB -c synchronous_commit=off -c max_wal_size=8GB -c checkpoint_timeout=30min -c maintenance_work_mem=256MB"
  TMPDIR=$BENCH_DIR pg_start || die "no PostgreSQL: $PG_SKIP_REASON"
  trap pg_stop EXIT
  PSQL=(psql -X -q -At -v ON_ERROR_STOP=1 -h "$BLUEHELM_TEST_PG" -U bh)
  uri() { echo "postgresql:///$1?host=$BLUEHELM_TEST_PG&user=bh"; }
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE schema_db"
  "$BLUEHELM" --db "$(uri schema_db)" init --no-gazetteer >/dev/null
  cell_expr=$("${PSQL[@]}" -d schema_db -c "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d
    JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
    WHERE d.adrelid = 'events'::regclass AND a.attname = '_cell'")
  [[ -n "$cell_expr" ]] || die "no _cell column in bluehelm's events table"
  index_sql=$("${PSQL[@]}" -d schema_db -c "SELECT indexdef || ';' FROM pg_indexes WHERE tablename = 'events'
    AND indexname NOT LIKE '%pkey' AND indexdef NOT LIKE '%place_id%' AND indexdef NOT LIKE '%operation_id%'
    AND indexdef NOT LIKE '%duplicate_of%' AND indexdef NOT LIKE '%explosive%' ORDER BY indexname")
  # (b): the file's 31 columns, bluehelm's types and collation, the same
  # primary key and _cell, _excluded and deleted (0: the columns of the rule
  # of what counts the indexes carry), \copy, then the same events indexes
  # but those on columns an ACLED file lacks (as for SQLite); one transaction.
  cat >b.sql <<EOF
BEGIN;
CREATE TABLE events (
  data_id bigint, iso bigint, event_id_cnty text COLLATE "C" NOT NULL PRIMARY KEY,
  event_id_no_cnty bigint, event_date text COLLATE "C" NOT NULL, year bigint,
  time_precision bigint, event_type text COLLATE "C" NOT NULL, sub_event_type text COLLATE "C" NOT NULL,
  actor1 text COLLATE "C", assoc_actor_1 text COLLATE "C", inter1 bigint, actor2 text COLLATE "C",
  assoc_actor_2 text COLLATE "C", inter2 bigint, interaction bigint, region text COLLATE "C",
  country text COLLATE "C", admin1 text COLLATE "C", admin2 text COLLATE "C", admin3 text COLLATE "C",
  location text COLLATE "C", latitude double precision, longitude double precision, geo_precision bigint,
  source text COLLATE "C", source_scale text COLLATE "C", notes text COLLATE "C", fatalities bigint,
  timestamp bigint, iso3 text COLLATE "C",
  _cell bigint GENERATED ALWAYS AS ($cell_expr) STORED,
  _excluded bigint DEFAULT 0, deleted bigint DEFAULT 0
);
\copy events (data_id, iso, event_id_cnty, event_id_no_cnty, event_date, year, time_precision, event_type, sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction, region, country, admin1, admin2, admin3, location, latitude, longitude, geo_precision, source, source_scale, notes, fatalities, timestamp, iso3) FROM '$csv' WITH (FORMAT csv, HEADER true)
$index_sql
COMMIT;
EOF
  run_a() {
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS a" -c "CREATE DATABASE a"
    "$BLUEHELM" --db "$(uri a)" init --no-gazetteer >/dev/null
    "$BLUEHELM" --db "$(uri a)" import places.csv >/dev/null
    "${PSQL[@]}" -d postgres -c "CHECKPOINT"
    /usr/bin/time -v -o a.time "$BLUEHELM" --db "$(uri a)" import "$csv" --format acled >a.out 2>a.err ||
      { cat a.err >&2; die "bluehelm import failed"; }
    time_fields a.time
  }
  run_b() {
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS b" -c "CREATE DATABASE b"
    "${PSQL[@]}" -d postgres -c "CHECKPOINT"
    /usr/bin/time -v -o b.time "${PSQL[@]}" -d b -f b.sql >b.out 2>b.err || { cat b.err >&2; die "psql \\copy failed"; }
    time_fields b.time
  }
fi

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

: >a.runs
: >b.runs
for ((i = 1; i <= REPEAT; i++)); do
  # Alternate which side goes first, so neither always runs on a warmer machine.
  if ((i % 2)); then
    echo "run $i/$REPEAT: (a) bluehelm import" >&2; run_a >>a.runs
    echo "run $i/$REPEAT: (b) $([[ $BACKEND == postgresql ]] && echo "psql \\copy" || echo "sqlite3 .import")" >&2; run_b >>b.runs
  else
    echo "run $i/$REPEAT: (b) $([[ $BACKEND == postgresql ]] && echo "psql \\copy" || echo "sqlite3 .import")" >&2; run_b >>b.runs
    echo "run $i/$REPEAT: (a) bluehelm import" >&2; run_a >>a.runs
  fi
done
a_sec=$(awk '{print $1}' a.runs | median)
b_sec=$(awk '{print $1}' b.runs | median)
a_rss=$(awk '{print $2}' a.runs | sort -n | tail -1)
b_rss=$(awk '{print $2}' b.runs | sort -n | tail -1)
a_cpu=$(awk '{print $3}' a.runs | median)
b_cpu=$(awk '{print $3}' b.runs | median)

if [[ $BACKEND == postgresql ]]; then
  A_DB=$(uri a)
  n_b=$("${PSQL[@]}" -d b -c 'SELECT count(*) FROM events')
  B_SHELL="psql -X -At -h $BLUEHELM_TEST_PG -U bh -d b -c"
else
  A_DB=a.db
  n_b=$(sqlite3 -readonly b.db 'SELECT count(*) FROM events')
  B_SHELL="sqlite3 -readonly b.db"
fi
n_a=$("$BLUEHELM" --db "$A_DB" count events)
[[ "$n_a" == "$ROWS" && "$n_b" == "$ROWS" ]] ||
  die "row counts differ: bluehelm $n_a, sqlite3 $n_b, file $ROWS"

# ------------------------------------------------------------ the queries
# The near= query in plain SQL: the grid cells bluehelm's geo_cell_ranges
# (src/core/geo.c) covers, then the haversine distance, as bh_distance does.
GAO_LAT=16.27167 GAO_LON=-0.04472 KM=50
near_sql=$(awk -v lat=$GAO_LAT -v lon=$GAO_LON -v km=$KM '
  function asin(x) { return atan2(x, sqrt(1 - x * x)) }
  function row(la,    x) { x = int((la + 90) / 0.25); return x < 0 ? 0 : x > 719 ? 719 : x }
  function col(lo,    x) { x = int((lo + 180) / 0.25); return x < 0 ? 0 : x > 1439 ? 1439 : x }
  BEGIN {
    R = 6371.0088; pi = atan2(0, -1); d2r = pi / 180
    dlat = km / (R * d2r) * 1.0001 + 1e-9
    lo = lat - dlat; hi = lat + dlat
    far = (lo < 0 ? -lo : lo); if ((hi < 0 ? -hi : hi) > far) far = (hi < 0 ? -hi : hi)
    dlon = asin(sin(km / R) / cos(far * d2r)) / d2r * 1.0001 + 1e-9
    cond = ""
    for (r = row(lo); r <= row(hi); r++)
      cond = cond (cond == "" ? "" : " OR ") "_cell BETWEEN " (r * 1440 + col(lon - dlon)) " AND " (r * 1440 + col(lon + dlon))
    printf "SELECT count(*) FROM events WHERE (%s) AND (_excluded & 1) = 0 AND (_excluded & 2) = 0 AND deleted = 0 AND 2 * %.4f * asin(sqrt(pow(sin(radians(latitude - %s) / 2), 2) + cos(radians(%s)) * cos(radians(latitude)) * pow(sin(radians(longitude - %s) / 2), 2))) <= %s", cond, R, lat, lat, lon, km
  }')
admin_sql="SELECT count(*) FROM events WHERE admin1 = 'Gao' AND event_type = 'Battles' AND event_date >= '2019-01-01' AND (_excluded & 1) = 0 AND (_excluded & 2) = 0 AND deleted = 0"

q_admin_a="$BLUEHELM --db '$A_DB' count events admin1=Gao event_type=Battles 'event_date>=2019-01-01'"
q_near_a="$BLUEHELM --db '$A_DB' count events near=Gao:$KM"
c_admin_a=$(sh -c "$q_admin_a")
c_near_a=$(sh -c "$q_near_a")
c_admin_b=$($B_SHELL "$admin_sql")
c_near_b=$($B_SHELL "$near_sql")
[[ "$c_admin_a" == "$c_admin_b" && "$c_near_a" == "$c_near_b" ]] ||
  die "query results differ: admin1 $c_admin_a vs $c_admin_b, near $c_near_a vs $c_near_b"

# Mean wall time in ms of a command: hyperfine, or a plain loop without it.
mean_ms() {
  local name=$1
  shift
  if ((have_hyperfine)); then
    hyperfine -N --warmup 5 --runs "$RUNS" --export-csv "$name.csv" -n "$name" "$@" >"$name.log" 2>&1 ||
      { cat "$name.log" >&2; die "hyperfine failed on: $*"; }
    awk -F, 'NR == 2 {printf "%.1f %.1f\n", $2 * 1000, $3 * 1000}' "$name.csv"
  else
    local t0 t1
    for ((w = 0; w < 5; w++)); do sh -c "$1" >/dev/null; done
    t0=$(date +%s%N)
    for ((w = 0; w < RUNS; w++)); do sh -c "$1" >/dev/null; done
    t1=$(date +%s%N)
    awk -v a="$t0" -v b="$t1" -v n="$RUNS" 'BEGIN {printf "%.1f -\n", (b - a) / n / 1e6}'
  fi
}
echo "timing the count queries" >&2
read -r qa_admin qa_admin_sd < <(mean_ms q_admin_a "$q_admin_a")
read -r qb_admin qb_admin_sd < <(mean_ms q_admin_b "$B_SHELL \"$admin_sql\"")
read -r qa_near qa_near_sd < <(mean_ms q_near_a "$q_near_a")
read -r qb_near qb_near_sd < <(mean_ms q_near_b "$B_SHELL \"$near_sql\"")

# ------------------------------------------------------------ the results
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
yesno() { awk -v v="$1" -v t="$2" 'BEGIN {print (v <= t) ? "yes" : "NO"}'; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }
r_import=$(ratio "$a_sec" "$b_sec")
if [[ $BACKEND == postgresql ]]; then
  B_NAME="psql \\copy (b)" TARGET=1.2 ENGINE="PostgreSQL $("${PSQL[@]}" -d postgres -c 'SHOW server_version')"
  SIZES="databases: a $("${PSQL[@]}" -d postgres -c "SELECT pg_database_size('a') / 1048576") MB, b $("${PSQL[@]}" -d postgres -c "SELECT pg_database_size('b') / 1048576") MB, cluster in $BLUEHELM_TEST_PG ($PG_SETTINGS)"
  A_RSS_NOTE=" (client only)"
else
  B_NAME="sqlite3 (b)" TARGET=1.0 ENGINE="SQLite $(sqlite3 --version | cut -d' ' -f1)"
  SIZES="databases: a.db $(du -m a.db | cut -f1) MB, b.db $(du -m b.db | cut -f1) MB, in $BENCH_DIR"
  A_RSS_NOTE=""
fi
{
  echo
  echo "bluehelm import benchmark ($BACKEND), $(date -u +%Y-%m-%d)"
  echo "  ROWS=$ROWS SEED=$SEED REPEAT=$REPEAT; file $(awk -v b="$csv_bytes" 'BEGIN {printf "%.0f MB", b / 1e6}'), $csv"
  echo "  $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), $ENGINE"
  echo "  $SIZES"
  echo "  (b)'s indexes, from bluehelm's schema: $(grep -oE 'CREATE INDEX [a-z_0-9]+ ON [a-z.]*events( USING btree)? ?[(][^;]*[)]' b.sql | sed -E 's/CREATE INDEX //; s/ ON [a-z.]*events( USING btree)? ?//' | tr -d '"' | paste -sd' ')"
  echo
  printf '%-46s %12s %12s %8s  %-10s %s\n' "" "bluehelm (a)" "$B_NAME" "(a)/(b)" "target" "met"
  printf '%-46s %12s %12s %8s  %-10s %s\n' "import, wall time (median of $REPEAT)" "$a_sec s" "$b_sec s" "$r_import" "<= $TARGET" "$(yesno "$r_import" "$TARGET")"
  printf '%-46s %12s %12s %8s\n' "import, CPU time user+sys (median)" "$a_cpu s" "$b_cpu s" "$(ratio "$a_cpu" "$b_cpu")"
  printf '%-46s %12s %12s %8s  %-10s %s\n' "import, rows/s" \
    "$(awk -v n="$ROWS" -v s="$a_sec" 'BEGIN {printf "%.0f", n / s}')" \
    "$(awk -v n="$ROWS" -v s="$b_sec" 'BEGIN {printf "%.0f", n / s}')" "" "" ""
  printf '%-46s %12s %12s %8s  %-10s %s\n' "import, peak RSS$A_RSS_NOTE" "$(mib "$a_rss")" "$(mib "$b_rss")" \
    "$(ratio "$a_rss" "$b_rss")" "<= 64 MiB" "$(yesno "$a_rss" 65536)"
  printf '%-46s %12s %12s %8s  %-10s %s\n' "count admin1=Gao event_type=Battles" "$qa_admin ms" "$qb_admin ms" \
    "$(ratio "$qa_admin" "$qb_admin")" "<= 20 ms" "$(yesno "$qa_admin" 20)"
  printf '%-46s %12s %12s\n' "    event_date>=2019-01-01 (mean, sd; $c_admin_a)" "± $qa_admin_sd" "± $qb_admin_sd"
  printf '%-46s %12s %12s %8s  %-10s %s\n' "count near=Gao:$KM (mean, sd; $c_near_a events)" "$qa_near ms" "$qb_near ms" \
    "$(ratio "$qa_near" "$qb_near")" "<= 20 ms" "$(yesno "$qa_near" 20)"
  printf '%-46s %12s %12s\n' "" "± $qa_near_sd" "± $qb_near_sd"
  echo
  echo "  import runs (wall s, peak KiB, cpu s): a: $(paste -sd';' a.runs); b: $(paste -sd';' b.runs)"
  echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores; others' jobs inflate wall times)"
  ((have_hyperfine)) || echo "  (hyperfine is not installed: query times are plain loop means)"
} | tee results.txt
