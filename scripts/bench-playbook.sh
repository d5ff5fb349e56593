#!/usr/bin/env bash
# Benchmark of the reference gateway's playbook memory (a measurement, not a test). Builds if
# needed, then:
#  1. record throughput with durability off and on: wrk posts distinct records for each
#     --playbook-sync policy (none, batch, always) at each connection count, on a fresh log;
#     the gateway's /stats gives the fdatasyncs made, so records per sync shows the group commit;
#     then re-records: each wrk connection re-posts the same MULTITIER_BENCH_PAIRS (text, answer)
#     pairs over and over after a first pass, so every measured record updates an entry (the
#     mix's recording scenarios do this all run long); its peer is the distinct-text row;
#  2. memory under a long stream of distinct texts: records until /stats counts RECORDS inserts,
#     sampling the gateway's RSS, once with the default capacity and once with the former
#     default (1,000,000, effectively unbounded here), both without a log.
# Prints the figures side by side.
#   MULTITIER_BENCH_BUILD        build directory                 (default build-gw)
#   MULTITIER_BENCH_DIR          work directory                  (default <build>/bench-playbook)
#   MULTITIER_BENCH_COUNT        workers in the corpus           (default 100000)
#   MULTITIER_BENCH_DURATION     wrk duration per throughput run (default 10s)
#   MULTITIER_BENCH_CONNECTIONS  wrk connection counts           (default "8 50")
#   MULTITIER_BENCH_RECORDS      records of the memory run       (default 200000)
#   MULTITIER_BENCH_PAIRS        pairs re-recorded per wrk thread (default 1500)
#   MULTITIER_BENCH_CAPACITY     --playbook-capacity of the bounded memory run (default 10000)
#   MULTITIER_BENCH_JOBS         build parallelism               (default 2)
#   MULTITIER_BENCH_GATEWAY_BIN  the gateway measured            (default the build's)
set -euo pipefail
cd "$(dirname "$0")/.."

build=${MULTITIER_BENCH_BUILD:-build-gw}
work=${MULTITIER_BENCH_DIR:-$build/bench-playbook}
count=${MULTITIER_BENCH_COUNT:-100000}
duration=${MULTITIER_BENCH_DURATION:-10s}
connections=${MULTITIER_BENCH_CONNECTIONS:-8 50}
records=${MULTITIER_BENCH_RECORDS:-200000}
capacity=${MULTITIER_BENCH_CAPACITY:-10000}
jobs=${MULTITIER_BENCH_JOBS:-2}
gateway=${MULTITIER_BENCH_GATEWAY_BIN:-$build/fixtures/gateway/multitier-gateway}

command -v wrk >/dev/null || { echo "bench-playbook: wrk is not installed (scripts/install-deps.sh --bench)" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench-playbook: jq is not installed (scripts/install-deps.sh --bench)" >&2; exit 1; }
if [[ ! -d $build ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -j "$jobs" --target multitier-gateway multitier-corpus >/dev/null
mkdir -p "$work"
corpus=$(scripts/ensure-corpus.sh "$count" "$build/fixtures/corpus/multitier-corpus")
echo "== uptime at start: $(uptime)" >&2

gateway_pid=""
url=""
stop_gateway() {
  if [[ -n $gateway_pid ]]; then
    kill -TERM "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
    gateway_pid=""
  fi
}
trap 'stop_gateway' EXIT

start_gateway() {  # extra gateway flags...
  rm -f "$work/url"
  "$gateway" --listen 127.0.0.1:0 --corpus "workers=$corpus" --port-file "$work/url" "$@" \
    >"$work/gateway.out" 2>"$work/gateway.err" &
  gateway_pid=$!
  for _ in $(seq 1 6000); do
    [[ -s $work/url ]] && break
    kill -0 "$gateway_pid" 2>/dev/null || { cat "$work/gateway.err" >&2; exit 1; }
    sleep 0.05
  done
  [[ -s $work/url ]] || { echo "bench-playbook: the gateway was not ready after 300 s" >&2; exit 1; }
  url=$(cat "$work/url")
}

stats() { curl -s "$url/stats"; }
rss_mb() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$gateway_pid/status"; }

cat >"$work/record.lua" <<'LUA'
-- POST /v1/matrix/playbooks/record with a distinct query_text per request (BENCH_PREFIX keeps
-- runs apart), so every record adds an entry; with BENCH_PAIRS=N each thread cycles through N
-- (text, answer) pairs instead, so after the first pass every record updates one.
local prefix = os.getenv("BENCH_PREFIX") or "bench"
local pairs = tonumber(os.getenv("BENCH_PAIRS") or "0")
local next_thread = 0
local counter = 0

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end

function request()
  counter = counter + 1
  if pairs > 0 then counter = counter % pairs end
  local text = string.format("Need %d Pickers in Joliet IL for Beacon Freight [%s-%d-%d]", 1 + counter % 5, prefix,
                             thread_id or 0, counter)
  local body = string.format('{"query_text":"%s","role":"Pickers","answer_id":"w-%06d","answer_corpus":"workers",' ..
                             '"score":1.0,"tags":["bench"]}', text, 1 + counter % 1000)
  return wrk.format("POST", "/v1/matrix/playbooks/record", {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d socket_errors=%d non2xx=%d p50_us=%d p99_us=%d\n",
                         summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout,
                         e.status, latency:percentile(50), latency:percentile(99)))
end
LUA

# 1. Record throughput per sync policy and connection count, each on a fresh log.
declare -A rps p50 p99 errs per_sync
for policy in none batch always; do
  for c in $connections; do
    log=$work/playbook-$policy-c$c.jsonl
    rm -f "$log" "$log.lock"
    start_gateway --playbook-log "$log" --playbook-sync "$policy"
    echo "== records, --playbook-sync $policy, $c connections, $duration" >&2
    BENCH_PREFIX="$policy-$c" wrk -t2 -c"$c" -d"$duration" --latency -s "$work/record.lua" "$url" >"$work/wrk-$policy-c$c.txt"
    read -r rps[$policy,$c] p50[$policy,$c] p99[$policy,$c] errs[$policy,$c] < <(awk '/^BENCH/ {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        printf "%.0f %.2f %.2f %d\n", v["requests"] / (v["duration_us"] / 1e6), v["p50_us"] / 1000,
               v["p99_us"] / 1000, v["socket_errors"] + v["non2xx"] }' "$work/wrk-$policy-c$c.txt")
    s=$(stats)
    per_sync[$policy,$c]=$(jq -r '.playbook | if .log.syncs > 0 then ((.inserts + .updates) / .log.syncs * 10 | floor / 10 | tostring) else "-" end' <<<"$s")
    stop_gateway
  done
done

# 1b. Re-records: a warm-up pass records the pairs, then the measured run re-records them.
pairs=${MULTITIER_BENCH_PAIRS:-1500}
[[ $pairs =~ ^[1-9][0-9]*$ ]] || { echo "bench-playbook: MULTITIER_BENCH_PAIRS must be a positive whole number, not '$pairs'" >&2; exit 2; }
declare -A urps up50 up99 uerrs uupdates
for policy in none batch; do
  for c in $connections; do
    log=$work/playbook-update-$policy-c$c.jsonl
    rm -f "$log" "$log.lock"
    start_gateway --playbook-log "$log" --playbook-sync "$policy"
    echo "== re-records of $pairs pairs per thread, --playbook-sync $policy, $c connections, $duration" >&2
    BENCH_PREFIX="update" BENCH_PAIRS=$pairs wrk -t2 -c"$c" -d2s -s "$work/record.lua" "$url" >/dev/null
    before=$(stats | jq '.playbook.updates')
    BENCH_PREFIX="update" BENCH_PAIRS=$pairs wrk -t2 -c"$c" -d"$duration" --latency -s "$work/record.lua" "$url" \
      >"$work/wrk-update-$policy-c$c.txt"
    read -r urps[$policy,$c] up50[$policy,$c] up99[$policy,$c] uerrs[$policy,$c] < <(awk '/^BENCH/ {
        for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        printf "%.0f %.2f %.2f %d\n", v["requests"] / (v["duration_us"] / 1e6), v["p50_us"] / 1000,
               v["p99_us"] / 1000, v["socket_errors"] + v["non2xx"] }' "$work/wrk-update-$policy-c$c.txt")
    uupdates[$policy,$c]=$(( $(stats | jq '.playbook.updates') - before ))
    stop_gateway
  done
done

# 2. RSS under a long stream of distinct texts, bounded by the capacity or (nearly) not.
declare -A rss_at live_at
marks=$(awk -v n="$records" 'BEGIN { printf "%d %d %d %d %d", n / 20, n / 4, n / 2, n * 3 / 4, n }')
memory_run() {  # $1 label, $2 capacity
  start_gateway --playbook-log none --playbook-capacity "$2"
  rss_at[$1,0]=$(rss_mb)
  BENCH_PREFIX="mem-$1" wrk -t2 -c8 -d1h -s "$work/record.lua" "$url" >/dev/null 2>&1 &
  local wrk_pid=$! inserts=0 s
  echo "== memory: $records distinct records, --playbook-capacity $2" >&2
  for mark in $marks; do
    for _ in $(seq 1 36000); do  # at most an hour in all
      s=$(stats)
      inserts=$(jq '.playbook.inserts' <<<"$s")
      (( inserts >= mark )) && break
      sleep 0.1
    done
    rss_at[$1,$mark]=$(rss_mb)
    live_at[$1,$mark]=$(jq '.playbook.live' <<<"$s")
  done
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" 2>/dev/null || true
  stop_gateway
}
memory_run bounded "$capacity"
memory_run unbounded 1000000

echo "== uptime at end: $(uptime)" >&2
echo
echo "record throughput (distinct texts, fresh log each run; wrk -t2, $duration):"
printf '%-9s %-6s %10s %9s %9s %7s %14s\n' "sync" "conns" "req/s" "p50 ms" "p99 ms" "errors" "records/sync"
for policy in none batch always; do
  for c in $connections; do
    printf '%-9s %-6s %10s %9s %9s %7s %14s\n' "$policy" "$c" "${rps[$policy,$c]}" "${p50[$policy,$c]}" \
      "${p99[$policy,$c]}" "${errs[$policy,$c]}" "${per_sync[$policy,$c]}"
  done
done
echo
echo "re-records ($pairs pairs per wrk thread, recorded once before; wrk -t2, $duration), beside distinct texts:"
printf '%-9s %-6s %10s %9s %9s %7s %10s %16s\n' "sync" "conns" "req/s" "p50 ms" "p99 ms" "errors" "updates" "distinct req/s"
for policy in none batch; do
  for c in $connections; do
    printf '%-9s %-6s %10s %9s %9s %7s %10s %16s\n' "$policy" "$c" "${urps[$policy,$c]}" "${up50[$policy,$c]}" \
      "${up99[$policy,$c]}" "${uerrs[$policy,$c]}" "${uupdates[$policy,$c]}" "${rps[$policy,$c]}"
  done
done
echo
echo "gateway RSS (MB) and live playbook entries while recording $records distinct texts (8 connections, no log):"
printf '%-10s' "inserts"; printf ' %22s %22s\n' "capacity $capacity" "capacity 1000000"
printf '%-10s %22s %22s\n' "0" "${rss_at[bounded,0]} MB" "${rss_at[unbounded,0]} MB"
for mark in $marks; do
  printf '%-10s %22s %22s\n' "$mark" "${rss_at[bounded,$mark]} MB / ${live_at[bounded,$mark]} live" \
    "${rss_at[unbounded,$mark]} MB / ${live_at[unbounded,$mark]} live"
done
echo
echo "(details: $work/wrk-*.txt, $work/gateway.err)"
