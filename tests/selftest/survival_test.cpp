// Proof the harness survives what a failing gateway does to it: killed and restarted mid-run,
// answers that never come, come cut, come as garbage or come too big, connections dropped, and
// the user's Ctrl-C. Nothing may crash or hang, every failure must be counted exactly once in
// the right category, and the reports must still be written and readable.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "multitier/net/http_client.h"
#include "multitier/report/report.h"
#include "multitier/report/report_files.h"
#include "multitier/run/options.h"
#include "multitier/run/runner.h"
#include "tests/selftest/child_process.h"
#include "tests/selftest/seed_context.h"

namespace multitier::selftest {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::uint64_t failures_of_kind(const Registry& registry, FailureKind kind) {
  std::uint64_t n = 0;
  for (Scenario s : kAllScenarios) n += registry.stats(s).failure_kind(kind);
  return n;
}

std::uint64_t successes(const Registry& registry) {
  return registry.total_runs() - registry.total_failures();
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh, empty folder for one test's reports.
std::filesystem::path report_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("multitier-selftest-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

// A field of /proc/self/status in KiB ("VmHWM:" the peak resident set, "VmRSS:" the current
// one); 0 when unknown.
std::uint64_t status_kib(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) return std::stoull(line.substr(field.size()));
  }
  return 0;
}

// Lowers the peak resident set to the current one (Linux: "5" to clear_refs), so the peak
// measured next belongs to what runs next, not to an earlier test of the same process.
// Returns the peak to compare against.
std::uint64_t reset_peak_rss_kib() {
  std::ofstream("/proc/self/clear_refs") << "5";
  return std::min(status_kib("VmHWM:"), status_kib("VmRSS:"));
}

// The searches the gateway counted (GET /stats); throws when it does not answer.
std::uint64_t searches_counted(const std::string& url) {
  HttpClient http;
  HttpResponse answer;
  if (Failure failure = http.request("GET", url + "/stats", "", answer)) {
    throw std::runtime_error("GET /stats: " + failure.message);
  }
  rapidjson::Document doc;
  doc.Parse(answer.body.c_str());
  if (answer.status != 200 || doc.HasParseError() || !doc.IsObject() ||
      !doc.HasMember("requests")) {
    throw std::runtime_error("GET /stats answered " + std::to_string(answer.status) + ": " +
                             answer.body);
  }
  return doc["requests"]["search"].GetUint64();
}

// Writes the run's reports as the suite does and checks they parse and tell a failed run.
void reports_show_the_failure(const RunPlan& plan, const RunOutcome& outcome) {
  const Registry& registry = outcome.registry;
  RunReport report;
  report.settings.gateway = plan.gateway;
  report.settings.corpus = plan.context.corpus;
  report.settings.mode = plan.stress ? "stress" : "iterations";
  report.settings.concurrency = plan.concurrency;
  report.settings.duration_s = std::chrono::duration<double>(plan.duration).count();
  report.settings.seed = plan.seed;
  report.settings.weights = plan.weights;
  report.settings.timeout_s = static_cast<double>(plan.http.timeout_ms) / 1000;
  CaseReport section;
  section.name = "Survival.KilledGateway";
  section.label =
      plan.weights.size() > 1 ? "mix" : std::string(to_string(plan.weights.front().first));
  section.mix = plan.weights.size() > 1;
  section.weights = plan.weights;
  section.registry = registry;
  section.wall_s = outcome.wall_s;
  section.vus = outcome.vus;
  section.threads = outcome.threads;
  judge(section, report.thresholds, section.wall_s);
  report.cases.push_back(std::move(section));
  report.started_at = std::chrono::system_clock::now();
  EXPECT_FALSE(report.passed()) << "a run with a dead gateway in the middle passed";

  const auto dir = report_dir("killed");
  std::vector<std::string> written;
  ASSERT_NO_THROW(written = write_report_files(report, dir.string()));
  EXPECT_EQ(written.size(), 7u)
      << "report.txt, junit.xml, report.json, report.html, timeseries.csv, metrics.om, result.json";
  rapidjson::Document json;
  const std::string json_text = read_file(dir / "report.json");
  json.Parse(json_text.c_str());
  ASSERT_FALSE(json.HasParseError()) << json_text;
  ASSERT_TRUE(json.IsObject()) << json_text;
  EXPECT_EQ(json["total_scenarios"].GetUint64(), registry.total_runs());
  EXPECT_EQ(json["failures"].GetUint64(), registry.total_failures());
  EXPECT_FALSE(json["passed"].GetBool());
  boost::property_tree::ptree xml;
  EXPECT_NO_THROW(boost::property_tree::read_xml((dir / "junit.xml").string(), xml));
  EXPECT_NE(read_file(dir / "report.txt").find("connect"), std::string::npos);
  std::filesystem::remove_all(dir);
}

// ---- Gateway killed mid-run, restarted on the same port ----------------------------------

TEST(Survival, GatewayKilledAndRestartedMidRun) {
  std::unique_ptr<ChildProcess> gateway;
  const auto started = Clock::now();
  const std::string url = start_gateway(gateway, {});
  const double startup_s = seconds_since(started);
  const std::string listen = url.substr(url.find("://") + 3);

  RunPlan plan;
  plan.gateway = url;
  plan.http.connect_timeout_ms = 1000;
  plan.http.timeout_ms = 3000;
  plan.context = seed_context();
  plan.weights = default_weights();
  plan.stress = true;
  plan.concurrency = 4;
  // Alive 1.5 s, dead 1.5 s, then restarted: leave room for its start (slower under sanitizers)
  // and a few seconds of service after it.
  plan.duration =
      std::chrono::milliseconds(static_cast<long>(1000 * std::max(6.0, 3.0 + 2 * startup_s + 2.5)));
  plan.seed = 37;
  plan.nonce = 4;

  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> seen_successes{0};
  RunOutcome outcome;
  double run_s = 0;
  std::thread runner([&] {
    const auto t0 = Clock::now();
    outcome = run_plan(
        plan, stop, [&](const RunProgress& p) { seen_successes.store(p.runs - p.failures); },
        100ms);
    run_s = seconds_since(t0);
  });
  struct Joiner {
    std::thread& t;
    std::atomic<bool>& stop;
    ~Joiner() {
      if (t.joinable()) {
        stop.store(true);
        t.join();
      }
    }
  } joiner{runner, stop};

  std::this_thread::sleep_for(1500ms);
  const std::uint64_t before_kill = seen_successes.load();
  gateway->signal(SIGKILL);
  EXPECT_EQ(gateway->wait(10s), 128 + SIGKILL);
  std::this_thread::sleep_for(1500ms);
  // Every thread has published since the kill (at least once a second), so this covers every
  // success that happened before it.
  const std::uint64_t before_restart = seen_successes.load();

  std::string restarted;
  std::string last_error;
  const auto retry_until = Clock::now() + 10s;
  while (restarted.empty() && Clock::now() < retry_until) {
    try {
      restarted = start_gateway_on(gateway, listen, {}, 60s);
    } catch (const std::exception& e) {
      last_error = e.what();
      std::this_thread::sleep_for(200ms);
    }
  }
  ASSERT_EQ(restarted, url) << "could not restart the gateway on " << listen << ": " << last_error;

  runner.join();
  const Registry& registry = outcome.registry;
  const double planned_s = std::chrono::duration<double>(plan.duration).count();
  std::cout << "startup " << startup_s << " s; run " << run_s << " s of " << planned_s
            << " s planned; runs " << registry.total_runs() << ", failures "
            << registry.total_failures() << " (connect "
            << failures_of_kind(registry, FailureKind::connect) << ", transport "
            << failures_of_kind(registry, FailureKind::transport) << ", timeout "
            << failures_of_kind(registry, FailureKind::timeout) << "); successes before kill "
            << before_kill << ", before restart " << before_restart << ", total "
            << successes(registry) << "\n";

  EXPECT_FALSE(outcome.interrupted);
  EXPECT_LT(run_s, planned_s + 3.5) << "the run overran its duration";
  EXPECT_GT(before_kill, 0u) << "nothing succeeded before the kill";
  EXPECT_GT(failures_of_kind(registry, FailureKind::connect), 0u)
      << "no connect failure while the gateway was down";
  EXPECT_GT(successes(registry), before_restart) << "nothing succeeded after the restart";
  EXPECT_EQ(failures_of_kind(registry, FailureKind::none), 0u)
      << "a failed run without a failure kind";

  ASSERT_NO_FATAL_FAILURE(reports_show_the_failure(plan, outcome));
}

// ---- Answers that come too late, cut, as garbage, too big, or not at all -----------------

TEST(Survival, TimeoutsAreCountedAndCutTheWait) {
  constexpr int kRuns = 8;
  constexpr int kConcurrency = 4;
  std::unique_ptr<ChildProcess> gateway;
  const std::string url = start_gateway(gateway, {"--fault", "search:delay=1500ms"});
  RunPlan plan = iterations_plan(url, Scenario::cold_search_email, kRuns, kConcurrency, 31);
  plan.http.timeout_ms = 300;
  const std::atomic<bool> never{false};
  const auto t0 = Clock::now();
  RunOutcome outcome = run_plan(plan, never);
  const double took_s = seconds_since(t0);
  const ScenarioStats& stats = outcome.registry.stats(Scenario::cold_search_email);
  std::cout << kRuns << " runs in " << took_s << " s: " << describe_failures(stats) << "\n";

  EXPECT_EQ(stats.runs, static_cast<std::uint64_t>(kRuns));
  EXPECT_EQ(stats.failures, static_cast<std::uint64_t>(kRuns));
  EXPECT_EQ(stats.failure_kind(FailureKind::timeout), static_cast<std::uint64_t>(kRuns))
      << describe_failures(stats);
  EXPECT_EQ(stats.failed_at_count("search"), static_cast<std::uint64_t>(kRuns));
  // Each run waits its 0.3 s timeout, kConcurrency at a time: 0.6 s, not the 3 s of the delay.
  const double expected_s = kRuns * 0.3 / kConcurrency;
  EXPECT_GE(took_s, expected_s * 0.95);
  EXPECT_LT(took_s, expected_s + 1.0) << "the client waited for the delayed answers";
  const StepStats* search = stats.step("search");
  ASSERT_NE(search, nullptr);
  EXPECT_EQ(search->failures, static_cast<std::uint64_t>(kRuns));
  EXPECT_LT(search->latency.max(), 1200ms);
  // Each timed-out search reached the gateway once: nothing was retried behind the suite's back.
  EXPECT_EQ(searches_counted(url), static_cast<std::uint64_t>(kRuns));
}

struct BadAnswer {
  const char* name;
  const char* fault;
  FailureKind kind;
};

void PrintTo(const BadAnswer& b, std::ostream* os) { *os << b.name; }

class BadAnswerIsCounted : public ::testing::TestWithParam<BadAnswer> {};

TEST_P(BadAnswerIsCounted, ExactlyOncePerRun) {
  constexpr int kRuns = 40;
  constexpr int kConcurrency = 4;
  const BadAnswer& bad = GetParam();
  std::unique_ptr<ChildProcess> gateway;
  const std::string url = start_gateway(gateway, {"--fault", bad.fault});
  const std::uint64_t rss_before = reset_peak_rss_kib();
  RunPlan plan = iterations_plan(url, Scenario::cold_search_email, kRuns, kConcurrency, 31);
  plan.http.timeout_ms = 20000;
  const std::atomic<bool> never{false};
  const auto t0 = Clock::now();
  RunOutcome outcome = run_plan(plan, never);
  const double took_s = seconds_since(t0);
  const std::uint64_t rss_after = status_kib("VmHWM:");
  const ScenarioStats& stats = outcome.registry.stats(Scenario::cold_search_email);
  std::cout << bad.name << ": " << kRuns << " runs in " << took_s << " s, peak RSS "
            << rss_before / 1024 << " -> " << rss_after / 1024
            << " MiB: " << describe_failures(stats) << "\n";

  EXPECT_EQ(stats.runs, static_cast<std::uint64_t>(kRuns));
  EXPECT_EQ(stats.failures, static_cast<std::uint64_t>(kRuns));
  EXPECT_EQ(stats.failure_kind(bad.kind), static_cast<std::uint64_t>(kRuns))
      << describe_failures(stats);
  EXPECT_EQ(stats.failed_at_count("search"), static_cast<std::uint64_t>(kRuns));
  const StepStats* search = stats.step("search");
  ASSERT_NE(search, nullptr);
  EXPECT_EQ(search->runs, static_cast<std::uint64_t>(kRuns));
  EXPECT_EQ(search->failures, static_cast<std::uint64_t>(kRuns));
  EXPECT_EQ(stats.step("email_validate"), nullptr) << "a run went on after its search failed";
  // 40 answers of 11 MiB on 4 threads must not be held: well under one of them per thread.
  ASSERT_GT(rss_before, 0u);
  EXPECT_LT(rss_after - rss_before, 64u * 1024)
      << "peak RSS grew by " << (rss_after - rss_before) / 1024 << " MiB";
  // The gateway is still up, and saw each search exactly once: the client never retried.
  EXPECT_EQ(searches_counted(url), static_cast<std::uint64_t>(kRuns));
}

INSTANTIATE_TEST_SUITE_P(Faults, BadAnswerIsCounted,
                         ::testing::Values(
                             // The body is cut in half with a Content-Length matching the half: the
                             // transfer is complete, the JSON is not.
                             BadAnswer{"Truncated", "search:truncate", FailureKind::bad_json},
                             BadAnswer{"InvalidJson", "search:invalid_json", FailureKind::bad_json},
                             // 11 MiB, over the client's 10 MiB cap.
                             BadAnswer{"Oversize", "search:oversize", FailureKind::oversize},
                             // The connection closes without an answer.
                             BadAnswer{"Dropped", "search:drop", FailureKind::transport}),
                         [](const ::testing::TestParamInfo<BadAnswer>& info) {
                           return std::string(info.param.name);
                         });

// ---- Ctrl-C on the suite binary ----------------------------------------------------------

TEST(Survival, SigintWritesPartialReportsAndExits130) {
  std::unique_ptr<ChildProcess> gateway;
  const std::string url = start_gateway(gateway, {});
  const auto dir = report_dir("sigint");
  ChildProcess suite({suite_binary(), "--gateway", url, "--stress", "--duration", "60s",
                      "--concurrency", "4", "--progress", "off", "--report-dir", dir.string(),
                      "--gtest_filter=*Mix*"});
  ASSERT_NE(suite.wait_for_line("[ RUN      ]", 60s), "") << suite.output();
  std::this_thread::sleep_for(2s);
  const auto signalled = Clock::now();
  suite.signal(SIGINT);
  const int status = suite.wait(20s);
  const double exit_s = seconds_since(signalled);
  std::cout << "exit " << status << " " << exit_s << " s after SIGINT\n";
  EXPECT_EQ(status, 130) << suite.output();
  EXPECT_LT(exit_s, 10.0);

  rapidjson::Document json;
  const std::string json_text = read_file(dir / "report.json");
  json.Parse(json_text.c_str());
  ASSERT_FALSE(json.HasParseError()) << "report.json: " << json_text << "\n" << suite.output();
  ASSERT_TRUE(json.IsObject());
  EXPECT_TRUE(json["partial"].IsBool() && json["partial"].GetBool());
  EXPECT_TRUE(json["partial_reason"].IsString() && json["partial_reason"].GetStringLength() > 0);
  EXPECT_GT(json["total_scenarios"].GetUint64(), 0u);
  EXPECT_NE(read_file(dir / "report.txt").find("PARTIAL"), std::string::npos);
  boost::property_tree::ptree xml;
  EXPECT_NO_THROW(boost::property_tree::read_xml((dir / "junit.xml").string(), xml))
      << suite.output();
  std::filesystem::remove_all(dir);
}

// Records answer after 8 s, so after 2 s the workers are most likely waiting on one: the first
// SIGINT alone would wait for them, the second must not.
TEST(Survival, SecondSigintQuitsAtOnce) {
  std::unique_ptr<ChildProcess> gateway;
  const std::string url = start_gateway(gateway, {"--fault", "record:delay=8s"});
  ChildProcess suite({suite_binary(), "--gateway", url, "--stress", "--duration", "60s",
                      "--concurrency", "4", "--progress", "off", "--gtest_filter=*Mix*"});
  ASSERT_NE(suite.wait_for_line("[ RUN      ]", 60s), "") << suite.output();
  std::this_thread::sleep_for(2s);
  const auto signalled = Clock::now();
  suite.signal(SIGINT);
  ASSERT_NE(suite.wait_for_line("interrupted", 5s), "") << suite.output();
  // Signals within a second of the first count as the same one (see main.cpp).
  std::this_thread::sleep_for(1200ms);
  suite.signal(SIGINT);
  const int status = suite.wait(20s);
  const double exit_s = seconds_since(signalled);
  std::cout << "exit " << status << " " << exit_s << " s after the first SIGINT\n";
  EXPECT_EQ(status, 130) << suite.output();
  EXPECT_LT(exit_s, 4.0) << suite.output();
}

}  // namespace
}  // namespace multitier::selftest
