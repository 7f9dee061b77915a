#!/usr/bin/env bash
# t_faults.sh: faults a command-line import must survive (issue 11, item 5):
# kill -9 in the middle of an import, a full disk (in the middle of an
# import, at its commit, with --skip-bad, during init) and a read-only
# database (its file, its folder, its filesystem). Each leaves the database
# as it was, says what happened in one line, and exits non-zero; reads of a
# read-only database still work. The full disk and the read-only filesystem
# need a small tmpfs mounted by the test (root); elsewhere they are skipped
# with the reason.
source "$(dirname "$0")/lib.sh"
# A SQLite file's faults (full disk, read-only file or folder, a killed
# writer): on PostgreSQL the server's own faults are t_pg.sh's.
[[ $BACKEND == sqlite ]] || exit 0

command -v sqlite3 >/dev/null || { skip faults "the sqlite3 shell is needed (scripts/deps.sh test)"; exit 0; }
DEMO=$ROOT/data/demo
DEMO_EVENTS=215 # the records of data/demo/events.csv (215 ids, one per record)

# gen_acled ROWS SEED FILE: a synthetic ACLED file of ROWS events (one per
# record, each id unique: bench/gen_acled.awk).
gen_acled() { awk -v rows="$1" -v seed="$2" -f "$ROOT/bench/gen_acled.awk" >"$3"; }

# demo_at DB: a fresh database at DB with the demo dataset (a copy of one
# made once: the file and its audit key are the database once no connection
# is open).
demo_at() {
  if [[ ! -s "$WORK/demo.db" ]]; then
    BLUEHELM_DB=$WORK/demo.db fresh_db && BLUEHELM_DB=$WORK/demo.db bh import "$DEMO" >/dev/null || return 1
  fi
  rm -f "$1" "$1-wal" "$1-shm" "$1.audit-key"
  cp "$WORK/demo.db" "$1"
  # The audit key goes with its database (the import signed its entry).
  cp -p "$WORK/demo.db.audit-key" "$1.audit-key"
}

# one_line NAME PATTERN: stderr of the last command is exactly one line,
# matching PATTERN (the fault alone: no row's place, no "N problems").
one_line() {
  local n
  n=$(wc -l <"$WORK/stderr")
  if [[ $n -eq 1 ]] && grep -qE -- "$2" "$WORK/stderr"; then ok "$1"
  else fail "$1" "want one line matching '$2', got $n: $(head -c 600 "$WORK/stderr")"; fi
}

# checked NAME: `bluehelm check` passes on $BLUEHELM_DB.
checked() {
  local out rc
  out=$("$BLUEHELM" check 2>&1)
  rc=$?
  if [[ $rc -eq 0 ]] && grep -q '^integrity: ok' <<<"$out" && grep -q '^references: ok' <<<"$out"; then
    ok "$1"
  else fail "$1" "check exited $rc: $(head -c 400 <<<"$out")"; fi
}

gen_acled 60000 20240601 "$WORK/big.csv"
gen_acled 3000 7 "$WORK/small.csv"

# ---------------------------------------------------------------- kill -9
demo_at "$BLUEHELM_DB" || fail kill9-setup "$(cat "$WORK/stderr")"
before=$(db_digest)
"$BLUEHELM" import --format acled "$WORK/big.csv" >"$WORK/kill.out" 2>"$WORK/kill.err" &
pid=$!
# Mid-way: the import has written rows past its page cache into the -wal
# file (so something is on disk to undo), and it is still running.
for ((i = 0; i < 1200; i++)); do
  wal=$(stat -c %s "$BLUEHELM_DB-wal" 2>/dev/null || echo 0)
  ((wal > 4000000)) && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
if kill -KILL "$pid" 2>/dev/null; then
  { wait "$pid"; } 2>/dev/null
  expect_eq kill9-mid-way "$? wal>4MB:$((wal > 4000000))" "137 wal>4MB:1"
else
  { wait "$pid"; } 2>/dev/null
  fail kill9-mid-way "the import ended before it could be killed: $(head -c 300 "$WORK/kill.err")"
fi
expect_eq kill9-stores-nothing "$(bh count events)" "$DEMO_EVENTS"
expect_eq kill9-database-unchanged "$(db_digest)" "$before"
checked kill9-check-passes
# The database takes the next import as if nothing had happened.
bh import --format acled "$WORK/small.csv" >/dev/null
expect_eq kill9-next-import "$? $(bh count events)" "0 $((DEMO_EVENTS + 3000))"

# -------------------------------------------------------------- full disk
if small_fs full-disk "$WORK/small" 8m; then
  export BLUEHELM_DB=$WORK/small/t.db
  demo_at "$BLUEHELM_DB" || fail full-setup "$(cat "$WORK/stderr")"
  before=$(db_digest)
  full='^bluehelm: the disk holding .*small/t\.db is full: nothing was stored$'

  # In the middle: 60,000 events (about 40 MB) do not fit in the 5 MB left;
  # the page cache spills into the -wal file until the disk is full.
  bh import --format acled "$WORK/big.csv" >/dev/null
  expect_eq full-import-fails "$?" 1
  one_line full-import-says-so "$full"
  expect_eq full-import-stores-nothing "$(bh count events)" "$DEMO_EVENTS"
  expect_eq full-import-database-unchanged "$(db_digest)" "$before"
  checked full-import-check-passes

  # --skip-bad: a full disk is not a bad row; nothing is stored, not even
  # after SQLite has ended the transaction on its own, and no skip file stays.
  bh import --format acled --skip-bad "$WORK/refused.csv" "$WORK/big.csv" >/dev/null
  expect_eq full-skip-bad-fails "$?" 1
  one_line full-skip-bad-says-so "$full"
  expect_eq full-skip-bad-stores-nothing "$(bh count events)" "$DEMO_EVENTS"
  expect_eq full-skip-bad-database-unchanged "$(db_digest)" "$before"
  [[ -e "$WORK/refused.csv" ]] && fail full-skip-bad-no-skip-file "$(head -c 300 "$WORK/refused.csv")" ||
    ok full-skip-bad-no-skip-file

  # At the commit: 3,000 events (about 2 MB of pages) stay in the page cache
  # until the commit writes them to the -wal file, with 600 KiB left.
  fill_fs "$WORK/small" 600
  bh import --format acled "$WORK/small.csv" >/dev/null
  expect_eq full-commit-fails "$?" 1
  one_line full-commit-says-so "$full"
  expect_eq full-commit-stores-nothing "$(bh count events)" "$DEMO_EVENTS"
  expect_eq full-commit-database-unchanged "$(db_digest)" "$before"
  checked full-commit-check-passes

  # Other writes say the same.
  fill_fs "$WORK/small" 0
  echo "correct horse battery staple" | bh user add ann --role admin >/dev/null
  expect_eq full-user-add-fails "$?" 1
  one_line full-user-add-says-so "$full"
  expect_eq full-user-add-database-unchanged "$(db_digest)" "$before"

  # With room again, the same import goes through.
  rm -f "$WORK/small/filler"
  bh import --format acled "$WORK/small.csv" >/dev/null
  expect_eq full-then-room "$? $(bh count events)" "0 $((DEMO_EVENTS + 3000))"

  # init on a full disk says so and leaves no half-made database (a -wal
  # left behind would be replayed into the next database of that name).
  fill_fs "$WORK/small" 0
  BLUEHELM_DB=$WORK/small/new.db bh init
  expect_eq full-init-fails "$?" 1
  one_line full-init-says-so '^bluehelm: the disk holding .*small/new\.db is full: nothing was stored$'
  left=$(cd "$WORK/small" && echo new.db*)
  expect_eq full-init-leaves-nothing "$left" 'new.db*'
  rm -f "$WORK/small/filler"
  export BLUEHELM_DB=$WORK/test.db
fi

# -------------------------------------------------------------- read-only
# Root writes any file whatever its mode: the mode cases run as nobody.
if ((EUID == 0)) && ! command -v setpriv >/dev/null; then
  skip read-only "running as root without setpriv (util-linux) to run as another user"
else
  chmod 755 "$WORK"
  # ubh ARGS...: bluehelm as that user.
  ubh() { as_user "$BLUEHELM" "$@" 2>"$WORK/stderr"; }
  # copy_digest DB: db_digest of a copy of the file alone (it has no -wal
  # content), which leaves no -shm or -wal beside DB.
  copy_digest() {
    cp "$1" "$WORK/copy.db"
    BLUEHELM_DB=$WORK/copy.db db_digest
    rm -f "$WORK/copy.db"*
  }
  # read_only_case NAME DIR REASON: the database DIR/t.db can be read, not written.
  read_only_case() {
    local name=$1 db=$2/t.db why=$3 digest
    digest=$(copy_digest "$db")
    export BLUEHELM_DB=$db
    case $name in
      ro-file) chmod 444 "$db" ;;
      ro-folder) chmod 555 "$2" ;;
    esac
    local ro="^bluehelm: the database is read-only \(.*t\.db: $why\): nothing was stored$"
    # Reads work: opened read-only (count), or read-write when asked and
    # read-only because it cannot be written (export, which opens read-write).
    expect_eq "$name-count" "$(ubh count events)" "$DEMO_EVENTS"
    ubh export events -o /dev/null
    expect_eq "$name-export" "$?" 0
    ubh show events demo-0001 >/dev/null
    expect_eq "$name-show" "$?" 0
    ubh check >/dev/null
    expect_eq "$name-check" "$?" 0
    # Writes say why, once, and fail.
    ubh import "$DEMO/events.csv" >/dev/null
    expect_eq "$name-import-fails" "$?" 1
    one_line "$name-import-says-so" "$ro"
    echo "correct horse battery staple" | ubh user add bob --role admin >/dev/null
    expect_eq "$name-user-add-fails" "$?" 1
    one_line "$name-user-add-says-so" "$ro"
    chmod 755 "$2"
    chmod 644 "$db"
    expect_eq "$name-unchanged" "$(copy_digest "$db")" "$digest"
    export BLUEHELM_DB=$WORK/test.db
  }

  # The file's mode (its folder writable by the user).
  mkdir -p "$WORK/rofile"
  demo_at "$WORK/rofile/t.db"
  ((EUID == 0)) && chown -R 65534 "$WORK/rofile"
  read_only_case ro-file "$WORK/rofile" "the file is not writable"
  # Reading it left -shm and -wal files with its mode (SQLite makes them
  # so); once the file is writable again, a write names the one in the way.
  shm=$WORK/rofile/t.db-shm
  if [[ -e $shm ]] && ! as_user test -w "$shm"; then
    BLUEHELM_DB=$WORK/rofile/t.db ubh user disable ed
    expect_eq ro-file-leftover-shm-fails "$?" 1
    one_line ro-file-leftover-shm-named 'its -shm file is not writable: remove it while no bluehelm uses the database'
    rm -f "$shm"
    echo "correct horse battery staple" | BLUEHELM_DB=$WORK/rofile/t.db ubh user add bob --role admin >/dev/null
    expect_eq ro-file-writable-again "$?" 0
  else
    skip ro-file-leftover-shm "SQLite left no read-only -shm file behind"
  fi
  # A read-only database made by an older bluehelm cannot be migrated: a
  # command that would migrate it says so (one that only reads still reads).
  cp "$WORK/demo.db" "$WORK/rofile/old.db"
  sqlite3 "$WORK/rofile/old.db" "PRAGMA user_version = 2"
  chmod 444 "$WORK/rofile/old.db"
  BLUEHELM_DB=$WORK/rofile/old.db ubh export events -o /dev/null
  expect_eq ro-old-schema-refused "$?" 1
  one_line ro-old-schema-says-so '^bluehelm: the database is read-only \(.*old\.db: the file is not writable\) and was made by an older bluehelm \(schema version 2; this one needs [0-9]+\)'

  # The folder's mode (the file writable by the user): the -wal and -shm
  # files cannot be made, so the file is read as it is.
  mkdir -p "$WORK/rofolder"
  demo_at "$WORK/rofolder/t.db"
  ((EUID == 0)) && chown 65534 "$WORK/rofolder/t.db" "$WORK/rofolder/t.db.audit-key"
  read_only_case ro-folder "$WORK/rofolder" "its folder is not writable"
fi

# A filesystem mounted read-only: a fact even for root.
if small_fs ro-filesystem "$WORK/rofs" 16m; then
  demo_at "$WORK/rofs/t.db"
  digest=$(BLUEHELM_DB=$WORK/rofs/t.db db_digest)
  if mount -o remount,ro "$WORK/rofs" 2>"$WORK/stderr"; then
    export BLUEHELM_DB=$WORK/rofs/t.db
    ro='^bluehelm: the database is read-only \(.*t\.db: the filesystem is read-only\): nothing was stored$'
    expect_eq ro-fs-count "$(bh count events)" "$DEMO_EVENTS"
    bh export events -o /dev/null
    expect_eq ro-fs-export "$?" 0
    bh import "$DEMO/events.csv" >/dev/null
    expect_eq ro-fs-import-fails "$?" 1
    one_line ro-fs-import-says-so "$ro"
    echo "correct horse battery staple" | bh user add bob --role admin >/dev/null
    expect_eq ro-fs-user-add-fails "$?" 1
    one_line ro-fs-user-add-says-so "$ro"
    mount -o remount,rw "$WORK/rofs"
    expect_eq ro-fs-unchanged "$(db_digest)" "$digest"
    export BLUEHELM_DB=$WORK/test.db
  else
    skip ro-filesystem "cannot remount read-only: $(cat "$WORK/stderr")"
  fi
fi
