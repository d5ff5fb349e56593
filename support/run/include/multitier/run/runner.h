// Runs scenarios on `concurrency` virtual users (VUs), in one of two modes:
//   iterations: a fixed number of runs spread over the VUs (VU v takes runs v, v+V, ...);
//   stress:     every VU repeats until warmup + duration has passed.
// A VU is a coroutine with its own GatewayClient (one keep-alive connection) and its own
// Random stream (derived from the seed and the VU's index, so a seed replays the same
// choices). VUs are spread over `threads` event-loop threads (VU v on thread v mod T); each
// thread drives its VUs' requests through one TransferLoop (one curl multi handle) and records
// their results into its own Registry, so nothing on the hot path is shared and no lock is
// taken. Each thread also keeps the run's time series (series.h) and publishes every interval
// it closes for progress; the final registries are merged after join. When the plan names the
// gateway's process, the runner samples its CPU and RSS once per interval into the series
// (footprint.h). The runner never prints.
//
// A scenario that fails to connect is followed by a 10 ms pause of that VU: a dead gateway
// would otherwise turn every VU into a busy loop of refused connections, starving the machine
// the gateway is restarting on. Other failures are not delayed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "multitier/net/http_client.h"
#include "multitier/run/executor.h"
#include "multitier/run/registry.h"
#include "multitier/run/segment.h"
#include "multitier/workload/scenarios.h"

namespace multitier {

struct RunPlan {
  std::string gateway;
  HttpOptions http;
  ScenarioContext context;
  std::vector<std::pair<Scenario, int>> weights;  // one entry {s, 1} runs a single scenario
  bool stress = false;
  int concurrency = 1;  // VUs, one connection each
  int threads = 0;      // event-loop threads; 0: default_loop_threads()
  std::chrono::nanoseconds duration{0};
  std::chrono::nanoseconds warmup{0};
  int iterations = 1;
  std::uint64_t seed = 1;
  std::uint64_t nonce = 0;  // makes playbook texts unique per process
  // How starts are scheduled in stress mode (iterations mode ignores it). The open-model
  // executors run on executor.max_vus VUs instead of `concurrency`.
  ExecutorSettings executor;
  // The time series' interval (series.h); 0 keeps no series.
  Nanos interval = std::chrono::seconds(1);
  // The gateway's process, sampled (CPU, RSS) once per interval into the series; 0: none.
  int gateway_pid = 0;
  // Which share of the load this process runs (segment.h); the whole run by default.
  Segment segment;
  // When > 0: the executor's timeline starts at this wall-clock time (ns since the epoch),
  // waited for (a stop ends the wait); a start already past begins at once.
  std::int64_t start_at = 0;
};

struct RunProgress {
  double elapsed_s = 0;  // since the measured phase began (negative during warmup)
  double planned_s = 0;  // duration in stress mode, 0 in iterations mode
  // Totals so far, from what the threads last published.
  std::uint64_t runs = 0;
  std::uint64_t failures = 0;
  // The last whole interval of the series, merged over the threads, and the seconds of the
  // measured phase it covers; nullptr when the series is off or no interval has ended yet.
  // Valid during the call.
  const SeriesInterval* last = nullptr;
  const std::vector<std::string>* last_names = nullptr;  // its StepPoint names
  double last_s = 0;
};

struct RunOutcome {
  Registry registry;
  int vus = 0;                     // virtual users the plan ran on
  int threads = 0;                 // event-loop threads it ran on
  double wall_s = 0;               // measured phase only
  bool interrupted = false;        // `stop` was raised before the plan completed
  double interrupted_after_s = 0;  // measured time when the stop was seen (0 when not interrupted)
  double start_late_s = 0;         // with plan.start_at: how long after it the timeline began
};

using ProgressCallback = std::function<void(const RunProgress&)>;

// Runs the plan. `stop` may be raised from any thread or a signal handler; VUs then finish
// their current scenario and return. An exception escaping a VU (a bug, not a gateway
// problem) is rethrown here after every thread has ended. `progress`, when set, is called on the
// calling thread about every `progress_every`.
RunOutcome run_plan(const RunPlan& plan, const std::atomic<bool>& stop,
                    const ProgressCallback& progress = {},
                    std::chrono::milliseconds progress_every = std::chrono::seconds(1));

// One event-loop thread per two cores (at least one). Targets are loopback only, so the gateway
// always shares the machine; one loop drives tens of thousands of requests a second, and a
// loop per core would take CPU from the system under test and add wake-ups
// (docs/performance.md measures both).
int default_loop_threads();

// The event-loop threads a plan runs on: plan.threads, or default_loop_threads(); never more
// than there are VUs.
int loop_threads(const RunPlan& plan);

// Picks a scenario by weight for one draw of `random`.
Scenario pick_weighted(const std::vector<std::pair<Scenario, int>>& weights, Random& random);

}  // namespace multitier
