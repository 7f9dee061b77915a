#!/usr/bin/env bash
# deps.sh GROUP: installs the Debian packages bluehelm needs that are missing.
#   build  what `make` and `make run` need
#   test   build + what `make test` needs (sanitizers, fuzzer, sqlite3 shell,
#          setpriv and mount for the fault tests, PostgreSQL for the second
#          half of the suite)
#   bench  test + what the benchmarks compare against
# As root it runs `apt-get update` once and installs; otherwise it names the
# missing packages and fails.
set -euo pipefail
group=${1:-build}

build_pkgs=(gcc make pkg-config libsqlite3-dev libpq-dev libsodium-dev libjansson-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev zlib1g-dev libhttp-parser-dev nodejs iso-codes)
# python3: the raw-socket HTTP tests (tests/http/raw.py).
test_pkgs=(clang libclang-rt-14-dev sqlite3 curl chromium util-linux mount python3 postgresql)
bench_pkgs=(hyperfine time wrk nginx)

pkgs=("${build_pkgs[@]}")
case "$group" in
  build) ;;
  test) pkgs+=("${test_pkgs[@]}") ;;
  bench) pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "deps.sh: unknown group '$group' (build|test|bench)" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
# Debian's nodejs comes without npm (a separate package); some nodejs
# packages carry their own npm: ask for Debian's only when npm is missing.
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "bluehelm needs these Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
