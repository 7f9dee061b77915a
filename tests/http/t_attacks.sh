#!/usr/bin/env bash
# t_attacks.sh: hostile input to `bluehelm serve`: SQL metacharacters in every
# filter, field, path and indicator key; oversized bodies and headers;
# malformed and deeply nested JSON; bad CSV imports (all or nothing, nothing
# audited); path traversal; garbage on the socket. Never a 500, never a
# crash, never a changed database, and every error in API.md's envelope.
source "$(dirname "$0")/lib.sh"
need_http_tools
export LC_ALL=C
demo_db || { fail setup "could not build the demo database"; exit 1; }
start_server || { fail server-starts "see above"; exit 1; }
ok server-starts

urlencode() {
  local s=$1 i c h out=""
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in
      [a-zA-Z0-9.~_-]) out+=$c ;;
      *) printf -v h '%%%02X' "'$c"; out+=$h ;;
    esac
  done
  printf '%s' "$out"
}
# data_digest: a digest of every record table (not the audit trail or tokens).
data_digest() {
  local t
  if [[ $BACKEND == postgresql ]]; then
    pg_dump -h "$BLUEHELM_TEST_PG" -U "$PG_USER" --data-only -T '_*' "$(db_name "$BLUEHELM_DB")" 2>/dev/null |
      grep -vE '^(--|\\(un)?restrict )' | sort | sha256sum | cut -c1-16
    return
  fi
  for t in $(sqlite3 "$BLUEHELM_DB" "select name from sqlite_master where type = 'table'
               and name not like '\_%' escape '\' and name not like 'sqlite%' order by name"); do
    sqlite3 "$BLUEHELM_DB" ".dump $t"
  done | sha256sum | cut -c1-16
}
audit_seq() { db_sql "select coalesce(max(seq), 0) from _audit"; }

# batch FILE: runs the requests listed in FILE (lines "METHOD TOKEN PATH [BODYFILE]")
# through one curl (keep-alive); writes "STATUS OUTFILE" lines to $WORK/batch.out,
# each response body in $WORK/batch/N.
batch() {
  rm -rf "$WORK/batch"
  mkdir -p "$WORK/batch"
  local n=0 m t p b cfg=$WORK/batch.cfg
  : >"$cfg"
  while read -r m t p b; do
    n=$((n + 1))
    {
      echo "next"
      echo "url = \"$URL$p\""
      echo "request = \"$m\""
      echo "header = \"Authorization: Bearer $t\""
      echo "output = \"$WORK/batch/$n\""
      echo 'write-out = "%{http_code} %{filename_effective}\n"'
      echo "max-time = 60"
      [[ -n "$b" ]] && echo "data-binary = \"@$b\""
    } >>"$cfg"
  done <"$1"
  sed -i '1d' "$cfg" # the first "next" separates nothing
  curl -s -K "$cfg" >"$WORK/batch.out" 2>/dev/null
}
# batch_sql SELECT: runs an SQL query over table t(st, f, req, j): each
# request of the last batch with its status, body file, request line and body.
batch_sql() {
  awk 'NR == FNR { st[FNR] = $1; f[FNR] = $2; next }
       { printf "%s\037%s\037%s\036", st[FNR], f[FNR], $0 }' "$WORK/batch.out" "$WORK/batch.req" >"$WORK/batch.ascii"
  sqlite3 :memory: "create table r(st, f, req)" ".mode ascii" ".import $WORK/batch.ascii r" ".mode list" \
    "create table t as select st, f, req, cast(readfile(f) as text) j from r" "$1" 2>&1
}
# batch_problems ALLOWED: requests of the last batch whose status is not one
# of ALLOWED ('200','400'), or whose error body is not the envelope.
batch_problems() {
  batch_sql "select * from (select 'status ' || st || ' for ' || req || ': ' || substr(j, 1, 200) p from t where st not in ($1)
             union all
             select p || ' for ' || req from (select req, $ENVELOPE_SQL p from
               (select req, j, $STATUS_WORD_SQL w from t where st in ($1) and st >= '400')) where p != '') limit 5"
}

get "$AN" /api/v1/kinds
cp "$WORK/body" "$WORK/kinds.json"
sqlite3 :memory: "select json_extract(k.value, '\$.name') || ' ' || json_extract(f.value, '\$.name')
  from json_each(cast(readfile('$WORK/kinds.json') as text)) k, json_each(k.value, '\$.fields') f" >"$WORK/columns"
ncols=$(wc -l <"$WORK/columns")
if ((ncols > 50)); then ok "kinds-lists-columns ($ncols)"; else fail kinds-lists-columns "only $ncols columns from GET /api/v1/kinds"; fi

# ---------------------------------------------------------------- SQL in filters
# Equality payloads match nothing: 200 with 0 records, or a 400. Operator
# payloads: 200 or 400. Never anything else.
EQ_PAYLOADS=("Gao' OR '1'='1" "Battles;DROP TABLE events" "x\"; DROP TABLE events; --" "eq:1') UNION SELECT name FROM sqlite_master --")
OP_PAYLOADS=("ne:x' OR 1=1 --" "ge:0) OR (1=1")
d0=$(db_digest)
: >"$WORK/batch.req"
while read -r k c; do
  for v in "${EQ_PAYLOADS[@]}" "${OP_PAYLOADS[@]}"; do
    echo "GET $AN /api/v1/count/$k?$(urlencode "$c")=$(urlencode "$v")" >>"$WORK/batch.req"
  done
done <"$WORK/columns"
for v in "${EQ_PAYLOADS[@]}"; do
  echo "GET $AN /api/v1/events?admin1=$(urlencode "$v")" >>"$WORK/batch.req"
  echo "GET $VW /api/v1/events?classification=$(urlencode "$v")" >>"$WORK/batch.req"
  echo "GET $AN /api/v1/events.geojson?event_type=$(urlencode "$v")" >>"$WORK/batch.req"
  echo "GET $AN /api/v1/events?after=$(urlencode "$v")" >>"$WORK/batch.req"
done
# column names with quotes and SQL
for c in 'admin1"' '"admin1"' "admin1' OR '1'='1" 'admin1" = admin1 OR "1' "admin1;DROP TABLE events" "event_date)--" '`admin1`' '[admin1]'; do
  echo "GET $AN /api/v1/count/events?$(urlencode "$c")=Gao" >>"$WORK/batch.req"
  echo "GET $AN /api/v1/events?$(urlencode "$c")=Gao" >>"$WORK/batch.req"
done
for v in "Gao':50" "Gao:50) OR (1=1" "' OR 1=1 --:10" "Gao:1e999" "Gao:-1" "Gao:NaN"; do
  echo "GET $AN /api/v1/count/events?near=$(urlencode "$v")" >>"$WORK/batch.req"
done
batch "$WORK/batch.req"
nreq=$(wc -l <"$WORK/batch.req")
probs=$(batch_problems "'200','400'")
if [[ -z "$probs" && $(wc -l <"$WORK/batch.out") -eq $nreq ]]; then ok "sql-in-filters-200-or-400 ($nreq requests)"
else fail sql-in-filters-200-or-400 "$(wc -l <"$WORK/batch.out") of $nreq answered; $(head -5 <<<"$probs")"; fi
# equality payloads: a 200 holds no record
nonempty=$(batch_sql "select req || ': ' || n from (select req,
    coalesce(json_extract(j, '\$.count'), json_array_length(j, '\$.items'), json_array_length(j, '\$.features')) n
    from t where st = '200' and instr(req, '=ne%3A') = 0 and instr(req, '=ge%3A') = 0 and instr(req, '=lt%3A') = 0
      and instr(req, 'after=') = 0) where n is not 0 limit 5")
expect_eq sql-in-filters-match-nothing "${nonempty:0:600}" ""
expect_eq sql-in-filters-change-nothing "$(db_digest)" "$d0"

# indicator keys and values
: >"$WORK/batch.req"
for v in "x' OR '1'='1" "events;DROP TABLE events" "civilians_killed);DROP TABLE events;--" "ge:1) OR (1=1\""; do
  e=$(urlencode "$v")
  for ind in ied rate change serviceability evaluations caveats rotation-conflicts convoy-compliance capability-gaps deployment restrictions count; do
    for key in of field period compare from to as_of split weeks admin1; do
      echo "GET $AN /api/v1/indicators/$ind?$key=$e&period=2021-01-01..2021-12-31&compare=2020-01-01..2020-12-31" >>"$WORK/batch.req"
    done
    echo "GET $AN /api/v1/indicators/$ind?$e=1" >>"$WORK/batch.req"
  done
done
batch "$WORK/batch.req"
probs=$(batch_problems "'200','400'")
nreq=$(wc -l <"$WORK/batch.req")
if [[ -z "$probs" && $(wc -l <"$WORK/batch.out") -eq $nreq ]]; then ok "sql-in-indicators-200-or-400 ($nreq requests)"
else fail sql-in-indicators-200-or-400 "$(head -5 <<<"$probs")"; fi

# paths
: >"$WORK/batch.req"
for v in "x' OR '1'='1" "events\"--" "1; DROP TABLE events" "%' OR 1=1 --" "../../etc/passwd"; do
  e=$(urlencode "$v")
  echo "GET $AN /api/v1/events/$e" >>"$WORK/batch.req"
  echo "GET $AN /api/v1/$e" >>"$WORK/batch.req"
  echo "GET $AN /api/v1/$e/x" >>"$WORK/batch.req"
  echo "GET $AN /api/v1/count/$e" >>"$WORK/batch.req"
  echo "GET $AN /api/v1/indicators/$e" >>"$WORK/batch.req"
  echo "GET $AN /api/v1/equipment_status/$e/2020-01-01" >>"$WORK/batch.req"
  echo "DELETE $ED /api/v1/events/$e" >>"$WORK/batch.req"
  echo "DELETE $ED /api/v1/$e/x" >>"$WORK/batch.req"
done
batch "$WORK/batch.req"
probs=$(batch_problems "'404'")
if [[ -z "$probs" ]]; then ok sql-in-paths-404; else fail sql-in-paths-404 "$(head -5 <<<"$probs")"; fi
expect_eq sql-in-paths-change-nothing "$(db_digest)" "$d0"

# ---------------------------------------------------------------- SQL in fields
# Each events field set to an SQL payload: 201 (stored literally) or 400.
n0=$(events_count)
dd0=$(data_digest)
payload="x'); DROP TABLE events; --"
: >"$WORK/batch.req"
i=0
while read -r k c; do
  [[ $k == events && $c != event_id_cnty ]] || continue
  i=$((i + 1))
  printf '{"event_id_cnty": "inj-%d", "event_date": "2021-05-01", "event_type": "Battles", "sub_event_type": "Armed clash", "place_id": "camp-gao", "%s": "%s"}' \
    "$i" "$c" "$payload" >"$WORK/inj-$i.json"
  echo "POST $ED /api/v1/events $WORK/inj-$i.json" >>"$WORK/batch.req"
done <"$WORK/columns"
# keys with quotes, and the payload as the id
printf '{"event_id_cnty": "inj-key", "event_date": "2021-05-01", "event_type": "Battles", "sub_event_type": "Armed clash", "place_id": "camp-gao", "notes\\"); DROP TABLE events; --": "x"}' >"$WORK/inj-key.json"
echo "POST $ED /api/v1/events $WORK/inj-key.json" >>"$WORK/batch.req"
printf '{"event_id_cnty": "%s", "event_date": "2021-05-01", "event_type": "Battles", "sub_event_type": "Armed clash", "place_id": "camp-gao"}' "inj-id'); DROP TABLE events; --" >"$WORK/inj-id.json"
echo "POST $ED /api/v1/events $WORK/inj-id.json" >>"$WORK/batch.req"
# every kind: its first field set to the payload, the others absent
for k in $(cut -d' ' -f1 "$WORK/columns" | uniq); do
  c=$(awk -v k="$k" '$1 == k { print $2; exit }' "$WORK/columns")
  printf '{"%s": "%s"}' "$c" "inj-$k'); DROP TABLE $k; --" >"$WORK/inj-kind-$k.json"
  echo "POST $ED /api/v1/$k $WORK/inj-kind-$k.json" >>"$WORK/batch.req"
done
batch "$WORK/batch.req"
probs=$(batch_problems "'201','400'")
if [[ -z "$probs" ]]; then ok sql-in-fields-201-or-400; else fail sql-in-fields-201-or-400 "$(head -5 <<<"$probs")"; fi
created_ev=$(paste -d' ' "$WORK/batch.out" "$WORK/batch.req" | awk '$1 == 201 && $5 == "/api/v1/events"' | wc -l)
expect_eq sql-in-fields-counted "$(events_count)" "$((n0 + created_ev))"
get "$AN" "/api/v1/events/$(urlencode "inj-id'); DROP TABLE events; --")"
expect_eq sql-in-id-round-trips "$(jq_ '$.event_id_cnty')" "inj-id'); DROP TABLE events; --"
notes_line=$(grep -n "^events notes$" <(grep '^events ' "$WORK/columns" | grep -v ' event_id_cnty$') | cut -d: -f1)
if [[ -n "$notes_line" ]]; then
  get "$AN" "/api/v1/events/inj-$notes_line"
  expect_eq sql-in-text-field-stored-literally "$(jq_ '$.notes')" "$payload"
fi
# remove what was created; the data is as before
while read -r st f; do
  [[ $st == 201 ]] || continue
  k=$(sed -n "$(basename "$f")p" "$WORK/batch.req" | awk '{print $3}' | cut -d/ -f4)
  keys=$(sqlite3 :memory: "select group_concat(value, ' ') from json_each((select json_extract(value, '\$.key')
           from json_each(cast(readfile('$WORK/kinds.json') as text)) where json_extract(value, '\$.name') = '$k'))")
  p=/api/v1/$k
  for key in $keys; do p="$p/$(urlencode "$(jq_ "\$.$key" "$f")")"; done
  del "$ED" "$p"
  [[ $code == 204 ]] || fail "sql-in-fields-delete $p" "$code $body"
done <"$WORK/batch.out"
expect_eq sql-in-fields-data-restored "$(data_digest)" "$dd0"
if bh check >"$WORK/check.out"; then ok sql-check-ok; else fail sql-check-ok "$(cat "$WORK/check.out" "$WORK/stderr")"; fi

# ---------------------------------------------------------------- bodies
n0=$(events_count)
code=$(head -c 100000000 /dev/zero | curl -s -m 120 -o "$WORK/body" -w '%{http_code}' -X POST "$URL/api/v1/events" \
  -H "Authorization: Bearer $ED" -H 'Content-Type: application/json' --data-binary @-)
expect body-100mb-413 413 too_large
code=$(head -c 100000000 /dev/zero | curl -s -m 120 -o "$WORK/body" -w '%{http_code}' -X POST "$URL/api/v1/events" \
  -H "Authorization: Bearer $ED" -H 'Content-Type: application/json' -T -)
expect body-100mb-chunked-413 413 too_large
code=$(head -c 20000000 /dev/zero | tr '\0' 'a' | curl -s -m 120 -o "$WORK/body" -w '%{http_code}' -X POST \
  "$URL/api/v1/import/events" -H "Authorization: Bearer $ED" -H 'Content-Type: text/csv' -T -)
expect import-20mb-413 413 too_large
head -c 1100000 /dev/zero | tr '\0' ' ' >"$WORK/big.json"
printf '%s' "$(event_json big-1)" >>"$WORK/big.json"
post "$ED" /api/v1/events @"$WORK/big.json"
expect body-over-1mib-413 413 too_large
req GET /api/v1/health
expect server-alive-after-big-bodies 200
expect_eq big-bodies-store-nothing "$(events_count)" "$n0"

post "$ED" /api/v1/events '{"event_id_cnty": "x", "event_date": '
expect json-malformed-400 400 validation
post "$ED" /api/v1/events '{"event_id_cnty": "x",}'
expect json-trailing-comma-400 400 validation
post "$ED" /api/v1/events ''
expect json-empty-400 400 validation
for v in null '"a string"' 42 '[]' 'true'; do
  post "$ED" /api/v1/events "$v"
  expect "json-not-object-400 ($v)" 400 validation
done
printf '%0.s[' $(seq 10000) >"$WORK/deep.json"
printf '%0.s]' $(seq 10000) >>"$WORK/deep.json"
post "$ED" /api/v1/events @"$WORK/deep.json"
expect json-deep-array-400 400 validation
: >"$WORK/deep2.json"
for ((i = 0; i < 10000; i++)); do printf '{"a":' >>"$WORK/deep2.json"; done
printf '1' >>"$WORK/deep2.json"
for ((i = 0; i < 10000; i++)); do printf '}' >>"$WORK/deep2.json"; done
post "$ED" /api/v1/events @"$WORK/deep2.json"
expect json-deep-object-400 400 validation
printf '{"event_id_cnty": "deep-1", "event_date": "2021-05-01", "event_type": "Battles", "sub_event_type": "Armed clash", "place_id": "camp-gao", "notes": %s}' "$(cat "$WORK/deep.json")" >"$WORK/deep3.json"
post "$ED" /api/v1/events @"$WORK/deep3.json"
expect json-deep-in-field-400 400 validation
printf '{"event_id_cnty": "utf-1", "event_date": "2021-05-01", "event_type": "Battles", "sub_event_type": "Armed clash", "place_id": "camp-gao", "notes": "\xff\xfe bad"}' >"$WORK/utf.json"
post "$ED" /api/v1/events @"$WORK/utf.json"
expect json-invalid-utf8-400 400 validation
post "$ED" /api/v1/events "$(event_json type-1 | sed 's/"fatalities": 0/"fatalities": "0"/')"
expect json-wrong-type-400 400 validation
expect_eq json-wrong-type-names-field "$(jq_ '$.error.fields[0].field')" fatalities
post "$ED" /api/v1/events "$(event_json type-2 | sed 's/"fatalities": 0/"fatalities": 1e999/')"
expect json-huge-number-400 400 validation
post "$ED" /api/v1/events "$(event_json dup-1 | sed 's/^{/{"event_id_cnty": "dup-2", /')"
expect json-duplicate-key-400 400 validation
expect_eq bad-json-stores-nothing "$(events_count)" "$n0"

# ---------------------------------------------------------------- CSV imports
HDR='event_id_cnty,event_date,event_type,sub_event_type,place_id,classification,fatalities'
seq0=$(audit_seq)
dd0=$(data_digest)
csv_post() { post "$ED" /api/v1/import/events "$1" -H 'Content-Type: text/csv'; }
printf '%s\ncsv-1,2021-06-01,Battles,Armed clash,camp-gao,restricted,0\ncsv-2,2021-13-45,Battles,Armed clash,camp-gao,restricted,0\ncsv-3,2021-06-03,Battles,Armed clash,camp-gao,restricted,0\n' "$HDR" >"$WORK/bad.csv"
csv_post @"$WORK/bad.csv"
expect csv-bad-row-400 400 validation
expect_eq csv-bad-row-names-line-and-column \
  "$(sqlite3 :memory: "select json_extract(value, '\$.line') || ':' || json_extract(value, '\$.field') from json_each(cast(readfile('$WORK/body') as text), '\$.error.fields')" | head -1)" \
  "3:event_date"
printf '%s\ncsv-1,2021-06-01,Battles,Armed clash,camp-gao,restricted,0\n"csv-2,2021-06-02,Battles\n' "$HDR" >"$WORK/quote.csv"
csv_post @"$WORK/quote.csv"
expect csv-unterminated-quote-400 400 validation
expect_eq csv-unterminated-quote-line "$(jq_ '$.error.fields[0].line')" 3
printf '%s\ncsv-1,2021-06-01,Battles,Armed clash,camp-gao,restricted,0,extra\n' "$HDR" >"$WORK/wide.csv"
csv_post @"$WORK/wide.csv"
expect csv-too-many-fields-400 400 validation
printf '%s\ncsv-1,2021-06-01,Battles,Armed clash,camp-gao,restricted,0\ncsv-1,2021-06-01,Battles,Armed clash,camp-gao,restricted,1\n' "$HDR" >"$WORK/dupid.csv"
csv_post @"$WORK/dupid.csv"
if [[ $code == 400 || $code == 200 ]]; then ok "csv-duplicate-id-no-500 ($code)"; else fail csv-duplicate-id-no-500 "$code $body"; fi
if [[ $code == 200 ]]; then # undo it, so that the audit check below holds
  seq0=$(audit_seq)
  db_sql "delete from events where event_id_cnty = 'csv-1'"
  dd0=$(data_digest)
fi
csv_post ''
expect csv-empty-400 400 validation
printf 'event_id_cnty,"bad\xff header",x\n1,2,3\n' >"$WORK/binary.csv"
csv_post @"$WORK/binary.csv"
expect csv-invalid-utf8-400 400 validation
printf '%s\n"x\x27); DROP TABLE events; --",2021-06-01,Battles,Armed clash,camp-gao,restricted,"0; DROP TABLE events"\n' "$HDR" >"$WORK/sql.csv"
csv_post @"$WORK/sql.csv"
expect csv-sql-in-number-400 400 validation
printf 'event_id_cnty,"admin1"" OR 1=1 --",event_date\nz,Gao,2021-01-01\n' >"$WORK/sqlhdr.csv"
csv_post @"$WORK/sqlhdr.csv"
expect csv-sql-in-header-400 400 validation
printf '%s\ncsv-n,2021-06-01,Battles,Armed clash,camp-kidal,restricted,0\n' "$HDR" >"$WORK/north.csv"
post "$EAST" /api/v1/import/events @"$WORK/north.csv" -H 'Content-Type: text/csv'
expect csv-other-sector-403 403 forbidden
post "$ED" /api/v1/import/nosuchkind @"$WORK/north.csv" -H 'Content-Type: text/csv'
expect csv-unknown-kind-404 404 not_found
expect_eq csv-refused-store-nothing "$(data_digest)" "$dd0"
get "$ADM" "/api/v1/audit?after=$seq0"
expect_eq csv-refused-not-audited "$(sqlite3 :memory: "select json_array_length(cast(readfile('$WORK/body') as text), '\$.items')")" 0

printf '%s\ncsv-1,2021-06-01,Battles,Armed clash,camp-gao,restricted,0\ncsv-2,2021-06-02,Battles,Armed clash,camp-gao,restricted,2\n' "$HDR" >"$WORK/good.csv"
n0=$(events_count)
csv_post @"$WORK/good.csv"
expect csv-good-200 200
expect_eq csv-good-inserted "$(jq_ '$.inserted')" 2
expect_eq csv-good-stored "$(events_count)" "$((n0 + 2))"
get "$ADM" "/api/v1/audit?after=$seq0"
expect_eq csv-good-one-audit-entry \
  "$(sqlite3 :memory: "select count(*) || ':' || group_concat(json_extract(value, '\$.action') || '/' || json_extract(value, '\$.kind') || '/' || json_extract(value, '\$.user')) from json_each(cast(readfile('$WORK/body') as text), '\$.items')")" \
  "1:import/events/ed"
printf '%s\n' "$HDR" >"$WORK/header.csv"
csv_post @"$WORK/header.csv"
expect csv-header-only-200 200
if bh audit verify >/dev/null; then ok csv-audit-chain; else fail csv-audit-chain "$(cat "$WORK/stderr")"; fi

# ---------------------------------------------------------------- traversal and odd requests
# the issue's three: 404
for p in '/../../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' '/assets/..%2f..%2fetc/passwd'; do
  code=$(curl -s -m 10 --path-as-is -o "$WORK/body" -w '%{http_code}' "$URL$p")
  if grep -q 'root:' "$WORK/body"; then fail "traversal $p" "file contents served"; continue; fi
  expect "traversal $p" 404 not_found
done
# more: a 404, or the interface's page (its routes are served index.html), never a file
for p in '/assets/../../../etc/passwd' '/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd' '/api/v1/../../../etc/passwd' \
  '/api/v1/%2e%2e/%2e%2e/etc/passwd' '//etc/passwd' '/assets/....//....//etc/passwd' '/assets/%252e%252e/%252e%252e/etc/passwd' \
  '/assets/app.js%00../../etc/passwd' '/..%5c..%5cetc/passwd' '/assets/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd' \
  '/etc/passwd' '/proc/self/environ' '/%2fetc%2fpasswd' '/ui-config.json/../../etc/passwd'; do
  code=$(curl -s -m 10 --path-as-is -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "$URL$p")
  if grep -qE 'root:|BLUEHELM_DB=|PATH=' "$WORK/body"; then fail "traversal $p" "file contents served"; continue; fi
  if [[ $code == 200 ]] && grep -qi '^content-type: text/html' "$WORK/headers" && grep -qi '<html' "$WORK/body"; then
    ok "traversal $p (the interface's page)"
    continue
  fi
  [[ $code == 400 ]] && { ok "traversal $p (400)"; continue; }
  expect "traversal $p" 404 not_found
done
req GET /api/v1/nosuchkind -H "Authorization: Bearer $AN"
expect unknown-kind-404 404
req GET /api/v1/health/extra/segments/and/more/of/them/here/now
expect deep-path-404 404
req PATCH /api/v1/events/x -H "Authorization: Bearer $ED"
expect unknown-method-404 404
req GET "/api/v1/events?limit=abc" -H "Authorization: Bearer $AN"
expect limit-not-number-400 400 validation
code=$(curl -s -m 10 -o "$WORK/body" -w '%{http_code}' "$URL/api/v1/count/events" -H "Authorization: Bearer $AN" \
  -H "X-Big: $(head -c 100000 /dev/zero | tr '\0' a)")
if [[ $code =~ ^4[0-9][0-9]$ ]]; then ok "header-100kb-4xx ($code)"; else fail header-100kb-4xx "status $code"; fi
# more query parameters than the server keeps: it must not drop filters silently
q=$(for ((i = 0; i < 200; i++)); do printf 'admin1=ne:zz%d&' "$i"; done)
get "$AN" "/api/v1/count/events?${q}admin1=Nowhere"
if [[ $code == 400 ]]; then expect many-params-not-dropped 400 validation
elif [[ $code == 200 && $(jq_ '$.count') == 0 ]]; then ok many-params-not-dropped
else fail many-params-not-dropped "201 filters, the last admin1=Nowhere: status $code $body (a filter was ignored)"; fi
# an id with '/' must stay reachable, or be refused
post "$ED" /api/v1/events "$(event_json 'slash/id' camp-gao)"
if [[ $code == 400 ]]; then expect slash-in-id 400 validation
else
  get "$AN" /api/v1/events/slash%2Fid
  if [[ $code == 200 ]]; then ok slash-in-id; else fail slash-in-id "POST {event_id_cnty: \"slash/id\"} stored the record, but GET /api/v1/events/slash%2Fid answers $code: it can never be read, changed or deleted over the API"; fi
  db_sql "delete from events where event_id_cnty = 'slash/id'"
fi
# garbage on the socket
port=${URL##*:}
for g in 'GARBAGE\r\n\r\n' 'GET / HTTP/9.9\r\n\r\n' 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n' \
  'POST /api/v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nabc\r\n' \
  '\x00\x01\x02\xff\xfe\r\n\r\n' 'GET /api/v1/health?%%%%%%=%%% HTTP/1.1\r\nHost: x\r\n\r\n'; do
  (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf "$g" >&3 && timeout 5 cat <&3 >/dev/null) 2>/dev/null
done
req GET /api/v1/health
expect server-alive-after-garbage 200

stop_server
expect_eq server-exit-0 "$SERVER_RC" 0
sanitizer_clean server-no-sanitizer-report
if bh check >"$WORK/check.out"; then ok check-after-attacks; else fail check-after-attacks "$(cat "$WORK/check.out" "$WORK/stderr")"; fi
