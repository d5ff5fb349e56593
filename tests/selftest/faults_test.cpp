// Proof the suite can fail: scenarios run against a reference gateway with one fault injected
// must report that fault as a failure at the right step, in the right category.
#include <gtest/gtest.h>

#include <memory>

#include "multitier/contract/gateway_client.h"
#include "multitier/workload/scenarios.h"
#include "tests/selftest/child_process.h"
#include "tests/selftest/seed_context.h"

namespace multitier::selftest {
namespace {

struct Expectation {
  const char* name;
  std::vector<std::string> faults;
  Scenario scenario;
  std::string_view failed_at;
  FailureKind kind;
  const char* message_part;
};

void PrintTo(const Expectation& e, std::ostream* os) { *os << e.name; }

class FaultIsReported : public ::testing::TestWithParam<Expectation> {};

TEST_P(FaultIsReported, AtTheRightStep) {
  const Expectation& e = GetParam();
  std::unique_ptr<ChildProcess> gateway;
  std::string url = start_gateway(gateway, e.faults);
  GatewayClient client(url, HttpOptions{});
  Random random(7);
  Vu vu{client, random, 0, 0, 1};
  const ScenarioContext context = seed_context();
  for (int run = 0; run < 5; ++run) {
    ScenarioResult result = sync_wait(run_scenario(e.scenario, context, vu));
    ASSERT_FALSE(result.success) << "run " << run << " passed although the gateway had " << e.name;
    EXPECT_EQ(result.failed_at, e.failed_at) << result.failure.message;
    EXPECT_EQ(result.failure.kind, e.kind)
        << to_string(result.failure.kind) << ": " << result.failure.message;
    EXPECT_NE(result.failure.message.find(e.message_part), std::string::npos)
        << result.failure.message;
  }
}

INSTANTIATE_TEST_SUITE_P(Faults, FaultIsReported,
                         ::testing::Values(Expectation{"RecordFailsInSurge",
                                                       {"--fault", "record:status=500"},
                                                       Scenario::surge_fill_validate,
                                                       "playbook_record",
                                                       FailureKind::http_status,
                                                       "500"},
                                           Expectation{"RecordFailsInReplay",
                                                       {"--fault", "record:status=503"},
                                                       Scenario::playbook_record_replay,
                                                       "playbook_record",
                                                       FailureKind::http_status,
                                                       "503"},
                                           Expectation{"ReplayNotBoosting",
                                                       {"--fault", "search:no_playbook"},
                                                       Scenario::playbook_record_replay,
                                                       "replay_not_applied",
                                                       FailureKind::contract,
                                                       "playbook"},
                                           Expectation{"SearchLeaksExcluded",
                                                       {"--fault", "search:leak_excluded"},
                                                       Scenario::profile_swap,
                                                       "search_swap",
                                                       FailureKind::contract,
                                                       "exclu"},
                                           Expectation{"SearchInvalidJson",
                                                       {"--fault", "search:invalid_json"},
                                                       Scenario::cold_search_email,
                                                       "search",
                                                       FailureKind::bad_json,
                                                       ""},
                                           Expectation{"SearchStatus500",
                                                       {"--fault", "search:status=500"},
                                                       Scenario::sms_validate,
                                                       "search",
                                                       FailureKind::http_status,
                                                       "500"}),
                         [](const ::testing::TestParamInfo<Expectation>& info) {
                           return std::string(info.param.name);
                         });

TEST(FaultFree, EveryScenarioPassesAgainstAHealthyGateway) {
  std::unique_ptr<ChildProcess> gateway;
  std::string url = start_gateway(gateway, {});
  GatewayClient client(url, HttpOptions{});
  Random random(11);
  Vu vu{client, random, 0, 0, 2};
  const ScenarioContext context = seed_context();
  for (Scenario s : kAllScenarios) {
    for (int run = 0; run < 3; ++run) {
      ScenarioResult result = sync_wait(run_scenario(s, context, vu));
      EXPECT_TRUE(result.success) << to_string(s) << " broke at " << result.failed_at << ": "
                                  << result.failure.message;
    }
  }
}

}  // namespace
}  // namespace multitier::selftest
