#!/usr/bin/env bash
# t_force.sh: the force and its performance (issue 3): the indicators
# serviceability, evaluations, caveats, rotation-conflicts, capability-gaps
# and deployment over small hand-built datasets whose expected figures are
# worked out below; `records` re-counting to every figure; the kind-level bad
# input of the force kinds; `bluehelm list`; and the letter's figures on the
# demo dataset.
source "$(dirname "$0")/lib.sh"
DEMO=$ROOT/data/demo

# jlen FILE PATH: the length of the JSON array at PATH.
jlen() { sqlite3 :memory: "select json_array_length(json_extract(readfile('$1'), '$2'))"; }
# recount FILE [KEY...]: every figure named in records whose value is a
# number must equal the number of ids behind it, and every list figure the
# number of its items, except the keys given (sums, pairs). Prints the
# mismatches (empty when all re-count).
recount() {
  local f=$1
  shift
  local skip="''"
  for k in "$@"; do skip="$skip,'$k'"; done
  sqlite3 :memory: "
    with doc(d) as (select readfile('$f')),
    figs as (
      select r.key as k, json_array_length(r.value) as n,
             json_extract(doc.d, '\$.\"' || replace(r.key, '.', '\".\"') || '\"') as v,
             json_type(doc.d, '\$.\"' || replace(r.key, '.', '\".\"') || '\"') as t
      from doc, json_each(json_extract(doc.d, '\$.records')) r)
    select k || ': ' || n || ' ids for ' || coalesce(v, 'nothing') from figs
    where k not in ($skip) and not (
      (t = 'integer' and n = v) or (t = 'array' and n = json_array_length(v)))"
}
# refuses NAME ARGS...: the indicator must refuse its arguments: exit code 2
# (a usage error), a message naming what is wrong on stderr, and no
# sanitizer report (a crash exits non-zero too, and must not pass).
refuses() {
  local name=$1 rc
  shift
  bh indicator "$@" >/dev/null
  rc=$?
  if [[ $rc -ne 2 ]]; then fail "$name" "indicator $* exited $rc, not 2: $(head -c 300 "$WORK/stderr")"
  elif grep -qE 'Sanitizer|runtime error' "$WORK/stderr"; then fail "$name" "sanitizer report: $(head -c 300 "$WORK/stderr")"
  elif [[ ! -s "$WORK/stderr" ]]; then fail "$name" "no message on stderr"
  else ok "$name"; fi
}
# check_recount NAME FILE [KEY...]
check_recount() {
  local name=$1
  shift
  expect_eq "$name" "$(recount "$@")" ""
}

########################################################################
# Places and units shared by the serviceability and rotation cases.
#   region-a (area, sector centre) > town-b > camp-c (places inside places)
#   other-d (no sector, no parent)
# Units: u-top at camp-c, its sub-unit u-sub at other-d, whose sub-unit
# u-subsub is also at other-d (sub-units at any depth); u-other at town-b;
# u-far (transport) at other-d.
########################################################################
fresh_db --no-gazetteer || { fail force-init "init failed"; exit 0; }
S=$WORK/svc
mkdir -p "$S"
cat >"$S/places.csv" <<'EOF'
place_id,name,kind,admin1,latitude,longitude,sector,parent_place
region-a,Region A,area,Mopti,14.5,-4.0,centre,
town-b,Town B,town,Mopti,14.6,-4.1,,region-a
camp-c,Camp C,camp,Mopti,14.61,-4.11,,town-b
other-d,Other D,town,,16.2,-0.1,,
EOF
cat >"$S/units.csv" <<'EOF'
unit_id,name,component,unit_type,parent_unit,location
u-top,Top battalion,military,infantry_battalion,,camp-c
u-sub,Sub company,military,combat_convoy_company,u-top,other-d
u-subsub,Sub-sub platoon,military,other,u-sub,other-d
u-other,Other battalion,military,infantry_battalion,,town-b
u-far,Far transport,military,transport,,other-d
EOF
cat >"$S/equipment.csv" <<'EOF'
equipment_id,unit_id,category
e1,u-top,apc
e2,u-top,apc
e3,u-top,mpv
e4,u-sub,apc
e5,u-sub,truck
e6,u-subsub,apc
e7,u-subsub,mpv
e8,u-other,apc
e9,u-other,apc
e10,u-far,truck
e11,u-far,apc
e12,u-top,apc
EOF
# As of 2021-05-31 (each item's latest row on or before that day):
#   e1  serviceable since 2021-01-01                          -> serviceable
#   e2  damaged 2019 (explosive), repaired 2020-01-01         -> serviceable
#   e3  serviceable; damaged 2021-06-01, after the date       -> serviceable
#   e4  serviceable; mechanical ON 2021-05-31                 -> unserviceable, mechanical
#   e5  first row 2021-06-15 (none before the date)           -> not counted (no_status)
#   e6  damaged 2018, written off 2019-07-01                  -> not counted (written_off)
#   e7  explosive 2018-02-01, again explosive 2020-02-01      -> explosive, spell began 2018
#   e8  explosive 2020-06-01, repaired 2020-09-01, explosive 2021-02-01 -> explosive, 2021
#   e9  unserviceable 2021-03-01 without a cause              -> unserviceable, unspecified
#   e10 not fit for purpose 2019, serviceable ON 2021-05-31   -> serviceable
#   e11 explosive 2020-12-01                                  -> explosive, 2020
#   e12 explosive 2021-05-30, serviceable ON 2021-05-31       -> serviceable
# total 10 (e1-e4, e7-e12), serviceable 5 (e1 e2 e3 e10 e12), unserviceable 5
# (e4 e7 e8 e9 e11): explosive_incident 3, mechanical 1, unspecified 1;
# damaged_by_year 2018: 1 (e7), 2020: 1 (e11), 2021: 1 (e8).
cat >"$S/equipment_status.csv" <<'EOF'
equipment_id,date,status,cause
e1,2021-01-01,serviceable,
e2,2019-05-01,unserviceable,explosive_incident
e2,2020-01-01,serviceable,
e3,2021-01-01,serviceable,
e3,2021-06-01,unserviceable,explosive_incident
e4,2021-01-01,serviceable,
e4,2021-05-31,unserviceable,mechanical
e5,2021-06-15,serviceable,
e6,2018-03-01,unserviceable,explosive_incident
e6,2019-07-01,written_off,
e7,2018-02-01,unserviceable,explosive_incident
e7,2020-02-01,unserviceable,explosive_incident
e8,2020-01-01,serviceable,
e8,2020-06-01,unserviceable,explosive_incident
e8,2020-09-01,serviceable,
e8,2021-02-01,unserviceable,explosive_incident
e9,2021-03-01,unserviceable,
e10,2019-01-01,unserviceable,not_fit_for_purpose
e10,2021-05-31,serviceable,
e11,2020-12-01,unserviceable,explosive_incident
e12,2021-05-30,unserviceable,explosive_incident
e12,2021-05-31,serviceable,
EOF
if bh import "$S" >/dev/null; then ok svc-import; else fail svc-import "$(head -c 400 "$WORK/stderr")"; fi

if ind svc-fleet svc serviceability as_of=2021-05-31; then
  F=$WORK/svc.json
  expect_eq svc-fleet-as-of "$(jv "$F" '$.as_of')" 2021-05-31
  expect_eq svc-fleet-total "$(jv "$F" '$.total')" 10
  expect_eq svc-fleet-serviceable "$(jv "$F" '$.serviceable')" 5
  expect_eq svc-fleet-unserviceable "$(jv "$F" '$.unserviceable')" 5
  expect_eq svc-fleet-by-cause "$(jv "$F" '$.unserviceable_by_cause')" \
    '{"explosive_incident":3,"mechanical":1,"unspecified":1}'
  expect_eq svc-fleet-by-year "$(jv "$F" '$.damaged_by_year')" '{"2018":1,"2020":1,"2021":1}'
  expect_eq svc-fleet-written-off "$(jv "$F" '$.written_off')" 1
  expect_eq svc-fleet-no-status "$(jv "$F" '$.no_status')" 1
  expect_eq svc-records-total "$(jids "$F" total)" e1,e10,e11,e12,e2,e3,e4,e7,e8,e9
  expect_eq svc-records-serviceable "$(jids "$F" serviceable)" e1,e10,e12,e2,e3
  expect_eq svc-records-unserviceable "$(jids "$F" unserviceable)" e11,e4,e7,e8,e9
  expect_eq svc-records-explosive "$(jids "$F" unserviceable_by_cause.explosive_incident)" e11,e7,e8
  expect_eq svc-records-unspecified "$(jids "$F" unserviceable_by_cause.unspecified)" e9
  expect_eq svc-records-2018 "$(jids "$F" damaged_by_year.2018)" e7
  expect_eq svc-records-2021 "$(jids "$F" damaged_by_year.2021)" e8
  expect_eq svc-records-written-off "$(jids "$F" written_off)" e6
  expect_eq svc-records-no-status "$(jids "$F" no_status)" e5
  expect_eq svc-records-as-of-none "$(jv "$F" '$.records.as_of')" ""
  check_recount svc-fleet-recount "$F"
  expect_eq svc-recount-sqlite "$(sqlite3 :memory: "select json_array_length(json_extract(readfile('$F'), '\$.records.unserviceable'))")" 5
fi

# The day before: e4 is still serviceable (its row is dated the 31st), e12
# unserviceable since the 30th (explosive, 2021), e10 not yet repaired.
# total 10, unserviceable 6: explosive 4 (e7 e8 e11 e12), not_fit_for_purpose 1,
# unspecified 1; by year 2018: 1, 2020: 1, 2021: 2.
if ind svc-day-before svc serviceability as_of=2021-05-30; then
  F=$WORK/svc.json
  expect_eq svc-day-before-figures "$(jv "$F" '$.total'):$(jv "$F" '$.serviceable'):$(jv "$F" '$.unserviceable')" 10:4:6
  expect_eq svc-day-before-by-cause "$(jv "$F" '$.unserviceable_by_cause')" \
    '{"explosive_incident":4,"not_fit_for_purpose":1,"unspecified":1}'
  expect_eq svc-day-before-by-year "$(jv "$F" '$.damaged_by_year')" '{"2018":1,"2020":1,"2021":2}'
  check_recount svc-day-before-recount "$F"
fi
# End of 2018: only e6 and e7 have a row (both explosive, 2018); no_status 10.
if ind svc-2018 svc serviceability as_of=2018-12-31; then
  F=$WORK/svc.json
  expect_eq svc-2018-figures "$(jv "$F" '$.total'):$(jv "$F" '$.unserviceable'):$(jv "$F" '$.no_status')" 2:2:10
  expect_eq svc-2018-by-year "$(jv "$F" '$.damaged_by_year')" '{"2018":2}'
fi
# units=u-top: u-top, u-sub and u-subsub (any depth): e1 e2 e3 e12 (u-top),
# e4 e5 (u-sub), e6 e7 (u-subsub). Counted: e1 e2 e3 e12 e4 e7 = 6; unserviceable
# e4 (mechanical) and e7 (explosive, 2018).
if ind svc-units svc serviceability as_of=2021-05-31 units=u-top; then
  F=$WORK/svc.json
  expect_eq svc-units-subunits "$(jv "$F" '$.total'):$(jv "$F" '$.serviceable'):$(jv "$F" '$.unserviceable')" 6:4:2
  expect_eq svc-units-records "$(jids "$F" total)" e1,e12,e2,e3,e4,e7
  check_recount svc-units-recount "$F"
fi
# units=u-sub: e4 and e7 only; units=u-sub,u-far adds e10 (serviceable) and e11.
ind svc-units-sub svc serviceability as_of=2021-05-31 units=u-sub &&
  expect_eq svc-units-sub "$(jv "$WORK/svc.json" '$.total'):$(jv "$WORK/svc.json" '$.unserviceable')" 2:2
ind svc-units-two svc serviceability as_of=2021-05-31 units=u-sub,u-far &&
  expect_eq svc-units-two "$(jv "$WORK/svc.json" '$.total'):$(jv "$WORK/svc.json" '$.unserviceable')" 4:3
# units= with a filter on equipment: apc of u-top and its sub-units: e1 e2 e12 e4 (e6 written off).
ind svc-units-apc svc serviceability as_of=2021-05-31 units=u-top category=apc &&
  expect_eq svc-units-apc "$(jv "$WORK/svc.json" '$.total'):$(jv "$WORK/svc.json" '$.unserviceable')" 4:1
ind svc-category-list svc serviceability as_of=2021-05-31 category=apc,mpv &&
  expect_eq svc-category-list "$(jv "$WORK/svc.json" '$.total')" 9
# location=region-a: the holding unit's location is region-a or inside it:
# u-top (camp-c inside town-b inside region-a) and u-other (town-b); not
# u-sub, whose own location is other-d. e1 e2 e3 e12 e8 e9: 6, unserviceable e8 e9.
if ind svc-location svc serviceability as_of=2021-05-31 location=region-a; then
  F=$WORK/svc.json
  expect_eq svc-location-inside "$(jv "$F" '$.total'):$(jv "$F" '$.unserviceable')" 6:2
  expect_eq svc-location-records "$(jids "$F" unserviceable)" e8,e9
fi
ind svc-location-town svc serviceability as_of=2021-05-31 location=town-b &&
  expect_eq svc-location-town "$(jv "$WORK/svc.json" '$.total')" 6
ind svc-location-camp svc serviceability as_of=2021-05-31 location=camp-c &&
  expect_eq svc-location-camp "$(jv "$WORK/svc.json" '$.total'):$(jv "$WORK/svc.json" '$.unserviceable')" 4:0
ind svc-location-name svc serviceability as_of=2021-05-31 'location=Town B' &&
  expect_eq svc-location-by-name "$(jv "$WORK/svc.json" '$.total')" 6
# unit_type=infantry_battalion: u-top and u-other (their sub-units are other types): 6.
ind svc-unit-type svc serviceability as_of=2021-05-31 unit_type=infantry_battalion &&
  expect_eq svc-unit-type "$(jv "$WORK/svc.json" '$.total')" 6
ind svc-unit-type-transport svc serviceability as_of=2021-05-31 unit_type=transport &&
  expect_eq svc-unit-type-transport "$(jv "$WORK/svc.json" '$.total'):$(jv "$WORK/svc.json" '$.unserviceable')" 2:1
# as_of defaults to today: every row is in the past, e3 and e5 now have rows.
ind svc-today svc serviceability &&
  expect_eq svc-as-of-today "$(jv "$WORK/svc.json" '$.as_of'):$(jv "$WORK/svc.json" '$.total')" "$(date -u +%F):11"
# group_by=unit_type: the same figures per type of the holding unit (a
# sub-unit is its own unit), types in order: combat_convoy_company (e4:
# 1, mechanical), infantry_battalion (e1 e2 e3 e12 e8 e9: 6, unserviceable e8
# explosive 2021, e9 unspecified), other (e7: 1, explosive 2018), transport
# (e10 e11: 2, unserviceable e11 explosive 2020).
if ind svc-group-type svc serviceability as_of=2021-05-31 group_by=unit_type; then
  F=$WORK/svc.json
  expect_eq svc-group-count "$(jlen "$F" '$.groups')" 4
  expect_eq svc-group-infantry "$(jv "$F" '$.groups[1]')" \
    '{"unit_type":"infantry_battalion","total":6,"serviceable":4,"unserviceable":2,"unserviceable_by_cause":{"explosive_incident":1,"unspecified":1},"damaged_by_year":{"2021":1}}'
  expect_eq svc-group-types "$(sqlite3 :memory: "select group_concat(json_extract(value, '\$.unit_type') || ':' || json_extract(value, '\$.total'), ' ') from json_each(json_extract(readfile('$F'), '\$.groups'))")" \
    'combat_convoy_company:1 infantry_battalion:6 other:1 transport:2'
  expect_eq svc-group-whole-unchanged "$(jv "$F" '$.total'):$(jv "$F" '$.unserviceable')" 10:5
  expect_eq svc-group-records "$(jids "$F" groups)" "$(jids "$F" total)"
fi
refuses svc-bad-date serviceability as_of=2021-02-30
refuses svc-bad-unit serviceability units=no-such-unit
refuses svc-bad-location serviceability location=no-such-place
refuses svc-bad-unit-type serviceability unit_type=battleship
refuses svc-bad-category serviceability category=banana
refuses svc-bad-column serviceability colour=blue

# A unit without a location is a group of its own (location null, last):
# camp-c (u-top: 4, none unserviceable), other-d (u-sub, u-subsub, u-far: 4,
# unserviceable e4 e7 e11), town-b (u-other: 2, both), then u-noloc's e13.
mkdir -p "$WORK/svc2"
printf 'unit_id,name,component,unit_type\nu-noloc,No location,military,transport\n' >"$WORK/svc2/units.csv"
printf 'equipment_id,unit_id,category\ne13,u-noloc,apc\n' >"$WORK/svc2/equipment.csv"
printf 'equipment_id,date,status,cause\ne13,2021-04-01,unserviceable,accident\n' >"$WORK/svc2/equipment_status.csv"
bh import "$WORK/svc2" >/dev/null || fail svc2-import "$(head -c 300 "$WORK/stderr")"
if ind svc-group-location svc serviceability as_of=2021-05-31 group_by=location; then
  F=$WORK/svc.json
  expect_eq svc-group-locations "$(sqlite3 :memory: "select group_concat(coalesce(json_extract(value, '\$.location'), 'null') || ':' || json_extract(value, '\$.total') || '/' || json_extract(value, '\$.unserviceable'), ' ') from json_each(json_extract(readfile('$F'), '\$.groups'))")" \
    'camp-c:4/0 other-d:4/3 town-b:2/2 null:1/1'
fi
ind svc-group-two svc serviceability as_of=2021-05-31 group_by=unit_type,location category=apc &&
  expect_eq svc-group-two-columns "$(jv "$WORK/svc.json" '$.groups[0]')" \
    '{"unit_type":"combat_convoy_company","location":"other-d","total":1,"serviceable":0,"unserviceable":1,"unserviceable_by_cause":{"mechanical":1},"damaged_by_year":{}}'
refuses svc-bad-group-by serviceability group_by=colour

########################################################################
# Evaluations, from=2021-01-01 to=2021-05-31
#   v1 ib1 2021-01-01 unit_evaluation 645 satisfactory   (first day: in)
#   v2 ib2 2021-03-01 unit_evaluation 650 partially_satisfactory
#   v3 cc1 2021-05-31 unit_evaluation 525 satisfactory   (last day: in)
#   v4 ib1 2020-12-31 unit_evaluation 700 satisfactory   (before: out)
#   v5 ib2 2021-06-01 unit_evaluation 800 satisfactory   (after: out)
#   v6 fpu1 2021-02-01 police_paer (no strength) satisfactory
#   v7 cc1 2021-04-01 coe_inspection (no strength) satisfactory
# Findings: f1 v2 A coy intelligence needs_improvement; f2 v2 A coy logistics
# unsatisfactory; f3 v2 B coy training satisfactory (listed, not counted);
# f4 v4 logistics unsatisfactory (evaluation out of the period); f5 v6
# conduct_and_discipline needs_improvement; f6 v1 (no sub-unit) intelligence
# needs_improvement.
# kind=unit_evaluation: count 3, satisfactory 2, by_unit_type
# infantry_battalion 2 / combat_convoy_battalion 1, strengths [525,645,650],
# findings_by_area intelligence 2 (f1 f6), logistics 1 (f2); findings listed:
# f6 (v1), f1 f2 f3 (v2).
########################################################################
E=$WORK/eval
mkdir -p "$E"
cat >"$E/units.csv" <<'EOF'
unit_id,name,component,unit_type
ib1,Infantry 1,military,infantry_battalion
ib2,Infantry 2,military,infantry_battalion
cc1,Convoy 1,military,combat_convoy_battalion
fpu1,FPU 1,police,formed_police_unit
EOF
cat >"$E/evaluations.csv" <<'EOF'
evaluation_id,unit_id,date,kind,strength,result
v1,ib1,2021-01-01,unit_evaluation,645,satisfactory
v2,ib2,2021-03-01,unit_evaluation,650,partially_satisfactory
v3,cc1,2021-05-31,unit_evaluation,525,satisfactory
v4,ib1,2020-12-31,unit_evaluation,700,satisfactory
v5,ib2,2021-06-01,unit_evaluation,800,satisfactory
v6,fpu1,2021-02-01,police_paer,,satisfactory
v7,cc1,2021-04-01,coe_inspection,,satisfactory
EOF
cat >"$E/findings.csv" <<'EOF'
finding_id,evaluation_id,sub_unit,area,rating
f1,v2,A coy,intelligence,needs_improvement
f2,v2,A coy,logistics,unsatisfactory
f3,v2,B coy,training,satisfactory
f4,v4,,logistics,unsatisfactory
f5,v6,Team 2,conduct_and_discipline,needs_improvement
f6,v1,,intelligence,needs_improvement
EOF
if bh import "$E" >/dev/null; then ok eval-import; else fail eval-import "$(head -c 400 "$WORK/stderr")"; fi
if ind eval-units ev evaluations from=2021-01-01 to=2021-05-31 kind=unit_evaluation; then
  F=$WORK/ev.json
  expect_eq eval-count "$(jv "$F" '$.count')" 3
  expect_eq eval-satisfactory "$(jv "$F" '$.satisfactory')" 2
  expect_eq eval-by-unit-type "$(jv "$F" '$.by_unit_type')" '{"infantry_battalion":2,"combat_convoy_battalion":1}'
  expect_eq eval-strengths "$(jv "$F" '$.strengths')" '[525,645,650]'
  expect_eq eval-findings-by-area "$(jv "$F" '$.findings_by_area')" '{"intelligence":2,"logistics":1}'
  expect_eq eval-findings-count "$(jlen "$F" '$.findings')" 4
  expect_eq eval-findings-first "$(jv "$F" '$.findings[0]')" \
    '{"evaluation_id":"v1","unit_id":"ib1","sub_unit":null,"area":"intelligence","rating":"needs_improvement"}'
  expect_eq eval-findings-second "$(jv "$F" '$.findings[1]')" \
    '{"evaluation_id":"v2","unit_id":"ib2","sub_unit":"A coy","area":"intelligence","rating":"needs_improvement"}'
  expect_eq eval-records-count "$(jids "$F" count)" v1,v2,v3
  expect_eq eval-records-satisfactory "$(jids "$F" satisfactory)" v1,v3
  expect_eq eval-records-strengths "$(jids "$F" strengths)" v1,v2,v3
  expect_eq eval-records-area "$(jids "$F" findings_by_area.intelligence)" f1,f6
  expect_eq eval-records-findings "$(jids "$F" findings)" f1,f2,f3,f6
  expect_eq eval-records-from-none "$(jv "$F" '$.records.from')" ""
  check_recount eval-recount "$F"
fi
# Every kind: v1 v2 v3 v6 v7: count 5; strengths still [525,645,650];
# findings_by_area adds conduct_and_discipline (f5).
if ind eval-all ev evaluations from=2021-01-01 to=2021-05-31; then
  F=$WORK/ev.json
  expect_eq eval-all-count "$(jv "$F" '$.count'):$(jv "$F" '$.satisfactory')" 5:4
  expect_eq eval-all-strengths "$(jv "$F" '$.strengths')" '[525,645,650]'
  expect_eq eval-all-by-area "$(jv "$F" '$.findings_by_area')" \
    '{"intelligence":2,"logistics":1,"conduct_and_discipline":1}'
  expect_eq eval-all-by-kind "$(jv "$F" '$.by_kind')" '{"unit_evaluation":3,"police_paer":1,"coe_inspection":1}'
  check_recount eval-all-recount "$F"
fi
ind eval-paer ev evaluations from=2021-01-01 to=2021-05-31 kind=police_paer &&
  expect_eq eval-paer "$(jv "$WORK/ev.json" '$.count'):$(jv "$WORK/ev.json" '$.strengths')" '1:[]'
ind eval-unit-filter ev evaluations from=2021-01-01 to=2021-05-31 unit_id=ib1 &&
  expect_eq eval-unit-filter "$(jv "$WORK/ev.json" '$.count')" 1
ind eval-open ev evaluations kind=unit_evaluation &&
  expect_eq eval-unbounded "$(jv "$WORK/ev.json" '$.count'):$(jv "$WORK/ev.json" '$.strengths')" '5:[525,645,650,700,800]'
refuses eval-from-after-to evaluations from=2021-06-01 to=2021-01-01
refuses eval-bad-kind evaluations kind=inspection
refuses eval-bad-date evaluations from=2021-13-01

########################################################################
# Caveats as of 2021-05-31
#   k1 geographic reported 2021-01-01                              -> in, undeclared
#   k2 casevac no reported_on, declared 2021-02-01                 -> in, declared
#   k3 task reported 2021-01-01, lifted ON 2021-05-31              -> out (lifted)
#   k4 geographic reported 2021-06-01                              -> out (reported after)
#   k5 geographic reported ON 2021-05-31, lifted 2021-06-01, declared 2021-06-15 -> in, undeclared
#   k6 rotation reported 2020-01-01, lifted 2021-05-30             -> out
#   k7 rules_of_engagement reported 2020-05-01, declared ON 2021-05-31 -> in, declared
# total 4, declared 2 (k2 k7), undeclared 2 (k1 k5); by_kind geographic 2,
# casevac 1, rules_of_engagement 1.
# As of 2021-05-30: k1 k2 k3 k7 (k5 not yet reported, k6 lifted that day,
# k7 not yet declared): total 4, declared 1, undeclared 3.
########################################################################
C=$WORK/cav
mkdir -p "$C"
cat >"$C/caveats.csv" <<'EOF'
caveat_id,unit_id,kind,description,declared_on,reported_on,lifted_on
k1,ib1,geographic,Not to other locations in the sector,,2021-01-01,
k2,ib2,casevac,Within one hour of a hospital,2021-02-01,,
k3,ib1,task,No escorts,,2021-01-01,2021-05-31
k4,cc1,geographic,Gao only,,2021-06-01,
k5,cc1,geographic,No night moves,2021-06-15,2021-05-31,2021-06-01
k6,ib2,rotation,Flights via the capital,,2020-01-01,2021-05-30
k7,,rules_of_engagement,National rules of engagement,2021-05-31,2020-05-01,
EOF
if bh import "$C" >/dev/null; then ok cav-import; else fail cav-import "$(head -c 400 "$WORK/stderr")"; fi
if ind cav-as-of cav caveats as_of=2021-05-31; then
  F=$WORK/cav.json
  expect_eq cav-figures "$(jv "$F" '$.total'):$(jv "$F" '$.declared'):$(jv "$F" '$.undeclared')" 4:2:2
  expect_eq cav-by-kind "$(jv "$F" '$.by_kind')" '{"geographic":2,"casevac":1,"rules_of_engagement":1}'
  expect_eq cav-records-total "$(jids "$F" total)" k1,k2,k5,k7
  expect_eq cav-records-declared "$(jids "$F" declared)" k2,k7
  expect_eq cav-records-undeclared "$(jids "$F" undeclared)" k1,k5
  check_recount cav-recount "$F"
fi
ind cav-day-before cav caveats as_of=2021-05-30 &&
  expect_eq cav-day-before "$(jv "$WORK/cav.json" '$.total'):$(jv "$WORK/cav.json" '$.declared'):$(jv "$WORK/cav.json" '$.undeclared'):$(jids "$WORK/cav.json" total)" 4:1:3:k1,k2,k3,k7
ind cav-filter cav caveats as_of=2021-05-31 kind=geographic &&
  expect_eq cav-filter-kind "$(jv "$WORK/cav.json" '$.total')" 2
refuses cav-bad-date caveats as_of=yesterday
refuses cav-unknown-key caveats from=2021-01-01

########################################################################
# Rotation conflicts, from=2021-01-01 to=2021-06-30
# Sectors: a1 a2 centre; a3 has none but sits at p-camp inside p-town
# (centre); b1 b2 east; c1 c2 west; n1 north; z1 none at all.
#   r-a1  a1 planned 03-01..03-20
#   r-a2  a2 planned 02-01..02-20, actual 03-20..04-05 (late 47 days)
#   r-a3  a3 planned 04-05..04-10
#   r-b1  b1 05-01..05-10;  r-b2 b2 05-11..05-20 (adjacent: no overlap)
#   r-c1  c1 06-25..07-10;  r-c2 c2 07-01..07-15 (they share 07-01..07-10,
#         after the period: no overlap listed; r-c2 is not in the period)
#   r-n1a n1 01-10..01-20;  r-n1b n1 01-15..01-25 (same unit: not a pair)
#   r-z1  z1 03-01..03-31 (no sector: in no pair)
#   r-old a1 2020-11-01..2020-11-10 (before the period)
# Overlaps: r-a1/r-a2 on exactly one day (03-20), r-a2/r-a3 on exactly one
# day (04-05), both centre.
# High-tempo windows: w1 all sectors 05-10 (r-b1 ends that day; r-b2 starts
# the day after); w2 centre 04-06..04-30 (r-a3; r-a2 ended 04-05); w3 normal,
# all year (never); w4 east 03-01..03-31 (no east rotation then); w5 north
# 01-25..02-10 (r-n1b ends 01-25); w6 all sectors 03-15..03-16 (r-a1, and
# r-z1 though it has no sector). In order of rotation start: r-n1b/w5,
# r-a1/w6, r-z1/w6, r-a3/w2, r-b1/w1.
# Late: r-a2, 47 days (actual 03-20, planned 02-01). In the period: 9
# rotations (all but r-c2 and r-old).
########################################################################
R=$WORK/rot
mkdir -p "$R"
cat >"$R/places.csv" <<'EOF'
place_id,name,kind,latitude,longitude,sector,parent_place
p-town,P Town,town,14.5,-4.0,centre,
p-camp,P Camp,camp,14.51,-4.01,,p-town
EOF
cat >"$R/units.csv" <<'EOF'
unit_id,name,component,unit_type,sector,location
a1,A1,military,infantry_battalion,centre,
a2,A2,military,infantry_battalion,centre,
a3,A3,military,infantry_battalion,,p-camp
b1,B1,military,infantry_battalion,east,
b2,B2,military,infantry_battalion,east,
c1,C1,military,infantry_battalion,west,
c2,C2,military,infantry_battalion,west,
n1,N1,military,infantry_battalion,north,
z1,Z1,military,infantry_battalion,,
EOF
cat >"$R/rotations.csv" <<'EOF'
rotation_id,unit_id,planned_start,planned_end,actual_start,actual_end
r-a1,a1,2021-03-01,2021-03-20,,
r-a2,a2,2021-02-01,2021-02-20,2021-03-20,2021-04-05
r-a3,a3,2021-04-05,2021-04-10,,
r-b1,b1,2021-05-01,2021-05-10,,
r-b2,b2,2021-05-11,2021-05-20,,
r-c1,c1,2021-06-25,2021-07-10,,
r-c2,c2,2021-07-01,2021-07-15,,
r-n1a,n1,2021-01-10,2021-01-20,,
r-n1b,n1,2021-01-15,2021-01-25,,
r-z1,z1,2021-03-01,2021-03-31,,
r-old,a1,2020-11-01,2020-11-10,,
EOF
cat >"$R/windows.csv" <<'EOF'
window_id,name,start,end,tempo,sector
w1,One day everywhere,2021-05-10,2021-05-10,high,
w2,Centre push,2021-04-06,2021-04-30,high,centre
w3,The year,2021-01-01,2021-12-31,normal,
w4,East push,2021-03-01,2021-03-31,high,east
w5,North push,2021-01-25,2021-02-10,high,north
w6,Two days everywhere,2021-03-15,2021-03-16,high,
EOF
if bh import "$R" >/dev/null; then ok rot-import; else fail rot-import "$(head -c 400 "$WORK/stderr")"; fi
if ind rot-period rot rotation-conflicts from=2021-01-01 to=2021-06-30; then
  F=$WORK/rot.json
  expect_eq rot-overlaps-count "$(jlen "$F" '$.overlaps')" 2
  expect_eq rot-overlap-one-day "$(jv "$F" '$.overlaps[0]')" \
    '{"units":["a1","a2"],"rotations":["r-a1","r-a2"],"sector":"centre","from":"2021-03-20","to":"2021-03-20"}'
  expect_eq rot-overlap-sector-of-location "$(jv "$F" '$.overlaps[1]')" \
    '{"units":["a2","a3"],"rotations":["r-a2","r-a3"],"sector":"centre","from":"2021-04-05","to":"2021-04-05"}'
  expect_eq rot-high-tempo "$(sqlite3 :memory: "select group_concat(json_extract(value, '\$.rotation_id') || '/' || json_extract(value, '\$.window_id'), ' ') from json_each(json_extract(readfile('$F'), '\$.in_high_tempo'))")" \
    'r-n1b/w5 r-a1/w6 r-z1/w6 r-a3/w2 r-b1/w1'
  expect_eq rot-high-tempo-item "$(jv "$F" '$.in_high_tempo[0]')" '{"unit_id":"n1","rotation_id":"r-n1b","window_id":"w5"}'
  expect_eq rot-late "$(jv "$F" '$.late')" '[{"unit_id":"a2","rotation_id":"r-a2","delay_days":47}]'
  expect_eq rot-in-period "$(jv "$F" '$.rotations')" 9
  expect_eq rot-records-overlaps "$(jids "$F" overlaps)" r-a1,r-a2,r-a3
  expect_eq rot-records-high-tempo "$(jids "$F" in_high_tempo)" r-a1,r-a3,r-b1,r-n1b,r-z1
  expect_eq rot-records-late "$(jids "$F" late)" r-a2
  # overlaps list pairs: 2 pairs behind 3 rotations; the other figures re-count
  check_recount rot-recount "$F" overlaps
fi
# To the end of July: r-c1/r-c2 (west) share 07-01..07-10 -> a third overlap.
ind rot-july rot rotation-conflicts from=2021-01-01 to=2021-07-31 &&
  expect_eq rot-overlap-after "$(jv "$WORK/rot.json" '$.overlaps[2]')" \
    '{"units":["c1","c2"],"rotations":["r-c1","r-c2"],"sector":"west","from":"2021-07-01","to":"2021-07-10"}'
# From 04-06: r-a2 ended 04-05, so its one shared day with r-a3 is outside.
ind rot-late-start rot rotation-conflicts from=2021-04-06 to=2021-06-30 &&
  expect_eq rot-shared-day-outside "$(jlen "$WORK/rot.json" '$.overlaps')" 0
# Filters apply to rotations: only unit a1 and a2 -> the one pair.
ind rot-filter rot rotation-conflicts from=2021-01-01 to=2021-06-30 unit_id=a1,a2 &&
  expect_eq rot-filter-units "$(jlen "$WORK/rot.json" '$.overlaps')" 1
refuses rot-from-after-to rotation-conflicts from=2021-07-01 to=2021-01-01
refuses rot-bad-date rotation-conflicts to=2021-06-31

########################################################################
# Capability gaps and deployment (the current state)
# Capabilities: g1 uas centre 1 gap either; g2 helicopter_armed gap (no
# sector, quantity or source); p1 pledged; d1 deploying; x1 deployed.
# gaps [g1 g2], pledged [p1], deploying [d1].
# Units (u-*): u-adv advance_team 20/140 since 2020-03-01; u-dep deployed
# 645/850; u-nostat no status, no strengths.
########################################################################
G=$WORK/cap
mkdir -p "$G"
cat >"$G/capabilities.csv" <<'EOF'
capability_id,capability,sector,quantity,status,source
g1,uas,centre,1,gap,either
g2,helicopter_armed,,,gap,
p1,forward_surgical_team,centre,2,pledged,military
d1,medical,west,1,deploying,military
x1,engineering,east,1,deployed,military
EOF
cat >"$G/units.csv" <<'EOF'
unit_id,name,component,unit_type,authorized_strength,deployed_strength,status,status_since
u-adv,Second FPU,police,formed_police_unit,140,20,advance_team,2020-03-01
u-dep,Battalion,military,infantry_battalion,850,645,deployed,
u-nostat,Planned unit,military,engineering,,,,
EOF
if bh import "$G" >/dev/null; then ok cap-import; else fail cap-import "$(head -c 400 "$WORK/stderr")"; fi
if ind cap-gaps cap capability-gaps; then
  F=$WORK/cap.json
  expect_eq cap-gaps-list "$(jv "$F" '$.gaps')" \
    '[{"capability_id":"g1","capability":"uas","sector":"centre","quantity":1,"source":"either"},{"capability_id":"g2","capability":"helicopter_armed","sector":null,"quantity":null,"source":null}]'
  expect_eq cap-pledged "$(jv "$F" '$.pledged[0].capability_id'):$(jlen "$F" '$.pledged')" p1:1
  expect_eq cap-deploying "$(jv "$F" '$.deploying[0].capability_id'):$(jlen "$F" '$.deploying')" d1:1
  expect_eq cap-records "$(jids "$F" gaps)/$(jids "$F" pledged)/$(jids "$F" deploying)" g1,g2/p1/d1
  check_recount cap-recount "$F"
fi
ind cap-filter cap capability-gaps sector=centre &&
  expect_eq cap-filter-sector "$(jids "$WORK/cap.json" gaps):$(jlen "$WORK/cap.json" '$.deploying')" g1:0
refuses cap-bad-filter capability-gaps capability=submarine
if ind dep-all dep deployment unit_id=u-adv,u-dep,u-nostat; then
  F=$WORK/dep.json
  expect_eq dep-units "$(jlen "$F" '$.units')" 3
  expect_eq dep-unit-item "$(jv "$F" '$.units[1]')" \
    '{"unit_id":"u-dep","status":"deployed","deployed_strength":645,"authorized_strength":850,"since":null}'
  expect_eq dep-unit-empty "$(jv "$F" '$.units[2]')" \
    '{"unit_id":"u-nostat","status":null,"deployed_strength":null,"authorized_strength":null,"since":null}'
  expect_eq dep-advance-team "$(jv "$F" '$.advance_team')" '[{"unit_id":"u-adv","deployed_strength":20,"since":"2020-03-01"}]'
  expect_eq dep-records "$(jids "$F" advance_team)/$(jids "$F" units)" u-adv/u-adv,u-dep,u-nostat
  check_recount dep-recount "$F" deployed_strength_total authorized_strength_total
fi
ind dep-filter dep deployment component=military unit_id=u-adv,u-dep,u-nostat &&
  expect_eq dep-filter "$(jlen "$WORK/dep.json" '$.units'):$(jlen "$WORK/dep.json" '$.advance_team')" 2:0
refuses dep-bad-filter deployment status=sleeping

########################################################################
# `bluehelm list`
########################################################################
bh list units unit_id=u-adv,u-dep >"$WORK/list.out"
rc=$?
expect_eq list-exit "$rc" 0
expect_eq list-rows "$(wc -l <"$WORK/list.out")" 3
expect_grep list-header '^unit_id +name +unit_type ' "$WORK/list.out"
expect_grep list-row '^u-dep +Battalion +infantry_battalion ' "$WORK/list.out"
# numbers are right-aligned: the strength column ends where its header ends
hdr_end=$(head -1 "$WORK/list.out" | awk '{ print index($0, "deployed_strength") + length("deployed_strength") }')
val_end=$(grep '^u-dep' "$WORK/list.out" | awk -v e="$hdr_end" '{ print substr($0, e - 3, 3) }')
expect_eq list-numbers-right "$val_end" 645
bh list units unit_id=u-adv,u-dep --json >"$WORK/list.json"
expect_eq list-json-count "$(jlen "$WORK/list.json" '$')" 2
expect_eq list-json-record "$(jv "$WORK/list.json" '$[1].deployed_strength'):$(jv "$WORK/list.json" '$[1].component')" 645:military
bh list rotations --columns rotation_id,actual_start >"$WORK/list.out"
expect_eq list-columns "$(head -1 "$WORK/list.out")" "rotation_id  actual_start"
expect_eq list-limit "$(bh list rotations --limit 2 | wc -l)" 3
# long text is cut with an ellipsis, to 40 characters
printf 'caveat_id,kind,description\nk-long,other,%s\n' "$(printf 'word %.0s' {1..30})" >"$WORK/long.csv"
bh import "$WORK/long.csv" --kind caveats >/dev/null
bh list caveats caveat_id=k-long --columns caveat_id,description >"$WORK/list.out"
cell=$(tail -1 "$WORK/list.out" | sed 's/^k-long *//')
expect_eq list-truncated "$(printf '%s' "$cell" | wc -m):${cell: -1}" "40:…"
bh list nosuchkind >/dev/null
if [[ $? -ne 0 && -s "$WORK/stderr" ]]; then ok list-unknown-kind; else fail list-unknown-kind "exit 0 or no message"; fi
bh list units colour=blue >/dev/null
if [[ $? -ne 0 ]]; then ok list-bad-filter; else fail list-bad-filter "exit 0"; fi
bh list units --columns unit_id,colour >/dev/null
if [[ $? -ne 0 ]]; then ok list-bad-column; else fail list-bad-column "exit 0"; fi

########################################################################
# Kind-level bad input (issue 3): each refused with FILE:LINE: COLUMN: reason,
# a non-zero exit, and nothing stored.
########################################################################
bad_case() { # NAME FILE LINE COLUMN DIR
  local name=$1 file=$2 line=$3 col=$4 dir=$5 before
  before=$(db_digest)
  if bh import "$dir" >/dev/null; then fail "$name-exit" "import exited 0"; else ok "$name-exit"; fi
  if grep -qE "^${file//./\\.}:($line): ($col): [^ ]" "$WORK/stderr"; then ok "$name-message"
  else fail "$name-message" "want $file:$line: $col: ..., got $(head -c 300 "$WORK/stderr")"; fi
  expect_eq "$name-nothing-stored" "$(db_digest)" "$before"
}
B=$WORK/bad
mkdir -p "$B"/{status,rot,eval,cycle,strength,caveat}
printf 'equipment_id,date,status\ne1,2021-07-01,serviceable\nno-such-item,2021-07-01,serviceable\n' >"$B/status/equipment_status.csv"
bad_case bad-status-unknown-item equipment_status.csv 3 equipment_id "$B/status"
printf 'rotation_id,unit_id,planned_start,planned_end,actual_start,actual_end\nr-x,a1,2021-08-01,2021-08-20,2021-08-10,2021-08-09\n' >"$B/rot/rotations.csv"
bad_case bad-rotation-actual-end-before-start rotations.csv 2 "actual_end|actual_start" "$B/rot"
printf 'rotation_id,unit_id,planned_start,planned_end\nr-y,a1,2021-08-20,2021-08-01\n' >"$B/rot/rotations.csv"
bad_case bad-rotation-planned-end-before-start rotations.csv 2 "planned_end|planned_start" "$B/rot"
printf 'evaluation_id,unit_id,date,kind,result\nv-x,no-such-unit,2021-03-01,unit_evaluation,satisfactory\n' >"$B/eval/evaluations.csv"
bad_case bad-evaluation-unknown-unit evaluations.csv 2 unit_id "$B/eval"
# A -> B -> A, where A is already stored without a parent
printf 'unit_id,name,component,unit_type,parent_unit\ncy-a,Cycle A,military,other,\n' >"$WORK/cy.csv"
bh import "$WORK/cy.csv" --kind units >/dev/null
printf 'unit_id,name,component,unit_type,parent_unit\ncy-b,Cycle B,military,other,cy-a\ncy-a,Cycle A,military,other,cy-b\n' >"$B/cycle/units.csv"
bad_case bad-parent-unit-cycle units.csv "2|3" parent_unit "$B/cycle"
printf 'unit_id,name,component,unit_type,authorized_strength,deployed_strength\nneg,Negative,military,other,100,-1\n' >"$B/strength/units.csv"
bad_case bad-strength-below-zero units.csv 2 deployed_strength "$B/strength"
printf 'evaluation_id,unit_id,date,kind,strength,result\nv-neg,a1,2021-03-01,unit_evaluation,-5,satisfactory\n' >"$B/strength/evaluations.csv"
rm "$B/strength/units.csv"
bad_case bad-evaluation-strength-below-zero evaluations.csv 2 strength "$B/strength"
printf 'caveat_id,kind,description,reported_on,lifted_on\nk-x,task,Lifted early,2021-03-01,2021-02-28\n' >"$B/caveat/caveats.csv"
bad_case bad-caveat-lifted-before-reported caveats.csv 2 "lifted_on|reported_on" "$B/caveat"

########################################################################
# The letter's figures on data/demo, imported into a fresh database.
########################################################################
fresh_db || { fail letter-init "init failed"; exit 0; }
if ! bh import "$DEMO" >/dev/null; then fail letter-import "$(head -c 400 "$WORK/stderr")"; exit 0; fi
ok letter-import
units=$(db_sql "select unit_id from units where unit_type = 'combat_convoy_company' and parent_unit is null and location = 'camp-gao' order by unit_id" | paste -sd,)
expect_eq letter-two-gao-companies "$(tr ',' '\n' <<<"$units" | wc -l)" 2
if ind letter-serviceability L serviceability as_of=2021-05-31 "units=$units" category=apc,mpv; then
  F=$WORK/L.json
  expect_eq letter-apc-mpv-total "$(jv "$F" '$.total')" 40
  expect_eq letter-unserviceable "$(jv "$F" '$.unserviceable')" 22
  expect_eq letter-explosive "$(jv "$F" '$.unserviceable_by_cause.explosive_incident')" 16
  expect_eq letter-damaged-2021 "$(jv "$F" '$.damaged_by_year."2021"')" 2
  expect_eq letter-damaged-2018-2020 "$(jv "$F" '$.damaged_by_year."2018"'):$(jv "$F" '$.damaged_by_year."2019"'):$(jv "$F" '$.damaged_by_year."2020"')" 5:4:5
  expect_eq letter-other-causes "$(jv "$F" '$.unserviceable_by_cause.mechanical'):$(jv "$F" '$.unserviceable_by_cause.not_fit_for_purpose')" 4:2
  check_recount letter-serviceability-recount "$F"
fi
if ind letter-evaluations L evaluations from=2021-01-01 to=2021-05-31 kind=unit_evaluation; then
  F=$WORK/L.json
  expect_eq letter-evaluated "$(jv "$F" '$.count'):$(jv "$F" '$.satisfactory')" 4:4
  expect_eq letter-strengths "$(jv "$F" '$.strengths')" '[525,645,650,849]'
  expect_eq letter-by-unit-type "$(jv "$F" '$.by_unit_type.infantry_battalion'):$(jv "$F" '$.by_unit_type.combat_convoy_battalion')" 3:1
  expect_eq letter-findings-areas "$(sqlite3 :memory: "select group_concat(key, ',') from json_each(json_extract(readfile('$F'), '\$.findings_by_area'))")" \
    intelligence,logistics,execution_of_duties,protection_of_civilians
  expect_eq letter-one-sub-unit "$(sqlite3 :memory: "select count(distinct json_extract(value, '\$.evaluation_id') || '/' || json_extract(value, '\$.sub_unit')) from json_each(json_extract(readfile('$F'), '\$.findings')) where json_extract(value, '\$.rating') <> 'satisfactory'")" 1
  check_recount letter-evaluations-recount "$F"
fi
ind letter-paers L evaluations from=2021-01-01 to=2021-05-31 kind=police_paer &&
  expect_eq letter-paers "$(jv "$WORK/L.json" '$.count')" 20
ind letter-coe L evaluations from=2021-01-01 to=2021-05-31 kind=coe_inspection &&
  expect_eq letter-coe-inspections "$(jv "$WORK/L.json" '$.count')" 20
if ind letter-caveats L caveats as_of=2021-05-31; then
  F=$WORK/L.json
  expect_eq letter-no-declared-caveats "$(jv "$F" '$.declared')" 0
  expect_eq letter-undeclared-caveats "$(( $(jv "$F" '$.undeclared') > 0 ))" 1
  expect_eq letter-geographic-caveat "$(( $(jv "$F" '$.by_kind.geographic') > 0 ))" 1
  expect_eq letter-police-no-caveats "$(db_sql "select count(*) from caveats c join units u using (unit_id) where u.component = 'police'")" 0
fi
if ind letter-deployment L deployment; then
  F=$WORK/L.json
  expect_eq letter-advance-team "$(sqlite3 :memory: "select json_extract(value, '\$.deployed_strength') || ':' || json_extract(value, '\$.since') from json_each(json_extract(readfile('$F'), '\$.advance_team')) where json_extract(value, '\$.unit_id') = 'fpu-mopti-2'")" 20:2020-03-01
fi
if ind letter-rotations L rotation-conflicts from=2021-01-01 to=2021-05-31; then
  F=$WORK/L.json
  # the units' types from the database, the overlapping pairs from the JSON
  { echo unit_id,unit_type; db_sql "select unit_id, unit_type from units" | tr '|' ','; } >"$WORK/unit_types.csv"
  n=$(sqlite3 :memory: ".import --csv '$WORK/unit_types.csv' u" "select count(*) from json_each(json_extract(readfile('$F'), '\$.overlaps')) o join u a on a.unit_id = json_extract(o.value, '\$.units[0]') join u b on b.unit_id = json_extract(o.value, '\$.units[1]') where a.unit_type like '%battalion' and b.unit_type like '%battalion'" 2>&1)
  expect_eq letter-two-battalions-rotating "$(( n >= 1 ))" 1
  expect_eq letter-rotation-in-high-tempo "$(( $(jlen "$F" '$.in_high_tempo') >= 1 ))" 1
  expect_eq letter-late-rotation "$(( $(jlen "$F" '$.late') >= 1 ))" 1
fi
if ind letter-capabilities L capability-gaps status=gap; then
  got=$(sqlite3 :memory: "select group_concat(distinct c) from (select json_extract(value, '\$.capability') c from json_each(json_extract(readfile('$WORK/L.json'), '\$.gaps')) order by c)")
  expect_eq letter-capability-gaps "$got" forward_surgical_team,helicopter_armed,helicopter_medium_utility,isr_fixed_wing,quick_reaction_force,uas
fi
expect_eq letter-mopti-camps "$(bh count infrastructure place=camp-mopti area_ha=16):$(bh count infrastructure place=camp-mopti area_ha=11)" 1:1
# Every kind lists (the column table names real columns).
for k in $(sqlite3 :memory: "select 'places sector_areas units operations events equipment equipment_status evaluations findings caveats rotations windows activities restrictions convoy_notifications convoy_sightings capabilities infrastructure benchmarks programmes meetings unit_changes casevac'"); do
  if bh list "$k" --limit 3 >/dev/null; then ok "list-kind-$k"; else fail "list-kind-$k" "$(head -c 200 "$WORK/stderr")"; fi
done
exit 0
