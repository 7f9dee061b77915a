#!/usr/bin/env bash
# t_counting.sh: issue 10, figures right on real, mixed data (FORMATS.md
# §4.1). On the real ACLED Mali export: IEDs per year, explosive incidents,
# air strikes and shelling, civilian casualties against the year before and
# fatalities_unattributed, each against a count by awk over the CSV itself.
# Then a mission log that re-reports ACLED IEDs (counted twice, once after
# merging, twice again after unmerging), verification by a partial update,
# ACLED deletions, what lists and exports still show, and every bad input:
# exit status 2, a precise message, nothing stored.
source "$(dirname "$0")/lib.sh"
EV=$SHARED/events
DYADIC=$EV/acled_mali_1997-2020_dyadic.csv
IED='Remote explosive/landmine/IED'
HAVE=0
[[ -d "$SHARED/events" ]] && HAVE=1

jx() { sqlite3 :memory: "select json_extract(readfile('$1'), '$2');"; }
quiet() { "$@" >/dev/null; }
jn() { sqlite3 :memory: "select json_array_length(json_extract(readfile('$1'), '$2'));"; }
# refused NAME PATTERN COMMAND...: exit status 2, PATTERN on stderr, and the
# database as it was.
refused() {
  local name=$1 pat=$2 before
  shift 2
  before=$(db_digest)
  "$@" >/dev/null
  local rc=$?
  expect_eq "$name-exit" "$rc" 2
  if grep -qE -- "$pat" "$WORK/stderr"; then ok "$name-message"
  else fail "$name-message" "stderr has no '$pat': $(head -c 300 "$WORK/stderr")"; fi
  expect_eq "$name-nothing-stored" "$(db_digest)" "$before"
}
# new_db: a new database with the gazetteer (a copy of one made by init).
new_db() {
  if ! db_exists "$(db_target init)"; then fresh_db && db_clone "$BLUEHELM_DB" "$(db_target init)"
  else db_clone "$(db_target init)" "$BLUEHELM_DB"; fi
}
# year_range Y: the FILTERs of one calendar year.
year_range() { echo "event_date>=$1-01-01" "event_date<=$1-12-31"; }

if [[ $HAVE == 0 ]]; then
  need_shared counting-real-data
  exit 0
fi

new_db
bh import "$DYADIC" --format acled >"$WORK/import.out" || fail counting-import "$(head -c 300 "$WORK/stderr")"
TOTAL=$(csv_select "$DYADIC" event_id_cnty | sort -u | wc -l)
expect_eq acled-all-count "$(bh count events)" "$TOTAL"

# ---------------------------------------------------------------- per year, by awk
# One pass over the CSV. ACLED gives no weapon: IEDs are the rows of the IED
# sub-event type, explosive incidents those and suicide bombs (FORMATS.md
# §4.1); air/drone strikes and shelling are neither. An event targets
# civilians when it is Violence against civilians or inter2 is 7 (this
# export has no civilian_targeting column); its civilians_killed is then its
# fatalities (ACLED gives no casualty column). fatalities_unattributed: the
# fatalities of IEDs that do not target civilians.
csv_select "$DYADIC" year sub_event_type event_type inter2 fatalities | awk -F'\t' -v ied="$IED" '
  { y = $1; civ = ($3 == "Violence against civilians" || $4 == "7"); f = $5 + 0
    years[y] = 1
    if ($2 == ied) { n_ied[y]++; if (civ) ied_civ[y] += f; else unatt[y] += f }
    if ($2 == ied || $2 == "Suicide bomb") { expl[y]++; if (civ) expl_civ[y] += f }
    if ($2 == "Air/drone strike") air[y]++
    if ($2 == "Shelling/artillery/missile attack") shell[y]++ }
  END { for (y in years) printf "%s %d %d %d %d %d %d %d\n", y, n_ied[y], expl[y], air[y], shell[y], ied_civ[y], unatt[y], expl_civ[y] }' |
  sort >"$WORK/years.txt"
expect_eq awk-saw-years "$(($(wc -l <"$WORK/years.txt") >= 20))" 1
checked=0
while read -r y n_ied expl air shell ied_civ unatt expl_civ; do
  [[ $y -lt 2012 ]] && continue
  # shellcheck disable=SC2046
  bh indicator ied from=$y-01-01 to=$y-12-31 >"$WORK/ied.json"
  expect_eq "ied-used-$y" "$(jx "$WORK/ied.json" '$.used')" "$n_ied"
  expect_eq "ied-used-recount-$y" "$(jn "$WORK/ied.json" '$.records.used')" "$n_ied"
  expect_eq "ied-civilians-killed-$y" "$(jx "$WORK/ied.json" '$.casualties.civilians_killed')" "$ied_civ"
  expect_eq "ied-fatalities-unattributed-$y" "$(jx "$WORK/ied.json" '$.casualties.fatalities_unattributed')" "$unatt"
  # shellcheck disable=SC2046
  expect_eq "explosive-$y" "$(bh count events explosive=yes $(year_range "$y"))" "$expl"
  # shellcheck disable=SC2046
  expect_eq "air-strikes-$y" "$(bh count events weapon=air_strike $(year_range "$y"))" "$air"
  # shellcheck disable=SC2046
  expect_eq "shelling-$y" "$(bh count events weapon=indirect_fire $(year_range "$y"))" "$shell"
  checked=$((checked + 1))
done <"$WORK/years.txt"
expect_eq years-checked "$((checked >= 9))" 1
# the question of the issue: 2020 had IEDs, and ACLED's 26 air and drone
# strikes and 11 shellings of 2020 are not explosive incidents
# shellcheck disable=SC2046
expect_eq air-and-shelling-not-explosive "$(bh count events explosive=yes weapon=air_strike,indirect_fire,grenade)" 0
n2020=$(awk '$1 == 2020 { print $2 }' "$WORK/years.txt")
expect_eq ied-2020-nonzero "$((n2020 > 0))" 1
# the report follows: IEDs of 2020, and the deaths no category accounts for
u2020=$(awk '$1 == 2020 { print $7 }' "$WORK/years.txt")
bh report from=2020-01-01 to=2020-12-31 >"$WORK/report.md" || fail report-2020 "$(cat "$WORK/stderr")"
expect_grep report-ieds-2020 ", $n2020 improvised explosive devices were used" "$WORK/report.md"
expect_grep report-unattributed-2020 "A further $u2020 deaths in these incidents are not attributed" "$WORK/report.md"

# civilian casualties of explosive incidents, a year against the year before
# (the report's and the dashboard's figure): change over the two years
while read -r y _ _ _ _ _ _ cur; do
  [[ $y -lt 2013 ]] && continue
  prev=$(awk -v y=$((y - 1)) '$1 == y { print $8 }' "$WORK/years.txt")
  [[ -z "$prev" ]] && prev=0
  bh indicator change field=civilians_killed+civilians_injured explosive=yes period=$y-01-01..$y-12-31 >"$WORK/change.json"
  want_pct=$(awk -v c="$cur" -v p="$prev" 'BEGIN { if (p == 0) { print ""; exit }
    x = (c - p) / p * 1000; s = x < 0 ? -1 : 1; x = s * x; r = int(x + 0.5 + 1e-9); printf "%.1f\n", s * r / 10 }')
  expect_eq "civilian-casualties-$y" \
    "$(jx "$WORK/change.json" '$.current') $(jx "$WORK/change.json" '$.previous') $(jx "$WORK/change.json" '$.change_pct')" \
    "$cur $prev $want_pct"
done <"$WORK/years.txt"

# target and civilians_killed by default: Violence against civilians reads
# target civilians and its fatalities as civilians killed
vac=$(csv_select "$DYADIC" event_type fatalities | awk -F'\t' '$1 == "Violence against civilians" { n++; s += $2 } END { print n + 0, s + 0 }')
bh indicator change of=events field=civilians_killed "event_type=Violence against civilians" period=1990-01-01..2030-12-31 >"$WORK/vac.json"
expect_eq vac-target-civilians "$(bh count events "event_type=Violence against civilians" target=civilians) $(jx "$WORK/vac.json" '$.current')" "$vac"

# ACLED rows are verified by default; the export writes what was given:
# weapon, target and civilians_killed are empty (ACLED gives none),
# verification is verified
expect_eq acled-verified "$(bh count events verification=verified)" "$TOTAL"
# so are UCDP's (in a copy: the figures above stay ACLED's alone)
UCDP_DB=$(db_target ucdp)
db_clone "$BLUEHELM_DB" "$UCDP_DB"
[[ $BACKEND == sqlite ]] && cp "$BLUEHELM_DB.audit-key" "$UCDP_DB.audit-key" 2>/dev/null # its trail's key goes with it
UCDP_ROWS=$(csv_select "$EV/ucdp_ged_mali_sample.csv" id | wc -l)
bh --db "$UCDP_DB" import "$EV/ucdp_ged_mali_sample.csv" --format ucdp >/dev/null
expect_eq ucdp-verified "$(bh --db "$UCDP_DB" count events verification=verified)" "$((TOTAL + UCDP_ROWS))"
bh export events >"$WORK/export.csv"
expect_eq export-writes-given "$(csv_select "$WORK/export.csv" weapon target civilians_killed verification | sort -u | tr '\t' ,)" ",,,verified"

# ---------------------------------------------------------------- a mission log re-reports ACLED IEDs
# The first five IEDs of 2020 in ACLED (by id), reported again by the JOC with
# their own ids, same day and place, weapon ied: counted twice, then once
# after merging each into the ACLED event (its id stays in records), twice
# again after unmerging.
csv_select "$DYADIC" event_id_cnty event_date sub_event_type latitude longitude |
  awk -F'\t' -v ied="$IED" '$3 == ied && substr($2, 1, 4) == "2020"' | sort | head -5 >"$WORK/reported.txt"
expect_eq five-reported "$(wc -l <"$WORK/reported.txt")" 5
mkdir -p "$WORK/joc"
{
  echo "event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude,weapon,target,source"
  i=0
  while IFS=$'\t' read -r id d _ lat lon; do
    i=$((i + 1))
    echo "joc-$i,$d,Explosions/Remote violence,$IED,$lat,$lon,ied,civilians,JOC daily report ($id)"
  done <"$WORK/reported.txt"
} >"$WORK/joc/events.csv"
check joc-import quiet bh import "$WORK/joc"
bh indicator ied from=2020-01-01 to=2020-12-31 >"$WORK/ied.json"
expect_eq joc-counted-twice "$(jx "$WORK/ied.json" '$.used')" "$((n2020 + 5))"
expect_eq joc-reported "$(bh count events verification=reported)" 5
i=0
while IFS=$'\t' read -r id _; do
  i=$((i + 1))
  bh duplicates merge "$id" "joc-$i" >/dev/null || fail "merge-$i" "$(cat "$WORK/stderr")"
done <"$WORK/reported.txt"
bh indicator ied from=2020-01-01 to=2020-12-31 >"$WORK/ied.json"
expect_eq merged-counted-once "$(jx "$WORK/ied.json" '$.used')" "$n2020"
kept=$(sqlite3 :memory: "select count(*) from json_each(json_extract(readfile('$WORK/ied.json'), '\$.records.used')) where value in ($(cut -f1 "$WORK/reported.txt" | sed "s/.*/'&'/" | paste -sd,))")
expect_eq merged-kept-ids-in-records "$kept" 5
expect_eq merged-ids-not-in-records "$(grep -c '"joc-' "$WORK/ied.json")" 0
first=$(head -1 "$WORK/reported.txt" | cut -f1)
expect_eq merged-count-by-filter "$(bh count events duplicate_of="$first") $(bh count events 'duplicate_of!=')" "1 5"
bh show events "$first" >"$WORK/show.txt"
expect_grep show-lists-merged '^  joc-1 ' "$WORK/show.txt"
expect_grep show-merged-heading "^Reports merged into $first" "$WORK/show.txt"
# lists and exports show every record, the merged ones too
expect_eq list-shows-merged "$(bh list events duplicate_of="$first" --limit 10 | grep -c '^joc-1 ')" 1
expect_eq export-has-all "$(bh export events | csv_select /dev/stdin event_id_cnty | wc -l)" "$((TOTAL + 5))"
expect_eq count-leaves-out-merged "$(bh count events)" "$TOTAL"
# unmerge: twice again
for i in 1 2 3 4 5; do bh duplicates unmerge "joc-$i" >/dev/null || fail "unmerge-$i" "$(cat "$WORK/stderr")"; done
bh indicator ied from=2020-01-01 to=2020-12-31 >"$WORK/ied.json"
expect_eq unmerged-counted-twice "$(jx "$WORK/ied.json" '$.used')" "$((n2020 + 5))"
# merge keeping the mission's report: its id is the one in records
second=$(sed -n 2p "$WORK/reported.txt" | cut -f1)
check merge-keep-joc quiet bh duplicates merge joc-2 "$second"
bh indicator ied from=2020-01-01 to=2020-12-31 >"$WORK/ied.json"
expect_eq keep-joc-records "$(grep -c "\"joc-2\"" "$WORK/ied.json") $(grep -c "\"$second\"" "$WORK/ied.json")" "1 0"

# ---------------------------------------------------------------- merge refusals
# joc-2 keeps $second; joc-1 and $first are on their own.
refused merge-unknown-keep "no event has the id 'nope-1'" bh duplicates merge nope-1 joc-1
refused merge-unknown-other "no event has the id 'nope-2'" bh duplicates merge joc-1 nope-2
refused merge-into-itself 'cannot be merged into itself' bh duplicates merge joc-1 joc-1
refused merge-keep-merged "$second is itself merged into joc-2" bh duplicates merge "$second" joc-1
refused merge-other-has-merged "merged into joc-2 .*$second.*cannot be merged" bh duplicates merge joc-1 joc-2
refused merge-other-merged-elsewhere "$second is already merged into joc-2" bh duplicates merge joc-1 "$second"
refused merge-all-or-nothing "no event has the id 'nope-3'" bh duplicates merge joc-1 joc-3 nope-3
refused unmerge-not-merged 'joc-1 is not merged' bh duplicates unmerge joc-1
refused unmerge-unknown "no event has the id 'nope-4'" bh duplicates unmerge nope-4
# the same rules hold when duplicate_of comes in a file
printf 'event_id_cnty,duplicate_of\njoc-1,%s\n' "$second" >"$WORK/events.csv"
refused chain-by-file "events.csv:2: duplicate_of: $second is itself merged into joc-2" bh import "$WORK/events.csv"
# decide A B merge keeps A
check decide-merge quiet bh duplicates decide joc-3 joc-4 merge
expect_eq decide-keeps-first "$(bh count events duplicate_of=joc-3)" 1
check decide-dismiss-unmerges quiet bh duplicates decide joc-3 joc-4 dismiss
expect_eq dismiss-unmerged "$(bh count events duplicate_of=joc-3)" 0

# ---------------------------------------------------------------- verification by a partial update
n0=$(bh count events)
printf 'event_id_cnty,verification\n%s\n' "$first,rejected" >"$WORK/events.csv"
check reject-by-partial-update quiet bh import "$WORK/events.csv"
expect_eq rejected-not-counted "$(bh count events)" "$((n0 - 1))"
# who changed the verification, and when, is in the audit trail
bh audit list --limit 2 >"$WORK/audit.txt"
expect_grep reject-audited "^ +[0-9]+  [0-9T:.-]+Z  local:[^ ]+ +update +events $first\$" "$WORK/audit.txt"
lite_sql "select json_extract(before, '\$.verification') || ' ' || json_extract(after, '\$.verification') from _audit where action = 'update' order by seq desc limit 1" >"$WORK/audit.txt"
expect_eq reject-audit-before-after "$(cat "$WORK/audit.txt")" "verified rejected"
expect_eq rejected-counted-when-named "$(bh count events verification=rejected)" 1
expect_eq rejected-kept-otherwise "$(bh show events "$first" | grep -c 'Remote explosive')" 1
printf 'event_id_cnty,reliability,credibility\n%s,B,2\n' "$first" >"$WORK/events.csv"
check grade-by-partial-update quiet bh import "$WORK/events.csv"
expect_eq graded "$(bh count events reliability=B credibility=2 verification=rejected)" 1
# a row naming no stored event needs the required columns
printf 'event_id_cnty,verification\nnot-there-1,rejected\n' >"$WORK/events.csv"
refused partial-new-id 'events.csv:2: event_date: a value is required: without this column' bh import "$WORK/events.csv"
printf 'event_id_cnty,verification\n%s,maybe\n' "$first" >"$WORK/events.csv"
refused bad-verification "events.csv:2: verification: 'maybe' is not one of reported\|verified\|rejected" bh import "$WORK/events.csv"
printf 'event_id_cnty,reliability\n%s,G\n' "$first" >"$WORK/events.csv"
refused bad-reliability "events.csv:2: reliability: 'G' is not one of A\|B" bh import "$WORK/events.csv"
printf 'event_id_cnty,credibility\n%s,7\n' "$first" >"$WORK/events.csv"
refused bad-credibility "events.csv:2: credibility: '7' is not one of 1\|2" bh import "$WORK/events.csv"
refused bad-filter-verification "filter verification: 'maybe' is not one of" bh count events verification=maybe

# ---------------------------------------------------------------- ACLED deletions
# D1 and D2 are stored; X is not yet (it is left out of a reduced export
# imported first): its deletion is remembered and the later import skips it.
new_db
mapfile -t some < <(csv_select "$DYADIC" event_id_cnty timestamp | sort | awk -F'\t' 'NR % 500 == 1' | head -5)
D1=${some[0]%%$'\t'*} D2=${some[1]%%$'\t'*} X=${some[2]%%$'\t'*} M1=${some[3]%%$'\t'*} M2=${some[4]%%$'\t'*}
# the deletion comes after every row of the file
DEL_TS=$(($(csv_select "$DYADIC" timestamp | sort -n | tail -1) + 1000))
sqlite3 "$WORK/raw.db" ".import --csv '$DYADIC' d"
sqlite3 -header -csv "$WORK/raw.db" "select * from d where event_id_cnty != '$X'" >"$WORK/without_x.csv"
check reduced-import quiet bh import "$WORK/without_x.csv" --format acled
printf 'event_id_cnty,deleted_timestamp\n%s,%s\n%s,%s\n%s,%s\n' "$D1" "$DEL_TS" "$D2" "$DEL_TS" "$X" "$DEL_TS" >"$WORK/deletions.csv"
bh import "$WORK/deletions.csv" --format acled-deletions >"$WORK/del.out"
expect_grep deletions-summary '^deletions: 3 new, 0 updated, 0 unchanged \(2 stored events marked deleted, 1 ids not in the database remembered\)' "$WORK/del.out"
expect_eq deleted-not-counted "$(bh count events)" "$((TOTAL - 3))"
expect_eq deleted-named "$(bh count events deleted=yes)" 2
expect_eq deleted-still-listed "$(bh list events deleted=yes --limit 10 | grep -cE "^($D1|$D2) ")" 2
# a re-import does not bring them back (X included), and says so
bh import "$DYADIC" --format acled >"$WORK/re.out"
expect_grep reimport-skipped "^events: 0 inserted, 0 updated, $((TOTAL - 3)) unchanged, 3 skipped \(deleted by ACLED\)$" "$WORK/re.out"
expect_eq reimport-not-back "$(bh count events) $(bh count events event_id_cnty="$X" deleted=no,yes)" "$((TOTAL - 3)) 0"
# a newer row of D1 (its timestamp after the deletion) is imported and counts again
sqlite3 -header -csv "$WORK/raw.db" "update d set timestamp = '$((DEL_TS + 1))', fatalities = '99' where event_id_cnty = '$D1'; select * from d where event_id_cnty = '$D1'" >"$WORK/newer.csv"
bh import "$WORK/newer.csv" --format acled >"$WORK/newer.out"
expect_grep newer-row-imported '^events: 0 inserted, 1 updated, 0 unchanged$' "$WORK/newer.out"
expect_eq newer-row-counts "$(bh count events event_id_cnty="$D1" fatalities=99) $(bh count events deleted=yes)" "1 1"
# a row as old as the deletion is still skipped
sqlite3 -header -csv "$WORK/raw.db" "select * from d where event_id_cnty = '$D2'" >"$WORK/old.csv"
bh import "$WORK/old.csv" --format acled >"$WORK/old.out"
expect_grep old-row-skipped '^events: 0 inserted, 0 updated, 0 unchanged, 1 skipped' "$WORK/old.out"
# a later deletion file with an earlier timestamp changes nothing
printf 'event_id_cnty,deleted_timestamp\n%s,1\n' "$D2" >"$WORK/deletions.csv"
bh import "$WORK/deletions.csv" --format acled-deletions >"$WORK/del.out"
expect_grep deletions-unchanged '^deletions: 0 new, 0 updated, 1 unchanged' "$WORK/del.out"
# bad deletions files
printf 'event_id_cnty,deleted_timestamp\n%s,yesterday\n' "$D1" >"$WORK/deletions.csv"
refused deletions-bad-timestamp "deletions.csv:2: deleted_timestamp: 'yesterday' is not a time in Unix seconds" \
  bh import "$WORK/deletions.csv" --format acled-deletions
printf 'event_id_cnty,deleted_timestamp\n%s,-5\n%s,\n' "$D1" "$X" >"$WORK/deletions.csv"
refused deletions-negative-timestamp "deletions.csv:2: deleted_timestamp: '-5'" bh import "$WORK/deletions.csv" --format acled-deletions
expect_grep deletions-empty-timestamp "deletions.csv:3: deleted_timestamp: '' is not" "$WORK/stderr"
printf 'event_id_cnty\n%s\n' "$D1" >"$WORK/deletions.csv"
refused deletions-missing-column 'deletions.csv:1: deleted_timestamp: this required column is missing' \
  bh import "$WORK/deletions.csv" --format acled-deletions
printf 'event_id_cnty,deleted_timestamp,why\n%s,5,x\n' "$D1" >"$WORK/deletions.csv"
refused deletions-unknown-column 'deletions.csv:1: why: unknown column' bh import "$WORK/deletions.csv" --format acled-deletions

# ---------------------------------------------------------------- exports round-trip these columns
# verification, grading, duplicate_of and deleted survive an export imported
# into a new database, and the counts with them.
check rt-merge quiet bh duplicates merge "$M1" "$M2"
printf 'event_id_cnty,verification,reliability,credibility\n%s,rejected,C,3\n' "$D1" >"$WORK/events.csv"
check rt-reject quiet bh import "$WORK/events.csv"
bh export events --raw >"$WORK/rt1.csv"
counts() {
  echo "$(bh count events) $(bh count events deleted=yes) $(bh count events verification=rejected)" \
    "$(bh count events reliability=C verification=rejected) $(bh count events duplicate_of="$M1") $(bh count events verification=verified)"
}
src_counts=$(counts)
# stored: all but X; not counted: D2 (deleted), M2 (merged), D1 (rejected)
expect_eq rt-source-counts "$src_counts" "$((TOTAL - 4)) 1 1 1 1 $((TOTAL - 4))"
db_clone "$BLUEHELM_DB" "$(db_target src)"
new_db
check rt-import quiet bh import "$WORK/rt1.csv" --kind events
expect_eq rt-counts "$(counts)" "$src_counts"
bh export events --raw >"$WORK/rt2.csv"
check rt-export-identical cmp -s "$WORK/rt1.csv" "$WORK/rt2.csv"

# ---------------------------------------------------------------- the same figures on both backends
# On PostgreSQL: this database (ACLED's events, one rejected, one merged,
# one deleted by ACLED) copied into a SQLite file; every figure, its
# records in their order and the report are the same on both.
if [[ $BACKEND == postgresql ]]; then
  LITE=$WORK/same.db
  if bh copy --to "$LITE" >/dev/null; then
    for q in "indicator ied from=2019-01-01 to=2020-12-31" \
             "indicator count of=events explosive=yes event_date>=2012-01-01" \
             "indicator weekly of=events from=2020-01-01 to=2020-06-30" \
             "indicator change of=events field=civilians_killed period=2020-01-01..2020-12-31" \
             "indicator count of=events admin1=Gao event_type=Battles" \
             "indicator rate split=2020-06-01 weeks=12 of=events" \
             "count events near=Gao:50" "count events near=Mopti:120 event_date>=2019-01-01" \
             "count events verification=rejected" "count events deleted=yes" "count events duplicate_of=$M1" \
             "report from=2020-01-01 to=2020-06-30 --format json"; do
      # shellcheck disable=SC2086
      a=$(bh $q) b=$(bh --db "$LITE" $q)
      if [[ -n "$a" && "$a" == "$b" ]]; then ok "same-on-both $q"
      else fail "same-on-both $q" "PostgreSQL and SQLite differ: $(diff <(echo "$a") <(echo "$b") | head -c 400) $(head -c 200 "$WORK/stderr")"; fi
    done
  else
    fail same-on-both-copy "$(cat "$WORK/stderr")"
  fi
fi
exit 0
