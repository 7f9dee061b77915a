#!/usr/bin/env bash
# t_copy.sh: `bluehelm copy --to` copies a whole database with nothing lost:
# every kind, users, tokens, the audit chain, duplicate decisions and the
# gazetteer's marks. On SQLite: a file to a new file. On PostgreSQL: the
# round trip SQLite file -> PostgreSQL -> SQLite file, each step giving the
# same exports, the same users and decisions, and an audit chain that
# verifies; and a target that is not empty is refused, leaving it as it was.
source "$(dirname "$0")/lib.sh"
DEMO=$ROOT/data/demo

# what_is DB: every export, the users, the decisions and the audit trail's
# length and last hash, as one text (the same text: nothing lost).
what_is() {
  local db=$1
  rm -rf "$WORK/ex"
  bh --db "$db" export --all "$WORK/ex" >/dev/null || { echo "export failed: $(cat "$WORK/stderr")"; return; }
  (cd "$WORK/ex" && for f in *.csv; do echo "== $f"; cat "$f"; done)
  # gazetteer places the mission did not change are left out of --all: count them apart
  echo "places: $(bh --db "$db" count places)"
  bh --db "$db" user list
  bh --db "$db" duplicates decisions
  bh --db "$db" audit list --limit 1000
  bh --db "$db" audit verify
}

# The source: a SQLite file with the gazetteer, the demo, users with
# tokens, a disabled user, a duplicate decision, and records changed (the
# audit chain has entries of several kinds).
SRC=$WORK/source.db
"$BLUEHELM" --db "$SRC" init >/dev/null 2>"$WORK/stderr" || { fail copy-setup "$(cat "$WORK/stderr")"; exit 0; }
bh --db "$SRC" import "$DEMO" >/dev/null || fail copy-setup-demo "$(head -c 300 "$WORK/stderr")"
echo 'correct horse battery staple' | bh --db "$SRC" user add adm --role admin >/dev/null
echo 'correct horse battery staple' | bh --db "$SRC" user add east --role editor --sector east >/dev/null
echo 'correct horse battery staple' | bh --db "$SRC" user add gone --role viewer >/dev/null
bh --db "$SRC" user token adm >/dev/null
bh --db "$SRC" user disable gone >/dev/null
bh --db "$SRC" duplicates decide demo-0001 demo-0002 dismiss --note "two sources, one clash" >/dev/null ||
  fail copy-setup-decision "$(cat "$WORK/stderr")"
printf 'place_id,name,latitude,longitude,parent_place\ngn-2457163,Gao (changed),16.27167,-0.04472,\n' >"$WORK/gao.csv"
bh --db "$SRC" import "$WORK/gao.csv" --kind places >/dev/null || fail copy-setup-gazetteer "$(cat "$WORK/stderr")"
want=$(what_is "$SRC")
expect_grep copy-source-audited 'chain intact' <(echo "$want")

# copy_check NAME FROM TO: copy FROM to TO (new), then TO holds what FROM held.
copy_check() {
  local name=$1 from=$2 to=$3
  bh --db "$from" copy --to "$to" >"$WORK/copy.out"
  local rc=$?
  expect_eq "$name-exit" "$rc" 0
  expect_grep "$name-says" '^copied [0-9]+ tables, [0-9]+ rows' "$WORK/copy.out"
  local got
  got=$(what_is "$to")
  if [[ "$got" == "$want" ]]; then ok "$name-nothing-lost"
  else fail "$name-nothing-lost" "$(diff <(echo "$want") <(echo "$got") | head -c 600)"; fi
}

if [[ $BACKEND == sqlite ]]; then
  copy_check copy-sqlite "$SRC" "$WORK/copy.db"
  expect_eq copy-sqlite-key-beside "$(cmp -s "$SRC.audit-key" "$WORK/copy.db.audit-key" && echo same)" same
  # the target exists: refused, untouched
  before=$(sha256sum <"$WORK/copy.db")
  bh --db "$SRC" copy --to "$WORK/copy.db" >/dev/null
  expect_eq copy-existing-target-refused "$?" 2
  expect_grep copy-existing-target-says 'already exists' "$WORK/stderr"
  expect_eq copy-existing-target-untouched "$(sha256sum <"$WORK/copy.db")" "$before"
else
  # A server database has no place beside it for the audit key: every
  # database here is given the one key ($BLUEHELM_AUDIT_KEY, tests/cli/lib.sh),
  # as the copy command says.
  PGDB=$(db_target copy)
  db_remove "$PGDB" --empty
  copy_check copy-sqlite-to-pg "$SRC" "$PGDB"
  # a PostgreSQL database reads its copy's tokens: the token made on SQLite still names adm
  expect_eq copy-pg-users "$(bh --db "$PGDB" user list | grep -c .)" "$(bh --db "$SRC" user list | grep -c .)"
  copy_check copy-pg-to-sqlite "$PGDB" "$WORK/back.db"
  # the indicators agree on both sides
  for q in "ied from=2019-01-01 to=2022-12-31" "serviceability as_of=2021-06-01" "rotation-conflicts from=2021-01-01 to=2021-05-31" \
           "weekly of=events from=2021-01-01 to=2021-06-30" "count of=events near=Gao:50"; do
    # shellcheck disable=SC2086
    a=$(bh --db "$SRC" indicator $q) b=$(bh --db "$PGDB" indicator $q)
    if [[ -n "$a" && "$a" == "$b" ]]; then ok "copy-same-indicator ${q%% *}"
    else fail "copy-same-indicator ${q%% *}" "$(diff <(echo "$a") <(echo "$b") | head -c 400)"; fi
  done
  # a target that is not empty is refused, and keeps what it had
  before=$(BLUEHELM_DB=$PGDB db_digest)
  bh --db "$WORK/back.db" copy --to "$PGDB" >/dev/null
  expect_eq copy-nonempty-target-refused "$?" 2
  expect_grep copy-nonempty-target-says 'already holds a bluehelm database' "$WORK/stderr"
  expect_eq copy-nonempty-target-untouched "$(BLUEHELM_DB=$PGDB db_digest)" "$before"
fi
bh --db "$SRC" copy >/dev/null
expect_eq copy-needs-to "$?" 2
exit 0
