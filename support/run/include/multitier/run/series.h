// The run over time: per-interval figures kept beside the registry's totals, in the registry's
// spirit (one per thread, no lock, no I/O, merged after join).
//
// Intervals are keyed by wall-clock time: interval i covers [i * interval, (i + 1) * interval)
// of the Unix epoch, so the series of runs on several machines line up and merge by index.
//
// Memory is bounded by the run's length, not its request count. Each interval keeps counters
// and, per scenario and per step, a latency histogram on a coarser copy of LatencyHistogram's
// axis (kCoarsen of its bins per bin: 500 bins of ratio ≈ 1.032 over [10 µs, 60 s)), stored
// sparse: only the bins that counted something, as varint (index delta, count) pairs. A
// per-interval percentile therefore lies within kMaxRelativeError (≈ 3.2 %) of the exact one,
// while the run's overall figures keep LatencyHistogram's finer resolution (< 1 %). Count,
// sum, min and max stay exact per interval. docs/performance.md measures the bytes per
// interval; at 20k requests/s one hour stays far below 32 MB.
//
// Hot path: record() writes into the open interval's dense working histograms (no allocation
// once its scenarios and steps have been seen); an interval is compacted when the thread's
// clock passes its end (roll()).
#pragma once

#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "multitier/run/histogram.h"
#include "multitier/workload/catalogue.h"

namespace multitier {

// Nanoseconds since the Unix epoch: the series' one clock.
using WallNanos = std::int64_t;

// A latency histogram of one interval: LatencyHistogram's axis coarsened and stored sparse.
class IntervalHistogram {
 public:
  static constexpr int kCoarsen = 4;
  static constexpr int kBins = LatencyHistogram::kBins / kCoarsen;  // plus underflow, overflow
  // Upper bound of |reported - exact| / exact for a percentile inside [10 µs, 60 s).
  static const double kMaxRelativeError;

  IntervalHistogram() = default;
  // The samples of `fine`, coarsened.
  static IntervalHistogram from(const LatencyHistogram& fine);

  std::uint64_t count() const noexcept { return count_; }
  Nanos min() const noexcept { return Nanos{count_ ? min_ns_ : 0}; }
  Nanos max() const noexcept { return Nanos{count_ ? max_ns_ : 0}; }
  Nanos sum() const noexcept { return Nanos{static_cast<std::int64_t>(sum_ns_)}; }
  Nanos mean() const noexcept;
  // Nearest-rank q-quantile, as LatencyHistogram::percentile, at this histogram's resolution.
  Nanos percentile(double q) const;
  void merge(const IntervalHistogram& other);

  // Coarse bin `index` (-1: below 10 µs, kBins: at or above 60 s) and its count, for every bin
  // that counted something, in increasing order. For exporters and result files.
  struct Bin {
    int index;
    std::uint64_t count;
  };
  std::vector<Bin> bins() const;
  // Lower edge of coarse bin `index` (0 for the underflow bin) and upper edge (+inf for the
  // overflow bin), in nanoseconds.
  static double lower_edge_ns(int index);
  static double upper_edge_ns(int index);
  // Rebuilds a histogram from its parts (bins as bins() gives them); for result files.
  static IntervalHistogram from_parts(const std::vector<Bin>& bins, std::uint64_t sum_ns,
                                      std::int64_t min_ns, std::int64_t max_ns);

  // Heap bytes held (the encoded bins), for the memory figures.
  std::size_t heap_bytes() const { return encoded_.capacity(); }

  friend bool operator==(const IntervalHistogram&, const IntervalHistogram&) = default;

 private:
  using Dense = std::array<std::uint64_t, kBins + 2>;  // [0]: underflow ... [kBins+1]: overflow
  void decode(Dense& into) const;
  void encode(const Dense& from);

  std::uint64_t count_ = 0;
  std::uint64_t sum_ns_ = 0;
  std::int64_t min_ns_ = 0;
  std::int64_t max_ns_ = 0;
  std::vector<std::uint8_t> encoded_;
};

// One scenario in one interval.
struct ScenarioPoint {
  std::uint64_t starts = 0;       // scenario runs that began in the interval
  std::uint64_t completions = 0;  // ended in the interval (their latency is below)
  std::uint64_t failures = 0;     // of those, failed
  std::array<std::uint64_t, kFailureKindCount> failure_kinds{};  // failed, by FailureKind
  std::uint64_t dropped = 0;    // open model: starts of this scenario dropped in the interval
  IntervalHistogram latency;    // end to end, completions of the interval
  IntervalHistogram corrected;  // open model: end to end from the planned start
  friend bool operator==(const ScenarioPoint&, const ScenarioPoint&) = default;
};

// One step of one scenario in one interval.
struct StepPoint {
  Scenario scenario = Scenario::cold_search_email;
  std::uint16_t name = 0;  // index into TimeSeries::step_names()
  bool http = true;        // an HTTP call (false: an in-process validator)
  std::uint64_t runs = 0;
  std::uint64_t failures = 0;
  IntervalHistogram latency;
  friend bool operator==(const StepPoint&, const StepPoint&) = default;
};

struct SeriesInterval {
  std::int64_t index = 0;  // covers [index * interval, (index + 1) * interval) of the epoch
  std::array<ScenarioPoint, kScenarioCount> scenarios;
  std::vector<StepPoint> steps;  // steps that ran in the interval, first-seen order
  // Open model: starts planned, begun on a VU, begun more than ScheduleStats::kLate late.
  std::uint64_t planned = 0;
  std::uint64_t started = 0;
  std::uint64_t late = 0;
  // Sum of the latencies of the interval's completions: divided by the interval's length it
  // is the mean number of busy VUs (additive over threads and machines).
  std::uint64_t busy_ns = 0;
  // The executor's target over the interval: starts/s for the arrival-rate executors, VUs for
  // ramping-vus and constant-vus; NaN when unknown. Filled by the runner, summed by merges.
  double target = std::numeric_limits<double>::quiet_NaN();
  // The gateway's footprint, when it was sampled in this interval: CPU in % of one core over
  // the interval, resident set size in bytes. NaN / 0 when not sampled.
  double gateway_cpu_percent = std::numeric_limits<double>::quiet_NaN();
  std::uint64_t gateway_rss_bytes = 0;

  std::uint64_t completions() const;
  std::uint64_t failures() const;
  std::uint64_t dropped() const;
  // HTTP requests (runs of HTTP steps) and those that failed.
  std::uint64_t requests() const;
  std::uint64_t request_failures() const;
  // End to end over every scenario; every HTTP step together.
  IntervalHistogram total_latency() const;
  IntervalHistogram http_latency() const;
  bool empty() const;
  friend bool operator==(const SeriesInterval& a, const SeriesInterval& b);
};

class TimeSeries {
 public:
  // A disabled series (interval 0): record() does nothing, intervals() is empty.
  TimeSeries() = default;
  explicit TimeSeries(Nanos interval);

  bool enabled() const { return interval_.count() > 0; }
  Nanos interval() const { return interval_; }

  // Hot path, called by the registry's owner thread with a non-decreasing `at`.
  void record(const ScenarioResult& result, WallNanos at);
  void count_start(Scenario scenario, WallNanos at);
  void count_planned(WallNanos at);
  void count_started(Nanos lateness, WallNanos at);
  void count_dropped(Scenario scenario, WallNanos at);
  // Compacts the open interval when `now` is past its end (a thread calls it on its ticks, so
  // an interval is closed soon after it ends even when nothing more is recorded).
  void roll(WallNanos now);
  // The index of the interval that holds `at`.
  std::int64_t index_of(WallNanos at) const;
  // Compacts the open interval, whatever the time (the run is over).
  void finish();

  // Closed intervals, increasing index, only those in which something happened (merge and
  // reporters treat a missing index as an interval with nothing in it).
  const std::vector<SeriesInterval>& intervals() const { return closed_; }
  std::vector<SeriesInterval>& intervals() { return closed_; }
  // Names of the steps, indexed by StepPoint::name.
  const std::vector<std::string>& step_names() const { return step_names_; }
  std::uint16_t step_id(std::string_view name);

  // The measured phase in wall-clock time (set by the runner; merges take the union).
  WallNanos begin = 0;
  WallNanos end = 0;
  // Seconds of [begin, end) that fall inside interval `index` (the first and last intervals
  // of a run are usually partial; rates divide by this).
  double covered_s(std::int64_t index) const;

  // Adds `other` interval by interval. Both must have the same interval length (or one be
  // disabled); throws std::invalid_argument otherwise.
  void merge(const TimeSeries& other);
  // A series of the same interval length holding only interval `index` (when present) and the
  // step names; for publishing one interval.
  TimeSeries slice(std::int64_t index) const;
  // The interval with this index, or nullptr.
  const SeriesInterval* find(std::int64_t index) const;
  SeriesInterval& at_index(std::int64_t index);  // created (in order) when absent
  // Makes every interval of [first, last] present (in one pass), so a timeline has no holes.
  void fill(std::int64_t first, std::int64_t last);

  // Bytes the closed intervals hold, heap included: the series' memory figure.
  std::size_t memory_bytes() const;

  friend bool operator==(const TimeSeries& a, const TimeSeries& b);

 private:
  // The open interval: dense working histograms, compacted by close().
  struct OpenStep {
    Scenario scenario;
    std::string_view name;  // static literal from the scenario
    std::uint16_t id;
    bool http;
    std::uint64_t runs = 0;
    std::uint64_t failures = 0;
    bool used = false;  // ran in the open interval
    LatencyHistogram latency;
  };
  struct OpenScenario {
    LatencyHistogram latency;
    LatencyHistogram corrected;
  };
  void open_at(WallNanos at);
  void close();
  // The open step of this name, created on first sight; nullptr beyond kMaxOpenSteps names.
  OpenStep* open_step(Scenario scenario, std::string_view name, bool http);
  static constexpr std::size_t kMaxOpenSteps = 16 * kScenarioCount;

  Nanos interval_{0};
  std::vector<SeriesInterval> closed_;
  std::vector<std::string> step_names_;
  // Open interval state: counters live in open_, histograms in the dense working copies.
  bool open_active_ = false;
  SeriesInterval open_;
  std::vector<OpenScenario> open_scenarios_;  // kScenarioCount once used
  std::vector<OpenStep> open_steps_;
};

// Seconds since the epoch of a steady-clock time, through one fixed offset taken when the
// clock is created (so every thread of a run maps times the same way).
class WallClock {
 public:
  WallClock();
  WallNanos at(std::chrono::steady_clock::time_point t) const {
    return offset_ + std::chrono::duration_cast<Nanos>(t.time_since_epoch()).count();
  }
  WallNanos now() const { return at(std::chrono::steady_clock::now()); }

 private:
  WallNanos offset_ = 0;
};

}  // namespace multitier
