#include "multitier/report/report.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <type_traits>

namespace multitier {

// A run's cases live in a vector that grows as they end; each holds a registry of inline
// histograms, so a copy on growth would cost the whole run's figures again.
static_assert(std::is_nothrow_move_constructible_v<CaseReport>,
              "a run's cases must grow by moving, not copying");

namespace {

// Three significant digits for values in [1, 1000).
std::string three_digits(double value) {
  if (value >= 999.5) return format_fixed(value, 0);
  const int decimals = value < 9.995 ? 2 : value < 99.95 ? 1 : 0;
  return format_fixed(value, decimals);
}

}  // namespace

RunSettings describe_settings(const RunConfig& config) {
  const Options& o = config.options;
  RunSettings s;
  s.gateway = config.gateway;
  s.corpus = o.corpus;
  s.mode = o.stress ? "stress" : "iterations";
  s.concurrency = o.concurrency;
  s.threads = o.threads;
  s.duration_s = std::chrono::duration<double>(o.duration).count();
  s.warmup_s = std::chrono::duration<double>(o.warmup).count();
  s.seed = config.seed;
  s.iterations = o.iterations;
  s.weights = o.weights;
  s.timeout_s = std::chrono::duration<double>(o.timeout).count();
  s.connect_timeout_s = std::chrono::duration<double>(o.connect_timeout).count();
  s.headers = shown_headers(o);
  s.version = std::string(suite_version());
  s.queries = std::string(to_string(o.queries));
  s.roster = std::string(to_string(o.roster));
  if (o.roster == RosterSource::corpus) s.roster_file = o.roster_file;
  s.interval_s = std::chrono::duration<double>(o.interval).count();
  s.gateway_pid = config.gateway_pid;
  s.footprint_note = config.footprint_note;
  s.chart_js = o.chart_js;
  s.segment = o.segment.index;
  s.segments = o.segment.count;
  s.segment_source = o.segment_source;
  s.allow_remote = o.allow_remote;
  s.start_at = o.start_at_text;
  return s;
}

HttpTotals http_totals(const Registry& registry) {
  HttpTotals totals;
  for (Scenario scenario : kAllScenarios) {
    for (const StepStats& step : registry.stats(scenario).steps) {
      if (!step.http) continue;
      totals.requests += step.runs;
      totals.failures += step.failures;
      totals.latency.merge(step.latency);
    }
  }
  return totals;
}

FootprintSummary footprint_summary(const TimeSeries& series) {
  FootprintSummary summary;
  double cpu_sum = 0;
  for (const SeriesInterval& interval : series.intervals()) {
    if (interval.gateway_rss_bytes == 0 && std::isnan(interval.gateway_cpu_percent)) continue;
    summary.peak_rss_bytes = std::max(summary.peak_rss_bytes, interval.gateway_rss_bytes);
    if (std::isnan(interval.gateway_cpu_percent)) continue;
    ++summary.samples;
    cpu_sum += interval.gateway_cpu_percent;
    summary.peak_cpu_percent = std::max(summary.peak_cpu_percent, interval.gateway_cpu_percent);
  }
  if (summary.samples) summary.mean_cpu_percent = cpu_sum / static_cast<double>(summary.samples);
  return summary;
}

double CaseReport::rate() const {
  return wall_s > 0 ? static_cast<double>(registry.total_runs()) / wall_s : 0.0;
}

double CaseReport::achieved_rate() const {
  return wall_s > 0 ? static_cast<double>(registry.schedule().started) / wall_s : 0.0;
}

RateCurve CaseReport::curve() const {
  const auto timeline =
      std::chrono::duration_cast<Nanos>(std::chrono::duration<double>(warmup_s + wall_s));
  return executor_curve(segment_executor(executor, Segment{1, std::max(segments, 1)}), vus,
                        timeline);
}

double CaseReport::target_rate() const { return curve().mean(warmup_s, warmup_s + wall_s); }

bool CaseReport::passed() const {
  return error.empty() && !interrupted && registry.total_runs() > 0 && !verdicts.empty() &&
         std::all_of(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return v.passed; });
}

bool RunReport::passed() const {
  return !partial && !cases.empty() &&
         std::all_of(cases.begin(), cases.end(), [](const CaseReport& c) { return c.passed(); });
}

double RunReport::wall_s() const {
  double total = 0;
  for (const CaseReport& c : cases) total += c.wall_s;
  return total;
}

std::uint64_t RunReport::total_runs() const {
  std::uint64_t total = 0;
  for (const CaseReport& c : cases) total += c.registry.total_runs();
  return total;
}

std::uint64_t RunReport::total_failures() const {
  std::uint64_t total = 0;
  for (const CaseReport& c : cases) total += c.registry.total_failures();
  return total;
}

void judge(CaseReport& report, const Thresholds& thresholds, double planned_s) {
  std::vector<Verdict> verdicts = evaluate(report.registry, thresholds);
  // A case that completed nothing fails every scenario it was to run. (When it ran, a
  // low-weight scenario may draw no run in a short iterations sample: no figures, no verdict.)
  for (Scenario scenario : kAllScenarios) {
    if (report.registry.total_runs() > 0) break;
    const bool wanted =
        std::any_of(report.weights.begin(), report.weights.end(),
                    [&](const auto& w) { return w.first == scenario && w.second > 0; });
    const bool judged = std::any_of(verdicts.begin(), verdicts.end(),
                                    [&](const Verdict& v) { return v.scenario == scenario; });
    if (wanted && !judged) verdicts.push_back({scenario, false, "no run completed"});
  }
  std::sort(verdicts.begin(), verdicts.end(),
            [](const Verdict& a, const Verdict& b) { return a.scenario < b.scenario; });
  // The open model's own thresholds judge the case as a whole.
  std::string schedule_problem;
  const ScheduleStats& schedule = report.registry.schedule();
  if (report.open() && thresholds.max_dropped_rate >= 0 && schedule.planned > 0) {
    const double dropped =
        static_cast<double>(schedule.total_dropped()) / static_cast<double>(schedule.planned);
    if (dropped > thresholds.max_dropped_rate) {
      schedule_problem = std::to_string(schedule.total_dropped()) + "/" +
                         std::to_string(schedule.planned) + " planned starts dropped (" +
                         format_fixed(100 * dropped, 1) + "%), over --max-dropped-rate " +
                         format_fixed(100 * thresholds.max_dropped_rate, 1) + "%";
    }
  }
  // The rate the whole run must achieve is judged where the whole run is known: in a run of one
  // segment, and by multitier-merge over all of them (a segment alone says it is not judged).
  if (report.open() && report.segments <= 1 && thresholds.min_achieved_rate >= 0 &&
      report.achieved_rate() < thresholds.min_achieved_rate) {
    if (!schedule_problem.empty()) schedule_problem += "; ";
    schedule_problem += "achieved " + format_fixed(report.achieved_rate(), 1) +
                        " starts/s, below --min-achieved-rate " +
                        format_fixed(thresholds.min_achieved_rate, 1);
  }
  if (!schedule_problem.empty()) {
    for (Verdict& v : verdicts) {
      v.reason = v.passed ? schedule_problem : v.reason + "; " + schedule_problem;
      v.passed = false;
    }
  }
  std::string overriding = report.error;
  if (overriding.empty() && report.interrupted) {
    overriding =
        "interrupted by a signal after " + format_fixed(report.interrupted_after_s, 1) + " s";
    if (planned_s > 0) overriding += " of " + format_fixed(planned_s, 1) + " s";
    overriding += ": the figures are partial";
  }
  if (!overriding.empty()) {
    for (Verdict& v : verdicts) {
      v.reason = v.passed ? overriding : overriding + "; " + v.reason;
      v.passed = false;
    }
  }
  report.verdicts = std::move(verdicts);
}

std::string describe_failures(const ScenarioStats& stats) {
  std::string text = std::to_string(stats.failures) + "/" + std::to_string(stats.runs) +
                     " failed (" + format_fixed(100.0 * stats.failure_rate(), 1) + "%)";
  if (stats.failures == 0) return text;
  const NamedCount* at = stats.top_failed_at();
  const std::string_view at_name = at ? std::string_view(at->name) : std::string_view();
  const ErrorSample* error = stats.top_error(at_name);
  text += "; most at ";
  text += at_name.empty() ? std::string_view("(no step)") : at_name;
  text += ": ";
  if (error && error->failed_at == at_name) {
    text += std::to_string(error->count) + "× " + std::string(to_string(error->kind));
    if (!error->message.empty()) text += ": " + error->message;
  } else {
    text += std::to_string(at ? at->count : stats.failures) + "×";
    if (error) {
      text += " (e.g. " + std::string(to_string(error->kind)) + ": " + error->message + ")";
    }
  }
  return text;
}

std::vector<Verdict> evaluate(const Registry& registry, const Thresholds& thresholds) {
  std::vector<Verdict> verdicts;
  for (Scenario scenario : kAllScenarios) {
    const ScenarioStats& stats = registry.stats(scenario);
    if (stats.runs == 0) continue;
    Verdict verdict{scenario, true, {}};
    if (stats.failure_rate() > thresholds.max_failure_rate) {
      verdict.passed = false;
      verdict.reason = describe_failures(stats);
    }
    if (auto budget = thresholds.p99_budget.find(scenario); budget != thresholds.p99_budget.end()) {
      const Nanos p99 = stats.latency.percentile(0.99);
      if (p99 > budget->second) {
        if (!verdict.passed) verdict.reason += "; ";
        verdict.passed = false;
        verdict.reason +=
            "p99 " + format_duration(p99) + " over budget " + format_duration_exact(budget->second);
      }
    }
    verdicts.push_back(std::move(verdict));
  }
  return verdicts;
}

std::string format_duration(Nanos duration) {
  const double ns = static_cast<double>(duration.count());
  const double magnitude = std::fabs(ns);
  // Appended piece by piece: GCC 12 reports a false -Wrestrict on `const char* + std::string&&`.
  std::string text = ns < 0 ? "-" : "";
  if (magnitude < 999.5) {
    text += format_fixed(magnitude, 0);
    text += "ns";
  } else if (magnitude < 999.5e3) {
    text += three_digits(magnitude / 1e3);
    text += "µs";
  } else if (magnitude < 999.5e6) {
    text += three_digits(magnitude / 1e6);
    text += "ms";
  } else {
    text += three_digits(magnitude / 1e9);
    text += "s";
  }
  return text;
}

std::string format_weights(const std::vector<std::pair<Scenario, int>>& weights) {
  std::string text;
  for (const auto& [which, weight] : weights) {
    if (!text.empty()) text += ",";
    text += to_string(which);
    text += "=";
    text += std::to_string(weight);
  }
  return text;
}

std::string format_shortest(double value) {
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::general);
  return std::string(buffer, result.ptr);
}

std::string format_fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

double to_ms(Nanos duration) {
  return std::round(static_cast<double>(duration.count()) / 1e3) / 1e3;
}

}  // namespace multitier
