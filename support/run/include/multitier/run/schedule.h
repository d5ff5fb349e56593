// When scenario starts are planned, for the executors (k6's names): stages, the rate curve they
// describe, and the arrival times it yields. Pure; no clock is read here.
//
// Stages "30s:10,1m:50,30s:0": each stage ramps its target linearly, from the previous stage's
// target (the first from `start`) to its own, over its duration. For ramping-vus the target is
// a number of VUs; for ramping-arrival-rate it is starts per second.
//
// Arrivals follow the curve's cumulative count A(t) = ∫ rate: uniform arrivals are planned
// where A(t) crosses 0, 1, 2, ...; Poisson arrivals where it crosses the sums of independent
// Exp(1) gaps (a Poisson process of that rate, seeded). A run on T event-loop threads gives
// thread j the uniform arrivals j, j+T, j+2T, ... (together exactly the uniform sequence), or
// an independent Poisson process of rate/T (together a Poisson process of the full rate).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "multitier/common/random.h"

namespace multitier {

struct Stage {
  std::chrono::nanoseconds duration{0};
  double target = 0;
  friend bool operator==(const Stage&, const Stage&) = default;
};

// Parses "30s:10,1m:50,30s:0" (durations in the one syntax, targets non-negative numbers, at
// most 1000 stages). Throws std::invalid_argument naming `flag` and the bad entry.
std::vector<Stage> parse_stages(std::string_view text, std::string_view flag = "--stages");

// A piecewise-linear curve over time in seconds since the executor started.
class RateCurve {
 public:
  RateCurve(double start, std::vector<Stage> stages);
  // A flat curve: `rate` for `duration`.
  static RateCurve constant(double rate, std::chrono::nanoseconds duration);

  double duration_s() const { return end_s_; }
  // The target at `t` (0 after the end).
  double at(double t) const;
  // ∫ from 0 to t of the curve.
  double cumulative(double t) const;
  // The first t with cumulative(t) == count, or nullopt when the curve never gets there.
  std::optional<double> time_of(double count) const;
  // Which stage `t` falls in (the last one for t at or after the end).
  std::size_t stage_at(double t) const;
  std::size_t stage_count() const { return segments_.size(); }
  // Each stage's span in seconds and its target at both ends.
  struct Span {
    double from_s, to_s, from_target, to_target;
  };
  std::vector<Span> spans() const;
  // Mean of the curve over [from, to].
  double mean(double from, double to) const;

 private:
  struct Segment {
    double from_s, to_s;       // span
    double from_v, to_v;       // target at each end
    double cumulative_before;  // ∫ up to from_s
  };
  std::vector<Segment> segments_;
  double end_s_ = 0;
};

enum class Arrivals { uniform, poisson };

// One event-loop thread's planned start times, in seconds since the executor started, in
// increasing order.
class ArrivalSchedule {
 public:
  // `thread` of `threads` (0-based); `seed` seeds the Poisson gaps (unused for uniform).
  // `phase` (in [0, 1)) shifts the uniform arrivals by that fraction of a count: a segment i of
  // n whose curve is 1/n of the whole run's uses (i - 1) / n, so the segments' arrivals
  // interleave into the whole run's. `stream` names the Poisson random stream (default: the
  // thread), distinct over every thread of every segment.
  ArrivalSchedule(const RateCurve& curve, Arrivals arrivals, int thread, int threads,
                  std::uint64_t seed, double phase = 0, std::int64_t stream = -1);
  // The next planned start, or nullopt once the curve has ended.
  std::optional<double> next();

 private:
  double exponential();  // an Exp(1) draw
  const RateCurve& curve_;
  Arrivals arrivals_;
  double share_;       // this thread's share of the rate
  double next_count_;  // cumulative count of the full curve at the next arrival
  double step_;        // uniform: the count between two of this thread's arrivals
  Random random_;
};

}  // namespace multitier
