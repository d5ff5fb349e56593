#include "multitier/workload/scenario_result.h"

namespace multitier {

namespace {

struct ScenarioNames {
  std::string_view snake;
  std::string_view camel;
};

constexpr std::array<ScenarioNames, kScenarioCount> kNames = {{
    {"cold_search_email", "ColdSearchEmail"},
    {"surge_fill_validate", "SurgeFillValidate"},
    {"profile_swap", "ProfileSwap"},
    {"repeat_cache", "RepeatCache"},
    {"sms_validate", "SmsValidate"},
    {"playbook_record_replay", "PlaybookRecordReplay"},
}};

}  // namespace

std::string_view to_string(Scenario scenario) {
  const auto index = static_cast<std::size_t>(scenario);
  return index < kNames.size() ? kNames[index].snake : std::string_view("unknown");
}

std::string_view camel_name(Scenario scenario) {
  const auto index = static_cast<std::size_t>(scenario);
  return index < kNames.size() ? kNames[index].camel : std::string_view("Unknown");
}

std::optional<Scenario> scenario_from_string(std::string_view name) {
  for (Scenario scenario : kAllScenarios) {
    if (name == to_string(scenario) || name == camel_name(scenario)) return scenario;
  }
  return std::nullopt;
}

}  // namespace multitier
