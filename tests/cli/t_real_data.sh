#!/usr/bin/env bash
# t_real_data.sh: the real ACLED and UCDP files of ../shared/data, imported
# and counted by bluehelm, against figures computed independently from the
# same files with the sqlite3 shell (.import --csv) and awk.
# Every check skips when ../shared/data is absent (fails under CI=true).
source "$(dirname "$0")/lib.sh"
EV=$SHARED/events
DYADIC=$EV/acled_mali_1997-2020_dyadic.csv
MONADIC=$EV/acled_mali_2017-2020_monadic.csv
WORLD=$EV/acled_world_2020-05_sample.csv
BURKINA=$EV/acled_burkinafaso_2019-2022_reduced.csv
UCDP=$EV/ucdp_ged_mali_sample.csv
HAVE=0
[[ -d "$SHARED/events" ]] && HAVE=1

# sql QUERY...: runs queries on a database holding the raw files, as read by
# the sqlite3 shell, as tables d (dyadic), m (monadic), w (world), u (UCDP).
[[ $HAVE == 1 ]] && sqlite3 "$WORK/raw.db" ".import --csv '$DYADIC' d" ".import --csv '$MONADIC' m" \
  ".import --csv '$WORLD' w" ".import --csv '$UCDP' u"
sql() { sqlite3 "$WORK/raw.db" "$@"; }
# place_coords NAME: "LAT LON" of the place `places NAME` lists first.
place_coords() { bh places "$1" | awk '$1 != "place_id" && NF { print $(NF - 2), $(NF - 1); exit }'; }
# near_count LAT LON KM FILE: events of an exported CSV within KM km (haversine).
near_count() {
  csv_select "$4" latitude longitude | awk -F'\t' -v la="$1" -v lo="$2" -v km="$3" '
    BEGIN { R = 6371.0088; r = atan2(0, -1) / 180 }
    $1 != "" && $2 != "" {
      dphi = ($1 - la) * r; dl = ($2 - lo) * r
      a = sin(dphi / 2) ^ 2 + cos(la * r) * cos($1 * r) * sin(dl / 2) ^ 2
      d = 2 * R * atan2(sqrt(a), sqrt(1 - a))
      if (d <= km) n++
    }
    END { print n + 0 }'
}
# sum_col FILE COL: sum of a numeric column of a CSV file.
sum_col() { csv_select "$1" "$2" | awk '{ s += $1 } END { print s + 0 }'; }

# new_db: a new database with the gazetteer (a copy of one made by init, as
# init under ASan takes seconds).
new_db() {
  if ! db_exists "$(db_target init)"; then
    fresh_db && db_clone "$BLUEHELM_DB" "$(db_target init)"
  else
    db_clone "$(db_target init)" "$BLUEHELM_DB"
  fi
}

# ---------------------------------------------------------------- dyadic ACLED
if [[ $HAVE == 1 ]]; then
  new_db
  bh import "$DYADIC" --format acled >"$WORK/stdout"
  dyadic_rc=$?
  bh export events --format csv >"$WORK/dyadic.csv"
fi
need_shared acled-dyadic-exit && expect_eq acled-dyadic-exit "$dyadic_rc" 0
need_shared acled-dyadic-count &&
  expect_eq acled-dyadic-count "$(bh count events)" "$(sql 'select count(distinct event_id_cnty) from d')"
for y in 1997 2012 2019 2020; do
  need_shared "acled-dyadic-year-$y" &&
    expect_eq "acled-dyadic-year-$y" "$(bh count events "event_date>=$y-01-01" "event_date<=$y-12-31")" \
      "$(sql "select count(*) from d where year = '$y'")"
done
need_shared acled-dyadic-year-range &&
  expect_eq acled-dyadic-year-range "$(bh count events "event_date>2012-12-31" "event_date<2015-01-01")" \
    "$(sql "select count(*) from d where year in ('2013', '2014')")"
for a in Gao Kidal Mopti Tombouctou Menaka; do
  need_shared "acled-dyadic-admin1-$a" &&
    expect_eq "acled-dyadic-admin1-$a" "$(bh count events "admin1=$a")" "$(sql "select count(*) from d where admin1 = '$a'")"
done
need_shared acled-dyadic-admin1-list &&
  expect_eq acled-dyadic-admin1-list "$(bh count events "admin1=Gao,Kidal")" "$(sql "select count(*) from d where admin1 in ('Gao', 'Kidal')")"
need_shared acled-dyadic-admin1-not &&
  expect_eq acled-dyadic-admin1-not "$(bh count events "admin1!=Mopti")" "$(sql "select count(*) from d where admin1 != 'Mopti'")"
for t in "Battles" "Violence against civilians" "Explosions/Remote violence" "Protests" "Riots" "Strategic developments"; do
  name="acled-dyadic-type-${t//[^A-Za-z]/_}"
  need_shared "$name" && expect_eq "$name" "$(bh count events "event_type=$t")" "$(sql "select count(*) from d where event_type = '$t'")"
done
need_shared acled-dyadic-subtype-ied &&
  expect_eq acled-dyadic-subtype-ied "$(bh count events "sub_event_type=Remote explosive/landmine/IED")" \
    "$(sql "select count(*) from d where sub_event_type = 'Remote explosive/landmine/IED'")"
need_shared acled-dyadic-mopti-civilians-2019 &&
  expect_eq acled-dyadic-mopti-civilians-2019 \
    "$(bh count events admin1=Mopti "event_type=Violence against civilians" "event_date>=2019-01-01" "event_date<=2019-12-31")" \
    "$(sql "select count(*) from d where admin1 = 'Mopti' and event_type = 'Violence against civilians' and year = '2019'")"
need_shared acled-dyadic-minusma-actor &&
  expect_eq acled-dyadic-minusma-actor \
    "$(bh count events "actor1=MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-)")" \
    "$(sql "select count(*) from d where actor1 = 'MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-)'")"
need_shared acled-dyadic-fatalities-numeric &&
  expect_eq acled-dyadic-fatalities-numeric "$(bh count events "fatalities>=10")" \
    "$(sql "select count(*) from d where cast(fatalities as integer) >= 10")"
need_shared acled-dyadic-fatalities-sum &&
  expect_eq acled-dyadic-fatalities-sum "$(sum_col "$WORK/dyadic.csv" fatalities)" "$(sql 'select sum(fatalities) from d')"
need_shared acled-dyadic-export-rows &&
  expect_eq acled-dyadic-export-rows "$(csv_select "$WORK/dyadic.csv" event_id_cnty | wc -l)" "$(sql 'select count(*) from d')"

# derived columns: explosive incidents by FORMATS.md §4.1 (weapon ied,
# vbied, mine, suicide or erw); ACLED gives no weapon, so it comes from the
# sub-event type: IEDs and suicide bombs are explosive incidents, air and
# drone strikes, shelling and grenades are not.
EXPLOSIVE_SUB="'Remote explosive/landmine/IED', 'Suicide bomb'"
need_shared acled-explosive-yes &&
  expect_eq acled-explosive-yes "$(bh count events explosive=yes)" \
    "$(sql "select count(*) from d where sub_event_type in ($EXPLOSIVE_SUB)")"
need_shared acled-explosive-no &&
  expect_eq acled-explosive-no "$(bh count events explosive=no)" \
    "$(sql "select count(*) from d where sub_event_type not in ($EXPLOSIVE_SUB)")"
need_shared acled-explosive-export &&
  expect_eq acled-explosive-export "$(csv_select "$WORK/dyadic.csv" explosive sub_event_type |
    awk -F'\t' '($1 == "yes") != ($2 == "Remote explosive/landmine/IED" || $2 == "Suicide bomb") { n++ } END { print n + 0 }')" 0

# near=PLACE:KM against a brute-force haversine count
for spec in Gao:50 Kidal:100 Mopti:25 Tombouctou:10; do
  p=${spec%%:*} km=${spec#*:}
  need_shared "acled-near-$p-$km" || continue
  if [[ $p == Gao ]]; then coords="16.27167 -0.04472"; else coords=$(place_coords "$p"); fi
  if [[ -z "$coords" ]]; then fail "acled-near-$p-$km" "bluehelm places $p gave no coordinates"; continue; fi
  got=$(bh count events "near=$spec")
  want=$(near_count $coords "$km" "$WORK/dyadic.csv")
  if [[ "$want" -gt 0 ]]; then expect_eq "acled-near-$p-$km" "$got" "$want"
  else fail "acled-near-$p-$km" "the brute-force count is 0: the test is not testing anything"; fi
done
need_shared acled-near-export &&
  expect_eq acled-near-export "$(bh export events near=Kidal:100 --format csv | csv_select /dev/stdin event_id_cnty | wc -l)" \
    "$(bh count events near=Kidal:100)"

# sector: from sector_areas by admin1 (these events name no place)
if [[ $HAVE == 1 ]]; then
  mkdir -p "$WORK/sectors"
  printf 'admin1,sector\nGao,east\nKidal,north\n' >"$WORK/sectors/sector_areas.csv"
  bh import "$WORK/sectors" >/dev/null
  sa_rc=$?
fi
need_shared acled-sector-areas-import && expect_eq acled-sector-areas-import "$sa_rc" 0
need_shared acled-sector-east &&
  expect_eq acled-sector-east "$(bh count events sector=east)" "$(sql "select count(*) from d where admin1 = 'Gao'")"
need_shared acled-sector-north &&
  expect_eq acled-sector-north "$(bh count events sector=north)" "$(sql "select count(*) from d where admin1 = 'Kidal'")"
need_shared acled-sector-none &&
  expect_eq acled-sector-none "$(bh count events sector=)" "$(sql "select count(*) from d where admin1 not in ('Gao', 'Kidal')")"
need_shared acled-sector-export &&
  expect_eq acled-sector-export "$(bh export events sector=north --format csv | csv_select /dev/stdin admin1 sector | sort | uniq -c | awk '{ $1 = $1; print }')" \
    "$(sql "select count(*) from d where admin1 = 'Kidal'") Kidal north"

# --------------------------------------------------------- monadic on top
if [[ $HAVE == 1 ]]; then
  bh import "$MONADIC" --format acled >"$WORK/stdout"
  monadic_rc=$?
  bh export events --format csv >"$WORK/union.csv"
fi
need_shared acled-monadic-exit && expect_eq acled-monadic-exit "$monadic_rc" 0
need_shared acled-monadic-union-count &&
  expect_eq acled-monadic-union-count "$(bh count events)" \
    "$(sql 'select count(*) from (select event_id_cnty from d union select event_id_cnty from m)')"
# dates like "31 December 2020": the dyadic file ends on 2020-10-31
need_shared acled-monadic-dates &&
  expect_eq acled-monadic-dates "$(bh count events "event_date>=2020-11-01" "event_date<=2020-12-31")" \
    "$(sql "select count(distinct event_id_cnty) from m where event_date like '% November 2020' or event_date like '% December 2020'")"
need_shared acled-monadic-date-first-day &&
  expect_eq acled-monadic-date-first-day "$(bh count events event_date=2020-12-01)" \
    "$(sql "select count(distinct event_id_cnty) from m where event_date in ('1 December 2020', '01 December 2020')")"
# re-downloaded events are updated: the monadic file's fatalities win
need_shared acled-monadic-fatalities-sum &&
  expect_eq acled-monadic-fatalities-sum "$(sum_col "$WORK/union.csv" fatalities)" \
    "$(sql "select (select sum(f) from (select max(cast(fatalities as integer)) f from m group by event_id_cnty))
                 + (select coalesce(sum(fatalities), 0) from d where event_id_cnty not in (select event_id_cnty from m))")"
# a two-actor event: the first row's actor is actor1, the second's actor2
check_two_actor() { # NAME WHERE
  local name=$1 id a1 a2 as1 json
  id=$(sql "select event_id_cnty from m where $2 group by event_id_cnty having count(*) = 2 order by min(rowid) limit 1")
  if [[ -z "$id" ]]; then fail "$name" "no two-row event found in the monadic file"; return; fi
  a1=$(sql "select actor1 from m where event_id_cnty = '$id' order by rowid limit 1")
  as1=$(sql "select assoc_actor_1 from m where event_id_cnty = '$id' order by rowid limit 1")
  a2=$(sql "select actor1 from m where event_id_cnty = '$id' order by rowid limit 1 offset 1")
  bh export events "event_id_cnty=$id" --format json >"$WORK/ev.json"
  got=$(sqlite3 :memory: "select json_array_length(j) || '|' || json_extract(j, '\$[0].actor1') || '|' || json_extract(j, '\$[0].actor2') || '|' || coalesce(json_extract(j, '\$[0].assoc_actor_1'), '')
                          from (select readfile('$WORK/ev.json') j)" 2>&1)
  expect_eq "$name" "$got" "1|$a1|$a2|$as1"
}
need_shared acled-monadic-two-actors-new &&
  check_two_actor acled-monadic-two-actors-new "event_id_cnty not in (select event_id_cnty from d)"
need_shared acled-monadic-two-actors-updated &&
  check_two_actor acled-monadic-two-actors-updated "event_id_cnty in (select event_id_cnty from d) and year = '2018'"
need_shared acled-monadic-one-actor &&
  {
    id=$(sql "select event_id_cnty from m where event_id_cnty not in (select event_id_cnty from d) group by event_id_cnty having count(*) = 1 order by min(rowid) limit 1")
    bh export events "event_id_cnty=$id" --format json >"$WORK/ev.json"
    expect_eq acled-monadic-one-actor \
      "$(sqlite3 :memory: "select json_extract(j, '\$[0].actor1') || '|' || coalesce(json_extract(j, '\$[0].actor2'), '(none)') from (select readfile('$WORK/ev.json') j)")" \
      "$(sql "select actor1 from m where event_id_cnty = '$id'")|(none)"
  }
need_shared acled-monadic-reimport-unchanged &&
  {
    before=$(db_digest)
    bh import "$MONADIC" --format acled >"$WORK/stdout"
    expect_grep acled-monadic-reimport-unchanged '^events: 0 inserted, 0 updated, [0-9]+ unchanged' "$WORK/stdout"
    expect_eq acled-monadic-reimport-digest "$(db_digest)" "$before"
  }

# ---------------------------------------------------------------- UCDP GED
if [[ $HAVE == 1 ]]; then
  new_db
  bh import "$UCDP" --format ucdp >"$WORK/stdout"
  ucdp_rc=$?
  bh export events --format csv >"$WORK/ucdp.csv"
fi
need_shared ucdp-exit && expect_eq ucdp-exit "$ucdp_rc" 0
need_shared ucdp-count && expect_eq ucdp-count "$(bh count events)" "$(sql 'select count(*) from u')"
need_shared ucdp-count-513 && expect_eq ucdp-count-513 "$(bh count events)" 513
need_shared ucdp-ids &&
  expect_eq ucdp-ids "$(csv_select "$WORK/ucdp.csv" event_id_cnty | sort)" "$(sql "select 'ucdp:' || id from u" | sort)"
need_shared ucdp-one-sided &&
  expect_eq ucdp-one-sided "$(bh count events "event_type=Violence against civilians")" \
    "$(sql "select count(*) from u where type_of_violence = '3'")"
need_shared ucdp-one-sided-attack &&
  expect_eq ucdp-one-sided-attack "$(bh count events "event_type=Violence against civilians" sub_event_type=Attack)" \
    "$(sql "select count(*) from u where type_of_violence = '3'")"
need_shared ucdp-battles &&
  expect_eq ucdp-battles "$(bh count events event_type=Battles "sub_event_type=Armed clash")" \
    "$(sql "select count(*) from u where type_of_violence in ('1', '2')")"
need_shared ucdp-fatalities &&
  expect_eq ucdp-fatalities "$(sum_col "$WORK/ucdp.csv" fatalities)" "$(sql 'select sum(best) from u')"
need_shared ucdp-civilians-killed &&
  expect_eq ucdp-civilians-killed "$(sum_col "$WORK/ucdp.csv" civilians_killed)" "$(sql 'select sum(deaths_civilians) from u')"
need_shared ucdp-admin1-region-dropped &&
  expect_eq ucdp-admin1-region-dropped "$(bh count events "admin1=Ménaka")" "$(sql "select count(*) from u where adm_1 = 'Ménaka region'")"
need_shared ucdp-admin2-cercle-dropped &&
  expect_eq ucdp-admin2-cercle-dropped "$(bh count events admin2=Ansongo)" "$(sql "select count(*) from u where adm_2 = 'Ansongo cercle'")"
need_shared ucdp-dates &&
  expect_eq ucdp-dates "$(bh count events "event_date>=2024-01-01")" "$(sql "select count(*) from u where date_start >= '2024-01-01'")"
need_shared ucdp-actors &&
  expect_eq ucdp-actors "$(bh count events "actor1=Government of Mali" actor2=Civilians)" \
    "$(sql "select count(*) from u where side_a = 'Government of Mali' and side_b = 'Civilians'")"
need_shared ucdp-newlines-kept &&
  bh export events --format json -o "$WORK/ucdp.json" &&
  expect_eq ucdp-newlines-kept "$(sqlite3 :memory: "select count(*) from json_each(readfile('$WORK/ucdp.json')) where json_extract(value, '\$.location') like '%' || char(10) || '%'")" \
    "$(sql "select count(*) from u where where_description like '%' || char(10) || '%'")"

# a bad row after 71 records with newlines inside quoted fields: the line
# number counts physical lines
if [[ $HAVE == 1 ]]; then
  { cat "$UCDP"; head -1 "$UCDP" | awk -F, '{
      for (i = 1; i <= NF; i++) {
        v = ""
        if ($i == "id") v = "999999999"; if ($i == "date_start") v = "2024-02-30 00:00:00.000"
        if ($i == "type_of_violence") v = "3"; if ($i == "best") v = "1"
        if ($i == "latitude") v = "15"; if ($i == "longitude") v = "0"
        printf "%s%s", (i > 1 ? "," : ""), v
      }
      print ""
    }'; } >"$WORK/ucdp_bad.csv"
  ucdp_bad_line=$(($(wc -l <"$UCDP") + 1))
  before=$(db_digest)
  bh import "$WORK/ucdp_bad.csv" --format ucdp >/dev/null
  ucdp_bad_rc=$?
fi
need_shared ucdp-bad-row-exit && { if [[ $ucdp_bad_rc -ne 0 ]]; then ok ucdp-bad-row-exit; else fail ucdp-bad-row-exit "exit 0"; fi; }
need_shared ucdp-bad-row-line && expect_grep ucdp-bad-row-line "^ucdp_bad\.csv:$ucdp_bad_line: date_start: " "$WORK/stderr"
need_shared ucdp-bad-row-nothing-stored && expect_eq ucdp-bad-row-nothing-stored "$(db_digest)" "$before"

# ---------------------------------------------------- ACLED world sample
if [[ $HAVE == 1 ]]; then
  new_db
  before=$(db_digest)
  bh import "$WORLD" --format acled >/dev/null
  world_rc=$?
  cp "$WORK/stderr" "$WORK/world.err"
  world_digest=$(db_digest)
fi
need_shared acled-world-refused && { if [[ $world_rc -ne 0 ]]; then ok acled-world-refused; else fail acled-world-refused "exit 0"; fi; }
need_shared acled-world-line-243 && expect_grep acled-world-line-243 '^acled_world_2020-05_sample\.csv:243: ' "$WORK/world.err"
need_shared acled-world-line-5072 && expect_grep acled-world-line-5072 '^acled_world_2020-05_sample\.csv:5072: ' "$WORK/world.err"
need_shared acled-world-only-two &&
  expect_eq acled-world-only-two "$(grep -cE '^acled_world_2020-05_sample\.csv:[0-9]+: ' "$WORK/world.err")" 2
need_shared acled-world-nothing-stored && expect_eq acled-world-nothing-stored "$world_digest" "$before"
if [[ $HAVE == 1 ]]; then
  bh import "$WORLD" --format acled --skip-bad "$WORK/refused.csv" >/dev/null
  skip_rc=$?
fi
need_shared acled-world-skip-bad-exit && expect_eq acled-world-skip-bad-exit "$skip_rc" 0
need_shared acled-world-skip-bad-count &&
  expect_eq acled-world-skip-bad-count "$(bh count events)" "$(($(sql 'select count(*) from w') - 2))"
need_shared acled-world-skip-bad-file &&
  expect_eq acled-world-skip-bad-file "$(sqlite3 :memory: ".import --csv '$WORK/refused.csv' r" 'select count(*) from r' 2>&1)" 2
need_shared acled-world-skip-bad-header &&
  expect_eq acled-world-skip-bad-header "$(head -1 "$WORK/refused.csv" | cut -d, -f1-3)" "data_id,iso,event_id_cnty"
need_shared acled-world-two-digit-years &&
  expect_eq acled-world-two-digit-years "$(bh count events "event_date>=2020-04-27" "event_date<=2020-05-09")" "$(bh count events)"
need_shared acled-world-mali &&
  expect_eq acled-world-mali "$(bh count events country=Mali)" "$(sql "select count(*) from w where country = 'Mali'")"

# ------------------------------------------------- reduced Burkina Faso file
if [[ $HAVE == 1 ]]; then
  new_db
  before=$(db_digest)
  bh import "$BURKINA" --format acled >/dev/null
  bf_rc=$?
fi
need_shared acled-burkina-refused && { if [[ $bf_rc -ne 0 ]]; then ok acled-burkina-refused; else fail acled-burkina-refused "exit 0"; fi; }
for c in event_id_cnty latitude longitude; do
  need_shared "acled-burkina-names-$c" && expect_grep "acled-burkina-names-$c" "^acled_burkinafaso_2019-2022_reduced\.csv:1: .*$c" "$WORK/stderr"
done
need_shared acled-burkina-nothing-stored && expect_eq acled-burkina-nothing-stored "$(db_digest)" "$before"
exit 0
