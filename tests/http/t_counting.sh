#!/usr/bin/env bash
# t_counting.sh: issue 10 over HTTP (API.md, "Additions of the second
# round"): merging and unmerging duplicates (editors within their sectors),
# what counts in counts, indicators and the map while lists show everything,
# verification by PUT and by a partial CSV import with its audit entries,
# ACLED deletions by import, and every bad input: its status, the error
# envelope, and nothing stored.
source "$(dirname "$0")/lib.sh"
need_http_tools
demo_db || { fail setup "could not build the demo database"; exit 1; }
start_server || { fail server-starts "see above"; exit 1; }

# Three events of sector east and one of sector north, none confidential.
mapfile -t EAST_EV < <(db_sql "select event_id_cnty from events where sector = 'east' and classification != 'confidential' order by 1 limit 3")
A=${EAST_EV[0]} B=${EAST_EV[1]} C=${EAST_EV[2]}
NORTH=$(db_sql "select event_id_cnty from events where sector = 'north' and classification != 'confidential' order by 1 limit 1")
N=$(bh count events)
audit_n() { db_sql "select count(*) from _audit"; }
count_api() { get "$AN" "/api/v1/count/events$1"; jq_ '$.count'; }
features() { sqlite3 :memory: "select json_array_length(cast(readfile('$WORK/body') as text), '\$.features')"; }
# refused NAME STATUS METHOD PATH BODY [TOKEN]: the request gets STATUS with
# the error envelope, and neither the events nor the audit trail change.
refused() {
  local name=$1 status=$2 m=$3 p=$4 d=$5 t=${6:-$ED} before a0
  before=$(db_sql "select event_id_cnty || ':' || coalesce(duplicate_of, '') || ':' || verification || ':' || deleted from events order by 1" | paste -sd,)
  a0=$(audit_n)
  req "$m" "$p" -H "Authorization: Bearer $t" --data-binary "$d" "${@:7}"
  expect "$name" "$status"
  expect_eq "$name-nothing-stored" \
    "$(db_sql "select event_id_cnty || ':' || coalesce(duplicate_of, '') || ':' || verification || ':' || deleted from events order by 1" | paste -sd,)/$(audit_n)" \
    "$before/$a0"
}

# ---------------------------------------------------------------- candidates
get "$AN" "/api/v1/duplicates?event_date=ge:2020-01-01&km=25&days=3&limit=5"
expect duplicates-list 200
[[ -n "$(jq_ '$.pairs_found')" && -n "$(jq_ '$.events_compared')" ]] && ok duplicates-shape || fail duplicates-shape "$body"
get "$AN" "/api/v1/duplicates?km=-3"
expect duplicates-bad-km 400
get "$AN" "/api/v1/duplicates?colour=red"
expect duplicates-bad-filter 400

# ---------------------------------------------------------------- merge
post "$ED" /api/v1/duplicates/merge "{\"keep\": \"$A\", \"others\": [\"$B\"]}"
expect merge-200 200
expect_eq merge-answer "$(jq_ '$.keep') $(jq_ '$.merged')" "$A 1"
expect_eq merge-count "$(count_api '')" "$((N - 1))"
expect_eq merge-count-all "$(count_api '?counted=no')" "$N"
expect_eq merge-count-named "$(count_api "?duplicate_of=$A")" 1
get "$AN" "/api/v1/events?duplicate_of=$A"
expect_eq merge-list-shows "$(jq_ '$.items[0].event_id_cnty') $(jq_ '$.items[0].duplicate_of')" "$B $A"
get "$AN" "/api/v1/indicators/count?of=events"
expect_eq merge-indicator "$(jq_ '$.count') $(grep -c "\"$B\"" "$WORK/body")" "$((N - 1)) 0"
get "$AN" "/api/v1/events.geojson"
expect_eq merge-map "$(features) $(grep -c "\"$B\"" "$WORK/body")" "$((N - 1)) 0"
get "$AN" "/api/v1/events.geojson?counted=no"
expect_eq map-counted-no "$(features)" "$N"
get "$ADM" "/api/v1/audit?limit=1000"
last=$(sqlite3 :memory: "select json_extract(value, '\$.action') || ' ' || json_extract(value, '\$.user') || ' ' || json_extract(value, '\$.record_id') || ' ' || coalesce(json_extract(value, '\$.before.duplicate_of'), '-') || ' ' || json_extract(value, '\$.after.duplicate_of') from json_each(cast(readfile('$WORK/body') as text), '\$.items') order by key desc limit 1")
expect_eq merge-audited "$last" "merge ed $B - $A"
get "$AN" "/api/v1/count/events?counted=maybe"
expect counted-bad-value 400

# ---------------------------------------------------------------- merge refusals
refused merge-unknown-keep 404 POST /api/v1/duplicates/merge '{"keep": "nope-1", "others": ["'"$C"'"]}'
refused merge-unknown-other 404 POST /api/v1/duplicates/merge '{"keep": "'"$C"'", "others": ["nope-2"]}'
refused merge-into-itself 400 POST /api/v1/duplicates/merge '{"keep": "'"$C"'", "others": ["'"$C"'"]}'
refused merge-keep-merged 409 POST /api/v1/duplicates/merge '{"keep": "'"$B"'", "others": ["'"$C"'"]}'
refused merge-other-has-merged 409 POST /api/v1/duplicates/merge '{"keep": "'"$C"'", "others": ["'"$A"'"]}'
refused merge-other-elsewhere 409 POST /api/v1/duplicates/merge '{"keep": "'"$C"'", "others": ["'"$B"'"]}'
refused merge-all-or-nothing 404 POST /api/v1/duplicates/merge '{"keep": "'"$A"'", "others": ["'"$C"'", "nope-3"]}'
refused merge-malformed 400 POST /api/v1/duplicates/merge '{"keep": '
refused merge-no-others 400 POST /api/v1/duplicates/merge '{"keep": "'"$C"'"}'
refused merge-others-empty 400 POST /api/v1/duplicates/merge '{"keep": "'"$C"'", "others": []}'
refused merge-others-not-ids 400 POST /api/v1/duplicates/merge '{"keep": "'"$C"'", "others": [7]}'
refused merge-not-object 400 POST /api/v1/duplicates/merge '["'"$C"'"]'
refused merge-viewer 403 POST /api/v1/duplicates/merge '{"keep": "'"$C"'", "others": ["'"$A"'"]}' "$VW"
refused merge-analyst 403 POST /api/v1/duplicates/merge '{"keep": "'"$C"'", "others": ["'"$A"'"]}' "$AN"
refused merge-other-sector 403 POST /api/v1/duplicates/merge '{"keep": "'"$C"'", "others": ["'"$NORTH"'"]}' "$EAST"
refused merge-keep-other-sector 403 POST /api/v1/duplicates/merge '{"keep": "'"$NORTH"'", "others": ["'"$C"'"]}' "$EAST"
refused unmerge-not-merged 409 POST /api/v1/duplicates/unmerge '{"id": "'"$C"'"}'
refused unmerge-unknown 404 POST /api/v1/duplicates/unmerge '{"id": "nope-4"}'
refused unmerge-no-id 400 POST /api/v1/duplicates/unmerge '{}'
refused decide-bad-word 400 POST /api/v1/duplicates/decide '{"a": "'"$A"'", "b": "'"$C"'", "decision": "keep"}'
refused decide-unknown 404 POST /api/v1/duplicates/decide '{"a": "'"$A"'", "b": "nope-5", "decision": "dismiss"}'
# a sector editor may merge within the sector
post "$EAST" /api/v1/duplicates/merge "{\"keep\": \"$A\", \"others\": [\"$C\"]}"
expect merge-own-sector 200

# ---------------------------------------------------------------- unmerge
post "$ED" /api/v1/duplicates/unmerge "{\"id\": \"$B\"}"
expect unmerge-200 200
expect_eq unmerge-answer "$(jq_ '$.was_merged_into')" "$A"
post "$ED" /api/v1/duplicates/decide "{\"a\": \"$A\", \"b\": \"$C\", \"decision\": \"dismiss\"}"
expect decide-dismiss-200 200
expect_eq unmerged-count "$(count_api '')" "$N"

# ---------------------------------------------------------------- verification
put "$ED" "/api/v1/events/$A" '{"verification": "rejected", "reliability": "B", "credibility": "2"}'
expect verify-put 200
expect_eq verify-put-stored "$(jq_ '$.verification') $(jq_ '$.reliability') $(jq_ '$.credibility') $(jq_ '$.event_type')" \
  "rejected B 2 $(db_sql "select event_type from events where event_id_cnty = '$A'")"
expect_eq rejected-not-counted "$(count_api '') $(count_api '?verification=rejected')" "$((N - 1)) 1"
get "$ADM" "/api/v1/audit?limit=1000"
last=$(sqlite3 :memory: "select json_extract(value, '\$.action') || ' ' || json_extract(value, '\$.user') || ' ' || json_extract(value, '\$.before.verification') || ' ' || json_extract(value, '\$.after.verification') || ' ' || (json_extract(value, '\$.at') != '') from json_each(cast(readfile('$WORK/body') as text), '\$.items') order by key desc limit 1")
expect_eq verify-audited "$last" "update ed reported rejected 1"
refused verify-bad-word 400 PUT "/api/v1/events/$A" '{"verification": "maybe"}'
expect_grep verify-bad-word-field '"field":"verification"' "$WORK/body"
refused verify-bad-reliability 400 PUT "/api/v1/events/$A" '{"reliability": "G"}'
refused verify-bad-credibility 400 PUT "/api/v1/events/$A" '{"credibility": "7"}'
refused verify-credibility-number 400 PUT "/api/v1/events/$A" '{"credibility": 2}'
refused verify-viewer 403 PUT "/api/v1/events/$A" '{"verification": "verified"}' "$VW"
# a partial CSV import: the id and the verification; the audit trail names who and when
post "$ED" /api/v1/import/events "$(printf 'event_id_cnty,verification\n%s,verified\n' "$A")" -H 'Content-Type: text/csv'
expect verify-import 200
expect_eq verify-import-answer "$(jq_ '$.updated')" 1
get "$ADM" "/api/v1/audit?limit=1000"
entries=$(sqlite3 :memory: "select group_concat(json_extract(value, '\$.action') || ':' || coalesce(json_extract(value, '\$.record_id'), '') || ':' || coalesce(json_extract(value, '\$.after.verification'), ''), ' ') from (select value from json_each(cast(readfile('$WORK/body') as text), '\$.items') order by key desc limit 2)")
expect_eq verify-import-audited "$entries" "import:: update:$A:verified"
refused partial-import-new-id 400 POST /api/v1/import/events "$(printf 'event_id_cnty,verification\nnot-there,rejected\n')" "$ED" -H 'Content-Type: text/csv'
expect_grep partial-import-names-column '"field":"event_date","line":2' "$WORK/body"
refused import-bad-verification 400 POST /api/v1/import/events "$(printf 'event_id_cnty,verification\n%s,maybe\n' "$A")" "$ED" -H 'Content-Type: text/csv'

# ---------------------------------------------------------------- ACLED deletions
post "$ED" "/api/v1/import/events?format=acled-deletions" "$(printf 'event_id_cnty,deleted_timestamp\n%s,1700000000\nnot-yet-1,1700000000\n' "$C")" -H 'Content-Type: text/csv'
expect deletions-import 200
expect_eq deletions-answer "$(jq_ '$.inserted') $(jq_ '$.marked') $(jq_ '$.remembered')" "2 1 1"
expect_eq deleted-not-counted "$(count_api '') $(count_api '?deleted=yes')" "$((N - 1)) 1"
get "$AN" "/api/v1/events/$C"
expect_eq deleted-shown "$(jq_ '$.deleted')" 1
refused deletions-bad-timestamp 400 POST "/api/v1/import/events?format=acled-deletions" "$(printf 'event_id_cnty,deleted_timestamp\n%s,soon\n' "$B")" "$ED" -H 'Content-Type: text/csv'
expect_grep deletions-bad-timestamp-field '"field":"deleted_timestamp","line":2' "$WORK/body"
refused deletions-missing-column 400 POST "/api/v1/import/events?format=acled-deletions" "$(printf 'event_id_cnty\n%s\n' "$B")" "$ED" -H 'Content-Type: text/csv'
refused deletions-bad-format 400 POST "/api/v1/import/events?format=acled-delete" "$(printf 'event_id_cnty,deleted_timestamp\n%s,5\n' "$B")" "$ED" -H 'Content-Type: text/csv'
# an import of a deleted event without a later timestamp is skipped
post "$ED" /api/v1/import/events "$(bh export events event_id_cnty="$C" --raw)" -H 'Content-Type: text/csv'
expect deleted-reimport 200
expect_eq deleted-reimport-skipped "$(jq_ '$.skipped') $(count_api '')" "1 $((N - 1))"

stop_server
sanitizer_clean counting-server-sanitizers
exit 0
