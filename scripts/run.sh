#!/usr/bin/env bash
# The main job: the seed's weighted mix of the six scenarios (35/15/15/15/10/10) at concurrency 50
# for 60 s against the reference gateway serving a generated 100k-worker corpus, with a report.
#   scripts/run.sh                          # defaults above
#   scripts/run.sh --duration 5m            # the seed's 5-minute run
#   scripts/run.sh --gateway http://127.0.0.1:4110   # your own gateway (loopback only)
#   scripts/run.sh --queries seed           # the seed's 30 query texts instead of the generated pool
#   scripts/run.sh --roster corpus          # drafts and proposals name the workers the search returned
# Every suite option works here (see --help); MULTITIER_* environment variables too.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target multitier_suite multitier-gateway multitier-corpus

corpus_size=${MULTITIER_CORPUS_SIZE:-100000}
corpus=$(scripts/ensure-corpus.sh "$corpus_size" "build/fixtures/corpus/multitier-corpus")

own_gateway=""
for arg in "$@"; do [[ "$arg" == --gateway* ]] && own_gateway=yes; done
[[ -n "${MULTITIER_GATEWAY:-}" ]] && own_gateway=yes

state=build/run-gateway
if [[ -z "$own_gateway" ]]; then
  echo "run: starting the reference gateway (the first start on a corpus builds its index)"
  # A search the cache cannot answer reads from the lakehouse's storage in a real gateway; the
  # reference gateway holds the corpus in memory and models that read as a wait that costs no CPU
  # (--storage-latency), so the main job's cold searches are cold; the gateway's own variable
  # MULTITIER_GATEWAY_STORAGE_LATENCY=0s turns it off.
  export MULTITIER_GATEWAY_STORAGE_LATENCY=${MULTITIER_GATEWAY_STORAGE_LATENCY:-1ms}
  scripts/gateway-ctl.sh start "$state" build/fixtures/gateway/multitier-gateway "$corpus"
  trap 'scripts/gateway-ctl.sh stop "$state" >/dev/null' EXIT
  export MULTITIER_GATEWAY_URL_FILE="$PWD/$state/url"
  # What --roster corpus checks answers against: the corpus this gateway serves (read only then).
  export MULTITIER_ROSTER_FILE=${MULTITIER_ROSTER_FILE:-$PWD/$corpus}
fi

report_dir=${MULTITIER_REPORT_DIR:-reports/$(date +%Y%m%d-%H%M%S)}
export MULTITIER_CONCURRENCY=${MULTITIER_CONCURRENCY:-50}
export MULTITIER_DURATION=${MULTITIER_DURATION:-60s}
export MULTITIER_REPORT_DIR=$report_dir
set +e
build/tests/multitier/multitier_suite --stress --gtest_filter='*Mix*' "$@"
status=$?
set -e
echo "run: reports in $report_dir (report.txt, junit.xml, report.json, report.html, timeseries.csv, metrics.om, result.json)"
exit $status
