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
trap 'unmount_all; rm -rf "$WORK"' EXIT
export BLUEHELM_DB="$WORK/test.db"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

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

# fresh_db [--no-gazetteer]: a new empty database at $BLUEHELM_DB.
fresh_db() {
  rm -f "$BLUEHELM_DB" "$BLUEHELM_DB-wal" "$BLUEHELM_DB-shm"
  "$BLUEHELM" init "$@" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr"; return 1; }
}

# db_digest: a digest of the whole database content (to show nothing changed).
db_digest() { sqlite3 "$BLUEHELM_DB" .dump | sha256sum | cut -c1-16; }

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
