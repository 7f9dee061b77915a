#!/usr/bin/env bash
# t_browser.sh: the web interface in a real browser. Starts `bluehelm serve`
# (the ASan build) on a free loopback port over the demo dataset, then runs
# tests/browser/e2e.mjs: playwright-core (pinned in package-lock.json,
# installed by scripts/build-web.sh's `npm ci`) driving Debian's Chromium,
# headless, with a new empty profile, in English, then in French (a browser
# whose Accept-Language asks for French). Screenshots go to build/screenshots/.
# Skips when Chromium or Node.js is missing, except under CI=true, where
# that is a failure.
source "$(dirname "$0")/../http/lib.sh"
need_http_tools
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

missing=""
[[ -x "$CHROMIUM" ]] || missing="Chromium ($CHROMIUM; scripts/deps.sh test installs it)"
command -v node >/dev/null || missing="${missing:+$missing, }Node.js (scripts/deps.sh build)"
[[ -f "$ROOT/node_modules/playwright-core/package.json" ]] ||
  missing="${missing:+$missing, }playwright-core (scripts/build-web.sh runs npm ci)"
if [[ -n "$missing" ]]; then
  if [[ "${CI:-}" == "true" ]]; then fail browser "missing: $missing"; else skip browser "missing: $missing"; fi
  exit 0
fi

demo_db || { fail browser-setup "the demo database could not be made"; exit 0; }
start_server || { fail browser-setup "the server did not start"; exit 0; }
rm -rf "$ROOT/build/screenshots"
mkdir -p "$ROOT/build/screenshots"
# Bounded: the whole run normally takes about a minute.
CHROMIUM=$CHROMIUM timeout 600 node "$ROOT/tests/browser/e2e.mjs" "$URL" "$PASSWORD" "$ROOT/build/screenshots" 2>"$WORK/node.err"
rc=$?
if [[ $rc -ne 0 && $rc -ne 1 ]]; then
  fail browser-run "node exited $rc: $(tail -c 600 "$WORK/node.err")"
fi
for s in dashboard map incident-form casevac-form rotation-timeline fr-dashboard fr-report; do
  if [[ -s "$ROOT/build/screenshots/$s.png" ]]; then ok "screenshot-$s"; else fail "screenshot-$s" "build/screenshots/$s.png was not written"; fi
done
stop_server
sanitizer_clean browser-server
if [[ "$SERVER_RC" == 0 ]]; then ok browser-server-stops; else fail browser-server-stops "the server exited $SERVER_RC"; fi
exit 0
