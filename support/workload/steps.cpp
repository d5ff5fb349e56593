#include "steps.h"

#include <algorithm>

namespace multitier::steps {

Failure contract(std::string message) { return {FailureKind::contract, std::move(message)}; }

SearchRequest search_for(const ScenarioContext& c, const QuerySpec& q, int k) {
  SearchRequest r;
  r.query_text = q.text;
  r.query_role = q.role;
  r.corpora = {c.corpus};
  r.k = k;
  r.per_corpus_k = k;
  return r;
}

QuerySpec pick_query(const ScenarioContext& c, Vu& w) {
  if (c.pool) return c.pool->at(w.random.below(c.pool->size()));
  return (*c.queries)[w.random.below(c.queries->size())];
}

QuerySpec pick_recurring_query(const ScenarioContext& c, Vu& w) {
  if (c.pool) return c.pool->at(w.random.below(std::min(c.pool->size(), kRecurringQueries)));
  return (*c.queries)[w.random.below(std::min(c.queries->size(), kRecurringQueries))];
}

const WorkerRecord& pick_roster_worker(const ScenarioContext& c, Vu& w) {
  return (*c.roster)[w.random.below(c.roster->size())];
}

WorkerRecord answered_worker(const ScenarioContext& c, const SearchHit& hit) {
  if (const WorkerRecord* known = c.answer_lookup->find(hit.id)) return *known;
  WorkerRecord unknown;
  unknown.candidate_id = hit.id;
  return unknown;
}

rj::Value str(std::string_view s, rj::Document::AllocatorType& a) {
  return rj::Value(s.data(), static_cast<rj::SizeType>(s.size()), a);
}

// Scenarios that go on with the top result need at least one, whatever --min-results says.
bool enough_results(StepRecorder& flow, const SearchResponse& r, int at_least) {
  if (static_cast<int>(r.results.size()) >= at_least) return true;
  return flow.fail("no_results", contract("search returned " + std::to_string(r.results.size()) +
                                          " results, wanted at least " + std::to_string(at_least)));
}

// A search step whose answer the workflow builds on: false (failure recorded) when the search
// failed or returned fewer than `at_least` results.
Task<bool> search_step(StepRecorder& flow, std::string_view step, Vu& w,
                       const SearchRequest& request, SearchResponse& out, int at_least) {
  const bool searched = co_await flow.call(step, w.client.search(request, out));
  if (!searched) co_return false;
  co_return enough_results(flow, out, at_least);
}

rj::Document outreach_draft(const WorkerRecord& worker, const QuerySpec& q, bool sms) {
  rj::Document d(rj::kObjectType);
  auto& a = d.GetAllocator();
  rj::Value context(rj::kObjectType);
  context.AddMember("candidate_id", str(worker.candidate_id, a), a);
  if (sms) {
    d.AddMember("to", "+15551234567", a);
    d.AddMember(
        "body",
        str(worker.name + " confirmed for " + q.role + ". Reply STOP to cancel. Call 555-123-4567.",
            a),
        a);
    d.AddMember("kind", "sms", a);
  } else {
    d.AddMember("to", "client@example.com", a);
    d.AddMember("subject", str("Worker available: " + worker.name, a), a);
    d.AddMember(
        "body",
        str("Hi, " + worker.name + " is available for the " + q.role + " role tomorrow. Confirm?",
            a),
        a);
  }
  d.AddMember("_context", context, a);
  return d;
}

}  // namespace multitier::steps
