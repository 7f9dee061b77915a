#!/usr/bin/env bash
# report.sh: the default report over five months of a 1,000,000-event
# database, as HTML with its charts and map (target: <= 2 s, <= 128 MiB).
#
#   bench/report.sh                 uses bench/ops.sh's database (built by it when missing)
#   ROWS=100000 bench/report.sh     a smaller database
#
# Environment: ROWS, SEED (as ops.sh), BENCH_DIR (default
# /tmp/bluehelm-ops-bench, shared with ops.sh), RUNS (default 5),
# BLUEHELM (default build/bluehelm). Writes nothing into the repository.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ROWS=${ROWS:-1000000}
SEED=${SEED:-20210601}
RUNS=${RUNS:-5}
BENCH_DIR=${BENCH_DIR:-/tmp/bluehelm-ops-bench}
BLUEHELM=${BLUEHELM:-$root/build/bluehelm}
db=$BENCH_DIR/ops-$ROWS-$SEED.db
[[ -x /usr/bin/time ]] || { echo "report.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
if [[ ! -s "$db" ]]; then
  echo "== building the database with bench/ops.sh (ROWS=$ROWS)"
  ROWS=$ROWS SEED=$SEED RUNS=1 BENCH_DIR=$BENCH_DIR BLUEHELM=$BLUEHELM "$here/ops.sh" >/dev/null
fi
cp "$BLUEHELM" "$BENCH_DIR/bluehelm-report"
bin=$BENCH_DIR/bluehelm-report
events=$("$bin" --db "$db" count events)
period=$("$bin" --db "$db" count events event_date\>=2021-01-01 event_date\<=2021-05-31)
echo "database: $db ($events events, $period in 2021-01-01..2021-05-31)"
echo "run  wall_s  max_rss_MiB  html_bytes"
best=999999 worst_rss=0
for ((i = 1; i <= RUNS; i++)); do
  /usr/bin/time -f '%e %M' -o "$BENCH_DIR/time.txt" \
    "$bin" --db "$db" report from=2021-01-01 to=2021-05-31 --format html -o "$BENCH_DIR/report.html"
  read -r wall rss <"$BENCH_DIR/time.txt"
  size=$(stat -c %s "$BENCH_DIR/report.html")
  printf '%3d  %6s  %11d  %10d\n' "$i" "$wall" $((rss / 1024)) "$size"
  best=$(awk -v a="$best" -v b="$wall" 'BEGIN { print (b < a) ? b : a }')
  ((rss > worst_rss)) && worst_rss=$rss
done
echo "fastest: ${best} s (target <= 2 s); peak memory: $((worst_rss / 1024)) MiB (target <= 128 MiB)"
