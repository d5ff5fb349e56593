# Shared by the tests/distributed scripts (sourced, not run): the gateway's URL and /stats,
# background segment processes that are always killed on exit, and bounded waits.
# Every wait has a deadline; everything talks to loopback only (the suite refuses other hosts).

pids=()   # background processes this script started (segments), killed on exit

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || continue
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The gateway the suite targets: MULTITIER_GATEWAY when set (CTest then started none), else the
# URL the fixture multitier.fixture.gateway.start wrote (waited for at most 10 s).
gateway_url() {
  local url_file=$1
  if [[ -n "${MULTITIER_GATEWAY:-}" ]]; then
    echo "$MULTITIER_GATEWAY"
    return
  fi
  for _ in $(seq 1 100); do
    if [[ -s "$url_file" ]]; then
      head -n 1 "$url_file"
      return
    fi
    sleep 0.1
  done
  fail "no gateway URL in $url_file (did multitier.fixture.gateway.start run?)"
}

# GET /stats into FILE (the reference gateway's counters; /stats does not count itself).
fetch_stats() {
  local url=$1 out=$2
  curl --silent --show-error --fail --noproxy '*' --max-time 10 "${url%/}/stats" -o "$out" ||
    fail "GET ${url%/}/stats did not answer (is it the reference gateway?)"
}

# Waits at most SECONDS for every pid in "${pids[@]}" to end; kills them all and fails when the
# deadline passes. Then leaves each one's exit status in codes[] (same order as pids[]).
codes=()
wait_all() {
  local seconds=$1 deadline=$((SECONDS + $1)) pid running
  while :; do
    running=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && running=1; done
    ((running)) || break
    if ((SECONDS >= deadline)); then
      cleanup
      fail "segment processes still running after ${seconds} s (killed)"
    fi
    sleep 0.2
  done
  codes=()
  for pid in "${pids[@]}"; do
    local rc=0
    wait "$pid" || rc=$?
    codes+=("$rc")
  done
}

# run_segments N WORK URL SUITE ARGS...: a fresh WORK folder, the gateway's /stats before and
# after, and N segment processes of SUITE with ARGS, a common --start-at 3 s ahead, one seed and
# one thread count (the merge compares both; three processes share two cores), each writing
# WORK/segment-i/ and WORK/segment-i.log, waited for at most 60 s. Their exit codes are left in
# codes[] and the start of the run in t0.
run_segments() {
  local n=$1 work=$2 url=$3 suite=$4 start i
  shift 4
  rm -rf "$work"
  mkdir -p "$work"
  fetch_stats "$url" "$work/stats-before.json"
  t0=$SECONDS
  start=$(start_in 3)
  echo "start-at: $start"
  for i in $(seq 1 "$n"); do
    "$suite" --gateway "$url" --segment "$i/$n" --seed 77 --start-at "$start" --threads 1 \
      --progress off "$@" --report-dir "$work/segment-$i" >"$work/segment-$i.log" 2>&1 &
    pids+=($!)
  done
  wait_all 60
  echo "segments ended after $((SECONDS - t0)) s, exit codes: ${codes[*]}"
  fetch_stats "$url" "$work/stats-after.json"
}

# A start time common to all segments: now + SECONDS, RFC 3339 UTC with milliseconds.
start_in() {
  date -u -d "+$1 seconds" +%Y-%m-%dT%H:%M:%S.%3NZ
}

# Runs a command with a deadline (timeout(1)), its exit status in $rc, output in FILE.
run_bounded() {
  local seconds=$1 out=$2
  shift 2
  rc=0
  timeout --kill-after=5 "$seconds" "$@" >"$out" 2>&1 || rc=$?
  ((rc != 124 && rc != 137)) || fail "timed out after ${seconds} s: $*"
}
