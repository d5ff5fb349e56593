// The six coordinator workflows of the seed harness, as coroutines: each awaits its steps
// against the gateway through a GatewayClient, runs the in-process validators, and returns a
// ScenarioResult. With the worker's client bound to a TransferLoop, many scenarios share one
// thread, each parked while its request is in flight; unbound, sync_wait runs one on the spot. Scenarios never print and never throw for gateway behaviour: every problem
// ends up in the result (failed_at + failure).
//
// Checks beyond the seed's (each a named failed_at with FailureKind::contract):
//   cold_search_email      "no_results"             the search returned fewer than min_results
//   profile_swap           "swap_overlap_detected"  an original id came back in the swap
//                          "swap_short"             the swap returned fewer than k results although
//                                                   the original returned k (the corpus is big enough)
//   repeat_cache           "repeat_mismatch"        an answer differs from the first one
//   playbook_record_replay "replay_not_first"       the replay's first result is not the recorded id
//                          "replay_not_applied"     playbook_boosted + playbook_injected == 0
//   surge_fill_validate    "no_matching_worker_pair" (FailureKind::validator) the roster has no pair
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "multitier/contract/gateway_client.h"
#include "multitier/workload/query_spec.h"
#include "multitier/common/random.h"
#include "multitier/workload/scenario_result.h"
#include "multitier/core/task.h"
#include "multitier/workload/validators.h"

namespace multitier {

// What every scenario reads; shared, immutable, safe across threads.
struct ScenarioContext {
  std::string corpus = "workers";
  const std::vector<QuerySpec>* queries = nullptr;   // the seed's 30-query pool
  const std::vector<WorkerRecord>* roster = nullptr; // the seed's 200-worker roster
  const EmailValidator* email = nullptr;             // over the roster
  const FillValidator* fill = nullptr;               // over the roster
  int min_results = 1;                               // results a first search must return
};

// Per-worker state a scenario may use: its client, its random stream and a counter that makes
// playbook query texts unique per worker.
struct ScenarioWorker {
  GatewayClient& client;
  Random& random;
  std::uint64_t worker_index = 0;  // the worker's index in the run
  std::uint64_t run_counter = 0;
  std::uint64_t nonce = 0;  // per process, so separate runs do not share playbook entries
};

// `context` and `worker` must outlive the task.
Task<ScenarioResult> run_scenario(Scenario scenario, const ScenarioContext& context,
                                  ScenarioWorker& worker);

}  // namespace multitier
