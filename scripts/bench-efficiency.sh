#!/usr/bin/env bash
# The client's own cost per request, side by side with wrk and hey: the same single search
# (cache-warm, so the gateway is cheap) driven at 50 connections for 10 s by wrk, hey and
# multitier-search-load (the suite's design: coroutines on one curl multi handle per event-loop
# thread, with the default number of loops (one per two cores) and with one loop per core; and
# the earlier blocking thread-per-connection design), two rounds in one run, against the reference gateway on the
# 100k corpus.
#   scripts/bench-efficiency.sh
# Environment: BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_ROUNDS (2),
#   BENCH_TOOLS ("wrk hey loop loopcores threads"), BENCH_CORPUS_SIZE (100000),
#   BENCH_BUILD_DIR (build; another directory is configured like the default preset),
#   BENCH_NO_BUILD=1 to use the binaries as they are,
#   BENCH_GATEWAY_BIN (the gateway binary; default the build's), BENCH_OUT (directory for raw outputs).
# Each tool's CPU is user+sys from /usr/bin/time over its whole process; its request count is
# its own (wrk: "N requests", hey: the sum of its status-code lines, multitier: requests=).
# The gateway's CPU per request (from /proc/PID/stat, before and after) is context: it shows the
# server did the same cheap work for every tool.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/proc.sh

seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-50}
rounds=${BENCH_ROUNDS:-2}
tools=${BENCH_TOOLS:-wrk hey loop loopcores threads}
corpus_size=${BENCH_CORPUS_SIZE:-100000}
build=${BENCH_BUILD_DIR:-build}
out=${BENCH_OUT:-$build/bench-efficiency/$(date +%Y%m%d-%H%M%S)}

die() { echo "bench-efficiency: $*" >&2; exit 1; }

scripts/install-deps.sh --bench
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  if [[ "$build" == build ]]; then cmake --preset default >/dev/null
  else cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null; fi
  cmake --build "$build" -j "$(nproc)" --target multitier-gateway multitier-corpus multitier-search-load \
    || die "build failed"
fi
load=$build/bench/multitier-search-load
[[ -x "$load" ]] || die "$load is missing: build the multitier-search-load target"

gateway_bin=${BENCH_GATEWAY_BIN:-$build/fixtures/gateway/multitier-gateway}
corpus=$(scripts/ensure-corpus.sh "$corpus_size" "$build/fixtures/corpus/multitier-corpus")

mkdir -p "$out"
state=$out/gateway
gateway_pid=""
if [[ -n "${MULTITIER_GATEWAY:-}" ]]; then
  url=$MULTITIER_GATEWAY
else
  scripts/gateway-ctl.sh start "$state" "$gateway_bin" "$corpus"
  trap 'scripts/gateway-ctl.sh stop "$state" >/dev/null' EXIT
  url=$(cat "$state/url")
  gateway_pid=$(cat "$state/pid")
fi
target=$url/v1/matrix/search

body=$("$load" --print-body)
printf 'wrk.method = "POST"\nwrk.body = [==[%s]==]\nwrk.headers["Content-Type"] = "application/json"\n' \
  "$body" >"$out/search.lua"
# Warm the gateway's answer cache (and its first connections) with the very request measured.
"$load" --gateway "$url" -c 2 -d 1s >"$out/warmup.txt" || die "warm-up failed: $(cat "$out/warmup.txt")"

# CPU ticks (user+sys) of the gateway so far; 0 when the gateway is not ours.
gateway_ticks() {
  [[ -n "$gateway_pid" ]] || { echo 0; return; }
  proc_cpu_ticks "$gateway_pid"
}
tick_us=$((1000000 / $(getconf CLK_TCK)))

# A latency such as 812.00us, 3.82ms or 1.02s (wrk) in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

# Runs one tool; leaves "requests errors rps p50_ms p99_ms" in $out/<tag>.figures.
run_tool() {
  local tool=$1 tag=$2
  local raw=$out/$tag.out
  case "$tool" in
    wrk) /usr/bin/time -f '%U %S %M' -o "$out/$tag.time" \
           wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$out/search.lua" "$target" >"$raw" 2>&1 || true ;;
    hey) /usr/bin/time -f '%U %S %M' -o "$out/$tag.time" \
           hey -c "$connections" -z "${seconds}s" -m POST -T application/json -d "$body" "$target" >"$raw" 2>&1 || true ;;
    threads|loop|loopcores)
         engine_args=(--engine "${tool%cores}")
         [[ "$tool" == loopcores ]] && engine_args+=(--threads "$(nproc)")
         /usr/bin/time -f '%U %S %M' -o "$out/$tag.time" \
           "$load" --gateway "$url" -c "$connections" -d "${seconds}s" "${engine_args[@]}" >"$raw" 2>&1 || true ;;
  esac
  case "$tool" in
    wrk) awk '/ requests in /    { n = $1 }
              /Non-2xx/          { e += $NF }
              /Socket errors/    { gsub(/,/, ""); e += $4 + $6 + $8 + $10 }
              /Requests\/sec/    { r = $2 }
              $1 == "50%"        { p50 = $2 }
              $1 == "99%"        { p99 = $2 }
              END { print n + 0, e + 0, r + 0, p50, p99 }' "$raw" ;;
    hey) awk '/^  \[[0-9]+\]\t[0-9]+ responses/ { split($0, f, "\t"); if ($1 != "[200]") e += f[2] + 0; n += f[2] + 0 }
              /Error distribution/ { errs = 1 }
              errs && /^  \[[0-9]+\]/ { gsub(/[\[\]]/, "", $1); e += $1; n += $1 }
              /Requests\/sec/    { r = $2 }
              $1 == "50%"        { p50 = $3 "s" }
              $1 == "99%"        { p99 = $3 "s" }
              END { print n + 0, e + 0, r + 0, p50, p99 }' "$raw" ;;
    *)   grep -m1 '^engine=' "$raw" | tr ' ' '\n' | awk -F= '
              { v[$1] = $2 }
              END { print v["requests"] + 0, v["failures"] + 0, v["rps"] + 0, v["p50_ms"] "ms", v["p99_ms"] "ms" }' ;;
  esac >"$out/$tag.figures"
}

label() {
  case "$1" in
    threads) echo "multitier, old design" ;;
    loop)    echo "multitier" ;;
    loopcores) echo "multitier -t$(nproc)" ;;
    *)       echo "$1" ;;
  esac
}

echo
echo "bench-efficiency: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
echo "bench-efficiency: POST $target, ${connections} connections, ${seconds} s per tool, ${rounds} rounds, corpus $corpus"
echo "bench-efficiency: body $body"
table=$out/table.txt
printf '%-5s  %-24s  %9s  %6s  %9s  %7s  %7s  %11s  %6s  %11s\n' round tool requests errors "req/s" "p50 ms" "p99 ms" \
  "CPU us/req" "x wrk" "gw us/req" >"$table"
for round in $(seq 1 "$rounds"); do
  order=$tools
  # Odd rounds run the tools in the given order, even rounds in reverse: drift in the machine's
  # load then favours no tool systematically.
  (( round % 2 == 0 )) && order=$(echo "$tools" | tr ' ' '\n' | tac | tr '\n' ' ')
  declare -A cpu_per_request=()
  for tool in $order; do
    tag=r${round}-$tool
    echo "bench-efficiency: round $round: $(label "$tool")" >&2
    before=$(gateway_ticks)
    run_tool "$tool" "$tag"
    after=$(gateway_ticks)
    read -r requests errors rps p50 p99 <"$out/$tag.figures"
    read -r user sys _ <"$out/$tag.time"
    cpu_per_request[$tool]=$(awk -v u="$user" -v s="$sys" -v n="$requests" 'BEGIN { printf "%.1f", n ? (u + s) * 1e6 / n : 0 }')
    gw=$(awk -v t=$((after - before)) -v us="$tick_us" -v n="$requests" -v own="$gateway_pid" \
           'BEGIN { if (own == "" || !n) print "-"; else printf "%.1f", t * us / n }')
    printf '%s %s %s %s %s %s %s %s\n' "$tool" "$requests" "$errors" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" \
      "${cpu_per_request[$tool]}" "$gw" >>"$out/r$round.rows"
  done
  # Rows in the given order whatever order they ran in, each with its ratio to this round's wrk.
  wrk_cpu=${cpu_per_request[wrk]:-}
  for tool in $tools; do
    read -r _ requests errors rps p50 p99 cpu gw < <(grep "^$tool " "$out/r$round.rows")
    ratio=$(awk -v c="$cpu" -v w="$wrk_cpu" 'BEGIN { if (w > 0) printf "%.2f", c / w; else print "-" }')
    printf '%-5s  %-24s  %9s  %6s  %9.0f  %7s  %7s  %11s  %6s  %11s\n' "$round" "$(label "$tool")" "$requests" "$errors" \
      "$rps" "$p50" "$p99" "$cpu" "$ratio" "$gw" >>"$table"
  done
  {
    if [[ -n "$wrk_cpu" ]]; then
      for engine in loop loopcores threads; do
        [[ -n "${cpu_per_request[$engine]:-}" ]] || continue
        awk -v m="${cpu_per_request[$engine]}" -v w="$wrk_cpu" -v h="${cpu_per_request[hey]:-0}" -v name="$(label "$engine")" -v r="$round" 'BEGIN {
          printf "round %s: %-24s %.2f x wrk (target <= 2: %s)", r, name, m / w, (m <= 2 * w ? "met" : "NOT met")
          if (h > 0) printf ", hey / it = %.2f (target >= 2: %s)", h / m, (h >= 2 * m ? "met" : "NOT met")
          printf "\n" }'
      done
    fi
  } >>"$out/verdicts.txt"
  unset cpu_per_request
done

echo
cat "$table"
echo
[[ -f "$out/verdicts.txt" ]] && cat "$out/verdicts.txt"
echo "bench-efficiency: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; raw outputs in $out"
