// Runs scenarios on worker threads, in one of two modes:
//   iterations: a fixed number of runs spread over the threads (thread t takes runs t, t+T, ...);
//   stress:     every thread repeats until warmup + duration has passed.
// Each thread owns its GatewayClient, its Random stream (derived from the seed and the thread
// index, so a seed replays the same choices) and its Registry; nothing on the hot path is
// shared. Threads publish a copy of their registry about once a second for progress; the
// final registries are merged after join. The runner never prints.
//
// A scenario that fails to connect is followed by a 10 ms pause on that thread: a dead gateway
// would otherwise turn every thread into a busy loop of refused connections, starving the
// machine the gateway is restarting on. Other failures are not delayed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.h"
#include "support/registry.h"
#include "support/scenarios.h"

namespace multitier {

struct RunPlan {
  std::string gateway;
  HttpOptions http;
  ScenarioContext context;
  std::vector<std::pair<Scenario, int>> weights;  // one entry {s, 1} runs a single scenario
  bool stress = false;
  int concurrency = 1;
  std::chrono::milliseconds duration{0};
  std::chrono::milliseconds warmup{0};
  int iterations = 1;
  std::uint64_t seed = 1;
  std::uint64_t nonce = 0;  // makes playbook texts unique per process
};

struct RunProgress {
  double elapsed_s = 0;   // since the measured phase began (negative during warmup)
  double planned_s = 0;   // duration in stress mode, 0 in iterations mode
  const Registry* snapshot = nullptr;  // merged published registries; valid during the call
};

struct RunOutcome {
  Registry registry;
  double wall_s = 0;        // measured phase only
  bool interrupted = false; // `stop` was raised before the plan completed
  double interrupted_after_s = 0;  // measured time when the stop was seen (0 when not interrupted)
};

using ProgressCallback = std::function<void(const RunProgress&)>;

// Runs the plan. `stop` may be raised from any thread or a signal handler; threads then finish
// their current scenario and return. `progress`, when set, is called on the calling thread
// about every `progress_every`.
RunOutcome run_plan(const RunPlan& plan, const std::atomic<bool>& stop,
                    const ProgressCallback& progress = {},
                    std::chrono::milliseconds progress_every = std::chrono::seconds(1));

// Picks a scenario by weight for one draw of `random`.
Scenario pick_weighted(const std::vector<std::pair<Scenario, int>>& weights, Random& random);

}  // namespace multitier
