// What every reporter receives: the run's settings, the thresholds it was judged by, the merged
// registry and the verdict per scenario. The runner fills a RunReport; reporters only read it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "support/registry.h"
#include "support/scenario_result.h"

namespace multitier {

// How the run was configured, as the reports show it.
struct RunSettings {
  std::string gateway;
  std::string corpus;
  std::string mode;  // "iterations" or "stress"
  int concurrency = 0;
  double duration_s = 0;
  double warmup_s = 0;
  std::uint64_t seed = 0;
  int iterations = 0;
  std::vector<std::pair<Scenario, int>> weights;  // empty unless mix
  bool mix = false;
  double timeout_s = 0;
  int threads = 0;  // event-loop threads the workers ran on
};

// What makes a scenario fail the run.
struct Thresholds {
  double max_failure_rate = 0.0;         // failures/runs above this fails the scenario
  std::map<Scenario, Nanos> p99_budget;  // optional end-to-end p99 budget per scenario
};

struct Verdict {
  Scenario scenario = Scenario::cold_search_email;
  bool passed = true;
  // Empty when passed. Otherwise why, e.g. "12/40 failed (30.0%); most at playbook_record:
  // 12× http_status: status 500: {...}" and/or "p99 12.3ms over budget 10.0ms".
  std::string reason;
};

struct RunReport {
  RunSettings settings;
  Thresholds thresholds;
  const Registry* registry = nullptr;  // the merged registry; never null when reported
  double wall_s = 0;                   // measured wall time of the load phase
  // When the run started (the JUnit timestamp); the epoch when unknown.
  std::chrono::system_clock::time_point started_at{};
  bool partial = false;           // the run stopped early; the numbers cover what ran
  std::string partial_reason;     // e.g. "interrupted by SIGINT at 12.3 s of 60 s"
  std::vector<Verdict> verdicts;  // usually evaluate(*registry, thresholds)

  // True when there is at least one verdict and every verdict passed. A run with no scenario
  // runs does not pass. Partial runs are judged on what ran; callers decide what partial means.
  bool passed() const;
};

// Judges every scenario that ran (zero-run scenarios get no verdict), in kAllScenarios order:
// it fails when failures/runs > max_failure_rate, or when its end-to-end p99 exceeds its
// budget. Pure: reads the registry only.
std::vector<Verdict> evaluate(const Registry& registry, const Thresholds& thresholds);

// "12/40 failed (30.0%); most at playbook_record: 12× http_status: status 500: {...}", or
// "0/40 failed (0.0%)" when nothing failed. Used by verdicts and by the reporters.
std::string describe_failures(const ScenarioStats& stats);

// A duration with its unit and three significant digits: "850ns", "850µs", "2.21ms", "1.20s".
std::string format_duration(Nanos duration);

// `value` with exactly `decimals` digits after the point ("30.0", "2.214").
std::string format_fixed(double value, int decimals);

// Milliseconds rounded to the microsecond, as the seed's JSON summary reports them.
double to_ms(Nanos duration);

}  // namespace multitier
