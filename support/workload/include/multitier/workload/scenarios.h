// The six coordinator workflows of the seed harness, as coroutines: each awaits its steps
// against the gateway through a GatewayClient, runs the in-process validators, and returns a
// ScenarioResult. With the VU's client bound to a TransferLoop, many scenarios share one
// thread, each parked while its request is in flight; unbound, sync_wait runs one on the spot.
// Scenarios never print and never throw for gateway behaviour: every problem ends up in the
// result (failed_at + failure). The catalogue (catalogue.h) names them and picks by id.
//
// Checks beyond the seed's (each a named failed_at with FailureKind::contract):
//   cold_search_email      "no_results"             the search returned fewer than min_results
//   profile_swap           "swap_overlap_detected"  an original id came back in the swap
//                          "swap_short"             the swap returned fewer than k results although
//                                                   the original returned k (the corpus is big
//                                                   enough)
//   repeat_cache           "repeat_mismatch"        an answer differs from the first one
//   playbook_record_replay "replay_not_first"       the replay's first result is not the recorded
//   id
//                          "replay_not_applied"     playbook_boosted + playbook_injected == 0
//   surge_fill_validate    "no_matching_worker_pair" (FailureKind::validator) the roster has no
//   pair
//
// Query texts, and how they recur (the pool is ScenarioContext::pool when set, else `queries`):
//   cold_search_email, profile_swap, sms_validate: a uniform draw from the whole pool.
//   repeat_cache: with `pool` set, a draw from it plus " [fresh-<nonce>-<vu>-<n>]", unique per
//     process, VU and run, so search_0 misses any result cache and search_1..4 hit it: the
//     first-vs-rest ratio measures the cache. Without `pool` (the seed's 30), a plain draw.
//   surge_fill_validate, playbook_record_replay (the two that record into the playbook): a draw
//     from the pool's first kRecurringQueries, so their texts recur and the gateway's playbook
//     stays bounded; playbook_record_replay appends " [replay vu-<index>]". A VU runs one
//     scenario at a time and only it records its replay texts, so the entry for that exact text
//     is the one it has just recorded (newest first, and the gateway's cold answer to an
//     identical text is the same each time, so re-recording updates the entry instead of adding
//     one): the replay check stays exact. The suite then keeps at most kRecurringQueries
//     (surge) + kRecurringQueries x VUs (replay) distinct (text, answer) pairs in the playbook.
//
// Workers named in drafts and proposals: the seed's fabricated roster, as the seed did; or, with
// ScenarioContext::answer_lookup set (--roster corpus), the workers the search returned, looked
// up in the corpus file the gateway serves, so a wrong city, role or status in an answer fails
// the validator step:
//   cold_search_email  the email draft goes to the top hit          (E10: unknown or not active)
//   sms_validate       the SMS draft goes to the top hit            (E10)
//   surge_fill_validate the proposal fills the top two hits, its _context the query's city,
//                      state and role (F6: unknown or not active; F8: another city, state or role)
// Those scenarios then need that many hits, whatever --min-results says ("no_results").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "multitier/common/random.h"
#include "multitier/contract/gateway_client.h"
#include "multitier/core/task.h"
#include "multitier/workload/catalogue.h"
#include "multitier/workload/query_pool.h"
#include "multitier/workload/query_spec.h"
#include "multitier/workload/scenario_result.h"
#include "multitier/workload/validators.h"

namespace multitier {

// How many of the pool's first queries the recording scenarios draw from (all of the seed's 30).
inline constexpr std::size_t kRecurringQueries = 64;

// What every scenario reads; shared, immutable, safe across threads. The pointers are not owned.
struct ScenarioContext {
  std::string corpus = "workers";
  const std::vector<QuerySpec>* queries = nullptr;  // the seed's 30-query pool
  // When set (--queries generated), queries are drawn from here instead of `queries`, and
  // repeat_cache makes each run's text unique (the text rules above).
  const QueryPool* pool = nullptr;
  const std::vector<WorkerRecord>* roster = nullptr;  // the seed's 200-worker roster
  // When set (--roster corpus), drafts and proposals name the workers the search returned, as
  // this lookup records them, and `roster` is unused; `email` and `fill` then check against
  // this same lookup.
  const WorkerLookup* answer_lookup = nullptr;
  const EmailValidator* email = nullptr;  // over the roster (or answer_lookup)
  const FillValidator* fill = nullptr;    // over the roster (or answer_lookup)
  int min_results = 1;                    // results a first search must return
};

// A virtual user (VU): the load actor, one scenario at a time. What a scenario may use of it:
// its client (one keep-alive connection), its random stream, its index (in replay texts) and a
// counter that, with the nonce, makes repeat_cache's texts unique. ("Worker" is the staffing
// person of the corpus, never the VU.)
struct Vu {
  GatewayClient& client;
  Random& random;
  std::uint64_t index = 0;      // the VU's index in the run
  std::uint64_t iteration = 0;  // bumped by a scenario that needs a text unique to its run
  std::uint64_t nonce = 0;      // per process, so separate runs do not share such texts
};

// Runs the catalogue's entry for `scenario`. `context` and `vu` must outlive the task.
Task<ScenarioResult> run_scenario(Scenario scenario, const ScenarioContext& context, Vu& vu);

// The entry functions the catalogue lists (steps and checks as the header comment says).
Task<ScenarioResult> cold_search_email(const ScenarioContext& context, Vu& vu);
Task<ScenarioResult> surge_fill_validate(const ScenarioContext& context, Vu& vu);
Task<ScenarioResult> profile_swap(const ScenarioContext& context, Vu& vu);
Task<ScenarioResult> repeat_cache(const ScenarioContext& context, Vu& vu);
Task<ScenarioResult> sms_validate(const ScenarioContext& context, Vu& vu);
Task<ScenarioResult> playbook_record_replay(const ScenarioContext& context, Vu& vu);

}  // namespace multitier
