#!/bin/sh
# multitier-segment (installed so in the image by scripts/deploy/Dockerfile): runs one load
# segment, `multitier_suite "$@"`, for an engine that stops every other segment when one exits
# non-zero. A Kubernetes Job with backoffLimit 0 is such an engine: the first failed pod marks
# the Job failed and its running pods are terminated, so one segment's failed verdict would cut
# the others short and leave the merge nothing whole to judge.
#
# So: a failed verdict (the suite's exit 1) whose result.json was written exits 0 here. The
# segment did its share of the load and recorded it; the run's verdict is multitier-merge's,
# judged on all segments together (scripts/deploy/kubernetes/run.sh exits with it). Anything
# else keeps its code: exit 2 (a bad option, an unusable report folder), a crash, a kill, or an
# exit 1 with no result.json. Those fail the pod and, with backoffLimit 0, the Job, with no retry
# (a retried segment would send its share of the load twice).
#
# Needs --report-dir DIR (or --report-dir=DIR, or MULTITIER_REPORT_DIR) to know where
# result.json goes. SIGTERM and SIGINT are passed on to the suite.
set -u

report_dir=${MULTITIER_REPORT_DIR:-}
previous=""
for argument in "$@"; do
  case "$previous" in --report-dir) report_dir=$argument ;; esac
  case "$argument" in --report-dir=*) report_dir=${argument#--report-dir=} ;; esac
  previous=$argument
done
if [ -z "$report_dir" ]; then
  echo "multitier-segment: give --report-dir DIR: the segment's result.json must outlive the pod" >&2
  exit 2
fi

multitier_suite "$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
wait "$child"
status=$?
# A trapped signal interrupts `wait`; wait again until the suite itself has exited.
while kill -0 "$child" 2>/dev/null; do
  wait "$child"
  status=$?
done

if [ "$status" -eq 1 ] && [ -s "$report_dir/result.json" ]; then
  echo "multitier-segment: this segment's own verdict failed (exit 1); its result.json is in" \
       "$report_dir, and the merge judges the whole run" >&2
  exit 0
fi
exit "$status"
