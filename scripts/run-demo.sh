#!/usr/bin/env bash
# run-demo.sh: what `make run` does after building: a fresh demo database
# (gazetteer + data/demo), demo users, a short tour, then the server.
set -euo pipefail
cd "$(dirname "$0")/.."
db=${BLUEHELM_DB:-bluehelm.db}
listen=${LISTEN:-127.0.0.1:8080}
bh() { build/bluehelm --db "$db" "$@"; }
rm -f "$db" "$db-wal" "$db-shm"
bh init
bh import data/demo
# Demo sign-ins (never use these passwords on a real mission).
for u in admin:admin editor:editor analyst:analyst viewer:viewer; do
  echo "demo-password" | bh user add "demo-${u%%:*}" --role "${u##*:}" >/dev/null
done
cat <<TOUR

The demo database is $db (MINUSMA, January to May 2021). In another terminal, try:

  build/bluehelm count events explosive=yes sector=east
  build/bluehelm indicator ied from=2021-01-01 to=2021-05-31
  build/bluehelm indicator serviceability as_of=2021-05-31 category=apc,mpv
  build/bluehelm report from=2021-01-01 to=2021-05-31 --format html -o report.html
  build/bluehelm places Tombouctou
  build/bluehelm help

Web interface and API: http://$listen/  (sign in as demo-admin, demo-editor,
demo-analyst or demo-viewer, password "demo-password"; Ctrl-C stops the server)
TOUR
exec build/bluehelm --db "$db" serve --listen "$listen"
