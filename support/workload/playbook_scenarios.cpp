// The scenarios that teach the playbook: surge_fill_validate records the answer its fill used,
// playbook_record_replay records one and checks the gateway replays it first.
#include <algorithm>
#include <string>
#include <string_view>

#include "steps.h"

namespace multitier {

using namespace steps;

namespace {

// The first roster worker after a random offset sharing w1's city, state and role.
const WorkerRecord* matching_partner(const ScenarioContext& c, Vu& w, const WorkerRecord& w1) {
  const auto& roster = *c.roster;
  std::size_t offset = w.random.below(roster.size());
  for (std::size_t j = 0; j < roster.size(); ++j) {
    const WorkerRecord& other = roster[(offset + j) % roster.size()];
    if (other.candidate_id != w1.candidate_id && other.city == w1.city && other.state == w1.state &&
        other.role == w1.role && other.city && other.state && other.role) {
      return &other;
    }
  }
  return nullptr;
}

// A proposal filling two places in `city`, `state` as `role` with w1 and w2.
rj::Document fill_proposal(std::string_view city, std::string_view state, std::string_view role,
                           const WorkerRecord& w1, const WorkerRecord& w2) {
  rj::Document d(rj::kObjectType);
  auto& a = d.GetAllocator();
  rj::Value context(rj::kObjectType);
  context.AddMember("target_count", 2.0, a);
  context.AddMember("city", str(city, a), a);
  context.AddMember("state", str(state, a), a);
  context.AddMember("role", str(role, a), a);
  rj::Value fills(rj::kArrayType);
  for (const WorkerRecord* f : {&w1, &w2}) {
    rj::Value fill(rj::kObjectType);
    fill.AddMember("candidate_id", str(f->candidate_id, a), a);
    fill.AddMember("name", str(f->name, a), a);
    fills.PushBack(fill, a);
  }
  d.AddMember("_context", context, a);
  d.AddMember("fills", fills, a);
  return d;
}

}  // namespace

// B: surge -> search -> fill proposal of two workers -> FillValidator -> record. The workers are
// the top two hits, proposed for the query's city, state and role (--roster corpus), or, as the
// seed, two matching roster workers.
Task<ScenarioResult> surge_fill_validate(const ScenarioContext& c, Vu& w) {
  StepRecorder flow(Scenario::surge_fill_validate);
  const QuerySpec q = pick_recurring_query(c, w);
  const SearchRequest request = search_for(c, q, 3);
  SearchResponse resp;
  const int at_least = std::max(c.min_results, c.answer_lookup ? 2 : 1);
  const bool found = co_await search_step(flow, "search", w, request, resp, at_least);
  if (!found) co_return flow.finish();
  std::string role;  // recorded with the answer: the filled worker's, as the seed
  if (c.answer_lookup) {
    const WorkerRecord w1 = answered_worker(c, resp.results[0]);
    const WorkerRecord w2 = answered_worker(c, resp.results[1]);
    auto proposal = fill_proposal(q.city, q.state, q.role, w1, w2);
    if (!validate_step(flow, "fill_validate", *c.fill, proposal)) co_return flow.finish();
    role = w1.role.value_or(q.role);
  } else {
    const WorkerRecord& w1 = pick_roster_worker(c, w);
    const WorkerRecord* w2 = matching_partner(c, w, w1);
    if (!w2) {
      flow.fail("no_matching_worker_pair",
                {FailureKind::validator, "roster has no partner for " + w1.candidate_id});
      co_return flow.finish();
    }
    auto proposal = fill_proposal(*w1.city, *w1.state, *w1.role, w1, *w2);
    if (!validate_step(flow, "fill_validate", *c.fill, proposal)) co_return flow.finish();
    role = *w1.role;
  }
  RecordRequest record{q.text, role, resp.results[0].id, c.corpus, 1.0, {"multitier-loadtest"}};
  co_await flow.call("playbook_record", w.client.record(record));
  co_return flow.finish();
}

// F: cold search -> record top-1 -> warm search with use_playbook: the recorded id must come
// first and the gateway must say it applied the playbook.
Task<ScenarioResult> playbook_record_replay(const ScenarioContext& c, Vu& w) {
  StepRecorder flow(Scenario::playbook_record_replay);
  const QuerySpec q = pick_recurring_query(c, w);
  SearchRequest request = search_for(c, q, 3);
  // A recurring text of this VU's own (scenarios.h): only this VU records it, one run at a time,
  // so the exact-text entry the replay finds first is the one recorded just before, and
  // re-recording it (the cold answer to an identical text is the same) updates the gateway's
  // entry instead of adding one. Distinct texts: kRecurringQueries per VU, for any run length.
  request.query_text += " [replay vu-" + std::to_string(w.index) + "]";
  SearchResponse cold, warm;
  const bool found =
      co_await search_step(flow, "cold_search", w, request, cold, std::max(c.min_results, 1));
  if (!found) {
    co_return flow.finish();
  }
  const std::string top = cold.results[0].id;
  RecordRequest record{request.query_text, q.role, top, c.corpus, 1.0, {"multitier-loadtest"}};
  const bool recorded = co_await flow.call("playbook_record", w.client.record(record));
  if (!recorded) co_return flow.finish();
  request.use_playbook = true;
  const bool replayed = co_await flow.call("warm_search", w.client.search(request, warm));
  if (!replayed) co_return flow.finish();
  if (warm.results.empty() || warm.results[0].id != top) {
    flow.fail("replay_not_first",
              contract("replay put " +
                       (warm.results.empty() ? std::string("nothing") : warm.results[0].id) +
                       " first, recorded answer was " + top));
  } else if (warm.playbook_boosted + warm.playbook_injected < 1) {
    flow.fail("replay_not_applied",
              contract("replay reported playbook_boosted + playbook_injected = 0"));
  }
  co_return flow.finish();
}

}  // namespace multitier
