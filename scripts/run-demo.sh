#!/usr/bin/env bash
# run-demo.sh: what `make run` does after building: a fresh bluehelm.db with
# the gazetteer and the demo dataset, then a short tour of commands to try.
# (When `bluehelm serve` exists, this script ends by serving the demo.)
set -euo pipefail
cd "$(dirname "$0")/.."
db=${BLUEHELM_DB:-bluehelm.db}
rm -f "$db" "$db-wal" "$db-shm"
build/bluehelm --db "$db" init
build/bluehelm --db "$db" import data/demo
cat <<TOUR

The demo database is $db. Try:

  build/bluehelm count events                                  # every event
  build/bluehelm count events explosive=yes sector=east        # derived columns
  build/bluehelm count events near=Ansongo:25 event_date\>=2021-01-01
  build/bluehelm export events "site=quartier hydraulique" --format json
  build/bluehelm places Tombouctou                             # the gazetteer
  build/bluehelm export --all /tmp/bluehelm-demo               # a dataset folder
  build/bluehelm help                                          # every command

With ../shared/data beside the repository, real ACLED data:

  build/bluehelm import ../shared/data/events/acled_mali_1997-2020_dyadic.csv --format acled
  build/bluehelm count events admin1=Gao event_type=Battles event_date\>=2019-01-01
TOUR
