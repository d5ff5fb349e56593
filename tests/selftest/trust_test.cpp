// Numbers CI can trust, checked on the suite binary as CI runs it: an interrupted run fails in
// every report, signals arriving together count as one, each case of a run reports its own
// time and rate, reports are written when the gateway is dead, an unusable report folder is
// refused before any load, and listing the tests never trips over run options.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "tests/selftest/child_process.h"

namespace multitier::selftest {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace pt = boost::property_tree;

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

fs::path fresh_dir(const std::string& name) {
  const auto dir =
      fs::temp_directory_path() / ("multitier-trust-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

std::string dead_url() {
  // Port 9 (discard) on loopback: nothing listens there on a test machine.
  return "http://127.0.0.1:9";
}

struct Reports {
  rapidjson::Document json;
  pt::ptree junit;
  std::string text;
};

// Reads and parses the three report files; fails the test when one is missing or unreadable.
void read_reports(const fs::path& dir, Reports& out, const std::string& context) {
  const std::string json_text = read_file(dir / "report.json");
  out.json.Parse(json_text.c_str());
  ASSERT_FALSE(out.json.HasParseError()) << "report.json: '" << json_text << "'\n" << context;
  ASSERT_TRUE(out.json.IsObject()) << context;
  ASSERT_NO_THROW(pt::read_xml((dir / "junit.xml").string(), out.junit)) << context;
  out.text = read_file(dir / "report.txt");
  ASSERT_FALSE(out.text.empty()) << context;
  // The fields the tests read, so a report of another shape fails here instead of crashing.
  for (const char* field : {"passed", "partial", "wall_sec", "total_scenarios", "cases"}) {
    ASSERT_TRUE(out.json.HasMember(field)) << "report.json lacks " << field << "\n" << json_text;
  }
  ASSERT_TRUE(out.json["cases"].IsArray() && out.json["cases"].Size() > 0) << json_text;
  for (const auto& c : out.json["cases"].GetArray()) {
    for (const char* field : {"name", "passed", "wall_sec", "runs", "scenarios_per_s", "vus",
                              "error", "per_scenario"}) {
      ASSERT_TRUE(c.IsObject() && c.HasMember(field)) << "a case lacks " << field << "\n"
                                                      << json_text;
    }
  }
}

// Every format says the run failed: JSON passed false in total and per case, JUnit counts a
// failure or error, report.txt ends FAILED and never claims PASSED.
void expect_failed_everywhere(const Reports& r, const std::string& context) {
  EXPECT_FALSE(r.json["passed"].GetBool()) << context;
  ASSERT_TRUE(r.json.HasMember("cases") && r.json["cases"].IsArray()) << context;
  ASSERT_GT(r.json["cases"].Size(), 0u) << context;
  for (const auto& c : r.json["cases"].GetArray()) EXPECT_FALSE(c["passed"].GetBool()) << context;
  const int failures = r.junit.get<int>("testsuites.<xmlattr>.failures", 0);
  const int errors = r.junit.get<int>("testsuites.<xmlattr>.errors", 0);
  EXPECT_GT(failures + errors, 0) << context;
  EXPECT_EQ(r.text.find("PASSED"), std::string::npos) << r.text;
  const auto last = r.text.rfind("FAILED");
  EXPECT_NE(last, std::string::npos) << r.text;
}

std::vector<std::string> stress_args(const std::string& url, const fs::path& dir,
                                     const std::string& filter, const std::string& duration) {
  return {suite_binary(),
          "--gateway",
          url,
          "--stress",
          "--duration",
          duration,
          "--concurrency",
          "4",
          "--progress",
          "off",
          "--report-dir",
          dir.string(),
          "--gtest_filter=" + filter};
}

// ---- Interrupted runs ---------------------------------------------------------------------

// The suite interrupted 2 s into a 60 s run by `send`, which signals it as a wrapper would.
void interrupted_run_fails(const std::string& name, void (*send)(ChildProcess&)) {
  std::unique_ptr<ChildProcess> gateway;
  const std::string url = start_gateway(gateway, {});
  const auto dir = fresh_dir(name);
  ChildProcess suite(stress_args(url, dir, "*Mix*", "60s"));
  ASSERT_NE(suite.wait_for_line("[ RUN      ]", 60s), "") << suite.output();
  std::this_thread::sleep_for(2s);
  send(suite);
  EXPECT_EQ(suite.wait(30s), 130) << suite.output();
  Reports reports;
  read_reports(dir, reports, suite.output());
  if (::testing::Test::HasFatalFailure()) return;
  EXPECT_TRUE(reports.json["partial"].GetBool());
  EXPECT_GT(reports.json["total_scenarios"].GetUint64(), 0u)
      << "the figures up to the signal are kept";
  expect_failed_everywhere(reports, suite.output());
  EXPECT_NE(reports.text.find("interrupted"), std::string::npos) << reports.text;
  EXPECT_NE(read_file(dir / "junit.xml").find("interrupted"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Interrupt, SigintFailsEveryReport) {
  interrupted_run_fails("sigint", [](ChildProcess& p) { p.signal(SIGINT); });
}

TEST(Interrupt, SigtermFailsEveryReport) {
  interrupted_run_fails("sigterm", [](ChildProcess& p) { p.signal(SIGTERM); });
}

// `timeout -s INT` signals the child, then its whole process group: two signals at once must
// count as one interruption, not as "again, quit now" with no report.
TEST(Interrupt, TwoSignalsTogetherCountAsOne) {
  interrupted_run_fails("two-signals", [](ChildProcess& p) {
    p.signal(SIGINT);
    p.signal(SIGINT);
  });
}

TEST(Interrupt, UnderTimeoutTheReportsAreComplete) {
  std::unique_ptr<ChildProcess> gateway;
  const std::string url = start_gateway(gateway, {});
  const auto dir = fresh_dir("timeout");
  std::vector<std::string> argv = {"/usr/bin/timeout", "-s", "INT", "4"};
  const auto suite_args = stress_args(url, dir, "*Mix*", "60s");
  argv.insert(argv.end(), suite_args.begin(), suite_args.end());
  ChildProcess wrapped(argv);
  EXPECT_EQ(wrapped.wait(60s), 124) << "timeout(1) reports the timeout\n" << wrapped.output();
  Reports reports;
  read_reports(dir, reports, wrapped.output());
  if (::testing::Test::HasFatalFailure()) return;
  EXPECT_TRUE(reports.json["partial"].GetBool());
  expect_failed_everywhere(reports, wrapped.output());
  fs::remove_all(dir);
}

// ---- Each case its own section -------------------------------------------------------------

TEST(Cases, EachCaseReportsItsOwnTimeAndRate) {
  std::unique_ptr<ChildProcess> gateway;
  const std::string url = start_gateway(gateway, {});
  const auto dir = fresh_dir("cases");
  ChildProcess suite(stress_args(url, dir, "*ColdSearchEmail*:*RepeatCache*", "2s"));
  EXPECT_EQ(suite.wait(120s), 0) << suite.output();
  Reports reports;
  read_reports(dir, reports, suite.output());
  if (::testing::Test::HasFatalFailure()) return;
  const auto& cases = reports.json["cases"];
  ASSERT_EQ(cases.Size(), 2u) << read_file(dir / "report.json");
  double total_wall = 0;
  for (const auto& c : cases.GetArray()) {
    const double wall = c["wall_sec"].GetDouble();
    const double runs = static_cast<double>(c["runs"].GetUint64());
    total_wall += wall;
    EXPECT_GT(wall, 1.8) << c["name"].GetString();
    EXPECT_LT(wall, 3.5) << c["name"].GetString() << ": a case's time is its own, not the run's";
    ASSERT_GT(runs, 0) << c["name"].GetString();
    EXPECT_NEAR(c["scenarios_per_s"].GetDouble(), runs / wall, 0.01 * runs / wall)
        << c["name"].GetString();
    ASSERT_EQ(c["per_scenario"].MemberCount(), 1u) << "a single-scenario case has one row";
  }
  EXPECT_NEAR(reports.json["wall_sec"].GetDouble(), total_wall, 0.01);
  EXPECT_FALSE(reports.json.HasMember("per_scenario"))
      << "two cases' samples must not share one row";
  int suites = 0;
  for (const auto& [tag, node] : reports.junit.get_child("testsuites")) {
    if (tag != "testsuite") continue;
    ++suites;
    const double time = node.get<double>("<xmlattr>.time");
    EXPECT_GT(time, 1.8) << node.get<std::string>("<xmlattr>.name");
    EXPECT_LT(time, 3.5) << node.get<std::string>("<xmlattr>.name");
  }
  EXPECT_EQ(suites, 2);
  fs::remove_all(dir);
}

TEST(Cases, IterationModeReportsTheVusItRanOn) {
  std::unique_ptr<ChildProcess> gateway;
  const std::string url = start_gateway(gateway, {});
  const auto dir = fresh_dir("iterations");
  ChildProcess suite({suite_binary(), "--gateway", url, "--iterations", "5", "--report-dir",
                      dir.string(), "--gtest_filter=*SmsValidate*"});
  EXPECT_EQ(suite.wait(60s), 0) << suite.output();
  Reports reports;
  read_reports(dir, reports, suite.output());
  if (::testing::Test::HasFatalFailure()) return;
  EXPECT_EQ(reports.json["cases"][0]["vus"].GetInt(), 5)
      << "5 runs ran on 5 VUs, not on --concurrency 50";
  EXPECT_EQ(reports.json["cases"][0]["runs"].GetUint64(), 5u);
  fs::remove_all(dir);
}

// ---- Reports when things go wrong ------------------------------------------------------------

TEST(Reports, ADeadGatewayInStressModeStillWritesReportsWithTheReason) {
  const auto dir = fresh_dir("dead");
  ChildProcess suite(stress_args(dead_url(), dir, "*Mix*", "5s"));
  EXPECT_EQ(suite.wait(60s), 1) << suite.output();
  Reports reports;
  read_reports(dir, reports, suite.output());
  if (::testing::Test::HasFatalFailure()) return;
  expect_failed_everywhere(reports, suite.output());
  const std::string error = reports.json["cases"][0]["error"].GetString();
  EXPECT_NE(error.find("did not answer"), std::string::npos) << error;
  EXPECT_NE(error.find(dead_url()), std::string::npos) << error;
  EXPECT_NE(read_file(dir / "junit.xml").find("<error"), std::string::npos);
  EXPECT_NE(reports.text.find("did not answer"), std::string::npos) << reports.text;
  fs::remove_all(dir);
}

TEST(Reports, AnUnusableReportFolderIsRefusedBeforeAnyLoad) {
  const auto file = fresh_dir("not-a-folder");
  std::ofstream(file) << "a file, not a folder";
  std::unique_ptr<ChildProcess> gateway;
  const std::string url = start_gateway(gateway, {});
  ChildProcess suite(stress_args(url, file, "*Mix*", "5s"));
  EXPECT_EQ(suite.wait(30s), 2) << suite.output();
  EXPECT_NE(suite.output().find("--report-dir " + file.string()), std::string::npos)
      << suite.output();
  EXPECT_EQ(suite.output().find("[ RUN      ]"), std::string::npos) << "no case may run first\n"
                                                                    << suite.output();
  fs::remove(file);
}

// ---- Options ---------------------------------------------------------------------------------

TEST(Listing, NeverFailsOnRunOptions) {
  ChildProcess list({suite_binary(), "--gtest_list_tests"},
                    {"MULTITIER_DURATION=abc", "MULTITIER_CONCURRENCY=-3"});
  EXPECT_EQ(list.wait(30s), 0) << list.output();
  EXPECT_NE(list.output().find("WeightedWorkload"), std::string::npos) << list.output();
  ChildProcess run({suite_binary(), "--gateway", dead_url()}, {"MULTITIER_DURATION=abc"});
  EXPECT_EQ(run.wait(30s), 2) << run.output();
  EXPECT_NE(run.output().find("MULTITIER_DURATION"), std::string::npos) << run.output();
}

TEST(Listing, VersionPrintsAndExits) {
  ChildProcess suite({suite_binary(), "--version"});
  EXPECT_EQ(suite.wait(30s), 0);
  EXPECT_EQ(suite.output().rfind("multitier ", 0), 0u) << suite.output();
}

}  // namespace
}  // namespace multitier::selftest
