#!/usr/bin/env bash
# run.sh: the whole test suite: unit tests (C, under ASan+UBSan), end-to-end
# tests (tests/cli, tests/http, tests/browser running build/asan/bluehelm)
# on SQLite and again on a throwaway PostgreSQL cluster, and a short run of
# each fuzz target (fuzz/). Ends with "N passed, N failed, N skipped".
set -u
shopt -s nullglob
cd "$(dirname "$0")/.."
passed=0 failed=0 skipped=0
log=$(mktemp)

tally() { # reads "ok/FAIL/skip" lines from $log
  local p f s
  p=$(grep -c '^ok ' "$log" || true)
  f=$(grep -c '^FAIL' "$log" || true)
  s=$(grep -c '^skip' "$log" || true)
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# unit [FILTER]: the unit test binary (the tests whose name holds FILTER).
unit() {
  build/asan/unit "$@" >"$log" 2>&1
  local rc=$?
  grep -E '^(FAIL|skip|  )' "$log"
  tally
  if [[ $rc -ne 0 && $(grep -c '^FAIL' "$log") -eq 0 ]]; then
    echo "FAIL unit: the unit test binary crashed (exit $rc)"; tail -20 "$log"; failed=$((failed + 1))
  fi
}

# suites LABEL: the end-to-end CLI, HTTP and browser scripts on one backend.
suites() {
  local t rc
  for t in tests/cli/t_*.sh tests/http/t_*.sh tests/browser/t_*.sh; do
    local t0=$SECONDS
    bash "$t" >"$log" 2>&1
    rc=$?
    echo "== $1 $t ($((SECONDS - t0)) s)"
    grep -E '^(FAIL|skip)' "$log"
    tally
    if [[ $rc -ne 0 ]]; then
      echo "FAIL $1 $t: exited $rc"; tail -20 "$log"; failed=$((failed + 1))
    fi
  done
}

start=$SECONDS
echo "== unit tests"
unit

# The same suites on SQLite, then on a throwaway PostgreSQL cluster
# (tests/pg_cluster.sh), which the PostgreSQL-only unit tests use too.
suites sqlite
source tests/pg_cluster.sh
if pg_start; then
  trap pg_stop EXIT
  echo "== unit tests on PostgreSQL"
  psql -X -q -h "$BLUEHELM_TEST_PG" -U "$BLUEHELM_TEST_PG_USER" -d postgres -c "CREATE DATABASE bh_unit"
  BLUEHELM_TEST_PG_UNIT="postgresql:///bh_unit?host=$BLUEHELM_TEST_PG&user=$BLUEHELM_TEST_PG_USER" unit pg
  suites postgresql
  pg_stop
  trap - EXIT
elif [[ "${CI:-}" == "true" ]]; then
  echo "FAIL postgresql: $PG_SKIP_REASON"; failed=$((failed + 1))
else
  echo "skip postgresql: the PostgreSQL half of the suite: $PG_SKIP_REASON"; skipped=$((skipped + 1))
fi

# Each fuzz target for a few seconds (FUZZ_SECONDS, default 3, counted after
# its start-up: loading the shared database and replaying its kept corpus,
# fuzz/corpus/TARGET, take 1-4 s more; about 20 s in all on an idle
# machine), new inputs going to a scratch folder. A crash, a sanitizer
# report or a failed invariant is a failed check.
for t in csv wire json filter template; do
  echo "== fuzz_$t (${FUZZ_SECONDS:-3} s)"
  work=$(mktemp -d)
  # shellcheck disable=SC2046 # the options file holds several words
  if build/fuzz/fuzz_$t -max_total_time="${FUZZ_SECONDS:-3}" $(cat fuzz/$t.options) \
       -artifact_prefix="$work/" "$work" "fuzz/corpus/$t" >"$log" 2>&1; then
    passed=$((passed + 1))
  else
    echo "FAIL fuzz_$t"; tail -40 "$log"
    for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
      cp "$a" build/fuzz/ && echo "  the input: build/fuzz/$(basename "$a")"
    done
    failed=$((failed + 1))
  fi
  rm -rf "$work"
done
rm -f "$log"
echo "== $((SECONDS - start)) s in all; load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
