// The open model (constant-arrival-rate, ramping-arrival-rate): a dispatcher coroutine plans
// each start from the executor's curve and hands it to an idle VU of this thread's pool; when
// none is idle the start is dropped, or queued up to --max-backlog (--when-busy queue). Every
// start keeps its planned time, so a result carries how long it waited (`waited`), and the
// registry counts corrected latency beside raw. Everything here runs on the one loop thread:
// the dispatcher resumes a VU directly, and nothing is shared with other threads.
#include <sys/prctl.h>

#include <coroutine>
#include <deque>
#include <optional>

#include "loop_thread.h"

namespace multitier::detail {
namespace {

struct Start {
  Scenario scenario = Scenario::cold_search_email;
  Clock::time_point planned;
  std::size_t stage = 0;
  bool counted = false;  // planned in the measured phase (after the warm-up)
};

// What the dispatcher and the VUs of one thread share.
struct OpenState {
  struct Parked {
    std::coroutine_handle<> vu;
    std::optional<Start>* slot;  // where the VU reads its next start
  };
  std::vector<Parked> idle;
  std::deque<Start> backlog;
  bool closed = false;  // no start will come any more: a parked or returning VU leaves

  // co_await state.next_start(slot): `slot` holds the VU's next start, or nullopt once closed.
  auto next_start(std::optional<Start>& slot) {
    struct Awaiter {
      OpenState& state;
      std::optional<Start>& slot;
      bool await_ready() {
        slot.reset();
        if (!state.backlog.empty()) {
          slot = state.backlog.front();
          state.backlog.pop_front();
          return true;
        }
        return state.closed;
      }
      void await_suspend(std::coroutine_handle<> vu) { state.idle.push_back({vu, &slot}); }
      void await_resume() const noexcept {}
    };
    return Awaiter{*this, slot};
  }

  // Gives `start` to a parked VU and runs it up to its first suspension; false when none is idle.
  bool hand(const Start& start) {
    if (idle.empty()) return false;
    Parked parked = idle.back();
    idle.pop_back();
    *parked.slot = start;
    parked.vu.resume();
    return true;
  }
};

}  // namespace

namespace {

Task<void> open_vu(LoopThread& self, TransferLoop& loop, OpenState& state, std::uint64_t index) {
  const RunPlan& plan = self.plan;
  GatewayClient client(plan.gateway, plan.http, &loop);
  Random random(Random::derive(plan.seed, index));
  Vu vu{client, random, index, 0, plan.nonce};
  std::optional<Start> start;
  while (true) {
    co_await state.next_start(start);
    if (!start) break;
    const auto began = Clock::now();
    const Nanos waited =
        std::max(Nanos(0), std::chrono::duration_cast<Nanos>(began - start->planned));
    if (start->counted) {
      self.registry.schedule().count_started(start->stage, waited);
      const WallNanos at = self.wall.at(began);
      self.registry.series().count_start(start->scenario, at);
      self.registry.series().count_started(waited, at);
    }
    ScenarioResult result = co_await run_scenario(start->scenario, plan.context, vu);
    result.waited = waited;
    if (start->counted) self.registry.record(result, self.wall.now());
    if (result.failure.kind == FailureKind::connect) {
      co_await loop.sleep_until(Clock::now() + kConnectBackoff);
    }
  }
}

Task<void> dispatch(LoopThread& self, TransferLoop& loop, OpenState& state) {
  const RunPlan& plan = self.plan;
  ScheduleStats& stats = self.registry.schedule();
  // One stripe of all the segments' threads: its own phase and random streams.
  const Segment& segment = plan.segment;
  const std::int64_t stripe =
      static_cast<std::int64_t>(segment.index - 1) * self.threads + self.thread;
  ArrivalSchedule schedule(self.curve, plan.executor.arrivals, self.thread, self.threads, plan.seed,
                           static_cast<double>(segment.index - 1) / segment.count, stripe);
  Random pick(Random::derive(plan.seed, 0xD15A7C4000ull + static_cast<std::uint64_t>(stripe)));
  while (auto at = schedule.next()) {
    const auto planned = self.start + std::chrono::duration_cast<Clock::duration>(
                                          std::chrono::duration<double>(*at));
    // Slept in ticks, so a stop is seen even when the next start is far away.
    while (Clock::now() < planned && !self.stop.load(std::memory_order_relaxed)) {
      co_await loop.sleep_until(std::min(planned, Clock::now() + kLoopTick));
    }
    if (self.stop.load(std::memory_order_relaxed)) break;
    const Start start{pick_weighted(plan.weights, pick), planned, self.curve.stage_at(*at),
                      planned >= self.measure_from};
    if (start.counted) {
      stats.count_planned(start.stage);
      self.registry.series().count_planned(self.wall.now());
    }
    if (state.hand(start)) continue;
    const bool queue = plan.executor.when_busy == WhenBusy::queue;
    if (queue && state.backlog.size() < static_cast<std::size_t>(plan.executor.max_backlog)) {
      state.backlog.push_back(start);
    } else if (start.counted) {
      stats.count_dropped(start.scenario, start.stage);
      self.registry.series().count_dropped(start.scenario, self.wall.now());
    }
  }
  // The run is over: queued starts that never began are dropped, and idle VUs leave.
  const WallNanos closed_at = self.wall.now();
  for (const Start& start : state.backlog) {
    if (!start.counted) continue;
    stats.count_dropped(start.scenario, start.stage);
    self.registry.series().count_dropped(start.scenario, closed_at);
  }
  state.backlog.clear();
  state.closed = true;
  while (!state.idle.empty()) {
    auto parked = state.idle.back();
    state.idle.pop_back();
    parked.vu.resume();
  }
}

}  // namespace

void LoopThread::run_open() {
  // Wake-ups as close to the planned start as the kernel allows (the default slack is 50 µs).
  prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  const std::vector<std::uint64_t> mine = my_vus();
  TransferLoop loop(static_cast<int>(mine.size()));
  OpenState state;
  std::vector<Task<void>> tasks;
  tasks.reserve(mine.size() + 1);
  for (std::uint64_t v : mine) {
    tasks.push_back(open_vu(*this, loop, state, v));
    tasks.back().start();  // runs to its first co_await: parked, waiting for a start
  }
  tasks.push_back(dispatch(*this, loop, state));
  tasks.back().start();
  drive(loop, tasks);
}

}  // namespace multitier::detail
