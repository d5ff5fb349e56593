#!/usr/bin/env bash
# What multitier-merge costs, side by side for two segment counts of the same run shape:
#   1. multitier-result-gen writes the result files of a synthetic segmented run: the main job's
#      mix (six scenarios, their HTTP and validator steps, log-normal latencies), BENCH_SECONDS
#      of 1 s intervals at BENCH_RATE scenarios/s (about 2.1 requests each) per segment, as
#      segment i of n into DIR/segment-i/result.json; the segments differ only in their index;
#   2. /usr/bin/time -v times `multitier-merge --report-dir OUT DIR/segment-*` for n =
#      BENCH_FILES (100) and its peer n = BENCH_PEER_FILES (10), alternating, BENCH_ROUNDS
#      rounds: wall time, user+sys CPU and peak RSS, beside the input's bytes;
#   3. checks each merge: its exit status, and total_scenarios in the merged report.json equal
#      to n times one file's scenario runs.
#   scripts/bench-merge.sh
# Environment: BENCH_FILES (100), BENCH_PEER_FILES (10), BENCH_SECONDS (600), BENCH_RATE (6500),
#   BENCH_ROUNDS (3), BENCH_OUT (directory for raw outputs), BENCH_JOBS (build jobs, 2),
#   BENCH_NO_BUILD=1, BENCH_KEEP=1 (keep the generated files: 100 files of 600 s are about
#   500 MB).
# The files are read from the page cache (they were just written): this measures the merge,
# not the disk. The machine is shared and noisy: compare the columns of one run.
set -euo pipefail
cd "$(dirname "$0")/.."

files=${BENCH_FILES:-100}
peer_files=${BENCH_PEER_FILES:-10}
seconds=${BENCH_SECONDS:-600}
rate=${BENCH_RATE:-6500}
rounds=${BENCH_ROUNDS:-3}
build=build
out=${BENCH_OUT:-$build/bench-merge/$(date +%Y%m%d-%H%M%S)}

die() { echo "bench-merge: $*" >&2; exit 1; }
note() { echo "bench-merge: $*" >&2; }

scripts/install-deps.sh --bench
if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  cmake --preset default >/dev/null
  cmake --build --preset default -j "${BENCH_JOBS:-2}" --target multitier-merge multitier-result-gen ||
    die "build failed"
fi
gen=$build/bench/multitier-result-gen
merge=$build/support/merge/multitier-merge
[[ -x "$gen" && -x "$merge" ]] || die "build multitier-merge and multitier-result-gen first"
mkdir -p "$out"
if [[ -z "${BENCH_KEEP:-}" ]]; then
  trap 'rm -rf "$out"/n*/in "$out"/n*/merged' EXIT
fi

note "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"
# generate N: DIR/nN/in/segment-1..N; prints "bytes_total bytes_per_file scenarios_per_file".
generate() {
  local dir=$out/n$1
  rm -rf "$dir/in"
  mkdir -p "$dir"
  /usr/bin/time -f '%e' -o "$dir/gen-time" \
    "$gen" --out "$dir/in" --segments "$1" --seconds "$seconds" --scenarios-per-s "$rate" \
    >"$dir/gen.txt" || die "multitier-result-gen --segments $1 failed"
  note "generated $1 files in $(cat "$dir/gen-time") s: $(cat "$dir/gen.txt")"
  local total one
  total=$(find "$dir/in" -name result.json -printf '%s\n' | awk '{ s += $1 } END { print s }')
  one=$(jq '[.cases[0].registry.scenarios[].runs] | add' "$dir/in/segment-1/result.json")
  echo "$total $(stat -c %s "$dir/in/segment-1/result.json") $one"
}
# merge N ROUND: prints "wall_s cpu_s max_rss_kb" after checking the merged counts.
run_merge() {
  local dir=$out/n$1 rc=0
  rm -rf "$dir/merged"
  /usr/bin/time -v -o "$dir/time-r$2.txt" "$merge" --report-dir "$dir/merged" "$dir"/in/segment-* \
    >"$dir/merge-r$2.txt" 2>&1 || rc=$?
  ((rc == 0 || rc == 1)) || die "merging $1 files: exit $rc; see $dir/merge-r$2.txt"
  local merged want
  merged=$(jq '.total_scenarios' "$dir/merged/report.json")
  want=$(($1 * ${one_file[$1]}))
  [[ "$merged" == "$want" ]] ||
    die "merging $1 files: total_scenarios $merged, want $1 × ${one_file[$1]} = $want"
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
              /User time/ { u = $2 } /System time/ { s = $2 } /Maximum resident set size/ { r = $2 }
              END { printf "%.2f %.2f %d\n", w, u + s, r }' "$dir/time-r$2.txt"
}

declare -A total_bytes file_bytes one_file best_wall best_cpu best_rss
for n in "$files" "$peer_files"; do
  line=$(generate "$n") || exit 1
  read -r "total_bytes[$n]" "file_bytes[$n]" "one_file[$n]" <<<"$line"
done

printf '%-6s %6s %10s %10s %12s\n' round files "wall s" "CPU s" "max RSS MB" | tee "$out/table.txt"
for ((r = 1; r <= rounds; r++)); do
  for n in "$files" "$peer_files"; do
    line=$(run_merge "$n" "$r") || exit 1
    read -r wall cpu rss <<<"$line"
    printf '%-6s %6d %10.2f %10.2f %12.1f\n' "$r" "$n" "$wall" "$cpu" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" |
      tee -a "$out/table.txt"
    if [[ -z "${best_wall[$n]:-}" ]] || awk -v a="$wall" -v b="${best_wall[$n]}" 'BEGIN { exit !(a < b) }'; then
      best_wall[$n]=$wall best_cpu[$n]=$cpu
    fi
    if [[ -z "${best_rss[$n]:-}" ]] || ((rss < best_rss[$n])); then best_rss[$n]=$rss; fi
  done
done

{
  echo
  echo "multitier-merge over the result files of a ${seconds}-s run at ${rate} scenarios/s per segment"
  echo "(the best of $rounds rounds; merged total_scenarios checked = files × one file's)"
  printf '%-24s %22s %22s\n' "" "$files files" "$peer_files files"
  row() { printf '%-24s %22s %22s\n' "$1" "$2" "$3"; }
  mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
  row "input bytes total" "${total_bytes[$files]} ($(mb "${total_bytes[$files]}") MB)" \
    "${total_bytes[$peer_files]} ($(mb "${total_bytes[$peer_files]}") MB)"
  row "bytes per file" "${file_bytes[$files]}" "${file_bytes[$peer_files]}"
  row "scenarios per file" "${one_file[$files]}" "${one_file[$peer_files]}"
  row "merge wall time s" "${best_wall[$files]}" "${best_wall[$peer_files]}"
  row "user+sys CPU s" "${best_cpu[$files]}" "${best_cpu[$peer_files]}"
  row "max RSS MB" "$(mb $((best_rss[$files] * 1024)))" "$(mb $((best_rss[$peer_files] * 1024)))"
  per_file() { awk -v w="$1" -v n="$2" 'BEGIN { printf "%.0f", 1000 * w / n }'; }
  row "wall ms per file" "$(per_file "${best_wall[$files]}" "$files")" \
    "$(per_file "${best_wall[$peer_files]}" "$peer_files")"
  rate_of() { awk -v b="$1" -v w="$2" 'BEGIN { printf "%.0f", b / 1048576 / w }'; }
  row "input MB per wall s" "$(rate_of "${total_bytes[$files]}" "${best_wall[$files]}")" \
    "$(rate_of "${total_bytes[$peer_files]}" "${best_wall[$peer_files]}")"
} | tee "$out/summary.txt"
note "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; raw outputs in $out"
