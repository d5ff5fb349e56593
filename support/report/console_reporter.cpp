// The seed's load report, for a terminal or report.txt: the run-wide settings, then one section
// per case with its own figures and the seed's tables (only those with something to say), then
// a summary whose last line is the run's result.
#include <algorithm>
#include <cmath>
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

void step_table(std::ostream& out, const Registry& registry) {
  out << "\n── step latency ──\n";
  latency_header(out, "scenario/step", 44, "fail");
  for (Scenario scenario : kAllScenarios) {
    const ScenarioStats& s = registry.stats(scenario);
    for (const StepStats& step : s.steps) {
      latency_row(out, std::string(to_string(scenario)) + "/" + step.name, 44, step.runs,
                  std::to_string(step.failures), step.latency);
    }
    if (s.steps_other > 0)
      out << "  " << to_string(scenario) << ": " << s.steps_other
          << " step results under further step names\n";
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
  out << "\nthresholds: max failure rate " << format_shortest(report.thresholds.max_failure_rate);
  for (const auto& [which, budget] : report.thresholds.p99_budget) {
    out << " · p99 " << to_string(which) << " ≤ " << format_duration_exact(budget);
  }
  out << '\n';
}

// "── <name> (<label>) ──", the case's own figures, its tables (or its error), its verdicts.
void case_section(std::ostream& out, const CaseReport& c) {
  const Registry& registry = c.registry;
  out << "\n── " << one_line(c.name) << " (" << one_line(c.label) << ") ──\n"
      << plural(registry.total_runs(), "run", "runs") << " in " << format_fixed(c.wall_s, 3)
      << " s (" << format_fixed(c.rate(), 1) << "/s) · "
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
    step_table(out, registry);
    failure_steps(out, registry);
    failure_categories(out, registry);
    validator_outcomes(out, registry);
    cache_ratio(out, registry);
    report_text::open_model_section(out, c);
  }
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
    for (const CaseReport& c : report.cases) case_section(out, c);
    summary(out, report);
  }
  std::string_view file_name() const override { return "report.txt"; }
};

}  // namespace

std::unique_ptr<Reporter> make_console_reporter() { return std::make_unique<ConsoleReporter>(); }

}  // namespace multitier
