#include "multitier/run/runner.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include <cmath>

#include "loop_thread.h"

namespace multitier {

namespace detail {

std::vector<std::uint64_t> LoopThread::my_vus() const {
  std::vector<std::uint64_t> mine;
  for (auto v = static_cast<std::uint64_t>(thread); v < vus;
       v += static_cast<std::uint64_t>(threads))
    mine.push_back(v);
  return mine;
}

void LoopThread::publish() {
  if (!published) return;
  std::lock_guard lock(published->mutex);
  published->registry = registry;
}

void LoopThread::drive(TransferLoop& loop, std::vector<Task<void>>& tasks) {
  auto next_publish = Clock::now() + std::chrono::seconds(1);
  auto all_done = [&] {
    return std::all_of(tasks.begin(), tasks.end(), [](const Task<void>& t) { return t.done(); });
  };
  while (!all_done()) {
    loop.run_once(kLoopTick);
    if (published && Clock::now() >= next_publish) {
      publish();
      next_publish += std::chrono::seconds(1);
    }
  }
  for (Task<void>& t : tasks) t.result();  // rethrows what escaped a VU
}

void LoopThread::run() {
  try {
    if (plan.stress && open_model(plan.executor.kind)) {
      run_open();
    } else {
      run_closed();
    }
  } catch (...) {
    error = std::current_exception();
  }
  publish();
}

}  // namespace detail

namespace {

using detail::Clock;
using detail::LoopThread;
using detail::Published;

// VUs in the run: in iterations mode never more than there are runs; the open model runs on
// its VU pool, ramping-vus on as many as its highest stage asks for.
int vu_count(const RunPlan& plan) {
  if (!plan.stress) return std::min(plan.concurrency, plan.iterations);
  if (open_model(plan.executor.kind)) return std::max(plan.executor.max_vus, 1);
  if (plan.executor.kind == ExecutorKind::ramping_vus) {
    double most = 0;
    for (const Stage& stage : plan.executor.stages) most = std::max(most, stage.target);
    return std::max(1, static_cast<int>(std::ceil(most)));
  }
  return plan.concurrency;
}

}  // namespace

int default_loop_threads() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 2));
}

int loop_threads(const RunPlan& plan) {
  const int vus = vu_count(plan);
  const int wanted = plan.threads > 0 ? plan.threads : default_loop_threads();
  return std::max(1, std::min(wanted, vus));
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
  const int vus = vu_count(plan);
  const int threads = loop_threads(plan);
  const RateCurve curve =
      executor_curve(plan.executor, plan.concurrency, plan.warmup + plan.duration);
  const auto start = Clock::now();
  const auto measure_from = start + (plan.stress ? plan.warmup : std::chrono::nanoseconds(0));
  // Ramping executors last as long as their stages, the warm-up being their first part.
  const auto deadline = plan.stress && ramping(plan.executor.kind)
                            ? start + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(curve.duration_s()))
                            : measure_from + plan.duration;

  std::vector<Published> published(progress ? static_cast<std::size_t>(threads) : 0);
  std::vector<LoopThread> loops;
  loops.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    Published* slot = progress ? &published[static_cast<std::size_t>(t)] : nullptr;
    loops.push_back(LoopThread{plan,
                               stop,
                               curve,
                               start,
                               measure_from,
                               deadline,
                               t,
                               threads,
                               static_cast<std::uint64_t>(std::max(vus, 0)),
                               slot,
                               {},
                               {}});
  }
  std::atomic<int> running{threads};
  std::vector<std::thread> pool;
  pool.reserve(loops.size());
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      loops[static_cast<std::size_t>(t)].run();
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
      report.planned_s =
          plan.stress ? std::chrono::duration<double>(deadline - measure_from).count() : 0;
      report.snapshot = &snapshot;
      progress(report);
    }
  }
  for (auto& thread : pool) thread.join();
  const auto end = Clock::now();
  for (auto& thread : loops) {
    if (thread.error) std::rethrow_exception(thread.error);
  }

  RunOutcome outcome;
  outcome.vus = vus;
  outcome.threads = threads;
  for (auto& thread : loops) outcome.registry.merge(thread.registry);
  outcome.wall_s =
      std::chrono::duration<double>(end - (end > measure_from ? measure_from : start)).count();
  outcome.interrupted = stop.load();
  if (outcome.interrupted) {
    const auto at = stopped_at.value_or(end);
    outcome.interrupted_after_s =
        at > measure_from ? std::chrono::duration<double>(at - measure_from).count() : 0;
  }
  return outcome;
}

}  // namespace multitier
