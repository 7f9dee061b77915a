# lib.sh: shared helpers for the end-to-end tests in tests/cli/t_*.sh.
# Each test script sources this file, runs bluehelm the way a user would and
# reports each check as a line "ok NAME", "FAIL NAME: why" or
# "skip NAME: reason"; tests/run.sh counts them.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BLUEHELM=${BLUEHELM:-$ROOT/build/asan/bluehelm}
SHARED=${SHARED:-$ROOT/../shared/data}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bluehelm-test.XXXXXX")
MOUNTS=()
# unmount_all: unmounts what small_fs mounted (before $WORK is removed).
unmount_all() {
  local m
  for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  MOUNTS=()
}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

# The backend under test: SQLite files in $WORK, or, when tests/run.sh has
# started a throwaway PostgreSQL cluster (tests/pg_cluster.sh), databases
# in it: BLUEHELM_TEST_PG is the folder of its Unix socket, and
# BLUEHELM_TEST_PG_USER its superuser. Every database a script makes is
# dropped when it ends.
if [[ -n "${BLUEHELM_TEST_PG:-}" ]]; then
  BACKEND=postgresql
  PG_USER=${BLUEHELM_TEST_PG_USER:-bh}
  PG_PREFIX="bht_$$_"
  # A server database has no place beside it for the audit key: it is
  # given, as a deployment would give it (made at the first append).
  export BLUEHELM_AUDIT_KEY=${BLUEHELM_AUDIT_KEY:-$WORK/audit-key}
else
  BACKEND=sqlite
fi

# psql_ DB ARGS...: psql on database DB of the test cluster, quiet, rows unaligned.
psql_() {
  local db=$1
  shift
  PGOPTIONS='-c client_min_messages=warning' psql -X -q -At -v ON_ERROR_STOP=1 -h "$BLUEHELM_TEST_PG" -U "$PG_USER" -d "$db" "$@"
}

# db_name TARGET: the PostgreSQL database name of a target URI.
db_name() { local t=${1#postgresql:///}; echo "${t%%\?*}"; }

# db_target NAME: where a database called NAME lives for this backend: a
# file in $WORK, or a URI of the test cluster.
db_target() {
  if [[ $BACKEND == sqlite ]]; then echo "$WORK/$1.db"
  else echo "postgresql:///${PG_PREFIX}$1?host=$BLUEHELM_TEST_PG&user=$PG_USER"; fi
}

# db_remove TARGET: deletes the database (PostgreSQL: drops it, and makes
# it again empty when --empty is given: bluehelm does not create databases).
db_remove() {
  if [[ $BACKEND == sqlite ]]; then rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; return; fi
  local name
  name=$(db_name "$1")
  psql_ postgres -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" || return 1
  [[ ${2:-} == --empty ]] && { psql_ postgres -c "CREATE DATABASE \"$name\"" || return 1; }
  return 0
}

# db_exists TARGET: the database exists and holds bluehelm's schema.
db_exists() {
  if [[ $BACKEND == sqlite ]]; then [[ -s "$1" ]]; return; fi
  [[ $(psql_ "$(db_name "$1")" -c "select to_regclass('_schema_version') is not null" 2>/dev/null) == t ]]
}

# db_clone FROM TO: TO becomes a copy of FROM.
db_clone() {
  db_remove "$2"
  if [[ $BACKEND == sqlite ]]; then cp "$1" "$2"; return; fi
  psql_ postgres -c "CREATE DATABASE \"$(db_name "$2")\" TEMPLATE \"$(db_name "$1")\""
}

# db_sql [--db TARGET] SQL: runs SQL (written for both backends) on the
# database (default $BLUEHELM_DB); rows as lines, columns separated by |.
db_sql() {
  local target=$BLUEHELM_DB
  if [[ $1 == --db ]]; then target=$2; shift 2; fi
  if [[ $BACKEND == sqlite ]]; then sqlite3 -cmd ".timeout 5000" "$target" "$1"
  else psql_ "$(db_name "$target")" -c "$1"; fi
}

# db_sqlite: a SQLite file holding the database's records, for checks that
# recompute figures with the sqlite3 shell's own functions: the database
# itself, or on PostgreSQL a `bluehelm copy` of it (made anew each call).
db_sqlite() {
  if [[ $BACKEND == sqlite ]]; then echo "$BLUEHELM_DB"; return; fi
  rm -f "$WORK/pgcopy.db"
  "$BLUEHELM" copy --to "$WORK/pgcopy.db" >/dev/null 2>"$WORK/copy.err" || { cat "$WORK/copy.err" >&2; return 1; }
  echo "$WORK/pgcopy.db"
}

# lite_sql SQL...: SQL in SQLite's dialect (json_extract...) read from the
# database: itself, or on PostgreSQL a SQLite copy of it (db_sqlite).
lite_sql() {
  local f
  f=$(db_sqlite) || return 1
  sqlite3 -cmd ".timeout 5000" "$f" "$@"
}

# db_set_version TARGET N: marks the database as made by schema version N.
db_set_version() {
  if [[ $BACKEND == sqlite ]]; then sqlite3 "$1" "PRAGMA user_version=$2"
  else psql_ "$(db_name "$1")" -c "UPDATE _schema_version SET version = $2"; fi
}

db_cleanup() {
  unmount_all
  if [[ $BACKEND == postgresql ]]; then
    local d
    for d in $(psql_ postgres -c "select datname from pg_database where datname like '${PG_PREFIX}%'" 2>/dev/null); do
      psql_ postgres -c "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" >/dev/null 2>&1
    done
  fi
  rm -rf "$WORK"
}
trap db_cleanup EXIT
BLUEHELM_DB=$(db_target test)
export BLUEHELM_DB

# bh ARGS...: runs bluehelm; stdout to stdout, stderr to $WORK/stderr.
bh() { "$BLUEHELM" "$@" 2>"$WORK/stderr"; }

ok() { echo "ok   $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "skip $1: $2"; }

# check NAME COMMAND...: ok when the command succeeds.
check() {
  local name=$1
  shift
  if "$@"; then ok "$name"; else fail "$name" "command failed: $*"; fi
}

# expect_eq NAME ACTUAL EXPECTED
expect_eq() {
  if [[ "$2" == "$3" ]]; then ok "$1"; else fail "$1" "got '$2', want '$3'"; fi
}

# expect_grep NAME PATTERN FILE: the file holds a line matching the pattern.
expect_grep() {
  if grep -qE -- "$2" "$3"; then ok "$1"; else fail "$1" "no line matching '$2' in $(head -c 600 "$3")"; fi
}

# jv FILE PATH: the JSON value at PATH ('$.total', '$.strengths') of FILE.
jv() { sqlite3 :memory: "select json_extract(readfile('$1'), '$2')"; }
# jids FILE FIGURE: the ids of an indicator's records.FIGURE, sorted, comma-joined.
jids() {
  sqlite3 :memory: "select group_concat(value, ',') from (select value from json_each(json_extract(readfile('$1'), '\$.records'), '\$.\"$2\"') order by value)"
}
# ind NAME OUT ARGS...: runs the indicator ARGS into $WORK/OUT.json; fails
# the check NAME when it exits non-zero.
ind() {
  local name=$1 out=$2
  shift 2
  if bh indicator "$@" >"$WORK/$out.json"; then return 0; fi
  fail "$name" "indicator $* exited non-zero: $(head -c 300 "$WORK/stderr")"
  return 1
}

# fresh_db [--no-gazetteer]: a new empty database at $BLUEHELM_DB. On
# PostgreSQL, `bluehelm init` runs once per cluster into a template
# database (bht_tpl_gaz, bht_tpl_nogaz) that later fresh databases copy.
fresh_db() {
  if [[ $BACKEND == sqlite ]]; then
    db_remove "$BLUEHELM_DB"
    "$BLUEHELM" init "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr"; return 1; }
    return 0
  fi
  local tpl=bht_tpl_gaz
  [[ ${1:-} == --no-gazetteer ]] && tpl=bht_tpl_nogaz
  if [[ $(psql_ postgres -c "select count(*) from pg_database where datname = '$tpl'") != 1 ]]; then
    psql_ postgres -c "CREATE DATABASE $tpl" || return 1
    "$BLUEHELM" --db "postgresql:///$tpl?host=$BLUEHELM_TEST_PG&user=$PG_USER" init "$@" >/dev/null 2>"$WORK/stderr" ||
      { cat "$WORK/stderr"; psql_ postgres -c "DROP DATABASE $tpl"; return 1; }
  fi
  db_remove "$BLUEHELM_DB" &&
    psql_ postgres -c "CREATE DATABASE \"$(db_name "$BLUEHELM_DB")\" TEMPLATE $tpl"
}

# db_digest: a digest of the whole database content (to show nothing
# changed); on PostgreSQL pg_dump's lines, sorted (rows have no fixed order).
db_digest() {
  if [[ $BACKEND == sqlite ]]; then sqlite3 "$BLUEHELM_DB" .dump | sha256sum | cut -c1-16; return; fi
  pg_dump -h "$BLUEHELM_TEST_PG" -U "$PG_USER" "$(db_name "$BLUEHELM_DB")" | grep -vE '^(--|\\(un)?restrict |$)' | sort | sha256sum | cut -c1-16
}

# need_shared NAME: returns 0 when ../shared/data exists; otherwise reports a
# skip (or, under CI=true, a failure) and returns 1.
need_shared() {
  [[ -d "$SHARED/events" ]] && return 0
  if [[ "${CI:-}" == "true" ]]; then fail "$1" "../shared/data is missing (CI must have it)"
  else skip "$1" "../shared/data is not beside the repository"; fi
  return 1
}

# csv_select FILE COL...: the named columns of an RFC 4180 CSV file, one
# record a line, tab-separated (tabs and newlines inside values become spaces).
csv_select() {
  local file=$1
  shift
  LC_ALL=C awk -v want="$*" '
    function parse(s, f,    n, p, fld) {
      n = 0
      while (1) {
        if (substr(s, 1, 1) == "\"") {
          s = substr(s, 2); fld = ""
          while (1) {
            p = index(s, "\"")
            if (p == 0) { fld = fld s; s = ""; break }
            fld = fld substr(s, 1, p - 1)
            if (substr(s, p + 1, 1) == "\"") { fld = fld "\""; s = substr(s, p + 2); continue }
            s = substr(s, p + 1); break
          }
          p = index(s, ",")
          if (p == 0) s = ""; else s = substr(s, p)
        } else {
          p = index(s, ",")
          if (p == 0) { fld = s; s = "" } else { fld = substr(s, 1, p - 1); s = substr(s, p) }
        }
        gsub(/[\t\n]/, " ", fld)
        f[++n] = fld
        if (s == "") return n
        s = substr(s, 2)
        if (s == "") { f[++n] = ""; return n }
      }
    }
    BEGIN { nw = split(want, w, " ") }
    {
      sub(/\r$/, "")
      rec = (buf == "") ? $0 : buf "\n" $0
      t = rec
      if (gsub(/"/, "", t) % 2) { buf = rec; next }
      buf = ""
      n = parse(rec, f)
      if (!hdr) {
        hdr = 1
        sub(/^\357\273\277/, "", f[1])
        for (j = 1; j <= n; j++) pos[f[j]] = j
        for (i = 1; i <= nw; i++) if (!(w[i] in pos)) { print "csv_select: no column " w[i] > "/dev/stderr"; exit 2 }
        next
      }
      line = ""
      for (i = 1; i <= nw; i++) line = line (i > 1 ? "\t" : "") f[pos[w[i]]]
      print line
    }' "$file"
}

# small_fs NAME DIR SIZE: mounts a tmpfs of SIZE (such as 8m) on DIR, to
# fill up; it is unmounted when the script exits. Where mounting is not
# permitted (not root), reports a skip with the reason and returns 1.
small_fs() {
  local why
  mkdir -p "$2"
  if why=$(mount -t tmpfs -o "size=$3,mode=0755" bluehelm-test "$2" 2>&1); then
    MOUNTS+=("$2")
    return 0
  fi
  skip "$1" "cannot mount a small filesystem here (${why:-not permitted}): run the tests as root"
  return 1
}

# fill_fs DIR [KIB]: fills the filesystem of DIR with a file DIR/filler,
# leaving about KIB KiB free (default 0).
fill_fs() {
  local free
  rm -f "$1/filler"
  free=$(df -k --output=avail "$1" | tail -1 | tr -d ' ')
  if ((free > ${2:-0})); then
    head -c $(((free - ${2:-0}) * 1024)) /dev/zero >"$1/filler" 2>/dev/null
  fi
  return 0
}

# as_user CMD...: runs CMD as an unprivileged user (nobody) when the tests
# run as root, who may write any file whatever its mode; else as is.
as_user() {
  if ((EUID == 0)); then setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"
  else "$@"; fi
}
