#!/usr/bin/env bash
# t_security.sh: the findings of issue 16 over HTTP, each reproduced as the
# attack run did it: a sector-scoped editor taking over another sector's
# events by moving places (1); events' stored sectors after a place or a
# sector area changes through the API (2); sessions and tokens after a
# password change (3); the audit trail of API imports and its checkpoint
# (4, 5); empty list items in filters (7); login CSRF and the Origin rule
# (11); references to records a viewer may not see (12).
source "$(dirname "$0")/lib.sh"
need_http_tools
export LC_ALL=C
demo_db || { fail setup "could not build the demo database"; exit 1; }
echo "$PASSWORD" | bh user add nor --role editor --sector north >/dev/null || fail setup-nor "$(cat "$WORK/stderr")"
NOR=$(bh user token nor)
start_server || { fail server-starts "see above"; exit 1; }
ok server-starts
JSON=(-H 'Content-Type: application/json')
sql() { lite_sql "$@"; }
# sector_of ID: the stored sector of an event, as the API shows it.
sector_of() { get "$AN" "/api/v1/events/$1"; jq_ '$.sector'; }

# ------------------------------------------------------------ 1. sector takeover
# A place in Gao (sector east by its area) and, inside it, a place in Kidal.
# The inner place is north: a place's own admin1 counts before its parents'
# (it is where an event placed there would be).
post "$EAST" /api/v1/places '{"place_id": "sec-p", "name": "Security P", "admin1": "Gao", "latitude": 16.1, "longitude": 0.2}'
expect east-creates-p 201
post "$EAST" /api/v1/places '{"place_id": "sec-c", "name": "Security C", "admin1": "Kidal", "parent_place": "sec-p", "latitude": 18.4, "longitude": 1.4}'
expect east-may-not-create-a-north-place 403
post "$ADM" /api/v1/places '{"place_id": "sec-c", "name": "Security C", "admin1": "Kidal", "parent_place": "sec-p", "latitude": 18.4, "longitude": 1.4}'
expect admin-creates-c 201
post "$NOR" /api/v1/events "$(event_json sec-ev-1 sec-c restricted)"
expect north-creates-event-at-c 201
expect_eq event-at-c-is-north "$(sector_of sec-ev-1)" north
put "$EAST" /api/v1/places/sec-c '{"sector": "east"}'
expect east-may-not-take-c 403
# P stays east, but giving it a sector would pull C and the event with it.
put "$EAST" /api/v1/places/sec-p '{"sector": "east"}'
expect east-may-not-move-c-through-its-parent 403
if [[ $body == *"would move"*"sec-c"* || $body == *"would move"*"sec-ev-1"* ]]; then ok takeover-message-names-what-moves
else fail takeover-message-names-what-moves "$body"; fi
expect_eq takeover-refused-event-still-north "$(sector_of sec-ev-1)" north
# the same through an import of places
post "$EAST" /api/v1/import/places $'place_id,name,latitude,longitude,admin1,sector\nsec-p,Security P,16.1,0.2,Gao,east\n'
expect east-import-may-not-move-c 403
put "$EAST" /api/v1/events/sec-ev-1 "$(event_json sec-ev-1 sec-c unclassified)"
expect east-may-not-edit-the-event 403
put "$NOR" /api/v1/events/sec-ev-1 "$(event_json sec-ev-1 sec-c unclassified)"
expect north-still-edits-the-event 200
# a sector area: east may not redraw Kidal, nor delete it
put "$EAST" /api/v1/sector_areas/Kidal '{"sector": "east"}'
expect east-may-not-redraw-kidal 403
del "$EAST" /api/v1/sector_areas/Kidal
expect east-may-not-delete-kidal 403
# a unit's history: a change of sector dated today moves the unit's
# equipment from north to east, whatever the change's own sector
post "$EAST" /api/v1/unit_changes '{"unit_id": "inf-bn-tcd-agk", "date": "2021-01-01", "sector": "east"}'
expect east-may-not-move-a-north-unit-by-its-history 403
[[ $body == *"would move "*"from sector 'north' to 'east'"* ]] && ok unit-history-moves-equipment || fail unit-history-moves-equipment "$body"
post "$NOR" /api/v1/unit_changes '{"unit_id": "inf-bn-tcd-agk", "date": "2021-01-01", "note": "north may write its own unit'"'"'s history"}'
expect north-writes-its-unit-history 201
# an editor may still move what is all their own: a place inside sec-p in
# Gao, with an event, both east, and sec-p given sector east explicitly
# after sec-c left it (admin)
put "$ADM" /api/v1/places/sec-c '{"parent_place": null}'
expect admin-detaches-c 200
post "$EAST" /api/v1/places '{"place_id": "sec-d", "name": "Security D", "admin1": "Gao", "parent_place": "sec-p", "latitude": 16.2, "longitude": 0.3}'
expect east-creates-d 201
post "$EAST" /api/v1/events "$(event_json sec-ev-2 sec-d restricted)"
expect east-creates-event-at-d 201
put "$EAST" /api/v1/places/sec-p '{"sector": "east"}'
expect east-moves-only-east 200
# an admin moves anything
put "$ADM" /api/v1/places/sec-p '{"sector": "centre"}'
expect admin-moves-p 200

# ------------------------------------------------ 2. stored sectors follow places
expect_eq event-follows-parent-place "$(sector_of sec-ev-2)" centre
get "$AN" '/api/v1/count/events?place_id=camp-ansongo'
n_ansongo=$(jq_ '$.count')
[[ $n_ansongo -ge 1 ]] && ok demo-has-events-at-camp-ansongo || fail demo-has-events-at-camp-ansongo "$body"
put "$ADM" /api/v1/places/camp-ansongo '{"sector": "centre"}'
expect place-sector-change 200
get "$AN" '/api/v1/count/events?place_id=camp-ansongo&sector=centre'
expect_eq count-by-sector-follows-place "$(jq_ '$.count')" "$n_ansongo"
get "$AN" '/api/v1/count/events?place_id=camp-ansongo&sector=east'
expect_eq count-by-old-sector-empty "$(jq_ '$.count')" 0
# an event placed by its admin1 alone follows the sector area
post "$ADM" /api/v1/events '{"event_id_cnty": "sec-ev-3", "event_date": "2021-05-01", "event_type": "Battles", "sub_event_type": "Armed clash", "admin1": "Ménaka", "latitude": 15.9, "longitude": 2.4, "fatalities": 0}'
expect event-by-admin1 201
expect_eq event-by-admin1-sector "$(sector_of sec-ev-3)" east
put "$ADM" '/api/v1/sector_areas/M%C3%A9naka' '{"sector": "centre"}'
expect area-change 200
expect_eq event-follows-area "$(sector_of sec-ev-3)" centre
del "$ADM" '/api/v1/sector_areas/M%C3%A9naka'
expect area-delete 204
expect_eq event-follows-area-delete "$(sector_of sec-ev-3)" ""
# an event's sector is its stored sector (its place, else its admin1's
# area), never its operation's: with Ménaka's area gone, an event there is
# in no sector even when it names op-seka (east), so an east editor may not
# write it (the rule of API.md: a record with no sector needs an editor
# without a sector scope), and sector=east does not count it
post "$EAST" /api/v1/events '{"event_id_cnty": "sec-ev-4", "event_date": "2021-05-01", "event_type": "Battles", "sub_event_type": "Armed clash", "admin1": "Ménaka", "latitude": 15.9, "longitude": 2.4, "fatalities": 0, "operation_id": "op-seka"}'
expect event-sector-not-through-operation 403
post "$ADM" /api/v1/events '{"event_id_cnty": "sec-ev-4", "event_date": "2021-05-01", "event_type": "Battles", "sub_event_type": "Armed clash", "admin1": "Ménaka", "latitude": 15.9, "longitude": 2.4, "fatalities": 0, "operation_id": "op-seka"}'
expect event-without-sector-by-admin 201
expect_eq event-without-sector "$(sector_of sec-ev-4)" ""
# the database agrees with what the API shows (no event left behind)
expect_eq stored-sector-sec-ev-3 "$(sql "select coalesce(sector, '') from events where event_id_cnty = 'sec-ev-3'")" ""

# ------------------------------------------- 3. a password change ends sessions
login() { req POST /api/v1/login "${JSON[@]}" --data-binary "{\"user\": \"$1\", \"password\": \"$2\"}" "${@:3}"; }
login ed "$PASSWORD"
expect ed-login 200
ED_SESSION=$(jq_ '$.token')
get "$ED_SESSION" /api/v1/me
expect ed-session-works 200
NEWPW='another long password 42'
echo "$NEWPW" | bh user passwd ed >/dev/null || fail passwd "$(cat "$WORK/stderr")"
get "$ED_SESSION" /api/v1/me
expect passwd-ends-session 401
get "$ED" /api/v1/me
expect passwd-ends-api-token 401
login ed "$PASSWORD"
expect old-password-refused 401
login ed "$NEWPW"
expect new-password-works 200
ED=$(bh user token ed)
# a user changing their own password keeps the session that does it
login an "$PASSWORD"
S1=$(jq_ '$.token')
login an "$PASSWORD"
S2=$(jq_ '$.token')
post "$S1" /api/v1/me/password '{"password": "wrong current password", "new_password": "whatever long enough"}'
expect self-change-wrong-current 403
post "$S1" /api/v1/me/password '{"password": "x", "new_password": "y", "extra": 1}'
expect self-change-unknown-key 400
post "$S1" /api/v1/me/password "{\"password\": \"$PASSWORD\", \"new_password\": \"short\"}"
expect self-change-too-short 400
post "$S1" /api/v1/me/password "{\"password\": \"$PASSWORD\", \"new_password\": \"$NEWPW\"}"
expect self-change 200
get "$S1" /api/v1/me
expect self-change-keeps-own-session 200
get "$S2" /api/v1/me
expect self-change-ends-other-session 401
get "$AN" /api/v1/me
expect self-change-ends-token 401
AN=$(bh user token an)

# ------------------------------------------------------- 4, 5. audit of imports
seq0=$(sql "select max(seq) from _audit")
post "$ADM" /api/v1/import/events "$(printf 'event_id_cnty,event_date,event_type,sub_event_type,admin1,latitude,longitude,classification\nsec-imp-1,2021-05-02,Battles,Armed clash,Gao,16.1,0.2,confidential\n')"
expect api-import 200
post "$ADM" /api/v1/import/events "$(printf 'event_id_cnty,event_date,event_type,sub_event_type,admin1,latitude,longitude,classification\nsec-imp-1,2021-05-02,Battles,Armed clash,Gao,16.1,0.2,restricted\n')"
expect api-import-reclassifies 200
expect_eq api-import-audited "$(sql "select count(*) from _audit where seq > $seq0 and action = 'import' and user = 'adm'")" 2
expect_eq api-import-names-updated "$(sql "select json_extract(after, '\$.updated_ids[0]') from _audit where seq = (select max(seq) from _audit)")" events/sec-imp-1
post "$ADM" /api/v1/import/events "$(printf 'event_id_cnty,event_date,event_type,sub_event_type,admin1,latitude,longitude,classification\nsec-imp-1,2021-05-02,Battles,Armed clash,Gao,16.1,0.2,restricted\n')"
expect api-import-unchanged 200
expect_eq api-import-unchanged-not-audited "$(sql "select count(*) from _audit where seq > $seq0")" 2
get "$ADM" /api/v1/audit/checkpoint
expect audit-checkpoint 200
expect_eq audit-checkpoint-matches-cli "$(jq_ '$.checkpoint')" "$(bh audit checkpoint)"
expect_eq audit-checkpoint-keyed "$(jq_ '$.keyed')" 1
get "$ED" /api/v1/audit/checkpoint
expect audit-checkpoint-admin-only 403

# ----------------------------------------------------- 7. empty items in filters
for q in 'admin1=,' 'tags=,' 'fatalities=,' 'admin1=ne:,' 'admin1=Gao,' 'admin1=,Gao' 'sector=,'; do
  get "$AN" "/api/v1/count/events?$q"
  expect "empty-item-400 $q" 400
  [[ $body == *"empty"* ]] || fail "empty-item-message $q" "$body"
done
get "$AN" '/api/v1/events?admin1=,'
expect empty-item-list-400 400
get "$AN" '/api/v1/count/events?tags='
expect no-value-still-means-no-value 200

# ------------------------------------------------------------- 11. login CSRF
login vw "$PASSWORD" -H 'Origin: http://evil.example' -c "$WORK/evil.jar"
expect login-foreign-origin-403 403
if grep -qi '^set-cookie' "$WORK/headers"; then fail login-foreign-origin-no-cookie "$(grep -i set-cookie "$WORK/headers")"
else ok login-foreign-origin-no-cookie; fi
req POST /api/v1/login -H 'Content-Type: text/plain' -H 'Origin: http://evil.example' \
  --data-binary "{\"user\": \"vw\", \"password\": \"$PASSWORD\"}"
expect login-text-plain-foreign-origin-403 403
req POST /api/v1/login -H 'Content-Type: text/plain' --data-binary "{\"user\": \"vw\", \"password\": \"$PASSWORD\"}"
expect login-text-plain-400 400
req POST /api/v1/login --data-binary "{\"user\": \"vw\", \"password\": \"$PASSWORD\"}"
expect login-form-encoded-400 400
login vw "$PASSWORD" -H 'Sec-Fetch-Site: cross-site'
expect login-cross-site-403 403
req POST /api/v1/login "${JSON[@]}" --data-binary "{\"user\": \"vw\", \"password\": \"$PASSWORD\", \"remember\": true}"
expect login-unknown-key-400 400
HOSTPORT=${URL#http://}
login ed "$NEWPW" -H "Origin: $URL" -H 'Sec-Fetch-Site: same-origin' -c "$WORK/ed.jar"
expect login-same-origin 200
CSRF=$(jq_ '$.csrf')
req POST /api/v1/events -b "$WORK/ed.jar" -H "X-CSRF-Token: $CSRF" "${JSON[@]}" -H 'Origin: http://evil.example' \
  --data-binary "$(event_json sec-csrf-1)"
expect cookie-write-foreign-origin-403 403
req POST /api/v1/events -b "$WORK/ed.jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: text/plain' \
  --data-binary "$(event_json sec-csrf-1)"
expect cookie-write-text-plain-400 400
req POST /api/v1/events -b "$WORK/ed.jar" -H "X-CSRF-Token: $CSRF" "${JSON[@]}" -H "Origin: http://$HOSTPORT" \
  -H 'Sec-Fetch-Site: same-origin' --data-binary "$(event_json sec-csrf-1)"
expect cookie-write-same-origin-201 201
post "$ED" /api/v1/events "$(event_json sec-csrf-2)" -H 'Origin: http://evil.example'
expect bearer-write-any-origin-201 201

# ----------------------------------------------- 12. hidden references (viewer)
CONF=$(sql "select event_id_cnty from events where classification = 'confidential' order by 1 limit 1")
ROW=$(sql "select equipment_id || '/' || date from equipment_status where event_id is null order by equipment_id, date limit 1")
[[ -n "$CONF" && -n "$ROW" ]] && ok demo-has-confidential-event || fail demo-has-confidential-event "none"
put "$ADM" "/api/v1/equipment_status/$ROW" "{\"event_id\": \"$CONF\"}"
expect status-names-confidential-event 200
get "$VW" "/api/v1/equipment_status/$ROW"
expect viewer-gets-status 200
expect_eq viewer-sees-null-event "$(jq_ '$.event_id')" ""
expect_eq viewer-sees-hidden-flag "$(jq_ '$._hidden[0]')" event_id
if [[ $body == *"$CONF"* ]]; then fail viewer-never-sees-the-id "$body"; else ok viewer-never-sees-the-id; fi
get "$VW" "/api/v1/equipment_status?equipment_id=${ROW%%/*}&limit=1000"
if [[ $body == *"$CONF"* ]]; then fail viewer-list-never-sees-the-id "$(head -c 300 <<<"$body")"; else ok viewer-list-never-sees-the-id; fi
get "$VW" "/api/v1/count/equipment_status?event_id=$CONF"
expect_eq viewer-filter-on-hidden-matches-nothing "$(jq_ '$.count')" 0
get "$AN" "/api/v1/count/equipment_status?event_id=$CONF"
expect_eq analyst-filter-matches "$(jq_ '$.count')" 1
get "$AN" "/api/v1/equipment_status/$ROW"
expect_eq analyst-sees-event "$(jq_ '$.event_id')" "$CONF"
expect_eq analyst-no-hidden-flag "$(jq_ '$._hidden')" ""
get "$VW" "/api/v1/count/equipment_status?event_id=ne:$CONF"
expect_eq viewer-ne-filter-skips-hidden "$(jq_ '$.count')" "$(sql "select count(*) from equipment_status where event_id is null or event_id not in (select event_id_cnty from events where classification = 'confidential')")"

stop_server
sanitizer_clean server-sanitizer-clean
