#include "multitier/run/runner.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "multitier/core/task.h"
#include "multitier/net/transfer_loop.h"

namespace multitier {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kConnectBackoff = std::chrono::milliseconds(10);
// How long a loop waits for events before it looks at the clock again (publishing progress).
constexpr auto kLoopTick = std::chrono::milliseconds(50);

// A thread's registry copy, refreshed by the thread itself about once a second so the
// progress reader never touches the live one.
struct Published {
  std::mutex mutex;
  Registry registry;
};

// One event-loop thread: its loop, its workers and the registry they record into.
struct Lane {
  const RunPlan& plan;
  const std::atomic<bool>& stop;
  Clock::time_point measure_from;
  Clock::time_point deadline;
  std::uint64_t workers = 0;  // in the whole run
  Published* published;       // null when nobody reads progress: then nothing is copied
  Registry registry;
  std::exception_ptr error;

  Task<void> work(TransferLoop& loop, std::uint64_t index) {
    GatewayClient client(plan.gateway, plan.http, &loop);
    Random random(Random::derive(plan.seed, index));
    ScenarioWorker state{client, random, index, 0, plan.nonce};
    for (std::uint64_t run = index;; run += workers) {
      if (stop.load(std::memory_order_relaxed)) break;
      if (!plan.stress && run >= static_cast<std::uint64_t>(plan.iterations)) break;
      if (plan.stress && Clock::now() >= deadline) break;
      ScenarioResult result = co_await run_scenario(pick_weighted(plan.weights, random), plan.context, state);
      if (!plan.stress || Clock::now() >= measure_from) registry.record(result);
      if (result.failure.kind == FailureKind::connect) {
        co_await loop.sleep_until(Clock::now() + kConnectBackoff);
      }
    }
  }

  void publish() {
    if (!published) return;
    std::lock_guard lock(published->mutex);
    published->registry = registry;
  }

  void run(std::uint64_t first, std::uint64_t step) {
    try {
      std::vector<std::uint64_t> mine;
      for (std::uint64_t w = first; w < workers; w += step) mine.push_back(w);
      TransferLoop loop(static_cast<int>(mine.size()));
      std::vector<Task<void>> tasks;
      tasks.reserve(mine.size());
      for (std::uint64_t w : mine) {
        tasks.push_back(work(loop, w));
        tasks.back().start();
      }
      auto next_publish = Clock::now() + std::chrono::seconds(1);
      auto all_done = [&] { return std::all_of(tasks.begin(), tasks.end(), [](const Task<void>& t) { return t.done(); }); };
      while (!all_done()) {
        loop.run_once(kLoopTick);
        if (published && Clock::now() >= next_publish) {
          publish();
          next_publish += std::chrono::seconds(1);
        }
      }
      for (Task<void>& t : tasks) t.result();  // rethrows what escaped a worker
    } catch (...) {
      error = std::current_exception();
    }
    publish();
  }
};

// Workers in the run: in iterations mode never more than there are runs.
int worker_count(const RunPlan& plan) {
  return plan.stress ? plan.concurrency : std::min(plan.concurrency, plan.iterations);
}

}  // namespace

int default_loop_threads() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 2));
}

int loop_threads(const RunPlan& plan) {
  const int workers = worker_count(plan);
  const int wanted = plan.threads > 0 ? plan.threads : default_loop_threads();
  return std::max(1, std::min(wanted, workers));
}

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
  const int workers = worker_count(plan);
  const int threads = loop_threads(plan);
  const auto start = Clock::now();
  const auto measure_from = start + (plan.stress ? plan.warmup : std::chrono::nanoseconds(0));
  const auto deadline = measure_from + plan.duration;

  std::vector<Published> published(progress ? static_cast<std::size_t>(threads) : 0);
  std::vector<Lane> lanes;
  lanes.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    Published* slot = progress ? &published[static_cast<std::size_t>(t)] : nullptr;
    lanes.push_back(Lane{plan, stop, measure_from, deadline, static_cast<std::uint64_t>(std::max(workers, 0)), slot, {}, {}});
  }
  std::atomic<int> running{threads};
  std::vector<std::thread> pool;
  pool.reserve(lanes.size());
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      lanes[static_cast<std::size_t>(t)].run(static_cast<std::uint64_t>(t), static_cast<std::uint64_t>(threads));
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
  for (auto& lane : lanes) {
    if (lane.error) std::rethrow_exception(lane.error);
  }

  RunOutcome outcome;
  outcome.vus = workers;
  outcome.threads = threads;
  for (auto& lane : lanes) outcome.registry.merge(lane.registry);
  outcome.wall_s = std::chrono::duration<double>(end - (end > measure_from ? measure_from : start)).count();
  outcome.interrupted = stop.load();
  if (outcome.interrupted) {
    const auto at = stopped_at.value_or(end);
    outcome.interrupted_after_s = at > measure_from ? std::chrono::duration<double>(at - measure_from).count() : 0;
  }
  return outcome;
}

}  // namespace multitier
