#!/usr/bin/env bash
# t_lang.sh: languages over the API (API.md, "Additions of the second
# round"; FORMATS.md 4.2): GET /api/v1/me's lang (the user's choice, else
# Accept-Language, else English), PATCH /api/v1/me {"lang": ...} (validated,
# CSRF-checked, audited, kept across sign-ins), the labels /api/v1/kinds
# serves in both languages, /ui-config.json's lang for the sign-in page, and
# GET /api/v1/report?lang=fr with the same figures as in English.
source "$(dirname "$0")/lib.sh"
need_http_tools
demo_db || { fail setup "could not build the demo database"; exit 1; }
start_server || { fail server-starts "see above"; exit 1; }

patch() { local t=$1 d=$2; shift 2; req PATCH /api/v1/me -H "Authorization: Bearer $t" --data-binary "$d" "$@"; }

# ---------------------------------------------------------------- /me
get "$AN" /api/v1/me
expect me-ok 200
expect_eq me-lang-default-en "$(jq_ '$.lang')/$(jq_ '$.lang_chosen')" en/0
get "$AN" /api/v1/me -H 'Accept-Language: fr-FR,fr;q=0.9,en;q=0.8'
expect_eq me-lang-from-accept-language "$(jq_ '$.lang')/$(jq_ '$.lang_chosen')" fr/0
get "$AN" /api/v1/me -H 'Accept-Language: de-DE,de;q=0.9'
expect_eq me-lang-neither-is-english "$(jq_ '$.lang')" en

patch "$AN" '{"lang": "fr"}'
expect patch-me-fr 200
expect_eq patch-me-answers-me "$(jq_ '$.user')/$(jq_ '$.lang')/$(jq_ '$.lang_chosen')" an/fr/1
get "$AN" /api/v1/me -H 'Accept-Language: en-GB'
expect_eq me-choice-beats-accept-language "$(jq_ '$.lang')/$(jq_ '$.lang_chosen')" fr/1
expect_eq lang-stored "$(lite_sql "select lang from _users where name = 'an'")" fr
expect_eq lang-change-audited \
  "$(lite_sql "select action || ' ' || user || ' ' || record_id || ' ' || after from _audit order by seq desc limit 1")" \
  'user_lang an an {"lang":"fr"}'
get "$VW" /api/v1/me
expect_eq lang-is-per-user "$(jq_ '$.lang')" en

# Refusals: each a 400 naming the field, nothing stored.
patch "$AN" '{"lang": "de"}'
expect patch-unknown-lang 400 validation && expect_eq patch-unknown-lang-field "$(jq_ '$.error.fields[0].field')" lang
patch "$AN" '{"lang": 1}'
expect patch-lang-not-text 400 validation
patch "$AN" '{"colour": "blue"}'
expect patch-unknown-setting 400 validation && expect_eq patch-unknown-setting-field "$(jq_ '$.error.fields[0].field')" colour
patch "$AN" '{}'
expect patch-nothing 400 validation
patch "$AN" '["fr"]'
expect patch-not-object 400 validation
patch "$AN" '{"lang": "en"'
expect patch-malformed 400 validation
expect_eq refusals-store-nothing "$(lite_sql "select lang from _users where name = 'an'")" fr
req PATCH /api/v1/me --data-binary '{"lang": "fr"}'
expect patch-needs-sign-in 401

# A browser session: the cookie alone may not change it (CSRF); with the
# token it may, and the choice survives a new sign-in.
req POST /api/v1/login -H 'Content-Type: application/json' -c "$WORK/vw.jar" \
  --data-binary "{\"user\": \"vw\", \"password\": \"$PASSWORD\"}"
CSRF=$(jq_ '$.csrf')
req PATCH /api/v1/me -b "$WORK/vw.jar" -H 'Content-Type: application/json' --data-binary '{"lang": "fr"}'
expect patch-session-needs-csrf 403
req PATCH /api/v1/me -b "$WORK/vw.jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" --data-binary '{"lang": "fr"}'
expect patch-session-with-csrf 200
req POST /api/v1/login -H 'Content-Type: application/json' -c "$WORK/vw2.jar" \
  --data-binary "{\"user\": \"vw\", \"password\": \"$PASSWORD\"}"
req GET /api/v1/me -b "$WORK/vw2.jar"
expect_eq lang-kept-across-sign-ins "$(jq_ '$.lang')" fr
patch "$VW" '{"lang": "en"}'
expect_eq patch-back-to-en "$(jq_ '$.lang')" en

# ---------------------------------------------------------------- sign-in page
req GET /ui-config.json -H 'Accept-Language: fr-CA, en;q=0.5'
expect_eq ui-config-lang-fr "$code $(jq_ '$.lang')" "200 fr"
req GET /ui-config.json
expect_eq ui-config-lang-default "$(jq_ '$.lang')" en

# ---------------------------------------------------------------- /kinds
get "$AN" /api/v1/kinds
expect kinds-ok 200
k() { sqlite3 :memory: "select $1 from json_each(cast(readfile('$WORK/body') as text)) k where json_extract(k.value, '\$.name') = '$2'"; }
expect_eq kinds-label-fr "$(k "json_extract(k.value, '\$.label.fr')" events)" "Incidents (événements)"
expect_eq kinds-field-label "$(k "(select json_extract(f.value, '\$.label.fr') from json_each(k.value, '\$.fields') f where json_extract(f.value, '\$.name') = 'peacekeepers_killed')" events)" "Casques bleus tués"
expect_eq kinds-vocab-label "$(k "(select json_extract(f.value, '\$.vocabulary_labels.ied.fr') || '/' || json_extract(f.value, '\$.vocabulary_labels.ied.en') from json_each(k.value, '\$.fields') f where json_extract(f.value, '\$.name') = 'weapon')" events)" "EEI/IED"
expect_eq kinds-list-columns "$(k "json_extract(k.value, '\$.list_columns')" units)" \
  '["unit_id","name","unit_type","contributor","parent_unit","sector","location","deployed_strength","authorized_strength","status"]'
# Every field of every kind has a label in both languages, every vocabulary word too.
missing=$(sqlite3 :memory: "select count(*) from json_each(cast(readfile('$WORK/body') as text)) k, json_each(k.value, '\$.fields') f
  where coalesce(json_extract(f.value, '\$.label.en'), '') = '' or coalesce(json_extract(f.value, '\$.label.fr'), '') = ''")
expect_eq kinds-every-field-labelled "$missing" 0
pairs=$(k "(select count(*) from json_each(k.value, '\$.pairs[0].allowed'))" events)
expect_eq kinds-event-type-pairs "$pairs" 25

# ---------------------------------------------------------------- field rules
# A refused value names the rule it breaks with a stable word, so that an
# interface can say it in its own language (never from the English reason).
rule_of() { sqlite3 :memory: "select group_concat(json_extract(value, '\$.field') || ':' || json_extract(value, '\$.rule'), ' ')
  from json_each(cast(readfile('$WORK/body') as text), '\$.error.fields')"; }
post "$ED" /api/v1/events '{"event_id_cnty": "r-1", "event_date": "2021-02-30", "event_type": "Battles", "sub_event_type": "Attack", "latitude": 123, "longitude": 1, "civilians_killed": -2, "weapon": "spear", "poc": "maybe"}'
expect rules-refused 400 validation
expect_eq rules-words "$(rule_of)" "event_date:date latitude:latitude civilians_killed:count weapon:vocabulary poc:json_type"
post "$ED" /api/v1/rotations '{"rotation_id": "r-2", "unit_id": "no-such-unit", "planned_start": "2021-05-01", "planned_end": "2021-04-01"}'
expect_eq rules-order "$(rule_of)" "planned_end:order"
post "$ED" /api/v1/rotations '{"rotation_id": "r-2", "unit_id": "no-such-unit", "planned_start": "2021-05-01", "planned_end": "2021-06-01"}'
expect_eq rules-reference "$(rule_of)" "unit_id:reference"
post "$ED" /api/v1/units '{"unit_id": "u-x", "name": null, "component": "military", "unit_type": "other", "colour": "blue"}'
expect_eq rules-required-unknown "$(rule_of)" "colour:unknown_column"
post "$ED" /api/v1/units '{"unit_id": "u-x", "name": null, "component": "military", "unit_type": "other"}'
expect_eq rules-required "$(rule_of)" "name:required"

# ---------------------------------------------------------------- report
get "$AN" "/api/v1/report?from=2021-01-01&to=2021-05-31&format=json"
cp "$WORK/body" "$WORK/en.json"
get "$AN" "/api/v1/report?from=2021-01-01&to=2021-05-31&format=json&lang=fr"
expect report-fr 200
cp "$WORK/body" "$WORK/fr.json"
expect_eq report-fr-says-lang "$(jq_ '$.lang')" fr
# The same figures (indicator, parameters, figure, value) in both languages.
figs() {
  sqlite3 :memory: "select json_extract(value, '\$.indicator') || ' ' || json_extract(value, '\$.params') || ' | ' ||
    json_extract(value, '\$.figure') || ' = ' || json(json_extract(value, '\$.value'))
    from json_each(cast(readfile('$1') as text), '\$.figures') where json_extract(value, '\$.indicator') not in ('chart')
    order by 1" | sort -u
}
if diff <(figs "$WORK/en.json") <(figs "$WORK/fr.json") >"$WORK/figdiff"; then ok report-fr-same-figures
else fail report-fr-same-figures "$(head -5 "$WORK/figdiff")"; fi
get "$AN" "/api/v1/report?from=2021-01-01&to=2021-05-31&format=html&lang=fr"
if [[ $code == 200 ]] && grep -q '<html lang="fr">' "$WORK/body" && grep -q 'engins explosifs improvisés (EEI)' "$WORK/body"; then
  ok report-fr-html
else fail report-fr-html "$code $(head -c 300 "$WORK/body")"; fi
get "$AN" "/api/v1/report?to=2021-04-02&template=sitrep&format=md&lang=fr"
if [[ $code == 200 ]] && grep -q '^# Rapport de situation quotidien, 2 avril 2021' "$WORK/body"; then ok report-fr-sitrep
else fail report-fr-sitrep "$code $(head -c 300 "$WORK/body")"; fi
get "$AN" "/api/v1/report?from=2021-01-01&to=2021-05-31&lang=de"
expect report-unknown-lang 400 validation

stop_server
sanitizer_clean lang-server
