#!/usr/bin/env bash
# t_history.sh: the force over time and casualty evacuation (issue 15,
# FORMATS.md §4.3) on a small hand-built dataset whose figures are worked
# out in the comments: the as-of rule of unit_changes (a change on the date
# itself, a field left empty in a change, no change yet) as read by
# deployment, serviceability, rotation-conflicts and the sector of a record
# through its unit; the contributor tables (deployment, serviceability and
# evaluations group_by=contributor); datetimes and their filters; the casevac
# indicator; and the figures on the demo dataset.
source "$(dirname "$0")/lib.sh"
DEMO=$ROOT/data/demo

refuses() {
  local name=$1 pattern=$2
  shift 2
  if bh "$@" >/dev/null; then fail "$name" "$* exited 0"
  else expect_grep "$name" "$pattern" "$WORK/stderr"; fi
}
# unit_row FILE ID: "status|location|sector|deployed_strength|since" of a
# unit in the units of unit-positions.
unit_row() {
  sqlite3 :memory: "select json_extract(u.value, '\$.status') || '|' || ifnull(json_extract(u.value, '\$.location'), '') || '|' ||
    ifnull(json_extract(u.value, '\$.sector'), '') || '|' || ifnull(json_extract(u.value, '\$.deployed_strength'), '') || '|' ||
    ifnull(json_extract(u.value, '\$.since'), '')
    from json_each(json_extract(readfile('$1'), '\$.units')) u where json_extract(u.value, '\$.unit_id') = '$2'"
}

########################################################################
# The dataset.
#   places: p-east (sector east), p-north (north), p-centre (centre),
#           p-none (no sector); sector area: admin1 Zone -> west.
#   units (the units row: the state before any change):
#     u1 BGD infantry   east  p-east   850/600 deployed
#     u2 BGD convoy co. east  p-east   200/150 deploying   (never changes)
#     u3 NER infantry   north p-north  850/800 deployed
#     u4 -   police     centre p-centre 140/20 advance_team since 2020-03-01
#     u5 TCD transport  -     -        300/-   pledged
#   unit_changes:
#     u1 2021-03-01 moves to p-north, sector north, 640 strong
#     u1 2021-04-01 status rotating (location, sector, strength left empty)
#     u1 2021-05-01 status deployed, 700
#     u3 2021-05-31 repatriated, 0
#     u4 2021-06-01 deployed, 140
#     u5 2021-04-15 deploying at p-centre (centre), 100; u5 2021-04-20 sector
#        west (a sector only a sector area names)
########################################################################
fresh_db --no-gazetteer || { fail history-init "init failed"; exit 0; }
H=$WORK/hist
mkdir -p "$H"
cat >"$H/places.csv" <<'EOF'
place_id,name,kind,latitude,longitude,sector
p-east,East town,town,16.0,0.5,east
p-north,North town,town,18.0,1.0,north
p-centre,Centre town,town,14.5,-4.0,centre
p-none,Nowhere,village,15.0,-1.0,
EOF
cat >"$H/sector_areas.csv" <<'EOF'
admin1,sector
Zone,west
EOF
cat >"$H/units.csv" <<'EOF'
unit_id,name,component,unit_type,contributor,sector,location,authorized_strength,deployed_strength,status,status_since
u1,Infantry 1,military,infantry_battalion,BGD,east,p-east,850,600,deployed,
u2,Convoy company 2,military,combat_convoy_company,BGD,east,p-east,200,150,deploying,
u3,Infantry 3,military,infantry_battalion,NER,north,p-north,850,800,deployed,
u4,Police unit 4,police,formed_police_unit,,centre,p-centre,140,20,advance_team,2020-03-01
u5,Transport 5,military,transport,TCD,,,300,,pledged,
EOF
cat >"$H/unit_changes.csv" <<'EOF'
unit_id,date,location,sector,status,deployed_strength,note
u1,2021-03-01,p-north,north,,640,moved north
u1,2021-04-01,,,rotating,,
u1,2021-05-01,,,deployed,700,
u3,2021-05-31,,,repatriated,0,left the mission
u4,2021-06-01,,,deployed,140,main body arrived
u5,2021-04-15,p-centre,centre,deploying,100,
u5,2021-04-20,,west,,,
EOF
cat >"$H/equipment.csv" <<'EOF'
equipment_id,unit_id,category
e1,u1,apc
e2,u1,apc
e3,u3,apc
e4,u2,mpv
EOF
cat >"$H/equipment_status.csv" <<'EOF'
equipment_id,date,status,cause
e1,2021-01-01,serviceable,
e2,2021-02-15,unserviceable,mechanical
e3,2021-01-10,unserviceable,explosive_incident
e4,2021-01-01,serviceable,
EOF
cat >"$H/evaluations.csv" <<'EOF'
evaluation_id,unit_id,date,kind,strength,result
ev1,u1,2021-02-20,unit_evaluation,600,satisfactory
ev2,u1,2021-03-20,unit_evaluation,640,unsatisfactory
ev3,u3,2021-03-01,unit_evaluation,800,satisfactory
EOF
cat >"$H/rotations.csv" <<'EOF'
rotation_id,unit_id,planned_start,planned_end
r0,u1,2021-02-25,2021-03-03
r1,u1,2021-03-10,2021-03-20
r2,u2,2021-02-20,2021-03-05
r3,u3,2021-03-15,2021-03-25
EOF
cat >"$H/windows.csv" <<'EOF'
window_id,name,start,end,tempo,sector
w-north,North surge,2021-03-01,2021-03-02,high,north
w-east,East surge,2021-03-02,2021-03-04,high,east
EOF
if bh import "$H" >/dev/null; then ok history-import; else fail history-import "$(head -c 600 "$WORK/stderr")"; fi

########################################################################
# Bad input: each a bad row FILE:LINE: COLUMN: reason, a non-zero exit, and
# nothing stored (the database digest is unchanged).
########################################################################
BASE=$(db_digest)
nb=0
# bad NAME FILE LINE COLUMN REASON-PATTERN CSV-TEXT: imports CSV-TEXT as FILE.
bad() {
  local name=$1 file=$2 line=$3 col=$4 reason=$5 text=$6
  nb=$((nb + 1))
  local d=$WORK/bad$nb
  mkdir -p "$d"
  printf '%s' "$text" >"$d/$file"
  if bh import "$d" >/dev/null; then fail "$name-exit" "the import exited 0"; else ok "$name-exit"; fi
  expect_grep "$name-message" "^${file//./\\.}:$line: $col: .*$reason" "$WORK/stderr"
  expect_eq "$name-nothing-stored" "$(db_digest)" "$BASE"
}
CVH='casevac_id,place,unit_id,casualties,priority,injured_at,requested_at,airborne_at,resuscitation_at,surgery_at,asset'
bad bad-times-backwards casevac.csv 3 requested_at 'times run backwards: requested_at 2021-03-01T09:55 is before injured_at 2021-03-01T10:00' \
  "$CVH"$'\nok-1,p-east,,1,urgent,2021-03-01T10:00,,,,,\nbad-1,p-east,,1,urgent,2021-03-01T10:00,2021-03-01T09:55,,,,\n'
# Backwards across a missing time: airborne before injury, no request time.
bad bad-times-backwards-gap casevac.csv 2 airborne_at 'airborne_at 2021-03-01T09:30 is before injured_at' \
  "$CVH"$'\nbad-2,p-east,,1,urgent,2021-03-01T10:00,,2021-03-01T09:30,,,\n'
bad bad-times-surgery casevac.csv 2 surgery_at 'surgery_at 2021-03-01T11:00 is before resuscitation_at 2021-03-01T11:30' \
  "$CVH"$'\nbad-3,p-east,,1,urgent,2021-03-01T10:00,2021-03-01T10:05,2021-03-01T10:20,2021-03-01T11:30,2021-03-01T11:00,\n'
bad bad-datetime-space casevac.csv 2 injured_at 'write a T between the day and the time' \
  "$CVH"$'\nbad-4,p-east,,1,urgent,2021-03-01 10:00,,,,,\n'
bad bad-datetime-seconds casevac.csv 2 surgery_at 'without seconds' \
  "$CVH"$'\nbad-5,p-east,,1,urgent,2021-03-01T10:00,,,,2021-03-01T11:00:00,\n'
bad bad-datetime-hour casevac.csv 2 requested_at 'is not a date and time' \
  "$CVH"$'\nbad-6,p-east,,1,urgent,2021-03-01T10:00,2021-03-01T24:10,,,,\n'
bad bad-priority casevac.csv 2 priority "'critical' is not one of urgent\\|priority\\|routine" \
  "$CVH"$'\nbad-7,p-east,,1,critical,2021-03-01T10:00,,,,,\n'
bad bad-asset casevac.csv 2 asset "'boat' is not one of helicopter\\|fixed_wing\\|ground" \
  "$CVH"$'\nbad-8,p-east,,1,urgent,2021-03-01T10:00,,,,,boat\n'
bad bad-no-place-nor-unit casevac.csv 2 place 'give the place of the casualties, their unit, or both' \
  "$CVH"$'\nbad-9,,,1,urgent,2021-03-01T10:00,,,,,\n'
bad bad-casevac-unknown-unit casevac.csv 2 unit_id "no units record has the id 'u-none'" \
  "$CVH"$'\nbad-10,,u-none,1,urgent,2021-03-01T10:00,,,,,\n'
bad bad-casevac-negative casevac.csv 2 casualties 'is negative' \
  "$CVH"$'\nbad-11,p-east,,-2,urgent,2021-03-01T10:00,,,,,\n'
UCH='unit_id,date,location,sector,status,deployed_strength,note'
bad bad-change-unknown-unit unit_changes.csv 2 unit_id "no units record has the id 'u-none'" \
  "$UCH"$'\nu-none,2021-03-01,,,,,\n'
bad bad-change-sector unit_changes.csv 2 sector "no place or sector area uses the sector 'south'" \
  "$UCH"$'\nu1,2021-07-01,,south,,,\n'
bad bad-change-negative unit_changes.csv 2 deployed_strength 'is negative' \
  "$UCH"$'\nu1,2021-07-01,,,,-5,\n'
bad bad-change-status unit_changes.csv 2 status "'gone' is not one of pledged" \
  "$UCH"$'\nu1,2021-07-01,,,gone,,\n'
bad bad-change-place unit_changes.csv 2 location "no place has the id or name 'p-nowhere'" \
  "$UCH"$'\nu1,2021-07-01,p-nowhere,,,,\n'
bad bad-change-date unit_changes.csv 2 date 'is not a date' \
  "$UCH"$'\nu1,2021-02-30,,,,,\n'

########################################################################
# As of a date: unit-positions (the map's) and deployment.
########################################################################
# No change yet (2021-02-28): every unit as its units row.
if ind asof-before dep unit-positions as_of=2021-02-28; then
  expect_eq asof-before-as-of "$(jv "$WORK/dep.json" '$.as_of')" 2021-02-28
  expect_eq asof-no-change-yet-u1 "$(unit_row "$WORK/dep.json" u1)" "deployed|p-east|east|600|"
  expect_eq asof-never-changed-u2 "$(unit_row "$WORK/dep.json" u2)" "deploying|p-east|east|150|"
fi
# A change on the date itself (2021-03-01) is in force that day.
if ind asof-on-the-day dep unit-positions as_of=2021-03-01; then
  expect_eq asof-change-on-the-day "$(unit_row "$WORK/dep.json" u1)" "deployed|p-north|north|640|"
fi
# A field left empty in a change keeps the earlier value: on 2021-04-10 u1
# is rotating (since 2021-04-01) at p-north, north, 640 (all from 2021-03-01).
if ind asof-empty-field dep unit-positions as_of=2021-04-10; then
  expect_eq asof-empty-field-kept "$(unit_row "$WORK/dep.json" u1)" "rotating|p-north|north|640|2021-04-01"
  expect_eq asof-status-since-units-row "$(unit_row "$WORK/dep.json" u4)" "advance_team|p-centre|centre|20|2020-03-01"
fi
# u3's repatriation on 2021-05-31 itself; u5's sector west (from a sector area).
if ind asof-late dep unit-positions as_of=2021-05-31; then
  expect_eq asof-repatriated-on-the-day "$(unit_row "$WORK/dep.json" u3)" "repatriated|p-north|north|0|2021-05-31"
  expect_eq asof-u5-west "$(unit_row "$WORK/dep.json" u5)" "deploying|p-centre|west|100|2021-04-15"
  expect_eq asof-coordinates "$(sqlite3 :memory: "select json_extract(u.value, '\$.latitude') || ',' || json_extract(u.value, '\$.longitude') from json_each(json_extract(readfile('$WORK/dep.json'), '\$.units')) u where json_extract(u.value, '\$.unit_id') = 'u1'")" "18,1"
fi
if ind asof-deployment dep deployment as_of=2021-05-31; then
  expect_eq asof-advance-team "$(jv "$WORK/dep.json" '$.advance_team')" '[{"unit_id":"u4","deployed_strength":20,"since":"2020-03-01"}]'
  expect_eq asof-deployment-item "$(sqlite3 :memory: "select u.value from json_each(json_extract(readfile('$WORK/dep.json'), '\$.units')) u where json_extract(u.value, '\$.unit_id') = 'u3'")" '{"unit_id":"u3","status":"repatriated","deployed_strength":0,"authorized_strength":850,"since":"2021-05-31"}'
  expect_eq asof-deployment-total "$(jv "$WORK/dep.json" '$.deployed_strength_total')" $((700 + 150 + 0 + 20 + 100))
fi
# Filters read the values of the day: sector=north holds u3 only before the
# move, u1 and u3 from it; location= likewise.
ind asof-filter-before dep deployment as_of=2021-02-28 sector=north &&
  expect_eq asof-filter-sector-before "$(jids "$WORK/dep.json" units)" u3
ind asof-filter-after dep deployment as_of=2021-03-01 sector=north &&
  expect_eq asof-filter-sector-after "$(jids "$WORK/dep.json" units)" u1,u3
ind asof-filter-location dep deployment as_of=2021-03-01 location=p-east &&
  expect_eq asof-filter-location "$(jids "$WORK/dep.json" units)" u2
ind asof-filter-status dep deployment as_of=2021-04-10 status=rotating &&
  expect_eq asof-filter-status "$(jids "$WORK/dep.json" units)" u1

########################################################################
# by_contributor: the units present on the day (advance_team, deploying,
# deployed, rotating), with their authorized and deployed strengths.
########################################################################
# 2021-04-20: u1 rotating 850/640 and u2 deploying 200/150 -> BGD 2 units,
# 1050, 790; u3 deployed -> NER 1, 850, 800; u5 deploying 300/100 -> TCD;
# u4 advance team 140/20 -> unspecified (no contributor).
if ind contrib-0420 dep deployment as_of=2021-04-20 group_by=contributor; then
  F=$WORK/dep.json
  expect_eq contrib-bgd "$(jv "$F" '$.by_contributor.BGD')" '{"units":2,"authorized_strength":1050,"deployed_strength":790}'
  expect_eq contrib-ner "$(jv "$F" '$.by_contributor.NER')" '{"units":1,"authorized_strength":850,"deployed_strength":800}'
  expect_eq contrib-tcd "$(jv "$F" '$.by_contributor.TCD')" '{"units":1,"authorized_strength":300,"deployed_strength":100}'
  expect_eq contrib-unspecified "$(jv "$F" '$.by_contributor.unspecified')" '{"units":1,"authorized_strength":140,"deployed_strength":20}'
  expect_eq contrib-keys "$(sqlite3 :memory: "select group_concat(key, ',') from json_each(json_extract(readfile('$F'), '\$.by_contributor'))")" BGD,NER,TCD,unspecified
  expect_eq contrib-records-bgd "$(jids "$F" by_contributor.BGD.units)" u1,u2
  expect_eq contrib-records-tcd-deployed "$(jids "$F" by_contributor.TCD.deployed_strength)" u5
fi
# 2021-02-01: u5 still pledged (not present): no TCD; u1 at 600.
if ind contrib-0201 dep deployment as_of=2021-02-01 group_by=contributor; then
  expect_eq contrib-pledged-absent "$(jv "$WORK/dep.json" '$.by_contributor.TCD')" ""
  expect_eq contrib-bgd-0201 "$(jv "$WORK/dep.json" '$.by_contributor.BGD')" '{"units":2,"authorized_strength":1050,"deployed_strength":750}'
fi
# 2021-06-01: u3 repatriated (absent), u4 deployed 140, u1 deployed 700.
if ind contrib-0601 dep deployment as_of=2021-06-01 group_by=contributor; then
  expect_eq contrib-repatriated-absent "$(jv "$WORK/dep.json" '$.by_contributor.NER')" ""
  expect_eq contrib-bgd-0601 "$(jv "$WORK/dep.json" '$.by_contributor.BGD.deployed_strength')" 850
  expect_eq contrib-unspecified-0601 "$(jv "$WORK/dep.json" '$.by_contributor.unspecified.deployed_strength')" 140
fi
refuses contrib-bad-group-by 'deployment groups by contributor only' indicator deployment group_by=sector
refuses deployment-bad-as-of 'as_of=2021-13-01 is not a date' indicator deployment as_of=2021-13-01

########################################################################
# Serviceability as of a day, by the holding unit's values that day.
#   e1 u1 serviceable, e2 u1 unserviceable (mechanical), e3 u3 unserviceable
#   (explosive), e4 u2 serviceable.
########################################################################
# 2021-02-28: p-north holds u3 only -> e3: total 1, unserviceable 1.
ind svc-loc-before svc serviceability as_of=2021-02-28 location=p-north &&
  expect_eq svc-location-before "$(jv "$WORK/svc.json" '$.total'):$(jv "$WORK/svc.json" '$.unserviceable')" 1:1
# 2021-03-01: u1 moved to p-north -> e1 e2 e3: total 3, unserviceable 2.
ind svc-loc-after svc serviceability as_of=2021-03-01 location=p-north &&
  expect_eq svc-location-after "$(jids "$WORK/svc.json" total)" e1,e2,e3
ind svc-type svc serviceability as_of=2021-03-01 location=p-north unit_type=infantry_battalion &&
  expect_eq svc-location-and-type "$(jv "$WORK/svc.json" '$.total')" 3
# group_by=sector: before the move east e1 e2 e4 (3, 1 unserviceable), north
# e3 (1, 1); after it east e4 (1, 0), north e1 e2 e3 (3, 2).
if ind svc-group-before svc serviceability as_of=2021-02-28 group_by=sector; then
  expect_eq svc-group-before "$(sqlite3 :memory: "select group_concat(json_extract(g.value, '\$.sector') || ':' || json_extract(g.value, '\$.total') || ':' || json_extract(g.value, '\$.unserviceable'), ' ') from json_each(json_extract(readfile('$WORK/svc.json'), '\$.groups')) g")" "east:3:1 north:1:1"
fi
if ind svc-group-after svc serviceability as_of=2021-03-01 group_by=sector; then
  expect_eq svc-group-after "$(sqlite3 :memory: "select group_concat(json_extract(g.value, '\$.sector') || ':' || json_extract(g.value, '\$.total') || ':' || json_extract(g.value, '\$.unserviceable'), ' ') from json_each(json_extract(readfile('$WORK/svc.json'), '\$.groups')) g")" "east:1:0 north:3:2"
fi
# group_by=contributor: BGD e1 e2 e4 (3, 1), NER e3 (1, 1).
if ind svc-contrib svc serviceability as_of=2021-03-01 group_by=contributor; then
  expect_eq svc-by-contributor "$(sqlite3 :memory: "select group_concat(json_extract(g.value, '\$.contributor') || ':' || json_extract(g.value, '\$.total') || ':' || json_extract(g.value, '\$.unserviceable'), ' ') from json_each(json_extract(readfile('$WORK/svc.json'), '\$.groups')) g")" "BGD:3:1 NER:1:1"
fi

########################################################################
# Rotation conflicts by the sector at the time.
#   r0 u1 02-25..03-03: east 02-25..02-28, north 03-01..03-03 (u1 moved)
#   r1 u1 03-10..03-20 (north)   r2 u2 02-20..03-05 (east)   r3 u3 03-15..03-25 (north)
# Overlaps: r2 and r0 in east, 02-25..02-28 (not after u1 left east);
#           r1 and r3 in north, 03-15..03-20. (By the units rows alone, u1
#           would be east: r2/r0 02-25..03-03, and no r1/r3 overlap.)
# High tempo: w-north (03-01..03-02) catches r0's north days; w-east
# (03-02..03-04) catches r2, not r0 (in the north by then).
########################################################################
if ind rot-asof rot rotation-conflicts from=2021-01-01 to=2021-12-31; then
  F=$WORK/rot.json
  expect_eq rot-overlaps "$(sqlite3 :memory: "select group_concat(json_extract(o.value, '\$.rotations[0]') || '+' || json_extract(o.value, '\$.rotations[1]') || ':' || json_extract(o.value, '\$.sector') || ':' || json_extract(o.value, '\$.from') || '..' || json_extract(o.value, '\$.to'), ' ') from json_each(json_extract(readfile('$F'), '\$.overlaps')) o")" \
    "r2+r0:east:2021-02-25..2021-02-28 r1+r3:north:2021-03-15..2021-03-20"
  expect_eq rot-high-tempo "$(sqlite3 :memory: "select group_concat(json_extract(o.value, '\$.rotation_id') || ':' || json_extract(o.value, '\$.window_id'), ' ') from json_each(json_extract(readfile('$F'), '\$.in_high_tempo')) o")" \
    "r2:w-east r0:w-north"
  expect_eq rot-count "$(jv "$F" '$.rotations')" 4
  expect_eq rot-records-overlaps "$(jids "$F" overlaps)" r0,r1,r2,r3
fi

########################################################################
# A record's sector through its unit, as the unit stood on the record's date:
#   ev1 u1 2021-02-20 -> east; ev2 u1 2021-03-20 -> north; ev3 u3 -> north.
########################################################################
expect_eq sector-through-unit-north "$(bh count evaluations sector=north)" 2
expect_eq sector-through-unit-east "$(bh count evaluations sector=east)" 1
expect_eq sector-unit-changes-own "$(bh count unit_changes sector=west)" 1
# evaluations group_by=contributor: BGD ev1 (satisfactory) and ev2; NER ev3.
if ind eval-contrib ev evaluations group_by=contributor; then
  expect_eq eval-by-contributor "$(jv "$WORK/ev.json" '$.by_contributor')" '{"BGD":{"count":2,"satisfactory":1},"NER":{"count":1,"satisfactory":1}}'
  expect_eq eval-by-contributor-records "$(jids "$WORK/ev.json" by_contributor.BGD.count)" ev1,ev2
fi

########################################################################
# Casualty evacuations. Period 2021-03-01..2021-03-31 (cv8 is in April).
#   id  sector (why)               pat injured     requested airborne resus   surgery
#   cv1 east (place p-east)         2  03-02 08:00  08:05    08:20    08:50   09:40
#   cv2 north (place p-north)       1  03-05 14:00  14:10    14:40    15:05   15:50
#   cv3 north (u1 on 03-10; its     3  03-10 06:30  06:35    06:47    07:30   -
#       units row says east)
#   cv4 east (u2)                   1  03-12 23:30  23:40    00:20+1d 00:45+1d 01:20+1d
#   cv5 north (p-none has no        2  03-15 10:00  10:30    -        11:20   12:30
#       sector: u3's)
#   cv6 east (place p-east)         1  03-20 16:00  16:10    16:35    -       17:55
#   cv7 unspecified (p-none, no     1  03-25 09:00  09:02    09:10    09:55   11:01
#       unit)
#   cv8 east, 2021-04-02 (outside)  1
# Injury to resuscitation (min): cv1 50, cv2 65, cv3 60, cv4 75, cv5 80,
#   cv7 55; cv6 has none. within_1h = cv1 cv3 cv7 = 3 of 6 -> 50.0.
# Injury to surgery: cv1 100, cv2 110, cv4 110, cv5 150, cv6 115, cv7 121;
#   cv3 has none (outside the denominator). within_2h = cv1 cv2 cv4 cv6 =
#   4 of 6 -> 66.7.
# Request to airborne: cv1 15, cv2 30, cv3 12, cv4 40, cv6 25, cv7 8 (cv5
#   has no airborne time): 8 12 15 25 30 40, an even count: the lower middle
#   is 15 (the mean of the middle two would be 20).
# evacuations 7, patients 2+1+3+1+2+1+1 = 11.
# by_sector: east cv1 cv4 cv6 (within_1h cv1; within_2h cv1 cv4 cv6);
#   north cv2 cv3 cv5 (within_1h cv3; within_2h cv2); unspecified cv7
#   (within_1h cv7).
########################################################################
C=$WORK/cv
mkdir -p "$C"
cat >"$C/casevac.csv" <<'EOF'
casevac_id,place,unit_id,casualties,priority,injured_at,requested_at,airborne_at,resuscitation_at,surgery_at,asset,provider
cv1,p-east,,2,urgent,2021-03-02T08:00,2021-03-02T08:05,2021-03-02T08:20,2021-03-02T08:50,2021-03-02T09:40,helicopter,u5
cv2,p-north,,1,urgent,2021-03-05T14:00,2021-03-05T14:10,2021-03-05T14:40,2021-03-05T15:05,2021-03-05T15:50,helicopter,
cv3,,u1,3,urgent,2021-03-10T06:30,2021-03-10T06:35,2021-03-10T06:47,2021-03-10T07:30,,helicopter,
cv4,,u2,1,priority,2021-03-12T23:30,2021-03-12T23:40,2021-03-13T00:20,2021-03-13T00:45,2021-03-13T01:20,fixed_wing,
cv5,p-none,u3,2,priority,2021-03-15T10:00,2021-03-15T10:30,,2021-03-15T11:20,2021-03-15T12:30,ground,
cv6,p-east,,1,routine,2021-03-20T16:00,2021-03-20T16:10,2021-03-20T16:35,,2021-03-20T17:55,helicopter,
cv7,p-none,,1,urgent,2021-03-25T09:00,2021-03-25T09:02,2021-03-25T09:10,2021-03-25T09:55,2021-03-25T11:01,helicopter,
cv8,p-east,,1,urgent,2021-04-02T10:00,2021-04-02T10:01,2021-04-02T10:10,2021-04-02T10:30,2021-04-02T11:00,helicopter,
EOF
if bh import "$C" >/dev/null; then ok casevac-import; else fail casevac-import "$(head -c 600 "$WORK/stderr")"; fi
if ind casevac-march cv casevac from=2021-03-01 to=2021-03-31; then
  F=$WORK/cv.json
  expect_eq casevac-evacuations "$(jv "$F" '$.evacuations')" 7
  expect_eq casevac-patients "$(jv "$F" '$.patients')" 11
  expect_eq casevac-within-1h "$(jv "$F" '$.within_1h')" 3
  expect_eq casevac-within-1h-pct "$(jv "$F" '$.within_1h_pct')" 50.0
  expect_eq casevac-within-2h "$(jv "$F" '$.within_2h')" 4
  expect_eq casevac-within-2h-pct "$(jv "$F" '$.within_2h_pct')" 66.7
  expect_eq casevac-median-lower-middle "$(jv "$F" '$.median_request_to_airborne_min')" 15
  expect_eq casevac-by-sector "$(jv "$F" '$.by_sector')" \
    '{"east":{"evacuations":3,"within_1h":1,"within_2h":3},"north":{"evacuations":3,"within_1h":1,"within_2h":1},"unspecified":{"evacuations":1,"within_1h":1,"within_2h":0}}'
  expect_eq casevac-records-1h "$(jids "$F" within_1h)" cv1,cv3,cv7
  expect_eq casevac-records-1h-denominator "$(jids "$F" within_1h_pct)" cv1,cv2,cv3,cv4,cv5,cv7
  expect_eq casevac-records-2h-denominator "$(jids "$F" within_2h_pct)" cv1,cv2,cv4,cv5,cv6,cv7
  expect_eq casevac-records-median "$(jids "$F" median_request_to_airborne_min)" cv1,cv2,cv3,cv4,cv6,cv7
  expect_eq casevac-records-north "$(jids "$F" by_sector.north.evacuations)" cv2,cv3,cv5
fi
# The raw times give the same 1-hour and 2-hour counts, computed by SQLite.
LITE=$(db_sqlite)
expect_eq casevac-sqlite-1h "$(sqlite3 "$LITE" "select count(*) from casevac where injured_at between '2021-03-01' and '2021-03-32' and (julianday(replace(resuscitation_at,'T',' ')) - julianday(replace(injured_at,'T',' '))) * 1440 <= 60.5")" 3
expect_eq casevac-sqlite-2h "$(sqlite3 "$LITE" "select count(*) from casevac where injured_at between '2021-03-01' and '2021-03-32' and (julianday(replace(surgery_at,'T',' ')) - julianday(replace(injured_at,'T',' '))) * 1440 <= 120.5")" 4
# An odd count: April alone (cv8, 9 minutes); no evacuation: nulls.
ind casevac-april cv casevac from=2021-04-01 to=2021-04-30 &&
  expect_eq casevac-single "$(jv "$WORK/cv.json" '$.median_request_to_airborne_min'):$(jv "$WORK/cv.json" '$.within_2h_pct')" 9:100.0
if ind casevac-none cv casevac from=2020-01-01 to=2020-12-31; then
  expect_eq casevac-none-pct "$(jv "$WORK/cv.json" '$.within_1h_pct' ):$(jv "$WORK/cv.json" '$.median_request_to_airborne_min')" ":"
  expect_eq casevac-none-null "$(sqlite3 :memory: "select json_type(readfile('$WORK/cv.json'), '\$.within_1h_pct')")" null
fi
# sector= uses the same rule as by_sector (cv3 through u1's sector on 03-10).
ind casevac-north cv casevac from=2021-03-01 to=2021-03-31 sector=north &&
  expect_eq casevac-sector-filter "$(jids "$WORK/cv.json" evacuations)" cv2,cv3,cv5
ind casevac-urgent cv casevac from=2021-03-01 to=2021-03-31 priority=urgent &&
  expect_eq casevac-priority-filter "$(jv "$WORK/cv.json" '$.evacuations')" 4

########################################################################
# Datetimes: filters compare datetimes, and a date against a datetime's day.
########################################################################
expect_eq dt-ge-datetime "$(bh count casevac 'injured_at>=2021-03-12T23:30')" 5
expect_eq dt-eq-day "$(bh count casevac injured_at=2021-03-12)" 1
expect_eq dt-le-day "$(bh count casevac 'injured_at<=2021-03-12')" 4
expect_eq dt-gt-day "$(bh count casevac 'injured_at>2021-03-12')" 4
expect_eq dt-lt-datetime "$(bh count casevac 'injured_at<2021-03-13T00:00')" 4
expect_eq dt-list "$(bh count casevac injured_at=2021-03-02,2021-03-05T14:00)" 2
refuses dt-filter-space 'write a T between the day and the time' count casevac 'injured_at>=2021-03-01 10:00'
refuses dt-filter-seconds 'without seconds' count casevac 'injured_at>=2021-03-01T10:00:00'
# The kind's main date is a datetime: change and weekly count by its day.
if ind casevac-change ch change of=casevac field=casualties period=2021-03-01..2021-03-31 compare=2021-04-01..2021-04-30; then
  expect_eq casevac-change "$(jv "$WORK/ch.json" '$.current'):$(jv "$WORK/ch.json" '$.previous'):$(jv "$WORK/ch.json" '$.change_pct')" 11:1:1000.0
fi
ind casevac-weekly wk weekly of=casevac from=2021-03-01 to=2021-03-28 by=priority &&
  expect_eq casevac-weekly-total "$(sqlite3 :memory: "select sum(value) from json_each(json_extract(readfile('$WORK/wk.json'), '\$.total'))")" 7
# Export and re-import keep datetimes as they are.
bh export casevac >"$WORK/cv-export.csv"
expect_grep casevac-export-datetime '^cv4,.*2021-03-12T23:30,2021-03-12T23:40,2021-03-13T00:20' "$WORK/cv-export.csv"
mkdir -p "$WORK/reimp" && cp "$WORK/cv-export.csv" "$WORK/reimp/casevac.csv"
if bh import "$WORK/reimp" >"$WORK/reimp.out"; then
  expect_grep casevac-reimport-unchanged 'casevac: 0 inserted, 0 updated, 8 unchanged' "$WORK/reimp.out"
else fail casevac-reimport "$(head -c 300 "$WORK/stderr")"; fi
# A file without some columns updates records whose other columns stay as
# stored, and the checks read the stored values: cv3 (u1, resuscitation at
# 07:30) with a surgery at 07:00 runs backwards; at 08:10 it is stored and
# cv3 keeps its unit. A new record without place or unit is refused.
mkdir -p "$WORK/part"
printf 'casevac_id,casualties,injured_at,surgery_at\ncv3,3,2021-03-10T06:30,2021-03-10T07:00\n' >"$WORK/part/casevac.csv"
refuses casevac-stored-backwards 'casevac.csv:2: surgery_at: times run backwards: surgery_at 2021-03-10T07:00 is before resuscitation_at 2021-03-10T07:30' import "$WORK/part"
printf 'casevac_id,casualties,injured_at,surgery_at\ncv3,3,2021-03-10T06:30,2021-03-10T08:10\n' >"$WORK/part/casevac.csv"
if bh import "$WORK/part" >/dev/null; then
  expect_eq casevac-stored-update "$(bh count casevac casevac_id=cv3 surgery_at=2021-03-10T08:10 unit_id=u1)" 1
else fail casevac-stored-update "$(head -c 300 "$WORK/stderr")"; fi
printf 'casevac_id,casualties,injured_at\ncv9,1,2021-03-10T06:30\n' >"$WORK/part/casevac.csv"
refuses casevac-new-without-place 'casevac.csv:2: place: give the place of the casualties, their unit, or both' import "$WORK/part"

########################################################################
# The demo dataset: movements and a year of evacuations, and the letter's
# force figures as of 31 May 2021 unchanged by the history.
########################################################################
fresh_db || { fail demo-init "init failed"; exit 0; }
if bh import "$DEMO" >/dev/null; then ok demo-import; else fail demo-import "$(head -c 600 "$WORK/stderr")"; exit 0; fi
expect_eq demo-has-movements "$([[ $(bh count unit_changes) -ge 10 ]] && echo yes)" yes
expect_eq demo-has-evacuations "$([[ $(bh count casevac injured_at\>=2020-06-01 injured_at\<=2021-05-31) -ge 40 ]] && echo yes)" yes
if ind demo-deployment dep deployment as_of=2021-05-31; then
  expect_eq demo-advance-team "$(jv "$WORK/dep.json" '$.advance_team')" '[{"unit_id":"fpu-mopti-2","deployed_strength":20,"since":"2020-03-01"}]'
fi
if ind demo-rotations rot rotation-conflicts from=2021-01-01 to=2021-05-31; then
  expect_eq demo-rotation-overlap "$(sqlite3 :memory: "select group_concat(json_extract(o.value, '\$.units[0]') || '+' || json_extract(o.value, '\$.units[1]') || ':' || json_extract(o.value, '\$.sector') || ':' || json_extract(o.value, '\$.from') || '..' || json_extract(o.value, '\$.to'), ' ') from json_each(json_extract(readfile('$WORK/rot.json'), '\$.overlaps')) o")" \
    "inf-bn-tgo+inf-bn-sen:centre:2021-04-12..2021-05-02"
fi
if ind demo-svc svc serviceability as_of=2021-05-31 units=ccc-gao-1,ccc-gao-2 category=apc,mpv; then
  expect_eq demo-svc "$(jv "$WORK/svc.json" '$.total'):$(jv "$WORK/svc.json" '$.unserviceable')" 40:22
fi
if ind demo-casevac cv casevac from=2020-06-01 to=2021-05-31; then
  F=$WORK/cv.json
  # Re-counted by SQLite from the raw times (whole minutes).
  LITE=$(db_sqlite)
  n1=$(sqlite3 "$LITE" "select count(*) from casevac where substr(injured_at,1,10) between '2020-06-01' and '2021-05-31' and resuscitation_at is not null and cast(round((julianday(replace(resuscitation_at,'T',' ')) - julianday(replace(injured_at,'T',' '))) * 1440) as integer) <= 60")
  n2=$(sqlite3 "$LITE" "select count(*) from casevac where substr(injured_at,1,10) between '2020-06-01' and '2021-05-31' and surgery_at is not null and cast(round((julianday(replace(surgery_at,'T',' ')) - julianday(replace(injured_at,'T',' '))) * 1440) as integer) <= 120")
  expect_eq demo-casevac-1h "$(jv "$F" '$.within_1h')" "$n1"
  expect_eq demo-casevac-2h "$(jv "$F" '$.within_2h')" "$n2"
  expect_eq demo-casevac-sectors-sum "$(sqlite3 :memory: "select sum(json_extract(value, '\$.evacuations')) from json_each(json_extract(readfile('$F'), '\$.by_sector'))")" "$(jv "$F" '$.evacuations')"
fi
# The contributors indicator: the three indicators' figures, line by line.
if ind demo-contributors ct contributors as_of=2021-05-31 from=2021-01-01 to=2021-05-31; then
  F=$WORK/ct.json
  bgd=$(sqlite3 :memory: "select json_extract(value, '\$.name') || ':' || json_extract(value, '\$.units') || ':' || json_extract(value, '\$.deployed_strength') || ':' || json_extract(value, '\$.armoured_unserviceable') || '/' || json_extract(value, '\$.armoured_vehicles') || ':' || json_extract(value, '\$.evaluations') from json_each(json_extract(readfile('$F'), '\$.contributors')) where json_extract(value, '\$.contributor') = 'BGD'")
  svc_bgd=$(bh indicator serviceability as_of=2021-05-31 category=apc,mpv contributor=BGD >"$WORK/sb.json" && echo "$(jv "$WORK/sb.json" '$.unserviceable')/$(jv "$WORK/sb.json" '$.total')")
  ev_bgd=$(bh indicator evaluations from=2021-01-01 to=2021-05-31 group_by=contributor >"$WORK/eb.json" && jv "$WORK/eb.json" '$.by_contributor.BGD.count')
  # Bangladesh's units have no change of status or strength: the units rows.
  units_bgd=$(db_sql "select count(*) || ':' || sum(deployed_strength) from units where contributor = 'BGD'")
  expect_eq demo-contributors-bgd "$bgd" "Bangladesh:$units_bgd:$svc_bgd:$ev_bgd"
  expect_eq demo-contributors-iso-name "$(sqlite3 :memory: "select json_extract(value, '\$.name') from json_each(json_extract(readfile('$F'), '\$.contributors')) where json_extract(value, '\$.contributor') = 'LKA'")" "Sri Lanka"
  expect_eq demo-contributors-unspecified-last "$(sqlite3 :memory: "select json_extract(value, '\$.contributor') || ':' || ifnull(json_extract(value, '\$.name'), 'null') from json_each(json_extract(readfile('$F'), '\$.contributors')) order by key desc limit 1")" "unspecified:null"
  expect_eq demo-contributors-records "$(jids "$F" contributors.BGD.units)" ccc-gao-2,fpu-gao,fpu-gao-ansongo
fi
# The default report's contributor table and casualty-evacuation section,
# and the sitrep's evacuations of the day, with the indicators' figures.
if bh report from=2021-01-01 to=2021-05-31 >"$WORK/r.md"; then
  expect_grep report-contributors-heading '^### The force by contributor' "$WORK/r.md"
  expect_grep report-contributors-row '^\| Bangladesh \| 3 \| 375 \| 365 \| 11 of 22 \| 12 \(9 satisfactory\) \|' "$WORK/r.md"
  expect_grep report-contributors-not-named '^\| Not named \|' "$WORK/r.md"
  ind demo-casevac-2021 cv casevac from=2021-01-01 to=2021-05-31
  F=$WORK/cv.json
  pct1=$(printf '%.0f' "$(jv "$F" '$.within_1h_pct')")
  expect_grep report-casevac "^Between 1 January 2021 and 31 May 2021, $(jv "$F" '$.evacuations') casualty evacuations carried $(jv "$F" '$.patients') patients\. Against the 10-1-2 standard, $(jv "$F" '$.within_1h') reached damage-control resuscitation within one hour of injury \($pct1 per cent" "$WORK/r.md"
  expect_grep report-casevac-median "The median time from the request to take-off was $(jv "$F" '$.median_request_to_airborne_min') minutes" "$WORK/r.md"
  expect_grep report-casevac-sector "^- Sector north: $(jv "$F" '$.by_sector.north.evacuations') evacuations" "$WORK/r.md"
else fail report-default "$(head -c 300 "$WORK/stderr")"; fi
if bh report to=2021-04-02 --template sitrep >"$WORK/s.md"; then
  expect_grep sitrep-casevac-day '4 casualty evacuations carried 19 patients' "$WORK/s.md"
  expect_grep sitrep-casevac-item '^- 6 patients \(urgent\) from MINUSMA camp Aguelhok \(inf-bn-tcd-agk\), injured at 05:40' "$WORK/s.md"
else fail report-sitrep "$(head -c 300 "$WORK/stderr")"; fi
if bh report from=1990-01-01 to=1990-01-31 >"$WORK/empty.md"; then
  expect_grep report-casevac-none 'No casualty evacuation was recorded between' "$WORK/empty.md"
fi
