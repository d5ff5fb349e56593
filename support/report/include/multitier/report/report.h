// What every reporter receives: the run's settings, the thresholds it was judged by, and one
// section per GoogleTest case with its own registry, time and verdicts. The suite fills a
// RunReport; reporters only read it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "multitier/common/duration.h"
#include "multitier/run/registry.h"
#include "multitier/run/run_config.h"
#include "multitier/workload/catalogue.h"

namespace multitier {

// How the run was configured, as the reports show it. Run-wide: what differs between the cases
// of one run (what they ran, their VUs and threads, their time) is in CaseReport.
struct RunSettings {
  std::string gateway;
  std::string corpus;
  std::string mode;     // "iterations" or "stress"
  int concurrency = 0;  // VUs asked for (--concurrency); each case states what it ran on
  double duration_s = 0;
  double warmup_s = 0;
  std::uint64_t seed = 0;
  int iterations = 0;
  std::vector<std::pair<Scenario, int>> weights;  // the mix's weights as configured
  double timeout_s = 0;
  double connect_timeout_s = 0;
  int threads = 0;                   // event-loop threads asked for (--threads; 0: the default)
  std::vector<std::string> headers;  // extra request headers, secret values already redacted
  std::string version;               // the suite's version
  std::string queries;               // the query pool (--queries): "generated" or "seed"
  std::string roster;       // whom drafts and proposals name (--roster): "seed" or "corpus"
  std::string roster_file;  // with roster "corpus": the corpus file the validators read; else empty
  double interval_s = 0;    // the time series' interval (0: no series)
  // The gateway process sampled for CPU and RSS (0: none, and footprint_note says why).
  int gateway_pid = 0;
  std::string footprint_note;
  std::string chart_js;  // the chart library report.html inlines
  // Which share of the load this process ran (--segment i/n, 1-based; 1/1: all of it), and
  // where that came from ("--segment", "MULTITIER_SEGMENT", "JOB_COMPLETION_INDEX",
  // "CI_NODE_INDEX"; empty for the default 1/1).
  int segment = 1;
  int segments = 1;
  std::string segment_source;
  bool allow_remote = false;  // --allow-remote: the loopback-only guard was lifted
  // --start-at (RFC 3339, UTC) when given, else empty; how late the measured phase began after
  // it (negative: never; 0 when no common start was set).
  std::string start_at;
  double start_late_s = 0;
};

struct Verdict {
  Scenario scenario = Scenario::cold_search_email;
  bool passed = true;
  // Empty when passed. Otherwise why, e.g. "12/40 failed (30.0%); most at playbook_record:
  // 12× http_status: status 500: {...}" and/or "p99 12.3ms over budget 10ms", or
  // "interrupted by a signal after 3.2 s of 10 s: the figures are partial".
  std::string reason;
};

// One GoogleTest case of the run: its own registry, time and verdicts. The mix's scenarios are
// rows of the mix case; a scenario run alone and in the mix are two cases, never one row.
struct CaseReport {
  std::string name;   // GoogleTest's full name: "Scenarios/Workflow.Passes/ColdSearchEmail"
  std::string label;  // "cold_search_email", or "mix"
  bool mix = false;
  std::vector<std::pair<Scenario, int>> weights;  // what the case ran: {{s, 1}} or the mix
  Registry registry;
  double wall_s = 0;  // this case's measured phase
  int vus = 0;        // virtual users it ran on (iterations mode: never more than runs)
  // How its starts were scheduled (stress mode); the open-model figures are in
  // registry.schedule().
  ExecutorSettings executor;
  bool stress = false;
  double warmup_s = 0;  // the executor's timeline began this long before the measured phase
  int threads = 0;      // event-loop threads it ran on
  // The segment count this case's figures are one share of (1: the whole run); the
  // arrival-rate executors' targets are divided by it, and --min-achieved-rate, a figure of the
  // whole run, is judged only when it is 1 (multitier-merge judges the merged run).
  int segments = 1;
  bool interrupted = false;
  double interrupted_after_s = 0;  // measured time of this case when the signal came
  // Why the case did not run at all ("the gateway at ... did not answer ...", "interrupted
  // before this case started"); empty when it ran.
  std::string error;
  // One per scenario of `weights` with weight > 0 and per scenario that ran, in
  // kAllScenarios order; set once by judge().
  std::vector<Verdict> verdicts;

  // Scenario runs per second of this case's own time (0 without time).
  double rate() const;
  // Open model: starts that began per second of the measured phase, and the curve's mean
  // target over it.
  double achieved_rate() const;
  double target_rate() const;
  // The executor's curve over this case's timeline (warm-up and measured phase).
  RateCurve curve() const;
  bool open() const { return stress && open_model(executor.kind); }
  // No error, not interrupted, at least one run, every verdict passed.
  bool passed() const;
};

struct RunReport {
  RunSettings settings;
  Thresholds thresholds;
  std::vector<CaseReport> cases;  // in the order they ran
  // When the run started (the JUnit timestamp); the epoch when unknown.
  std::chrono::system_clock::time_point started_at{};
  bool partial = false;        // the run stopped early; the numbers cover what ran
  std::string partial_reason;  // e.g. "interrupted by a signal after 12.3 s of 60 s per case"

  // At least one case, not partial, and every case passed.
  bool passed() const;
  // Sums over the cases.
  double wall_s() const;
  std::uint64_t total_runs() const;
  std::uint64_t total_failures() const;
};

// Every HTTP exchange of a registry together: the runs of its HTTP steps (not the in-process
// validator steps), their failures, and their latencies merged.
struct HttpTotals {
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
  LatencyHistogram latency;
};
HttpTotals http_totals(const Registry& registry);

// The gateway's footprint over a series: how many intervals were sampled, the mean of their
// CPU figures (% of one core) and the peak resident set size. samples == 0 when not sampled.
struct FootprintSummary {
  std::size_t samples = 0;
  double mean_cpu_percent = 0;
  double peak_cpu_percent = 0;
  std::uint64_t peak_rss_bytes = 0;
};
FootprintSummary footprint_summary(const TimeSeries& series);

// The settings the reports show for `config` (secret header values redacted).
RunSettings describe_settings(const RunConfig& config);

// Sets case.verdicts, once, from the case's registry: evaluate(), plus a failing verdict for a
// scenario of the case that never ran, and every verdict failing when the case was interrupted
// or could not run (the reason says which).
void judge(CaseReport& report, const Thresholds& thresholds, double planned_s);

// Judges every scenario that ran (zero-run scenarios get no verdict), in kAllScenarios order:
// it fails when failures/runs > max_failure_rate, or when its end-to-end p99 exceeds its
// budget. Pure: reads the registry only.
std::vector<Verdict> evaluate(const Registry& registry, const Thresholds& thresholds);

// "12/40 failed (30.0%); most at playbook_record: 12× http_status: status 500: {...}", or
// "0/40 failed (0.0%)" when nothing failed. Used by verdicts and by the reporters.
std::string describe_failures(const ScenarioStats& stats);

// A duration with its unit and three significant digits: "850ns", "850µs", "2.21ms", "1.20s".
// For measured figures; thresholds are shown exactly (format_duration_exact).
std::string format_duration(Nanos duration);

// Weights as --weights spells them: "cold_search_email=35,surge_fill_validate=15" (empty for
// none), in the given order.
std::string format_weights(const std::vector<std::pair<Scenario, int>>& weights);

// The shortest decimal text that reads back as exactly `value` ("0.05", "60", "1e-07"); for
// settings and thresholds, which the reports must show unrounded.
std::string format_shortest(double value);

// `value` with exactly `decimals` digits after the point ("30.0", "2.214").
std::string format_fixed(double value, int decimals);

// Milliseconds rounded to the microsecond, as the seed's JSON summary reports them.
double to_ms(Nanos duration);

}  // namespace multitier
