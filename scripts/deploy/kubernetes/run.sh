#!/usr/bin/env bash
# One distributed run on Kubernetes: the load Job (load-job.yaml, N = 3 segments in parallel
# pods), then, once it has finished, the merge Job (merge-job.yaml), whose verdict this script
# returns. Needs kubectl pointed at the cluster (the current context, or KUBECONFIG) and the
# image of scripts/deploy/Dockerfile pushed where the cluster pulls from.
#
# Usage:
#   scripts/deploy/kubernetes/run.sh --image REGISTRY/multitier:TAG \
#       --gateway http://gateway.load.svc:4110 [--namespace NS] [--start-in SECONDS] \
#       [--seed N] [--out DIR] [--timeout SECONDS]
#   scripts/deploy/kubernetes/run.sh --print [the same options]   # render only, touch no cluster
#
#   --start-in  seconds from now to the common start, MULTITIER_START_AT (default 90): long
#               enough for the three pods to be scheduled, to pull the image and to start, or
#               a late segment starts after the others
#   --seed      the run's seed, the same in every segment (default: drawn here, and printed)
#   --out       where junit.xml and the logs are saved (default multitier-results/<run id>);
#               every report stays on the claim multitier-results, in /results/<run id>/merged/
#   --timeout   seconds to wait for each Job (default 1800)
#
# Exit code: the merge's: 0 the merged verdict passed, 1 it failed, 2 the merge refused the
# segments (one missing, e.g. after a crashed pod, duplicated, or with other settings); 3 when
# this script could not get that far (kubectl failed, a Job did not finish in time).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
image="" gateway="" namespace="" start_in=90 seed="" out="" timeout=1800 print_only=0
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 3; }
while (( $# )); do
  case "$1" in
    --image) image=${2:?}; shift 2 ;;
    --gateway) gateway=${2:?}; shift 2 ;;
    --namespace) namespace=${2:?}; shift 2 ;;
    --start-in) start_in=${2:?}; shift 2 ;;
    --seed) seed=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --timeout) timeout=${2:?}; shift 2 ;;
    --print) print_only=1; shift ;;
    -h|--help) usage ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ -n $image && -n $gateway ]] || { echo "run.sh: --image and --gateway are required" >&2; usage; }
[[ $start_in =~ ^[0-9]+$ && $timeout =~ ^[0-9]+$ ]] || { echo "run.sh: --start-in and --timeout take seconds" >&2; exit 3; }
for value in "$image" "$gateway"; do  # both go inside double-quoted YAML strings
  [[ $value != *[\"\\[:space:]]* ]] || { echo "run.sh: no quotes, backslashes or spaces in '$value'" >&2; exit 3; }
done
if [[ -z $seed ]]; then seed=$(( (RANDOM << 30 | RANDOM << 15 | RANDOM) + 1 )); fi
[[ $seed =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --seed takes a positive number" >&2; exit 3; }

# An RFC 3339 UTC time start_in seconds from now (GNU date, else BSD date).
utc_in() {
  local at=$(( $(date +%s) + $1 ))
  date -u -d "@$at" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$at" +%Y-%m-%dT%H:%M:%SZ
}
run_id=run-$(date -u +%Y%m%d-%H%M%S)
start_at=$(utc_in "$start_in")
out=${out:-multitier-results/$run_id}

# Fills the ${...} placeholders of a manifest; $(JOB_COMPLETION_INDEX) is Kubernetes' own and
# stays. Refuses a placeholder it does not know.
render() {
  local text
  text=$(<"$1")
  text=${text//'${SUITE_IMAGE}'/"$image"}
  text=${text//'${MULTITIER_GATEWAY}'/"$gateway"}
  text=${text//'${MULTITIER_START_AT}'/"$start_at"}
  text=${text//'${MULTITIER_SEED}'/"$seed"}
  text=${text//'${RUN_ID}'/"$run_id"}
  if [[ $text == *'${'* ]]; then
    echo "run.sh: $1 has a placeholder run.sh does not fill:" >&2
    grep -n '\${' <<<"$text" >&2
    exit 3
  fi
  printf '%s\n' "$text"
}

if (( print_only )); then
  cat "$here/pvc.yaml"; echo ---; render "$here/load-job.yaml"; echo ---; render "$here/merge-job.yaml"
  exit 0
fi

command -v kubectl >/dev/null || { echo "run.sh: kubectl not found" >&2; exit 3; }
kc=(kubectl)
if [[ -n $namespace ]]; then kc+=(--namespace "$namespace"); fi
fail() { echo "run.sh: $*" >&2; exit 3; }

# Waits until the Job has finished, either way: `kubectl wait --for=condition=complete` alone
# would wait out its whole timeout on a Job that failed. Prints Complete or Failed.
wait_job() {
  local job=$1 deadline=$(( $(date +%s) + timeout )) conditions
  while (( $(date +%s) < deadline )); do
    conditions=$("${kc[@]}" get job "$job" \
      -o jsonpath='{range .status.conditions[*]}{.type}={.status}{" "}{end}') ||
      fail "cannot read job/$job"
    if [[ $conditions == *"Complete=True"* ]]; then echo Complete; return 0; fi
    if [[ $conditions == *"Failed=True"* ]]; then echo Failed; return 0; fi
    sleep 5
  done
  fail "job/$job has not finished after ${timeout}s (kubectl ${kc[*]:1} get pods -l job-name=$job)"
}

mkdir -p "$out"
echo "run.sh: run $run_id: 3 segments, start at $start_at, seed $seed, gateway $gateway" >&2
"${kc[@]}" apply -f "$here/pvc.yaml" >&2 || fail "cannot apply pvc.yaml"
"${kc[@]}" delete job multitier-load multitier-merge --ignore-not-found --wait=true >&2 ||
  fail "cannot delete the previous run's Jobs"
render "$here/load-job.yaml" | "${kc[@]}" apply -f - >&2 || fail "cannot apply load-job.yaml"

load=$(wait_job multitier-load)
"${kc[@]}" logs -l job-name=multitier-load --prefix --tail=-1 --max-log-requests=10 \
  >"$out/load.log" 2>&1 || true
if [[ $load == Failed ]]; then
  echo "run.sh: job/multitier-load failed (a segment crashed, was evicted, or refused its" \
       "options: $out/load.log); merging anyway, to name what is missing" >&2
fi

render "$here/merge-job.yaml" | "${kc[@]}" apply -f - >&2 || fail "cannot apply merge-job.yaml"
wait_job multitier-merge >/dev/null
"${kc[@]}" logs job/multitier-merge >"$out/merge.log" 2>&1 || fail "cannot read the merge's log"
sed -n '/^----- multitier-merge junit.xml begin -----$/,/^----- multitier-merge junit.xml end -----$/p' \
  "$out/merge.log" | sed '1d;$d' >"$out/junit.xml"
[[ -s $out/junit.xml ]] || rm -f "$out/junit.xml"
sed '/^----- multitier-merge junit.xml begin -----$/,/^----- multitier-merge junit.xml end -----$/d' \
  "$out/merge.log" >&2

status=$("${kc[@]}" get pods -l job-name=multitier-merge \
  -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}') ||
  fail "cannot read the merge pod's exit code"
[[ $status =~ ^[0-9]+$ ]] || fail "the merge pod has no exit code"
echo "run.sh: merged verdict: exit $status ($(case $status in 0) echo passed ;; 1) echo failed ;;
  2) echo refused ;; *) echo "merge error" ;; esac)); junit.xml and logs in $out/," \
  "all reports on the claim multitier-results in /results/$run_id/merged/" >&2
exit "$status"
