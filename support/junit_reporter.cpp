// JUnit XML as Jenkins and GitLab read it: one testcase per scenario that ran (plus "mix" for a
// mixed run), figures as properties, a threshold failure naming the failing step and its top
// error. Well-formed whatever bytes the gateway put into its error messages.
#include <ctime>
#include <string>
#include <vector>

#include "support/reporter.h"

namespace multitier {

namespace {

// XML-safe text: forbidden characters dropped, markup escaped. In attributes, tab/LF/CR are
// written as character references so attribute normalisation keeps them.
std::string escape(std::string_view raw, bool attribute) {
  const std::string text = clean_text(raw, TextTarget::xml);
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string timestamp(std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  return buffer;
}

void property(std::ostream& out, std::string_view indent, std::string_view name,
              std::string_view value) {
  out << indent << "<property name=\"" << escape(name, true) << "\" value=\"" << escape(value, true)
      << "\"/>\n";
}

void suite_properties(std::ostream& out, const RunReport& report) {
  const RunSettings& s = report.settings;
  std::string weights;
  for (const auto& [which, weight] : s.weights) {
    if (!weights.empty()) weights += ",";
    weights += std::string(to_string(which)) + "=" + std::to_string(weight);
  }
  const std::string_view in = "      ";
  out << "    <properties>\n";
  property(out, in, "gateway", s.gateway);
  property(out, in, "corpus", s.corpus);
  property(out, in, "mode", s.mode);
  property(out, in, "concurrency", std::to_string(s.concurrency));
  property(out, in, "threads", std::to_string(s.threads));
  property(out, in, "duration_s", format_fixed(s.duration_s, 3));
  property(out, in, "warmup_s", format_fixed(s.warmup_s, 3));
  property(out, in, "seed", std::to_string(s.seed));
  property(out, in, "iterations", std::to_string(s.iterations));
  property(out, in, "mix", s.mix ? "true" : "false");
  property(out, in, "weights", weights);
  property(out, in, "timeout_s", format_fixed(s.timeout_s, 3));
  property(out, in, "max_failure_rate", format_fixed(report.thresholds.max_failure_rate, 4));
  for (const auto& [which, budget] : report.thresholds.p99_budget) {
    property(out, in, "p99_budget_ms." + std::string(to_string(which)),
             format_fixed(to_ms(budget), 3));
  }
  property(out, in, "partial", report.partial ? "true" : "false");
  property(out, in, "partial_reason", report.partial_reason);
  out << "    </properties>\n";
}

// The failure's body: the verdict, then where the scenario broke and the kept error samples.
std::string failure_details(const Verdict& verdict, const ScenarioStats& s) {
  std::string text = verdict.reason;
  if (s.failures == 0) return text;
  text += "\nfailed at:";
  for (const NamedCount& at : s.failed_at) {
    text += "\n  " + (at.name.empty() ? std::string("(no step)") : at.name) + ": " +
            std::to_string(at.count);
  }
  if (s.failed_at_other > 0) text += "\n  (other): " + std::to_string(s.failed_at_other);
  text += "\nerror samples:";
  for (const ErrorSample& e : s.errors) {
    text += "\n  " + std::to_string(e.count) + "× " + e.failed_at + " " +
            std::string(to_string(e.kind)) + ": " + e.message;
  }
  if (s.errors_other > 0) text += "\n  " + std::to_string(s.errors_other) + " others";
  return text;
}

// The scenarios that ran, each with its verdict (a scenario without one counts as passed).
std::vector<Verdict> cases(const RunReport& report) {
  std::vector<Verdict> out;
  for (Scenario scenario : kAllScenarios) {
    if (report.registry->stats(scenario).runs == 0) continue;
    Verdict verdict{scenario, true, {}};
    for (const Verdict& v : report.verdicts) {
      if (v.scenario == scenario) verdict = v;
    }
    out.push_back(std::move(verdict));
  }
  return out;
}

void scenario_case(std::ostream& out, const RunReport& report, const Verdict& verdict) {
  const ScenarioStats& s = report.registry->stats(verdict.scenario);
  const double total = static_cast<double>(report.registry->total_runs());
  // A load run has no per-scenario duration; each case gets its share of the wall time, so
  // the cases add up to the suite's time.
  const double share = total > 0 ? report.wall_s * static_cast<double>(s.runs) / total : 0.0;
  out << "    <testcase classname=\"multitier\" name=\"" << to_string(verdict.scenario)
      << "\" time=\"" << format_fixed(share, 3) << "\">\n      <properties>\n";
  const std::string_view in = "        ";
  property(out, in, "runs", std::to_string(s.runs));
  property(out, in, "failures", std::to_string(s.failures));
  property(out, in, "fail_pct", format_fixed(100.0 * s.failure_rate(), 2));
  property(out, in, "p50_ms", format_fixed(to_ms(s.latency.percentile(0.50)), 3));
  property(out, in, "p95_ms", format_fixed(to_ms(s.latency.percentile(0.95)), 3));
  property(out, in, "p99_ms", format_fixed(to_ms(s.latency.percentile(0.99)), 3));
  property(out, in, "max_ms", format_fixed(to_ms(s.latency.max()), 3));
  property(out, in, "scenarios_per_s",
           format_fixed(report.wall_s > 0 ? static_cast<double>(s.runs) / report.wall_s : 0.0, 2));
  out << "      </properties>\n";
  if (!verdict.passed) {
    out << "      <failure message=\"" << escape(verdict.reason, true) << "\" type=\"threshold\">"
        << escape(failure_details(verdict, s), false) << "</failure>\n";
  }
  out << "    </testcase>\n";
}

void mix_case(std::ostream& out, const std::vector<Verdict>& verdicts, double wall_s) {
  std::string failing;
  for (const Verdict& v : verdicts) {
    if (v.passed) continue;
    if (!failing.empty()) failing += ", ";
    failing += to_string(v.scenario);
  }
  out << "    <testcase classname=\"multitier\" name=\"mix\" time=\"" << format_fixed(wall_s, 3)
      << "\">\n";
  if (!failing.empty()) {
    const std::string message = "scenarios failed: " + failing;
    out << "      <failure message=\"" << escape(message, true) << "\" type=\"threshold\">"
        << escape(message, false) << "</failure>\n";
  }
  out << "    </testcase>\n";
}

class JunitReporter final : public Reporter {
 public:
  void write(const RunReport& report, std::ostream& out) const override {
    const std::vector<Verdict> verdicts = cases(report);
    int tests = 0;
    int failures = 0;
    for (const Verdict& v : verdicts) tests += 1, failures += v.passed ? 0 : 1;
    if (report.settings.mix) tests += 1, failures += failures > 0 ? 1 : 0;
    const std::string counts = "tests=\"" + std::to_string(tests) + "\" failures=\"" +
                               std::to_string(failures) + "\" errors=\"0\" time=\"" +
                               format_fixed(report.wall_s, 3) + "\"";
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<testsuites name=\"multitier\" " << counts << ">\n"
        << "  <testsuite name=\"multitier\" " << counts << " skipped=\"0\" timestamp=\""
        << timestamp(report.started_at) << "\">\n";
    suite_properties(out, report);
    for (const Verdict& v : verdicts) scenario_case(out, report, v);
    if (report.settings.mix) mix_case(out, verdicts, report.wall_s);
    if (report.partial) {
      out << "    <system-err>PARTIAL REPORT: " << escape(report.partial_reason, false)
          << "</system-err>\n";
    }
    out << "  </testsuite>\n</testsuites>\n";
  }
  std::string_view file_name() const override { return "junit.xml"; }
};

}  // namespace

std::unique_ptr<Reporter> make_junit_reporter() { return std::make_unique<JunitReporter>(); }

}  // namespace multitier
