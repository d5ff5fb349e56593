#include "multitier/workload/scenarios.h"

namespace multitier {

Task<ScenarioResult> run_scenario(Scenario scenario, const ScenarioContext& context, Vu& vu) {
  return scenario_spec(scenario).run(context, vu);
}

}  // namespace multitier
