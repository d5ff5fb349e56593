// The scenarios that only search: cold_search_email, profile_swap, repeat_cache, sms_validate.
#include <algorithm>
#include <array>
#include <string>

#include "steps.h"

namespace multitier {

using namespace steps;

namespace {

bool same_answer(const SearchResponse& a, const SearchResponse& b) {
  if (a.results.size() != b.results.size()) return false;
  for (std::size_t i = 0; i < a.results.size(); ++i) {
    if (a.results[i].id != b.results[i].id || a.results[i].distance != b.results[i].distance)
      return false;
  }
  return true;
}

}  // namespace

// A: fresh demand -> search -> email outreach -> EmailValidator.
Task<ScenarioResult> cold_search_email(const ScenarioContext& c, Vu& w) {
  StepRecorder flow(Scenario::cold_search_email);
  const QuerySpec q = pick_query(c, w);
  const SearchRequest request = search_for(c, q, 5);
  SearchResponse resp;
  // Drafting to the top hit needs one, whatever --min-results says.
  const int at_least = c.answer_lookup ? std::max(c.min_results, 1) : c.min_results;
  const bool found = co_await search_step(flow, "search", w, request, resp, at_least);
  if (!found) co_return flow.finish();
  // The draft names the top hit (--roster corpus) or, as the seed, a roster worker, since the
  // validator checks against the roster.
  const WorkerRecord worker =
      c.answer_lookup ? answered_worker(c, resp.results[0]) : pick_roster_worker(c, w);
  auto draft = outreach_draft(worker, q, /*sms=*/false);
  validate_step(flow, "email_validate", *c.email, draft);
  co_return flow.finish();
}

// C: original search -> swap search excluding the original ids -> no overlap, still k results.
Task<ScenarioResult> profile_swap(const ScenarioContext& c, Vu& w) {
  StepRecorder flow(Scenario::profile_swap);
  const QuerySpec q = pick_query(c, w);
  SearchRequest request = search_for(c, q, 3);
  SearchResponse original, swap;
  const bool found = co_await search_step(flow, "search_original", w, request, original,
                                          std::max(c.min_results, 1));
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

// D: the same query five times; every answer must equal the first. With a generated pool the
// text is made unique to this run, so search_0 is a cache miss and the rest are hits.
Task<ScenarioResult> repeat_cache(const ScenarioContext& c, Vu& w) {
  static constexpr std::array<std::string_view, 5> kSteps = {"search_0", "search_1", "search_2",
                                                             "search_3", "search_4"};
  StepRecorder flow(Scenario::repeat_cache);
  QuerySpec q = pick_query(c, w);
  if (c.pool) {
    q.text += " [fresh-" + std::to_string(w.nonce) + "-" + std::to_string(w.index) + "-" +
              std::to_string(++w.iteration) + "]";
  }
  SearchRequest request = search_for(c, q, 3);
  SearchResponse first, again;
  for (std::size_t i = 0; i < kSteps.size(); ++i) {
    SearchResponse& target = i == 0 ? first : again;
    const bool answered = co_await flow.call(kSteps[i], w.client.search(request, target));
    if (!answered) co_return flow.finish();
    if (i > 0 && !same_answer(first, again)) {
      flow.fail("repeat_mismatch",
                contract(std::string(kSteps[i]) + " answered differently from search_0"));
      co_return flow.finish();
    }
  }
  const auto& steps = flow.result().steps;
  double rest = 0;
  for (std::size_t i = 1; i < steps.size(); ++i)
    rest += static_cast<double>(steps[i].latency.count());
  rest /= static_cast<double>(steps.size() - 1);
  if (rest > 0)
    flow.result().first_to_rest_ratio = static_cast<double>(steps[0].latency.count()) / rest;
  co_return flow.finish();
}

// E: search -> SMS draft holding a phone number -> EmailValidator (kind sms).
Task<ScenarioResult> sms_validate(const ScenarioContext& c, Vu& w) {
  StepRecorder flow(Scenario::sms_validate);
  const QuerySpec q = pick_query(c, w);
  const SearchRequest request = search_for(c, q, 1);
  SearchResponse resp;
  if (c.answer_lookup) {
    // The SMS goes to the top hit, so there must be one.
    const bool found = co_await search_step(flow, "search", w, request, resp, 1);
    if (!found) co_return flow.finish();
    auto draft = outreach_draft(answered_worker(c, resp.results[0]), q, /*sms=*/true);
    validate_step(flow, "sms_validate", *c.email, draft);
    co_return flow.finish();
  }
  // As the seed: a roster worker, drawn before the search.
  const WorkerRecord& worker = pick_roster_worker(c, w);
  const bool found = co_await flow.call("search", w.client.search(request, resp));
  if (!found) co_return flow.finish();
  auto draft = outreach_draft(worker, q, /*sms=*/true);
  validate_step(flow, "sms_validate", *c.email, draft);
  co_return flow.finish();
}

}  // namespace multitier
