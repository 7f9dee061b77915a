#!/usr/bin/env bash
# t_pg.sh: what only PostgreSQL has: a server that does not answer, a wrong
# password or a missing database (exit 2, the URI named without its
# password), a database that is not bluehelm's, and a connection lost in
# the middle of an import (rolled back, nothing stored, and said). Runs in
# the PostgreSQL half of the suite (tests/run.sh); on SQLite it has nothing
# to check.
source "$(dirname "$0")/lib.sh"
[[ $BACKEND == postgresql ]] || exit 0
DEMO=$ROOT/data/demo
SOCK=$BLUEHELM_TEST_PG
SECRET='s3cret-Pa55-w0rd'

# refused NAME URI: a command on URI exits 2, names the URI without the
# password and never prints the password.
refused() {
  local name=$1 uri=$2 shown=$3
  bh --db "$uri" count events >/dev/null
  local rc=$?
  expect_eq "$name-exit-2" "$rc" 2
  if grep -qF -- "$SECRET" "$WORK/stderr"; then fail "$name-no-password" "the password is printed: $(head -c 300 "$WORK/stderr")"
  else ok "$name-no-password"; fi
  if grep -qF -- "$shown" "$WORK/stderr"; then ok "$name-names-uri"
  else fail "$name-names-uri" "want '$shown' in: $(head -c 300 "$WORK/stderr")"; fi
}

fresh_db --no-gazetteer || { fail pg-setup "init failed"; exit 0; }
db=$(db_name "$BLUEHELM_DB")

# --- a server that is not there: an empty folder for a socket
mkdir -p "$WORK/nosock"
refused pg-unreachable "postgresql://bh:$SECRET@/$db?host=$WORK/nosock" "postgresql://bh@/$db?host=$WORK/nosock"
expect_grep pg-unreachable-why 'cannot connect to' "$WORK/stderr"

# --- a wrong password (bhpw needs one on the socket), in the URI's user part or as a parameter
refused pg-wrong-password "postgresql://bhpw:$SECRET@/$db?host=$SOCK" "postgresql://bhpw@/$db?host=$SOCK"
expect_grep pg-wrong-password-why 'password authentication failed' "$WORK/stderr"
refused pg-wrong-password-param "postgresql:///$db?host=$SOCK&user=bhpw&password=$SECRET" "postgresql:///$db?host=$SOCK&user=bhpw"
# the right one works
expect_eq pg-right-password "$(bh --db "postgresql://bhpw:bh-test-password@/$db?host=$SOCK" count events)" 0

# --- a database that does not exist
refused pg-missing-database "postgresql://bh:$SECRET@/${PG_PREFIX}nosuchdb?host=$SOCK" "postgresql://bh@/${PG_PREFIX}nosuchdb?host=$SOCK"
expect_grep pg-missing-database-why 'does not exist' "$WORK/stderr"

# --- a database that holds something else is not taken for bluehelm's
other=$(db_target other)
db_remove "$other" --empty
psql_ "$(db_name "$other")" -c "CREATE TABLE accounts (id int)"
bh --db "$other" init >/dev/null
expect_eq pg-foreign-db-refused "$?" 1
expect_grep pg-foreign-db-message 'not a bluehelm database' "$WORK/stderr"
expect_eq pg-foreign-db-untouched "$(psql_ "$(db_name "$other")" -c "select count(*) from pg_tables where schemaname = 'public'")" 1

# --- init in an empty database, then the schema version is kept in _schema_version
fresh=$(db_target fresh)
db_remove "$fresh" --empty
bh --db "$fresh" init --no-gazetteer >"$WORK/stdout"
expect_grep pg-init-empty-db 'schema version' "$WORK/stdout"
# the same version as a new SQLite database's
want=$("$BLUEHELM" --db "$WORK/v.db" init --no-gazetteer 2>/dev/null | sed -n 's/.*schema version \([0-9]*\).*/\1/p')
expect_eq pg-schema-version-table "$(psql_ "$(db_name "$fresh")" -c "select version from _schema_version")" "$want"

# --- a bulk load into an empty events table (its secondary indexes dropped,
# the rows copied straight in, the indexes built again) gives what SQLite gives
fresh_db --no-gazetteer || fail pg-bulk-setup "init failed"
mkdir -p "$WORK/bulk"
awk 'BEGIN {
  print "event_id_cnty,event_date,event_type,sub_event_type,admin1,latitude,longitude,notes,fatalities,place_id"
  for (i = 1; i <= 25000; i++)
    printf "bulk-%06d,2020-%02d-%02d,%s,%s,%s,%.4f,%.4f,\"row %d, tab\there\",%d,\n", i, i % 12 + 1, i % 28 + 1,
      (i % 3 ? "Battles" : "Riots"), (i % 3 ? "Armed clash" : "Violent demonstration"), (i % 2 ? "Gao" : "Mopti"),
      14 + (i % 1000) / 250, -2 + (i % 777) / 200, i, i % 5
}' >"$WORK/bulk/events.csv"
indexes() { psql_ "$db" -c "select string_agg(indexname, ' ' order by indexname) from pg_indexes where tablename = 'events'"; }
idx_before=$(indexes)
bh import "$WORK/bulk" >"$WORK/stdout"
expect_grep pg-bulk-summary '^events: 25000 inserted, 0 updated, 0 unchanged' "$WORK/stdout"
expect_eq pg-bulk-indexes-back "$(indexes)" "$idx_before"
"$BLUEHELM" --db "$WORK/bulk.db" init --no-gazetteer >/dev/null 2>&1
bh --db "$WORK/bulk.db" import "$WORK/bulk" >/dev/null
for q in "count events" "count events near=Gao:60" "count events admin1=Gao event_type=Riots" "export events"; do
  # shellcheck disable=SC2086
  if [[ "$(bh $q | sha256sum)" == "$(bh --db "$WORK/bulk.db" $q | sha256sum)" ]]; then ok "pg-bulk-same ${q#* }"
  else fail "pg-bulk-same ${q#* }" "PostgreSQL and SQLite differ"; fi
done
# the same file again: every row unchanged (the upsert path)
bh import "$WORK/bulk" >"$WORK/stdout"
expect_grep pg-bulk-reimport '^events: 0 inserted, 0 updated, 25000 unchanged' "$WORK/stdout"
# a reference to no place in the last row, found after the rows went in
# (references are checked at the end): nothing stored, the indexes back
fresh_db --no-gazetteer
sed '$ s/,$/,no-such-place/' "$WORK/bulk/events.csv" >"$WORK/bulk/bad.csv" && mv "$WORK/bulk/bad.csv" "$WORK/bulk/events.csv"
before=$(db_digest)
bh import "$WORK/bulk" >/dev/null
expect_eq pg-bulk-bad-row-refused "$?" 2
expect_grep pg-bulk-bad-row-says "events.csv:25001: place_id: no place" "$WORK/stderr"
expect_eq pg-bulk-bad-row-nothing-stored "$(db_digest)" "$before"
expect_eq pg-bulk-bad-row-indexes "$(indexes)" "$idx_before"

# --- the connection lost in the middle of an import: rolled back, said, nothing stored
fresh_db || fail pg-lost-setup "init failed"
bh import "$DEMO" >/dev/null || fail pg-lost-setup "$(head -c 300 "$WORK/stderr")"
before=$(db_digest)
mkdir -p "$WORK/lost"
awk 'BEGIN {
  print "event_id_cnty,event_date,event_type,sub_event_type,latitude,longitude,notes,fatalities"
  for (i = 1; i <= 400000; i++)
    printf "lost-%06d,2020-%02d-%02d,Battles,Armed clash,%.4f,%.4f,row %d,%d\n",
      i, i % 12 + 1, i % 28 + 1, 14 + (i % 1000) / 250, -2 + (i % 777) / 200, i, i % 5
}' >"$WORK/lost/events.csv"
"$BLUEHELM" import "$WORK/lost" >"$WORK/lost.out" 2>"$WORK/lost.err" &
pid=$!
# Wait until the import has a transaction open and has written (at most 60 s), then end its session.
killed=0
for ((i = 0; i < 600; i++)); do
  n=$(psql_ postgres -c "select count(*) from pg_stat_activity where datname = '$db' and application_name = 'bluehelm' and xact_start is not null and now() - xact_start > interval '1 second'")
  if [[ $n -ge 1 ]]; then
    psql_ postgres -c "select pg_terminate_backend(pid) from pg_stat_activity where datname = '$db' and application_name = 'bluehelm'" >/dev/null
    killed=1
    break
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
wait "$pid"
rc=$?
if [[ $killed == 1 ]]; then
  expect_eq pg-lost-exit-2 "$rc" 2
  expect_grep pg-lost-says-so 'connection .* was lost.*rolled back, nothing of it was stored' "$WORK/lost.err"
  expect_eq pg-lost-nothing-stored "$(db_digest)" "$before"
  expect_eq pg-lost-then-usable "$(bh count events event_id_cnty=lost-000001)" 0
else
  fail pg-lost-exit-2 "the import ended (exit $rc) before its session could be ended: $(head -c 300 "$WORK/lost.err")"
fi
exit 0
