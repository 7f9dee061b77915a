#!/usr/bin/env bash
# t_perf.sh: what issue 12's shortcuts must not change.
#  - An import into an empty table (bulk: its indexes built once at the end,
#    a key met twice told by the INSERT, no set of every key) refuses, stores
#    and reports exactly what the same import into a table that already
#    holds an unrelated record does (the row-by-row way).
#  - After it the table has its indexes and triggers back.
#  - near= counts the events inside whole grid cells from _event_cells (kept
#    by triggers): after imports, changes of coordinates, rejections,
#    merges, ACLED deletions and a deletion in plain SQL, the table equals
#    its definition (_event_cells_rebuild) and near= equals the haversine
#    distance computed here in SQL, with the rule of what counts written
#    from the visible columns.
# On PostgreSQL (no _event_cells: near= measures every event of its cells)
# the same imports and counts are checked, and the indexes after a bulk
# load; the checks of SQLite's own tables and pragmas are SQLite's.
source "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { skip perf "the sqlite3 shell is needed (scripts/deps.sh test)"; exit 0; }
sq() { db_sql "$@"; }

# ---------------------------------------------------------------- bulk imports
cat >"$WORK/dups.csv" <<'EOF'
event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude,fatalities
ev-1,2021-03-01,Battles,Armed clash,16.27,-0.04,1
ev-2,2021-03-02,Battles,Armed clash,16.28,-0.05,2
ev-1,2021-03-03,Riots,Mob violence,16.29,-0.06,3
ev-3,2021-03-04,Not a type,Armed clash,16.30,-0.07,4
ev-3,2021-03-05,Battles,Armed clash,16.31,-0.08,5
ev-4,2021-03-06,Battles,Armed clash,16.32,,6
ev-4,2021-03-07,Battles,Armed clash,16.33,-0.09,7
ev-2,2021-03-08,Battles,Armed clash,16.34,-0.10,8
ev-5,2021-03-09,Battles,Armed clash,16.35,-0.11,9
EOF
printf 'event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude\nother-1,2020-01-01,Protests,Peaceful protest,12.6,-8.0\n' >"$WORK/other.csv"

# run_both NAME ARGS...: the import into an empty database and into one
# holding other-1; the exit codes, messages (the database's name aside),
# refused rows and stored events (other-1 aside) must be the same.
run_both() {
  local name=$1 rc_a rc_b
  shift
  fresh_db --no-gazetteer
  bh import "$WORK/dups.csv" --kind events "$@" >"$WORK/out_a" && rc_a=0 || rc_a=$?
  sed "s|$WORK/[a-z_]*\.db||g" "$WORK/stderr" >"$WORK/err_a"
  sq "SELECT * FROM events ORDER BY event_id_cnty" >"$WORK/rows_a"
  [[ -f "$WORK/skip.csv" ]] && mv "$WORK/skip.csv" "$WORK/skip_a.csv"
  fresh_db --no-gazetteer
  bh import "$WORK/other.csv" --kind events >/dev/null || fail "$name-setup" "$(cat "$WORK/stderr")"
  bh import "$WORK/dups.csv" --kind events "$@" >"$WORK/out_b" && rc_b=0 || rc_b=$?
  sed "s|$WORK/[a-z_]*\.db||g" "$WORK/stderr" >"$WORK/err_b"
  sq "SELECT * FROM events WHERE event_id_cnty <> 'other-1' ORDER BY event_id_cnty" >"$WORK/rows_b"
  [[ -f "$WORK/skip.csv" ]] && mv "$WORK/skip.csv" "$WORK/skip_b.csv"
  expect_eq "$name-exit" "$rc_a" "$rc_b"
  if cmp -s "$WORK/err_a" "$WORK/err_b"; then ok "$name-messages"
  else fail "$name-messages" "$(diff "$WORK/err_a" "$WORK/err_b" | head -8)"; fi
  if cmp -s "$WORK/rows_a" "$WORK/rows_b"; then ok "$name-stored"
  else fail "$name-stored" "$(diff "$WORK/rows_a" "$WORK/rows_b" | head -6)"; fi
}

run_both bulk-dups
expect_grep bulk-dups-twice "dups.csv:4: event_id_cnty: 'ev-1' appears more than once" "$WORK/err_a"
expect_grep bulk-dups-twice-after-refusal "dups.csv:8: event_id_cnty: 'ev-4' appears more than once" "$WORK/err_a"
expect_grep bulk-dups-twice-late "dups.csv:9: event_id_cnty: 'ev-2' appears more than once" "$WORK/err_a"
expect_eq bulk-dups-nothing-stored "$(wc -l <"$WORK/rows_a")" 0

run_both bulk-skip --skip-bad "$WORK/skip.csv"
expect_eq bulk-skip-good-rows "$(cut -d'|' -f1,2 "$WORK/rows_a" | tr '\n' ' ')" "ev-1|2021-03-01 ev-2|2021-03-02 ev-3|2021-03-05 ev-5|2021-03-09 "
if cmp -s "$WORK/skip_a.csv" "$WORK/skip_b.csv"; then ok bulk-skip-file; else fail bulk-skip-file "$(diff "$WORK/skip_a.csv" "$WORK/skip_b.csv" | head -6)"; fi

# A file without a required column updates: met twice all the same.
printf 'event_id_cnty,fatalities\nev-1,10\nev-1,11\n' >"$WORK/part.csv"
fresh_db --no-gazetteer
printf 'event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude\nev-1,2021-03-01,Battles,Armed clash,16.27,-0.04\n' >"$WORK/one.csv"
if bh import "$WORK/part.csv" --kind events; then fail bulk-partial "accepted into an empty table"
else expect_grep bulk-partial-empty "none has the id 'ev-1'" "$WORK/stderr"; fi

# ---------------------------------------------------------------- the schema after a bulk import
fresh_db --no-gazetteer
schema() {
  if [[ $BACKEND == sqlite ]]; then sq "SELECT type, name, sql FROM sqlite_schema WHERE tbl_name IN ('events', '_event_cells') ORDER BY name"
  else sq "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events' ORDER BY 1"; fi
}
schema >"$WORK/schema_before"
bh import "$WORK/one.csv" --kind events >/dev/null || fail bulk-schema-import "$(cat "$WORK/stderr")"
schema >"$WORK/schema_after"
if cmp -s "$WORK/schema_before" "$WORK/schema_after"; then ok bulk-schema-back
else fail bulk-schema-back "$(diff "$WORK/schema_before" "$WORK/schema_after" | head -6)"; fi
[[ $BACKEND == sqlite ]] && expect_eq bulk-integrity "$(sq 'PRAGMA integrity_check')" ok

# ---------------------------------------------------------------- near= and _event_cells
fresh_db --no-gazetteer
cat >"$WORK/places.csv" <<'EOF'
place_id,name,latitude,longitude
gao,Gao,16.27167,-0.04472
kidal,Kidal,18.44,1.41
far,Far,14.0,-4.0
EOF
bh import "$WORK/places.csv" >/dev/null || fail near-places "$(cat "$WORK/stderr")"
# 3,000 events around Gao and Kidal, deterministic (Park-Miller).
awk 'BEGIN { s = 42; print "event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude,fatalities"
  for (i = 1; i <= 3000; i++) {
    s = (s * 48271) % 2147483647; a = s / 2147483647; s = (s * 48271) % 2147483647; b = s / 2147483647
    c = i % 2 ? 16.27167 : 18.44; d = i % 2 ? -0.04472 : 1.41
    printf "nr-%04d,2021-0%d-1%d,Battles,Armed clash,%.5f,%.5f,%d\n", i, 1 + i % 9, i % 10, c + (a - 0.5) * 2.2, d + (b - 0.5) * 2.2, i % 4 }
}' >"$WORK/near.csv"
# near_sql PLACE KM: the count by haversine in SQL, with what counts
# written from the visible columns.
near_sql() {
  sq "SELECT count(*) FROM events e, places p WHERE p.place_id = '$1'
    AND e.verification IS DISTINCT FROM 'rejected' AND e.duplicate_of IS NULL AND e.deleted = 0
    AND 2 * 6371.0088 * asin(sqrt(pow(sin(radians(e.latitude - p.latitude) / 2), 2)
      + cos(radians(p.latitude)) * cos(radians(e.latitude)) * pow(sin(radians(e.longitude - p.longitude) / 2), 2))) <= $2"
}
# near_check NAME: _event_cells equals its definition, and near= equals SQL.
near_check() {
  local name=$1 bad="" p km
  local diff=0
  [[ $BACKEND == sqlite ]] && diff=$(sq "SELECT (SELECT count(*) FROM (SELECT * FROM _event_cells WHERE n <> 0 EXCEPT SELECT * FROM _event_cells_rebuild))
             + (SELECT count(*) FROM (SELECT * FROM _event_cells_rebuild EXCEPT SELECT * FROM _event_cells))")
  [[ "$diff" == 0 ]] || bad="$bad _event_cells differs from its definition in $diff rows;"
  for p in gao kidal far; do
    for km in 0.5 12 30 55 80 140; do
      local got want
      got=$(bh count events "near=$p:$km")
      want=$(near_sql "$p" "$km")
      [[ "$got" == "$want" ]] || bad="$bad near=$p:$km $got, SQL $want;"
    done
  done
  if [[ -z "$bad" ]]; then ok "$name"; else fail "$name" "$bad"; fi
}
bh import "$WORK/near.csv" --kind events >/dev/null || fail near-import "$(cat "$WORK/stderr")"
n_inside=$(bh count events near=gao:55)
near_check near-after-bulk-import
[[ "$n_inside" -gt 200 ]] && ok near-has-events || fail near-has-events "only $n_inside events near Gao"
# Coordinates moved by a partial update (the trigger path: a small file
# into a table that holds events).
awk -F, 'NR == 1 { print "event_id_cnty,latitude,longitude"; next } NR % 7 == 0 { printf "%s,%.5f,%.5f\n", $1, $5 + 0.3, $6 - 0.4 }' \
  "$WORK/near.csv" >"$WORK/move.csv"
bh import "$WORK/move.csv" --kind events >/dev/null || fail near-move "$(cat "$WORK/stderr")"
near_check near-after-moves
awk -F, 'NR == 1 { print "event_id_cnty,verification"; next } NR % 11 == 0 { print $1 ",rejected" }' "$WORK/near.csv" >"$WORK/rej.csv"
bh import "$WORK/rej.csv" --kind events >/dev/null || fail near-reject "$(cat "$WORK/stderr")"
near_check near-after-rejections
bh duplicates merge nr-0001 nr-0003 nr-0005 nr-0007 >/dev/null || fail near-merge "$(cat "$WORK/stderr")"
near_check near-after-merges
printf 'event_id_cnty,deleted_timestamp\nnr-0009,1700000000\nnr-0010,1700000000\nnr-0011,1700000000\n' >"$WORK/del.csv"
bh import "$WORK/del.csv" --format acled-deletions >/dev/null || fail near-deletions "$(cat "$WORK/stderr")"
near_check near-after-acled-deletions
sq "DELETE FROM events WHERE event_id_cnty IN ('nr-0013', 'nr-0015', 'nr-0016')"
near_check near-after-sql-delete
# A second large-file way: the same events again into the table (upserts).
bh import "$WORK/near.csv" --kind events >/dev/null || fail near-reimport "$(cat "$WORK/stderr")"
near_check near-after-reimport
# near= with another filter reads the events (no cell counts): SQL again.
got=$(bh count events near=gao:40 'event_date>=2021-05-01')
want=$(sq "SELECT count(*) FROM events e, places p WHERE p.place_id = 'gao' AND e.event_date >= '2021-05-01'
  AND e.verification IS DISTINCT FROM 'rejected' AND e.duplicate_of IS NULL AND e.deleted = 0
  AND 2 * 6371.0088 * asin(sqrt(pow(sin(radians(e.latitude - p.latitude) / 2), 2)
    + cos(radians(p.latitude)) * cos(radians(e.latitude)) * pow(sin(radians(e.longitude - p.longitude) / 2), 2))) <= 40")
expect_eq near-with-filter "$got" "$want"
