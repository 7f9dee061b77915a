#!/usr/bin/env bash
# ops.sh: issue 4's indicators and the duplicate search on a large table.
#
#   bench/ops.sh                  1,000,000 events (import: a few minutes)
#   ROWS=100000 bench/ops.sh      a quick run
#
# Generates (awk, deterministic) a native events.csv of ROWS events over
# 2012-2021 with a places.csv of 60 towns and 540 places inside them, two
# id namespaces (ev-… and ucdp:…, so `duplicates` has two sources), imports
# them into a fresh database, then times with hyperfine:
#   rate    place_id=<town> poc=yes split=2020-12-14 weeks=8     (target <= 30 ms)
#   change  field=civilians_killed+civilians_injured place_id=<town>
#           period=2021-01-01..2021-04-30                       (target <= 30 ms)
#   duplicates events over one year (2020)                       (target <= 2 s)
# each beside the same figures asked of the sqlite3 shell (the SQL a
# hand-written query would use), and the duplicate search over one week
# beside a plain SQL self-join of that week on the grid cell and the date
# (over a whole year the self-join runs for many minutes).
#
# Environment: ROWS (default 1000000), SEED (default 20210601), RUNS
# (hyperfine runs, default 20), BENCH_DIR (default /tmp/bluehelm-ops-bench;
# the CSV files and database are kept and reused while ROWS and SEED are
# unchanged), BLUEHELM (default build/bluehelm). Writes nothing into the
# repository.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ROWS=${ROWS:-1000000}
SEED=${SEED:-20210601}
RUNS=${RUNS:-20}
BENCH_DIR=${BENCH_DIR:-/tmp/bluehelm-ops-bench}
BLUEHELM=${BLUEHELM:-$root/build/bluehelm}
[[ "$BLUEHELM" = /* ]] || BLUEHELM=$root/$BLUEHELM

die() { echo "ops.sh: $*" >&2; exit 1; }
[[ "$ROWS" =~ ^[1-9][0-9]*$ ]] || die "ROWS must be a positive whole number"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive whole number"
[[ -x "$BLUEHELM" ]] || die "$BLUEHELM is missing: run make build/bluehelm"
command -v sqlite3 >/dev/null || die "the sqlite3 shell is missing (apt-get install sqlite3)"
command -v hyperfine >/dev/null || die "hyperfine is missing (apt-get install hyperfine)"

mkdir -p "$BENCH_DIR"
# A private copy: a rebuild of build/bluehelm during the run does not disturb it.
cp "$BLUEHELM" "$BENCH_DIR/bluehelm"
BLUEHELM=$BENCH_DIR/bluehelm
data=$BENCH_DIR/data-$ROWS-$SEED
db=$BENCH_DIR/ops-$ROWS-$SEED.db
export BLUEHELM_DB=$db

if [[ ! -s "$data/events.csv" ]]; then
  echo "== generating $ROWS events in $data"
  mkdir -p "$data"
  awk -v rows="$ROWS" -v seed="$SEED" -v dir="$data" '
    function rnd() { state = (state * 48271) % 2147483647; return state / 2147483647 }
    function rint(n) { return int(rnd() * n) }
    # civil date from a day number (days since 1970-01-01), H. Hinnant
    function civil(z,    era, doe, yoe, y, doy, mp, d, m) {
      z += 719468; era = int(z / 146097); doe = z - era * 146097
      yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
      y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
      mp = int((5 * doy + 2) / 153); d = doy - int((153 * mp + 2) / 5) + 1
      m = mp < 10 ? mp + 3 : mp - 9
      return sprintf("%04d-%02d-%02d", y + (m <= 2), m, d)
    }
    BEGIN {
      state = seed % 2147483646 + 1
      # 60 towns in Mali, 9 places inside each
      print "place_id,name,latitude,longitude,parent_place" > (dir "/places.csv")
      for (t = 0; t < 60; t++) {
        lat[t] = 12 + rnd() * 8; lon[t] = -8 + rnd() * 11
        printf "town-%02d,Town %02d,%.5f,%.5f,\n", t, t, lat[t], lon[t] > (dir "/places.csv")
        for (q = 0; q < 9; q++) {
          p = t * 10 + q
          plat[p] = lat[t] + (rnd() - 0.5) * 0.2; plon[p] = lon[t] + (rnd() - 0.5) * 0.2
          printf "pl-%03d,Place %03d,%.5f,%.5f,town-%02d\n", p, p, plat[p], plon[p], t > (dir "/places.csv")
        }
        plat[t * 10 + 9] = lat[t]; plon[t * 10 + 9] = lon[t]
      }
      n = split("Battles>Armed clash|Violence against civilians>Attack|Violence against civilians>Abduction/forced disappearance|Explosions/Remote violence>Remote explosive/landmine/IED|Explosions/Remote violence>Shelling/artillery/missile attack|Strategic developments>Disrupted weapons use|Riots>Mob violence|Protests>Peaceful protest", types, "|")
      split("JNIM: Group for Support of Islam and Muslims|Islamic State (Greater Sahara)|Unidentified Armed Group (Mali)|Military Forces of Mali (2020-)|Dozo Militia|Fulani Ethnic Militia (Mali)", actors, "|")
      first = 15340 # 2012-01-01
      span = 3653   # to 2021-12-31
      print "event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude,place_id,fatalities,civilians_killed,civilians_injured,weapon,poc,actor1,actor2" > (dir "/events.csv")
      for (i = 0; i < rows; i++) {
        p = rint(600); if (p % 10 == 9) pid = sprintf("town-%02d", int(p / 10)); else pid = sprintf("pl-%03d", p)
        ty = types[1 + rint(n)]; split(ty, tt, ">")
        w = tt[2] ~ /IED/ ? "ied" : (tt[2] ~ /Shelling/ ? "indirect_fire" : (tt[1] ~ /Battles|Violence/ ? "small_arms" : ""))
        ck = rint(4); ci = rint(5)
        id = (i % 5 == 0) ? sprintf("ucdp:%07d", i) : sprintf("ev-%07d", i)
        printf "%s,%s,%s,%s,%.4f,%.4f,%s,%d,%d,%d,%s,%s,%s,%s\n", id, civil(first + rint(span)), tt[1], tt[2],
          plat[p] + (rnd() - 0.5) * 0.06, plon[p] + (rnd() - 0.5) * 0.06, pid, ck + rint(3), ck, ci, w,
          (tt[1] ~ /civilians/ || rnd() < 0.2) ? "yes" : "no", actors[1 + rint(6)], "Civilians (Mali)" > (dir "/events.csv")
      }
    }'
fi
if [[ ! -s "$db" ]]; then
  echo "== importing into $db"
  rm -f "$db" "$db-wal" "$db-shm"
  "$BLUEHELM" init --no-gazetteer >/dev/null
  /usr/bin/time -f "import: %e s, %M KiB" "$BLUEHELM" import "$data"
fi
"$BLUEHELM" count events | sed 's/^/events: /'

town=town-07
rate=(indicator rate place_id=$town poc=yes split=2020-12-14 weeks=8)
change=(indicator change field=civilians_killed+civilians_injured place_id=$town period=2021-01-01..2021-04-30)
dups=(duplicates events 'event_date>=2020-01-01' 'event_date<=2020-12-31' --limit 100)
# The same figures asked of the sqlite3 shell (places inside the town through parent_place).
inside="place_id IN (SELECT place_id FROM places WHERE place_id = '$town' OR parent_place = '$town')"
sql_rate="SELECT sum(event_date < '2020-12-14'), sum(event_date >= '2020-12-14') FROM events WHERE $inside AND poc = 1 AND event_date BETWEEN '2020-10-19' AND '2021-02-07'"
sql_change="SELECT sum(CASE WHEN event_date >= '2021-01-01' THEN coalesce(civilians_killed,0) + coalesce(civilians_injured,0) END), sum(CASE WHEN event_date < '2021-01-01' THEN coalesce(civilians_killed,0) + coalesce(civilians_injured,0) END) FROM events WHERE $inside AND (event_date BETWEEN '2021-01-01' AND '2021-04-30' OR event_date BETWEEN '2020-01-01' AND '2020-04-30')"
# Candidate pairs of one week by a plain self-join: same or neighbouring cell
# in a row, +-1 day (fewer candidates than bluehelm looks at), against
# bluehelm over the same week with every source paired.
week=('event_date>=2020-01-06' 'event_date<=2020-01-12')
dups_week=(duplicates events "${week[@]}" --any-source --limit 100)
sql_pairs="SELECT count(*) FROM events a JOIN events b ON b.event_date BETWEEN date(a.event_date, '-1 day') AND date(a.event_date, '+1 day') AND b._cell BETWEEN a._cell - 1 AND a._cell + 1 AND b.event_id_cnty > a.event_id_cnty WHERE a.event_date BETWEEN '2020-01-06' AND '2020-01-12' AND b.event_date BETWEEN '2020-01-06' AND '2020-01-12'"

echo "== results"
"$BLUEHELM" "${rate[@]}" | sed -n 1,3p | tr -d '\n '; echo
sqlite3 "$db" "$sql_rate"
"$BLUEHELM" "${change[@]}" | sed -n 1,4p | tr -d '\n '; echo
sqlite3 "$db" "$sql_change"
"$BLUEHELM" "${dups[@]}" | tail -2 | sed -n 1p

q() { printf "'%s' " "$@"; }
echo "== timings"
hyperfine -N --warmup 3 --runs "$RUNS" \
  -n "bluehelm rate" "$BLUEHELM --db $db $(q "${rate[@]}")" \
  -n "sqlite3 rate" "sqlite3 $db \"$sql_rate\"" \
  -n "bluehelm change" "$BLUEHELM --db $db $(q "${change[@]}")" \
  -n "sqlite3 change" "sqlite3 $db \"$sql_change\""
hyperfine -N --warmup 1 --runs 5 \
  -n "bluehelm duplicates (one year)" "$BLUEHELM --db $db $(q "${dups[@]}")" \
  -n "bluehelm duplicates (one week, any source)" "$BLUEHELM --db $db $(q "${dups_week[@]}")"
hyperfine -N --warmup 0 --runs 1 \
  -n "sqlite3 self-join candidates (one week)" "sqlite3 $db \"$sql_pairs\""
