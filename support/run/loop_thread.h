// One event-loop thread of a run: its TransferLoop, the VUs it drives and the registry they
// record into. Private to the run layer: runner.cpp starts the threads and merges their
// registries; closed_model.cpp and open_model.cpp are the two ways a thread schedules starts.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <vector>

#include "multitier/core/task.h"
#include "multitier/net/transfer_loop.h"
#include "multitier/run/runner.h"

namespace multitier::detail {

using Clock = std::chrono::steady_clock;
inline constexpr auto kConnectBackoff = std::chrono::milliseconds(10);
// How long a loop waits for events before it looks at the clock again (publishing progress).
inline constexpr auto kLoopTick = std::chrono::milliseconds(50);

// What a thread last published for progress, refreshed by the thread itself when it closes an
// interval, so the progress reader never touches the live registry.
struct Published {
  std::mutex mutex;
  std::int64_t index = std::numeric_limits<std::int64_t>::min();  // of `last`
  TimeSeries last;  // the thread's series of that one interval
  std::uint64_t runs = 0;
  std::uint64_t failures = 0;
};

struct LoopThread {
  const RunPlan& plan;
  const std::atomic<bool>& stop;
  const RateCurve& curve;  // the executor's curve over its timeline, from `start`
  Clock::time_point start;
  Clock::time_point measure_from;
  Clock::time_point deadline;
  const WallClock& wall;  // the run's one steady-to-wall-clock mapping, for the series
  int thread = 0;                  // this thread's index
  int threads = 1;                 // threads in the run
  std::uint64_t vus = 0;           // VUs in the whole run
  Published* published = nullptr;  // null when nobody reads progress: then nothing is copied
  Registry registry;
  std::exception_ptr error;

  // Runs the thread's share of the plan to the end; an exception escaping a VU is kept in
  // `error`.
  void run();

  // The VU indices this thread drives: thread, thread + threads, ...
  std::vector<std::uint64_t> my_vus() const;
  // Runs the loop until every task is done, closing the series' intervals as they end and
  // publishing each for progress.
  void drive(TransferLoop& loop, std::vector<Task<void>>& tasks);
  void publish(WallNanos now);
  // True when a time counts (stress mode: after the warm-up).
  bool measured(Clock::time_point t) const { return !plan.stress || t >= measure_from; }

  // closed_model.cpp: constant-vus (and iterations mode), ramping-vus.
  Task<void> closed_vu(TransferLoop& loop, std::uint64_t index);
  void run_closed();
  // open_model.cpp: the arrival-rate executors.
  void run_open();
};

}  // namespace multitier::detail
