// report.html: the run as one self-contained page that opens with no network. At the top the
// result (a banner when the run is partial or failed), the settings with the seed and the
// thresholds; then one section per case: its verdicts, charts over time (throughput and errors,
// latency percentiles, the gateway's CPU and RSS when sampled), the latency distribution per
// scenario, and the tables (per scenario, per step with HTTP steps apart from validator steps,
// failures by category with the error samples, the open-model schedule).
//
// The charts are drawn by the inlined Chart.js UMD build from a JSON blob that a small inline
// script of this file reads. Nothing is fetched: no CDN, no font, no image; a Content Security
// Policy forbids every fetch as well. Without the library the page shows the note saying so, and
// every table. Long runs are merged in C++ into at most kMaxPoints points per line (merged
// interval histograms, so per-point percentiles stay percentiles). All text is cleaned with
// clean_text(…, xml) and HTML-escaped; strings in the JSON are escaped so that no '<' appears.
#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "html_assets.h"
#include "multitier/report/reporter.h"

namespace multitier {

namespace {

// Points per line, at most: an hour at 1 s intervals becomes 900 points of 4 s.
constexpr std::size_t kMaxPoints = 1000;

// The percentiles of the tables and of the distribution chart.
constexpr std::array<double, 6> kTableQuantiles = {0.50, 0.90, 0.95, 0.99, 0.999, 1.0};
constexpr std::array<const char*, 6> kTableQuantileNames = {"p50", "p90",   "p95",
                                                            "p99", "p99.9", "max"};
constexpr std::array<double, 6> kCurveQuantiles = {0.50, 0.90, 0.99, 0.999, 0.9999, 1.0};
constexpr std::array<const char*, 6> kCurveQuantileNames = {"p50",   "p90",    "p99",
                                                            "p99.9", "p99.99", "max"};

// ---- escaping -------------------------------------------------------------------------------

// Text for HTML element content or a quoted attribute value.
std::string html(std::string_view text) { return escape_markup(text, Markup::html); }

// A quoted JSON string safe inside <script type="application/json">: no '<', '>' or '&' (so no
// "</script" and no "<!--"), and no U+2028/U+2029.
std::string json_string(std::string_view text) {
  const std::string clean = clean_text(text, TextTarget::json);
  std::string out = "\"";
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const auto c = static_cast<unsigned char>(clean[i]);
    char escape[8];
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      std::snprintf(escape, sizeof escape, "\\u%04x", c);
      out += escape;
    } else if (c == 0xE2 && i + 2 < clean.size() && clean[i + 1] == '\x80' &&
               (clean[i + 2] == '\xA8' || clean[i + 2] == '\xA9')) {
      out += clean[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// The library's text made safe inside <script>: "</script" (any case) and "<!--" would end or
// change the script element; in JavaScript source they can only stand in strings, regular
// expressions or comments, where "<\/" and "<\!" mean the same.
std::string script_safe(std::string text) {
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size()) {
      if (text[i + 1] == '/' && i + 8 <= text.size()) {
        std::string word = text.substr(i + 2, 6);
        for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (word == "script") {
          out += "<\\/";
          ++i;
          continue;
        }
      }
      if (text.compare(i, 4, "<!--") == 0) {
        out += "<\\!";
        ++i;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

// ---- numbers --------------------------------------------------------------------------------

// A JSON number with `digits` significant digits, or null when not finite.
std::string num(double value, int digits = 4) {
  if (!std::isfinite(value)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.*g", digits, value);
  return text;
}

double ms(Nanos d) { return static_cast<double>(d.count()) / 1e6; }

// A setting in seconds as the options spell durations ("60s", "1m", "200us").
std::string seconds(double value) {
  if (!std::isfinite(value) || std::fabs(value) > 1e9) return format_shortest(value) + "s";
  return format_duration_exact(Nanos(std::llround(value * 1e9)));
}

std::string percent(std::uint64_t part, std::uint64_t whole, int decimals = 1) {
  const double share =
      whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
  return format_fixed(share, decimals) + " %";
}

std::string mib(std::uint64_t bytes) {
  return format_fixed(static_cast<double>(bytes) / (1024.0 * 1024.0), 1) + " MiB";
}

// Weights as --weights spells them, breakable after each comma.
std::string weights_html(const std::vector<std::pair<Scenario, int>>& weights) {
  std::string out;
  for (char c : html(format_weights(weights))) {
    out += c;
    if (c == ',') out += "<wbr>";
  }
  return out;
}

std::string plural(std::uint64_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

// ---- the series, merged to at most kMaxPoints points ----------------------------------------

struct Point {
  double t = 0;        // midpoint, seconds since the measured phase began
  double covered = 0;  // seconds of the measured phase the point covers
  std::uint64_t completions = 0;
  std::uint64_t failures = 0;
  std::uint64_t dropped = 0;
  std::uint64_t requests = 0;
  std::uint64_t request_failures = 0;
  IntervalHistogram total;
  IntervalHistogram http;
  IntervalHistogram corrected;
  double target_weighted = 0;  // target × covered, over the intervals that knew it
  double target_covered = 0;
  double cpu_sum = 0;
  int cpu_samples = 0;
  std::uint64_t rss = 0;
};

struct Timeline {
  std::vector<Point> points;
  std::size_t group = 1;  // series intervals per point
  double interval_s = 0;
  bool footprint = false;  // the gateway was sampled at least once
};

Timeline timeline(const TimeSeries& series) {
  Timeline out;
  if (!series.enabled() || series.end <= series.begin) return out;
  out.interval_s = static_cast<double>(series.interval().count()) / 1e9;
  const std::int64_t first = series.index_of(series.begin);
  const std::int64_t last = series.index_of(series.end - 1);
  const auto count = static_cast<std::size_t>(last - first + 1);
  out.group = (count + kMaxPoints - 1) / kMaxPoints;
  out.points.resize((count + out.group - 1) / out.group);
  const double length = static_cast<double>(series.interval().count());
  const double begin = static_cast<double>(series.begin);
  for (std::size_t p = 0; p < out.points.size(); ++p) {
    const auto from_index = first + static_cast<std::int64_t>(p * out.group);
    const auto to_index = std::min(last, from_index + static_cast<std::int64_t>(out.group) - 1);
    const double from = std::max(static_cast<double>(from_index) * length, begin);
    const double to =
        std::min(static_cast<double>(to_index + 1) * length, static_cast<double>(series.end));
    out.points[p].t = ((from + to) / 2 - begin) / 1e9;
  }
  for (const SeriesInterval& interval : series.intervals()) {
    if (interval.index < first || interval.index > last) continue;
    const double covered = series.covered_s(interval.index);
    if (covered <= 0) continue;
    Point& point = out.points[static_cast<std::size_t>(interval.index - first) / out.group];
    point.covered += covered;
    point.completions += interval.completions();
    point.failures += interval.failures();
    point.dropped += interval.dropped();
    point.requests += interval.requests();
    point.request_failures += interval.request_failures();
    point.total.merge(interval.total_latency());
    point.http.merge(interval.http_latency());
    for (const ScenarioPoint& s : interval.scenarios) point.corrected.merge(s.corrected);
    if (std::isfinite(interval.target)) {
      point.target_weighted += interval.target * covered;
      point.target_covered += covered;
    }
    if (std::isfinite(interval.gateway_cpu_percent)) {
      point.cpu_sum += interval.gateway_cpu_percent;
      ++point.cpu_samples;
      out.footprint = true;
    }
    if (interval.gateway_rss_bytes > 0) {
      point.rss = std::max(point.rss, interval.gateway_rss_bytes);
      out.footprint = true;
    }
  }
  return out;
}

// ---- the JSON blob ----------------------------------------------------------------------------

template <class Value>
void array(std::ostream& out, const Timeline& line, Value value) {
  out << '[';
  for (std::size_t i = 0; i < line.points.size(); ++i) {
    if (i) out << ',';
    out << value(line.points[i]);
  }
  out << ']';
}

std::string rate(std::uint64_t count, const Point& p) {
  return p.covered > 0 ? num(static_cast<double>(count) / p.covered) : "null";
}

std::string quantile(const IntervalHistogram& h, double q) {
  return h.count() ? num(ms(h.percentile(q))) : "null";
}

void curve(std::ostream& out, const LatencyHistogram& h) {
  out << '[';
  for (std::size_t i = 0; i < kCurveQuantiles.size(); ++i) {
    out << (i ? "," : "")
        << num(ms(kCurveQuantiles[i] >= 1.0 ? h.max() : h.percentile(kCurveQuantiles[i])));
  }
  out << ']';
}

void case_data(std::ostream& out, const CaseReport& c, std::size_t number, const Timeline& line) {
  out << "{\"id\":\"case" << number << "\",\"name\":" << json_string(c.name)
      << ",\"open\":" << (c.open() ? "true" : "false") << ",\"wall_s\":" << num(c.wall_s, 6)
      << ",\"interval_s\":" << num(line.interval_s, 6) << ",\"group\":" << line.group;
  if (!line.points.empty()) {
    out << ",\"t\":";
    array(out, line, [](const Point& p) { return num(p.t, 7); });
    out << ",\"throughput\":{\"scenarios\":";
    array(out, line, [](const Point& p) { return rate(p.completions, p); });
    out << ",\"requests\":";
    array(out, line, [](const Point& p) { return rate(p.requests, p); });
    out << ",\"failures\":";
    array(out, line, [](const Point& p) { return rate(p.failures, p); });
    out << ",\"request_failures\":";
    array(out, line, [](const Point& p) { return rate(p.request_failures, p); });
    if (c.open()) {
      out << ",\"dropped\":";
      array(out, line, [](const Point& p) { return rate(p.dropped, p); });
      out << ",\"target\":";
      array(out, line, [](const Point& p) {
        return p.target_covered > 0 ? num(p.target_weighted / p.target_covered) : "null";
      });
    }
    out << "},\"latency\":{";
    const char* sep = "";
    for (const auto& [name, q] : {std::pair{"p50", 0.50}, {"p95", 0.95}, {"p99", 0.99}}) {
      out << sep << "\"" << name << "\":";
      array(out, line, [q = q](const Point& p) { return quantile(p.total, q); });
      out << ",\"http_" << name << "\":";
      array(out, line, [q = q](const Point& p) { return quantile(p.http, q); });
      sep = ",";
    }
    if (c.open()) {
      out << ",\"corrected_p99\":";
      array(out, line, [](const Point& p) { return quantile(p.corrected, 0.99); });
    }
    out << '}';
    if (line.footprint) {
      out << ",\"footprint\":{\"cpu\":";
      array(out, line,
            [](const Point& p) { return p.cpu_samples ? num(p.cpu_sum / p.cpu_samples) : "null"; });
      out << ",\"rss_mib\":";
      array(out, line, [](const Point& p) {
        return p.rss ? num(static_cast<double>(p.rss) / (1024.0 * 1024.0), 5) : "null";
      });
      out << '}';
    }
  }
  out << ",\"distribution\":{\"labels\":[";
  for (std::size_t i = 0; i < kCurveQuantileNames.size(); ++i) {
    out << (i ? "," : "") << json_string(kCurveQuantileNames[i]);
  }
  out << "],\"lines\":[";
  const char* sep = "";
  for (Scenario which : kAllScenarios) {
    const ScenarioStats& s = c.registry.stats(which);
    if (s.runs == 0) continue;
    out << sep << "{\"name\":" << json_string(to_string(which))
        << ",\"index\":" << static_cast<int>(which) << ",\"raw\":";
    curve(out, s.latency);
    if (c.open() && s.corrected.count() > 0) {
      out << ",\"corrected\":";
      curve(out, s.corrected);
    }
    out << '}';
    sep = ",";
  }
  out << "]}}";
}

// ---- HTML pieces ------------------------------------------------------------------------------

void row(std::ostream& out, std::string_view name, const std::string& value_html) {
  out << "<tr><th scope=\"row\">" << html(name) << "</th><td>" << value_html << "</td></tr>\n";
}

std::string td(const std::string& text_html, bool numeric = true) {
  return std::string(numeric ? "<td class=\"n\">" : "<td>") + text_html + "</td>";
}

std::string latency_cells(const LatencyHistogram& h) {
  std::string cells = td(format_duration(h.mean()));
  for (double q : kTableQuantiles) {
    cells += td(format_duration(q >= 1.0 ? h.max() : h.percentile(q)));
  }
  return cells;
}

std::string latency_head(std::string_view first) {
  std::string head = "<thead><tr><th scope=\"col\">" + std::string(first) + "</th>";
  for (const char* name : {"runs", "failures", "fail %"}) {
    head += "<th scope=\"col\" class=\"n\">" + std::string(name) + "</th>";
  }
  head += "<th scope=\"col\" class=\"n\">mean</th>";
  for (const char* name : kTableQuantileNames) {
    head += "<th scope=\"col\" class=\"n\">" + std::string(name) + "</th>";
  }
  return head + "</tr></thead>\n";
}

void banner(std::ostream& out, const RunReport& report) {
  std::uint64_t failed = 0;
  for (const CaseReport& c : report.cases) failed += c.passed() ? 0 : 1;
  if (report.partial) {
    out << "<div class=\"banner banner-bad\" id=\"banner\" role=\"alert\"><strong>PARTIAL "
           "REPORT</strong>: "
        << html(report.partial_reason) << ". The figures cover what ran"
        << (failed ? "; " + plural(failed, "case", "cases") + " FAILED" : std::string())
        << ".</div>\n";
  } else if (!report.passed()) {
    out << "<div class=\"banner banner-bad\" id=\"banner\" "
           "role=\"alert\"><strong>FAILED</strong>: ";
    if (report.cases.empty()) {
      out << "no case ran";
    } else {
      out << failed << " of " << plural(report.cases.size(), "case", "cases") << " failed";
    }
    out << ".</div>\n";
  } else {
    out << "<div class=\"banner banner-good\" id=\"banner\"><strong>PASSED</strong>: "
        << plural(report.cases.size(), "case", "cases") << ", every verdict passed.</div>\n";
  }
}

std::string started_at(const RunReport& report) {
  if (report.started_at == std::chrono::system_clock::time_point{}) return "";
  const std::time_t t = std::chrono::system_clock::to_time_t(report.started_at);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return text;
}

void settings_table(std::ostream& out, const RunReport& report, const std::string& library) {
  const RunSettings& s = report.settings;
  out << "<section id=\"run\" class=\"run-grid\">\n<div><h3>Settings</h3>\n<table class=\"kv\" "
         "id=\"settings\">\n";
  row(out, "seed", "<strong class=\"seed\">" + std::to_string(s.seed) + "</strong>");
  row(out, "multitier version", html(s.version));
  const std::string when = started_at(report);
  if (!when.empty()) row(out, "started", html(when));
  row(out, "gateway", html(s.gateway));
  row(out, "corpus", html(s.corpus));
  row(out, "mode", html(s.mode));
  if (s.mode == "iterations") {
    row(out, "iterations per case", std::to_string(s.iterations));
  } else {
    row(out, "duration per case", html(seconds(s.duration_s)));
    row(out, "warm-up", html(seconds(s.warmup_s)));
  }
  row(out, "concurrency", std::to_string(s.concurrency) + " VUs asked for");
  row(out, "threads", s.threads > 0 ? std::to_string(s.threads) : std::string("default"));
  row(out, "queries", html(s.queries));
  row(out, "roster",
      html(s.roster) + (s.roster_file.empty() ? std::string() : " (" + html(s.roster_file) + ")"));
  if (!s.weights.empty()) row(out, "weights", weights_html(s.weights));
  row(out, "timeout", html(seconds(s.timeout_s)));
  row(out, "connect timeout", html(seconds(s.connect_timeout_s)));
  if (!s.headers.empty()) {
    std::string list;
    for (const std::string& h : s.headers) list += (list.empty() ? "" : "<br>") + html(h);
    row(out, "headers", list);
  }
  row(out, "series interval",
      s.interval_s > 0 ? html(seconds(s.interval_s)) : std::string("none (no time series)"));
  row(out, "gateway footprint",
      s.gateway_pid > 0
          ? "process " + std::to_string(s.gateway_pid) + ", CPU and RSS sampled every interval"
          : "not sampled" +
                (s.footprint_note.empty() ? std::string() : ": " + html(s.footprint_note)));
  row(out, "chart library", library);
  if (s.segments > 1) {
    row(out, "segment",
        std::to_string(s.segment) + " of " + std::to_string(s.segments) + " (from " +
            html(s.segment_source) + "): these figures are one share of the run");
  } else if (!s.segment_source.empty()) {
    row(out, "segments", html(s.segment_source));  // a merged run: "merged from N segments"
  }
  if (s.allow_remote) row(out, "remote targets", "allowed (--allow-remote)");
  if (!s.start_at.empty()) {
    row(out, "common start",
        html(s.start_at) + (s.start_late_s > 0.001
                                ? " (began " + format_fixed(s.start_late_s, 3) + " s late)"
                                : std::string(" (began on time)")));
  }
  out << "</table>\n";

  const Thresholds& t = report.thresholds;
  out << "</div>\n<div><h3>Thresholds</h3>\n<table class=\"kv\" id=\"thresholds\">\n";
  row(out, "max failure rate",
      html(format_shortest(t.max_failure_rate)) + " (" +
          html(format_shortest(100.0 * t.max_failure_rate)) + " % of a scenario's runs)");
  for (const auto& [which, budget] : t.p99_budget) {
    row(out, "p99 budget " + std::string(to_string(which)), html(format_duration_exact(budget)));
  }
  if (t.p99_budget.empty()) row(out, "p99 budgets", "none");
  if (t.max_dropped_rate >= 0) {
    row(out, "max dropped rate (open model)", html(format_shortest(t.max_dropped_rate)));
  }
  if (t.min_achieved_rate >= 0) {
    row(out, "min achieved rate (open model)",
        html(format_shortest(t.min_achieved_rate)) + " starts/s");
  }
  out << "</table>\n<p class=\"small\">Each case's verdicts below apply these thresholds to "
         "every scenario it ran.</p>\n</div>\n</section>\n";
}

void verdicts_table(std::ostream& out, const CaseReport& c, const Thresholds& t,
                    const std::string& id) {
  out << "<h3>Verdicts</h3>\n<table id=\"" << id << "-verdicts\" class=\"verdicts\">\n"
      << "<thead><tr><th scope=\"col\">scenario</th><th scope=\"col\">verdict</th>"
         "<th scope=\"col\" class=\"n\">failure rate</th><th scope=\"col\" "
         "class=\"n\">limit</th><th scope=\"col\" class=\"n\">p99</th><th scope=\"col\" "
         "class=\"n\">budget</th><th scope=\"col\">reason</th></tr></thead>\n<tbody>\n";
  for (const Verdict& v : c.verdicts) {
    const ScenarioStats& s = c.registry.stats(v.scenario);
    const auto budget = t.p99_budget.find(v.scenario);
    out << "<tr class=\"" << (v.passed ? "pass" : "fail") << "\">"
        << td(html(to_string(v.scenario)), false) << "<td><span class=\"tag "
        << (v.passed ? "tag-pass\">PASS" : "tag-fail\">FAIL") << "</span></td>"
        << td(percent(s.failures, s.runs, 2))
        << td(html(format_shortest(100.0 * t.max_failure_rate)) + " %")
        << td(s.runs ? format_duration(s.latency.percentile(0.99)) : std::string("—"))
        << td(budget != t.p99_budget.end() ? html(format_duration_exact(budget->second))
                                           : std::string("—"))
        << td(v.reason.empty() ? std::string() : html(v.reason), false) << "</tr>\n";
  }
  if (c.verdicts.empty()) out << "<tr><td colspan=\"7\">no scenario was judged</td></tr>\n";
  out << "</tbody></table>\n";
}

void scenario_table(std::ostream& out, const CaseReport& c, const std::string& id) {
  const Registry& r = c.registry;
  out << "<h3>Per scenario</h3>\n<table id=\"" << id << "-scenarios\" class=\"figures\">\n"
      << latency_head("scenario") << "<tbody>\n";
  for (Scenario which : kAllScenarios) {
    const ScenarioStats& s = r.stats(which);
    if (s.runs == 0) continue;
    out << "<tr><td><span class=\"swatch s" << static_cast<int>(which) << "\"></span>"
        << html(to_string(which)) << "</td>" << td(std::to_string(s.runs))
        << td(std::to_string(s.failures)) << td(percent(s.failures, s.runs))
        << latency_cells(s.latency) << "</tr>\n";
  }
  out << "</tbody><tfoot><tr><th scope=\"row\">all scenarios</th>"
      << td(std::to_string(r.total_runs())) << td(std::to_string(r.total_failures()))
      << td(percent(r.total_failures(), r.total_runs())) << latency_cells(r.total_latency())
      << "</tr></tfoot></table>\n"
      << "<p class=\"small\">" << format_fixed(c.rate(), 1) << " scenario runs/s over the case's "
      << format_fixed(c.wall_s, 1)
      << " s. Latency is end to end, from the scenario's start to its end.</p>\n";
}

// A row per HTTP step (or per validator step), or one row saying that none ran.
void step_rows(std::ostream& out, const Registry& r, bool http) {
  bool any = false;
  for (Scenario which : kAllScenarios) {
    for (const StepStats& step : r.stats(which).steps) {
      if (step.http != http) continue;
      any = true;
      out << "<tr>" << td(html(to_string(which)), false) << td(html(step.name), false)
          << td(std::to_string(step.runs)) << td(std::to_string(step.failures))
          << td(percent(step.failures, step.runs)) << latency_cells(step.latency) << "</tr>\n";
    }
  }
  if (!any) {
    out << "<tr><td colspan=\"12\">no " << (http ? "HTTP" : "validator") << " step ran</td></tr>\n";
  }
}

void step_tables(std::ostream& out, const CaseReport& c, const std::string& id) {
  const Registry& r = c.registry;
  std::string head = latency_head("scenario");
  head.insert(head.find("</th>") + 5, "<th scope=\"col\">step</th>");
  const HttpTotals totals = http_totals(r);
  out << "<h3>HTTP steps</h3>\n<p class=\"small\">Each row is one kind of exchange with the "
         "gateway; latency is the exchange's own.</p>\n<table id=\""
      << id << "-http-steps\" class=\"figures\">\n"
      << head << "<tbody>\n";
  step_rows(out, r, true);
  out << "</tbody><tfoot><tr><th scope=\"row\" colspan=\"2\">all HTTP requests</th>"
      << td(std::to_string(totals.requests)) << td(std::to_string(totals.failures))
      << td(percent(totals.failures, totals.requests)) << latency_cells(totals.latency)
      << "</tr></tfoot></table>\n";
  out << "<h3>Validator steps</h3>\n<p class=\"small\">In-process checks of the drafts and "
         "proposals; no network.</p>\n<table id=\""
      << id << "-validator-steps\" class=\"figures\">\n"
      << head << "<tbody>\n";
  step_rows(out, r, false);
  out << "</tbody></table>\n";
  std::string other;
  for (Scenario which : kAllScenarios) {
    const ScenarioStats& s = r.stats(which);
    if (s.steps_other > 0) {
      other += "<li>" + html(to_string(which)) + ": " + std::to_string(s.steps_other) +
               " step results under further step names</li>";
    }
  }
  if (!other.empty()) out << "<ul class=\"small\">" << other << "</ul>\n";
}

void failure_tables(std::ostream& out, const CaseReport& c, const std::string& id) {
  const Registry& r = c.registry;
  out << "<h3>Failures by category</h3>\n<table id=\"" << id << "-failures\" class=\"figures\">\n"
      << "<thead><tr><th scope=\"col\">category</th><th scope=\"col\" class=\"n\">failures</th>"
         "<th scope=\"col\" class=\"n\">share of runs</th><th scope=\"col\">by scenario</th>"
         "</tr></thead>\n<tbody>\n";
  for (int k = 0; k < kFailureKindCount; ++k) {
    const auto kind = static_cast<FailureKind>(k);
    std::uint64_t total = 0;
    std::string by;
    for (Scenario which : kAllScenarios) {
      const std::uint64_t n = r.stats(which).failure_kind(kind);
      if (n == 0) continue;
      total += n;
      by += (by.empty() ? "" : " · ") + html(to_string(which)) + " " + std::to_string(n);
    }
    if (total == 0) continue;
    out << "<tr>" << td(html(to_string(kind)), false) << td(std::to_string(total))
        << td(percent(total, r.total_runs(), 2)) << td(by, false) << "</tr>\n";
  }
  if (r.total_failures() == 0) {
    out << "<tr class=\"none\"><td colspan=\"4\">no failure: every run passed</td></tr>\n";
  }
  out << "</tbody></table>\n";
  if (r.total_failures() == 0) return;

  out << "<h4>Where they broke</h4>\n<table id=\"" << id << "-failed-at\" class=\"figures\">\n"
      << "<thead><tr><th scope=\"col\">scenario</th><th scope=\"col\">step</th><th scope=\"col\" "
         "class=\"n\">failures</th></tr></thead>\n<tbody>\n";
  for (Scenario which : kAllScenarios) {
    const ScenarioStats& s = r.stats(which);
    for (const NamedCount& at : s.failed_at) {
      out << "<tr>" << td(html(to_string(which)), false)
          << td(at.name.empty() ? std::string("(no step)") : html(at.name), false)
          << td(std::to_string(at.count)) << "</tr>\n";
    }
    if (s.failed_at_other > 0) {
      out << "<tr>" << td(html(to_string(which)), false) << td("(other steps)", false)
          << td(std::to_string(s.failed_at_other)) << "</tr>\n";
    }
  }
  out << "</tbody></table>\n";

  out << "<h4>Error samples</h4>\n<table id=\"" << id << "-errors\" class=\"figures errors\">\n"
      << "<thead><tr><th scope=\"col\" class=\"n\">count</th><th scope=\"col\">scenario</th>"
         "<th scope=\"col\">category</th><th scope=\"col\">step</th><th "
         "scope=\"col\">message</th></tr></thead>\n<tbody>\n";
  std::uint64_t beyond = 0;
  for (Scenario which : kAllScenarios) {
    const ScenarioStats& s = r.stats(which);
    beyond += s.errors_other;
    for (const ErrorSample& e : s.errors) {
      out << "<tr>" << td(std::to_string(e.count)) << td(html(to_string(which)), false)
          << td(html(to_string(e.kind)), false)
          << td(e.failed_at.empty() ? std::string("(no step)") : html(e.failed_at), false)
          << "<td><code class=\"message\">" << html(e.message) << "</code></td></tr>\n";
    }
  }
  out << "</tbody></table>\n";
  if (beyond > 0) {
    out << "<p class=\"small\">" << beyond
        << " further failures differ from the samples shown (at most "
        << ScenarioStats::kMaxErrorSamples << " distinct samples are kept per scenario).</p>\n";
  }
}

void other_figures(std::ostream& out, const CaseReport& c, const std::string& id) {
  const Registry& r = c.registry;
  std::string rows;
  for (Scenario which : kAllScenarios) {
    const ScenarioStats& s = r.stats(which);
    std::string parts;
    for (int k = 0; k < kValidationCategoryCount; ++k) {
      if (s.validator[k] == 0) continue;
      parts += (parts.empty() ? "" : " · ") + html(to_string(static_cast<ValidationCategory>(k))) +
               " " + std::to_string(s.validator[k]);
    }
    if (!parts.empty())
      rows += "<tr>" + td(html(to_string(which)), false) + td(parts, false) + "</tr>\n";
  }
  if (!rows.empty()) {
    out << "<h3>Validator outcomes</h3>\n<table id=\"" << id
        << "-validator\" class=\"figures\"><thead><tr><th scope=\"col\">scenario</th><th "
           "scope=\"col\">outcomes</th></tr></thead>\n<tbody>\n"
        << rows << "</tbody></table>\n";
  }
  const ScenarioStats& cache = r.stats(Scenario::repeat_cache);
  if (cache.ratio_count > 0) {
    out << "<p>repeat_cache first search / mean of the rest: <strong>"
        << format_fixed(cache.ratio_mean(), 2) << "×</strong> (mean over " << cache.ratio_count
        << " runs).</p>\n";
  }
}

void open_model_tables(std::ostream& out, const CaseReport& c, const std::string& id) {
  if (!c.open()) return;
  const ScheduleStats& s = c.registry.schedule();
  const ExecutorSettings& e = c.executor;
  out << "<h3>Schedule (open model)</h3>\n<table class=\"kv\" id=\"" << id << "-schedule\">\n";
  row(out, "executor",
      html(to_string(e.kind)) + ", " + html(to_string(e.arrivals)) + " arrivals, " +
          html(to_string(e.when_busy)) + " when busy" +
          (e.when_busy == WhenBusy::queue ? ", backlog ≤ " + std::to_string(e.max_backlog)
                                          : std::string()) +
          ", " + std::to_string(e.max_vus) + " VUs");
  row(out, "target rate", format_fixed(c.target_rate(), 1) + " starts/s");
  row(out, "achieved rate", format_fixed(c.achieved_rate(), 1) + " starts/s");
  row(out, "planned starts", std::to_string(s.planned));
  row(out, "started", std::to_string(s.started));
  std::string dropped =
      std::to_string(s.total_dropped()) + " (" + percent(s.total_dropped(), s.planned) + ")";
  std::string by;
  for (Scenario which : kAllScenarios) {
    const std::uint64_t d = s.dropped[static_cast<std::size_t>(which)];
    if (d) by += (by.empty() ? "" : " · ") + html(to_string(which)) + " " + std::to_string(d);
  }
  if (!by.empty()) dropped += ": " + by;
  row(out, "dropped", dropped);
  row(out, "late starts (> " + format_duration(ScheduleStats::kLate) + ")",
      std::to_string(s.late) + " (" + percent(s.late, s.started) + "); lateness p50 " +
          format_duration(s.lateness.percentile(0.5)) + ", p99 " +
          format_duration(s.lateness.percentile(0.99)) + ", max " +
          format_duration(s.lateness.max()));
  out << "</table>\n";

  out << "<h3>Corrected beside raw latency</h3>\n<p class=\"small\">Raw: from the actual start. "
         "Corrected: from the planned start, so it includes the wait for a free VU.</p>\n"
         "<table id=\""
      << id
      << "-corrected\" class=\"figures\">\n<thead><tr><th scope=\"col\">scenario</th><th "
         "scope=\"col\">measured from</th><th scope=\"col\" class=\"n\">mean</th>";
  for (const char* name : kTableQuantileNames)
    out << "<th scope=\"col\" class=\"n\">" << name << "</th>";
  out << "</tr></thead>\n<tbody>\n";
  for (Scenario which : kAllScenarios) {
    const ScenarioStats& stats = c.registry.stats(which);
    if (stats.runs == 0) continue;
    for (const auto& [what, h] :
         {std::pair<const char*, const LatencyHistogram*>{"scenario, raw", &stats.latency},
          {"scenario, corrected", &stats.corrected},
          {"first step, raw", &stats.first_step},
          {"first step, corrected", &stats.first_step_corrected}}) {
      out << "<tr>" << td(html(to_string(which)), false) << td(what, false) << latency_cells(*h)
          << "</tr>\n";
    }
  }
  out << "</tbody></table>\n";
}

struct ChartSpec {
  const char* suffix;
  const char* label;
  std::string caption;
};

void chart(std::ostream& out, const std::string& id, const ChartSpec& chart, bool wide = false) {
  out << "<figure class=\"chart" << (wide ? " wide" : "") << "\"><figcaption>" << html(chart.label)
      << "</figcaption><div class=\"canvas\"><canvas id=\"" << id << "-" << chart.suffix
      << "\" role=\"img\" aria-label=\"" << html(chart.label)
      << "\"></canvas></div><p class=\"small\">" << chart.caption << "</p></figure>\n";
}

void charts(std::ostream& out, const CaseReport& c, const std::string& id, const Timeline& line,
            const RunSettings& settings, bool library) {
  out << "<h3>Charts</h3>\n";
  if (!library) {
    out << "<p class=\"note\">No charts: the chart library was missing when this report was "
           "written (see the note at the top). The tables below have every figure.</p>\n";
    return;
  }
  out << "<div class=\"charts\">\n";
  if (!line.points.empty()) {
    const std::string per_point =
        line.group > 1 ? "Each point merges " + std::to_string(line.group) + " intervals of " +
                             html(seconds(line.interval_s)) + " (at most " +
                             std::to_string(kMaxPoints) + " points per line)."
                       : "Each point is one interval of " + html(seconds(line.interval_s)) + ".";
    chart(out, id,
          {"throughput", "Throughput and errors over time",
           "Completed scenario runs and HTTP requests per second (left axis); failed scenario "
           "runs and failed HTTP requests per second (right axis)" +
               std::string(
                   c.open() ? ", starts dropped per second (right) and the target start rate (left)"
                            : "") +
               ". " + per_point});
    chart(out, id,
          {"latency", "Latency percentiles over time",
           "End to end (solid) and per HTTP request (dashed)" +
               std::string(c.open() ? "; corrected end-to-end p99 dotted" : "") + ". " + per_point +
               " Per-point percentiles come from the coarser interval histograms (within " +
               format_fixed(100.0 * IntervalHistogram::kMaxRelativeError, 1) + " %)."});
  } else {
    out << "<p class=\"note\">No time series was recorded for this case, so there are no charts "
           "over time.</p>\n";
  }
  if (c.registry.total_runs() > 0) {
    chart(out, id,
          {"distribution", "Latency distribution per scenario",
           std::string("End-to-end latency at each percentile, from the full-resolution "
                       "histograms") +
               (c.open()
                    ? "; raw solid, corrected (from the planned start) dashed in the same colour."
                    : ".")});
  }
  if (!line.points.empty()) {
    if (line.footprint) {
      chart(out, id,
            {"footprint", "Gateway CPU and memory over time",
             std::string("CPU in % of one core over each interval (line, left axis); resident "
                         "set size (shaded, right axis).") +
                 (line.group > 1 ? " A merged point shows the mean CPU and the peak RSS of its "
                                   "intervals."
                                 : "")});
    } else {
      out << "<p class=\"note footprint-note\" id=\"" << id
          << "-footprint-note\">The gateway's CPU and memory were not sampled"
          << (settings.footprint_note.empty() ? std::string(" in this case")
                                              : ": " + html(settings.footprint_note))
          << ".</p>\n";
    }
  }
  out << "</div>\n";
}

void case_section(std::ostream& out, const RunReport& report, const CaseReport& c,
                  std::size_t number, const Timeline& line, bool library) {
  const std::string id = "case" + std::to_string(number);
  const Registry& r = c.registry;
  out << "<section class=\"case\" id=\"" << id << "\">\n<h2>" << html(c.name)
      << " <span class=\"label\">" << html(c.label) << "</span> <span class=\"tag "
      << (c.passed() ? "tag-pass\">PASSED" : "tag-fail\">FAILED")
      << "</span></h2>\n<p class=\"figures-line\">" << plural(r.total_runs(), "run", "runs")
      << " in " << format_fixed(c.wall_s, 3) << " s (" << format_fixed(c.rate(), 1) << "/s) · "
      << plural(static_cast<std::uint64_t>(std::max(c.vus, 0)), "VU", "VUs") << " on "
      << plural(static_cast<std::uint64_t>(std::max(c.threads, 0)), "thread", "threads");
  if (c.stress) out << " · executor " << html(to_string(c.executor.kind));
  if (c.mix) out << " · weights " << weights_html(c.weights);
  if (c.warmup_s > 0) out << " · after " << format_fixed(c.warmup_s, 1) << " s of warm-up";
  out << "</p>\n";
  const FootprintSummary footprint = footprint_summary(r.series());
  if (footprint.samples > 0 || footprint.peak_rss_bytes > 0) {
    out << "<p class=\"figures-line\">gateway: CPU mean "
        << format_fixed(footprint.mean_cpu_percent, 1) << " % (peak "
        << format_fixed(footprint.peak_cpu_percent, 1) << " %) of one core over "
        << plural(footprint.samples, "sample", "samples") << " · peak RSS "
        << mib(footprint.peak_rss_bytes) << "</p>\n";
  }
  if (c.interrupted) {
    out << "<p class=\"banner banner-bad\">INTERRUPTED after "
        << format_fixed(c.interrupted_after_s, 1) << " s: the figures are partial.</p>\n";
  }
  if (!c.error.empty())
    out << "<p class=\"banner banner-bad\">error: " << html(c.error) << "</p>\n";
  verdicts_table(out, c, report.thresholds, id);
  if (c.error.empty() && r.total_runs() > 0) {
    charts(out, c, id, line, report.settings, library);
    scenario_table(out, c, id);
    step_tables(out, c, id);
    failure_tables(out, c, id);
    other_figures(out, c, id);
    open_model_tables(out, c, id);
  }
  out << "</section>\n";
}

// "Chart.js v3.9.1" from the library's banner comment, or "Chart.js".
std::string library_name(const std::string& text) {
  const auto at = text.find("Chart.js v");
  if (at == std::string::npos || at > 200) return "Chart.js";
  std::size_t end = at + 10;
  while (end < text.size() && end < at + 30 &&
         (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '.' ||
          text[end] == '-')) {
    ++end;
  }
  return text.substr(at, end - at);
}

class HtmlReporter final : public Reporter {
 public:
  HtmlReporter(std::string library, std::string note)
      : name_(library_name(library)),
        library_(script_safe(std::move(library))),
        note_(std::move(note)) {
    if (library_.empty() && note_.empty())
      note_ = "no chart library was given to the report writer";
  }

  void write(const RunReport& report, std::ostream& out) const override {
    const bool library = !library_.empty();
    std::vector<Timeline> lines;
    lines.reserve(report.cases.size());
    for (const CaseReport& c : report.cases) lines.push_back(timeline(c.registry.series()));

    std::string result = report.passed() ? "PASSED" : report.partial ? "PARTIAL" : "FAILED";
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<title>multitier load report: "
        << result << "</title>\n<style>" << html_assets::kStyle
        << "</style>\n</head>\n<body>\n<main>\n"
        << "<h1>multitier load report</h1>\n<p class=\"sub\">multitier "
        << html(report.settings.version) << " · gateway " << html(report.settings.gateway)
        << " · mode " << html(report.settings.mode) << " · seed " << report.settings.seed << " · "
        << plural(report.cases.size(), "case", "cases") << ", "
        << plural(report.total_runs(), "run", "runs") << ", "
        << plural(report.total_failures(), "failure", "failures") << " in "
        << format_fixed(report.wall_s(), 1) << " s</p>\n";
    banner(out, report);
    if (!library) {
      out << "<p class=\"note\" id=\"library-note\">No charts: " << html(note_) << ".</p>\n";
    }
    out << "<p class=\"small\" id=\"accuracy\">The tables' percentiles come from the "
           "full-resolution histograms (within "
        << format_fixed(100.0 * LatencyHistogram::kMaxRelativeError, 2)
        << " % of the exact value); the per-interval percentiles of the charts over time come "
           "from coarser interval histograms (within "
        << format_fixed(100.0 * IntervalHistogram::kMaxRelativeError, 1)
        << " %). Counts, minimum and maximum are exact.</p>\n";

    settings_table(out, report,
                   library ? html(name_) + ", inlined in this file" : "none (" + html(note_) + ")");
    out << "<nav class=\"small\">Cases: ";
    for (std::size_t i = 0; i < report.cases.size(); ++i) {
      out << (i ? " · " : "") << "<a href=\"#case" << i + 1 << "\">" << html(report.cases[i].name)
          << "</a>";
    }
    if (report.cases.empty()) out << "none ran";
    out << "</nav>\n";
    for (std::size_t i = 0; i < report.cases.size(); ++i) {
      case_section(out, report, report.cases[i], i + 1, lines[i], library);
    }
    if (report.cases.empty()) out << "<p class=\"note\">No case ran.</p>\n";
    out << "<footer>Written by multitier " << html(report.settings.version)
        << ". This file is self-contained: it loads nothing from the network.</footer>\n</main>\n";

    out << "<script type=\"application/json\" id=\"report-data\">{\"cases\":[";
    for (std::size_t i = 0; i < report.cases.size(); ++i) {
      if (i) out << ',';
      case_data(out, report.cases[i], i + 1, lines[i]);
    }
    out << "]}</script>\n";
    if (library) out << "<script>\n" << library_ << "\n</script>\n";
    out << "<script>" << html_assets::kScript << "</script>\n</body>\n</html>\n";
  }

  std::string_view file_name() const override { return "report.html"; }

 private:
  std::string name_;
  std::string library_;
  std::string note_;
};

}  // namespace

std::unique_ptr<Reporter> make_html_reporter(std::string chart_library,
                                             std::string missing_library_note) {
  return std::make_unique<HtmlReporter>(std::move(chart_library), std::move(missing_library_note));
}

}  // namespace multitier
