#!/usr/bin/env bash
# report.sh: the default report over five months, as HTML, beside one full
# scan of the events table by the sqlite3 shell, on ACLED-like databases.
#
#   bench/report.sh                       300,000 and 1,000,000 events
#   SIZES=100000 bench/report.sh          one smaller database
#
# For each size in SIZES, an ACLED file from bench/gen_acled.awk (the same
# generator and seed as import.sh) imported into a fresh database (kept and
# reused while the size, seed, generator and binary's schema are
# unchanged); then, timed side by side with hyperfine (RUNS runs after 2
# warmup runs, alternating):
#   bluehelm report from=FROM to=TO --format html -o report.html
#   sqlite3 DB "SELECT count(*), sum(length(notes)), sum(fatalities),
#               count(DISTINCT admin1) FROM events"
# Target (issue 12): the report costs no more than the scan (ratio <= 1.0).
# The report's JSON is also written once, to check the figures are there.
#
# Environment: SIZES (default "300000 1000000"), SEED (default 20240601),
# FROM, TO (default 2021-01-01, 2021-05-31), RUNS (default 10), BENCH_DIR
# (default /tmp/bluehelm-bench-report), BLUEHELM (default build/bluehelm,
# copied into BENCH_DIR). Writes nothing into the repository.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
SIZES=${SIZES:-300000 1000000}
SEED=${SEED:-20240601}
FROM=${FROM:-2021-01-01}
TO=${TO:-2021-05-31}
RUNS=${RUNS:-10}
BENCH_DIR=${BENCH_DIR:-/tmp/bluehelm-bench-report}
BLUEHELM=${BLUEHELM:-$root/build/bluehelm}
[[ "$BLUEHELM" = /* ]] || BLUEHELM=$root/$BLUEHELM
die() { echo "report.sh: $*" >&2; exit 1; }
[[ -x "$BLUEHELM" ]] || die "$BLUEHELM is missing: run make build/bluehelm"
for t in sqlite3 hyperfine; do command -v "$t" >/dev/null || die "$t is missing (scripts/deps.sh bench)"; done
mkdir -p "$BENCH_DIR"
cd "$BENCH_DIR"
cp "$BLUEHELM" bluehelm.bin
BH=$BENCH_DIR/bluehelm.bin
gen_sum=$(cksum <"$here/gen_acled.awk" | awk '{print $1}')
printf 'place_id,name,latitude,longitude\ngao,Gao,16.27167,-0.04472\n' >places.csv
scan="SELECT count(*), sum(length(notes)), sum(fatalities), count(DISTINCT admin1) FROM events"
: >results.txt
for rows in $SIZES; do
  [[ "$rows" =~ ^[1-9][0-9]*$ ]] || die "SIZES: $rows is not a number of rows"
  csv=acled_${rows}_${SEED}_${gen_sum}.csv
  if [[ ! -s "$csv" ]]; then
    echo "report.sh: generating $rows rows" >&2
    awk -v rows="$rows" -v seed="$SEED" -f "$here/gen_acled.awk" >"$csv.tmp" && mv "$csv.tmp" "$csv"
  fi
  db=events_${rows}.db
  stamp="$csv $(cksum <"$BH" | cut -d' ' -f1)"
  if [[ ! -s "$db" || "$(cat "$db.stamp" 2>/dev/null)" != "$stamp" ]]; then
    echo "report.sh: importing $rows rows into $db" >&2
    rm -f "$db" "$db-wal" "$db-shm" "$db.audit-key"
    "$BH" --db "$db" init --no-gazetteer >/dev/null
    "$BH" --db "$db" import places.csv >/dev/null
    "$BH" --db "$db" import "$csv" --format acled >/dev/null
    echo "$stamp" >"$db.stamp"
  fi
  cat "$db" >/dev/null # into the page cache, for both sides alike
  period=$("$BH" --db "$db" count events "event_date>=$FROM" "event_date<=$TO")
  "$BH" --db "$db" report from=$FROM to=$TO --format json -o report_$rows.json
  figs=$(sqlite3 :memory: "SELECT json_array_length(cast(readfile('report_$rows.json') AS text), '\$.figures')")
  rss=$( { /usr/bin/time -f '%M' "$BH" --db "$db" report from=$FROM to=$TO --format html -o report_$rows.html; } 2>&1 | tail -1)
  hyperfine -N --warmup 2 --runs "$RUNS" --export-csv "h_$rows.csv" \
    -n report "$BH --db $db report from=$FROM to=$TO --format html -o report_$rows.html" \
    -n scan "sqlite3 $db \"$scan\"" >"h_$rows.log" 2>&1 || { cat "h_$rows.log" >&2; die "hyperfine failed"; }
  read -r r_mean r_min < <(awk -F, '$1 == "report" {printf "%.1f %.1f\n", $2 * 1000, $7 * 1000}' "h_$rows.csv")
  read -r s_mean s_min < <(awk -F, '$1 == "scan" {printf "%.1f %.1f\n", $2 * 1000, $7 * 1000}' "h_$rows.csv")
  {
    echo "$rows events ($(du -m "$db" | cut -f1) MB), $period in $FROM..$TO; the report: $figs figures, peak RSS $((rss / 1024)) MiB"
    printf '  report   mean %8s ms  fastest %8s ms\n' "$r_mean" "$r_min"
    printf '  scan     mean %8s ms  fastest %8s ms\n' "$s_mean" "$s_min"
    awk -v a="$r_mean" -v b="$s_mean" -v c="$r_min" -v d="$s_min" \
      'BEGIN {printf "  report/scan: %.2f (means), %.2f (fastest); target <= 1.0: %s\n", a / b, c / d, (a <= b) ? "met" : "NOT met"}'
  } | tee -a results.txt
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (on $(nproc) cores)" | tee -a results.txt
