#!/usr/bin/env bash
# t_security.sh: the command-line findings of issue 16: imports leave an
# audit entry (4); the audit chain is keyed, so that rewriting an entry and
# recomputing the plain SHA-256 chain is caught, and a checkpoint catches
# truncation (5); empty list items in filters (7); a NUL byte inside a CSV
# field (13); CSV exports neutralise spreadsheet formulas unless --raw (14).
source "$(dirname "$0")/lib.sh"
# The audit key beside a SQLite file, and tampering with that file's
# trail: SQLite's. (A PostgreSQL database has no key beside it; its chain
# is verified by t_copy.sh and the HTTP suites.)
[[ $BACKEND == sqlite ]] || exit 0
export LC_ALL=C
DEMO=$ROOT/data/demo
command -v sqlite3 >/dev/null || { skip security "the sqlite3 shell is needed (scripts/deps.sh test)"; exit 0; }
KEY=$BLUEHELM_DB.audit-key
ZERO=0000000000000000000000000000000000000000000000000000000000000000
sql() { sqlite3 "$BLUEHELM_DB" "$@"; }

# recompute_plain DB: what someone who can write the database file but not
# read the key can do: rewrite every entry's prev_hash and hash as the plain
# SHA-256 chain (the serialization of src/store/audit.c, which is public).
recompute_plain() {
  local db=$1 prev=$ZERO seq h f fields=""
  for f in at user action kind record_id before after; do
    fields+=" || length(cast(coalesce(\"$f\", '') as blob)) || ':' || coalesce(\"$f\", '')"
    fields+=" || case when \"$f\" is null then '~' else '' end || char(10)"
  done
  sqlite3 "$db" "drop trigger if exists _audit_no_update; drop trigger if exists _audit_no_delete"
  for seq in $(sqlite3 "$db" "select seq from _audit order by seq"); do
    sqlite3 "$db" "select writefile('$WORK/entry', '$prev' || char(10) || seq || char(10) $fields) from _audit where seq = $seq" >/dev/null
    h=$(sha256sum "$WORK/entry" | cut -c1-64)
    sqlite3 "$db" "update _audit set prev_hash = '$prev', hash = '$h' where seq = $seq"
    prev=$h
  done
}

fresh_db || { fail setup "init failed"; exit 1; }

# ------------------------------------------------------------ 5. the audit key
[[ -f "$KEY" ]] && ok init-creates-key || fail init-creates-key "no $KEY"
expect_eq key-mode-600 "$(stat -c %a "$KEY")" 600
bh import "$DEMO" >"$WORK/summary" || fail import-demo "$(cat "$WORK/stderr")"

# ------------------------------------------------------ 4. imports are audited
n1=$(sql "select count(*) from _audit")
expect_eq import-audited "$n1" 1
expect_eq import-entry-user "$(sql "select user from _audit where seq = 1")" "local:${USER:-unknown}"
expect_eq import-entry-counts "$(sql "select json_extract(after, '\$.inserted') from _audit where seq = 1")" \
  "$(awk '{ n += $2 } END { print n }' "$WORK/summary")"
expect_eq import-entry-files "$(sql "select json_array_length(after, '\$.files') from _audit where seq = 1")" \
  "$(ls "$DEMO"/*.csv | wc -l)"
ev=$(sql "select event_id_cnty from events where classification = 'confidential' order by 1 limit 1")
bh export events "event_id_cnty=$ev" --raw -o "$WORK/ev.csv"
sed -i 's/,confidential,/,restricted,/' "$WORK/ev.csv"
bh import "$WORK/ev.csv" --kind events >/dev/null || fail reclassify "$(cat "$WORK/stderr")"
expect_eq reclassified "$(sql "select classification from events where event_id_cnty = '$ev'")" restricted
expect_eq reclassify-audited "$(sql "select count(*) from _audit")" 2
expect_eq reclassify-entry-names-event "$(sql "select json_extract(after, '\$.updated_ids[0]') from _audit where seq = 2")" "events/$ev"
expect_eq reclassify-entry-kind "$(sql "select kind || ' ' || action from _audit where seq = 2")" "events import"
# the digest covers the records changed: BLAKE2b is not in the shell, so
# check its form and that two different imports give two digests
d2=$(sql "select json_extract(after, '\$.changes_blake2b') from _audit where seq = 2")
[[ $d2 =~ ^[0-9a-f]{64}$ && $d2 != "$(sql "select json_extract(after, '\$.changes_blake2b') from _audit where seq = 1")" ]] &&
  ok import-entry-digest || fail import-entry-digest "$d2"
bh import "$WORK/ev.csv" --kind events >/dev/null
expect_eq unchanged-import-not-audited "$(sql "select count(*) from _audit")" 2
bh duplicates decide demo-0001 demo-0002 dismiss >/dev/null || fail decide "$(cat "$WORK/stderr")"
expect_eq duplicate-decision-audited "$(sql "select action || ' ' || record_id from _audit where seq = 3")" "duplicate_decision demo-0001/demo-0002"

# ------------------------------------------------ 5. checkpoint and truncation
bh audit verify >"$WORK/out" || fail verify-intact "$(cat "$WORK/stderr")"
expect_grep verify-intact '3 entries, chain intact' "$WORK/out"
CP=$(bh audit checkpoint)
[[ $CP =~ ^[0-9a-f]{64}:3$ ]] && ok checkpoint-form || fail checkpoint-form "$CP"
expect_eq checkpoint-is-head "$CP" "$(sql "select hash || ':' || seq from _audit order by seq desc limit 1")"
bh audit verify --expect "$CP" >/dev/null && ok verify-expect-same || fail verify-expect-same "$(cat "$WORK/stderr")"
bh audit verify --expect "nonsense" >/dev/null
expect_eq verify-expect-malformed-exit "$?" 2
cp "$BLUEHELM_DB" "$WORK/keep.db"
# truncation: the last entry dropped (the triggers dropped first)
sql "drop trigger _audit_no_delete; delete from _audit where seq = 3"
bh audit verify >/dev/null && ok truncated-chain-still-links || fail truncated-chain-still-links "$(cat "$WORK/stderr")"
bh audit verify --expect "$CP" >/dev/null
expect_eq truncation-detected-exit "$?" 2
expect_grep truncation-detected-message 'truncated: it holds 2 entries, the checkpoint counts 3' "$WORK/stderr"
cp "$WORK/keep.db" "$BLUEHELM_DB"
# recomputation: entry 2 rewritten (the reclassification hidden) and the
# plain chain recomputed from the all-zero start
sql "drop trigger _audit_no_update; update _audit set after = '{\"inserted\":0,\"updated\":0,\"unchanged\":1}' where seq = 2"
recompute_plain "$BLUEHELM_DB"
bh audit verify >/dev/null
expect_eq recomputed-plain-chain-detected "$?" 2
expect_grep recomputed-plain-chain-message 'broken at entry 1 .*: its HMAC does not hold' "$WORK/stderr"
bh check >/dev/null
expect_eq check-sees-it-too "$?" 2
bh audit verify --expect "$CP" >/dev/null
expect_eq recomputed-fails-checkpoint "$?" 2
# without the key the same trail is a valid plain chain: the key is what
# tells (and the recomputation above was done right)
mv "$KEY" "$WORK/key.away"
bh audit verify >"$WORK/out" && ok recomputed-plain-holds-without-key || fail recomputed-plain-holds-without-key "$(cat "$WORK/stderr")"
expect_grep without-key-says-not-keyed 'not keyed' "$WORK/out"
mv "$WORK/key.away" "$KEY"

# a database copied without its key takes no write: it would not be signed
# with the key its trail was signed with
cp "$WORK/keep.db" "$BLUEHELM_DB"
printf 'admin1,sector\nSecurityland,east\n' >"$WORK/sector_areas.csv"
BLUEHELM_AUDIT_KEY=$WORK/other.key bh import "$WORK/sector_areas.csv" >/dev/null
expect_eq copied-db-without-its-key-refused "$?" 2
expect_grep copied-db-message 'signed with an audit key that is not here' "$WORK/stderr"
expect_eq copied-db-unchanged "$(sql "select count(*) from _audit")" 3
chmod 644 "$KEY"
bh audit verify >/dev/null
expect_eq key-readable-by-others-refused "$?" 1
expect_grep key-mode-message 'chmod 600' "$WORK/stderr"
chmod 600 "$KEY"
# a backup carries its key and verifies on its own
bh backup "$WORK/bk.db" >/dev/null || fail backup "$(cat "$WORK/stderr")"
expect_eq backup-key-mode "$(stat -c %a "$WORK/bk.db.audit-key")" 600
bh --db "$WORK/bk.db" audit verify --expect "$CP" >/dev/null && ok backup-verifies || fail backup-verifies "$(cat "$WORK/stderr")"

# a database from before the key: its plain entries are kept, counted in the
# key file, and sealed by the first signed entry
rm -f "$BLUEHELM_DB" "$KEY"
cp "$WORK/keep.db" "$BLUEHELM_DB"
recompute_plain "$BLUEHELM_DB"
bh audit verify >"$WORK/out" && ok legacy-plain-chain-holds || fail legacy-plain-chain-holds "$(cat "$WORK/stderr")"
bh import "$WORK/sector_areas.csv" >/dev/null || fail legacy-first-write "$(cat "$WORK/stderr")"
[[ -f "$KEY" ]] && ok legacy-key-made-by-first-write || fail legacy-key-made-by-first-write "no key"
expect_grep legacy-key-counts-plain '^plain 3$' "$KEY"
bh audit verify >"$WORK/out" || fail legacy-verify "$(cat "$WORK/stderr")"
expect_grep legacy-verify-message '4 entries, chain intact \(the first 3 from before the audit key' "$WORK/out"
sql "update _audit set user = 'someone else' where seq = 2"
recompute_plain "$BLUEHELM_DB"
bh audit verify >/dev/null
expect_eq legacy-entry-rewritten-detected "$?" 2
expect_grep legacy-entry-rewritten-where 'broken at entry 4' "$WORK/stderr"

# ----------------------------------------------------- 7. empty items in filters
fresh_db --no-gazetteer || fail setup2 "init failed"
for f in 'admin1=,' 'tags=,' 'fatalities=,' 'admin1!=,' 'admin1=Gao,' 'admin1=,Gao' 'sector=,'; do
  bh count events "$f" >/dev/null
  rc=$?
  if [[ $rc -eq 2 ]] && grep -q 'empty item' "$WORK/stderr"; then ok "count-empty-item $f"
  else fail "count-empty-item $f" "exit $rc: $(cat "$WORK/stderr")"; fi
done
expect_eq count-no-value-still-works "$(bh count events 'tags=')" 0

# --------------------------------------------------------- 13. NUL in a CSV field
hdr=event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude,notes
printf '%s\nnul-1,2021-05-01,Battles,Armed clash,16.1,0.2,before\0after\n' "$hdr" >"$WORK/events.csv"
bh import "$WORK/events.csv" >/dev/null
expect_eq nul-row-refused-exit "$?" 2
expect_grep nul-row-names-column '^events.csv:2: notes: a NUL byte' "$WORK/stderr"
expect_eq nul-row-nothing-stored "$(bh count events)" 0
bh import "$WORK/events.csv" --skip-bad "$WORK/bad.csv" >/dev/null
expect_eq nul-row-skip-bad-stores-nothing "$(bh count events)" 0
expect_grep nul-row-in-skip-file 'NUL byte' "$WORK/bad.csv"

# --------------------------------------------- 14. CSV for spreadsheets, or raw
printf '%s\n' "$hdr" \
  'f-1,2021-05-01,Battles,Armed clash,16.1,-0.25,"=HYPERLINK(""http://evil.example"",""x"")"' \
  'f-2,2021-05-01,Battles,Armed clash,16.1,0.2,+1 more' \
  'f-3,2021-05-01,Battles,Armed clash,16.1,0.2,-x' \
  'f-4,2021-05-01,Battles,Armed clash,16.1,0.2,@SUM(A1)' \
  'f-5,2021-05-01,Battles,Armed clash,16.1,0.2,plain text' >"$WORK/events.csv"
printf 'f-6,2021-05-01,Battles,Armed clash,16.1,0.2,"\ttab"\n' >>"$WORK/events.csv"
bh import "$WORK/events.csv" >/dev/null || fail formula-import "$(cat "$WORK/stderr")"
bh export events -o "$WORK/sheet.csv" || fail export-sheet "$(cat "$WORK/stderr")"
expect_eq sheet-formula-neutralised "$(grep -c "^f-1,.*,\"'=HYPERLINK" "$WORK/sheet.csv")" 1
expect_eq sheet-plus "$(grep -c "^f-2,.*,'+1 more," "$WORK/sheet.csv")" 1
expect_eq sheet-minus "$(grep -c "^f-3,.*,'-x," "$WORK/sheet.csv")" 1
expect_eq sheet-at "$(grep -c "^f-4,.*,'@SUM(A1)," "$WORK/sheet.csv")" 1
expect_eq sheet-tab "$(grep -c "^f-6,.*,'$(printf '\t')tab," "$WORK/sheet.csv")" 1
expect_eq sheet-plain-untouched "$(grep -c '^f-5,.*,plain text,' "$WORK/sheet.csv")" 1
expect_eq sheet-negative-number-untouched "$(grep -c '^f-1,2021-05-01,.*,-0.25,' "$WORK/sheet.csv")" 1
bh export events --raw -o "$WORK/raw.csv"
expect_eq raw-keeps-formula "$(grep -c '^f-1,.*,"=HYPERLINK(""http' "$WORK/raw.csv")" 1
# the raw export imports back unchanged
fresh_db --no-gazetteer
bh import "$WORK/raw.csv" --kind events >/dev/null || fail raw-reimport "$(cat "$WORK/stderr")"
bh export events --raw -o "$WORK/raw2.csv"
check raw-roundtrip cmp -s "$WORK/raw.csv" "$WORK/raw2.csv"
bh export --all "$WORK/all" >/dev/null
expect_eq export-all-is-raw "$(grep -c '^f-1,.*,"=HYPERLINK' "$WORK/all/events.csv")" 1
bh export events --format json --raw >/dev/null
expect_eq raw-is-for-csv "$?" 2
