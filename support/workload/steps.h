// What the scenarios share: the step recorder that times each step and remembers where a run
// broke, request builders, draws from the pools, and the validator and search steps. Private
// to the workload layer (not under include/).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include <rapidjson/document.h>

#include "multitier/workload/scenarios.h"

namespace multitier::steps {

using Clock = std::chrono::steady_clock;
namespace rj = rapidjson;

// Times the steps of one scenario run and remembers where it broke.
class StepRecorder {
 public:
  explicit StepRecorder(Scenario scenario) : start_(Clock::now()) {
    result_.scenario = scenario;
    result_.steps.reserve(6);
  }

  // Runs `body` (returning a Failure) as a timed step; false when it failed.
  template <typename Body>
  bool step(std::string_view name, Body&& body) {
    auto t0 = Clock::now();
    return record(name, t0, body(), false);
  }

  // Awaits a gateway call as a timed step; false when it failed. The call is a lazy task: it
  // starts here, after the clock.
  Task<bool> call(std::string_view name, Task<Failure> exchange) {
    auto t0 = Clock::now();
    Failure failure = co_await exchange;
    co_return record(name, t0, std::move(failure), true);
  }

  // A check between steps broke: record where and why; always false.
  bool fail(std::string_view where, Failure failure) {
    result_.failed_at = where;
    result_.failure = std::move(failure);
    return false;
  }

  bool record(std::string_view name, Clock::time_point t0, Failure failure, bool http) {
    result_.steps.push_back({name, Clock::now() - t0, failure, http});
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

// Runs a validator as a timed step and records its category on the result.
template <typename Validator>
bool validate_step(StepRecorder& flow, std::string_view name, const Validator& validator,
                   const rj::Document& artifact) {
  return flow.step(name, [&]() -> Failure {
    ValidationOutcome outcome = validator.validate(artifact);
    flow.set_validator(outcome.category);
    if (outcome.ok()) return {};
    return {FailureKind::validator,
            std::string(to_string(outcome.category)) + ": " + outcome.reason};
  });
}

Failure contract(std::string message);

SearchRequest search_for(const ScenarioContext& c, const QuerySpec& q, int k);

// A uniform draw from the context's pool (`pool` when set, else `queries`), by value: a pool
// builds its queries on demand.
QuerySpec pick_query(const ScenarioContext& c, Vu& w);

// A uniform draw from the pool's first kRecurringQueries (all of a smaller pool): the texts the
// recording scenarios use, so the playbook's entries recur (scenarios.h).
QuerySpec pick_recurring_query(const ScenarioContext& c, Vu& w);

const WorkerRecord& pick_roster_worker(const ScenarioContext& c, Vu& w);

// The worker a hit names, as c.answer_lookup (which must be set) records it; when the lookup
// does not know the id, a record holding the id alone (no name, no status), so the validator
// reports it unknown at its own step.
WorkerRecord answered_worker(const ScenarioContext& c, const SearchHit& hit);

rj::Value str(std::string_view s, rj::Document::AllocatorType& a);

// Scenarios that go on with the top result need at least one, whatever --min-results says.
bool enough_results(StepRecorder& flow, const SearchResponse& r, int at_least);

// A search step whose answer the workflow builds on: false (failure recorded) when the search
// failed or returned fewer than `at_least` results.
Task<bool> search_step(StepRecorder& flow, std::string_view step, Vu& w,
                       const SearchRequest& request, SearchResponse& out, int at_least);

rj::Document outreach_draft(const WorkerRecord& worker, const QuerySpec& q, bool sms);

}  // namespace multitier::steps
