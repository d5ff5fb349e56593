// The closed model: each VU starts its next scenario when the last one ends. constant-vus
// keeps every VU busy; ramping-vus lets VU v run only while v is below the curve's VU target.
#include <algorithm>
#include <cmath>

#include "loop_thread.h"

namespace multitier::detail {
namespace {

// How often an idle VU of ramping-vus looks at the curve again.
constexpr auto kRampTick = std::chrono::milliseconds(10);

}  // namespace

Task<void> LoopThread::closed_vu(TransferLoop& loop, std::uint64_t index) {
  GatewayClient client(plan.gateway, plan.http, &loop);
  Random random(Random::derive(plan.seed, index));
  Vu vu{client, random, index, 0, plan.nonce};
  const bool ramp = plan.stress && plan.executor.kind == ExecutorKind::ramping_vus;
  for (std::uint64_t run = index;; run += vus) {
    if (stop.load(std::memory_order_relaxed)) break;
    if (!plan.stress && run >= static_cast<std::uint64_t>(plan.iterations)) break;
    const auto now = Clock::now();
    if (plan.stress && now >= deadline) break;
    if (ramp) {
      const double t = std::chrono::duration<double>(now - start).count();
      if (static_cast<double>(index) >= std::round(curve.at(t))) {
        co_await loop.sleep_until(std::min(now + kRampTick, deadline));
        continue;
      }
    }
    const Scenario scenario = pick_weighted(plan.weights, random);
    if (measured(now)) registry.series().count_start(scenario, wall.at(now));
    ScenarioResult result = co_await run_scenario(scenario, plan.context, vu);
    const auto done = Clock::now();
    if (measured(done)) registry.record(result, wall.at(done));
    if (result.failure.kind == FailureKind::connect) {
      co_await loop.sleep_until(Clock::now() + kConnectBackoff);
    }
  }
}

void LoopThread::run_closed() {
  const std::vector<std::uint64_t> mine = my_vus();
  TransferLoop loop(static_cast<int>(mine.size()));
  std::vector<Task<void>> tasks;
  tasks.reserve(mine.size());
  for (std::uint64_t v : mine) {
    tasks.push_back(closed_vu(loop, v));
    tasks.back().start();
  }
  drive(loop, tasks);
}

}  // namespace multitier::detail
