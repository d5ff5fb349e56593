// The six scenarios against the scripted loopback server, no gateway process: each one passes
// on canned contract-valid answers with its steps in order, breaks at the right failed_at in the
// right FailureKind when an answer is wrong, and sends the requests its workflow promises. The
// seed's pools and roster throughout; query_pool_test.cpp and roster_answers_test.cpp cover
// --queries generated and --roster corpus.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "multitier/pools/pools.h"
#include "multitier/workload/scenarios.h"
#include "tests/unit/scenario_probe.h"
#include "tests/unit/scripted_server.h"
#include "tests/unit/seed_pools.h"

namespace multitier {
namespace {

using unit::http_response;
using unit::ProbeVu;
using unit::received;
using unit::ScriptedServer;
using unit::ScriptStep;
using unit::Sent;
using unit::step_names;

using unit::seed_context;

ScenarioContext wanting(int min_results) {
  ScenarioContext c = seed_context();
  c.min_results = min_results;
  return c;
}

using Hit = std::pair<std::string, double>;  // id, distance

// A search answer with the test's own distances and both playbook counters (scenario_probe.h's
// search_answer fixes them).
std::string search_answer(const std::vector<Hit>& hits, int boosted = 0, int injected = 0) {
  std::string body = R"({"results":[)";
  for (std::size_t i = 0; i < hits.size(); ++i) {
    body += (i ? "," : "") + std::string(R"({"id":")") + hits[i].first + R"(","distance":)" +
            std::to_string(hits[i].second) + R"(,"corpus":"workers"})";
  }
  return body + "],\"playbook_boosted\":" + std::to_string(boosted) +
         ",\"playbook_injected\":" + std::to_string(injected) + "}";
}

ScriptStep answer(const std::string& body) { return {http_response(200, body)}; }
ScriptStep status(int code) { return {http_response(code, R"({"error":"scripted"})")}; }

const ScriptStep kTop = answer(search_answer({{"c-1", 0.1}, {"c-2", 0.2}, {"c-3", 0.3}}));
const ScriptStep kOne = answer(search_answer({{"c-1", 0.1}}));  // for sms_validate's k=1
const ScriptStep kEmpty = answer(search_answer({}));
const ScriptStep kRecorded = answer(R"({"recorded":true,"playbook_size":1})");

using Steps = std::vector<std::string>;
const Steps kColdSteps = {"search", "email_validate"};
const Steps kSmsSteps = {"search", "sms_validate"};
const Steps kSurgeSteps = {"search", "fill_validate", "playbook_record"};
const Steps kSwapSteps = {"search_original", "search_swap"};
const Steps kRepeatSteps = {"search_0", "search_1", "search_2", "search_3", "search_4"};
const Steps kReplaySteps = {"cold_search", "playbook_record", "warm_search"};

// A string, bool or int member as text. Readers never touch a missing member: rapidjson's
// operator[] on one is undefined with NDEBUG.
std::string member(const rapidjson::Value& body, const char* key) {
  if (!body.IsObject() || !body.HasMember(key)) return "<absent>";
  const auto& v = body[key];
  if (v.IsString()) return v.GetString();
  return v.IsBool()  ? (v.GetBool() ? "true" : "false")
         : v.IsInt() ? std::to_string(v.GetInt())
                     : "<other>";
}

std::vector<std::string> strings(const rapidjson::Value& body, const char* key) {
  std::vector<std::string> out;
  if (!body.IsObject() || !body.HasMember(key) || !body[key].IsArray()) return out;
  for (const auto& v : body[key].GetArray())
    out.emplace_back(v.IsString() ? v.GetString() : "<not a string>");
  return out;
}

void expect_passed(const ScenarioResult& r, Scenario scenario,
                   const std::vector<std::string>& steps) {
  EXPECT_EQ(r.scenario, scenario);
  EXPECT_TRUE(r.success) << r.failed_at << ": " << r.failure.message;
  EXPECT_EQ(r.failed_at, "");
  EXPECT_EQ(r.failure.kind, FailureKind::none);
  EXPECT_EQ(step_names(r), steps);
}

// A search as the scenario means it, not just any JSON; its text and role from one query of
// the seed's pool (a replay text carries a suffix).
void expect_search(const Sent& s, int k, bool use_playbook = false) {
  const std::vector<QuerySpec>& pool = unit::seed_pools().queries;
  EXPECT_EQ(s.line, "POST /v1/matrix/search");
  EXPECT_EQ(member(s.body, "k"), std::to_string(k));
  EXPECT_EQ(member(s.body, "per_corpus_k"), std::to_string(k));
  EXPECT_EQ(strings(s.body, "corpora"), std::vector<std::string>{"workers"});
  EXPECT_EQ(member(s.body, "use_playbook"), use_playbook ? "true" : "false");
  const std::string sent = member(s.body, "query_text");
  auto q = std::find_if(pool.begin(), pool.end(),
                        [&](const QuerySpec& p) { return sent.starts_with(p.text); });
  ASSERT_NE(q, pool.end()) << sent;
  EXPECT_EQ(member(s.body, "query_role"), q->role);
}

void expect_record(const Sent& s, const Sent& search, const std::string& answer_id) {
  EXPECT_EQ(s.line, "POST /v1/matrix/playbooks/record");
  EXPECT_EQ(member(s.body, "answer_id"), answer_id);
  EXPECT_EQ(member(s.body, "answer_corpus"), "workers");
  EXPECT_EQ(member(s.body, "query_text"), member(search.body, "query_text"));
  EXPECT_EQ(strings(s.body, "tags"), std::vector<std::string>{"multitier-loadtest"});
}

ScenarioResult run(const ScriptedServer& server, Scenario scenario,
                   const ScenarioContext& c = seed_context()) {
  return ProbeVu(server).run(scenario, c);
}

TEST(ColdSearchEmail, PassesAndDraftsForARosterWorker) {
  ScriptedServer server({kTop});
  ScenarioResult r = run(server, Scenario::cold_search_email);
  expect_passed(r, Scenario::cold_search_email, kColdSteps);
  EXPECT_EQ(r.validator, ValidationCategory::pass);
  auto sent = received(server);
  ASSERT_EQ(sent.size(), 1u);
  expect_search(sent[0], 5);
  EXPECT_FALSE(sent[0].body.HasMember("exclude_ids"));
}

// The other side of the wanting_none cases below: the email draft names a roster worker, not a
// hit, so with --min-results 0 an empty answer is no failure.
TEST(ColdSearchEmail, MinResultsZeroAcceptsAnEmptyAnswer) {
  ScriptedServer server({kEmpty});
  expect_passed(run(server, Scenario::cold_search_email, wanting(0)), Scenario::cold_search_email,
                kColdSteps);
}

TEST(SurgeFillValidate, PassesAndRecordsTheTopResult) {
  ScriptedServer server({kTop, kRecorded});
  ScenarioResult r = run(server, Scenario::surge_fill_validate);
  expect_passed(r, Scenario::surge_fill_validate, kSurgeSteps);
  EXPECT_EQ(r.validator, ValidationCategory::pass);
  auto sent = received(server);
  ASSERT_EQ(sent.size(), 2u);
  expect_search(sent[0], 3);
  expect_record(sent[1], sent[0], "c-1");
  // The role recorded is the filled roster worker's, so one of the seed's roles.
  const std::string role = member(sent[1].body, "role");
  EXPECT_NE(std::find(pools::kRoles.begin(), pools::kRoles.end(), role), pools::kRoles.end())
      << role;
}

TEST(ProfileSwap, PassesAndExcludesTheFirstSearchIds) {
  ScriptedServer server({kTop, answer(search_answer({{"c-4", 0.4}, {"c-5", 0.5}, {"c-6", 0.6}}))});
  ScenarioResult r = run(server, Scenario::profile_swap);
  expect_passed(r, Scenario::profile_swap, kSwapSteps);
  auto sent = received(server);
  ASSERT_EQ(sent.size(), 2u);
  expect_search(sent[0], 3);
  expect_search(sent[1], 3);
  EXPECT_FALSE(sent[0].body.HasMember("exclude_ids"));
  EXPECT_EQ(strings(sent[1].body, "exclude_ids"), (std::vector<std::string>{"c-1", "c-2", "c-3"}));
  EXPECT_EQ(member(sent[1].body, "query_text"), member(sent[0].body, "query_text"));
}

TEST(RepeatCache, PassesOnFiveIdenticalAnswersAndReportsTheRatio) {
  ScriptedServer server({kTop});  // the last step repeats: five identical answers
  ScenarioResult r = run(server, Scenario::repeat_cache);
  expect_passed(r, Scenario::repeat_cache, kRepeatSteps);
  ASSERT_TRUE(r.first_to_rest_ratio.has_value());
  EXPECT_GT(*r.first_to_rest_ratio, 0.0);
  const auto raw = server.requests();
  ASSERT_EQ(raw.size(), 5u);
  for (const std::string& request : raw) EXPECT_EQ(request, raw[0]) << "the same query every time";
  expect_search(received(server)[0], 3);
}

TEST(SmsValidate, PassesWithAPhoneNumberInTheDraft) {
  ScriptedServer server({kOne});
  ScenarioResult r = run(server, Scenario::sms_validate);
  expect_passed(r, Scenario::sms_validate, kSmsSteps);
  EXPECT_EQ(r.validator, ValidationCategory::pass);
  auto sent = received(server);
  ASSERT_EQ(sent.size(), 1u);
  expect_search(sent[0], 1);
}

TEST(PlaybookRecordReplay, PassesWhenTheRecordedIdComesBackFirst) {
  // The first replay boosts the recorded answer, the second injects it: either counts.
  const ScriptStep boosted = answer(search_answer({{"c-1", 0.5}, {"c-2", 0.2}}, /*boosted=*/1));
  const ScriptStep injected = answer(search_answer({{"c-1", 0.5}}, /*boosted=*/0, /*injected=*/1));
  ScriptedServer server({kTop, kRecorded, boosted, kTop, kRecorded, injected});
  ProbeVu vu(server);
  for (int i = 0; i < 2; ++i) {
    expect_passed(vu.run(Scenario::playbook_record_replay, seed_context()),
                  Scenario::playbook_record_replay, kReplaySteps);
  }
  auto sent = received(server);
  ASSERT_EQ(sent.size(), 6u);
  expect_search(sent[0], 3);
  expect_record(sent[1], sent[0], "c-1");
  EXPECT_EQ(member(sent[1].body, "role"), member(sent[0].body, "query_role"));
  expect_search(sent[2], 3, /*use_playbook=*/true);
  EXPECT_EQ(member(sent[2].body, "query_text"), member(sent[0].body, "query_text"));
}

// One way a scenario breaks: the script, where it must stop and how, and how many requests the
// server must have seen by then (none after the break).
struct Broken {
  std::string name;
  Scenario scenario;
  std::vector<ScriptStep> script;
  std::string failed_at;
  FailureKind kind;
  std::vector<std::string> steps;
  std::size_t requests;
  std::string message;  // a part of failure.message
  ScenarioContext (*context)() = seed_context;
};

void PrintTo(const Broken& b, std::ostream* os) { *os << b.name; }

class ScenarioBreaks : public ::testing::TestWithParam<Broken> {};

TEST_P(ScenarioBreaks, AtTheRightStepInTheRightKind) {
  const Broken& b = GetParam();
  ScriptedServer server(b.script);
  ScenarioResult r = run(server, b.scenario, b.context());
  EXPECT_EQ(r.scenario, b.scenario);
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.failed_at, b.failed_at);
  EXPECT_EQ(r.failure.kind, b.kind) << to_string(r.failure.kind) << ": " << r.failure.message;
  EXPECT_NE(r.failure.message.find(b.message), std::string::npos) << r.failure.message;
  EXPECT_EQ(step_names(r), b.steps);
  // A broken step carries its failure; a check between steps leaves every step clean.
  ASSERT_FALSE(r.steps.empty());
  EXPECT_EQ(r.steps.back().failure.kind,
            b.failed_at == b.steps.back() ? b.kind : FailureKind::none);
  EXPECT_EQ(server.requests().size(), b.requests);
}

ScenarioContext wanting_four() { return wanting(4); }
// The scenarios that build on the top hit need one even with --min-results 0.
ScenarioContext wanting_none() { return wanting(0); }

// A roster the validators' lookup does not know: a seed-style draft naming its worker fails E10.
ScenarioContext ghost_roster() {
  static const std::vector<WorkerRecord> ghosts = {
      {"ghost-1", "Ghost One", "active", "Detroit", "MI", "Loaders"}};
  ScenarioContext c = seed_context();
  c.roster = &ghosts;
  return c;
}

ScenarioContext lone_roster() {
  static const std::vector<WorkerRecord> alone = {unit::seed_pools().roster.front()};
  ScenarioContext c = seed_context();
  c.roster = &alone;
  return c;
}

using S = Scenario;
using K = FailureKind;

INSTANTIATE_TEST_SUITE_P(
    Scripted, ScenarioBreaks,
    ::testing::Values(
        Broken{"ColdSearchEmptyIsNoResults",
               S::cold_search_email,
               {kEmpty},
               "no_results",
               K::contract,
               {"search"},
               1,
               "returned 0 results"},
        Broken{"ColdSearchStatus500",
               S::cold_search_email,
               {status(500)},
               "search",
               K::http_status,
               {"search"},
               1,
               "POST /v1/matrix/search: status 500"},
        Broken{"ColdSearchHonoursMinResults",
               S::cold_search_email,
               {kTop},
               "no_results",
               K::contract,
               {"search"},
               1,
               "wanted at least 4",
               wanting_four},
        Broken{"ColdSearchDraftForAGhost",
               S::cold_search_email,
               {kTop},
               "email_validate",
               K::validator,
               kColdSteps,
               1,
               "fail-consistency",
               ghost_roster},
        Broken{"SurgeEmptyRecordsNothing",
               S::surge_fill_validate,
               {kEmpty},
               "no_results",
               K::contract,
               {"search"},
               1,
               "wanted at least 1",
               wanting_none},
        Broken{"SurgeRosterWithoutAPairRecordsNothing",
               S::surge_fill_validate,
               {kTop, kRecorded},
               "no_matching_worker_pair",
               K::validator,
               {"search"},
               1,
               "roster has no partner",
               lone_roster},
        Broken{"SurgeRecordStatus500",
               S::surge_fill_validate,
               {kTop, status(500)},
               "playbook_record",
               K::http_status,
               kSurgeSteps,
               2,
               "POST /v1/matrix/playbooks/record: status 500"},
        Broken{"SurgeRecordNotJson",
               S::surge_fill_validate,
               {kTop, answer("recorded")},
               "playbook_record",
               K::bad_json,
               kSurgeSteps,
               2,
               "POST /v1/matrix/playbooks/record: bad JSON"},
        // The client checks exclude_ids itself, so an overlap is a contract failure of the swap
        // search; the scenario's own swap_overlap_detected check never sees it.
        Broken{"SwapOverlapIsCaughtByTheSwapSearch",
               S::profile_swap,
               {kTop, answer(search_answer({{"c-2", 0.2}, {"c-5", 0.5}, {"c-6", 0.6}}))},
               "search_swap",
               K::contract,
               kSwapSteps,
               2,
               "excluded_id"},
        Broken{"SwapShort",
               S::profile_swap,
               {kTop, answer(search_answer({{"c-4", 0.4}, {"c-5", 0.5}}))},
               "swap_short",
               K::contract,
               kSwapSteps,
               2,
               "swap returned 2 results, want k=3"},
        Broken{"SwapStatus503",
               S::profile_swap,
               {kTop, status(503)},
               "search_swap",
               K::http_status,
               kSwapSteps,
               2,
               "status 503"},
        Broken{"SwapOriginalEmpty",
               S::profile_swap,
               {kEmpty},
               "no_results",
               K::contract,
               {"search_original"},
               1,
               "wanted at least 1",
               wanting_none},
        Broken{"RepeatThirdAnswerDiffers",
               S::repeat_cache,
               {kTop, kTop, kOne},
               "repeat_mismatch",
               K::contract,
               {"search_0", "search_1", "search_2"},
               3,
               "search_2 answered differently"},
        Broken{"RepeatDistanceDiffers",
               S::repeat_cache,
               {kTop, answer(search_answer({{"c-1", 0.1}, {"c-2", 0.2}, {"c-3", 0.35}}))},
               "repeat_mismatch",
               K::contract,
               {"search_0", "search_1"},
               2,
               "search_1 answered differently"},
        Broken{"RepeatFourthStatus500",
               S::repeat_cache,
               {kTop, kTop, kTop, status(500)},
               "search_3",
               K::http_status,
               {"search_0", "search_1", "search_2", "search_3"},
               4,
               "status 500"},
        Broken{"SmsStatus503",
               S::sms_validate,
               {status(503)},
               "search",
               K::http_status,
               {"search"},
               1,
               "status 503"},
        Broken{"SmsDraftForAGhost",
               S::sms_validate,
               {kOne},
               "sms_validate",
               K::validator,
               kSmsSteps,
               1,
               "fail-consistency",
               ghost_roster},
        Broken{"SmsTwoResultsForK1",
               S::sms_validate,
               {answer(search_answer({{"c-1", 0.1}, {"c-2", 0.2}}))},
               "search",
               K::contract,
               {"search"},
               1,
               "k_bound"},
        Broken{"ReplayColdEmpty",
               S::playbook_record_replay,
               {kEmpty},
               "no_results",
               K::contract,
               {"cold_search"},
               1,
               "wanted at least 1",
               wanting_none},
        Broken{"ReplayRecordStatus500",
               S::playbook_record_replay,
               {kTop, status(500)},
               "playbook_record",
               K::http_status,
               {"cold_search", "playbook_record"},
               2,
               "status 500"},
        Broken{"ReplayOtherIdFirst",
               S::playbook_record_replay,
               {kTop, kRecorded, answer(search_answer({{"c-2", 0.2}, {"c-1", 0.1}}, 1))},
               "replay_not_first",
               K::contract,
               kReplaySteps,
               3,
               "replay put c-2 first, recorded answer was c-1"},
        Broken{"ReplayEmpty",
               S::playbook_record_replay,
               {kTop, kRecorded, kEmpty},
               "replay_not_first",
               K::contract,
               kReplaySteps,
               3,
               "replay put nothing first"},
        Broken{"ReplayNotApplied",
               S::playbook_record_replay,
               {kTop, kRecorded, kTop},
               "replay_not_applied",
               K::contract,
               kReplaySteps,
               3,
               "playbook_boosted + playbook_injected = 0"}),
    [](const ::testing::TestParamInfo<Broken>& info) { return info.param.name; });

}  // namespace
}  // namespace multitier
