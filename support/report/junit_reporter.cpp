// JUnit XML as Jenkins and GitLab read it: one testsuite per case, one testcase per verdict of
// the case with its figures as properties, a threshold failure naming the failing step and its
// top error, an "interrupted" failure or a "not_run" error when the case was cut short or never
// ran. Well-formed whatever bytes the gateway put into its error messages.
#include <algorithm>
#include <ctime>
#include <string>
#include <vector>

#include "multitier/report/reporter.h"

namespace multitier {

namespace {

// XML-safe text: forbidden characters dropped, markup escaped (escape_markup).
std::string escape(std::string_view raw, bool attribute) {
  return escape_markup(raw, attribute ? Markup::xml_attribute : Markup::xml_text);
}

std::string timestamp(std::chrono::system_clock::time_point at) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &utc);
  return buffer;
}

// Milliseconds written exactly, to the nanosecond: 200us is "0.2", 1.9ms is "1.9".
std::string exact_ms(Nanos d) {
  const bool negative = d.count() < 0;
  const auto ns =
      static_cast<std::uint64_t>(negative ? -(d.count() + 1) : d.count()) + (negative ? 1 : 0);
  std::string text = negative ? "-" : "";  // appended, not `const char* + string&&` (-Wrestrict)
  text += std::to_string(ns / 1'000'000);
  std::string decimals = std::to_string(ns % 1'000'000);
  decimals.insert(0, 6 - decimals.size(), '0');
  while (!decimals.empty() && decimals.back() == '0') decimals.pop_back();
  if (!decimals.empty()) text += "." + decimals;
  return text;
}

void property(std::ostream& out, std::string_view indent, std::string_view name,
              std::string_view value) {
  out << indent << "<property name=\"" << escape(name, true) << "\" value=\"" << escape(value, true)
      << "\"/>\n";
}

void run_properties(std::ostream& out, const RunReport& report) {
  const RunSettings& s = report.settings;
  const std::string_view in = "      ";
  property(out, in, "gateway", s.gateway);
  property(out, in, "corpus", s.corpus);
  property(out, in, "queries", s.queries);
  property(out, in, "roster", s.roster);
  if (!s.roster_file.empty()) property(out, in, "roster_file", s.roster_file);
  property(out, in, "mode", s.mode);
  property(out, in, "version", s.version);
  property(out, in, "seed", std::to_string(s.seed));
  property(out, in, "concurrency", std::to_string(s.concurrency));
  property(out, in, "threads_requested", s.threads > 0 ? std::to_string(s.threads) : "default");
  property(out, in, "duration_s", format_shortest(s.duration_s));
  property(out, in, "warmup_s", format_shortest(s.warmup_s));
  property(out, in, "iterations", std::to_string(s.iterations));
  property(out, in, "weights", format_weights(s.weights));
  property(out, in, "timeout_s", format_shortest(s.timeout_s));
  property(out, in, "connect_timeout_s", format_shortest(s.connect_timeout_s));
  for (const std::string& h : s.headers) property(out, in, "header", h);
  property(out, in, "max_failure_rate", format_shortest(report.thresholds.max_failure_rate));
  for (const auto& [which, budget] : report.thresholds.p99_budget) {
    property(out, in, "p99_budget." + std::string(to_string(which)), format_duration_exact(budget));
    property(out, in, "p99_budget_ms." + std::string(to_string(which)), exact_ms(budget));
  }
  if (s.segments > 1) {
    property(out, in, "segment", std::to_string(s.segment) + "/" + std::to_string(s.segments));
  }
  if (s.allow_remote) property(out, in, "allow_remote", "true");
  if (!s.start_at.empty()) {
    property(out, in, "start_at", s.start_at);
    property(out, in, "start_late_s", format_fixed(s.start_late_s, 3));
  }
  property(out, in, "partial", report.partial ? "true" : "false");
  property(out, in, "partial_reason", report.partial_reason);
}

void case_properties(std::ostream& out, const CaseReport& c) {
  const std::string_view in = "      ";
  property(out, in, "label", c.label);
  property(out, in, "mix", c.mix ? "true" : "false");
  property(out, in, "case_weights", format_weights(c.weights));
  property(out, in, "runs", std::to_string(c.registry.total_runs()));
  property(out, in, "failures", std::to_string(c.registry.total_failures()));
  property(out, in, "wall_s", format_fixed(c.wall_s, 3));
  property(out, in, "scenarios_per_s", format_fixed(c.rate(), 2));
  const HttpTotals http = http_totals(c.registry);
  property(out, in, "http_requests", std::to_string(http.requests));
  property(out, in, "http_request_failures", std::to_string(http.failures));
  property(out, in, "http_requests_per_s",
           format_fixed(c.wall_s > 0 ? static_cast<double>(http.requests) / c.wall_s : 0.0, 2));
  property(out, in, "http_p99_ms", format_fixed(to_ms(http.latency.percentile(0.99)), 3));
  property(out, in, "vus", std::to_string(c.vus));
  property(out, in, "threads", std::to_string(c.threads));
  property(out, in, "interrupted", c.interrupted ? "true" : "false");
  if (c.interrupted)
    property(out, in, "interrupted_after_s", format_fixed(c.interrupted_after_s, 3));
  if (!c.error.empty()) property(out, in, "error", c.error);
  if (c.stress) property(out, in, "executor", to_string(c.executor.kind));
  if (c.open()) {
    const ScheduleStats& s = c.registry.schedule();
    property(out, in, "target_rate", format_fixed(c.target_rate(), 2));
    property(out, in, "achieved_rate", format_fixed(c.achieved_rate(), 2));
    property(out, in, "planned_starts", std::to_string(s.planned));
    property(out, in, "started", std::to_string(s.started));
    property(out, in, "dropped", std::to_string(s.total_dropped()));
    property(out, in, "late_starts", std::to_string(s.late));
    property(out, in, "lateness_p99_ms", format_fixed(to_ms(s.lateness.percentile(0.99)), 3));
  }
}

// The failure's body: the reason, then where the scenario broke and the kept error samples.
std::string failure_details(const std::string& reason, const ScenarioStats& s) {
  std::string text = reason;
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

// One testcase as written. `stats` is null for a testcase standing for a whole case or run.
struct Entry {
  std::string name;
  const ScenarioStats* stats = nullptr;
  enum class Outcome { passed, failure, error } outcome = Outcome::passed;
  std::string type;  // "threshold", "interrupted" or "not_run"
  std::string message;
  std::string details;
};

std::string interrupted_reason(const CaseReport& c) {
  return "interrupted by a signal after " + format_fixed(c.interrupted_after_s, 1) +
         " s: the figures are partial";
}

// A testcase per verdict. A case that did not pass always has a failing testcase: an error for
// a case that never ran, a failure of type "interrupted" for one a signal cut short; a case
// without any (or without a failing) verdict gets one testcase named after its label.
std::vector<Entry> entries(const CaseReport& c) {
  using Outcome = Entry::Outcome;
  std::vector<Entry> out;
  for (const Verdict& v : c.verdicts) {
    const ScenarioStats& stats = c.registry.stats(v.scenario);
    const std::string name(to_string(v.scenario));
    if (!c.error.empty()) {
      const std::string message = v.reason.empty() ? c.error : v.reason;
      out.push_back({name, &stats, Outcome::error, "not_run", message, message});
    } else if (!v.passed || c.interrupted) {
      const std::string message = v.reason.empty() ? interrupted_reason(c) : v.reason;
      out.push_back({name, &stats, Outcome::failure, c.interrupted ? "interrupted" : "threshold",
                     message, failure_details(message, stats)});
    } else {
      out.push_back({name, &stats, Outcome::passed, {}, {}, {}});
    }
  }
  const bool failing = std::any_of(out.begin(), out.end(),
                                   [](const Entry& e) { return e.outcome != Outcome::passed; });
  if (!c.passed() && !failing) {
    const std::string name = c.label.empty() ? std::string("case") : c.label;
    if (!c.error.empty()) {
      out.push_back({name, nullptr, Outcome::error, "not_run", c.error, c.error});
    } else if (c.interrupted) {
      const std::string message = interrupted_reason(c);
      out.push_back({name, nullptr, Outcome::failure, "interrupted", message, message});
    } else {
      const std::string message =
          c.registry.total_runs() == 0 ? "no scenario run completed" : "the case did not pass";
      out.push_back({name, nullptr, Outcome::failure, "threshold", message, message});
    }
  }
  return out;
}

struct Counts {
  std::size_t tests = 0, failures = 0, errors = 0;
  void add(const std::vector<Entry>& entries) {
    for (const Entry& e : entries) {
      tests += 1;
      failures += e.outcome == Entry::Outcome::failure ? 1 : 0;
      errors += e.outcome == Entry::Outcome::error ? 1 : 0;
    }
  }
};

std::string count_attributes(const Counts& n, double time_s) {
  return "tests=\"" + std::to_string(n.tests) + "\" failures=\"" + std::to_string(n.failures) +
         "\" errors=\"" + std::to_string(n.errors) + "\" time=\"" + format_fixed(time_s, 3) + "\"";
}

void testcase(std::ostream& out, std::string_view classname, const Entry& e, double time_s) {
  out << "    <testcase classname=\"" << escape(classname, true) << "\" name=\""
      << escape(e.name, true) << "\" time=\"" << format_fixed(time_s, 3) << "\">\n";
  if (e.stats) {
    const ScenarioStats& s = *e.stats;
    const std::string_view in = "        ";
    out << "      <properties>\n";
    property(out, in, "runs", std::to_string(s.runs));
    property(out, in, "failures", std::to_string(s.failures));
    property(out, in, "fail_pct", format_fixed(100.0 * s.failure_rate(), 2));
    property(out, in, "p50_ms", format_fixed(to_ms(s.latency.percentile(0.50)), 3));
    property(out, in, "p95_ms", format_fixed(to_ms(s.latency.percentile(0.95)), 3));
    property(out, in, "p99_ms", format_fixed(to_ms(s.latency.percentile(0.99)), 3));
    property(out, in, "max_ms", format_fixed(to_ms(s.latency.max()), 3));
    property(out, in, "scenarios_per_s",
             format_fixed(time_s > 0 ? static_cast<double>(s.runs) / time_s : 0.0, 2));
    if (s.corrected.count() > 0) {  // open model: corrected beside raw
      property(out, in, "corrected_p50_ms", format_fixed(to_ms(s.corrected.percentile(0.50)), 3));
      property(out, in, "corrected_p99_ms", format_fixed(to_ms(s.corrected.percentile(0.99)), 3));
      property(out, in, "corrected_max_ms", format_fixed(to_ms(s.corrected.max()), 3));
    }
    out << "      </properties>\n";
  }
  if (e.outcome != Entry::Outcome::passed) {
    const char* tag = e.outcome == Entry::Outcome::error ? "error" : "failure";
    out << "      <" << tag << " type=\"" << e.type << "\" message=\"" << escape(e.message, true)
        << "\">" << escape(e.details, false) << "</" << tag << ">\n";
  }
  out << "    </testcase>\n";
}

void partial_note(std::ostream& out, const RunReport& report) {
  if (!report.partial) return;
  out << "    <system-err>PARTIAL REPORT: " << escape(report.partial_reason, false)
      << "</system-err>\n";
}

class JunitReporter final : public Reporter {
 public:
  // One testsuite per case. The counts add up to zero failures and errors only when
  // report.passed(): a run cut short or without cases that no case accounts for gets a
  // testsuite "multitier" with an error testcase "run".
  void write(const RunReport& report, std::ostream& out) const override {
    std::vector<std::vector<Entry>> per_case;
    Counts total;
    for (const CaseReport& c : report.cases) {
      per_case.push_back(entries(c));
      total.add(per_case.back());
    }
    std::vector<Entry> run_entry;
    if (!report.passed() && total.failures + total.errors == 0) {
      const std::string message = report.partial ? report.partial_reason : "no case ran";
      run_entry.push_back({"run", nullptr, Entry::Outcome::error,
                           report.partial ? "interrupted" : "not_run", message, message});
      total.add(run_entry);
    }
    const std::string started = timestamp(report.started_at);
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<testsuites name=\"multitier\" " << count_attributes(total, report.wall_s()) << ">\n";
    for (std::size_t i = 0; i < report.cases.size(); ++i) {
      const CaseReport& c = report.cases[i];
      Counts n;
      n.add(per_case[i]);
      out << "  <testsuite name=\"" << escape(c.name, true) << "\" "
          << count_attributes(n, c.wall_s) << " skipped=\"0\" timestamp=\"" << started
          << "\">\n    <properties>\n";
      run_properties(out, report);
      case_properties(out, c);
      out << "    </properties>\n";
      for (const Entry& e : per_case[i]) testcase(out, c.name, e, c.wall_s);
      partial_note(out, report);
      out << "  </testsuite>\n";
    }
    if (!run_entry.empty()) {
      Counts n;
      n.add(run_entry);
      out << "  <testsuite name=\"multitier\" " << count_attributes(n, 0.0)
          << " skipped=\"0\" timestamp=\"" << started << "\">\n    <properties>\n";
      run_properties(out, report);
      out << "    </properties>\n";
      testcase(out, "multitier", run_entry.front(), 0.0);
      partial_note(out, report);
      out << "  </testsuite>\n";
    }
    out << "</testsuites>\n";
  }
  std::string_view file_name() const override { return "junit.xml"; }
};

}  // namespace

std::unique_ptr<Reporter> make_junit_reporter() { return std::make_unique<JunitReporter>(); }

}  // namespace multitier
