#include "support/runner.h"

#include <mutex>
#include <optional>
#include <thread>

namespace multitier {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kConnectBackoff = std::chrono::milliseconds(10);

// A worker's registry copy, refreshed by the worker itself about once a second so the
// progress reader never touches the live one.
struct Published {
  std::mutex mutex;
  Registry registry;
};

struct Worker {
  const RunPlan& plan;
  const std::atomic<bool>& stop;
  Clock::time_point measure_from;
  Clock::time_point deadline;
  Published* published;  // null when nobody reads progress: then nothing is copied
  Registry registry;

  void run(std::uint64_t index) {
    GatewayClient client(plan.gateway, plan.http);
    Random random(Random::derive(plan.seed, index));
    ScenarioWorker state{client, random, index, 0, plan.nonce};
    auto next_publish = Clock::now() + std::chrono::seconds(1);
    const auto threads = static_cast<std::uint64_t>(plan.concurrency);
    for (std::uint64_t run = index;; run += threads) {
      if (stop.load(std::memory_order_relaxed)) break;
      if (!plan.stress && run >= static_cast<std::uint64_t>(plan.iterations)) break;
      auto now = Clock::now();
      if (plan.stress && now >= deadline) break;
      ScenarioResult result = run_scenario(pick_weighted(plan.weights, random), plan.context, state);
      if (!plan.stress || Clock::now() >= measure_from) registry.record(result);
      if (result.failure.kind == FailureKind::connect) std::this_thread::sleep_for(kConnectBackoff);
      if (published && Clock::now() >= next_publish) {
        std::lock_guard lock(published->mutex);
        published->registry = registry;
        next_publish += std::chrono::seconds(1);
      }
    }
    if (published) {
      std::lock_guard lock(published->mutex);
      published->registry = registry;
    }
  }
};

}  // namespace

Scenario pick_weighted(const std::vector<std::pair<Scenario, int>>& weights, Random& random) {
  if (weights.size() == 1) return weights.front().first;
  std::uint64_t total = 0;
  for (const auto& [s, w] : weights) total += static_cast<std::uint64_t>(w);
  std::uint64_t roll = random.below(total);
  for (const auto& [s, w] : weights) {
    if (roll < static_cast<std::uint64_t>(w)) return s;
    roll -= static_cast<std::uint64_t>(w);
  }
  return weights.back().first;
}

RunOutcome run_plan(const RunPlan& plan, const std::atomic<bool>& stop,
                    const ProgressCallback& progress, std::chrono::milliseconds progress_every) {
  const int threads = plan.stress ? plan.concurrency : std::min(plan.concurrency, plan.iterations);
  const auto start = Clock::now();
  const auto measure_from = start + (plan.stress ? plan.warmup : std::chrono::milliseconds(0));
  const auto deadline = measure_from + plan.duration;

  std::vector<Published> published(progress ? static_cast<std::size_t>(threads) : 0);
  std::vector<Worker> workers;
  workers.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    Published* slot = progress ? &published[static_cast<std::size_t>(t)] : nullptr;
    workers.push_back(Worker{plan, stop, measure_from, deadline, slot, {}});
  }
  std::atomic<int> running{threads};
  std::vector<std::thread> pool;
  pool.reserve(workers.size());
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      workers[static_cast<std::size_t>(t)].run(static_cast<std::uint64_t>(t));
      running.fetch_sub(1, std::memory_order_release);
    });
  }

  // Watches for the stop flag (to date an interruption) and publishes progress.
  std::optional<Clock::time_point> stopped_at;
  auto next = start + progress_every;
  while (running.load(std::memory_order_acquire) > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!stopped_at && stop.load()) stopped_at = Clock::now();
    if (progress) {
      if (Clock::now() < next) continue;
      next += progress_every;
      Registry snapshot;
      for (auto& p : published) {
        std::lock_guard lock(p.mutex);
        snapshot.merge(p.registry);
      }
      RunProgress report;
      report.elapsed_s = std::chrono::duration<double>(Clock::now() - measure_from).count();
      report.planned_s = plan.stress ? std::chrono::duration<double>(plan.duration).count() : 0;
      report.snapshot = &snapshot;
      progress(report);
    }
  }
  for (auto& thread : pool) thread.join();
  const auto end = Clock::now();

  RunOutcome outcome;
  for (auto& w : workers) outcome.registry.merge(w.registry);
  outcome.wall_s = std::chrono::duration<double>(end - (end > measure_from ? measure_from : start)).count();
  outcome.interrupted = stop.load();
  if (outcome.interrupted) {
    const auto at = stopped_at.value_or(end);
    outcome.interrupted_after_s = at > measure_from ? std::chrono::duration<double>(at - measure_from).count() : 0;
  }
  return outcome;
}

}  // namespace multitier
