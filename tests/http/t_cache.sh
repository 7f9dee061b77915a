#!/usr/bin/env bash
# t_cache.sh: the server keeps results (counts, indicators, the report's
# figures) while the database stays as it was (store_result_get, keyed on
# store_data_version), and never serves one that a write has made stale:
# each read below follows a write (through the API, on any of the server's
# connections, or by another process) and is held against the same figure
# computed afresh by the command line, which keeps nothing.
source "$(dirname "$0")/lib.sh"
need_http_tools
demo_db || { fail setup "could not build the demo database"; exit 1; }
# Two connections: a read after a write may land on either; each is read
# several times below.
start_server --threads 2 || { fail server-starts "see above"; exit 1; }

FROM=2021-01-01 TO=2021-05-31
REPORT="/api/v1/report?template=default&from=$FROM&to=$TO&format=json"
COUNT="/api/v1/count/events?event_type=Battles"
IND="/api/v1/indicators/count?of=events&event_date=ge:$FROM&event_date=le:$TO"

# figures FILE: each figure of a JSON report as "placeholder<TAB>text<TAB>ids".
figures() {
  sqlite3 :memory: "select json_extract(value, '\$.placeholder') || char(9) || json_extract(value, '\$.text')
    || char(9) || json_extract(value, '\$.records') from json_each(cast(readfile('$1') as text), '\$.figures')"
}
# cli_report FILE: the same report from the command line (a fresh process).
cli_report() { bh report from=$FROM to=$TO --format json -o "$1"; }
# period_count FILE: the report's incidents in the period.
period_count() {
  sqlite3 :memory: "select json_extract(value, '\$.value') from json_each(cast(readfile('$1') as text), '\$.figures')
    where json_extract(value, '\$.placeholder') like 'count of=events event_date>=\$from event_date<=\$to | count |%' limit 1"
}
cli_count() { bh count events event_type=Battles; }
cli_ind() {
  bh indicator count of=events "event_date>=$FROM" "event_date<=$TO" >"$WORK/ind.json"
  jq_ '$.count' "$WORK/ind.json"
}

# check NAME: every read of the report, the count and the indicator (four
# times each: both connections) equals the command line's.
check() {
  local name=$1 i bad=""
  cli_report "$WORK/cli.json"
  figures "$WORK/cli.json" >"$WORK/cli.fig"
  local want_count want_ind
  want_count=$(cli_count)
  want_ind=$(cli_ind)
  for ((i = 0; i < 4; i++)); do
    get "$ADM" "$REPORT"
    [[ $code == 200 ]] || bad="$bad report:$code"
    cp "$WORK/body" "$WORK/srv.json"
    figures "$WORK/srv.json" >"$WORK/srv.fig"
    cmp -s "$WORK/srv.fig" "$WORK/cli.fig" || bad="$bad report-figures($(diff "$WORK/cli.fig" "$WORK/srv.fig" | head -3 | tr '\n' ' '))"
    get "$AN" "$COUNT"
    [[ $(jq_ '$.count') == "$want_count" ]] || bad="$bad count:$(jq_ '$.count')!=$want_count"
    get "$AN" "$IND"
    [[ $(jq_ '$.count') == "$want_ind" ]] || bad="$bad indicator:$(jq_ '$.count')!=$want_ind"
  done
  if [[ -z "$bad" ]]; then ok "$name"; else fail "$name" "$bad"; fi
}

check cache-first-reads
n0=$(period_count "$WORK/srv.json")
c0=$(cli_count)

# A write through the API: an event in the period (a battle).
post "$ED" /api/v1/events "$(event_json cache-1)"
expect cache-post 201 || expect cache-post 200
check cache-after-post
expect_eq cache-post-counted "$(period_count "$WORK/srv.json")" "$((n0 + 1))"
expect_eq cache-post-count-route "$(cli_count)" "$((c0 + 1))"

# A change of a counted column: the battle becomes a riot.
put "$ED" /api/v1/events/cache-1 '{"event_type": "Riots", "sub_event_type": "Mob violence"}'
[[ $code == 200 ]] && ok cache-put || fail cache-put "$code $body"
check cache-after-put
expect_eq cache-put-count-route "$(cli_count)" "$c0"

# A write by another process (another connection to the file).
printf 'event_id_cnty,event_date,event_type,sub_event_type,place_id,fatalities\ncache-2,2021-03-03,Battles,Armed clash,ansongo-qh,1\n' >"$WORK/more.csv"
bh import "$WORK/more.csv" --kind events >/dev/null || fail cache-cli-import "$(cat "$WORK/stderr")"
check cache-after-other-process
expect_eq cache-other-process-counted "$(period_count "$WORK/srv.json")" "$((n0 + 2))"

# A deletion.
del "$ED" /api/v1/events/cache-2
[[ $code == 200 || $code == 204 ]] && ok cache-delete || fail cache-delete "$code $body"
check cache-after-delete
expect_eq cache-delete-uncounted "$(period_count "$WORK/srv.json")" "$((n0 + 1))"

stop_server
sanitizer_clean cache-sanitizers
