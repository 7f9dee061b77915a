#!/usr/bin/env bash
# t_basics.sh: init, --db / $BLUEHELM_DB, help, unknown commands, importing
# and re-importing the demo dataset, place name lookup, schema version guard.
source "$(dirname "$0")/lib.sh"
DEMO=$ROOT/data/demo

# csv_rows FILE: number of data rows, counted by the sqlite3 shell (RFC 4180).
# (computed once for the demo files: $(...) runs in a subshell, so cache first)
declare -A ROWS
csv_rows() {
  [[ -n "${ROWS[$1]:-}" ]] || ROWS[$1]=$(sqlite3 :memory: ".import --csv '$1' t" "select count(*) from t")
  echo "${ROWS[$1]}"
}
for f in "$DEMO"/*.csv; do csv_rows "$f" >/dev/null; done
# first_place NAME: the place id `places NAME` lists first.
first_place() { bh places "$1" | awk '$1 != "place_id" && NF { print $1; exit }'; }

# --- init
fresh_db
if [[ $? -eq 0 ]] && db_exists "$BLUEHELM_DB"; then ok init-creates-db; else fail init-creates-db "no database at $BLUEHELM_DB"; fi
db_clone "$BLUEHELM_DB" "$(db_target init)"   # init under ASan takes seconds: later "fresh" databases are copies
# the bundled gazetteer: one place per data row of data/gazetteer/mali_places.tsv
gaz_rows=$(($(wc -l <"$ROOT/data/gazetteer/mali_places.tsv") - 1))
expect_eq init-loads-gazetteer "$(bh count places)" "$gaz_rows"
expect_eq init-gazetteer-id-form "$(bh count places place_id=gn-2457163)" 1

before=$(db_digest)
bh init >/dev/null
rc=$?
if [[ $rc -ne 0 ]]; then ok init-twice-fails; else fail init-twice-fails "second init exited 0"; fi
if [[ -s "$WORK/stderr" ]]; then ok init-twice-says-why; else fail init-twice-says-why "stderr is empty"; fi
expect_eq init-twice-no-damage "$(db_digest)" "$before"

# --no-gazetteer
other=$(db_target nogaz)
db_remove "$other" --empty
"$BLUEHELM" --db "$other" init --no-gazetteer >/dev/null 2>"$WORK/stderr"
expect_eq init-no-gazetteer "$(bh --db "$other" count places)" 0

# --- --db PATH and $BLUEHELM_DB
alt=$(db_target alt)
db_remove "$alt" --empty
env_before=$(db_digest)
bh --db "$alt" init --no-gazetteer >/dev/null
if [[ $? -eq 0 ]] && db_exists "$alt"; then ok db-option-creates; else fail db-option-creates "no database at $alt"; fi
expect_eq db-option-leaves-env-db "$(db_digest)" "$env_before"
bh --db "$alt" import "$DEMO/sector_areas.csv" >/dev/null
expect_eq db-option-used-by-import "$(bh --db "$alt" count sector_areas)" "$(csv_rows "$DEMO/sector_areas.csv")"
expect_eq db-env-not-touched "$(bh count sector_areas)" 0
expect_eq db-env-used "$(BLUEHELM_DB=$alt bh count sector_areas)" "$(csv_rows "$DEMO/sector_areas.csv")"
envonly=$(db_target envonly)
db_remove "$envonly" --empty
BLUEHELM_DB=$envonly bh init --no-gazetteer >/dev/null
if db_exists "$envonly"; then ok db-env-init; else fail db-env-init "\$BLUEHELM_DB=$envonly was not created"; fi

# default: ./bluehelm.db when neither --db nor $BLUEHELM_DB is given
mkdir -p "$WORK/cwd"
(cd "$WORK/cwd" && env -u BLUEHELM_DB "$BLUEHELM" init --no-gazetteer >/dev/null 2>&1)
if [[ -s "$WORK/cwd/bluehelm.db" ]]; then ok db-default-path; else fail db-default-path "no ./bluehelm.db after init without --db or \$BLUEHELM_DB"; fi

# --- help
bh help >"$WORK/help.out"
rc=$?
expect_eq help-exit "$rc" 0
missing=""
for c in init import export count places help; do
  grep -qE "^ +$c( |$)" "$WORK/help.out" || missing="$missing $c"
done
expect_eq help-lists-commands "$missing" ""
bh help import >"$WORK/help.out"
rc=$?
if [[ $rc -eq 0 ]] && grep -qi '^usage:.*import' "$WORK/help.out" && grep -q -- '--lenient' "$WORK/help.out"; then
  ok help-import-usage
else fail help-import-usage "exit $rc: $(head -c 300 "$WORK/help.out")"; fi
for c in export count places init; do
  bh help "$c" >"$WORK/help.out"
  if [[ $? -eq 0 ]] && grep -qi "^usage:.* $c" "$WORK/help.out"; then ok "help-$c-usage"
  else fail "help-$c-usage" "$(head -c 300 "$WORK/help.out")"; fi
done

# --- unknown command
bh frobnicate >/dev/null
rc=$?
if [[ $rc -ne 0 ]]; then ok unknown-command-fails; else fail unknown-command-fails "exit 0"; fi
expect_grep unknown-command-message frobnicate "$WORK/stderr"
bh count nosuchkind >/dev/null
if [[ $? -ne 0 ]]; then ok unknown-kind-fails; else fail unknown-kind-fails "exit 0"; fi

# --- import data/demo: each file's rows are stored
db_clone "$(db_target init)" "$BLUEHELM_DB"
places_before=$(bh count places)
bh import "$DEMO" >"$WORK/import1.out"
rc=$?
expect_eq demo-import-exit "$rc" 0
for f in "$DEMO"/*.csv; do
  kind=$(basename "$f" .csv)
  want=$(csv_rows "$f")
  got=$(bh count "$kind")
  [[ $kind == places ]] && got=$((got - places_before))
  expect_eq "demo-count-$kind" "$got" "$want"
  # summary line: "kind: N inserted, 0 updated, 0 unchanged"
  expect_grep "demo-summary-$kind" "^$kind: $want inserted, 0 updated, 0 unchanged" "$WORK/import1.out"
done

# --- re-import: nothing changes
d1=$(db_digest)
bh import "$DEMO" >"$WORK/import2.out"
rc=$?
expect_eq reimport-exit "$rc" 0
bad=$(grep -vE '^[a-z_]+: 0 inserted, 0 updated, [0-9]+ unchanged$' "$WORK/import2.out")
expect_eq reimport-only-unchanged "$bad" ""
for f in "$DEMO"/*.csv; do
  kind=$(basename "$f" .csv)
  expect_grep "reimport-summary-$kind" "^$kind: 0 inserted, 0 updated, $(csv_rows "$f") unchanged" "$WORK/import2.out"
done
expect_eq reimport-digest-same "$(db_digest)" "$d1"

# count prints one integer and a newline
bh count events >"$WORK/count.out"
expect_eq count-output-form "$(od -An -c "$WORK/count.out" | tr -s ' ' | sed 's/^ //')" "$(printf '%s' "$(csv_rows "$DEMO/events.csv")" | sed 's/./& /g')\n"

# --- upsert: absent columns keep their values, an empty field clears one
mkdir -p "$WORK/up"
printf 'unit_id,name,component,unit_type,contributor,deployed_strength,note\nt-u1,Test unit,military,infantry_battalion,NER,645,first note\n' >"$WORK/up/units.csv"
bh import "$WORK/up" >/dev/null
printf 'unit_id,name,component,unit_type,deployed_strength\nt-u1,Test unit,military,infantry_battalion,700\n' >"$WORK/up/units.csv"
bh import "$WORK/up" >"$WORK/stdout"
expect_grep upsert-reports-updated '^units: 0 inserted, 1 updated, [0-9]+ unchanged' "$WORK/stdout"
expect_eq upsert-absent-columns-kept "$(bh count units unit_id=t-u1 deployed_strength=700 contributor=NER 'note=first note')" 1
printf 'unit_id,name,component,unit_type,note\nt-u1,Test unit,military,infantry_battalion,\n' >"$WORK/up/units.csv"
bh import "$WORK/up" >/dev/null
expect_eq upsert-empty-clears "$(bh count units unit_id=t-u1 note= deployed_strength=700)" 1
# a BOM and CRLF line ends are accepted
printf '\xef\xbb\xbfunit_id,name,component,unit_type\r\nt-u2,"BOM, CRLF unit",police,formed_police_unit\r\n' >"$WORK/up/units.csv"
bh import "$WORK/up" >/dev/null
rc=$?
expect_eq bom-crlf-accepted "$rc:$(bh count units unit_id=t-u2 'name=BOM\, CRLF unit')" 0:1
d2=$(db_digest)
# importing a path that does not exist fails
bh import "$WORK/no-such-dir" >/dev/null
if [[ $? -ne 0 && -s "$WORK/stderr" ]]; then ok import-missing-path-fails; else fail import-missing-path-fails "exit 0 or no message"; fi
bh import "$DEMO/units.csv" --kind nosuchkind >/dev/null
if [[ $? -ne 0 ]]; then ok import-unknown-kind-fails; else fail import-unknown-kind-fails "exit 0"; fi
expect_eq import-failures-no-damage "$(db_digest)" "$d2"

# --- places
expect_eq places-tombouctou "$(first_place Tombouctou)" gn-2449067
expect_eq places-timbuktu "$(first_place Timbuktu)" gn-2449067
expect_eq places-labbezanga "$(first_place labbezanga)" gn-2454210
expect_eq places-labezanga-accent "$(first_place 'LABÉZANGA')" gn-2454210
expect_eq places-gao "$(first_place gao)" gn-2457163

# --- a database from a newer bluehelm is refused
newer=$(db_target newer)
db_remove "$newer" --empty
"$BLUEHELM" --db "$newer" init --no-gazetteer >/dev/null 2>&1
db_set_version "$newer" 999
nd=$(BLUEHELM_DB=$newer db_digest)
bh --db "$newer" count places >/dev/null
rc=$?
if [[ $rc -ne 0 ]]; then ok newer-db-refused; else fail newer-db-refused "count exited 0"; fi
expect_grep newer-db-message newer "$WORK/stderr"
bh --db "$newer" import "$DEMO/sector_areas.csv" >/dev/null
if [[ $? -ne 0 ]]; then ok newer-db-import-refused; else fail newer-db-import-refused "import exited 0"; fi
expect_eq newer-db-untouched "$(BLUEHELM_DB=$newer db_digest)" "$nd"
exit 0
