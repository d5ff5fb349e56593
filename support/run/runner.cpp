#include "multitier/run/runner.h"

#include <algorithm>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include <cmath>

#include "loop_thread.h"
#include "multitier/run/footprint.h"

namespace multitier {

using namespace std::chrono_literals;

namespace detail {

std::vector<std::uint64_t> LoopThread::my_vus() const {
  // The segment's VUs (all of them for the whole run), dealt round-robin to its threads.
  std::vector<std::uint64_t> mine;
  std::uint64_t dealt = 0;
  for (std::uint64_t v = 0; v < vus; ++v) {
    if (!plan.segment.owns(v)) continue;
    if (dealt++ % static_cast<std::uint64_t>(threads) == static_cast<std::uint64_t>(thread)) {
      mine.push_back(v);
    }
  }
  return mine;
}

void LoopThread::publish(WallNanos now) {
  if (!published) return;
  const TimeSeries& series = registry.series();
  const std::int64_t through = series.enabled() ? series.index_of(now) - 1 : 0;
  std::lock_guard lock(published->mutex);
  published->runs = registry.total_runs();
  published->failures = registry.total_failures();
  if (!series.enabled() || through == published->index) return;
  published->index = through;
  published->last = series.slice(through);
}

void LoopThread::drive(TransferLoop& loop, std::vector<Task<void>>& tasks) {
  TimeSeries& series = registry.series();
  // Intervals close when they end (and progress learns of them then); with no series, totals
  // are published once a second.
  const Nanos tick = series.enabled() ? series.interval() : Nanos(std::chrono::seconds(1));
  auto next_tick = [&](WallNanos now) { return (now / tick.count() + 1) * tick.count(); };
  WallNanos next = next_tick(wall.now());
  auto all_done = [&] {
    return std::all_of(tasks.begin(), tasks.end(), [](const Task<void>& t) { return t.done(); });
  };
  while (!all_done()) {
    loop.run_once(kLoopTick);
    const WallNanos now = wall.now();
    if (now >= next) {
      series.roll(now);
      publish(now);
      next = next_tick(now);
    }
  }
  for (Task<void>& t : tasks) t.result();  // rethrows what escaped a VU
}

void LoopThread::run() {
  registry.series() = TimeSeries(plan.interval);
  try {
    if (plan.stress && open_model(plan.executor.kind)) {
      run_open();
    } else {
      run_closed();
    }
  } catch (...) {
    error = std::current_exception();
  }
  registry.series().finish();
  publish(wall.now());
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

// Completes the merged series: the measured phase's span with no missing interval, the
// executor's target per interval, and the gateway's footprint where it was sampled.
void fill_series(TimeSeries& series, const RunPlan& plan, const RateCurve& curve,
                 WallNanos timeline_start, WallNanos begin, WallNanos end,
                 const std::vector<std::pair<std::int64_t, FootprintSample>>& footprint) {
  series.begin = begin;
  series.end = end;
  if (end <= begin) return;
  const std::int64_t first = series.index_of(begin);
  const std::int64_t last = series.index_of(end - 1);
  series.fill(first, last);
  const auto length = series.interval().count();
  // The curve of the VU executors is the whole run's; a segment's target is its share.
  double target_share = 1;
  if (!plan.segment.whole() && !open_model(plan.executor.kind)) {
    target_share =
        plan.executor.kind == ExecutorKind::constant_vus && plan.concurrency > 0
            ? static_cast<double>(plan.segment.share(plan.concurrency)) / plan.concurrency
            : 1.0 / plan.segment.count;
  }
  for (SeriesInterval& interval : series.intervals()) {
    if (interval.index < first || interval.index > last) continue;
    if (plan.stress) {
      // The curve's mean over the part of the interval the phase covers.
      // The curve ends with the executor's timeline; VUs finishing after it have no target.
      const WallNanos curve_end = timeline_start + static_cast<WallNanos>(curve.duration_s() * 1e9);
      const WallNanos from = std::max(interval.index * length, begin);
      const WallNanos to =
          std::max(from, std::min({(interval.index + 1) * length, end, curve_end}));
      constexpr int kPoints = 16;
      double sum = 0;
      for (int k = 0; k < kPoints; ++k) {
        const double at = static_cast<double>(from - timeline_start) +
                          (static_cast<double>(to - from) * (k + 0.5)) / kPoints;
        sum += curve.at(at / 1e9);
      }
      interval.target = sum / kPoints * target_share;
    }
  }
  for (const auto& [index, sample] : footprint) {
    if (index < first || index > last) continue;
    SeriesInterval& interval = series.at_index(index);
    interval.gateway_cpu_percent = sample.cpu_percent;
    interval.gateway_rss_bytes = sample.rss_bytes;
  }
}

}  // namespace

int default_loop_threads() {
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 2));
}

int loop_threads(const RunPlan& plan) {
  // The same in every segment (the arrival-rate executors stripe their starts over all the
  // segments' threads): as for the largest segment's VUs.
  const int vus = (vu_count(plan) + plan.segment.count - 1) / plan.segment.count;
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
  // A segment's arrival-rate curve is its share of the whole run's (segment.h).
  const RateCurve curve = executor_curve(segment_executor(plan.executor, plan.segment),
                                         plan.concurrency, plan.warmup + plan.duration);
  const WallClock wall;
  // A common start (--start-at): wait for it, in ticks so a stop is seen.
  RunOutcome outcome;
  if (plan.start_at > 0) {
    for (WallNanos now = wall.now(); now < plan.start_at && !stop.load(); now = wall.now()) {
      std::this_thread::sleep_for(std::min<Nanos>(Nanos(plan.start_at - now), 20ms));
    }
    outcome.start_late_s = static_cast<double>(wall.now() - plan.start_at) / 1e9;
  }
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
                               wall,
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

  // Watches for the stop flag (to date an interruption), samples the gateway's footprint once
  // per interval and publishes progress. None of it touches a live registry.
  const TimeSeries layout(plan.interval);  // index arithmetic only
  std::optional<ProcessSampler> sampler;
  if (plan.gateway_pid > 0 && layout.enabled()) sampler.emplace(plan.gateway_pid);
  std::vector<std::pair<std::int64_t, FootprintSample>> footprint;
  std::int64_t sampled_through = layout.enabled() ? layout.index_of(wall.now()) : 0;
  if (sampler) sampler->sample();  // the CPU baseline
  std::optional<Clock::time_point> stopped_at;
  auto next = start + progress_every;
  while (running.load(std::memory_order_acquire) > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (!stopped_at && stop.load()) stopped_at = Clock::now();
    if (sampler) {
      const std::int64_t now_index = layout.index_of(wall.now());
      if (now_index > sampled_through) {
        // The sample closes interval now_index - 1: its CPU is the time since the last one.
        if (auto sample = sampler->sample()) {
          footprint.emplace_back(now_index - 1, *sample);
        } else {
          sampler.reset();  // the process is gone: nothing more to sample
        }
        sampled_through = now_index;
      }
    }
    if (progress) {
      if (Clock::now() < next) continue;
      next += progress_every;
      RunProgress report;
      TimeSeries last(plan.interval);
      const std::int64_t target = layout.enabled() ? layout.index_of(wall.now()) - 1 : 0;
      for (auto& p : published) {
        std::lock_guard lock(p.mutex);
        report.runs += p.runs;
        report.failures += p.failures;
        // A thread closes an interval within a loop tick of its end; one that has not yet is
        // left out rather than waited for.
        if (layout.enabled() && p.index == target) last.merge(p.last);
      }
      report.elapsed_s = std::chrono::duration<double>(Clock::now() - measure_from).count();
      report.planned_s =
          plan.stress ? std::chrono::duration<double>(deadline - measure_from).count() : 0;
      if (layout.enabled() && report.elapsed_s > 0) {
        last.begin = wall.at(measure_from);
        last.end = wall.now();
        report.last_s = last.covered_s(target);
        if (report.last_s > 0) report.last = &last.at_index(target);
        report.last_names = &last.step_names();
      }
      progress(report);
    }
  }
  for (auto& thread : pool) thread.join();
  const auto end = Clock::now();
  for (auto& thread : loops) {
    if (thread.error) std::rethrow_exception(thread.error);
  }

  outcome.vus = plan.segment.share(vus);
  outcome.threads = threads;
  for (auto& thread : loops) {
    outcome.registry.merge(thread.registry);  // the series too
    thread.registry = Registry{};             // its memory is not needed twice
  }
  outcome.wall_s =
      std::chrono::duration<double>(end - (end > measure_from ? measure_from : start)).count();
  outcome.interrupted = stop.load();
  if (outcome.interrupted) {
    const auto at = stopped_at.value_or(end);
    outcome.interrupted_after_s =
        at > measure_from ? std::chrono::duration<double>(at - measure_from).count() : 0;
  }
  if (layout.enabled()) {
    TimeSeries& series = outcome.registry.series();
    if (!series.enabled()) series = TimeSeries(plan.interval);  // nothing was recorded
    fill_series(series, plan, curve, wall.at(start),
                wall.at(end > measure_from ? measure_from : start), wall.at(end), footprint);
  }
  return outcome;
}

}  // namespace multitier
