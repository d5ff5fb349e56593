// run_plan against the scripted loopback server, no gateway process: how many scenarios and
// requests each mode sends, how a run ends (by itself, or early through the stop flag), what the
// outcome says it ran on, the pause after a refused connection, and per-thread registries
// merging to exact totals.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "multitier/pools/pools.h"
#include "multitier/run/runner.h"
#include "tests/unit/scripted_server.h"
#include "tests/unit/seed_pools.h"

namespace multitier {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using unit::http_response;
using unit::ScriptedServer;
using unit::ScriptStep;

using unit::seed_context;

// One result: a valid answer for every k the scenarios ask (1, 3, 5), and JSON for a record.
const ScriptStep kAnswer{
    http_response(200, R"({"results":[{"id":"w-1","distance":0.1,"corpus":"workers"}]})")};
const ScriptStep kStatus500{http_response(500, R"({"error":"scripted"})")};

RunPlan plan_for(const std::string& url, std::vector<std::pair<Scenario, int>> weights) {
  RunPlan plan;
  plan.gateway = url;
  plan.http.connect_timeout_ms = 1000;
  plan.http.timeout_ms = 5000;
  plan.context = seed_context();
  plan.weights = std::move(weights);
  plan.seed = 5;
  plan.nonce = 5;
  return plan;
}

RunPlan iterations_plan(const std::string& url, Scenario scenario, int iterations, int concurrency,
                        int threads) {
  RunPlan plan = plan_for(url, {{scenario, 1}});
  plan.iterations = iterations;
  plan.concurrency = concurrency;
  plan.threads = threads;
  return plan;
}

RunPlan stress_plan(const std::string& url, std::chrono::milliseconds duration, int concurrency) {
  RunPlan plan = plan_for(url, {{Scenario::cold_search_email, 1}});
  plan.stress = true;
  plan.duration = duration;
  plan.concurrency = concurrency;
  plan.threads = 1;
  return plan;
}

// Runs the plan on another thread. A run still going after `bound` is stopped and fails the
// test, so a runner that misses its end condition fails instead of hanging the suite.
RunOutcome run_bounded(const RunPlan& plan, std::atomic<bool>& stop,
                       std::chrono::seconds bound = 30s) {
  auto running = std::async(std::launch::async, [&] { return run_plan(plan, stop); });
  if (running.wait_for(bound) != std::future_status::ready) {
    ADD_FAILURE() << "run_plan did not end within " << bound.count() << " s; stopping it";
    stop = true;
  }
  return running.get();
}

RunOutcome run_bounded(const RunPlan& plan) {
  std::atomic<bool> stop{false};
  return run_bounded(plan, stop);
}

// Raises `stop` once the server has seen `requests` requests (or after 10 s, so a run that
// sends nothing still ends).
std::thread stop_after(const ScriptedServer& server, std::size_t requests,
                       std::atomic<bool>& stop) {
  return std::thread([&server, requests, &stop] {
    const auto give_up = Clock::now() + 10s;
    while (server.requests().size() < requests && Clock::now() < give_up)
      std::this_thread::sleep_for(2ms);
    stop = true;
  });
}

TEST(RunPlan, IterationsRunExactlyThatManyScenarios) {
  ScriptedServer server({kAnswer});
  RunOutcome outcome =
      run_bounded(iterations_plan(server.url(), Scenario::cold_search_email, 7, 3, 1));
  const ScenarioStats& cold = outcome.registry.stats(Scenario::cold_search_email);
  EXPECT_EQ(cold.runs, 7u);
  EXPECT_EQ(cold.failures, 0u) << (cold.errors.empty() ? "" : cold.errors[0].message);
  EXPECT_EQ(outcome.registry.total_runs(), 7u);
  EXPECT_EQ(server.requests().size(), 7u) << "one search per cold_search_email run";
  EXPECT_EQ(outcome.vus, 3);
  EXPECT_EQ(outcome.threads, 1);
  EXPECT_FALSE(outcome.interrupted);
  EXPECT_EQ(outcome.interrupted_after_s, 0.0);
}

TEST(RunPlan, EveryRequestOfAMixedRunReachesTheServerOnce) {
  ScriptedServer server({kAnswer});
  RunPlan plan = plan_for(server.url(), {{Scenario::cold_search_email, 1},
                                         {Scenario::surge_fill_validate, 1},
                                         {Scenario::repeat_cache, 1}});
  plan.iterations = 12;
  plan.concurrency = 4;
  plan.threads = 2;
  RunOutcome outcome = run_bounded(plan);
  const Registry& r = outcome.registry;
  const std::uint64_t cold = r.stats(Scenario::cold_search_email).runs;
  const std::uint64_t surge = r.stats(Scenario::surge_fill_validate).runs;
  const std::uint64_t repeat = r.stats(Scenario::repeat_cache).runs;
  EXPECT_EQ(cold + surge + repeat, 12u);
  EXPECT_EQ(r.total_runs(), 12u);
  EXPECT_EQ(r.total_failures(), 0u);
  // cold_search_email searches once, surge_fill_validate searches and records, repeat_cache
  // searches five times.
  EXPECT_EQ(server.requests().size(), cold + 2 * surge + 5 * repeat);
  if (repeat > 0) {
    const StepStats* last = r.stats(Scenario::repeat_cache).step("search_4");
    ASSERT_NE(last, nullptr);
    EXPECT_EQ(last->runs, repeat);
  }
}

TEST(RunPlan, VusNeverOutnumberTheIterations) {
  ScriptedServer server({kAnswer});
  RunOutcome outcome =
      run_bounded(iterations_plan(server.url(), Scenario::cold_search_email, 3, 8, 4));
  EXPECT_EQ(outcome.vus, 3);
  EXPECT_EQ(outcome.threads, 3) << "never more threads than VUs";
  EXPECT_EQ(outcome.registry.total_runs(), 3u);
  EXPECT_LE(server.accepts(), 3) << "one connection per VU at most";
}

TEST(RunPlan, DefaultThreadsAreOnePerTwoCoresCappedByTheVus) {
  ScriptedServer server({kAnswer});
  RunOutcome outcome =
      run_bounded(iterations_plan(server.url(), Scenario::cold_search_email, 4, 2, 0));
  EXPECT_EQ(outcome.vus, 2);
  EXPECT_EQ(outcome.threads, std::min(default_loop_threads(), 2));
  EXPECT_EQ(outcome.registry.total_runs(), 4u);
}

TEST(RunPlan, StressStopsByItselfAfterTheDuration) {
  ScriptedServer server({kAnswer});
  RunOutcome outcome = run_bounded(stress_plan(server.url(), 300ms, 2));
  EXPECT_FALSE(outcome.interrupted);
  EXPECT_EQ(outcome.vus, 2);
  EXPECT_EQ(outcome.threads, 1);
  const std::uint64_t runs = outcome.registry.total_runs();
  EXPECT_GE(runs, 1u);
  EXPECT_EQ(outcome.registry.total_failures(), 0u);
  // Without a warm-up every run is counted, and a run begun before the deadline is finished.
  EXPECT_EQ(server.requests().size(), runs);
  EXPECT_GE(outcome.wall_s, 0.3) << "VUs keep starting runs until the duration has passed";
}

TEST(RunPlan, WarmupRunsAreNotCounted) {
  ScriptedServer server({kAnswer});
  // A second of warm-up, so even a loaded machine finishes a run in it; the run in flight when
  // it ends is counted, so the measured phase always has one.
  RunPlan plan = stress_plan(server.url(), 200ms, 1);
  plan.warmup = 1s;
  RunOutcome outcome = run_bounded(plan);
  EXPECT_FALSE(outcome.interrupted);
  EXPECT_GT(server.requests().size(), outcome.registry.total_runs())
      << "runs ended in the warm-up were sent";
  EXPECT_GE(outcome.registry.total_runs(), 1u);
}

TEST(RunPlan, StopEndsAStressRunEarlyAndMarksItInterrupted) {
  ScriptedServer server({kAnswer});
  std::atomic<bool> stop{false};
  std::thread raiser = stop_after(server, 4, stop);
  // A minute: far longer than the run may take once stopped, short enough to end the test if
  // the stop flag were ignored.
  RunOutcome outcome = run_bounded(stress_plan(server.url(), 60000ms, 2), stop, 45s);
  raiser.join();
  EXPECT_TRUE(outcome.interrupted);
  EXPECT_GT(outcome.interrupted_after_s, 0.0);
  EXPECT_LT(outcome.interrupted_after_s, 40.0);
  EXPECT_LT(outcome.wall_s, 40.0);
  // VUs finish the scenario in hand: every request sent belongs to a counted run.
  EXPECT_GE(outcome.registry.total_runs(), 4u);
  EXPECT_EQ(server.requests().size(), outcome.registry.total_runs());
}

TEST(RunPlan, StopEndsAnIterationsRunEarly) {
  ScriptStep slow = kAnswer;
  slow.delay_ms = 20;  // 400 runs would take 8 s: long enough to stop in the middle
  ScriptedServer server({slow});
  std::atomic<bool> stop{false};
  std::thread raiser = stop_after(server, 3, stop);
  RunOutcome outcome =
      run_bounded(iterations_plan(server.url(), Scenario::cold_search_email, 400, 1, 1), stop);
  raiser.join();
  EXPECT_TRUE(outcome.interrupted);
  EXPECT_LT(outcome.registry.total_runs(), 400u);
  EXPECT_GE(outcome.registry.total_runs(), 3u);
  EXPECT_EQ(server.requests().size(), outcome.registry.total_runs());
  EXPECT_EQ(outcome.registry.total_failures(), 0u);
}

TEST(RunPlan, StopRaisedBeforeTheRunSendsNothing) {
  ScriptedServer server({kAnswer});
  std::atomic<bool> stop{true};
  RunOutcome outcome =
      run_bounded(iterations_plan(server.url(), Scenario::cold_search_email, 5, 2, 1), stop);
  EXPECT_TRUE(outcome.interrupted);
  EXPECT_EQ(outcome.registry.total_runs(), 0u);
  EXPECT_EQ(server.requests().size(), 0u);
}

TEST(RunPlan, RefusedConnectionsAreConnectFailuresWithAPause) {
  const std::string url = "http://127.0.0.1:" + std::to_string(unit::closed_port());
  RunOutcome outcome = run_bounded(stress_plan(url, 300ms, 2));
  const ScenarioStats& cold = outcome.registry.stats(Scenario::cold_search_email);
  EXPECT_GE(cold.runs, 1u);
  EXPECT_EQ(cold.failures, cold.runs);
  EXPECT_EQ(cold.failure_kind(FailureKind::connect), cold.runs);
  EXPECT_EQ(cold.failed_at_count("search"), cold.runs);
  // Each refused run is followed by a 10 ms pause, so a VU starts at most 300 / 10 = 30 runs
  // after its first before the deadline (one more for slack). Without the pause a refused
  // connection takes microseconds and a VU would start thousands.
  EXPECT_LE(cold.runs, 2u * (1 + 30 + 1));
}

TEST(RunPlan, PerThreadRegistriesMergeToExactTotals) {
  // Ten answers for ten runs, four of them errors: whichever VU draws which, the merged
  // registry must count each exactly once.
  ScriptedServer server({kAnswer, kStatus500, kAnswer, kStatus500, kAnswer, kStatus500, kAnswer,
                         kStatus500, kAnswer, kAnswer});
  RunOutcome outcome =
      run_bounded(iterations_plan(server.url(), Scenario::cold_search_email, 10, 4, 2));
  EXPECT_EQ(outcome.threads, 2);
  EXPECT_EQ(outcome.vus, 4);
  const ScenarioStats& cold = outcome.registry.stats(Scenario::cold_search_email);
  EXPECT_EQ(cold.runs, 10u);
  EXPECT_EQ(cold.latency.count(), 10u);
  EXPECT_EQ(cold.failures, 4u);
  EXPECT_EQ(cold.failure_kind(FailureKind::http_status), 4u);
  EXPECT_EQ(cold.failed_at_count("search"), 4u);
  ASSERT_EQ(cold.errors.size(), 1u) << "the four errors are one distinct sample";
  EXPECT_EQ(cold.errors[0].count, 4u);
  const StepStats* search = cold.step("search");
  const StepStats* validate = cold.step("email_validate");
  ASSERT_NE(search, nullptr);
  ASSERT_NE(validate, nullptr);
  EXPECT_EQ(search->runs, 10u);
  EXPECT_EQ(search->failures, 4u);
  EXPECT_EQ(validate->runs, 6u);
  EXPECT_EQ(cold.validator_count(ValidationCategory::pass), 6u);
  EXPECT_EQ(server.requests().size(), 10u);
}

}  // namespace
}  // namespace multitier
