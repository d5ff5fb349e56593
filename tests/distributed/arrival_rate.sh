#!/usr/bin/env bash
# multitier.distributed.arrival-rate: an open-model run split into three segments, and a
# threshold only the merge can breach. Three suite processes, started at once, each
# `--segment i/3` of `--executor constant-arrival-rate --rate 240 --max-vus 24 --duration 5s
# --gtest_filter=*ColdSearchEmail* --min-achieved-rate 300 --seed 77` with one `--start-at`
# (now + 3 s), then `multitier-merge`. It checks:
#   - each segment runs a third of the rate: about 80 starts/s achieved, about 400 planned;
#   - the merged run has the whole rate: achieved within 5 % of 240/s, planned 240 x 5 s give or
#     take a few, planned/started/dropped the segments' sums, the gateway's /stats received
#     delta = merged http.requests + 3 probe searches;
#   - --min-achieved-rate is a figure of the whole run: no segment judges it, so each exits 0
#     with passed == true in its report.json, while the merge (300 > the 240/s achieved) exits
#     1 and its verdict and report say "below --min-achieved-rate".
# Why: a segment's rate is a third of the run's; judging the run's rate threshold per segment
# would fail every segment of a healthy run (or pass a sick one), so only the merge may judge it.
# One set of three processes serves both parts (the threshold does not change the load).
#
# usage: arrival_rate.sh SUITE MERGE GATEWAY_URL_FILE WORK_DIR
set -euo pipefail
suite=${1:?suite binary} merge=${2:?multitier-merge binary} url_file=${3:?gateway url file}
work=${4:?work dir}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

n=3
url=$(gateway_url "$url_file")
echo "gateway: $url"
run_segments "$n" "$work" "$url" "$suite" \
  --executor constant-arrival-rate --rate 240 --max-vus 24 --duration 5s \
  --min-achieved-rate 300 --gtest_filter='*ColdSearchEmail*'
for i in $(seq 1 $n); do
  rc=${codes[$((i - 1))]}
  if ((rc != 0)); then
    tail -n 40 "$work/segment-$i.log" >&2
    fail "segment $i/$n exited $rc, not 0 (a segment must not judge --min-achieved-rate)"
  fi
done

run_bounded 60 "$work/merge.log" "$merge" --report-dir "$work/merged" \
  "$work/segment-1" "$work/segment-2" "$work/segment-3"
cat "$work/merge.log"
((rc == 1)) || fail "multitier-merge exited $rc, not 1 (240/s is below --min-achieved-rate 300)"
grep -q 'below --min-achieved-rate' "$work/merge.log" ||
  fail "the merged text report does not say the achieved rate is below --min-achieved-rate"

python3 "$here/check_arrival_rate.py" "$work" "$n"
echo "PASS: multitier.distributed.arrival-rate in $((SECONDS - t0)) s"
