// The seed's load report, for a terminal or report.txt: the run-wide settings, then one section
// per case with its own figures and the seed's tables (only those with something to say), then
// a summary whose last line is the run's result.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>
#include <string>

#include "multitier/common/utf8.h"
#include "multitier/report/reporter.h"
#include "open_model_text.h"

namespace multitier {

namespace {

// Pads to `width` display columns (UTF-8 aware, so "µs" counts as two columns, not three).
std::string pad(std::string_view text, std::size_t width, bool right_align) {
  const auto columns = static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !utf8::is_continuation(c); }));
  const std::string fill(columns < width ? width - columns : 0, ' ');
  return right_align ? fill + std::string(text) : std::string(text) + fill;
}

// Gateway text on one line with no control characters.
std::string one_line(std::string_view text) {
  std::string out = clean_text(text, TextTarget::xml);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

void latency_row(std::ostream& out, std::string_view name, std::size_t name_width,
                 std::uint64_t runs, const std::string& fail, const LatencyHistogram& h) {
  out << pad(name, name_width, false) << pad(std::to_string(runs), 9, true) << pad(fail, 8, true);
  for (double q : {0.50, 0.95, 0.99}) out << pad(format_duration(h.percentile(q)), 10, true);
  out << pad(format_duration(h.max()), 10, true) << '\n';
}

void latency_header(std::ostream& out, std::string_view first, std::size_t width,
                    std::string_view fail) {
  out << pad(first, width, false) << pad("runs", 9, true) << pad(fail, 8, true);
  for (std::string_view column : {"p50", "p95", "p99", "max"}) out << pad(column, 10, true);
  out << '\n';
}

void scenario_table(std::ostream& out, const Registry& registry) {
  out << '\n';
  latency_header(out, "scenario", 26, "fail%");
  for (Scenario scenario : kAllScenarios) {
    const ScenarioStats& s = registry.stats(scenario);
    if (s.runs == 0) continue;
    latency_row(out, to_string(scenario), 26, s.runs,
                format_fixed(100.0 * s.failure_rate(), 1) + "%", s.latency);
  }
}

// Percentiles of a request table: the tail matters more per request than per scenario.
void request_header(std::ostream& out, std::string_view first, std::size_t width) {
  out << pad(first, width, false) << pad("requests", 10, true) << pad("req/s", 10, true)
      << pad("fail", 7, true);
  for (std::string_view column : {"p50", "p95", "p99", "p99.9", "min", "max"}) {
    out << pad(column, 10, true);
  }
  out << '\n';
}

void request_row(std::ostream& out, std::string_view name, std::size_t width, std::uint64_t runs,
                 std::uint64_t failures, const LatencyHistogram& h, double wall_s) {
  out << pad(name, width, false) << pad(std::to_string(runs), 10, true)
      << pad(format_fixed(wall_s > 0 ? static_cast<double>(runs) / wall_s : 0.0, 1), 10, true)
      << pad(std::to_string(failures), 7, true);
  for (double q : {0.50, 0.95, 0.99, 0.999}) out << pad(format_duration(h.percentile(q)), 10, true);
  out << pad(format_duration(h.min()), 10, true) << pad(format_duration(h.max()), 10, true) << '\n';
}

// HTTP exchanges first (what the gateway served), then the in-process validator steps apart:
// they cost the suite's CPU, not the gateway's.
void step_tables(std::ostream& out, const Registry& registry, double wall_s) {
  out << "\n── HTTP requests ──\n";
  request_header(out, "scenario/step", 44);
  for (Scenario scenario : kAllScenarios) {
    const ScenarioStats& s = registry.stats(scenario);
    for (const StepStats& step : s.steps) {
      if (!step.http) continue;
      request_row(out, std::string(to_string(scenario)) + "/" + step.name, 44, step.runs,
                  step.failures, step.latency, wall_s);
    }
  }
  const HttpTotals http = http_totals(registry);
  request_row(out, "all HTTP requests", 44, http.requests, http.failures, http.latency, wall_s);

  std::string validators;
  for (Scenario scenario : kAllScenarios) {
    for (const StepStats& step : registry.stats(scenario).steps) {
      if (step.http) continue;
      std::ostringstream row;
      latency_row(row, std::string(to_string(scenario)) + "/" + step.name, 44, step.runs,
                  std::to_string(step.failures), step.latency);
      validators += row.str();
    }
  }
  if (!validators.empty()) {
    out << "\n── validator steps (in process, no request) ──\n";
    latency_header(out, "scenario/step", 44, "fail");
    out << validators;
  }
  for (Scenario scenario : kAllScenarios) {
    const ScenarioStats& s = registry.stats(scenario);
    if (s.steps_other > 0)
      out << "  " << to_string(scenario) << ": " << s.steps_other
          << " step results under further step names\n";
  }
}

std::string megabytes(std::uint64_t bytes) {
  return format_fixed(static_cast<double>(bytes) / (1024.0 * 1024.0), 1) + " MB";
}

// The run over time, in brief (timeseries.csv, metrics.om and report.html hold every interval):
// the swing of the per-interval rate and p99, and the gateway's footprint.
void over_time(std::ostream& out, const CaseReport& c, const RunSettings& settings) {
  const TimeSeries& series = c.registry.series();
  if (!series.enabled()) return;
  out << "\n── over time ──\n";
  double low = -1, high = 0, worst_p99 = 0;
  double worst_from_s = 0;  // the worst interval's start, in seconds of the measured phase
  const double interval_s = std::chrono::duration<double>(series.interval()).count();
  std::size_t whole = 0;
  for (const SeriesInterval& interval : series.intervals()) {
    const double covered = series.covered_s(interval.index);
    // Partial intervals (the first and last) would show a dip that is only the clock.
    if (covered + 1e-9 < interval_s) continue;
    ++whole;
    const double rate = static_cast<double>(interval.completions()) / covered;
    low = low < 0 ? rate : std::min(low, rate);
    high = std::max(high, rate);
    const double p99 = static_cast<double>(interval.total_latency().percentile(0.99).count());
    if (p99 > worst_p99) {
      worst_p99 = p99;
      worst_from_s =
          static_cast<double>(interval.index * series.interval().count() - series.begin) / 1e9;
    }
  }
  out << "  " << whole << " whole intervals of " << format_duration_exact(series.interval());
  if (whole > 0) {
    out << ": scenarios/s from " << format_fixed(low, 1) << " to " << format_fixed(high, 1)
        << "; worst p99 " << format_duration(Nanos(static_cast<std::int64_t>(worst_p99))) << " at "
        << format_fixed(worst_from_s, 0) << "–" << format_fixed(worst_from_s + interval_s, 0)
        << " s";
  }
  out << "\n  per-interval percentiles (timeseries.csv, metrics.om, report.html) are within "
      << format_fixed(100 * IntervalHistogram::kMaxRelativeError, 1)
      << " %; the tables above within "
      << format_fixed(100 * LatencyHistogram::kMaxRelativeError, 2) << " %\n";
  const FootprintSummary footprint = footprint_summary(series);
  if (footprint.samples > 0) {
    out << "  gateway (pid " << settings.gateway_pid << "): peak RSS "
        << megabytes(footprint.peak_rss_bytes) << ", mean CPU "
        << format_fixed(footprint.mean_cpu_percent, 1) << " % of one core (peak "
        << format_fixed(footprint.peak_cpu_percent, 1) << " %), over " << footprint.samples
        << " sampled intervals\n";
  } else if (settings.gateway_pid > 0) {
    out << "  gateway (pid " << settings.gateway_pid << "): no interval was sampled\n";
  } else {
    out << "  gateway footprint not sampled: " << one_line(settings.footprint_note) << '\n';
  }
}

void failure_steps(std::ostream& out, const Registry& registry) {
  if (registry.total_failures() == 0) return;
  out << "\n── failure-step breakdown ──\n";
  for (Scenario scenario : kAllScenarios) {
    const ScenarioStats& s = registry.stats(scenario);
    if (s.failures == 0) continue;
    out << "  " << to_string(scenario) << ":\n";
    for (const NamedCount& at : s.failed_at) {
      out << "    " << (at.name.empty() ? "(no step)" : at.name) << ": " << at.count << '\n';
    }
    if (s.failed_at_other > 0) out << "    (other): " << s.failed_at_other << '\n';
  }
}

void failure_categories(std::ostream& out, const Registry& registry) {
  if (registry.total_failures() == 0) return;
  out << "\n── failure categories ──\n";
  std::uint64_t beyond_samples = 0;
  for (Scenario scenario : kAllScenarios) beyond_samples += registry.stats(scenario).errors_other;
  for (int k = 0; k < kFailureKindCount; ++k) {
    const auto kind = static_cast<FailureKind>(k);
    std::uint64_t total = 0;
    for (Scenario scenario : kAllScenarios) total += registry.stats(scenario).failure_kind(kind);
    if (total == 0) continue;
    out << "  " << pad(to_string(kind), 14, false) << total << '\n';
    for (Scenario scenario : kAllScenarios) {
      for (const ErrorSample& e : registry.stats(scenario).errors) {
        if (e.kind != kind) continue;
        out << "      " << e.count << "× " << to_string(scenario) << " at "
            << (e.failed_at.empty() ? "(no step)" : e.failed_at) << ": " << one_line(e.message)
            << '\n';
      }
    }
  }
  if (beyond_samples > 0) {
    out << "  (" << beyond_samples << " further failures differ from the samples shown)\n";
  }
}

void validator_outcomes(std::ostream& out, const Registry& registry) {
  std::string lines;
  for (Scenario scenario : kAllScenarios) {
    const ScenarioStats& s = registry.stats(scenario);
    std::string parts;
    for (int c = 0; c < kValidationCategoryCount; ++c) {
      if (s.validator[c] == 0) continue;
      if (!parts.empty()) parts += " · ";
      parts += std::string(to_string(static_cast<ValidationCategory>(c))) + "=" +
               std::to_string(s.validator[c]);
    }
    if (!parts.empty()) lines += "  " + pad(to_string(scenario), 26, false) + parts + '\n';
  }
  if (!lines.empty()) out << "\n── validator outcomes ──\n" << lines;
}

void cache_ratio(std::ostream& out, const Registry& registry) {
  const ScenarioStats& s = registry.stats(Scenario::repeat_cache);
  if (s.ratio_count == 0) return;
  out << "\n── repeat_cache first-vs-rest ──\n"
      << "  first search / mean of the rest: " << format_fixed(s.ratio_mean(), 2) << "× (mean over "
      << s.ratio_count << " runs)\n";
}

// A setting in seconds as the options spell durations ("60s", "1m", "200us").
std::string seconds(double value) {
  if (!std::isfinite(value) || std::fabs(value) > 1e9) return format_shortest(value) + "s";
  return format_duration_exact(Nanos(std::llround(value * 1e9)));
}

std::string plural(std::uint64_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

void header(std::ostream& out, const RunReport& report) {
  const RunSettings& s = report.settings;
  out << "\n══ multitier load report ══\n"
      << "multitier " << one_line(s.version) << " · gateway " << one_line(s.gateway) << " · corpus "
      << one_line(s.corpus) << " · mode " << one_line(s.mode) << " · seed " << s.seed << '\n'
      << "queries " << one_line(s.queries) << " · roster " << one_line(s.roster)
      << (s.roster_file.empty() ? std::string() : " (" + one_line(s.roster_file) + ")") << '\n';
  if (s.mode == "iterations") {
    out << s.iterations << " iterations per case";
  } else {
    out << seconds(s.duration_s) << " per case (warmup " << seconds(s.warmup_s) << ")";
  }
  out << " · concurrency " << s.concurrency << " · threads "
      << (s.threads > 0 ? std::to_string(s.threads) : std::string("default")) << " · timeout "
      << seconds(s.timeout_s) << " · connect timeout " << seconds(s.connect_timeout_s);
  if (!s.weights.empty()) out << " · weights " << format_weights(s.weights);
  for (std::size_t i = 0; i < s.headers.size(); ++i) {
    out << (i == 0 ? " · headers: " : "; ") << one_line(s.headers[i]);
  }
  if (s.segments > 1 || s.allow_remote || !s.start_at.empty()) {
    std::string line;
    if (s.segments > 1) {
      line += "segment " + std::to_string(s.segment) + "/" + std::to_string(s.segments) +
              " (from " + one_line(s.segment_source) + "): these figures are one share of the run";
    }
    if (s.allow_remote)
      line += std::string(line.empty() ? "" : " · ") +
              "--allow-remote: targets off this machine allowed";
    if (!s.start_at.empty()) {
      line += std::string(line.empty() ? "" : " · ") + "start at " + one_line(s.start_at);
      line += s.start_late_s > 0.001 ? " (began " + format_fixed(s.start_late_s, 3) + " s late)"
                                     : " (began on time)";
    }
    out << '\n' << line;
  }
  out << "\nthresholds: max failure rate " << format_shortest(report.thresholds.max_failure_rate);
  for (const auto& [which, budget] : report.thresholds.p99_budget) {
    out << " · p99 " << to_string(which) << " ≤ " << format_duration_exact(budget);
  }
  if (report.thresholds.max_dropped_rate >= 0) {
    out << " · max dropped rate " << format_shortest(report.thresholds.max_dropped_rate);
  }
  if (report.thresholds.min_achieved_rate >= 0) {
    out << " · min achieved rate " << format_shortest(report.thresholds.min_achieved_rate)
        << " starts/s";
    if (s.segments > 1) out << " (a figure of the whole run: judged by multitier-merge)";
  }
  out << '\n';
}

// "── <name> (<label>) ──", the case's own figures, its tables (or its error), its verdicts.
void case_section(std::ostream& out, const CaseReport& c, const RunSettings& settings) {
  const Registry& registry = c.registry;
  out << "\n── " << one_line(c.name) << " (" << one_line(c.label) << ") ──\n"
      << plural(registry.total_runs(), "run", "runs") << " in " << format_fixed(c.wall_s, 3)
      << " s (" << format_fixed(c.rate(), 1) << "/s) · ";
  const std::uint64_t requests = http_totals(registry).requests;
  out << plural(requests, "HTTP request", "HTTP requests") << " ("
      << format_fixed(c.wall_s > 0 ? static_cast<double>(requests) / c.wall_s : 0.0, 1) << "/s) · "
      << plural(static_cast<std::uint64_t>(std::max(c.vus, 0)), "VU", "VUs") << " on "
      << plural(static_cast<std::uint64_t>(std::max(c.threads, 0)), "thread", "threads");
  if (c.mix) out << " · weights " << format_weights(c.weights);
  out << '\n';
  if (c.interrupted) {
    out << "INTERRUPTED after " << format_fixed(c.interrupted_after_s, 1)
        << " s: the figures are partial\n";
  }
  if (!c.error.empty()) {
    out << "error: " << one_line(c.error) << '\n';
  } else if (registry.total_runs() > 0) {
    scenario_table(out, registry);
    step_tables(out, registry, c.wall_s);
    failure_steps(out, registry);
    failure_categories(out, registry);
    validator_outcomes(out, registry);
    cache_ratio(out, registry);
    report_text::open_model_section(out, c);
  }
  if (c.error.empty()) over_time(out, c, settings);
  out << "\n── verdicts ──\n";
  for (const Verdict& v : c.verdicts) {
    out << "  " << (v.passed ? "PASS " : "FAIL ") << to_string(v.scenario);
    if (!v.reason.empty()) out << ": " << one_line(v.reason);
    out << '\n';
  }
  if (c.verdicts.empty()) out << "  (no scenario was judged)\n";
  out << "  case " << (c.passed() ? "PASSED" : "FAILED") << '\n';
}

void partial_banner(std::ostream& out, const RunReport& report) {
  if (!report.partial) return;
  out << "\n!!!!!!!! PARTIAL REPORT: " << one_line(report.partial_reason) << " !!!!!!!!\n";
}

// One line per case, then the overall result as the very last line: "PASSED" only when
// report.passed(), so a partial or interrupted run never ends green.
void summary(std::ostream& out, const RunReport& report) {
  std::uint64_t passed = 0;
  for (const CaseReport& c : report.cases) passed += c.passed() ? 1 : 0;
  out << "\n══ " << plural(report.cases.size(), "case", "cases") << ": " << passed << " passed, "
      << report.cases.size() - passed << " failed · " << plural(report.total_runs(), "run", "runs")
      << " in " << format_fixed(report.wall_s(), 3) << " s ══\n";
  for (const CaseReport& c : report.cases) {
    out << "  " << (c.passed() ? "PASS " : "FAIL ") << one_line(c.name) << " (" << one_line(c.label)
        << ")\n";
  }
  partial_banner(out, report);
  if (report.passed()) {
    out << "PASSED\n";
  } else if (report.partial) {
    out << "FAILED (partial: " << one_line(report.partial_reason) << ")\n";
  } else {
    out << "FAILED\n";
  }
}

class ConsoleReporter final : public Reporter {
 public:
  void write(const RunReport& report, std::ostream& out) const override {
    partial_banner(out, report);
    header(out, report);
    if (report.cases.empty()) out << "\nno case ran\n";
    for (const CaseReport& c : report.cases) case_section(out, c, report.settings);
    summary(out, report);
  }
  std::string_view file_name() const override { return "report.txt"; }
};

}  // namespace

std::unique_ptr<Reporter> make_console_reporter() { return std::make_unique<ConsoleReporter>(); }

}  // namespace multitier
