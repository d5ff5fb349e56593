#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <sstream>
#include <string>

#include "support/reporter.h"

namespace multitier {
namespace {

using std::chrono::milliseconds;
namespace pt = boost::property_tree;

// Quotes, markup, a C0 control, a stray byte, a UTF-8-encoded surrogate and an emoji.
const std::string kNasty =
    "status 500: {\"error\":\"<boom> & 'x'\"}\x01\xff\xed\xa0\x80 \xf0\x9f\x9a\x80 end";

class ReportersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 30; ++i) {
      ScenarioResult ok;
      ok.scenario = Scenario::cold_search_email;
      ok.success = true;
      ok.latency = milliseconds{2};
      ok.steps.push_back({"search", milliseconds{1}, Failure::ok()});
      ok.validator = ValidationCategory::pass;
      registry.record(ok);
    }
    for (int i = 0; i < 4; ++i) {
      ScenarioResult bad;
      bad.scenario = Scenario::surge_fill_validate;
      bad.failed_at = "playbook_record";
      bad.failure = Failure{FailureKind::http_status, kNasty};
      bad.latency = milliseconds{5};
      bad.steps.push_back({"search", milliseconds{1}, Failure::ok()});
      bad.steps.push_back({"playbook_record", milliseconds{4}, bad.failure});
      bad.validator = ValidationCategory::fail_policy;
      registry.record(bad);
    }
    report.settings = {"http://127.0.0.1:4110",
                       "workers",
                       "stress",
                       8,
                       60,
                       5,
                       42,
                       20,
                       {{Scenario::cold_search_email, 35}, {Scenario::surge_fill_validate, 15}},
                       true,
                       10};
    report.registry = &registry;
    report.wall_s = 2.0;
    report.verdicts = evaluate(registry, report.thresholds);
  }

  std::string write(std::string_view format) const {
    std::ostringstream out;
    make_reporter(format)->write(report, out);
    return out.str();
  }

  Registry registry;
  RunReport report;
};

TEST_F(ReportersTest, FactoryKnowsEachFormatAndItsFile) {
  EXPECT_EQ(make_reporter("console")->file_name(), "report.txt");
  EXPECT_EQ(make_reporter("junit")->file_name(), "junit.xml");
  EXPECT_EQ(make_reporter("json")->file_name(), "report.json");
  EXPECT_EQ(make_reporter("html"), nullptr);
  EXPECT_EQ(reporter_names().size(), 3u);
}

TEST_F(ReportersTest, JunitParsesBackWithCountsPropertiesAndFailure) {
  const std::string xml = write("junit");
  EXPECT_EQ(clean_text(xml, TextTarget::xml), xml) << "only XML 1.0 characters";
  std::istringstream in(xml);
  pt::ptree tree;
  ASSERT_NO_THROW(pt::read_xml(in, tree)) << xml;
  const pt::ptree& suite = tree.get_child("testsuites.testsuite");
  EXPECT_EQ(suite.get<int>("<xmlattr>.tests"), 3);  // two scenarios and the mix
  EXPECT_EQ(suite.get<int>("<xmlattr>.failures"), 2);
  bool partial_property = false;
  for (const auto& [tag, node] : suite.get_child("properties")) {
    if (node.get<std::string>("<xmlattr>.name") == "partial") {
      partial_property = node.get<std::string>("<xmlattr>.value") == "false";
    }
  }
  EXPECT_TRUE(partial_property);

  int cases = 0;
  for (const auto& [tag, node] : suite) {
    if (tag != "testcase") continue;
    ++cases;
    const std::string name = node.get<std::string>("<xmlattr>.name");
    if (name != "surge_fill_validate") continue;
    std::map<std::string, std::string> properties;
    for (const auto& [ptag, p] : node.get_child("properties")) {
      properties[p.get<std::string>("<xmlattr>.name")] = p.get<std::string>("<xmlattr>.value");
    }
    EXPECT_EQ(properties["runs"], "4");
    EXPECT_EQ(properties["failures"], "4");
    EXPECT_EQ(properties["fail_pct"], "100.00");
    EXPECT_EQ(properties["p50_ms"], "5.000");
    EXPECT_EQ(properties.count("scenarios_per_s"), 1u);
    const std::string message = node.get<std::string>("failure.<xmlattr>.message");
    EXPECT_EQ(node.get<std::string>("failure.<xmlattr>.type"), "threshold");
    EXPECT_NE(message.find("4/4 failed (100.0%); most at playbook_record: 4× http_status"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("<boom> & 'x'"), std::string::npos) << message;
    EXPECT_NE(message.find("\xf0\x9f\x9a\x80"), std::string::npos) << "emoji kept";
    EXPECT_EQ(message.find('\x01'), std::string::npos);
    EXPECT_EQ(message.find('\xff'), std::string::npos);
  }
  EXPECT_EQ(cases, 3);
}

TEST_F(ReportersTest, JunitWithoutRunsIsWellFormed) {
  registry.clear();
  report.verdicts.clear();
  report.settings.mix = false;
  std::istringstream in(write("junit"));
  pt::ptree tree;
  ASSERT_NO_THROW(pt::read_xml(in, tree));
  EXPECT_EQ(tree.get<int>("testsuites.testsuite.<xmlattr>.tests"), 0);
}

TEST_F(ReportersTest, JsonParsesBackWithTheSeedFields) {
  report.partial = true;
  report.partial_reason = "interrupted by SIGINT at 1.2 s of 60 s";
  const std::string json = write("json");
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  ASSERT_FALSE(doc.HasParseError()) << json;
  EXPECT_DOUBLE_EQ(doc["wall_sec"].GetDouble(), 2.0);
  EXPECT_EQ(doc["total_scenarios"].GetUint64(), 34u);
  EXPECT_EQ(doc["failures"].GetUint64(), 4u);
  const auto& surge = doc["per_scenario"]["surge_fill_validate"];
  EXPECT_EQ(surge["runs"].GetUint64(), 4u);
  EXPECT_EQ(surge["fails"].GetUint64(), 4u);
  EXPECT_DOUBLE_EQ(surge["p50_ms"].GetDouble(), 5.0);
  EXPECT_DOUBLE_EQ(surge["p99_ms"].GetDouble(), 5.0);
  EXPECT_DOUBLE_EQ(surge["max_ms"].GetDouble(), 5.0);
  EXPECT_EQ(surge["failed_at"]["playbook_record"].GetUint64(), 4u);
  EXPECT_EQ(surge["failure_kinds"]["http_status"].GetUint64(), 4u);
  EXPECT_EQ(surge["validator"]["fail-policy"].GetUint64(), 4u);
  EXPECT_EQ(surge["steps"]["playbook_record"]["fails"].GetUint64(), 4u);
  const std::string message = surge["errors"][0]["message"].GetString();
  EXPECT_NE(message.find("<boom> & 'x'"), std::string::npos);
  EXPECT_NE(message.find("\x01"), std::string::npos) << "JSON escapes controls, keeps them";
  EXPECT_NE(message.find("\xef\xbf\xbd"), std::string::npos) << "bad bytes become U+FFFD";
  EXPECT_FALSE(doc.HasMember("per_scenario") && doc["per_scenario"].HasMember("profile_swap"));
  EXPECT_FALSE(doc["verdicts"][1]["passed"].GetBool());
  EXPECT_TRUE(doc["partial"].GetBool());
  EXPECT_STREQ(doc["partial_reason"].GetString(), report.partial_reason.c_str());
  EXPECT_FALSE(doc["passed"].GetBool());
  EXPECT_EQ(doc["settings"]["seed"].GetUint64(), 42u);
  EXPECT_EQ(doc["settings"]["weights"]["cold_search_email"].GetInt(), 35);
}

TEST_F(ReportersTest, ConsoleShowsTablesSectionsAndVerdicts) {
  const std::string text = write("console");
  EXPECT_NE(text.find("══ multitier load report ══"), std::string::npos);
  EXPECT_NE(text.find("total scenarios: 34 (17.0/sec)"), std::string::npos) << text;
  EXPECT_NE(text.find("surge_fill_validate               4  100.0%    5.00ms"), std::string::npos)
      << text;
  EXPECT_NE(text.find("surge_fill_validate/playbook_record"), std::string::npos);
  EXPECT_NE(text.find("── failure-step breakdown ──"), std::string::npos);
  EXPECT_NE(text.find("4× surge_fill_validate at playbook_record"), std::string::npos) << text;
  EXPECT_NE(text.find("cold_search_email         pass=30"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL surge_fill_validate: 4/4 failed"), std::string::npos);
  EXPECT_EQ(text.find('\x01'), std::string::npos);
  EXPECT_EQ(text.find("PARTIAL REPORT"), std::string::npos);
}

TEST_F(ReportersTest, ConsoleHidesEmptySectionsAndShowsPartialBanner) {
  registry.clear();
  ScenarioResult ok;
  ok.scenario = Scenario::repeat_cache;
  ok.success = true;
  ok.latency = milliseconds{3};
  ok.first_to_rest_ratio = 2.5;
  registry.record(ok);
  report.verdicts = evaluate(registry, report.thresholds);
  report.partial = true;
  report.partial_reason = "interrupted by SIGINT at 12.3 s of 60 s";
  const std::string text = write("console");
  EXPECT_EQ(text.find("failure-step breakdown"), std::string::npos);
  EXPECT_EQ(text.find("failure categories"), std::string::npos);
  EXPECT_EQ(text.find("validator outcomes"), std::string::npos);
  EXPECT_NE(text.find("2.50×"), std::string::npos) << text;
  const std::string banner = "PARTIAL REPORT: interrupted by SIGINT at 12.3 s of 60 s";
  const auto first = text.find(banner);
  ASSERT_NE(first, std::string::npos);
  EXPECT_LT(first, text.find("══ multitier load report"));
  EXPECT_NE(text.find(banner, first + 1), std::string::npos) << "banner at the bottom too";
}

TEST(FormatTest, DurationsCarryUnits) {
  EXPECT_EQ(format_duration(std::chrono::nanoseconds{850}), "850ns");
  EXPECT_EQ(format_duration(std::chrono::microseconds{850}), "850µs");
  EXPECT_EQ(format_duration(std::chrono::microseconds{2210}), "2.21ms");
  EXPECT_EQ(format_duration(std::chrono::milliseconds{1200}), "1.20s");
  EXPECT_EQ(format_duration(std::chrono::microseconds{12345}), "12.3ms");
  EXPECT_DOUBLE_EQ(to_ms(std::chrono::nanoseconds{2'213'600}), 2.214);
}

TEST(CleanTextTest, DropsOrReplacesWhatXmlAndJsonCannotCarry) {
  EXPECT_EQ(clean_text("a\tb\nc\x01", TextTarget::xml), "a\tb\nc");
  EXPECT_EQ(clean_text("\xc0\xaf|\xed\xa0\x80|\xe2\x82", TextTarget::xml), "||");
  EXPECT_EQ(clean_text("\xef\xbf\xbe\xef\xbf\xbf", TextTarget::xml), "");  // U+FFFE, U+FFFF
  EXPECT_EQ(clean_text("\xf0\x9f\x9a\x80 \xc2\xb5", TextTarget::xml), "\xf0\x9f\x9a\x80 \xc2\xb5");
  EXPECT_EQ(clean_text("a\xff"
                       "b\x01",
                       TextTarget::json),
            "a\xef\xbf\xbd"
            "b\x01");
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(clean_text("\xf4\x90\x80\x80", TextTarget::json), fffd + fffd + fffd + fffd);
}

}  // namespace
}  // namespace multitier
