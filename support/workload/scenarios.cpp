#include "multitier/workload/scenarios.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <chrono>
#include <string>
#include <utility>

#include <rapidjson/document.h>

namespace multitier {
namespace {

using Clock = std::chrono::steady_clock;
namespace rj = rapidjson;

// Times the steps of one workflow and remembers where it broke.
class Workflow {
 public:
  explicit Workflow(Scenario scenario) : start_(Clock::now()) {
    result_.scenario = scenario;
    result_.steps.reserve(6);
  }

  // Runs `body` (returning a Failure) as a timed step; false when it failed.
  template <typename Body>
  bool step(std::string_view name, Body&& body) {
    auto t0 = Clock::now();
    return record(name, t0, body());
  }

  // Awaits a gateway call as a timed step; false when it failed. The call is a lazy task: it
  // starts here, after the clock.
  Task<bool> call(std::string_view name, Task<Failure> exchange) {
    auto t0 = Clock::now();
    Failure failure = co_await exchange;
    co_return record(name, t0, std::move(failure));
  }

  // A check between steps broke: record where and why; always false.
  bool fail(std::string_view where, Failure failure) {
    result_.failed_at = where;
    result_.failure = std::move(failure);
    return false;
  }

  bool record(std::string_view name, Clock::time_point t0, Failure failure) {
    result_.steps.push_back({name, Clock::now() - t0, failure});
    if (failure) return fail(name, std::move(failure));
    return true;
  }

  void set_validator(ValidationCategory category) { result_.validator = category; }
  ScenarioResult& result() { return result_; }

  ScenarioResult finish() {
    result_.success = result_.failed_at.empty();
    result_.latency = Clock::now() - start_;
    return std::move(result_);
  }

 private:
  Clock::time_point start_;
  ScenarioResult result_;
};

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

const QuerySpec& pick_query(const ScenarioContext& c, ScenarioWorker& w) {
  return (*c.queries)[w.random.below(c.queries->size())];
}
const WorkerRecord& pick_worker(const ScenarioContext& c, ScenarioWorker& w) {
  return (*c.roster)[w.random.below(c.roster->size())];
}

rj::Value str(std::string_view s, rj::Document::AllocatorType& a) {
  return rj::Value(s.data(), static_cast<rj::SizeType>(s.size()), a);
}

// Runs a validator as a timed step and records its category on the result.
template <typename Validator>
bool validate_step(Workflow& flow, std::string_view name, const Validator& validator,
                   const rj::Document& artifact) {
  return flow.step(name, [&]() -> Failure {
    ValidationOutcome outcome = validator.validate(artifact);
    flow.set_validator(outcome.category);
    if (outcome.ok()) return {};
    return {FailureKind::validator, std::string(to_string(outcome.category)) + ": " + outcome.reason};
  });
}

// Scenarios that go on with the top result need at least one, whatever --min-results says.
bool enough_results(Workflow& flow, const SearchResponse& r, int at_least) {
  if (static_cast<int>(r.results.size()) >= at_least) return true;
  return flow.fail("no_results", contract("search returned " + std::to_string(r.results.size()) +
                                          " results, wanted at least " + std::to_string(at_least)));
}

// A search step whose answer the workflow builds on: false (failure recorded) when the search
// failed or returned fewer than `at_least` results.
Task<bool> search_step(Workflow& flow, std::string_view step, ScenarioWorker& w, const SearchRequest& request,
                       SearchResponse& out, int at_least) {
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
    d.AddMember("body", str(worker.name + " confirmed for " + q.role + ". Reply STOP to cancel. Call 555-123-4567.", a), a);
    d.AddMember("kind", "sms", a);
  } else {
    d.AddMember("to", "client@example.com", a);
    d.AddMember("subject", str("Worker available: " + worker.name, a), a);
    d.AddMember("body", str("Hi, " + worker.name + " is available for the " + q.role + " role tomorrow. Confirm?", a), a);
  }
  d.AddMember("_context", context, a);
  return d;
}

// A: fresh demand -> search -> email outreach -> EmailValidator.
Task<ScenarioResult> cold_search_email(const ScenarioContext& c, ScenarioWorker& w) {
  Workflow flow(Scenario::cold_search_email);
  const QuerySpec& q = pick_query(c, w);
  const SearchRequest request = search_for(c, q, 5);
  SearchResponse resp;
  const bool found = co_await search_step(flow, "search", w, request, resp, c.min_results);
  if (!found) co_return flow.finish();
  // As the seed: the draft names a roster worker, since the validator checks against the roster.
  auto draft = outreach_draft(pick_worker(c, w), q, /*sms=*/false);
  validate_step(flow, "email_validate", *c.email, draft);
  co_return flow.finish();
}

// The first roster worker after a random offset sharing w1's city, state and role.
const WorkerRecord* matching_partner(const ScenarioContext& c, ScenarioWorker& w, const WorkerRecord& w1) {
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

rj::Document fill_proposal(const WorkerRecord& w1, const WorkerRecord& w2) {
  rj::Document d(rj::kObjectType);
  auto& a = d.GetAllocator();
  rj::Value context(rj::kObjectType);
  context.AddMember("target_count", 2.0, a);
  context.AddMember("city", str(*w1.city, a), a);
  context.AddMember("state", str(*w1.state, a), a);
  context.AddMember("role", str(*w1.role, a), a);
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

// B: surge -> search -> fill proposal of two matching roster workers -> FillValidator -> record.
Task<ScenarioResult> surge_fill_validate(const ScenarioContext& c, ScenarioWorker& w) {
  Workflow flow(Scenario::surge_fill_validate);
  const QuerySpec& q = pick_query(c, w);
  const SearchRequest request = search_for(c, q, 3);
  SearchResponse resp;
  const bool found = co_await search_step(flow, "search", w, request, resp, std::max(c.min_results, 1));
  if (!found) co_return flow.finish();
  const WorkerRecord& w1 = pick_worker(c, w);
  const WorkerRecord* w2 = matching_partner(c, w, w1);
  if (!w2) {
    flow.fail("no_matching_worker_pair",
              {FailureKind::validator, "roster has no partner for " + w1.candidate_id});
    co_return flow.finish();
  }
  auto proposal = fill_proposal(w1, *w2);
  if (!validate_step(flow, "fill_validate", *c.fill, proposal)) co_return flow.finish();
  // As the seed: the role recorded is the filled worker's.
  RecordRequest record{q.text, *w1.role, resp.results[0].id, c.corpus, 1.0, {"multitier-loadtest"}};
  co_await flow.call("playbook_record", w.client.record(record));
  co_return flow.finish();
}

bool same_answer(const SearchResponse& a, const SearchResponse& b) {
  if (a.results.size() != b.results.size()) return false;
  for (std::size_t i = 0; i < a.results.size(); ++i) {
    if (a.results[i].id != b.results[i].id || a.results[i].distance != b.results[i].distance) return false;
  }
  return true;
}

// C: original search -> swap search excluding the original ids -> no overlap, still k results.
Task<ScenarioResult> profile_swap(const ScenarioContext& c, ScenarioWorker& w) {
  Workflow flow(Scenario::profile_swap);
  const QuerySpec& q = pick_query(c, w);
  SearchRequest request = search_for(c, q, 3);
  SearchResponse original, swap;
  const bool found = co_await search_step(flow, "search_original", w, request, original, std::max(c.min_results, 1));
  if (!found) {
    co_return flow.finish();
  }
  for (const auto& hit : original.results) request.exclude_ids.push_back(hit.id);
  const bool swapped = co_await flow.call("search_swap", w.client.search(request, swap));
  if (!swapped) co_return flow.finish();
  for (const auto& a : original.results) {
    for (const auto& b : swap.results) {
      if (a.id == b.id) {
        flow.fail("swap_overlap_detected", contract("swap returned excluded id " + a.id));
        co_return flow.finish();
      }
    }
  }
  if (static_cast<int>(original.results.size()) == request.k &&
      static_cast<int>(swap.results.size()) < request.k) {
    flow.fail("swap_short", contract("swap returned " + std::to_string(swap.results.size()) +
                                     " results, want k=" + std::to_string(request.k)));
  }
  co_return flow.finish();
}

// D: the same query five times; every answer must equal the first.
Task<ScenarioResult> repeat_cache(const ScenarioContext& c, ScenarioWorker& w) {
  static constexpr std::array<std::string_view, 5> kSteps = {"search_0", "search_1", "search_2",
                                                              "search_3", "search_4"};
  Workflow flow(Scenario::repeat_cache);
  const QuerySpec& q = pick_query(c, w);
  SearchRequest request = search_for(c, q, 3);
  SearchResponse first, again;
  for (std::size_t i = 0; i < kSteps.size(); ++i) {
    SearchResponse& target = i == 0 ? first : again;
    const bool answered = co_await flow.call(kSteps[i], w.client.search(request, target));
    if (!answered) co_return flow.finish();
    if (i > 0 && !same_answer(first, again)) {
      flow.fail("repeat_mismatch", contract(std::string(kSteps[i]) + " answered differently from search_0"));
      co_return flow.finish();
    }
  }
  const auto& steps = flow.result().steps;
  double rest = 0;
  for (std::size_t i = 1; i < steps.size(); ++i) rest += static_cast<double>(steps[i].latency.count());
  rest /= static_cast<double>(steps.size() - 1);
  if (rest > 0) flow.result().first_to_rest_ratio = static_cast<double>(steps[0].latency.count()) / rest;
  co_return flow.finish();
}

// E: search -> SMS draft holding a phone number -> EmailValidator (kind sms).
Task<ScenarioResult> sms_validate(const ScenarioContext& c, ScenarioWorker& w) {
  Workflow flow(Scenario::sms_validate);
  const QuerySpec& q = pick_query(c, w);
  const WorkerRecord& worker = pick_worker(c, w);
  const SearchRequest request = search_for(c, q, 1);
  SearchResponse resp;
  const bool found = co_await flow.call("search", w.client.search(request, resp));
  if (!found) co_return flow.finish();
  auto draft = outreach_draft(worker, q, /*sms=*/true);
  validate_step(flow, "sms_validate", *c.email, draft);
  co_return flow.finish();
}

// F: cold search -> record top-1 -> warm search with use_playbook: the recorded id must come
// first and the gateway must say it applied the playbook.
Task<ScenarioResult> playbook_record_replay(const ScenarioContext& c, ScenarioWorker& w) {
  Workflow flow(Scenario::playbook_record_replay);
  const QuerySpec& q = pick_query(c, w);
  SearchRequest request = search_for(c, q, 3);
  // A unique text per run, so concurrent runs never share a playbook entry.
  request.query_text += " [run-" + std::to_string(w.nonce) + "-" + std::to_string(w.worker_index) +
                        "-" + std::to_string(++w.run_counter) + "]";
  SearchResponse cold, warm;
  const bool found = co_await search_step(flow, "cold_search", w, request, cold, std::max(c.min_results, 1));
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
    flow.fail("replay_not_first", contract("replay put " + (warm.results.empty() ? std::string("nothing") : warm.results[0].id) +
                                           " first, recorded answer was " + top));
  } else if (warm.playbook_boosted + warm.playbook_injected < 1) {
    flow.fail("replay_not_applied", contract("replay reported playbook_boosted + playbook_injected = 0"));
  }
  co_return flow.finish();
}

}  // namespace

Task<ScenarioResult> run_scenario(Scenario scenario, const ScenarioContext& context, ScenarioWorker& worker) {
  switch (scenario) {
    case Scenario::cold_search_email: return cold_search_email(context, worker);
    case Scenario::surge_fill_validate: return surge_fill_validate(context, worker);
    case Scenario::profile_swap: return profile_swap(context, worker);
    case Scenario::repeat_cache: return repeat_cache(context, worker);
    case Scenario::sms_validate: return sms_validate(context, worker);
    case Scenario::playbook_record_replay: return playbook_record_replay(context, worker);
  }
  throw std::invalid_argument("run_scenario: unknown scenario");
}

}  // namespace multitier
