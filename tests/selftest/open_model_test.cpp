// The open-model executors against the reference gateway, checked against a known truth: a
// gateway frozen for one second (SIGSTOP) must show in corrected latency and not in raw latency
// when starts queue, must show as dropped starts when they do not, a VU slower than the arrival
// gap must drop every other start, a linear ramp must plan a triangle, and Poisson arrivals
// must keep their mean rate. Each run is a few seconds, in-process through run_plan.
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "multitier/run/runner.h"
#include "tests/selftest/child_process.h"
#include "tests/selftest/seed_context.h"

namespace multitier::selftest {
namespace {

using namespace std::chrono_literals;

RunPlan open_plan(const std::string& url, ExecutorKind kind, double rate,
                  std::chrono::nanoseconds duration, int max_vus, WhenBusy when_busy) {
  RunPlan plan;
  plan.gateway = url;
  plan.context = seed_context();
  plan.weights = {{Scenario::cold_search_email, 1}};
  plan.stress = true;
  plan.threads = 1;
  plan.duration = duration;
  plan.seed = 17;
  plan.nonce = 17;
  plan.executor.kind = kind;
  plan.executor.rate = rate;
  plan.executor.max_vus = max_vus;
  plan.executor.when_busy = when_busy;
  plan.executor.max_backlog = 100'000;
  return plan;
}

// Samples of `h` at or above `at`, to the histogram's resolution.
std::uint64_t count_at_least(const LatencyHistogram& h, std::chrono::nanoseconds at) {
  const std::uint64_t n = h.count();
  for (std::uint64_t rank = 1; rank <= n; ++rank) {
    if (h.percentile(static_cast<double>(rank) / static_cast<double>(n)) >= at) return n - rank + 1;
  }
  return 0;
}

double ms(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e6; }

// Runs `plan` while the gateway is stopped (SIGSTOP) from 2.5 s to 3.5 s into it.
RunOutcome run_with_pause(const RunPlan& plan, ChildProcess& gateway) {
  std::atomic<bool> stop{false};
  RunOutcome outcome;
  std::thread runner([&] { outcome = run_plan(plan, stop); });
  std::this_thread::sleep_for(2500ms);
  gateway.signal(SIGSTOP);
  std::this_thread::sleep_for(1s);
  gateway.signal(SIGCONT);
  runner.join();
  return outcome;
}

class OpenModel : public ::testing::Test {
 protected:
  void SetUp() override { url_ = start_gateway(gateway_, {}); }
  std::unique_ptr<ChildProcess> gateway_;
  std::string url_;
};

TEST_F(OpenModel, APauseWithQueuedStartsShowsInCorrectedLatencyOnly) {
  const RunPlan plan =
      open_plan(url_, ExecutorKind::constant_arrival_rate, 200, 6s, 10, WhenBusy::queue);
  const RunOutcome outcome = run_with_pause(plan, *gateway_);
  const ScenarioStats& s = outcome.registry.stats(Scenario::cold_search_email);
  const ScheduleStats& schedule = outcome.registry.schedule();
  const std::uint64_t waited_long = count_at_least(s.corrected, 500ms);
  std::cout << "queued: planned " << schedule.planned << ", started " << schedule.started
            << ", dropped " << schedule.total_dropped() << "; corrected p99 "
            << ms(s.corrected.percentile(0.99)) << " ms, max " << ms(s.corrected.max()) << " ms, "
            << waited_long << " at >= 0.5 s; raw p99 " << ms(s.latency.percentile(0.99))
            << " ms, max " << ms(s.latency.max()) << " ms\n";
  EXPECT_NEAR(static_cast<double>(schedule.planned), 1200, 12);
  EXPECT_EQ(schedule.total_dropped(), 0u) << "the backlog is large enough to keep every start";
  EXPECT_EQ(schedule.started, schedule.planned);
  EXPECT_EQ(s.runs, schedule.started);
  EXPECT_GE(waited_long, 70u) << "about 100 starts were planned in the first half of the pause";
  EXPECT_LE(waited_long, 140u);
  EXPECT_GE(s.corrected.percentile(0.99), 800ms);
  EXPECT_GE(s.corrected.max(), 900ms);
  EXPECT_LE(s.corrected.max(), 1500ms);
  // Only the ~10 starts in flight when the gateway froze waited in the gateway itself.
  EXPECT_LT(s.latency.percentile(0.99), 300ms) << "raw latency must not show the queue";
  EXPECT_LE(count_at_least(s.latency, 500ms), 12u);
}

TEST_F(OpenModel, APauseWithDroppedStartsCountsThemAndCorrectedStaysNearRaw) {
  const RunPlan plan =
      open_plan(url_, ExecutorKind::constant_arrival_rate, 200, 6s, 10, WhenBusy::drop);
  const RunOutcome outcome = run_with_pause(plan, *gateway_);
  const ScenarioStats& s = outcome.registry.stats(Scenario::cold_search_email);
  const ScheduleStats& schedule = outcome.registry.schedule();
  std::cout << "dropped: planned " << schedule.planned << ", started " << schedule.started
            << ", dropped " << schedule.total_dropped() << "; corrected p99 "
            << ms(s.corrected.percentile(0.99)) << " ms, max " << ms(s.corrected.max())
            << " ms; raw p99 " << ms(s.latency.percentile(0.99)) << " ms, max "
            << ms(s.latency.max()) << " ms; lateness max " << ms(schedule.lateness.max())
            << " ms\n";
  EXPECT_GE(schedule.total_dropped(), 150u) << "the starts planned while every VU was stuck";
  EXPECT_LE(schedule.total_dropped(), 230u);
  EXPECT_EQ(schedule.started + schedule.total_dropped(), schedule.planned);
  // A start either begins on time or is dropped: corrected differs from raw by the lateness.
  EXPECT_LE(s.corrected.max(), s.latency.max() + schedule.lateness.max() + 1ms);
  EXPECT_LE(s.corrected.percentile(0.99),
            s.latency.percentile(0.99) + schedule.lateness.max() + 1ms);
}

TEST_F(OpenModel, OneSlowVuDropsEveryOtherStart) {
  std::unique_ptr<ChildProcess> slow;
  const std::string url = start_gateway(slow, {"--fault", "search:delay=15ms"});
  const RunPlan plan =
      open_plan(url, ExecutorKind::constant_arrival_rate, 100, 4s, 1, WhenBusy::drop);
  std::atomic<bool> stop{false};
  const RunOutcome outcome = run_plan(plan, stop);
  const ScheduleStats& schedule = outcome.registry.schedule();
  const double achieved = static_cast<double>(schedule.started) / outcome.wall_s;
  const double dropped =
      static_cast<double>(schedule.total_dropped()) / static_cast<double>(schedule.planned);
  std::cout << "one VU: planned " << schedule.planned << ", dropped " << schedule.total_dropped()
            << ", achieved " << achieved << "/s\n";
  EXPECT_NEAR(static_cast<double>(schedule.planned), 400, 4);
  EXPECT_NEAR(dropped, 0.5, 0.1) << "every start 10 ms after a 15 ms one finds the VU busy";
  EXPECT_NEAR(achieved, 50, 8);
}

TEST_F(OpenModel, ALinearRampPlansATriangle) {
  // 0 → 400 starts/s over 4 s, written as four stages so each second's starts are counted.
  RunPlan plan = open_plan(url_, ExecutorKind::ramping_arrival_rate, 0, 0s, 50, WhenBusy::drop);
  plan.executor.stages = {{1s, 100}, {1s, 200}, {1s, 300}, {1s, 400}};
  std::atomic<bool> stop{false};
  const RunOutcome outcome = run_plan(plan, stop);
  const ScheduleStats& schedule = outcome.registry.schedule();
  ASSERT_EQ(schedule.stages.size(), 4u);
  std::cout << "ramp: planned " << schedule.planned << " =";
  for (const StageCounts& stage : schedule.stages) std::cout << " " << stage.planned;
  std::cout << "\n";
  EXPECT_NEAR(static_cast<double>(schedule.planned), 800, 2);
  const double expected[] = {50, 150, 250, 350};
  for (std::size_t i = 0; i < 4; ++i)
    EXPECT_NEAR(static_cast<double>(schedule.stages[i].planned), expected[i], 2) << i;
}

TEST_F(OpenModel, PoissonArrivalsKeepTheirMeanGap) {
  RunPlan plan = open_plan(url_, ExecutorKind::constant_arrival_rate, 500, 4s, 50, WhenBusy::drop);
  plan.executor.arrivals = Arrivals::poisson;
  std::atomic<bool> stop{false};
  const RunOutcome outcome = run_plan(plan, stop);
  const double planned = static_cast<double>(outcome.registry.schedule().planned);
  const double mean_gap_ms = 4000.0 / planned;
  std::cout << "poisson: planned " << planned << ", mean gap " << mean_gap_ms << " ms\n";
  EXPECT_NEAR(mean_gap_ms, 2.0, 2.0 * 0.05);
}

}  // namespace
}  // namespace multitier::selftest
