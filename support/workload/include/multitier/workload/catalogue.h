// The scenario catalogue: one table (catalogue.cpp) with, per scenario, its id, the name the
// reports use, the GoogleTest case name, its weight in the seed's mix and the function that
// runs it. Options, dispatch, reports and checks all read it; adding a scenario is one enum
// value, one table entry and its function.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "multitier/core/task.h"
#include "multitier/workload/scenario_result.h"

namespace multitier {

struct ScenarioContext;
struct Vu;

using ScenarioFunction = Task<ScenarioResult> (*)(const ScenarioContext&, Vu&);

struct ScenarioSpec {
  Scenario id;
  std::string_view name;       // the seed's snake_case name, used in every report
  std::string_view case_name;  // the GoogleTest case suffix: "ColdSearchEmail"
  int default_weight;          // share in the seed's mix (of 100)
  ScenarioFunction run;
};

// Every scenario, in kAllScenarios order.
std::span<const ScenarioSpec> scenario_catalogue();
const ScenarioSpec& scenario_spec(Scenario scenario);

// The seed's snake_case name ("cold_search_email").
std::string_view to_string(Scenario scenario);
// The CamelCase case name ("ColdSearchEmail").
std::string_view camel_name(Scenario scenario);
// Either spelling back to the id.
std::optional<Scenario> scenario_from_string(std::string_view name);
// The seed's mix: every scenario with its default weight, in catalogue order.
std::vector<std::pair<Scenario, int>> default_weights();

}  // namespace multitier
