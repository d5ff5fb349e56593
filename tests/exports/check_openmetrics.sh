#!/usr/bin/env bash
# Reads a report folder's metrics.om with Prometheus's own tools (Debian's prometheus package)
# and checks that a TSDB built from it answers a PromQL query with the run's totals:
#   1. promtool check metrics < metrics.om   parses and lints the exposition;
#   2. promtool tsdb create-blocks-from openmetrics metrics.om DIR   backfills a TSDB (this
#      parser is the OpenMetrics one: it requires "# EOF", UNIT suffixes, timestamps...);
#   3. a prometheus server on that TSDB, on a free loopback port, answers
#      sum(last_over_time(multitier_http_requests_total[...])) and the same for
#      multitier_scenarios_total, through promtool query instant;
#   4. those answers must equal the final counters in metrics.om, the sums of the http (and
#      total) rows of timeseries.csv and, when report.json holds them, its totals (read with jq,
#      or python3; without either the report.json comparison is skipped and says so).
# Exit 0 when all hold, 1 otherwise (also when promtool or prometheus is missing).
#   check_openmetrics.sh REPORT_DIR
#
# promtool check metrics lints with the Prometheus text format's parser, in which a counter's
# # TYPE line names its _total series; metrics.om names its counter families so (see
# docs/exports.md), so the lint must come out clean: exit 0 and nothing printed.
set -euo pipefail

fail() {
  echo "check_openmetrics: FAILED: $*" >&2
  exit 1
}

dir=${1:-}
[[ -n $dir ]] || fail "usage: check_openmetrics.sh REPORT_DIR"
for tool in promtool prometheus; do
  command -v "$tool" >/dev/null ||
    fail "$tool is not installed: run scripts/install-deps.sh --tests (it installs Debian's prometheus package)"
done
om=$dir/metrics.om
csv=$dir/timeseries.csv
json=$dir/report.json
for file in "$om" "$csv"; do
  [[ -s $file ]] || fail "no $file (the stress run, multitier.stress.mix, writes it)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/check-openmetrics.XXXXXX")
server=""
cleanup() {
  if [[ -n $server ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# 1. Lint.
set +e
promtool check metrics <"$om" >"$work/lint" 2>&1
status=$?
set -e
[[ $status == 0 && ! -s $work/lint ]] ||
  fail "promtool check metrics exited $status: $(head -c 2000 "$work/lint")"
lint="clean"
echo "check_openmetrics: promtool check metrics: $lint"

# 2. Backfill.
timeout 300 promtool tsdb create-blocks-from openmetrics --quiet "$om" "$work/tsdb" >"$work/blocks" 2>&1 ||
  fail "promtool tsdb create-blocks-from openmetrics: $(head -c 2000 "$work/blocks")"
blocks=$(find "$work/tsdb" -mindepth 2 -maxdepth 2 -name meta.json | wc -l)
((blocks > 0)) || fail "promtool tsdb create-blocks-from openmetrics wrote no block"

# The file's time span, for the query's time and range.
read -r first last < <(awk '$1 !~ /^#/ && NF >= 3 {
    t = $NF + 0; if (n++ == 0 || t < lo) lo = t; if (t > hi) hi = t }
    END { printf "%.3f %.3f\n", lo, hi }' "$om")
range=$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%d", b - a + 60 }')

# 3. A server on the TSDB, on a free loopback port (a few tries: the port may be taken between
# the look and the bind).
printf 'scrape_configs: []\n' >"$work/prometheus.yml"
url=""
for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 40000))
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$port" \
    --log.level=warn >"$work/prometheus.log" 2>&1 &
  server=$!
  for _ in $(seq 1 60); do
    if ! kill -0 "$server" 2>/dev/null; then break; fi
    if timeout 5 promtool query instant "http://127.0.0.1:$port" 'vector(1)' >/dev/null 2>&1; then
      url="http://127.0.0.1:$port"
      break
    fi
    sleep 0.5
  done
  [[ -n $url ]] && break
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=""
done
[[ -n $url ]] || fail "prometheus did not answer on loopback: $(tail -c 2000 "$work/prometheus.log")"

query() {
  local answer
  answer=$(timeout 30 promtool query instant --time="$last" "$url" "$1" 2>&1) ||
    fail "query $1: $answer"
  # "{} => 1234 @[1764586803]"; nothing when no series matched.
  awk '$2 == "=>" { print $3; found = 1 } END { if (!found) exit 1 }' <<<"$answer" ||
    fail "query $1 matched no series: $answer"
}
tsdb_requests=$(query "sum(last_over_time(multitier_http_requests_total[${range}s]))")
tsdb_scenarios=$(query "sum(last_over_time(multitier_scenarios_total[${range}s]))")

# 4. The same totals from the files themselves.
final_counter() {
  awk -v name="$1" '
    index($0, name "{") == 1 || index($0, name " ") == 1 {
      key = $0; sub(/ [^ ]+ [^ ]+$/, "", key); last[key] = $(NF - 1)
    }
    END { for (k in last) total += last[k]; printf "%.0f\n", total }' "$om"
}
om_requests=$(final_counter multitier_http_requests_total)
om_scenarios=$(final_counter multitier_scenarios_total)

# Sums `column` over the rows whose series is `series` (an RFC 4180 reader: quoted fields may
# hold commas and doubled quotes).
csv_sum() {
  awk -v series="$1" -v column="$2" '
    function split_csv(line, out,    n, i, c, field, quoted) {
      n = 0; field = ""; quoted = 0
      for (i = 1; i <= length(line); i++) {
        c = substr(line, i, 1)
        if (quoted) {
          if (c == "\"" && substr(line, i + 1, 1) == "\"") { field = field "\""; i++ }
          else if (c == "\"") quoted = 0
          else field = field c
        } else if (c == "\"") quoted = 1
        else if (c == ",") { out[++n] = field; field = "" }
        else field = field c
      }
      out[++n] = field
      return n
    }
    { sub(/\r$/, "") }
    NR == 1 {
      n = split_csv($0, head)
      for (i = 1; i <= n; i++) { if (head[i] == "series") s = i; if (head[i] == column) v = i }
      if (!s || !v) { print "no column " column > "/dev/stderr"; exit 1 }
      next
    }
    { split_csv($0, f); if (f[s] == series) total += f[v] }
    END { printf "%.0f\n", total }' "$csv"
}
csv_requests=$(csv_sum http requests) || fail "timeseries.csv has no requests column"
csv_scenarios=$(csv_sum total completions) || fail "timeseries.csv has no completions column"

json_note="no report.json"
json_requests=""
json_scenarios=""
if [[ -s $json ]]; then
  # total_scenarios, and the HTTP requests of the cases that report them ("" when none does).
  if command -v jq >/dev/null; then
    json_scenarios=$(jq -r '.total_scenarios' "$json") || fail "jq cannot read $json"
    json_requests=$(jq -r '[.cases[] | .http.requests? // empty] |
      if length == 0 then "" else add end' "$json")
    json_note="report.json (jq)"
  elif command -v python3 >/dev/null; then
    read -r json_scenarios json_requests < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
counts = [c["http"]["requests"] for c in r.get("cases", [])
          if isinstance(c.get("http"), dict) and "requests" in c["http"]]
print(r["total_scenarios"], sum(counts) if counts else "")' "$json") ||
      fail "python3 cannot read $json"
    json_note="report.json (python3)"
  else
    json_note="report.json not compared (neither jq nor python3 is installed)"
  fi
fi

echo "check_openmetrics: $blocks block(s) over [$first, $last]; HTTP requests: metrics.om $om_requests," \
  "TSDB query $tsdb_requests, timeseries.csv $csv_requests${json_requests:+, report.json $json_requests};" \
  "scenario runs: metrics.om $om_scenarios, TSDB query $tsdb_scenarios, timeseries.csv" \
  "$csv_scenarios${json_scenarios:+, report.json $json_scenarios} ($json_note)"

same() {  # name, then the figures, numerically equal
  local what=$1 first=$2
  shift 2
  for figure in "$@"; do
    [[ -z $figure ]] && continue
    awk -v a="$first" -v b="$figure" 'BEGIN { exit !(a + 0 == b + 0) }' ||
      fail "$what differ: $first vs $figure"
  done
}
((om_requests > 0)) || fail "metrics.om counts no HTTP request"
same "HTTP request totals (metrics.om, TSDB, timeseries.csv, report.json)" \
  "$om_requests" "$tsdb_requests" "$csv_requests" "$json_requests"
same "scenario run totals (metrics.om, TSDB, timeseries.csv, report.json)" \
  "$om_scenarios" "$tsdb_scenarios" "$csv_scenarios" "$json_scenarios"
echo "check_openmetrics: ok"
