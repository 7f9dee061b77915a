#!/usr/bin/env bash
# t_wire.sh: `bluehelm serve` on the wire, with raw sockets (tests/http/raw.py)
# where curl will not send what a hostile or broken client does: every error
# the server answers itself is API.md's JSON envelope (400 for a request it
# cannot parse, 413, 414, 431, 501, 505, 408); HTTP parsing edges (differing
# Content-Length values, Content-Length with Transfer-Encoding, unknown
# transfer codings, NUL in paths and parameters, any number of parameters);
# keep-alive, pipelining, HEAD and 100-continue; the 10 s deadline for the
# request line and headers with 64 dribbling clients while others are
# served; 503 past the connection limit; and no head-of-line blocking behind a request waiting for the
# database's write lock (reads answer at once, and queued writes are each
# answered within 3 s of their arrival while another process holds it).
source "$(dirname "$0")/lib.sh"
shopt -s lastpipe # `printf ... | raw` sets $code here, not in a subshell
need_http_tools
if ! command -v python3 >/dev/null; then
  skip wire "python3 is needed for the raw-socket tests (scripts/deps.sh test)"
  exit 0
fi
RAW="$(dirname "$0")/raw.py"
demo_db || { fail setup "could not build the demo database"; exit 1; }
start_server || { fail server-starts "see above"; exit 1; }
ok server-starts
PORT=${URL##*:}

# raw [TIMEOUT]: sends stdin on a new connection; sets $code (000: no
# answer), $ms (until the answer came), $nans (answers) and $conn (closed or
# open); the first answer's body in $WORK/body, the statuses in
# $WORK/body.statuses.
raw() {
  local out
  out=$(python3 "$RAW" send "$PORT" "$WORK/body" "${1:-10}")
  read -r code ms nans conn <<<"$out"
}
# fast NAME: the last answer came within 2 s.
fast() {
  if [[ $ms =~ ^[0-9]+$ ]] && ((ms < 2000)); then ok "$1 (${ms} ms)"; else fail "$1" "the answer came after '$ms' ms"; fi
}
aaa() { head -c "$1" /dev/zero | tr '\0' a; }

# ---------------------------------------------------------------- the envelope for what the server refuses itself
printf 'GARBAGE\r\n\r\n' | raw
expect garbage-request-line-400 400 bad_request
expect_eq garbage-request-line-closes "$conn" closed
printf '\x01\x02\xff\xfe garbage\r\n\r\n' | raw
expect binary-request-line-400 400 bad_request
printf 'GET /api/v1/health HTTP/1.1 extra\r\n\r\n' | raw
expect request-line-four-words-400 400 bad_request
printf 'GET example.org/api/v1/health HTTP/1.1\r\n\r\n' | raw
expect request-target-not-a-path-400 400 bad_request
printf 'GET http://example.org/api/v1/health HTTP/1.1\r\nConnection: close\r\n\r\n' | raw
expect request-target-absolute-form-200 200
printf 'GET / HTTP/9.9\r\n\r\n' | raw
expect http-version-9-505 505 http_version
printf 'GET / HTTP/2.0\r\n\r\n' | raw
expect http-version-2-505 505 http_version
printf 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n' "$(aaa 65536)" | raw
expect header-64kib-431 431 headers_too_large
code=$(curl -s -m 10 -o "$WORK/body" -w '%{http_code}' "$URL/api/v1/count/events" -H "Authorization: Bearer $AN" \
  -H "X-Big: $(aaa 65536)")
expect header-64kib-curl-431 431 headers_too_large
{ printf 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n'; for ((i = 0; i < 120; i++)); do printf 'X-H%d: a\r\n' "$i"; done; printf '\r\n'; } | raw
expect header-120-fields-431 431 headers_too_large
printf 'GET /%s HTTP/1.1\r\nHost: x\r\n\r\n' "$(aaa 40000)" | raw
expect request-line-40kib-414 414 uri_too_long
# 100 GB announced: refused at once, before any of it is read
printf 'POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 100000000000\r\n\r\n{"event_id_cnty": ' "$ED" | raw
expect body-100gb-announced-413 413 too_large
fast body-100gb-announced-at-once
printf 'POST /api/v1/import/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: text/csv\r\nContent-Length: 100000000000\r\n\r\nevent_id_cnty\n' "$ED" | raw
expect import-100gb-announced-413 413 too_large
printf 'POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999999\r\n\r\n' | raw
expect content-length-past-int64-400 400 bad_request
printf 'POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n' | raw
expect content-length-negative-400 400 bad_request
req GET /api/v1/health
expect server-alive-after-refusals 200

# ---------------------------------------------------------------- query parameters: any number is a 400, at once
q=$(for ((i = 0; i < 1000; i++)); do printf 'admin1=ne:zz%d&' "$i"; done)
read -r code t < <(curl -s -m 30 -o "$WORK/body" -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $AN" \
  "$URL/api/v1/count/events?${q}admin1=Nowhere")
expect params-1000-400 400 validation
ms=$(awk -v t="$t" 'BEGIN { printf "%d", t * 1000 }')
fast params-1000-at-once
q=$(for ((i = 0; i < 6000; i++)); do printf 'a%d=1&' "$i"; done)
printf 'GET /api/v1/count/events?%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n' "$q" "$AN" | raw
expect params-6000-past-head-limit-400 400 validation
fast params-6000-at-once

# ---------------------------------------------------------------- NUL in a path, a parameter name or value
n0=$(events_count)
del "$ED" "/api/v1/events/demo-0001%00"
expect nul-in-path-delete-400 400 bad_request
expect_eq nul-in-path-deletes-nothing "$(bh count events event_id_cnty=demo-0001)/$(events_count)" "1/$n0"
del "$ED" "/api/v1/events/demo-0001%00trailing"
expect nul-in-path-middle-400 400 bad_request
get "$AN" "/api/v1/events/demo-0001%00"
expect nul-in-path-get-400 400 bad_request
get "$AN" "/api/v1/count/events?admin1%00=Gao"
expect nul-in-param-name-400 400 bad_request
get "$AN" "/api/v1/count/events?admin1=Gao%00x"
expect nul-in-param-value-400 400 bad_request
get "$AN" "/%00/etc/passwd"
expect nul-in-asset-path-400 400 bad_request
expect_eq nul-stores-nothing "$(events_count)" "$n0"

# ---------------------------------------------------------------- Content-Length and Transfer-Encoding
ev=$(event_json wire-1 camp-gao)
len=${#ev}
post_raw() { # HEADERS BODY: a POST /api/v1/events with the editor's token and these header lines
  printf 'POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n%s\r\n%s' \
    "$ED" "$1" "$2" | raw
}
post_raw "Content-Length: $len"$'\r\n'"Content-Length: $((len + 5))"$'\r\n' "$ev     "
expect content-length-differing-400 400 bad_request
post_raw "Content-Length: $((len + 5)), $len"$'\r\n' "$ev     "
expect content-length-differing-list-400 400 bad_request
post_raw "Content-Length: $len"$'\r\n'"Transfer-Encoding: chunked"$'\r\n' "$(printf '%x\r\n%s\r\n0\r\n\r\n' "$len" "$ev")"
expect content-length-and-chunked-400 400 bad_request
post_raw "Transfer-Encoding: chunked"$'\r\n'"Content-Length: $len"$'\r\n' "$(printf '%x\r\n%s\r\n0\r\n\r\n' "$len" "$ev")"
expect chunked-and-content-length-400 400 bad_request
post_raw "Transfer-Encoding: gzip"$'\r\n' "$ev"
expect transfer-coding-gzip-501 501 not_implemented
post_raw "Transfer-Encoding: gzip, chunked"$'\r\n' "$(printf '%x\r\n%s\r\n0\r\n\r\n' "$len" "$ev")"
expect transfer-coding-gzip-chunked-501 501 not_implemented
post_raw "Transfer-Encoding: x-unknown"$'\r\n' ""
expect transfer-coding-unknown-501 501 not_implemented
fast transfer-coding-unknown-at-once
expect_eq framing-refusals-store-nothing "$(events_count)" "$n0"
post_raw "Content-Length: $len"$'\r\n'"Content-Length: $len"$'\r\n' "$ev"
expect content-length-repeated-400 400 bad_request
printf -v chunked '%x\r\n%s\r\n%x;ext=1\r\n%s\r\n0\r\nX-Trailer: t\r\n\r\n' 10 "${ev:0:10}" $((len - 10)) "${ev:10}"
post_raw "Transfer-Encoding: chunked"$'\r\n' "${chunked/wire-1/wire-2}"
expect chunked-body-201 201
expect_eq chunked-body-stored "$(bh count events event_id_cnty=wire-2)" 1
post_raw "Transfer-Encoding: chunked"$'\r\n' $'zz\r\nabc\r\n0\r\n\r\n'
expect chunked-bad-size-400 400 bad_request
post_raw "Transfer-Encoding: chunked"$'\r\n' $'3\r\nabcdef\r\n0\r\n\r\n'
expect chunked-longer-than-size-400 400 bad_request
post_raw "Transfer-Encoding: chunked"$'\r\n' $'3\r\nabc\n0\r\n\r\n'
expect chunked-bare-lf-after-data-400 400 bad_request
post_raw "Transfer-Encoding: chunked"$'\r\n' $'fffffffffffffff\r\nabc\r\n'
expect chunked-huge-size-413 413 too_large
post_raw "Transfer-Encoding: chunked"$'\r\n' $'ffffffffffffffff\r\nabc\r\n'
expect chunked-size-past-64-bits-400 400 bad_request
expect_eq framing-stored-one "$(events_count)" "$((n0 + 1))"

# ---------------------------------------------------------------- header syntax
printf 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\nConnection: close\r\n\r\n' | raw
expect header-folded-joined-200 200
printf 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n' | raw
expect header-no-colon-400 400 bad_request
printf 'GET /api/v1/health HTTP/1.1\r\nHost : x\r\n\r\n' | raw
expect header-space-before-colon-400 400 bad_request
printf 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Cr: a\rb\r\n\r\n' | raw
expect header-bare-cr-400 400 bad_request
printf 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n' | raw
expect header-nul-400 400 bad_request

# ---------------------------------------------------------------- keep-alive, pipelining, HTTP/1.0, HEAD, 100-continue
printf 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/nosuch HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | raw
expect_eq pipelined-three-answers "$(tr '\n' ' ' <"$WORK/body.statuses")$conn" "200 401 200 closed"
printf 'GET /api/v1/health HTTP/1.0\r\n\r\n' | raw
expect_eq http-1.0-answered-and-closed "$code $conn" "200 closed"
printf '\r\n\r\nGET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | raw
expect_eq leading-empty-lines-ignored "$code" 200
curl -s -m 10 -I -o /dev/null -D "$WORK/headers" -w '%{http_code} %{size_download}\n' "$URL/api/v1/health" >"$WORK/head.out"
expect_eq head-no-body "$(cat "$WORK/head.out") $(grep -i '^content-length:' "$WORK/headers" | tr -d '\r' | cut -d' ' -f2)" "200 0 15"
ev3=$(event_json wire-3 camp-gao)
out=$(printf 'POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n' "$ED" "${#ev3}" |
  BODY=$ev3 python3 "$RAW" expect100 "$PORT" "$WORK/body")
expect_eq expect-100-continue "$out" "100 201"
# the session cookie still signs in (the Cookie header is parsed here now)
req POST /api/v1/login -H 'Content-Type: application/json' --data-binary "{\"user\": \"an\", \"password\": \"$PASSWORD\"}" -c "$WORK/an.jar"
req GET /api/v1/me -b "$WORK/an.jar" -H 'Cookie: other=1; x="y"'
if [[ $code == 200 && $(jq_ '$.user') == an ]]; then ok session-cookie-among-others; else fail session-cookie-among-others "$code $body"; fi
# percent-encoded query values are decoded ('+' as a space: t_server.sh's indicator-change-space-is-plus)
get "$AN" "/api/v1/count/events?admin1=G%61o"
expect_eq query-percent-decoded "$(jq_ '$.count')" "$(bh count events admin1=Gao)"

# ---------------------------------------------------------------- 64 dribbling clients: cut at 10 s, others served meanwhile
python3 "$RAW" dribble "$PORT" 64 16 "$WORK/dribble.out" &
dribbler=$!
CLEANUP_PIDS+=("$dribbler")
sleep 1.5
worst=0 bad=""
for ((k = 0; k < 8; k++)); do
  for p in /api/v1/health /api/v1/events/demo-0002; do
    read -r c t < <(curl -s -m 5 -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $AN" "$URL$p")
    t=$(awk -v t="$t" 'BEGIN { printf "%d", t * 1000 }')
    ((t > worst)) && worst=$t
    [[ $c == 200 ]] || bad="$bad $p:$c"
  done
  sleep 0.5
done
if [[ -z $bad ]] && ((worst < 1000)); then ok "dribblers-others-served-within-1s (worst ${worst} ms)"
else fail dribblers-others-served-within-1s "while 64 clients dribbled their headers: worst ${worst} ms,${bad:- all 200}"; fi
wait "$dribbler"
cut_ok=$(awk '$1 != "open" && $1 >= 9500 && $1 <= 12500 && $2 == "408"' "$WORK/dribble.out" | wc -l)
if ((cut_ok == 64)); then ok "dribblers-cut-at-10s (64 got 408 and were closed)"
else fail dribblers-cut-at-10s "$cut_ok of 64 closed with a 408 between 9.5 and 12.5 s; 'MS STATUS' of the others: $(awk '!($1 != "open" && $1 >= 9500 && $1 <= 12500 && $2 == "408")' "$WORK/dribble.out" | sort | uniq -c | head -5 | tr '\n' ';')"; fi
req GET /api/v1/health
expect server-alive-after-dribblers 200
# Past the connection limit (512): 503 busy in the envelope, then closed.
python3 "$RAW" dribble "$PORT" 520 4 "$WORK/full.out" &
dribbler=$!
CLEANUP_PIDS+=("$dribbler")
sleep 2.5
req GET /api/v1/health
expect connections-full-503 503 busy
wait "$dribbler"
n503=$(awk '$1 != "open" && $2 == "503"' "$WORK/full.out" | wc -l)
nopen=$(awk '$1 == "open" && $2 == "000"' "$WORK/full.out" | wc -l)
if ((n503 >= 8 && n503 + nopen == 520)); then ok "connections-past-limit-503 ($n503 refused, $nopen kept)"
else fail connections-past-limit-503 "of 520 connections: $n503 got 503, $nopen kept open; $(awk '{print $2}' "$WORK/full.out" | sort | uniq -c | tr '\n' ' ')"; fi
sleep 0.5
req GET /api/v1/health
expect server-alive-after-full 200

# ---------------------------------------------------------------- no head-of-line blocking behind the write lock
# Another process holds the database's write lock for 2.5 s (as a long
# import does); writers queue for it (a write waits up to 3 s from its
# arrival), and reads still answer at once. Each writer gets an answer: 201,
# or 503 busy if its 3 s ran out; what was acknowledged is stored.
# hold SECONDS: another process takes the write lock for SECONDS; sets $holder
# once the lock is held.
# On PostgreSQL writers do not wait for each other, only for the audit
# chain's append: the other process holds that lock (pg_advisory_lock).
AUDIT_LOCK=1651275109 # 0x626c7565, src/store/audit.c's AUDIT_APPEND_LOCK
hold() {
  if [[ $BACKEND == postgresql ]]; then
    psql_ "$(db_name "$BLUEHELM_DB")" -c "select pg_advisory_lock($AUDIT_LOCK)" -c "select pg_sleep($1)" >/dev/null 2>&1 &
    holder=$!
    CLEANUP_PIDS+=("$holder")
    for ((w = 0; w < 100; w++)); do
      [[ $(psql_ postgres -c "select count(*) from pg_locks where locktype = 'advisory' and objid = $AUDIT_LOCK and granted") == 1 ]] && return 0
      sleep 0.1
    done
    fail hold "could not take the audit append lock"
    return
  fi
  python3 "$RAW" hold "$BLUEHELM_DB" "$1" >"$WORK/hold.out" &
  holder=$!
  CLEANUP_PIDS+=("$holder")
  for ((w = 0; w < 100; w++)); do grep -qs held "$WORK/hold.out" && return 0; sleep 0.1; done
  fail hold "could not take the write lock"
}
hold 2.5
n0=$(events_count)
writers=()
for ((i = 1; i <= 8; i++)); do
  curl -s -m 20 -o /dev/null -w '%{http_code}\n' -X POST "$URL/api/v1/events" -H "Authorization: Bearer $ED" \
    --data-binary "$(event_json "hol-$i" camp-gao)" >"$WORK/hol.$i" &
  writers+=($!)
done
CLEANUP_PIDS+=("${writers[@]}")
sleep 0.7
worst=0 bad=""
for ((k = 0; k < 2; k++)); do
  for p in /api/v1/health /api/v1/events/demo-0002 /api/v1/count/events; do
    read -r c t < <(curl -s -m 5 -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $AN" "$URL$p")
    t=$(awk -v t="$t" 'BEGIN { printf "%d", t * 1000 }')
    ((t > worst)) && worst=$t
    [[ $c == 200 ]] || bad="$bad $p:$c"
  done
done
held=no
kill -0 "$holder" 2>/dev/null && held=yes
if [[ -z $bad && $held == yes ]] && ((worst < 1000)); then ok "write-lock-reads-served (worst ${worst} ms)"
else fail write-lock-reads-served "while writers waited for the lock (held: $held): worst ${worst} ms,${bad:- all 200}"; fi
wait "$holder"
wait "${writers[@]}"
n201=$(grep -c '^201$' "$WORK"/hol.* | awk -F: '{ s += $2 } END { print s }')
n503=$(grep -c '^503$' "$WORK"/hol.* | awk -F: '{ s += $2 } END { print s }')
expect_eq write-lock-writers-all-answered "$((n201 + n503))" 8
expect_eq write-lock-writers-acknowledged-stored "$(events_count)" "$((n0 + n201))"
# Held for longer than a write waits (3 s): writes queue one behind the
# other, yet each is answered (503 busy) about 3 s after it came, not 3 s
# after the one before it.
n0=$(events_count)
hold 10
writers=()
for ((i = 1; i <= 4; i++)); do
  curl -s -m 25 -o "$WORK/busy.$i.body" -w '%{http_code} %{time_total}\n' -X POST "$URL/api/v1/events" \
    -H "Authorization: Bearer $ED" --data-binary "$(event_json "busy-$i" camp-gao)" >"$WORK/busy.$i" &
  writers+=($!)
done
CLEANUP_PIDS+=("${writers[@]}")
wait "${writers[@]}"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
got=$(cat "$WORK"/busy.? | awk '{ printf "%s:%s ", $1, ($2 >= 2.5 && $2 <= 5.5) ? "about-3s" : $2 "s" }')
expect_eq write-lock-long-each-busy-after-3s "$got" "503:about-3s 503:about-3s 503:about-3s 503:about-3s "
cp "$WORK/busy.1.body" "$WORK/body" 2>/dev/null
code=503
expect write-lock-long-busy-envelope 503 busy
expect_eq write-lock-long-stores-nothing "$(events_count)" "$n0"

stop_server
expect_eq server-exit-0 "$SERVER_RC" 0
sanitizer_clean server-no-sanitizer-report
if bh check >"$WORK/check.out"; then ok check-after-wire; else fail check-after-wire "$(cat "$WORK/check.out" "$WORK/stderr")"; fi
