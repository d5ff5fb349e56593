#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <map>
#include <sstream>
#include <string>

#include "multitier/report/reporter.h"

namespace multitier {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
namespace pt = boost::property_tree;

// Quotes, markup, a C0 control, a stray byte, a UTF-8-encoded surrogate and an emoji.
const std::string kNasty =
    "status 500: {\"error\":\"<boom> & 'x'\"}\x01\xff\xed\xa0\x80 \xf0\x9f\x9a\x80 end";
const std::string kSingle = "Scenarios/Workflow.Passes/ColdSearchEmail";
const std::string kMix = "Mix.WeightedWorkload";
const std::string kRefused = "the gateway at http://127.0.0.1:4110 did not answer: refused";

ScenarioResult passing(Scenario scenario) {
  ScenarioResult ok;
  ok.scenario = scenario;
  ok.success = true;
  ok.latency = milliseconds{2};
  ok.steps.push_back({"search", milliseconds{1}, Failure::ok(), true});
  ok.validator = ValidationCategory::pass;
  return ok;
}

ScenarioResult failing_surge() {
  ScenarioResult bad;
  bad.scenario = Scenario::surge_fill_validate;
  bad.failed_at = "playbook_record";
  bad.failure = Failure{FailureKind::http_status, kNasty};
  bad.latency = milliseconds{5};
  bad.steps.push_back({"search", milliseconds{1}, Failure::ok(), true});
  bad.steps.push_back({"playbook_record", milliseconds{4}, bad.failure, true});
  bad.validator = ValidationCategory::fail_policy;
  return bad;
}

CaseReport make_case(std::string name, std::string label,
                     std::vector<std::pair<Scenario, int>> weights) {
  CaseReport c;
  c.name = std::move(name);
  c.label = std::move(label);
  c.weights = std::move(weights);
  return c;
}

bool ends_with(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

const pt::ptree kNone;

// "tests=3 failures=1 errors=0 time=6.000" of a testsuite(s) element.
std::string counts(const pt::ptree& node) {
  std::string text;
  for (const char* name : {"tests", "failures", "errors", "time"}) {
    if (!text.empty()) text += ' ';
    text += name;
    text += '=';
    text += node.get<std::string>(std::string("<xmlattr>.") + name, "?");
  }
  return text;
}

std::map<std::string, std::string> properties(const pt::ptree& node) {
  std::map<std::string, std::string> out;
  for (const auto& [tag, p] : node.get_child("properties", kNone)) {
    if (tag == "property")
      out[p.get<std::string>("<xmlattr>.name")] = p.get<std::string>("<xmlattr>.value");
  }
  return out;
}

// Each of `want` is "key=value"; `have(key)` is what the report says there.
template <class Have>
void expect_each(std::initializer_list<std::string> want, Have have) {
  for (const std::string& w : want) {
    const auto eq = w.find('=');
    EXPECT_EQ(have(w.substr(0, eq)), w.substr(eq + 1)) << w;
  }
}

// "name=value" of the node's properties.
void expect_properties(const pt::ptree& node, std::initializer_list<std::string> want) {
  auto have = properties(node);
  expect_each(want, [&](const std::string& name) { return have[name]; });
}

// The JSON text of the value at `pointer` ("/cases/0/runs" gives "30"), or "(missing)".
std::string json_at(const rapidjson::Document& doc, const std::string& pointer) {
  const rapidjson::Value* value = rapidjson::Pointer(pointer.c_str()).Get(doc);
  if (!value) return "(missing)";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value->Accept(writer);
  return buffer.GetString();
}

// "pointer=JSON text", e.g. "/cases/0/runs=30".
void expect_json(const rapidjson::Document& doc, std::initializer_list<std::string> want) {
  expect_each(want, [&](const std::string& pointer) { return json_at(doc, pointer); });
}

// Two cases with different times: a scenario alone (30 runs in 2 s) and the mix (14 runs in
// 4 s, 4 of them failing), so a rate divided by the run's total time would show.
class ReportersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunSettings& s = report.settings;
    s.gateway = "http://127.0.0.1:4110", s.corpus = "workers", s.mode = "stress";
    s.concurrency = 8, s.duration_s = 60, s.warmup_s = 5, s.seed = 424242, s.iterations = 20;
    s.weights = {{Scenario::cold_search_email, 35}, {Scenario::surge_fill_validate, 15}};
    s.timeout_s = 10, s.connect_timeout_s = 2, s.threads = 2, s.version = "0.1.0";
    s.headers = {"Authorization: [redacted]", "X-Trace: on"};
    report.thresholds.p99_budget[Scenario::repeat_cache] = microseconds{200};

    CaseReport single = make_case(kSingle, "cold_search_email", {{Scenario::cold_search_email, 1}});
    for (int i = 0; i < 30; ++i) single.registry.record(passing(Scenario::cold_search_email));
    single.wall_s = 2.0, single.vus = 8, single.threads = 2;
    CaseReport mix = make_case(kMix, "mix", s.weights);
    mix.mix = true;
    for (int i = 0; i < 10; ++i) mix.registry.record(passing(Scenario::cold_search_email));
    for (int i = 0; i < 4; ++i) mix.registry.record(failing_surge());
    mix.wall_s = 4.0, mix.vus = 8, mix.threads = 1;
    report.cases = {std::move(single), std::move(mix)};
    for (CaseReport& c : report.cases) judge(c, report.thresholds, 60);
  }

  void interrupt_mix() {
    report.cases[1].interrupted = true;
    report.cases[1].interrupted_after_s = 1.2;
    judge(report.cases[1], report.thresholds, 60);
  }

  // A case that never ran: the probe found no gateway.
  void add_unreachable_case() {
    CaseReport c = make_case("Scenarios/Workflow.Passes/ProfileSwap", "profile_swap",
                             {{Scenario::profile_swap, 1}});
    c.error = kRefused;
    judge(c, report.thresholds, 60);
    report.cases.push_back(std::move(c));
  }

  std::string write(std::string_view format) const {
    std::ostringstream out;
    make_reporter(format)->write(report, out);
    return out.str();
  }

  pt::ptree junit() const {
    const std::string xml = write("junit");
    EXPECT_EQ(clean_text(xml, TextTarget::xml), xml) << "only XML 1.0 characters";
    std::istringstream in(xml);
    pt::ptree tree;
    EXPECT_NO_THROW(pt::read_xml(in, tree)) << xml;
    return tree.get_child("testsuites", kNone);
  }

  rapidjson::Document json() const {
    const std::string text = write("json");
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    EXPECT_FALSE(doc.HasParseError()) << text;
    return doc;
  }

  RunReport report;
};

// The <tag name="name"> child of `parent`.
const pt::ptree& child(const pt::ptree& parent, const std::string& tag, const std::string& name) {
  for (const auto& [t, node] : parent) {
    if (t == tag && node.get<std::string>("<xmlattr>.name") == name) return node;
  }
  ADD_FAILURE() << "no " << tag << " " << name;
  return kNone;
}

TEST_F(ReportersTest, FactoryKnowsEachFormatAndItsFile) {
  EXPECT_EQ(make_reporter("console")->file_name(), "report.txt");
  EXPECT_EQ(make_reporter("junit")->file_name(), "junit.xml");
  EXPECT_EQ(make_reporter("json")->file_name(), "report.json");
  EXPECT_EQ(make_reporter("html")->file_name(), "report.html");
  EXPECT_EQ(make_reporter("csv")->file_name(), "timeseries.csv");
  EXPECT_EQ(make_reporter("openmetrics")->file_name(), "metrics.om");
  EXPECT_EQ(make_reporter("xml"), nullptr);
  EXPECT_EQ(make_reporter("result")->file_name(), "result.json");
  EXPECT_EQ(reporter_names().size(), 7u);
}

TEST_F(ReportersTest, JunitHasOneSuitePerCaseWithItsOwnTimeAndRate) {
  const pt::ptree suites = junit();
  EXPECT_EQ(counts(suites), "tests=3 failures=1 errors=0 time=6.000");
  const pt::ptree& single = child(suites, "testsuite", kSingle);
  EXPECT_EQ(counts(single), "tests=1 failures=0 errors=0 time=2.000");
  // 30 runs in its own 2 s, not in the run's 6 s.
  expect_properties(
      single, {"runs=30", "scenarios_per_s=15.00", "http_requests=30", "http_requests_per_s=15.00",
               "vus=8", "threads=2", "seed=424242", "partial=false",
               "p99_budget.repeat_cache=200us", "p99_budget_ms.repeat_cache=0.2"});
  const pt::ptree& cold = child(single, "testcase", "cold_search_email");
  EXPECT_EQ(cold.get<std::string>("<xmlattr>.classname"), kSingle);
  EXPECT_EQ(cold.get<std::string>("<xmlattr>.time"), "2.000");
  expect_properties(cold, {"runs=30", "scenarios_per_s=15.00"});
  EXPECT_EQ(cold.count("failure"), 0u);

  const pt::ptree& mix = child(suites, "testsuite", kMix);
  EXPECT_EQ(counts(mix), "tests=2 failures=1 errors=0 time=4.000");
  expect_properties(mix, {"runs=14", "scenarios_per_s=3.50", "label=mix"});
  expect_properties(child(mix, "testcase", "cold_search_email"), {"scenarios_per_s=2.50"});
  const pt::ptree& surge = child(mix, "testcase", "surge_fill_validate");
  expect_properties(
      surge, {"runs=4", "failures=4", "fail_pct=100.00", "p50_ms=5.000", "scenarios_per_s=1.00"});
  EXPECT_EQ(surge.get<std::string>("failure.<xmlattr>.type"), "threshold");
  const std::string message = surge.get<std::string>("failure.<xmlattr>.message");
  EXPECT_NE(message.find("4/4 failed (100.0%); most at playbook_record: 4× http_status"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("<boom> & 'x'"), std::string::npos) << message;
  EXPECT_NE(message.find("\xf0\x9f\x9a\x80"), std::string::npos) << "emoji kept";
  EXPECT_EQ(message.find('\x01'), std::string::npos);
  EXPECT_EQ(message.find('\xff'), std::string::npos);
}

TEST_F(ReportersTest, JunitFailsAnInterruptedCase) {
  interrupt_mix();
  const pt::ptree suites = junit();
  EXPECT_EQ(counts(suites), "tests=3 failures=2 errors=0 time=6.000");
  const pt::ptree& mix = child(suites, "testsuite", kMix);
  for (const char* name : {"cold_search_email", "surge_fill_validate"}) {
    const pt::ptree& node = child(mix, "testcase", name);
    EXPECT_EQ(node.get<std::string>("failure.<xmlattr>.type", ""), "interrupted") << name;
    EXPECT_NE(node.get<std::string>("failure.<xmlattr>.message", "")
                  .find("interrupted by a signal after 1.2 s"),
              std::string::npos);
  }
  EXPECT_EQ(properties(mix)["interrupted"], "true");
}

TEST_F(ReportersTest, JunitWritesAnErrorForACaseThatNeverRan) {
  add_unreachable_case();
  pt::ptree suites = junit();
  EXPECT_EQ(counts(suites), "tests=4 failures=1 errors=1 time=6.000");
  const pt::ptree& swap = child(suites, "testsuite", "Scenarios/Workflow.Passes/ProfileSwap");
  EXPECT_EQ(counts(swap), "tests=1 failures=0 errors=1 time=0.000");
  const pt::ptree& node = child(swap, "testcase", "profile_swap");
  EXPECT_EQ(node.get<std::string>("error.<xmlattr>.type", ""), "not_run");
  EXPECT_NE(node.get<std::string>("error.<xmlattr>.message", "").find(kRefused), std::string::npos);

  // Without any verdict, the case still gets a testcase, named after its label.
  report.cases.back().verdicts.clear();
  report.cases.back().label = "profile_swap_alone";
  suites = junit();
  const pt::ptree& bare = child(child(suites, "testsuite", "Scenarios/Workflow.Passes/ProfileSwap"),
                                "testcase", "profile_swap_alone");
  EXPECT_EQ(bare.get<std::string>("error.<xmlattr>.message", ""), kRefused);
  EXPECT_EQ(suites.get<int>("<xmlattr>.errors"), 1);
}

TEST_F(ReportersTest, JunitIsNeverGreenForARunThatDidNotPass) {
  report.cases.pop_back();  // only the passing case is left
  EXPECT_EQ(counts(junit()), "tests=1 failures=0 errors=0 time=2.000");
  report.partial = true;
  report.partial_reason = "interrupted by a signal after 1.0 s of 60.0 s per case";
  pt::ptree suites = junit();
  EXPECT_EQ(counts(suites), "tests=2 failures=0 errors=1 time=2.000");
  EXPECT_NE(child(suites, "testsuite", kSingle)
                .get<std::string>("system-err", "")
                .find(report.partial_reason),
            std::string::npos);
  EXPECT_EQ(child(child(suites, "testsuite", "multitier"), "testcase", "run")
                .get<std::string>("error.<xmlattr>.type", ""),
            "interrupted");

  report.partial = false;
  report.cases.clear();
  EXPECT_EQ(counts(junit()), "tests=1 failures=0 errors=1 time=0.000");
}

TEST_F(ReportersTest, JsonHasOneObjectPerCaseWithItsOwnFigures) {
  const rapidjson::Document doc = json();
  EXPECT_FALSE(doc.HasMember("per_scenario")) << "two cases: per_scenario lives in each case";
  EXPECT_EQ(doc["cases"].Size(), 2u);
  // Each case's rate is its runs over its own time: 30 in 2 s, 14 in 4 s (not over the 6 s).
  expect_json(doc, {"/wall_sec=6.0", "/total_scenarios=44", "/failures=4", "/partial=false",
                    "/passed=false"});
  expect_json(doc, {"/cases/0/name=\"" + kSingle + "\""});
  expect_json(
      doc, {"/cases/0/label=\"cold_search_email\"", "/cases/0/mix=false", "/cases/0/wall_sec=2.0",
            "/cases/0/runs=30", "/cases/0/scenarios_per_s=15.0", "/cases/0/vus=8",
            "/cases/0/threads=2", "/cases/0/error=\"\"", "/cases/0/passed=true"});
  expect_json(doc, {"/cases/0/weights={\"cold_search_email\":1}",
                    "/cases/0/per_scenario/cold_search_email/runs=30"});
  expect_json(doc,
              {"/cases/1/label=\"mix\"", "/cases/1/scenarios_per_s=3.5", "/cases/1/passed=false",
               "/cases/1/per_scenario/profile_swap=(missing)", "/cases/1/verdicts/1/passed=false"});
  expect_json(doc, {"/cases/1/weights={\"cold_search_email\":35,\"surge_fill_validate\":15}",
                    "/cases/1/verdicts/1/scenario=\"surge_fill_validate\""});
  expect_json(doc, {"/thresholds/p99_budget_ms/repeat_cache=0.2",
                    "/thresholds/p99_budget/repeat_cache=\"200us\"", "/settings/seed=424242",
                    "/settings/weights/surge_fill_validate=15", "/settings/connect_timeout_s=2.0",
                    "/settings/version=\"0.1.0\""});
  expect_json(doc, {"/settings/headers/0=\"Authorization: [redacted]\""});
  const std::string surge = "/cases/1/per_scenario/surge_fill_validate/";
  expect_json(doc, {surge + "runs=4", surge + "fails=4", surge + "p50_ms=5.0", surge + "p99_ms=5.0",
                    surge + "max_ms=5.0", surge + "failed_at/playbook_record=4",
                    surge + "failure_kinds/http_status=4", surge + "validator/fail-policy=4",
                    surge + "steps/playbook_record/fails=4"});
  const std::string message =
      doc["cases"][1]["per_scenario"]["surge_fill_validate"]["errors"][0]["message"].GetString();
  EXPECT_NE(message.find("<boom> & 'x'"), std::string::npos);
  EXPECT_NE(message.find("\x01"), std::string::npos) << "JSON escapes controls, keeps them";
  EXPECT_NE(message.find("\xef\xbf\xbd"), std::string::npos) << "bad bytes become U+FFFD";
}

TEST_F(ReportersTest, JsonOfOneCaseKeepsTheSeedSummary) {
  report.cases.pop_back();
  report.settings.weights = {{Scenario::cold_search_email, 35}};
  expect_json(json(),
              {"/per_scenario/cold_search_email/runs=30", "/per_scenario/cold_search_email/fails=0",
               "/settings/weights={\"cold_search_email\":35}", "/passed=true"});
}

TEST_F(ReportersTest, JsonFailsInterruptedAndUnreachableCases) {
  interrupt_mix();
  add_unreachable_case();
  report.partial = true;
  report.partial_reason = "interrupted by a signal after 1.2 s of 60.0 s per case";
  expect_json(
      json(),
      {"/passed=false", "/partial=true", "/partial_reason=\"" + report.partial_reason + "\"",
       "/cases/1/interrupted=true", "/cases/1/interrupted_after_s=1.2", "/cases/1/passed=false",
       "/cases/1/verdicts/0/passed=false", "/cases/2/error=\"" + kRefused + "\"",
       "/cases/2/passed=false", "/cases/2/runs=0"});
}

TEST_F(ReportersTest, ConsoleHeaderNamesTheRunSettingsAndTheSeed) {
  const std::string text = write("console");
  EXPECT_NE(text.find("══ multitier load report ══"), std::string::npos);
  for (const char* want :
       {"multitier 0.1.0", "gateway http://127.0.0.1:4110", "mode stress", "seed 424242",
        "1m per case (warmup 5s)", "concurrency 8", "connect timeout 2s",
        "weights cold_search_email=35,surge_fill_validate=15",
        "headers: Authorization: [redacted]; X-Trace: on", "p99 repeat_cache ≤ 200us"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  }
}

TEST_F(ReportersTest, ConsoleHasASectionPerCaseWithItsOwnFigures) {
  const std::string text = write("console");
  const auto single =
      text.find("── " + kSingle +
                " (cold_search_email) ──\n"
                "30 runs in 2.000 s (15.0/s) · 30 HTTP requests (15.0/s) · 8 VUs on 2 "
                "threads\n");
  const auto mix = text.find("── " + kMix +
                             " (mix) ──\n"
                             "14 runs in 4.000 s (3.5/s) · 18 HTTP requests (4.5/s) · 8 VUs on 1 "
                             "thread · weights "
                             "cold_search_email=35,surge_fill_validate=15\n");
  ASSERT_NE(single, std::string::npos) << text;
  ASSERT_NE(mix, std::string::npos) << text;
  ASSERT_LT(single, mix);
  // The mix's rows and sections are in the mix's section, once.
  for (const std::string want :
       {"surge_fill_validate               4  100.0%    5.00ms",
        "surge_fill_validate/playbook_record", "── failure-step breakdown ──",
        "4× surge_fill_validate at playbook_record", "cold_search_email         pass=10",
        "FAIL surge_fill_validate: 4/4 failed"}) {
    EXPECT_GT(text.find(want), mix) << want << "\n" << text;
    EXPECT_EQ(text.find(want), text.rfind(want)) << want;
  }
  EXPECT_LT(text.find("cold_search_email                30    0.0%    2.00ms"), mix);
  EXPECT_NE(text.find("  PASS " + kSingle + " (cold_search_email)\n"), std::string::npos);
  EXPECT_NE(text.find("  FAIL " + kMix + " (mix)\n"), std::string::npos);
  EXPECT_TRUE(ends_with(text, "\nFAILED\n")) << text;
  EXPECT_EQ(text.find('\x01'), std::string::npos);
  EXPECT_EQ(text.find("PARTIAL REPORT"), std::string::npos);
}

TEST_F(ReportersTest, ConsoleEndsWithPassedOnlyWhenTheRunPassed) {
  report.cases.pop_back();
  EXPECT_TRUE(ends_with(write("console"), "\nPASSED\n")) << write("console");
  // Interrupted, the same figures fail: they cover only part of the planned time.
  CaseReport& c = report.cases[0];
  c.interrupted = true;
  c.interrupted_after_s = 1.2;
  judge(c, report.thresholds, 60);
  const std::string text = write("console");
  EXPECT_NE(text.find("INTERRUPTED after 1.2 s"), std::string::npos) << text;
  EXPECT_TRUE(ends_with(text, "\nFAILED\n")) << text;
}

TEST_F(ReportersTest, ConsoleShowsTheErrorInsteadOfTablesAndThePartialBanner) {
  report.cases.clear();
  add_unreachable_case();
  report.partial = true;
  report.partial_reason = "interrupted by a signal after 12.3 s of 60 s per case";
  const std::string text = write("console");
  const auto section = text.find("── Scenarios/Workflow.Passes/ProfileSwap (profile_swap) ──");
  ASSERT_NE(section, std::string::npos) << text;
  EXPECT_NE(text.find("error: " + kRefused, section), std::string::npos) << text;
  EXPECT_EQ(text.find("── step latency ──"), std::string::npos)
      << "no tables for a case that never ran";
  EXPECT_NE(text.find("FAIL profile_swap: " + kRefused), std::string::npos) << text;
  const std::string banner = "PARTIAL REPORT: " + report.partial_reason;
  const auto first = text.find(banner);
  ASSERT_NE(first, std::string::npos);
  EXPECT_LT(first, text.find("══ multitier load report"));
  EXPECT_NE(text.find(banner, first + 1), std::string::npos) << "banner at the bottom too";
  EXPECT_TRUE(ends_with(text, "\nFAILED (partial: " + report.partial_reason + ")\n")) << text;
}

// A segment, a remote target and a common start are stated in every format a person or a CI
// job reads; a run without them says nothing of them.
TEST_F(ReportersTest, SegmentRemoteTargetAndStartAreStated) {
  EXPECT_EQ(write("console").find("--allow-remote"), std::string::npos);
  report.settings.segment = 2;
  report.settings.segments = 3;
  report.settings.segment_source = "CI_NODE_INDEX";
  report.settings.allow_remote = true;
  report.settings.start_at = "2026-12-01T12:00:00Z";
  report.settings.start_late_s = 0.25;
  const std::string text = write("console");
  EXPECT_NE(text.find("segment 2/3 (from CI_NODE_INDEX)"), std::string::npos) << text;
  EXPECT_NE(text.find("--allow-remote: targets off this machine allowed"), std::string::npos);
  EXPECT_NE(text.find("start at 2026-12-01T12:00:00Z (began 0.250 s late)"), std::string::npos);
  const std::string json = write("json");
  EXPECT_NE(json.find("\"allow_remote\": true"), std::string::npos) << json;
  EXPECT_NE(json.find("\"segments\": 3"), std::string::npos);
  const std::string junit = write("junit");
  EXPECT_NE(junit.find("name=\"segment\" value=\"2/3\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("name=\"allow_remote\" value=\"true\""), std::string::npos);
  const std::string html = write("html");
  EXPECT_NE(html.find("allowed (--allow-remote)"), std::string::npos);
  EXPECT_NE(html.find("2 of 3 (from CI_NODE_INDEX)"), std::string::npos);
  EXPECT_NE(html.find("(began 0.250 s late)"), std::string::npos);
}

TEST_F(ReportersTest, ConsoleHidesEmptySections) {
  report.cases.pop_back();
  CaseReport& c = report.cases[0];
  c.registry.clear();
  ScenarioResult ok;
  ok.scenario = Scenario::repeat_cache;
  ok.success = true;
  ok.latency = milliseconds{3};
  ok.first_to_rest_ratio = 2.5;
  c.registry.record(ok);
  c.weights = {{Scenario::repeat_cache, 1}};
  judge(c, report.thresholds, 60);
  const std::string text = write("console");
  EXPECT_EQ(text.find("failure-step breakdown"), std::string::npos);
  EXPECT_EQ(text.find("failure categories"), std::string::npos);
  EXPECT_EQ(text.find("validator outcomes"), std::string::npos);
  EXPECT_NE(text.find("2.50×"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL repeat_cache: p99 3.00ms over budget 200us"), std::string::npos)
      << text;
}

}  // namespace
}  // namespace multitier
