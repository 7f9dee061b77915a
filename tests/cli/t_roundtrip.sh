#!/usr/bin/env bash
# t_roundtrip.sh: exports import back unchanged (per kind and --all), JSON and
# GeoJSON exports are valid, and the filter contract of `count`.
source "$(dirname "$0")/lib.sh"
DEMO=$ROOT/data/demo
EV=$SHARED/events
HAVE=0
[[ -d "$SHARED/events" ]] && HAVE=1

# new_db: a new database with the gazetteer (a copy of one made by init, as
# init under ASan takes seconds).
new_db() {
  if ! db_exists "$(db_target init)"; then
    fresh_db && db_clone "$BLUEHELM_DB" "$(db_target init)"
  else
    db_clone "$(db_target init)" "$BLUEHELM_DB"
  fi
}
# jq1 FILE EXPR: one SQL expression over the JSON document in FILE (as j).
jq1() { sqlite3 :memory: "select $2 from (select readfile('$1') j)" 2>&1; }

# A few records of our own on top of the demo: a place two levels inside
# Ansongo (inside ansongo-qh), events without admin1, a comma inside a value,
# and text that is hard to write back (newlines, quotes, non-ASCII).
mkdir -p "$WORK/extra"
cat >"$WORK/extra/places.csv" <<'EOF'
place_id,name,alt_names,kind,admin1,admin2,latitude,longitude,sector,parent_place
rt-qh-market,Marché du quartier,Marche QH,area,Gao,Ansongo,15.6640,0.5070,east,ansongo-qh
EOF
cat >"$WORK/extra/events.csv" <<'EOF'
event_id_cnty,event_date,event_type,sub_event_type,actor1,latitude,longitude,place_id,notes,fatalities
rt-0001,2021-03-03,Violence against civilians,Attack,"Smith, John",15.6640,0.5070,rt-qh-market,"Line one
line ""two"", with a comma; é ü 🇲🇱 — “curly”",1
rt-0002,2021-03-04,Protests,Peaceful protest,Smith,15.6640,0.5070,,"",0
rt-0003,2021-03-05,Protests,Peaceful protest,Protesters (Mali),14.5000,-0.0000,,"",0
EOF

# --- the source database
new_db
bh import "$DEMO" >/dev/null || fail setup-demo "$(head -c 300 "$WORK/stderr")"
bh import "$WORK/extra" >/dev/null || fail setup-extra "$(head -c 300 "$WORK/stderr")"
if [[ $HAVE == 1 ]]; then
  bh import "$EV/acled_mali_1997-2020_dyadic.csv" --format acled >/dev/null || fail setup-acled "$(head -c 300 "$WORK/stderr")"
  bh import "$EV/ucdp_ged_mali_sample.csv" --format ucdp >/dev/null || fail setup-ucdp "$(head -c 300 "$WORK/stderr")"
else
  need_shared roundtrip-with-real-data
fi
SRC=$(db_target source)
db_clone "$BLUEHELM_DB" "$SRC"
src() { bh --db "$SRC" "$@"; }

# --- per kind: export, import into a new database, export again, compare
# deps KIND: the demo files a KIND's references need, as a folder.
for kind in events units places; do
  src export "$kind" --raw -o "$WORK/a-$kind.csv"
  rc=$?
  if [[ $rc -ne 0 ]]; then fail "roundtrip-$kind" "export exited $rc: $(head -c 300 "$WORK/stderr")"; continue; fi
  src export "$kind" --raw >"$WORK/stdout-$kind.csv"
  check "export-o-equals-stdout-$kind" cmp -s "$WORK/a-$kind.csv" "$WORK/stdout-$kind.csv"
  new_db
  mkdir -p "$WORK/deps-$kind"
  case $kind in
    events) cp "$DEMO"/{places,sector_areas,units,operations}.csv "$WORK/deps-$kind/" ;;
    units) cp "$DEMO"/places.csv "$WORK/deps-$kind/" ;;
  esac
  if [[ $kind != places ]]; then
    bh import "$WORK/deps-$kind" >/dev/null && bh import "$WORK/extra/places.csv" >/dev/null ||
      fail "roundtrip-$kind-deps" "$(head -c 300 "$WORK/stderr")"
  fi
  bh import "$WORK/a-$kind.csv" --kind "$kind" >/dev/null
  rc=$?
  if [[ $rc -ne 0 ]]; then
    fail "roundtrip-$kind-import" "import of the export exited $rc: $(head -c 400 "$WORK/stderr")"
  else ok "roundtrip-$kind-import"; fi
  bh export "$kind" --raw >"$WORK/b-$kind.csv"
  if cmp -s "$WORK/a-$kind.csv" "$WORK/b-$kind.csv"; then ok "roundtrip-$kind"
  else fail "roundtrip-$kind" "exports differ: $(diff "$WORK/a-$kind.csv" "$WORK/b-$kind.csv" | head -c 400)"; fi
  expect_eq "roundtrip-$kind-count" "$(bh count "$kind")" "$(src count "$kind")"
done

# --- export --all, import into a new database, export --all again
src export --all "$WORK/dir1" >/dev/null
rc=$?
expect_eq export-all-exit "$rc" 0
for k in places units events operations activities; do
  [[ -s "$WORK/dir1/$k.csv" ]] || fail "export-all-has-$k" "no $k.csv in the folder"
done
new_db
bh import "$WORK/dir1" >/dev/null
rc=$?
if [[ $rc -eq 0 ]]; then ok export-all-imports; else fail export-all-imports "exit $rc: $(head -c 400 "$WORK/stderr")"; fi
bh export --all "$WORK/dir2" >/dev/null
if diff -r "$WORK/dir1" "$WORK/dir2" >"$WORK/diff.out"; then ok export-all-roundtrip
else fail export-all-roundtrip "$(head -c 400 "$WORK/diff.out")"; fi
for k in events units places operations activities convoy_sightings; do
  expect_eq "export-all-count-$k" "$(bh count "$k")" "$(src count "$k")"
done
# the source database takes its own export back as all unchanged
REIMPORT=$(db_target reimport)
db_clone "$SRC" "$REIMPORT"
bh --db "$REIMPORT" import "$WORK/dir1" >"$WORK/stdout"
expect_eq export-all-reimport-unchanged "$(grep -vE '^[a-z_]+: 0 inserted, 0 updated, [0-9]+ unchanged$' "$WORK/stdout")" ""
expect_eq export-all-reimport-digest "$(BLUEHELM_DB=$REIMPORT db_digest)" "$(BLUEHELM_DB=$SRC db_digest)"

# --- JSON and GeoJSON
for kind in events units places; do
  src export "$kind" --format json -o "$WORK/$kind.json"
  expect_eq "json-valid-$kind" "$(jq1 "$WORK/$kind.json" 'json_valid(j)')" 1
  expect_eq "json-records-$kind" "$(jq1 "$WORK/$kind.json" 'json_array_length(j)')" "$(src count "$kind")"
done
src export events --format geojson -o "$WORK/events.geojson"
expect_eq geojson-valid "$(jq1 "$WORK/events.geojson" 'json_valid(j)')" 1
expect_eq geojson-type "$(jq1 "$WORK/events.geojson" "json_extract(j, '\$.type')")" FeatureCollection
expect_eq geojson-features "$(jq1 "$WORK/events.geojson" "json_array_length(j, '\$.features')")" "$(src count events)"
expect_eq geojson-lon-lat "$(sqlite3 :memory: "select json_extract(value, '\$.geometry.type') || ' ' || json_extract(value, '\$.geometry.coordinates')
  from json_each(readfile('$WORK/events.geojson'), '\$.features') where json_extract(value, '\$.properties.event_id_cnty') = 'demo-0001'")" \
  "Point [0.5063,15.6631]"
src export events admin1=Gao --format geojson -o "$WORK/gao.geojson"
expect_eq geojson-filtered "$(jq1 "$WORK/gao.geojson" "json_array_length(j, '\$.features')")" "$(src count events admin1=Gao)"
expect_eq json-text-kept "$(jq1 "$WORK/events.json" "(select json_extract(value, '\$.notes') from json_each(j) where json_extract(value, '\$.event_id_cnty') = 'rt-0001')")" \
  "$(printf 'Line one\nline "two", with a comma; é ü 🇲🇱 — “curly”')"

# A longitude of -0.0000 is stored as 0: SQLite keeps no negative zero, and
# an export must read the same from either backend (PostgreSQL wrote -0).
expect_eq negative-zero-exported-as-zero "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
  $1 == "rt-0003" { print $c["latitude"] "," $c["longitude"] }' "$WORK/a-events.csv")" "14.5,0"

# --- filters (on the source database)
# counts from the JSON export, independent of the filter code
jcount() { sqlite3 :memory: "select count(*) from json_each(readfile('$WORK/events.json')) where $1"; }
total=$(src count events)
expect_eq filter-count-total "$total" "$(jcount 1)"
b=$(src count events event_type=Battles)
r=$(src count events event_type=Riots)
expect_eq filter-any-of "$(src count events event_type=Battles,Riots)" $((b + r))
expect_eq filter-none-of "$(src count events 'event_type!=Battles,Riots')" $((total - b - r))
expect_eq filter-battles-json "$b" "$(jcount "json_extract(value, '\$.event_type') = 'Battles'")"
expect_eq filter-empty-admin1 "$(src count events admin1=)" "$(jcount "json_extract(value, '\$.admin1') is null")"
if [[ $(src count events admin1=) -ge 2 ]]; then ok filter-empty-admin1-nonzero; else fail filter-empty-admin1-nonzero "rt-0001/rt-0002 have no admin1"; fi
expect_eq filter-not-empty-admin1 "$(src count events 'admin1!=')" "$(jcount "json_extract(value, '\$.admin1') is not null")"
expect_eq filter-escaped-comma "$(src count events 'actor1=Smith\, John')" 1
expect_eq filter-escaped-comma-list "$(src count events 'actor1=Smith\, John,Smith')" 2
expect_eq filter-numeric "$(src count events 'fatalities>5')" "$(jcount "json_extract(value, '\$.fatalities') > 5")"
expect_eq filter-numeric-not-text "$(src count events 'fatalities>=10' 'fatalities<=9')" 0
expect_eq filter-dates-split "$(( $(src count events 'event_date<2021-01-01') + $(src count events 'event_date>=2021-01-01') ))" "$total"
expect_eq filter-dates-json "$(src count events 'event_date>=2021-01-01' 'event_date<=2021-05-31')" \
  "$(jcount "json_extract(value, '\$.event_date') between '2021-01-01' and '2021-05-31'")"
site_want=$(sqlite3 :memory: ".import --csv '$DEMO/events.csv' e" "select count(*) from e where site = 'quartier hydraulique'")
expect_eq filter-value-with-space "$(src count events 'site=quartier hydraulique')" "$site_want"
expect_eq filter-value-with-space-type "$(src count events 'event_type=Violence against civilians' 'site=quartier hydraulique')" \
  "$(sqlite3 :memory: ".import --csv '$DEMO/events.csv' e" "select count(*) from e where site = 'quartier hydraulique' and event_type = 'Violence against civilians'")"

# errors, not empty results
src count events colour=red >/dev/null
rc=$?
if [[ $rc -ne 0 ]]; then ok filter-unknown-column-fails; else fail filter-unknown-column-fails "exit 0"; fi
expect_grep filter-unknown-column-named colour "$WORK/stderr"
src count events weapon=banana >/dev/null
rc=$?
if [[ $rc -ne 0 ]]; then ok filter-bad-vocabulary-fails; else fail filter-bad-vocabulary-fails "exit 0"; fi
expect_grep filter-bad-vocabulary-named banana "$WORK/stderr"
for bad in 'event_date>=2021-13-45' 'fatalities>abc' 'near=Gao' 'near=Nowhere-Such-Town-Xyz:10' 'explosive=maybe' 'poc=perhaps'; do
  src count events "$bad" >/dev/null
  rc=$?
  name="filter-malformed-${bad//[^A-Za-z0-9]/_}"
  if [[ $rc -ne 0 && -s "$WORK/stderr" ]]; then ok "$name"; else fail "$name" "count events '$bad' exited $rc"; fi
done
src export events colour=red >/dev/null
if [[ $? -ne 0 ]]; then ok export-filter-unknown-column-fails; else fail export-filter-unknown-column-fails "exit 0"; fi

# place columns also match the places inside a place (transitively)
DEMO_SQL=(sqlite3 :memory: ".import --csv '$DEMO/places.csv' p" ".import --csv '$WORK/extra/places.csv' p2"
  ".import --csv '$DEMO/events.csv' e" ".import --csv '$WORK/extra/events.csv' e2"
  ".import --csv '$DEMO/units.csv' u" ".import --csv '$DEMO/activities.csv' a")
# inside ROOT: with recursive of the places within ROOT (ROOT included)
inside() {
  echo "with recursive pl(id, parent) as (select place_id, parent_place from p union all select place_id, parent_place from p2),
        ins(id) as (select '$1' union select pl.id from pl join ins on pl.parent = ins.id)"
}
for root in gn-2461003 ansongo-qh road-gao-labezanga; do
  want=$("${DEMO_SQL[@]}" "$(inside "$root") select count(*) from (select place_id from e union all select place_id from e2) where place_id in (select id from ins)")
  expect_eq "filter-place-inside-$root" "$(src count events "place_id=$root")" "$want"
done
# rt-0001 is in rt-qh-market, which is in ansongo-qh, which is in gn-2461003
expect_eq filter-place-two-levels "$(src count events place_id=gn-2461003 event_id_cnty=rt-0001)" 1
expect_eq filter-place-by-name "$(src count events place_id=Ansongo)" "$(src count events place_id=gn-2461003)"
expect_eq filter-place-units-location "$(src count units location=gn-2461003)" \
  "$("${DEMO_SQL[@]}" "$(inside gn-2461003) select count(*) from u where location in (select id from ins)")"
expect_eq filter-place-activities-list "$(src count activities places=gn-2461003)" \
  "$("${DEMO_SQL[@]}" "$(inside gn-2461003) select count(*) from a where exists (select 1 from ins where instr(';' || a.places || ';', ';' || ins.id || ';'))")"
expect_eq filter-place-not "$(src count events 'place_id!=gn-2461003')" \
  "$((total - $(src count events place_id=gn-2461003)))"

# --- an export imported back keeps defaults as defaults: an event exported
# with its default poc (no, as a Protest) and imported back must still take
# poc=yes by default when a later re-download makes it Violence against civilians
DEF=$(db_target defaults)
db_remove "$DEF" --empty
"$BLUEHELM" --db "$DEF" init --no-gazetteer >/dev/null 2>&1
mkdir -p "$WORK/def"
printf 'event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude\nt-def-1,2021-03-04,Protests,Peaceful protest,15.66,0.50\n' >"$WORK/def/events.csv"
bh --db "$DEF" import "$WORK/def" >/dev/null
bh --db "$DEF" export events -o "$WORK/def-export.csv"
bh --db "$DEF" import "$WORK/def-export.csv" --kind events >/dev/null
printf 'event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude\nt-def-1,2021-03-04,Violence against civilians,Attack,15.66,0.50\n' >"$WORK/def/events.csv"
bh --db "$DEF" import "$WORK/def" >/dev/null
expect_eq export-reimport-keeps-poc-default "$(bh --db "$DEF" count events poc=yes)" 1
exit 0
