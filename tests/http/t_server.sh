#!/usr/bin/env bash
# t_server.sh: `bluehelm serve` as clients use it (API.md): health, sign-in
# (tokens, session cookie, CSRF, logout, revoked and expired tokens, slowed
# failed logins), roles and the classification and sector rules, cursor
# paging, filters and indicators against the CLI, 200 concurrent writers
# with 3 s timeouts, a backup while writing, slow clients (more in
# t_wire.sh), graceful shutdown and the access log.
# Hostile input (injection, sizes, traversal, CSV imports) is t_attacks.sh.
source "$(dirname "$0")/lib.sh"
need_http_tools
demo_db || { fail setup "could not build the demo database"; exit 1; }
start_server || { fail server-starts "see above"; exit 1; }
ok server-starts

# ids FILE [PATH] [KEY]: the KEY (default event_id_cnty) of each item of the
# JSON array at PATH (default $.items), one a line, in order.
ids() {
  sqlite3 :memory: "select json_extract(value, '\$.${3:-event_id_cnty}') from
    json_each(cast(readfile('$1') as text), '${2:-\$.items}')"
}
# norm_json FILE: the JSON text, re-serialised (whitespace and layout removed).
norm_json() { sqlite3 :memory: "select json(cast(readfile('$1') as text))"; }
header() { grep -i "^$1:" "$WORK/headers" | head -1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'; }

# ---------------------------------------------------------------- sign-in
req GET /api/v1/health
if [[ $code == 200 && $(jq_ '$.status') == ok ]]; then ok health-public; else fail health-public "$code $body"; fi

login() { # USER PASSWORD [CURL ARGS]: POST /api/v1/login
  local u=$1 p=$2
  shift 2
  req POST /api/v1/login -H 'Content-Type: application/json' \
    --data-binary "{\"user\": \"$u\", \"password\": \"$p\"}" "$@"
}
login ed "$PASSWORD" -c "$WORK/ed.jar"
expect login-ok 200
SESSION=$(jq_ '$.token') CSRF=$(jq_ '$.csrf')
[[ -n "$SESSION" ]] && ok login-gives-token || fail login-gives-token "$body"
cookie=$(header Set-Cookie)
if [[ $cookie == bh_session=* && $cookie == *HttpOnly* && $cookie == *SameSite=Strict* ]]; then
  ok login-sets-cookie
else fail login-sets-cookie "Set-Cookie: '$cookie'"; fi
login ed "not the right password"
expect login-wrong-password 401
login nobody "$PASSWORD"
expect login-unknown-user 401
req POST /api/v1/login --data-binary '{"user": "ed"'
expect login-malformed 400 validation
# a NUL inside the password must not cut it short: "PASSWORD\u0000x" is refused
login ed "$PASSWORD"'\u0000x'
expect login-nul-refused 400 validation

# the session cookie signs in a GET
req GET /api/v1/me -b "$WORK/ed.jar"
if [[ $code == 200 && $(jq_ '$.user') == ed ]]; then ok session-cookie-get; else fail session-cookie-get "$code $body"; fi
# a state-changing request with the cookie needs X-CSRF-Token
n0=$(events_count)
req POST /api/v1/events -b "$WORK/ed.jar" --data-binary "$(event_json csrf-1)"
expect csrf-missing-403 403
req POST /api/v1/events -b "$WORK/ed.jar" -H "X-CSRF-Token: x$CSRF" --data-binary "$(event_json csrf-1)"
expect csrf-wrong-403 403
expect_eq csrf-refused-stores-nothing "$(events_count)" "$n0"
req POST /api/v1/events -b "$WORK/ed.jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
  --data-binary "$(event_json csrf-1)"
expect csrf-header-201 201
req POST /api/v1/logout -b "$WORK/ed.jar"
expect logout-needs-csrf 403
req POST /api/v1/logout -b "$WORK/ed.jar" -H "X-CSRF-Token: $CSRF"
expect logout-ok 200
req GET /api/v1/me -b "$WORK/ed.jar"
expect logout-ends-cookie 401
get "$SESSION" /api/v1/me
expect logout-ends-token 401

# ---------------------------------------------------------------- tokens
req GET /api/v1/events
expect no-token-401 401
get bh_notarealtoken /api/v1/events
expect wrong-token-401 401
req GET /api/v1/events -H "Authorization: Basic $(printf 'an:%s' "$PASSWORD" | base64)"
expect basic-auth-401 401
req GET /api/v1/count/events -b "bh_session=bhs_forged"
expect forged-cookie-401 401
echo "$PASSWORD" | bh user add gone --role viewer >/dev/null
GONE=$(bh user token gone)
get "$GONE" /api/v1/count/events
expect token-works 200
bh user revoke gone >/dev/null
get "$GONE" /api/v1/count/events
expect revoked-token-401 401
DIS=$(bh user token an)
get "$DIS" /api/v1/me
expect new-token-works 200

# an expired session: its expires_at moved into the past
login an "$PASSWORD"
expect login-analyst 200
AN_SESSION=$(jq_ '$.token')
get "$AN_SESSION" /api/v1/me
expect session-token-works 200
db_sql "update _tokens set expires_at = '2000-01-01T00:00:00Z' where kind = 'session' and \"user\" = 'an'"
get "$AN_SESSION" /api/v1/me
expect expired-session-401 401
get "$AN" /api/v1/me
expect api-token-unaffected 200

# repeated failed logins from one address are slowed down (this address:
# no further logins below)
codes="" retry=""
for ((i = 0; i < 8; i++)); do
  login adm "wrong password number $i"
  codes="$codes $code"
  if [[ $code == 429 ]]; then retry=$(header Retry-After); break; fi
done
if [[ $codes == " 401"* && $code == 429 ]]; then
  expect login-slowed-429 429 too_many_requests
else fail login-slowed-429 "statuses of failed logins:$codes"; fi
if [[ $retry =~ ^[0-9]+$ && $retry -ge 1 ]]; then ok login-retry-after; else fail login-retry-after "Retry-After: '$retry'"; fi
login adm "$PASSWORD"
expect login-slowed-even-right-password 429 too_many_requests
if [[ $retry =~ ^[0-9]+$ && $retry -le 10 ]]; then
  sleep $((retry + 1))
  login adm "$PASSWORD"
  expect login-after-wait 200
fi

# ---------------------------------------------------------------- classification
mapfile -t CONF < <(db_sql "select event_id_cnty from events where classification = 'confidential' order by 1")
if ((${#CONF[@]} == 0)); then
  skip confidential "the demo has no confidential events"
else
  bad=""
  for id in "${CONF[@]}"; do
    get "$VW" "/api/v1/events/$id"
    [[ $code == 404 && -z $(envelope_problem not_found) ]] || bad="$bad $id:$code"
  done
  expect_eq viewer-confidential-by-id-404 "$bad" ""
  get "$AN" "/api/v1/events/${CONF[0]}"
  expect analyst-confidential-by-id 200
  get "$VW" "/api/v1/events/${CONF[0]}/x"
  expect viewer-confidential-subpath-404 404

  total=$(events_count) nconf=${#CONF[@]}
  get "$AN" /api/v1/count/events
  expect_eq analyst-count-all "$(jq_ '$.count')" "$total"
  get "$VW" /api/v1/count/events
  expect_eq viewer-count-hides "$(jq_ '$.count')" "$((total - nconf))"
  get "$VW" "/api/v1/count/events?classification=confidential"
  expect_eq viewer-count-confidential-0 "$(jq_ '$.count')" 0
  get "$VW" "/api/v1/count/events?classification=ne:restricted"
  expect_eq viewer-count-ne-hides "$(jq_ '$.count')" "$(bh count events classification=unclassified)"

  # the viewer's list, over every page
  seen="$WORK/viewer_ids"
  : >"$seen"
  after="" cur=()
  for ((p = 0; p < 200; p++)); do
    get "$VW" /api/v1/events -G --data-urlencode limit=1000 "${cur[@]}"
    [[ $code == 200 ]] || break
    ids "$WORK/body" >>"$seen"
    after=$(jq_ '$.next')
    [[ -z "$after" ]] && break
    cur=(--data-urlencode "after=$after")
  done
  leaked=$(grep -cxF -f <(printf '%s\n' "${CONF[@]}") "$seen")
  expect_eq viewer-list-hides "$leaked" 0
  get "$VW" "/api/v1/events?classification=confidential"
  expect_eq viewer-list-filter-confidential "$(ids "$WORK/body" | wc -l)" 0

  # indicators: ied
  get "$AN" /api/v1/indicators/ied
  cp "$WORK/body" "$WORK/ied_an.json"
  get "$VW" /api/v1/indicators/ied
  cp "$WORK/body" "$WORK/ied_vw.json"
  conf_ied=$(sqlite3 :memory: "select count(*) from json_each(cast(readfile('$WORK/ied_an.json') as text), '\$.records.used')
    where value in ($(printf "'%s'," "${CONF[@]}" | sed 's/,$//'))")
  an_used=$(jq_ '$.used' "$WORK/ied_an.json") vw_used=$(jq_ '$.used' "$WORK/ied_vw.json")
  expect_eq viewer-ied-hides "$vw_used" "$((an_used - conf_ied))"
  leaked=0
  for id in "${CONF[@]}"; do grep -qF "\"$id\"" "$WORK/ied_vw.json" && leaked=$((leaked + 1)); done
  expect_eq viewer-ied-no-confidential-ids "$leaked" 0
  get "$VW" "/api/v1/indicators/count?of=events&classification=confidential"
  if [[ $code == 200 ]]; then
    leaked=0
    for id in "${CONF[@]}"; do grep -qF "\"$id\"" "$WORK/body" && leaked=$((leaked + 1)); done
    expect_eq viewer-count-indicator-hides "$leaked" 0
  else expect viewer-count-indicator-hides 200; fi

  # events.geojson
  get "$VW" /api/v1/events.geojson
  if [[ $code == 200 ]] && json_ok; then
    nfeat=$(sqlite3 :memory: "select json_array_length(cast(readfile('$WORK/body') as text), '\$.features')")
    expect_eq viewer-geojson-count "$nfeat" "$((total - nconf))"
    leaked=0
    for id in "${CONF[@]}"; do grep -qF "\"$id\"" "$WORK/body" && leaked=$((leaked + 1)); done
    expect_eq viewer-geojson-hides "$leaked" 0
  else fail viewer-geojson-count "$code $(head -c 300 "$WORK/body")"; fi
  get "$AN" /api/v1/events.geojson
  nfeat=$(sqlite3 :memory: "select json_array_length(cast(readfile('$WORK/body') as text), '\$.features')")
  expect_eq analyst-geojson-count "$nfeat" "$total"

  # the report (API.md: GET /api/v1/report?from=&to=&format=md|html|json)
  get "$AN" "/api/v1/report?from=2020-01-01&to=2021-12-31&format=json"
  if [[ $code == 200 ]]; then
    ok report-route
    get "$VW" "/api/v1/report?from=2020-01-01&to=2021-12-31&format=json"
    leaked=0
    for id in "${CONF[@]}"; do grep -qF "$id" "$WORK/body" && leaked=$((leaked + 1)); done
    expect_eq viewer-report-hides "$leaked" 0
  else expect report-route 200; fi
fi

# ---------------------------------------------------------------- roles and sectors
north=$(db_sql "select event_id_cnty from events where sector = 'north' order by 1 limit 1")
eastev=$(db_sql "select event_id_cnty from events where sector = 'east' and classification != 'confidential' order by 1 limit 1")
n0=$(events_count)
d0=$(db_digest)
get "$AN" "/api/v1/events/$north"
cp "$WORK/body" "$WORK/north_before.json"
put "$EAST" "/api/v1/events/$north" "$(event_json "$north" camp-gao)"
expect east-editor-put-north-403 403
put "$EAST" "/api/v1/events/$north" "$(event_json "$north" camp-kidal)"
expect east-editor-put-north-same-sector-403 403
put "$EAST" "/api/v1/events/$eastev" "$(event_json "$eastev" camp-kidal)"
expect east-editor-move-to-north-403 403
post "$EAST" /api/v1/events "$(event_json east-new-north camp-kidal)"
expect east-editor-create-north-403 403
del "$EAST" "/api/v1/events/$north"
expect east-editor-delete-north-403 403
post "$VW" /api/v1/events "$(event_json viewer-new)"
expect viewer-create-403 403
post "$AN" /api/v1/events "$(event_json analyst-new)"
expect analyst-create-403 403
put "$AN" "/api/v1/events/$eastev" "$(event_json "$eastev")"
expect analyst-put-403 403
del "$VW" "/api/v1/events/$eastev"
expect viewer-delete-403 403
post "$VW" /api/v1/import/events "$(printf 'event_id_cnty,event_date\nx,2021-01-01\n')" -H 'Content-Type: text/csv'
expect viewer-import-403 403
get "$ED" /api/v1/audit
expect editor-audit-403 403
expect_eq refused-writes-change-nothing "$(db_digest)" "$d0"
get "$AN" "/api/v1/events/$north"
expect_eq refused-put-keeps-record "$(norm_json "$WORK/body")" "$(norm_json "$WORK/north_before.json")"

post "$EAST" /api/v1/events "$(event_json east-new-1 camp-gao)"
expect east-editor-create-east-201 201
expect_eq create-returns-record "$(jq_ '$.event_id_cnty')" east-new-1
post "$EAST" /api/v1/events "$(event_json east-new-1 camp-gao)"
expect create-twice-409 409 conflict
put "$EAST" /api/v1/events/east-new-1 "$(event_json east-new-1 ansongo-qh)"
expect east-editor-put-east-200 200
del "$EAST" /api/v1/events/east-new-1
expect east-editor-delete-east-204 204
post "$ED" /api/v1/events "$(event_json ed-new-north camp-kidal)"
expect editor-without-sector-201 201
expect_eq writes-counted "$(events_count)" "$((n0 + 1))"

# A record's sector through its unit is the unit's on the record's date:
# the Togo battalion (Sector Centre) moves to Gao (East) on 2021-07-01; an
# East editor may record its evaluation of July, not one of March.
post "$ED" /api/v1/unit_changes '{"unit_id": "inf-bn-tgo", "date": "2021-07-01", "location": "camp-gao", "sector": "east"}'
expect unit-change-created-201 201
get "$ED" /api/v1/unit_changes/inf-bn-tgo/2021-07-01
if [[ $code == 200 && $(jq_ '$.sector') == east ]]; then ok unit-change-by-two-keys; else fail unit-change-by-two-keys "$code $body"; fi
post "$EAST" /api/v1/evaluations '{"evaluation_id": "ev-tgo-july", "unit_id": "inf-bn-tgo", "date": "2021-07-15", "kind": "unit_evaluation", "result": "satisfactory"}'
expect east-editor-unit-in-east-then-201 201
post "$EAST" /api/v1/evaluations '{"evaluation_id": "ev-tgo-march", "unit_id": "inf-bn-tgo", "date": "2021-03-15", "kind": "unit_evaluation", "result": "satisfactory"}'
expect east-editor-unit-in-centre-then-403 403
post "$ED" /api/v1/unit_changes '{"unit_id": "inf-bn-tgo", "date": "2021-08-01", "sector": "nowhere"}'
if [[ $code == 400 && $(jq_ '$.error.fields[0].field') == sector ]]; then ok unit-change-unknown-sector-400; else fail unit-change-unknown-sector-400 "$code $body"; fi
# A casualty evacuation updated with one time: checked against the stored
# times (cv-2021-011: resuscitation at 06:38).
put "$ED" /api/v1/casevac/cv-2021-011 '{"surgery_at": "2021-04-02T06:00"}'
if [[ $code == 400 && $(jq_ '$.error.fields[0].field') == surgery_at ]] && grep -q 'times run backwards' "$WORK/body"; then
  ok casevac-put-backwards-400
else fail casevac-put-backwards-400 "$code $body"; fi
put "$ED" /api/v1/casevac/cv-2021-011 '{"surgery_at": "2021-04-02T07:30"}'
if [[ $code == 200 && $(jq_ '$.surgery_at') == 2021-04-02T07:30 && $(jq_ '$.injured_at') == 2021-04-02T05:40 ]]; then ok casevac-put-one-time
else fail casevac-put-one-time "$code $body"; fi
put "$ED" /api/v1/casevac/cv-2021-011 '{"surgery_at": "2021-04-02 07:30"}'
if [[ $code == 400 && $(jq_ '$.error.fields[0].field') == surgery_at ]]; then ok casevac-put-space-400; else fail casevac-put-space-400 "$code $body"; fi
get "$AN" '/api/v1/indicators/casevac?from=2021-04-02&to=2021-04-02'
if [[ $code == 200 && $(jq_ '$.evacuations') == 4 && $(jq_ '$.patients') == 19 ]]; then ok casevac-indicator-api; else fail casevac-indicator-api "$code $body"; fi
get "$AN" '/api/v1/casevac?injured_at=ge:2021-04-02T05:00&injured_at=le:2021-04-02'
if [[ $code == 200 && $(sqlite3 :memory: "select json_array_length(json_extract(cast(readfile('$WORK/body') as text), '\$.items'))") == 4 ]]; then ok casevac-datetime-filters-api
else fail casevac-datetime-filters-api "$code $(head -c 300 "$WORK/body")"; fi

# ---------------------------------------------------------------- paging
want="$WORK/want_ids" got="$WORK/got_ids"
db_sql "select event_id_cnty from events order by event_id_cnty" >"$want"
: >"$got"
after="" cur=() pages=0 maxpages=$(($(wc -l <"$want") / 10 + 5))
while ((pages < maxpages)); do
  get "$AN" /api/v1/events -G --data-urlencode limit=10 "${cur[@]}"
  [[ $code == 200 ]] || break
  pages=$((pages + 1))
  ids "$WORK/body" >>"$got"
  after=$(jq_ '$.next')
  [[ -z "$after" ]] && break
  cur=(--data-urlencode "after=$after")
done
if cmp -s "$want" "$got"; then ok paging-every-event-once-in-order
else fail paging-every-event-once-in-order "$(wc -l <"$got") ids in $pages pages (last status $code), want $(wc -l <"$want"): first page's next was $(jq_ '$.next')"; fi
get "$AN" "/api/v1/events?limit=$(wc -l <"$want")"
expect_eq paging-last-page-next-null "$(jq_ '$.next')" ""
get "$AN" "/api/v1/events?limit=0"
expect paging-limit-0-400 400
get "$AN" "/api/v1/events?limit=1000000"
expect paging-limit-huge-400 400

nstatus=$(db_sql "select count(*) from equipment_status")
if ((nstatus == 0)); then
  skip equipment-status "the demo has no equipment_status rows"
else
  IFS='|' read -r eq dt < <(db_sql "select equipment_id, date from equipment_status order by 1, 2 limit 1")
  get "$AN" "/api/v1/equipment_status/$eq/$dt"
  if [[ $code == 200 && $(jq_ '$.equipment_id') == "$eq" && $(jq_ '$.date') == "$dt" ]]; then
    ok equipment-status-get
  else fail equipment-status-get "$code $body"; fi
  status=$(jq_ '$.status')
  get "$AN" "/api/v1/equipment_status/$eq"
  expect equipment-status-one-key-404 404
  get "$AN" "/api/v1/equipment_status/$eq/1999-01-01"
  expect equipment-status-missing-404 404
  put "$ED" "/api/v1/equipment_status/$eq/$dt" "{\"status\": \"$status\", \"note\": \"checked by t_server\"}"
  expect equipment-status-put 200
  get "$AN" "/api/v1/equipment_status/$eq/$dt"
  expect_eq equipment-status-put-stored "$(jq_ '$.note')" "checked by t_server"
  db_sql "select equipment_id || '/' || date from equipment_status order by equipment_id, date" >"$want"
  : >"$got"
  after="" cur=() pages=0
  while ((pages < nstatus / 25 + 5)); do
    get "$AN" /api/v1/equipment_status -G --data-urlencode limit=25 "${cur[@]}"
    [[ $code == 200 ]] || break
    pages=$((pages + 1))
    sqlite3 :memory: "select json_extract(value, '\$.equipment_id') || '/' || json_extract(value, '\$.date')
      from json_each(cast(readfile('$WORK/body') as text), '\$.items')" >>"$got"
    after=$(jq_ '$.next')
    [[ -z "$after" ]] && break
    cur=(--data-urlencode "after=$after")
  done
  if cmp -s "$want" "$got"; then ok equipment-status-paging
  else fail equipment-status-paging "$(wc -l <"$got") rows in $pages pages, want $nstatus"; fi
fi

# ---------------------------------------------------------------- filters and indicators
cmp_count() { # NAME QUERY CLI-FILTER...
  local name=$1 q=$2
  shift 2
  get "$AN" "/api/v1/count/events?$q"
  local want_n
  want_n=$(bh count events "$@")
  if [[ $code == 200 && $(jq_ '$.count') == "$want_n" ]]; then ok "$name"
  else fail "$name" "GET count/events?$q: $code $body; CLI says $want_n"; fi
}
cmp_count filter-ge "event_date=ge:2021-01-01" "event_date>=2021-01-01"
cmp_count filter-lt "event_date=lt:2021-01-01" "event_date<2021-01-01"
cmp_count filter-ne "admin1=ne:Gao" "admin1!=Gao"
cmp_count filter-near "near=Gao:50" "near=Gao:50"
cmp_count filter-any-of "admin1=Gao,Kidal" "admin1=Gao,Kidal"
cmp_count filter-several "admin1=Gao&event_date=ge:2021-01-01&fatalities=gt:0" admin1=Gao "event_date>=2021-01-01" "fatalities>0"
cmp_count filter-eq-prefix "admin1=eq:Gao" admin1=Gao
get "$AN" "/api/v1/events?near=Gao:50&limit=1000"
ids "$WORK/body" | sort >"$got"
bh export events near=Gao:50 --format csv | sed 1d | cut -d, -f1 | sort >"$want"
if cmp -s "$want" "$got"; then ok filter-near-list; else fail filter-near-list "API: $(tr '\n' ' ' <"$got") CLI: $(tr '\n' ' ' <"$want")"; fi
get "$AN" "/api/v1/count/events?nosuchcolumn=1"
expect filter-unknown-column-400 400 validation
get "$AN" "/api/v1/count/events?event_date=ge:yesterday"
expect filter-bad-date-400 400 validation

cmp_indicator() { # NAME QUERY CLI-ARGS...
  local name=$1 q=$2
  shift 2
  get "$AN" "/api/v1/indicators/$q"
  if [[ $code != 200 ]]; then fail "$name" "GET indicators/$q: $code $body"; return; fi
  bh indicator "$@" >"$WORK/cli.json"
  local a b
  a=$(norm_json "$WORK/body") b=$(norm_json "$WORK/cli.json")
  if [[ -n "$a" && "$a" == "$b" ]]; then ok "$name"; else fail "$name" "API: ${a:0:300} CLI: ${b:0:300}"; fi
}
cmp_indicator indicator-change-sum \
  "change?field=civilians_killed%2Bcivilians_injured&period=2021-01-01..2021-06-30&compare=2020-07-01..2020-12-31" \
  change field=civilians_killed+civilians_injured period=2021-01-01..2021-06-30 compare=2020-07-01..2020-12-31
cmp_indicator indicator-change-space-is-plus \
  "change?field=civilians_killed+civilians_injured&period=2021-01-01..2021-06-30&compare=2020-07-01..2020-12-31" \
  change field=civilians_killed+civilians_injured period=2021-01-01..2021-06-30 compare=2020-07-01..2020-12-31
cmp_indicator indicator-change-filter \
  "change?period=2021-01-01..2021-12-31&compare=2020-01-01..2020-12-31&admin1=Gao&event_date=ge:2020-06-01" \
  change period=2021-01-01..2021-12-31 compare=2020-01-01..2020-12-31 admin1=Gao "event_date>=2020-06-01"
cmp_indicator indicator-ied "ied?from=2021-01-01&to=2021-12-31" ied from=2021-01-01 to=2021-12-31
cmp_indicator indicator-rate "rate?split=2021-01-15&weeks=8&near=Gao:100" rate split=2021-01-15 weeks=8 near=Gao:100
get "$AN" /api/v1/indicators/nosuch
expect indicator-unknown-404 404
get "$AN" "/api/v1/indicators/change?period=garbage"
expect indicator-bad-args-400 400 validation

# ---------------------------------------------------------------- 200 concurrent writers
# With a 3 s idle timeout (--timeout 3) and a 3 s client timeout (curl -m 3):
# requests queued behind writers waiting for the lock are read at once and
# wait for a worker without counting as idle, and every one is answered.
# One curl runs the 200 requests, 50 at a time, each on a connection of its
# own (200 curl processes would load the machine more than the server).
n0=$(events_count)
a0=$(db_sql "select count(*) from _audit")
for ((i = 1; i <= 200; i++)); do
  [[ $i -gt 1 ]] && echo next
  echo "url = \"$URL/api/v1/events\""
  echo "header = \"Authorization: Bearer $ED\""
  echo 'header = "Connection: close"'
  echo "data-binary = \"@$WORK/conc-$i.json\""
  echo "output = \"/dev/null\""
  echo 'write-out = "%{http_code}\n"'
  echo "max-time = 3"
  printf '{"event_id_cnty": "conc-%d", "event_date": "2021-05-01", "event_type": "Battles", "sub_event_type": "Armed clash", "place_id": "camp-gao"}' "$i" >"$WORK/conc-$i.json"
done >"$WORK/conc.cfg"
curl -s --parallel --parallel-max 50 -K "$WORK/conc.cfg" >"$WORK/conc.codes" 2>/dev/null
expect_eq concurrent-all-201 "$(sort "$WORK/conc.codes" | uniq -c | awk '{printf "%s:%s ", $2, $1}')" "201:200 "
expect_eq concurrent-count-grows-200 "$(events_count)" "$((n0 + 200))"
expect_eq concurrent-distinct "$(db_sql "select count(distinct event_id_cnty) || '/' || count(*) from events where event_id_cnty like 'conc-%'")" "200/200"
expect_eq concurrent-audit-entries "$(db_sql "select count(*) from _audit where seq > 0 and record_id like 'conc-%' and action = 'create'")/$(( $(db_sql "select count(*) from _audit") - a0 ))" "200/200"
if bh audit verify >"$WORK/verify.out"; then ok concurrent-audit-chain; else fail concurrent-audit-chain "$(cat "$WORK/verify.out" "$WORK/stderr")"; fi
get "$ADM" "/api/v1/audit?after=$a0&limit=1000"
expect_eq audit-route-lists-writes "$(sqlite3 :memory: "select count(*) from json_each(cast(readfile('$WORK/body') as text), '\$.items') where json_extract(value, '\$.record_id') like 'conc-%'")" 200

# ---------------------------------------------------------------- backup while writing
(
  for ((i = 1; i <= 400; i++)); do
    [[ -e "$WORK/stop_writer" ]] && break
    curl -s -m 10 -o /dev/null -w '%{http_code}\n' -X POST "$URL/api/v1/events" -H "Authorization: Bearer $ED" \
      --data-binary "$(event_json "bk-$i" camp-gao)"
  done >"$WORK/writer.codes"
) &
writer=$!
CLEANUP_PIDS+=("$writer")
sleep 0.5
# SQLite: the online backup; PostgreSQL (pg_dump's job there): a copy into a SQLite file, from one snapshot
if [[ $BACKEND == sqlite ]]; then bh backup "$WORK/copy.db" >/dev/null; else bh copy --to "$WORK/copy.db" >/dev/null; fi
if [[ $? == 0 ]]; then ok backup-while-writing; else fail backup-while-writing "$(cat "$WORK/stderr")"; fi
touch "$WORK/stop_writer"
wait "$writer"
if "$BLUEHELM" --db "$WORK/copy.db" check >"$WORK/check.out" 2>&1; then ok backup-passes-check
else fail backup-passes-check "$(cat "$WORK/check.out")"; fi
nbk=$(sqlite3 "$WORK/copy.db" "select count(*) from events where event_id_cnty like 'bk-%'")
expect_eq backup-writer-was-running "$( [[ -s "$WORK/writer.codes" ]] && ! grep -qv '^201$' "$WORK/writer.codes" && echo yes)" yes
[[ $nbk =~ ^[0-9]+$ ]] && ok "backup-consistent ($nbk of the writer's events)" || fail backup-consistent "$nbk"

# ---------------------------------------------------------------- slow clients
# slow_conn MODE OUT: opens a connection, sends half a request, then (trickle)
# one more byte every 0.5 s or (idle) nothing; writes to OUT the milliseconds
# until the server answered or closed it, or "open" after 14 s (--timeout is
# 3; the request line and headers must be in within 10 s).
slow_conn() {
  local mode=$1 out=$2 port=${URL##*:} start i rc line
  exec 3<>"/dev/tcp/127.0.0.1/$port" || { echo "noconnect" >"$out"; return; }
  printf 'GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' >&3
  start=$(date +%s%N)
  for ((i = 0; i < 28; i++)); do
    sleep 0.5
    if [[ $mode == trickle ]]; then printf 'a' >&3 2>/dev/null || break; fi
    read -r -t 0.01 -u 3 line
    rc=$?
    ((rc <= 128)) && break # EOF (or an answer): the server is done with us
  done
  exec 3>&-
  if ((i >= 28)); then echo open >"$out"; else echo $((($(date +%s%N) - start) / 1000000)) >"$out"; fi
}
slow_conn idle "$WORK/slow_idle" &
s1=$!
slow_conn trickle "$WORK/slow_trickle" &
s2=$!
others=()
for ((k = 0; k < 8; k++)); do slow_conn trickle "$WORK/slow_more_$k" & others+=($!); done
CLEANUP_PIDS+=("$s1" "$s2" "${others[@]}")
sleep 1
worst=0
for ((k = 0; k < 10; k++)); do
  t=$(curl -s -m 10 -o /dev/null -w '%{time_total}' "$URL/api/v1/health")
  t=${t/./}
  t=$((10#${t:-9999999} / 1000)) # ms
  ((t > worst)) && worst=$t
  sleep 0.2
done
if ((worst < 1000)); then ok "slow-clients-others-served (worst ${worst} ms)"; else fail slow-clients-others-served "a health request took ${worst} ms while slow clients were connected"; fi
wait "$s1" "$s2" "${others[@]}"
idle=$(cat "$WORK/slow_idle") trickle=$(cat "$WORK/slow_trickle")
if [[ $idle =~ ^[0-9]+$ ]] && ((idle >= 2500 && idle <= 7000)); then ok "slow-idle-closed-after-timeout (${idle} ms)"
else fail slow-idle-closed-after-timeout "a half request then silence: closed after '$idle' ms, want about 3000 (--timeout 3)"; fi
# A client trickling a header byte every 0.5 s is never idle for 3 s: the
# 10 s deadline for the request line and headers cuts it.
if [[ $trickle =~ ^[0-9]+$ ]] && ((trickle >= 9000 && trickle <= 12500)); then ok "slow-trickle-closed-at-head-deadline (${trickle} ms)"
else fail slow-trickle-closed-at-head-deadline "a client trickling its headers: closed after '$trickle' ms, want about 10000"; fi

# ---------------------------------------------------------------- shutdown
stop_server
expect_eq server-exit-0 "$SERVER_RC" 0
sanitizer_clean server-no-sanitizer-report

# graceful shutdown: a slow upload in flight when SIGTERM comes still completes;
# the access log has one JSON line per request
{
  echo 'event_id_cnty,event_date,event_type,sub_event_type,place_id,classification,notes'
  for ((i = 1; i <= 1500; i++)); do
    echo "slow-$i,2021-06-01,Battles,Armed clash,camp-gao,restricted,padding padding padding padding padding padding padding padding"
  done
} >"$WORK/slow.csv"
rm -f "$WORK/access.log"
start_server --log "$WORK/access.log" || { fail shutdown-server-starts "see above"; exit 1; }
sent=0
for p in /api/v1/health /api/v1/me /api/v1/count/events /api/v1/nosuch /api/v1/events/none; do
  get "$AN" "$p"
  sent=$((sent + 1))
done
req GET /api/v1/me
sent=$((sent + 1))
curl -s -m 60 --limit-rate 50k -o "$WORK/slow.body" -w '%{http_code}' -X POST "$URL/api/v1/import/events" \
  -H "Authorization: Bearer $ED" -H 'Content-Type: text/csv' --data-binary @"$WORK/slow.csv" >"$WORK/slow.code" &
up=$!
CLEANUP_PIDS+=("$up")
sent=$((sent + 1))
sleep 1
stop_server 30
wait "$up"
if [[ $(cat "$WORK/slow.code") == 200 && $(jq_ '$.inserted' "$WORK/slow.body") == 1500 ]]; then ok shutdown-inflight-completes
else fail shutdown-inflight-completes "the upload in flight at SIGTERM got $(cat "$WORK/slow.code") $(head -c 300 "$WORK/slow.body")"; fi
expect_eq shutdown-exit-0 "$SERVER_RC" 0
expect_eq shutdown-stored "$(bh count events event_id_cnty=slow-1500)" 1
sanitizer_clean shutdown-no-sanitizer-report
lines=$(wc -l <"$WORK/access.log")
expect_eq access-log-line-per-request "$lines" "$sent"
badlines=0
while IFS= read -r line; do
  v=$(sqlite3 :memory: "select json_valid('${line//\'/\'\'}') and json_type('${line//\'/\'\'}', '\$.status') = 'integer' and json_type('${line//\'/\'\'}', '\$.path') = 'text'")
  [[ $v == 1 ]] || badlines=$((badlines + 1))
done <"$WORK/access.log"
expect_eq access-log-json "$badlines" 0
grep -q '"status":200' "$WORK/access.log" && grep -q '"path":"/api/v1/import/events"' "$WORK/access.log" &&
  ok access-log-has-import || fail access-log-has-import "$(tail -2 "$WORK/access.log")"
if grep -q "$AN" "$WORK/access.log" "$WORK/serve.log"; then fail access-log-no-tokens "a token is in the log"; else ok access-log-no-tokens; fi
if bh check >"$WORK/check.out"; then ok check-after-all; else fail check-after-all "$(cat "$WORK/check.out" "$WORK/stderr")"; fi
