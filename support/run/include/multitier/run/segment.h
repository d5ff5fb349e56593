// Segments: one run's load split over several processes (machines, pods, CI nodes) in disjoint
// shares that add up to the whole, so their result files merge into exactly the run one
// process would have made (multitier-merge).
//
// Segment i of n (1-based) runs the VUs v of the whole run with v mod n == i - 1: 50 VUs in 3
// segments are 17/17/16, and each VU keeps the random stream (and, in iterations mode, the runs)
// it has in the whole run. The arrival-rate executors split their arrivals the same way: the
// run's event-loop threads of all segments form one striped schedule, so the segments' starts
// together are the whole run's. Every random stream is derived from the seed and a global
// index, so no two segments draw the same choices.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "multitier/run/executor.h"

namespace multitier {

struct Segment {
  int index = 1;  // 1-based
  int count = 1;
  bool whole() const { return count == 1; }
  // Global VU `v` belongs to this segment.
  bool owns(std::uint64_t v) const {
    return static_cast<int>(v % static_cast<std::uint64_t>(count)) == index - 1;
  }
  // How many of `total` VUs (or iterations) this segment runs.
  int share(int total) const;
  friend bool operator==(const Segment&, const Segment&) = default;
};

// The executor a segment runs: the arrival-rate executors' rate and stage targets divided by
// the segment count (their VU pool, like every VU count, is split by owns()); the VU executors
// unchanged (their VUs are split by owns()).
ExecutorSettings segment_executor(const ExecutorSettings& whole, const Segment& segment);

// "2/3" → {2, 3}. nullopt, with `error` saying why, unless 1 <= i <= n <= 1000.
std::optional<Segment> parse_segment(std::string_view text, std::string& error);

// The segment an engine's index variables name, when --segment is absent: Kubernetes Indexed
// Jobs' JOB_COMPLETION_INDEX (0-based) with `segments` (--segments / MULTITIER_SEGMENTS, the
// Job's completions, which Kubernetes does not expose), else GitLab's CI_NODE_INDEX and
// CI_NODE_TOTAL (1-based). `source` is set to the variable read, or left empty for the whole
// run. Throws std::invalid_argument naming the variable when its value is malformed or out of
// range, or when JOB_COMPLETION_INDEX is set without a total.
Segment segment_from_environment(const char* const* environment, int segments, std::string& source);

}  // namespace multitier
