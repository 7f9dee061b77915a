#!/usr/bin/env bash
# force.sh: issue 3's indicators on a large force.
#
#   bench/force.sh                 2,000 units, 100,000 items, 1,000,000 status rows,
#                                  5,000 rotations (import: about a minute)
#   SCALE=10 bench/force.sh        a tenth of that, a quick run
#
# Generates (awk, deterministic) a dataset folder: 2,000 units (200
# battalions, each with 9 sub-units) at 40 camps in 40 sectors (a force of
# 2,000 units is several missions' worth; a third of the battalions have no
# sector of their own and take their camp's), 50 equipment items per unit,
# 10 dated status rows per item (2015-2022), 5,000 rotations of 14-28 days
# (2019-2022, half of them with actual dates up to 30 days late) and 60
# windows; imports it into a fresh database, then times with hyperfine:
#   serviceability as_of=2021-05-31 units=<battalion>   (its 10 units: 500 items; target <= 50 ms)
#   serviceability as_of=2021-05-31 units=<battalion> category=apc          (a smaller group)
#   serviceability as_of=2021-05-31                     (the whole fleet;   target <= 1 s)
#   rotation-conflicts from=2019-01-01 to=2022-12-31    (all 5,000;         target <= 50 ms)
#   rotation-conflicts from=2021-01-01 to=2021-05-31    (a reporting period)
# each beside what the sqlite3 shell takes for the same figures with the SQL
# one would write by hand (the latest row per item through the index; the
# rotation overlaps as a self-join of every pair).
#
# Environment: SCALE (divides the sizes, default 1), SEED (default 20210531),
# RUNS (hyperfine runs, default 20), BENCH_DIR (default
# /tmp/bluehelm-force-bench; the dataset and database are kept and reused while
# SCALE, SEED and this script are unchanged), BLUEHELM (default build/bluehelm).
# Writes nothing into the repository.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
SCALE=${SCALE:-1}
SEED=${SEED:-20210531}
RUNS=${RUNS:-20}
BENCH_DIR=${BENCH_DIR:-/tmp/bluehelm-force-bench}
BLUEHELM=${BLUEHELM:-$root/build/bluehelm}
[[ "$BLUEHELM" = /* ]] || BLUEHELM=$root/$BLUEHELM

die() { echo "force.sh: $*" >&2; exit 1; }
[[ "$SCALE" =~ ^[1-9][0-9]*$ ]] || die "SCALE must be a positive whole number"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive whole number"
[[ -x "$BLUEHELM" ]] || die "$BLUEHELM is missing: run make build/bluehelm"
command -v sqlite3 >/dev/null || die "the sqlite3 shell is missing (apt-get install sqlite3)"
have_hyperfine=0
command -v hyperfine >/dev/null && have_hyperfine=1

UNITS=$((2000 / SCALE))
ROTATIONS=$((5000 / SCALE))
(( UNITS >= 10 )) || die "SCALE is too large"
mkdir -p "$BENCH_DIR"
sum=$(cat "$0" | cksum | awk '{ print $1 }')
DATA=$BENCH_DIR/data_${SCALE}_${SEED}_${sum}
DB=$BENCH_DIR/force_${SCALE}_${SEED}_${sum}.db

# ---------------------------------------------------------------- the dataset
if [[ ! -s "$DATA/equipment_status.csv" ]]; then
  rm -rf "$BENCH_DIR"/data_* "$BENCH_DIR"/force_*.db*
  mkdir -p "$DATA"
  echo "generating $UNITS units, $((UNITS * 50)) items, $((UNITS * 500)) status rows, $ROTATIONS rotations in $DATA" >&2
  awk -v units="$UNITS" -v rotations="$ROTATIONS" -v seed="$SEED" -v dir="$DATA" '
  function day(d,   j, a, b, c, n, e, m) {   # day number (days since 1970-01-01) -> YYYY-MM-DD
    j = d + 2440588; a = j + 32044
    b = int((4 * a + 3) / 146097); c = a - int(146097 * b / 4)
    n = int((4 * c + 3) / 1461); e = c - int(1461 * n / 4); m = int((5 * e + 2) / 153)
    return sprintf("%04d-%02d-%02d", 100 * b + n - 4800 + int(m / 10), m + 3 - 12 * int(m / 10),
                   e - int((153 * m + 2) / 5) + 1)
  }
  BEGIN {
    srand(seed)
    for (p = 1; p <= 40; p++) sector[p] = sprintf("sector-%02d", p)
    split("apc mpv truck apc mpv truck other helicopter uav apc", cat, " ")
    split("explosive_incident hostile_fire accident mechanical not_fit_for_purpose missing_parts other", cause, " ")
    P = dir "/places.csv"; U = dir "/units.csv"; E = dir "/equipment.csv"
    S = dir "/equipment_status.csv"; R = dir "/rotations.csv"; W = dir "/windows.csv"
    print "place_id,name,kind,latitude,longitude,sector,parent_place" > P
    for (p = 1; p <= 40; p++) {   # 40 camps, 4 towns per sector, a camp inside each town
      printf "town-%02d,Town %d,town,%.4f,%.4f,%s,\n", p, p, 12 + p / 10, -4 + p / 10, sector[p] > P
      printf "camp-%02d,Camp %d,camp,%.4f,%.4f,,town-%02d\n", p, p, 12 + p / 10 + 0.01, -4 + p / 10, p > P
    }
    print "unit_id,name,component,unit_type,parent_unit,sector,location,authorized_strength,deployed_strength,status" > U
    nb = int(units / 10)
    for (u = 1; u <= units; u++) {
      parent = u > nb ? sprintf("u%04d", (u - 1) % nb + 1) : ""
      b = u > nb ? (u - 1) % nb + 1 : u
      # every third battalion has no sector of its own: it comes from its camp
      sec = b % 3 == 0 ? "" : sector[(b - 1) % 40 + 1]
      printf "u%04d,Unit %d,military,%s,%s,%s,camp-%02d,%d,%d,deployed\n", u, u,
        (u > nb ? "other" : "infantry_battalion"), parent, sec, (b - 1) % 40 + 1, 850, 600 + u % 250 > U
    }
    print "equipment_id,unit_id,category,model" > E
    print "equipment_id,date,status,cause" > S
    base = 16436   # 2015-01-01
    for (u = 1; u <= units; u++)
      for (i = 1; i <= 50; i++) {
        id = sprintf("eq-%04d-%02d", u, i)
        printf "%s,u%04d,%s,Model %d\n", id, u, cat[(u + i) % 10 + 1], i % 7 > E
        d = base + int(rand() * 60)
        for (k = 1; k <= 10; k++) {
          r = rand()
          if (r < 0.6) printf "%s,%s,serviceable,\n", id, day(d) > S
          else if (r < 0.98) printf "%s,%s,unserviceable,%s\n", id, day(d), cause[int(rand() * 7) + 1] > S
          else printf "%s,%s,written_off,\n", id, day(d) > S
          d += 150 + int(rand() * 120)
        }
      }
    print "rotation_id,unit_id,planned_start,planned_end,actual_start,actual_end" > R
    for (r = 1; r <= rotations; r++) {
      u = (r - 1) % units + 1
      ps = 17897 + int(rand() * 1400)   # 2019-01-01 .. late 2022
      pe = ps + 14 + int(rand() * 15)
      if (rand() < 0.5) { as = ps + int(rand() * 30); ae = as + (pe - ps) }
      printf "rot-%05d,u%04d,%s,%s,%s,%s\n", r, u, day(ps), day(pe), (as ? day(as) : ""), (ae ? day(ae) : "") > R
      as = ae = 0
    }
    print "window_id,name,start,end,tempo,sector" > W
    for (w = 1; w <= 60; w++) {
      s = 17897 + int(rand() * 1400)
      printf "w-%02d,Window %d,%s,%s,%s,%s\n", w, w, day(s), day(s + 10 + int(rand() * 30)),
        (w % 3 ? "high" : "normal"), (w % 5 ? sector[w % 40 + 1] : "") > W
    }
  }'
fi

if [[ ! -s "$DB" ]]; then
  rm -f "$DB" "$DB-wal" "$DB-shm"
  "$BLUEHELM" --db "$DB" init --no-gazetteer >/dev/null
  echo "importing $DATA" >&2
  start=$(date +%s%N)
  "$BLUEHELM" --db "$DB" import "$DATA" >&2
  echo "import: $(( ($(date +%s%N) - start) / 1000000 )) ms" >&2
fi

bh() { "$BLUEHELM" --db "$DB" "$@"; }
group_items=$(bh count equipment "unit_id=$(sqlite3 "$DB" "select group_concat(unit_id) from units where unit_id = 'u0001' or parent_unit = 'u0001'")")
echo "group u0001 and its sub-units: $group_items items" >&2

# What the figures come to (and a check that bluehelm and SQL agree).
svc_sql="with latest as (select e.equipment_id, (select s.status from equipment_status s where s.equipment_id = e.equipment_id and s.date <= '2021-05-31' order by s.date desc limit 1) st from equipment e)
select count(*) filter (where st in ('serviceable','unserviceable')), count(*) filter (where st = 'unserviceable') from latest;"
rot_sql="with r as (select rotation_id, rotations.unit_id, coalesce(actual_start, planned_start) s, coalesce(actual_end, planned_end) e, coalesce(u.sector, p.sector, pp.sector) sec
  from rotations join units u using (unit_id) left join places p on p.place_id = u.location left join places pp on pp.place_id = p.parent_place)
select count(*) from r a join r b on a.sec = b.sec and a.rotation_id < b.rotation_id and a.unit_id <> b.unit_id and a.s <= b.e and b.s <= a.e;"
echo "fleet as of 2021-05-31 (sqlite3: total|unserviceable): $(sqlite3 "$DB" "$svc_sql")" >&2
bh indicator serviceability as_of=2021-05-31 | awk '/^  "(total|unserviceable)":/' >&2
echo "rotation overlaps (sqlite3 self-join): $(sqlite3 "$DB" "$rot_sql")" >&2
bh indicator rotation-conflicts from=2019-01-01 to=2022-12-31 >"$BENCH_DIR/rot.json"
echo "rotation overlaps (bluehelm): $(sqlite3 :memory: "select json_array_length(json_extract(readfile('$BENCH_DIR/rot.json'), '\$.overlaps'))")" >&2

cmds=(
  "$BLUEHELM --db $DB indicator serviceability as_of=2021-05-31 units=u0001"
  "$BLUEHELM --db $DB indicator serviceability as_of=2021-05-31 units=u0001 category=apc"
  "$BLUEHELM --db $DB indicator serviceability as_of=2021-05-31"
  "$BLUEHELM --db $DB indicator rotation-conflicts from=2019-01-01 to=2022-12-31"
  "$BLUEHELM --db $DB indicator rotation-conflicts from=2021-01-01 to=2021-05-31"
  "sqlite3 $DB \"$svc_sql\""
  "sqlite3 $DB \"$rot_sql\""
)
names=("serviceability, one battalion ($group_items items)" "serviceability, one battalion, apc"
       "serviceability, whole fleet" "rotation-conflicts, all rotations"
       "rotation-conflicts, January-May 2021"
       "sqlite3: latest row per item, whole fleet" "sqlite3: rotation overlaps by self-join")
if (( have_hyperfine )); then
  args=()
  for i in "${!cmds[@]}"; do args+=(-n "${names[$i]}" "${cmds[$i]}"); done
  hyperfine --warmup 3 --runs "$RUNS" "${args[@]}"
else
  for i in "${!cmds[@]}"; do
    start=$(date +%s%N)
    for ((k = 0; k < RUNS; k++)); do eval "${cmds[$i]}" >/dev/null; done
    echo "${names[$i]}: $(( ($(date +%s%N) - start) / RUNS / 1000000 )) ms (mean of $RUNS)"
  done
fi
