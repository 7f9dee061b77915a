#!/usr/bin/env bash
# lint.sh: bans unsafe C functions in src/ (house habit 3).
set -euo pipefail
cd "$(dirname "$0")/.."
bad=$(grep -nE '\b(sprintf|vsprintf|strcpy|strcat|atoi|atol|gets)\s*\(' src/*/*.c src/*/*.h 2>/dev/null | grep -vE '\b(snprintf|vsnprintf)\s*\(' || true)
if [[ -n "$bad" ]]; then
  echo "lint: banned function used (use snprintf, a bounded buf, or strtol):" >&2
  echo "$bad" >&2
  exit 1
fi
