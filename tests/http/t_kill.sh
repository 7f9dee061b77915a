#!/usr/bin/env bash
# t_kill.sh: kill -9 of `bluehelm serve` while six clients write: every write
# the server acknowledged (201) is stored after a restart, the restarted
# server serves it, and the database passes `bluehelm check` and `audit
# verify`. (An answer goes out only after its transaction has committed;
# SQLite's WAL keeps a committed transaction when the process dies.)
source "$(dirname "$0")/lib.sh"
need_http_tools
demo_db || { fail setup "could not build the demo database"; exit 1; }
start_server || { fail server-starts "see above"; exit 1; }
ok server-starts

# writer W: POSTs events k9-W-1, k9-W-2, ... one after another until the
# server stops answering; the ids answered 201 go to $WORK/acked.W.
writer() {
  local w=$1 i code
  : >"$WORK/acked.$w"
  for ((i = 1; i <= 5000; i++)); do
    code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -X POST "$URL/api/v1/events" \
      -H "Authorization: Bearer $ED" --data-binary "$(event_json "k9-$w-$i" camp-gao)")
    if [[ $code == 201 ]]; then echo "k9-$w-$i" >>"$WORK/acked.$w"; fi
    [[ $code == 000 ]] && break # the server is gone
  done
}
pids=()
for w in 1 2 3 4 5 6; do
  writer "$w" &
  pids+=($!)
done
CLEANUP_PIDS+=("${pids[@]}")
# Kill once the writers are well under way (at least 60 writes answered).
for ((i = 0; i < 300; i++)); do
  (($(cat "$WORK"/acked.* 2>/dev/null | wc -l) >= 60)) && break
  sleep 0.1
done
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=""
wait "${pids[@]}"
sort "$WORK"/acked.* >"$WORK/acked"
nacked=$(wc -l <"$WORK/acked")
if ((nacked >= 60)); then ok "writes-acknowledged-before-kill ($nacked)"; else fail writes-acknowledged-before-kill "only $nacked"; fi

start_server || { fail server-restarts "see above"; exit 1; }
ok server-restarts
lite_sql "select event_id_cnty from events where event_id_cnty like 'k9-%' order by 1" | sort >"$WORK/stored"
expect_eq no-acknowledged-write-lost "$(comm -23 "$WORK/acked" "$WORK/stored" | head -5 | tr '\n' ' ')" ""
# the restarted server serves the last acknowledged write of each writer
bad=""
for w in 1 2 3 4 5 6; do
  id=$(tail -1 "$WORK/acked.$w")
  [[ -n $id ]] || continue
  get "$AN" "/api/v1/events/$id"
  [[ $code == 200 && $(jq_ '$.event_id_cnty') == "$id" ]] || bad="$bad $id:$code"
done
expect_eq restarted-server-serves-acknowledged "$bad" ""
stop_server
expect_eq server-exit-0 "$SERVER_RC" 0
if bh check >"$WORK/check.out"; then ok check-after-kill; else fail check-after-kill "$(cat "$WORK/check.out" "$WORK/stderr")"; fi
if bh audit verify >"$WORK/verify.out"; then ok audit-chain-after-kill; else fail audit-chain-after-kill "$(cat "$WORK/verify.out" "$WORK/stderr")"; fi
