#!/usr/bin/env bash
# build-web.sh: builds the web interface (web/) into build/web/dist, the
# folder tools/embed.c compiles into the binary. Called by make (web/web.mk)
# before embedding; safe to run by hand.
#
# 1. `npm ci` installs the pinned packages of package-lock.json (Leaflet,
#    leaflet.markercluster, esbuild; playwright-core for the browser tests)
#    when node_modules is missing or older than the lock file. After the
#    first install npm's cache serves it: --prefer-offline, no network needed.
# 2. web/check-i18n.mjs checks the message catalogues (web/src/i18n/*.json):
#    a message missing from one language, or named by the code and missing
#    from both, stops the build (and so `make` and `make test`).
# 3. web/build.mjs bundles and minifies the code and CSS (esbuild), writes
#    hashed file names, the Mali boundaries and index.html, and gzips.
# The build goes to a temporary folder that replaces build/web/dist only when
# complete, under a lock, so two makes at once cannot mix their outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/web/dist
stamp=build/web/stamp

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "build-web.sh: node and npm are needed to build the web interface (scripts/deps.sh build installs them)" >&2
  exit 1
fi
mkdir -p build/web
exec 9>build/web/.lock
flock 9

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_config_fund=false npm_config_audit=false
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ||
      package.json -nt node_modules/.package-lock.json ]]; then
  echo "build-web.sh: npm ci" >&2
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error >&2
  touch node_modules/.package-lock.json
fi

node web/check-i18n.mjs >&2

tmp=$(mktemp -d build/web/dist.tmp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
BUILD_WEB_QUIET=${BUILD_WEB_QUIET:-1} node web/build.mjs "$tmp"
chmod 755 "$tmp"
rm -rf "$out.old"
[[ -d "$out" ]] && mv "$out" "$out.old"
mv "$tmp" "$out"
rm -rf "$out.old"
touch "$stamp"
touch "$out" # newer than the stamp, so make sees the folder up to date
echo "build-web.sh: $(find "$out" -type f ! -name '*.gz' | wc -l) files in $out ($(du -sk "$out" | cut -f1) KiB with gzip twins)" >&2
