#!/usr/bin/env bash
# run.sh: the whole test suite: unit tests (C, under ASan+UBSan), end-to-end
# tests (tests/cli/t_*.sh running build/asan/bluehelm), and a short fuzz run
# of the CSV reader. Ends with "N passed, N failed, N skipped".
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

echo "== unit tests"
build/asan/unit >"$log" 2>&1
rc=$?
grep -E '^(FAIL|  )' "$log"
tally
if [[ $rc -ne 0 && $(grep -c '^FAIL' "$log") -eq 0 ]]; then
  echo "FAIL unit: the unit test binary crashed (exit $rc)"; tail -20 "$log"; failed=$((failed + 1))
fi

for t in tests/cli/t_*.sh tests/http/t_*.sh tests/browser/t_*.sh; do
  echo "== $t"
  bash "$t" >"$log" 2>&1
  rc=$?
  grep -E '^(FAIL|skip)' "$log"
  tally
  if [[ $rc -ne 0 ]]; then
    echo "FAIL $t: exited $rc"; tail -20 "$log"; failed=$((failed + 1))
  fi
done

echo "== fuzz (CSV reader, ${FUZZ_SECONDS:-5} s)"
mkdir -p build/fuzz/corpus
if build/fuzz/fuzz_csv -max_total_time="${FUZZ_SECONDS:-5}" -max_len=65536 \
     build/fuzz/corpus tests/fixtures/csv >"$log" 2>&1; then
  passed=$((passed + 1))
else
  echo "FAIL fuzz_csv"; tail -30 "$log"; failed=$((failed + 1))
fi
rm -f "$log"
echo "$passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 ]]
