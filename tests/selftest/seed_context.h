// The seed's query pool, roster and validators, built once per self-test process, and plans
// over them: what every self-test hands to the scenarios or the runner.
#pragma once

#include <cstdint>
#include <string>

#include "multitier/run/runner.h"
#include "multitier/workload/scenarios.h"

namespace multitier::selftest {

// A context over the seed's pools; valid for the whole process.
ScenarioContext seed_context();

// `runs` runs of one scenario spread over `concurrency` threads against `url`.
RunPlan iterations_plan(const std::string& url, Scenario scenario, int runs, int concurrency,
                        std::uint64_t seed);

}  // namespace multitier::selftest
