#include "multitier/workload/catalogue.h"

#include "multitier/workload/scenarios.h"

namespace multitier {
namespace {

// The seed's six workflows and its 35/15/15/15/10/10 mix.
constexpr ScenarioSpec kCatalogue[] = {
    {Scenario::cold_search_email, "cold_search_email", "ColdSearchEmail", 35, &cold_search_email},
    {Scenario::surge_fill_validate, "surge_fill_validate", "SurgeFillValidate", 15,
     &surge_fill_validate},
    {Scenario::profile_swap, "profile_swap", "ProfileSwap", 15, &profile_swap},
    {Scenario::repeat_cache, "repeat_cache", "RepeatCache", 15, &repeat_cache},
    {Scenario::sms_validate, "sms_validate", "SmsValidate", 10, &sms_validate},
    {Scenario::playbook_record_replay, "playbook_record_replay", "PlaybookRecordReplay", 10,
     &playbook_record_replay},
};
static_assert(std::size(kCatalogue) == kScenarioCount, "one catalogue entry per Scenario");

constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < std::size(kCatalogue); ++i) {
    if (static_cast<std::size_t>(kCatalogue[i].id) != i || kAllScenarios[i] != kCatalogue[i].id)
      return false;
  }
  return true;
}
static_assert(in_enum_order(), "the catalogue lists the scenarios in enum order");

}  // namespace

std::span<const ScenarioSpec> scenario_catalogue() { return kCatalogue; }

const ScenarioSpec& scenario_spec(Scenario scenario) {
  return kCatalogue[static_cast<std::size_t>(scenario)];
}

std::string_view to_string(Scenario scenario) {
  const auto index = static_cast<std::size_t>(scenario);
  return index < std::size(kCatalogue) ? kCatalogue[index].name : std::string_view("unknown");
}

std::string_view camel_name(Scenario scenario) {
  const auto index = static_cast<std::size_t>(scenario);
  return index < std::size(kCatalogue) ? kCatalogue[index].case_name : std::string_view("Unknown");
}

std::optional<Scenario> scenario_from_string(std::string_view name) {
  for (const ScenarioSpec& spec : kCatalogue) {
    if (name == spec.name || name == spec.case_name) return spec.id;
  }
  return std::nullopt;
}

std::vector<std::pair<Scenario, int>> default_weights() {
  std::vector<std::pair<Scenario, int>> weights;
  for (const ScenarioSpec& spec : kCatalogue) weights.emplace_back(spec.id, spec.default_weight);
  return weights;
}

}  // namespace multitier
