#include "support/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace multitier {

namespace {

// Three significant digits for values in [1, 1000).
std::string three_digits(double value) {
  if (value >= 999.5) return format_fixed(value, 0);
  const int decimals = value < 9.995 ? 2 : value < 99.95 ? 1 : 0;
  return format_fixed(value, decimals);
}

}  // namespace

bool RunReport::passed() const {
  return !verdicts.empty() &&
         std::all_of(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return v.passed; });
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
            "p99 " + format_duration(p99) + " over budget " + format_duration(budget->second);
      }
    }
    verdicts.push_back(std::move(verdict));
  }
  return verdicts;
}

std::string format_duration(Nanos duration) {
  const double ns = static_cast<double>(duration.count());
  const double magnitude = std::fabs(ns);
  const char* sign = ns < 0 ? "-" : "";
  if (magnitude < 999.5) return sign + format_fixed(magnitude, 0) + "ns";
  if (magnitude < 999.5e3) return sign + three_digits(magnitude / 1e3) + "µs";
  if (magnitude < 999.5e6) return sign + three_digits(magnitude / 1e6) + "ms";
  return sign + three_digits(magnitude / 1e9) + "s";
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
