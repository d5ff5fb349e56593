// --roster corpus: drafts and fill proposals name the workers the search returned, looked up
// in the corpus the gateway serves, so an answer with a wrong city, role or status, or an id
// the corpus does not hold, fails the validator step of its scenario; and a good answer passes.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tests/unit/scenario_probe.h"
#include "tests/unit/temp_path.h"

namespace multitier {
namespace {

using unit::ProbeVu;
using unit::received;
using unit::recorded;
using unit::ScriptedServer;
using unit::ScriptStep;
using unit::search_answer;
using unit::step_names;
using unit::text;

// What the corpus holds for the test, in the corpus's own JSON Lines (with its other fields).
constexpr const char* kCorpus =
    R"({"id":"w-1","name":"Ana Diaz","role":"Loaders","city":"Aurora","state":"IL","status":"active","phone":"555-010-0001","skills":["Trailer Loading"]})"
    "\n"
    R"({"id":"w-2","name":"Ben Cole","role":"Loaders","city":"Aurora","state":"IL","status":"active","phone":"555-010-0002","skills":[]})"
    "\n"
    R"({"id":"w-3","name":"Cy Park","role":"Loaders","city":"Aurora","state":"IL","status":"inactive","phone":"555-010-0003","skills":[]})"
    "\n"
    R"({"id":"w-4","name":"Dee Moss","role":"Loaders","city":"Joliet","state":"IL","status":"active","phone":"555-010-0004","skills":[]})"
    "\n"
    R"({"id":"w-5","name":"Eve Hart","role":"Pickers","city":"Aurora","state":"IL","status":"active","phone":"555-010-0005","skills":[]})"
    "\n";

// The corpus loaded as the suite's environment loads --roster-file, its validators, and a
// one-query pool naming Loaders in Aurora IL. No roster: the corpus path must not need one.
struct CorpusRoster {
  std::unique_ptr<InMemoryWorkerLookup> lookup = load();
  EmailValidator email{*lookup};
  FillValidator fill{*lookup};
  std::vector<QuerySpec> queries = {{"Need 2 Loaders in Aurora IL for Beacon Freight", "Loaders",
                                     "Aurora", "IL", "Beacon Freight", 2}};

  static std::unique_ptr<InMemoryWorkerLookup> load() {
    const std::string path = unit::private_temp_path("roster-answers", ".jsonl").string();
    std::ofstream(path) << kCorpus;
    auto lookup = load_worker_lookup_jsonl(path);
    std::remove(path.c_str());
    return lookup;
  }
};

ScenarioContext corpus_context(int min_results = 1) {
  static const CorpusRoster roster;
  ScenarioContext c;
  c.queries = &roster.queries;
  c.answer_lookup = roster.lookup.get();
  c.email = &roster.email;
  c.fill = &roster.fill;
  c.min_results = min_results;
  return c;
}

struct Outcome {
  ScenarioResult result;
  std::vector<unit::Sent> sent;
};

Outcome run(Scenario scenario, std::vector<ScriptStep> script, int min_results = 1) {
  ScriptedServer server(std::move(script));
  ScenarioResult r = ProbeVu(server).run(scenario, corpus_context(min_results));
  return {std::move(r), received(server)};
}

void expect_validator_failure(const Outcome& r, const std::string& step,
                              const std::string& reason) {
  EXPECT_FALSE(r.result.success);
  EXPECT_EQ(r.result.failed_at, step);
  EXPECT_EQ(r.result.failure.kind, FailureKind::validator);
  EXPECT_EQ(r.result.validator, ValidationCategory::fail_consistency);
  EXPECT_NE(r.result.failure.message.find(reason), std::string::npos) << r.result.failure.message;
}

TEST(RosterFromAnswers, ColdSearchEmailDraftsToTheTopHit) {
  Outcome good = run(Scenario::cold_search_email, {search_answer({"w-1", "w-3", "w-404"})});
  EXPECT_TRUE(good.result.success) << good.result.failed_at << ": " << good.result.failure.message;
  EXPECT_EQ(good.result.validator, ValidationCategory::pass);
  EXPECT_EQ(step_names(good.result), (std::vector<std::string>{"search", "email_validate"}));

  expect_validator_failure(run(Scenario::cold_search_email, {search_answer({"w-3", "w-1"})}),
                           "email_validate", "is inactive, not active");
  expect_validator_failure(run(Scenario::cold_search_email, {search_answer({"w-404", "w-1"})}),
                           "email_validate", "\"w-404\": unknown");
}

TEST(RosterFromAnswers, ColdSearchEmailNeedsAHitWhateverMinResultsSays) {
  Outcome r = run(Scenario::cold_search_email, {search_answer({})}, /*min_results=*/0);
  EXPECT_EQ(r.result.failed_at, "no_results");
  EXPECT_EQ(r.result.failure.kind, FailureKind::contract);
}

TEST(RosterFromAnswers, SmsGoesToTheTopHit) {
  Outcome good = run(Scenario::sms_validate, {search_answer({"w-2"})});
  EXPECT_TRUE(good.result.success) << good.result.failed_at << ": " << good.result.failure.message;
  EXPECT_EQ(step_names(good.result), (std::vector<std::string>{"search", "sms_validate"}));
  expect_validator_failure(run(Scenario::sms_validate, {search_answer({"w-3"})}), "sms_validate",
                           "is inactive, not active");
  Outcome none = run(Scenario::sms_validate, {search_answer({})});
  EXPECT_EQ(none.result.failed_at, "no_results");
  EXPECT_EQ(none.sent.size(), 1u);
}

TEST(RosterFromAnswers, SurgeProposesTheTopTwoHitsForTheQuerysPlace) {
  // The third hit is from another city: only the top two are proposed.
  Outcome good =
      run(Scenario::surge_fill_validate, {search_answer({"w-1", "w-2", "w-4"}), recorded()});
  EXPECT_TRUE(good.result.success) << good.result.failed_at << ": " << good.result.failure.message;
  EXPECT_EQ(step_names(good.result),
            (std::vector<std::string>{"search", "fill_validate", "playbook_record"}));
  ASSERT_EQ(good.sent.size(), 2u);
  EXPECT_EQ(text(good.sent[1].body, "query_text"),
            "Need 2 Loaders in Aurora IL for Beacon Freight");
  EXPECT_EQ(text(good.sent[1].body, "answer_id"), "w-1");
  EXPECT_EQ(text(good.sent[1].body, "role"), "Loaders") << "the filled worker's role";
}

TEST(RosterFromAnswers, SurgeFailsAtFillValidateOnAWrongCityRoleOrStatus) {
  struct Case {
    std::vector<std::string> hits;
    std::string reason;
  };
  for (const Case& c : {Case{{"w-1", "w-4"}, R"(recorded city "Joliet", context has "Aurora")"},
                        Case{{"w-5", "w-1"}, R"(recorded role "Pickers", context has "Loaders")"},
                        Case{{"w-1", "w-3"}, "inactive, not active"},
                        Case{{"w-1", "w-404"}, "\"w-404\": unknown"}}) {
    Outcome r = run(Scenario::surge_fill_validate, {search_answer(c.hits), recorded()});
    expect_validator_failure(r, "fill_validate", c.reason);
    EXPECT_EQ(r.sent.size(), 1u) << "nothing is recorded after a failed proposal";
  }
}

TEST(RosterFromAnswers, SurgeNeedsTwoHits) {
  Outcome r = run(Scenario::surge_fill_validate, {search_answer({"w-1"}), recorded()});
  EXPECT_EQ(r.result.failed_at, "no_results");
  EXPECT_EQ(r.result.failure.kind, FailureKind::contract);
  EXPECT_NE(r.result.failure.message.find("wanted at least 2"), std::string::npos)
      << r.result.failure.message;
  EXPECT_EQ(r.sent.size(), 1u);
}

}  // namespace
}  // namespace multitier
