// report.html: a self-contained page (nothing fetched, the library inlined and made safe inside
// <script>), every text escaped, the data blob readable as JSON, the missing-library note, the
// banners, and long runs merged to at most 1000 points per line. tests/browser/ opens a real
// one in Chromium.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "multitier/common/utf8.h"
#include "multitier/report/reporter.h"

namespace multitier {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A stand-in for Chart.js: a banner like the real one's and the sequences that would end or
// change a <script> element if they were copied as they are.
const std::string kLibrary =
    "/*!\n * Chart.js v3.9.1\n */\nvar Chart = function () {}; var a = '</script>', "
    "b = '</SCRIPT >', c = '<!--';\n";
const std::string kHostile =
    "status 500: </script><img src=x onerror=alert(1)><script>alert(2)</script> & \"q\" 'a'"
    "\x01\xff\xed\xa0\x80 \xe2\x80\xa8 end";
constexpr std::int64_t kSecond = 1'000'000'000;
// Interval 1,800,000,000 s of the epoch: an arbitrary wall-clock start.
constexpr std::int64_t kStart = 1'800'000'000 * kSecond;

ScenarioResult result(Scenario scenario, Nanos latency, bool ok = true) {
  ScenarioResult r;
  r.scenario = scenario;
  r.success = ok;
  r.latency = latency;
  r.steps.push_back({"search", latency - milliseconds{1}, Failure::ok(), true});
  r.steps.push_back({"email_validate", milliseconds{1}, Failure::ok(), false});
  if (!ok) {
    r.failed_at = "search";
    r.failure = Failure{FailureKind::http_status, kHostile};
    r.steps[0].failure = r.failure;
  }
  return r;
}

// A case of `seconds_run` 1 s intervals, 20 runs per interval (every tenth failing when
// `failures`), with the gateway sampled when `footprint`.
CaseReport make_case(int seconds_run, bool failures, bool footprint) {
  CaseReport c;
  c.name = "Mix.WeightedWorkload";
  c.label = "mix";
  c.mix = true;
  c.weights = {{Scenario::cold_search_email, 35}, {Scenario::profile_swap, 15}};
  c.stress = true;
  c.vus = 4, c.threads = 1, c.wall_s = seconds_run;
  Registry& r = c.registry;
  r.series() = TimeSeries(seconds{1});
  for (int s = 0; s < seconds_run; ++s) {
    for (int k = 0; k < 20; ++k) {
      const Scenario which = k % 2 ? Scenario::profile_swap : Scenario::cold_search_email;
      const WallNanos at = kStart + s * kSecond + k * (kSecond / 20);
      r.record(result(which, milliseconds{2 + k % 7}, !(failures && k == 3)), at);
    }
  }
  r.series().finish();
  TimeSeries& series = r.series();
  series.begin = kStart;
  series.end = kStart + seconds_run * kSecond;
  series.fill(series.index_of(series.begin), series.index_of(series.end - 1));
  if (footprint) {
    for (SeriesInterval& interval : series.intervals()) {
      interval.gateway_cpu_percent = 42.5;
      interval.gateway_rss_bytes = 300ull << 20;
    }
  }
  return c;
}

RunReport make_report(CaseReport c) {
  RunReport report;
  RunSettings& s = report.settings;
  s.gateway = "http://127.0.0.1:4110", s.corpus = "workers", s.mode = "stress";
  s.concurrency = 4, s.duration_s = 10, s.seed = 987654321, s.threads = 1, s.version = "0.9.0";
  s.timeout_s = 10, s.connect_timeout_s = 2, s.interval_s = 1;
  s.queries = "generated", s.roster = "seed";
  s.footprint_note = "the gateway is not a local process";
  report.thresholds.p99_budget[Scenario::profile_swap] = milliseconds{250};
  report.cases.push_back(std::move(c));
  for (CaseReport& each : report.cases) judge(each, report.thresholds, each.wall_s);
  return report;
}

std::string write(const RunReport& report, const std::string& library = kLibrary,
                  const std::string& note = "") {
  std::ostringstream out;
  make_html_reporter(library, note)->write(report, out);
  return out.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The page without the contents of its <script> elements (what an HTML parser reads as markup).
std::string markup(const std::string& page) {
  std::string out;
  std::size_t at = 0;
  const std::string text = lower(page);
  while (true) {
    const auto open = text.find("<script", at);
    if (open == std::string::npos) break;
    const auto body = text.find('>', open);
    const auto close = text.find("</script", body);
    if (body == std::string::npos || close == std::string::npos) return "(unterminated script)";
    out += page.substr(at, body + 1 - at);
    at = close;
  }
  return out + page.substr(at);
}

// Every element outside scripts closed in order (void elements excepted); "" when balanced,
// else what went wrong.
std::string unbalanced(const std::string& page) {
  static const std::vector<std::string> kVoid = {"meta", "br", "wbr", "hr", "img", "input", "link"};
  const std::string text = markup(page);
  std::vector<std::string> open;
  static const std::regex kTag("<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kTag); it != std::sregex_iterator();
       ++it) {
    const std::string name = lower((*it)[2].str());
    if (std::find(kVoid.begin(), kVoid.end(), name) != kVoid.end()) continue;
    if ((*it)[1].str().empty()) {
      open.push_back(name);
    } else if (open.empty() || open.back() != name) {
      return "</" + name + "> closes " + (open.empty() ? std::string("nothing") : open.back());
    } else {
      open.pop_back();
    }
  }
  return open.empty() ? "" : "<" + open.back() + "> is never closed";
}

// The JSON blob of the page, parsed.
rapidjson::Document data(const std::string& page) {
  const std::string tag = "<script type=\"application/json\" id=\"report-data\">";
  const auto from = page.find(tag);
  EXPECT_NE(from, std::string::npos);
  const auto to = page.find("</script>", from);
  rapidjson::Document doc;
  doc.Parse(page.substr(from + tag.size(), to - from - tag.size()).c_str());
  EXPECT_FALSE(doc.HasParseError());
  return doc;
}

TEST(HtmlReport, IsOneWellFormedPage) {
  const std::string page = write(make_report(make_case(10, true, true)));
  EXPECT_EQ(page.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
  EXPECT_TRUE(page.ends_with("</body>\n</html>\n"));
  EXPECT_EQ(unbalanced(page), "");
  EXPECT_TRUE(utf8::valid(page));
  EXPECT_NE(page.find("<meta charset=\"utf-8\">"), std::string::npos);
  // Three scripts: the data, the library, the page's own; each closes where it should.
  EXPECT_EQ(count(lower(page), "<script"), 3u);
  EXPECT_EQ(count(lower(page), "</script"), 3u);
  EXPECT_EQ(make_html_reporter("", "")->file_name(), "report.html");
}

TEST(HtmlReport, LoadsNothingFromOutside) {
  const std::string page = lower(write(make_report(make_case(10, true, true))));
  for (const char* external :
       {"src=\"http", "src='http", "src=http", "href=\"http", "href=http", "<link", "@import",
        "url(", "<iframe", "<img", "<object", "<embed", "<base", "fonts.googleapis", "cdn."}) {
    EXPECT_EQ(page.find(external), std::string::npos) << external;
  }
  // Every <script> is inline, and the policy forbids any fetch as well.
  EXPECT_EQ(page.find("<script src"), std::string::npos);
  EXPECT_NE(page.find("content-security-policy\" content=\"default-src 'none'"), std::string::npos);
}

TEST(HtmlReport, InlinesTheLibraryWithoutEndingItsScript) {
  const std::string page = write(make_report(make_case(3, false, false)));
  EXPECT_NE(page.find("var Chart = function () {}; var a = '<\\/script>', b = '<\\/SCRIPT >', "
                      "c = '<\\!--';"),
            std::string::npos);
  EXPECT_NE(page.find("Chart.js v3.9.1, inlined in this file"), std::string::npos);
  EXPECT_EQ(page.find("id=\"library-note\""), std::string::npos);
  EXPECT_NE(page.find("<canvas id=\"case1-throughput\""), std::string::npos);
}

TEST(HtmlReport, EscapesHostileText) {
  CaseReport c = make_case(4, true, false);
  c.name = "Mix.</script><img src=x onerror=alert(3)>";
  RunReport report = make_report(std::move(c));
  report.settings.headers = {"X-Evil: <b>bold</b>"};
  const std::string page = write(report);
  EXPECT_TRUE(utf8::valid(page));
  EXPECT_EQ(unbalanced(page), "");
  EXPECT_EQ(lower(page).find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<b>"), std::string::npos);
  // The error sample, in the table, escaped, with the control character and the bad bytes gone.
  EXPECT_NE(page.find("<code class=\"message\">status 500: &lt;/script&gt;&lt;img src=x "
                      "onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt; &amp; "
                      "&quot;q&quot; &#39;a&#39; \xe2\x80\xa8 end</code>"),
            std::string::npos);
  EXPECT_NE(page.find("Mix.&lt;/script&gt;&lt;img src=x onerror=alert(3)&gt;"), std::string::npos);
  // In the JSON blob the case name has no '<' at all, and reads back as it was.
  const rapidjson::Document doc = data(page);
  EXPECT_STREQ(doc["cases"][0]["name"].GetString(), "Mix.</script><img src=x onerror=alert(3)>");
  EXPECT_NE(page.find("\"name\":\"Mix.\\u003c/script\\u003e\\u003cimg"), std::string::npos);
  EXPECT_EQ(count(lower(page), "</script"), 3u);
}

TEST(HtmlReport, ShowsTheNoteAndTheTablesWithoutTheLibrary) {
  const RunReport report = make_report(make_case(5, true, true));
  const std::string page = write(report, "", "install Debian's libjs-chart.js");
  EXPECT_NE(page.find("<p class=\"note\" id=\"library-note\">No charts: install Debian&#39;s "
                      "libjs-chart.js.</p>"),
            std::string::npos);
  EXPECT_EQ(page.find("<canvas"), std::string::npos);
  EXPECT_EQ(count(lower(page), "<script"), 2u);  // the data and the page's own script
  for (const char* table :
       {"id=\"settings\"", "id=\"thresholds\"", "id=\"case1-verdicts\"", "id=\"case1-scenarios\"",
        "id=\"case1-http-steps\"", "id=\"case1-validator-steps\"", "id=\"case1-failures\"",
        "id=\"case1-errors\""}) {
    EXPECT_NE(page.find(table), std::string::npos) << table;
  }
  EXPECT_EQ(unbalanced(page), "");
  // The page's script returns before drawing when Chart is undefined.
  EXPECT_NE(page.find("if (typeof Chart === 'undefined') return;"), std::string::npos);

  std::ostringstream plain;
  make_reporter("html")->write(report, plain);
  EXPECT_NE(plain.str().find("No charts: no chart library was given to the report writer."),
            std::string::npos);
}

TEST(HtmlReport, HoldsTheDataOfTheChartsAndTables) {
  const std::string page = write(make_report(make_case(10, true, true)));
  const rapidjson::Document doc = data(page);
  const auto& c = doc["cases"][0];
  EXPECT_STREQ(c["id"].GetString(), "case1");
  ASSERT_EQ(c["t"].Size(), 10u);
  EXPECT_DOUBLE_EQ(c["t"][0].GetDouble(), 0.5);
  EXPECT_DOUBLE_EQ(c["throughput"]["scenarios"][3].GetDouble(), 20);
  EXPECT_DOUBLE_EQ(c["throughput"]["requests"][3].GetDouble(), 20);
  EXPECT_DOUBLE_EQ(c["throughput"]["failures"][3].GetDouble(), 1);
  EXPECT_FALSE(c["throughput"].HasMember("dropped"));  // closed model
  const double p99 = c["latency"]["p99"][3].GetDouble();
  EXPECT_GT(p99, 7.5);
  EXPECT_LE(p99, 8.0 * (1 + IntervalHistogram::kMaxRelativeError));
  EXPECT_DOUBLE_EQ(c["footprint"]["cpu"][0].GetDouble(), 42.5);
  EXPECT_DOUBLE_EQ(c["footprint"]["rss_mib"][0].GetDouble(), 300);
  const auto& lines = c["distribution"]["lines"];
  ASSERT_EQ(lines.Size(), 2u);
  EXPECT_STREQ(lines[0]["name"].GetString(), "cold_search_email");
  EXPECT_STREQ(lines[1]["name"].GetString(), "profile_swap");
  EXPECT_EQ(lines[0]["raw"].Size(), 6u);
  EXPECT_DOUBLE_EQ(lines[0]["raw"][5].GetDouble(), 8);  // max: exact
  EXPECT_NE(page.find("<canvas id=\"case1-footprint\""), std::string::npos);

  // The tables: settings with the seed, thresholds, verdicts, the failures by category.
  EXPECT_NE(page.find("<th scope=\"row\">seed</th><td><strong class=\"seed\">987654321</strong>"),
            std::string::npos);
  EXPECT_NE(page.find("<th scope=\"row\">p99 budget profile_swap</th><td>250ms</td>"),
            std::string::npos);
  EXPECT_NE(page.find("<td>http_status</td><td class=\"n\">10</td>"), std::string::npos);
  EXPECT_NE(page.find("<td>email_validate</td>"), std::string::npos);
  EXPECT_NE(page.find("coarser interval histograms (within 3.2 %)"), std::string::npos);
}

TEST(HtmlReport, SaysWhyTheGatewayWasNotSampled) {
  const std::string page = write(make_report(make_case(5, false, false)));
  EXPECT_EQ(page.find("<canvas id=\"case1-footprint\""), std::string::npos);
  EXPECT_NE(page.find("The gateway's CPU and memory were not sampled: the gateway is not a "
                      "local process."),
            std::string::npos);
  EXPECT_FALSE(data(page)["cases"][0].HasMember("footprint"));
}

TEST(HtmlReport, MergesAnHourIntoAtMostAThousandPoints) {
  const std::string page = write(make_report(make_case(3600, false, true)));
  const rapidjson::Document doc = data(page);
  const auto& c = doc["cases"][0];
  EXPECT_EQ(c["group"].GetInt(), 4);
  EXPECT_EQ(c["t"].Size(), 900u);
  EXPECT_EQ(c["throughput"]["scenarios"].Size(), 900u);
  EXPECT_DOUBLE_EQ(c["throughput"]["scenarios"][10].GetDouble(), 20);  // a rate, not a sum
  EXPECT_DOUBLE_EQ(c["t"][0].GetDouble(), 2);
  EXPECT_NE(page.find("Each point merges 4 intervals of 1s"), std::string::npos);
  // The library is most of the file: the data of an hour stays small.
  RecordProperty("html_bytes", std::to_string(page.size()));
  EXPECT_LT(page.size(), 200'000u);
}

TEST(HtmlReport, BannersThePartialAndTheFailedRun) {
  RunReport passed = make_report(make_case(3, false, false));
  ASSERT_TRUE(passed.passed());
  EXPECT_NE(write(passed).find("<div class=\"banner banner-good\" id=\"banner\"><strong>PASSED"),
            std::string::npos);

  const std::string failed = write(make_report(make_case(3, true, false)));
  EXPECT_NE(failed.find("<div class=\"banner banner-bad\" id=\"banner\" "
                        "role=\"alert\"><strong>FAILED</strong>: 1 of 1 case failed."),
            std::string::npos);
  EXPECT_NE(failed.find("<title>multitier load report: FAILED</title>"), std::string::npos);

  RunReport partial = make_report(make_case(3, false, false));
  partial.partial = true;
  partial.partial_reason = "interrupted by a signal after 1.5 s of 10 s per case";
  const std::string text = write(partial);
  EXPECT_NE(text.find("<strong>PARTIAL REPORT</strong>: interrupted by a signal after 1.5 s of "
                      "10 s per case."),
            std::string::npos);
}

TEST(HtmlReport, PutsCorrectedBesideRawInTheOpenModel) {
  CaseReport c;
  c.name = "Mix.WeightedWorkload";
  c.label = "mix";
  c.mix = true;
  c.weights = {{Scenario::cold_search_email, 1}};
  c.stress = true;
  c.vus = 4, c.threads = 1;
  c.registry.series() = TimeSeries(seconds{1});
  c.executor.kind = ExecutorKind::constant_arrival_rate;
  c.executor.rate = 20, c.executor.max_vus = 4;
  c.wall_s = 2;
  Registry& r = c.registry;
  for (int s = 0; s < 2; ++s) {
    for (int k = 0; k < 20; ++k) {
      ScenarioResult one = result(Scenario::cold_search_email, milliseconds{3});
      one.waited = milliseconds{k};
      r.record(one, kStart + s * kSecond + k * (kSecond / 20));
      r.schedule().count_planned(0);
      r.schedule().count_started(0, milliseconds{k});
    }
    r.series().count_dropped(Scenario::cold_search_email, kStart + (s + 1) * kSecond - 1);
    r.schedule().count_dropped(Scenario::cold_search_email, 0);
  }
  r.series().finish();
  r.series().begin = kStart, r.series().end = kStart + 2 * kSecond;
  ASSERT_TRUE(c.open());
  const std::string page = write(make_report(std::move(c)));
  const rapidjson::Document doc = data(page);
  const auto& d = doc["cases"][0];
  EXPECT_TRUE(d["open"].GetBool());
  EXPECT_DOUBLE_EQ(d["throughput"]["dropped"][0].GetDouble(), 1);
  EXPECT_TRUE(d["throughput"].HasMember("target"));
  EXPECT_TRUE(d["latency"].HasMember("corrected_p99"));
  ASSERT_TRUE(d["distribution"]["lines"][0].HasMember("corrected"));
  EXPECT_GT(d["distribution"]["lines"][0]["corrected"][5].GetDouble(),
            d["distribution"]["lines"][0]["raw"][5].GetDouble());
  EXPECT_NE(page.find("id=\"case1-corrected\""), std::string::npos);
  EXPECT_NE(page.find("id=\"case1-schedule\""), std::string::npos);
  EXPECT_NE(page.find("<td>scenario, corrected</td>"), std::string::npos);
}

TEST(HtmlReport, ReportsACaseThatDidNotRun) {
  CaseReport c;
  c.name = "Scenarios/Workflow.Passes/ColdSearchEmail";
  c.label = "cold_search_email";
  c.weights = {{Scenario::cold_search_email, 1}};
  c.error = "the gateway at http://127.0.0.1:1 did not answer: <refused>";
  const std::string page = write(make_report(std::move(c)));
  EXPECT_EQ(unbalanced(page), "");
  EXPECT_NE(page.find("error: the gateway at http://127.0.0.1:1 did not answer: &lt;refused&gt;"),
            std::string::npos);
  EXPECT_EQ(page.find("<canvas"), std::string::npos);
  EXPECT_NE(page.find("<strong>FAILED</strong>"), std::string::npos);

  std::ostringstream none;
  make_html_reporter(kLibrary, "")->write(RunReport{}, none);
  EXPECT_EQ(unbalanced(none.str()), "");
  EXPECT_NE(none.str().find("no case ran"), std::string::npos);
}

}  // namespace
}  // namespace multitier
