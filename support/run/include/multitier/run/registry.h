// The run's statistics: what every ScenarioResult said, counted per scenario and per step.
// Records and answers queries only; it never formats or writes (reporters do).
//
// Threading: one Registry per thread, no locks inside. The runner merges the per-thread
// registries after joining the threads.
//
// The registry also holds the run's time series (series.h), recorded beside the totals.
//
// Memory is bounded whatever the run length: per scenario at most kMaxSteps distinct steps,
// kMaxFailedAt distinct failed_at names and kMaxErrorSamples distinct error samples are kept;
// anything beyond is added to an "other" counter.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "multitier/run/histogram.h"
#include "multitier/run/schedule_stats.h"
#include "multitier/run/series.h"
#include "multitier/workload/catalogue.h"

namespace multitier {

inline constexpr int kValidationCategoryCount = 4;

struct StepStats {
  std::string name;   // StepResult::step
  bool http = false;  // an HTTP exchange (false: an in-process validator step)
  std::uint64_t runs = 0;
  std::uint64_t failures = 0;  // steps whose failure kind was not none
  LatencyHistogram latency;
  friend bool operator==(const StepStats&, const StepStats&) = default;
};

struct NamedCount {
  std::string name;
  std::uint64_t count = 0;
  friend bool operator==(const NamedCount&, const NamedCount&) = default;
};

// One distinct error: where the workflow broke, why, and how often exactly this happened.
struct ErrorSample {
  std::string failed_at;
  FailureKind kind = FailureKind::none;
  std::string message;
  std::uint64_t count = 0;
  friend bool operator==(const ErrorSample&, const ErrorSample&) = default;
};

struct ScenarioStats {
  static constexpr std::size_t kMaxSteps = 16;
  static constexpr std::size_t kMaxFailedAt = 16;
  static constexpr std::size_t kMaxErrorSamples = 5;

  std::uint64_t runs = 0;
  std::uint64_t failures = 0;  // results with success == false
  // Indexed by FailureKind, counting failed results (a failed result with kind none counts
  // under none).
  std::array<std::uint64_t, kFailureKindCount> failure_kinds{};
  LatencyHistogram latency;  // end to end, every run
  // Steps in first-seen order; steps_other counts step results beyond kMaxSteps names.
  std::vector<StepStats> steps;
  std::uint64_t steps_other = 0;
  // failed_at names of failed results, first-seen order; failed_at_other beyond kMaxFailedAt.
  // A failed result with an empty failed_at is counted under the name "".
  std::vector<NamedCount> failed_at;
  std::uint64_t failed_at_other = 0;
  // The first kMaxErrorSamples distinct (failed_at, kind, message) of failed results;
  // errors_other counts failed results matching none of them once the samples are full.
  std::vector<ErrorSample> errors;
  std::uint64_t errors_other = 0;
  // Indexed by ValidationCategory, counting results that carried a validator outcome.
  std::array<std::uint64_t, kValidationCategoryCount> validator{};
  // repeat_cache's first_to_rest_ratio: sum and number of results that carried one.
  double ratio_sum = 0;
  std::uint64_t ratio_count = 0;
  // Open-model executors only (results that carry `waited`): end to end from the planned start
  // (corrected), and the first step from the actual (raw) and the planned start (corrected).
  LatencyHistogram corrected;
  LatencyHistogram first_step;
  LatencyHistogram first_step_corrected;

  double failure_rate() const { return runs ? static_cast<double>(failures) / runs : 0.0; }
  double ratio_mean() const { return ratio_count ? ratio_sum / ratio_count : 0.0; }
  std::uint64_t failure_kind(FailureKind kind) const {
    return failure_kinds[static_cast<std::size_t>(kind)];
  }
  std::uint64_t validator_count(ValidationCategory category) const {
    return validator[static_cast<std::size_t>(category)];
  }
  // The step with this name, or nullptr.
  const StepStats* step(std::string_view name) const;
  // How many failed results broke at `name` (0 when unknown).
  std::uint64_t failed_at_count(std::string_view name) const;
  // The failed_at name with the largest count (first seen wins ties); nullptr when none.
  const NamedCount* top_failed_at() const;
  // The error sample with the largest count among those that broke at `failed_at`, or among
  // all samples when no sample broke there; nullptr when there are no samples.
  const ErrorSample* top_error(std::string_view failed_at) const;

  friend bool operator==(const ScenarioStats&, const ScenarioStats&) = default;
};

class Registry {
 public:
  // Counts one result. Hot path: no lock, no I/O, and no allocation once the result's steps,
  // failed_at name and error have been seen before (a new one copies its name or message
  // once, until the bounds above are reached; after that nothing is allocated at all).
  void record(const ScenarioResult& result);
  // The same, and into the time series at wall-clock time `at` (when the series is enabled).
  void record(const ScenarioResult& result, WallNanos at) {
    record(result);
    series_.record(result, at);
  }

  // Adds `other` into this registry. The result equals recording all of other's results here
  // after this registry's own, except when more than kMaxErrorSamples distinct errors occur:
  // then the totals are still equal but which samples are kept may differ.
  void merge(const Registry& other);

  // Forgets everything.
  void clear();

  const ScenarioStats& stats(Scenario scenario) const {
    return scenarios_[static_cast<std::size_t>(scenario)];
  }
  // For restoring a registry from a result file.
  ScenarioStats& stats(Scenario scenario) { return scenarios_[static_cast<std::size_t>(scenario)]; }
  // Totals over all scenarios.
  std::uint64_t total_runs() const;
  std::uint64_t total_failures() const;
  // End-to-end latency of every scenario together (the scenarios' histograms merged).
  LatencyHistogram total_latency() const;

  // The open-model executors' planned, started, dropped and late starts.
  const ScheduleStats& schedule() const { return schedule_; }
  ScheduleStats& schedule() { return schedule_; }

  // The run over time (disabled unless the runner enabled it: TimeSeries(interval)).
  const TimeSeries& series() const { return series_; }
  TimeSeries& series() { return series_; }

  friend bool operator==(const Registry&, const Registry&) = default;

 private:
  std::array<ScenarioStats, kScenarioCount> scenarios_;
  ScheduleStats schedule_;
  TimeSeries series_;
};

}  // namespace multitier
