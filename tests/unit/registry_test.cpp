#include "multitier/run/registry.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "multitier/report/report.h"

namespace multitier {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

ScenarioResult success(Scenario scenario, milliseconds latency) {
  ScenarioResult result;
  result.scenario = scenario;
  result.success = true;
  result.latency = latency;
  result.steps.push_back({"search", latency / 2, Failure::ok()});
  result.steps.push_back({"email_validate", latency / 2, Failure::ok()});
  return result;
}

ScenarioResult failure(Scenario scenario, std::string_view at, FailureKind kind,
                       std::string message, milliseconds latency) {
  ScenarioResult result;
  result.scenario = scenario;
  result.failed_at = at;
  result.failure = Failure{kind, message};
  result.latency = latency;
  if (at != "search") result.steps.push_back({"search", latency / 2, Failure::ok()});
  result.steps.push_back({at, latency / 2, Failure{kind, std::move(message)}});
  return result;
}

// A realistic stream: every scenario, a few distinct errors (within the sample bound),
// validator outcomes and cache ratios, latencies in and out of the histogram's range.
std::vector<ScenarioResult> stream(std::size_t n) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> pick(0, 99);
  std::vector<ScenarioResult> out;
  for (std::size_t i = 0; i < n; ++i) {
    const Scenario scenario = kAllScenarios[i % kScenarioCount];
    const int roll = pick(rng);
    const milliseconds latency{1 + roll * (roll > 97 ? 1000 : 1)};
    ScenarioResult result =
        roll < 10   ? failure(scenario, "playbook_record", FailureKind::http_status,
                              "status 500: {\"error\":\"nil deref\"}", latency)
        : roll < 14 ? failure(scenario, "search", FailureKind::timeout, "total timeout", latency)
                    : success(scenario, latency);
    if (roll % 7 == 0) result.validator = static_cast<ValidationCategory>(roll % 4);
    if (scenario == Scenario::repeat_cache) result.first_to_rest_ratio = 0.5 * (1 + roll % 4);
    out.push_back(std::move(result));
  }
  return out;
}

TEST(RegistryTest, RecordCountsRunsFailuresStepsAndCategories) {
  Registry registry;
  registry.record(success(Scenario::cold_search_email, milliseconds{4}));
  registry.record(failure(Scenario::cold_search_email, "search", FailureKind::connect,
                          "connection refused", milliseconds{2}));
  ScenarioResult validated = success(Scenario::cold_search_email, milliseconds{3});
  validated.validator = ValidationCategory::fail_policy;
  registry.record(validated);

  const ScenarioStats& s = registry.stats(Scenario::cold_search_email);
  EXPECT_EQ(s.runs, 3u);
  EXPECT_EQ(s.failures, 1u);
  EXPECT_EQ(s.failure_kind(FailureKind::connect), 1u);
  EXPECT_EQ(s.latency.count(), 3u);
  EXPECT_EQ(s.failed_at_count("search"), 1u);
  EXPECT_EQ(s.validator_count(ValidationCategory::fail_policy), 1u);
  ASSERT_EQ(s.steps.size(), 2u);
  EXPECT_EQ(s.steps[0].name, "search");  // first-seen order
  EXPECT_EQ(s.steps[0].runs, 3u);
  EXPECT_EQ(s.step("search")->failures, 1u);
  EXPECT_EQ(s.step("email_validate")->runs, 2u);
  EXPECT_EQ(s.step("nope"), nullptr);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].message, "connection refused");
  EXPECT_EQ(registry.total_runs(), 3u);
  EXPECT_EQ(registry.total_failures(), 1u);
  EXPECT_EQ(registry.stats(Scenario::profile_swap).runs, 0u);
}

TEST(RegistryTest, MergeEqualsRecordingIntoOne) {
  const std::vector<ScenarioResult> results = stream(30'000);
  Registry single;
  std::vector<Registry> threads(3);
  for (std::size_t i = 0; i < results.size(); ++i) {
    single.record(results[i]);
    threads[i * threads.size() / results.size()].record(results[i]);
  }
  Registry merged;
  for (const Registry& thread : threads) merged.merge(thread);
  EXPECT_TRUE(merged == single);
  EXPECT_EQ(merged.total_runs(), 30'000u);
  EXPECT_EQ(merged.stats(Scenario::repeat_cache).ratio_mean(),
            single.stats(Scenario::repeat_cache).ratio_mean());
}

TEST(RegistryTest, ErrorSamplesStayBounded) {
  Registry registry;
  for (int i = 0; i < 1000; ++i) {
    registry.record(failure(Scenario::sms_validate, "search", FailureKind::http_status,
                            "status 503: request " + std::to_string(i), milliseconds{1}));
  }
  const ScenarioStats& s = registry.stats(Scenario::sms_validate);
  ASSERT_EQ(s.errors.size(), ScenarioStats::kMaxErrorSamples);
  EXPECT_EQ(s.errors[0].message, "status 503: request 0");
  EXPECT_EQ(s.errors_other, 1000u - ScenarioStats::kMaxErrorSamples);
  std::uint64_t kept = 0;
  for (const ErrorSample& e : s.errors) kept += e.count;
  EXPECT_EQ(kept + s.errors_other, s.failures);
}

TEST(RegistryTest, StepAndFailedAtNamesStayBounded) {
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) names.push_back("check_" + std::to_string(i));
  Registry registry;
  for (const std::string& name : names) {
    registry.record(
        failure(Scenario::profile_swap, name, FailureKind::contract, "overlap", milliseconds{1}));
  }
  const ScenarioStats& s = registry.stats(Scenario::profile_swap);
  EXPECT_EQ(s.failed_at.size(), ScenarioStats::kMaxFailedAt);
  EXPECT_EQ(s.failed_at_other, 40u - ScenarioStats::kMaxFailedAt);
  EXPECT_EQ(s.steps.size(), ScenarioStats::kMaxSteps);  // "search" plus 15 checks
  EXPECT_EQ(s.steps_other, 40u - (ScenarioStats::kMaxSteps - 1));
}

TEST(RegistryTest, ClearForgetsEverything) {
  Registry registry;
  for (const ScenarioResult& result : stream(100)) registry.record(result);
  registry.clear();
  EXPECT_TRUE(registry == Registry());
}

TEST(RegistryTest, TopErrorPrefersTheTopFailingStep) {
  Registry registry;
  for (int i = 0; i < 3; ++i) {
    registry.record(failure(Scenario::surge_fill_validate, "playbook_record",
                            FailureKind::http_status, "status 500", milliseconds{1}));
  }
  registry.record(failure(Scenario::surge_fill_validate, "search", FailureKind::timeout, "timeout",
                          milliseconds{1}));
  const ScenarioStats& s = registry.stats(Scenario::surge_fill_validate);
  ASSERT_NE(s.top_failed_at(), nullptr);
  EXPECT_EQ(s.top_failed_at()->name, "playbook_record");
  EXPECT_EQ(s.top_error("search")->kind, FailureKind::timeout);
  EXPECT_EQ(s.top_error("playbook_record")->count, 3u);
}

TEST(EvaluateTest, FailureRateAboveThresholdFailsWithReason) {
  Registry registry;
  for (int i = 0; i < 28; ++i)
    registry.record(success(Scenario::playbook_record_replay, milliseconds{3}));
  for (int i = 0; i < 12; ++i) {
    registry.record(failure(Scenario::playbook_record_replay, "playbook_record",
                            FailureKind::http_status, "status 500: {...}", milliseconds{3}));
  }
  registry.record(success(Scenario::cold_search_email, milliseconds{2}));
  const std::vector<Verdict> verdicts = evaluate(registry, Thresholds{});
  ASSERT_EQ(verdicts.size(), 2u);  // scenarios with zero runs get no verdict
  EXPECT_EQ(verdicts[0].scenario, Scenario::cold_search_email);
  EXPECT_TRUE(verdicts[0].passed);
  EXPECT_TRUE(verdicts[0].reason.empty());
  EXPECT_EQ(verdicts[1].scenario, Scenario::playbook_record_replay);
  EXPECT_FALSE(verdicts[1].passed);
  EXPECT_EQ(verdicts[1].reason,
            "12/40 failed (30.0%); most at playbook_record: 12× http_status: status 500: {...}");
}

TEST(EvaluateTest, FailureRateAtThresholdPasses) {
  Registry registry;
  for (int i = 0; i < 9; ++i) registry.record(success(Scenario::sms_validate, milliseconds{1}));
  registry.record(
      failure(Scenario::sms_validate, "search", FailureKind::timeout, "t", milliseconds{1}));
  EXPECT_TRUE(evaluate(registry, Thresholds{0.1, {}}).at(0).passed);
  EXPECT_FALSE(evaluate(registry, Thresholds{0.05, {}}).at(0).passed);
}

TEST(EvaluateTest, LatencyBudgetBreachFails) {
  Registry registry;
  for (int i = 0; i < 100; ++i) registry.record(success(Scenario::repeat_cache, milliseconds{20}));
  Thresholds thresholds;
  thresholds.p99_budget[Scenario::repeat_cache] = milliseconds{10};
  const std::vector<Verdict> verdicts = evaluate(registry, thresholds);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_FALSE(verdicts[0].passed);
  EXPECT_EQ(verdicts[0].reason, "p99 20.0ms over budget 10ms");
  thresholds.p99_budget[Scenario::repeat_cache] = milliseconds{25};
  EXPECT_TRUE(evaluate(registry, thresholds).at(0).passed);
}

// A result of `scenario` that passed or failed, 1 ms long.
ScenarioResult one_run(Scenario scenario, bool success) {
  ScenarioResult r;
  r.scenario = scenario;
  r.success = success;
  r.latency = milliseconds{1};
  if (!success) {
    r.failed_at = "search";
    r.failure = {FailureKind::transport, "reset after send"};
  }
  return r;
}

TEST(EvaluateTest, RunReportPassesOnlyWhenEveryCasePasses) {
  RunReport report;
  EXPECT_FALSE(report.passed()) << "a run without cases does not pass";
  CaseReport single;
  single.weights = {{Scenario::profile_swap, 1}};
  single.registry.record(one_run(Scenario::profile_swap, true));
  judge(single, {}, 0);
  EXPECT_TRUE(single.passed());
  report.cases.push_back(single);
  EXPECT_TRUE(report.passed());
  CaseReport failing = single;
  failing.registry.record(one_run(Scenario::profile_swap, false));
  judge(failing, {}, 0);
  EXPECT_FALSE(failing.passed());
  report.cases.push_back(failing);
  EXPECT_FALSE(report.passed());
}

TEST(EvaluateTest, AnInterruptedCaseFailsEveryVerdictWithTheReason) {
  CaseReport c;
  c.weights = {{Scenario::cold_search_email, 1}};
  c.registry.record(one_run(Scenario::cold_search_email, true));
  c.interrupted = true;
  c.interrupted_after_s = 3.2;
  judge(c, {}, 10);
  ASSERT_EQ(c.verdicts.size(), 1u);
  EXPECT_FALSE(c.verdicts[0].passed);
  EXPECT_EQ(c.verdicts[0].reason,
            "interrupted by a signal after 3.2 s of 10.0 s: the figures are partial");
  EXPECT_FALSE(c.passed());
  RunReport report;
  report.cases.push_back(c);
  EXPECT_FALSE(report.passed());
}

// A short iterations sample may draw no run of a low-weight scenario: that scenario gets no
// verdict. A case that completed nothing at all fails every scenario it was to run.
TEST(EvaluateTest, OnlyACaseWithNoRunFailsTheScenariosThatNeverRan) {
  CaseReport mix;
  mix.mix = true;
  mix.weights = {
      {Scenario::cold_search_email, 1}, {Scenario::repeat_cache, 1}, {Scenario::sms_validate, 0}};
  mix.registry.record(one_run(Scenario::cold_search_email, true));
  judge(mix, {}, 0);
  ASSERT_EQ(mix.verdicts.size(), 1u);
  EXPECT_TRUE(mix.verdicts[0].passed);
  EXPECT_TRUE(mix.passed());
  CaseReport empty;
  empty.mix = true;
  empty.weights = mix.weights;
  judge(empty, {}, 0);
  ASSERT_EQ(empty.verdicts.size(), 2u) << "weight 0 is not asked for";
  EXPECT_FALSE(empty.verdicts[0].passed);
  EXPECT_EQ(empty.verdicts[1].scenario, Scenario::repeat_cache);
  EXPECT_EQ(empty.verdicts[1].reason, "no run completed");
  EXPECT_FALSE(empty.passed());
}

TEST(EvaluateTest, ACaseThatCouldNotRunFailsWithItsError) {
  CaseReport c;
  c.weights = {{Scenario::sms_validate, 1}};
  c.error = "the gateway at http://127.0.0.1:9 did not answer";
  judge(c, {}, 0);
  ASSERT_EQ(c.verdicts.size(), 1u);
  EXPECT_FALSE(c.verdicts[0].passed);
  EXPECT_NE(c.verdicts[0].reason.find("did not answer"), std::string::npos);
}

TEST(EvaluateTest, SubMillisecondBudgetsAreKeptExactly) {
  Registry registry;
  ScenarioResult r = one_run(Scenario::repeat_cache, true);
  r.latency = std::chrono::microseconds{300};
  registry.record(r);
  Thresholds thresholds;
  thresholds.p99_budget[Scenario::repeat_cache] = std::chrono::microseconds{200};
  const auto verdicts = evaluate(registry, thresholds);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_FALSE(verdicts[0].passed);
  EXPECT_NE(verdicts[0].reason.find("over budget 200us"), std::string::npos) << verdicts[0].reason;
  thresholds.p99_budget[Scenario::repeat_cache] = std::chrono::microseconds{400};
  EXPECT_TRUE(evaluate(registry, thresholds).at(0).passed);
}

TEST(ScenarioNameTest, NamesRoundTrip) {
  for (Scenario scenario : kAllScenarios) {
    EXPECT_EQ(scenario_from_string(to_string(scenario)), scenario);
    EXPECT_EQ(scenario_from_string(camel_name(scenario)), scenario);
  }
  EXPECT_EQ(to_string(Scenario::playbook_record_replay), "playbook_record_replay");
  EXPECT_EQ(camel_name(Scenario::sms_validate), "SmsValidate");
  EXPECT_EQ(scenario_from_string("cold-search"), std::nullopt);
}

}  // namespace
}  // namespace multitier
