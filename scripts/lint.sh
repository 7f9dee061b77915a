#!/usr/bin/env bash
# lint.sh: house rules that a compiler does not check.
#  - bans unsafe C functions in src/ (house habit 3);
#  - keeps every database call behind the storage seam: nothing outside
#    src/store/ includes sqlite3.h or libpq-fe.h or calls their functions;
#  - no merge conflict markers left in tracked files.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|atoi|atol|gets)\s*\(' src/*/*.c src/*/*.h 2>/dev/null | grep -vE '\b(snprintf|vsnprintf)\s*\(' || true)
if [[ -n "$bad" ]]; then
  echo "lint: banned function used (use snprintf, a bounded buf, or strtol):" >&2
  echo "$bad" >&2
  exit 1
fi
seam=$(grep -nE '<sqlite3\.h>|<libpq-fe\.h>|\bsqlite3_[a-z_0-9]+\s*\(|\bPQ[a-zA-Z]+\s*\(' \
         $(find src tests/unit fuzz -name '*.[ch]' ! -path 'src/store/*') 2>/dev/null || true)
if [[ -n "$seam" ]]; then
  echo "lint: database calls outside src/store/ (go through the storage seam, store.h):" >&2
  echo "$seam" >&2
  exit 1
fi
# No merge conflict markers in what git tracks.
markers=$(git ls-files -z 2>/dev/null | xargs -0 grep -nE '^(<<<<<<<|>>>>>>>) ' 2>/dev/null || true)
if [[ -n "$markers" ]]; then
  echo "lint: merge conflict markers left in:" >&2
  echo "$markers" >&2
  exit 1
fi
