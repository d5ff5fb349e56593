// The suite's cases: one per scenario (Scenarios/Workflow.Passes/ColdSearchEmail, ...) and the
// seed's weighted mix (Mix.WeightedWorkload). Run one with --gtest_filter='*ProfileSwap*'.
#include <gtest/gtest.h>

#include "multitier/environment/case_runner.h"
#include "multitier/environment/suite_environment.h"

namespace multitier {

// Test names and failure lines show the seed's scenario name, not the enum's bytes.
void PrintTo(Scenario scenario, std::ostream* os) { *os << to_string(scenario); }

namespace {

class Workflow : public ::testing::TestWithParam<Scenario> {};

TEST_P(Workflow, Passes) { run_case({{GetParam(), 1}}, false); }

INSTANTIATE_TEST_SUITE_P(Scenarios, Workflow, ::testing::ValuesIn(kAllScenarios),
                         [](const ::testing::TestParamInfo<Scenario>& info) {
                           return std::string(camel_name(info.param));
                         });

TEST(Mix, WeightedWorkload) {
  run_case(SuiteEnvironment::current().config().options.weights, true);
}

}  // namespace
}  // namespace multitier
