#!/usr/bin/env bash
# multitier.distributed.segments: one stress run of the mix split into three segments on this
# machine, as docs/distributed.md runs it on three: three suite processes started at once, each
# `--segment i/3` of `--stress --duration 6s --concurrency 12 --gtest_filter=*Mix* --seed 77`
# with one common `--start-at` (now + 3 s), then `multitier-merge` of their folders. It checks:
#   - the gateway saw exactly the merged run's requests: the /stats `received` delta (every
#     endpoint) equals the merged http.requests plus the three probes (one search per process,
#     SuiteEnvironment::SetUp, which no registry counts); per endpoint too (search, record);
#   - the merge is the union of the segments, nothing lost or doubled: total_scenarios,
#     per-scenario runs and fails, per-step runs and fails, http requests and failures, VUs
#     (4 + 4 + 4 = 12), and the series' completions interval by interval (from result.json);
#     the merged settings say segment 1/1, "merged from 3 segments", and its verdict passed;
#   - each segment says it was segment i/3 and began on time (start_late_s < 1 s);
#   - the merge refuses (exit 2) a missing segment, naming it (1/3 and 3/3 only: "segment 2 of
#     3 is missing"), and a duplicated one (the same folder twice; a copy of a folder).
# Why: the split is only useful if the merged reports equal one process's run; the gateway's
# own counts are the one witness outside the suite that nothing was run twice or left out.
#
# usage: segments.sh SUITE MERGE GATEWAY_URL_FILE WORK_DIR
set -euo pipefail
suite=${1:?suite binary} merge=${2:?multitier-merge binary} url_file=${3:?gateway url file}
work=${4:?work dir}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/common.sh"

n=3
url=$(gateway_url "$url_file")
echo "gateway: $url"
run_segments "$n" "$work" "$url" "$suite" \
  --stress --duration 6s --concurrency 12 --gtest_filter='*Mix*'
for i in $(seq 1 $n); do
  rc=${codes[$((i - 1))]}
  if ((rc != 0 && rc != 1)) || [[ ! -s "$work/segment-$i/result.json" ]]; then
    tail -n 40 "$work/segment-$i.log" >&2
    fail "segment $i/$n exited $rc$([[ -s $work/segment-$i/result.json ]] || echo ', no result.json')"
  fi
  ((rc == 0)) || echo "note: segment $i/$n exited $rc (its own verdict; the merge judges)"
done

run_bounded 60 "$work/merge.log" "$merge" --report-dir "$work/merged" \
  "$work/segment-1" "$work/segment-2" "$work/segment-3"
cat "$work/merge.log"
((rc == 0)) || fail "multitier-merge exited $rc (0 expected: the merged verdict should pass)"

python3 "$here/check_segments.py" "$work" "$n"

# A missing segment: 1/3 and 3/3 only.
run_bounded 30 "$work/refuse-missing.log" "$merge" --report-dir "$work/refused-missing" \
  "$work/segment-1" "$work/segment-3"
echo "merge of segments 1 and 3: exit $rc: $(tail -n 3 "$work/refuse-missing.log")"
((rc == 2)) || fail "a merge without segment 2 exited $rc, not 2 (refused)"
grep -q 'segment 2 of 3' "$work/refuse-missing.log" ||
  fail "the refusal does not name the missing segment ('segment 2 of 3')"
[[ ! -e "$work/refused-missing/report.json" ]] || fail "a refused merge wrote report.json"

# The same folder twice.
run_bounded 30 "$work/refuse-twice.log" "$merge" --report-dir "$work/refused-twice" \
  "$work/segment-1" "$work/segment-2" "$work/segment-2" "$work/segment-3"
echo "merge with segment-2 given twice: exit $rc: $(tail -n 3 "$work/refuse-twice.log")"
((rc == 2)) || fail "a merge with segment 2 given twice exited $rc, not 2 (refused)"
grep -q 'segment-2' "$work/refuse-twice.log" || fail "the refusal does not name segment-2"

# A copy of a segment's folder in place of another segment.
cp -r "$work/segment-2" "$work/segment-2-copy"
run_bounded 30 "$work/refuse-copy.log" "$merge" --report-dir "$work/refused-copy" \
  "$work/segment-1" "$work/segment-2" "$work/segment-2-copy"
echo "merge of segment-1, segment-2 and a copy of segment-2: exit $rc: $(tail -n 3 "$work/refuse-copy.log")"
((rc == 2)) || fail "a merge with a copy of segment 2 exited $rc, not 2 (refused)"
grep -q 'segment-2-copy' "$work/refuse-copy.log" || fail "the refusal does not name the copy"

echo "PASS: multitier.distributed.segments in $((SECONDS - t0)) s"
