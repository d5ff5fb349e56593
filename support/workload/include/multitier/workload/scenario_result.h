// The plain result struct: the one contract between scenarios, the registry and the reporters.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "multitier/core/failure.h"
#include "multitier/workload/validators.h"

namespace multitier {

// The scenarios' ids, in catalogue order (see catalogue.cpp, the one table that describes them).
enum class Scenario : std::uint8_t {
  cold_search_email,
  surge_fill_validate,
  profile_swap,
  repeat_cache,
  sms_validate,
  playbook_record_replay,
};
inline constexpr int kScenarioCount = 6;
inline constexpr std::array<Scenario, kScenarioCount> kAllScenarios = {
    Scenario::cold_search_email, Scenario::surge_fill_validate, Scenario::profile_swap,
    Scenario::repeat_cache,      Scenario::sms_validate,        Scenario::playbook_record_replay};

// Names, weights and entry points of the scenarios: multitier/workload/catalogue.h.

using Nanos = std::chrono::nanoseconds;

struct StepResult {
  std::string_view step;  // static literal: "search", "email_validate", "search_2", ...
  Nanos latency{0};
  Failure failure;   // kind none when the step succeeded
  bool http = false;  // an HTTP exchange with the gateway (false: an in-process validator)
};

struct ScenarioResult {
  Scenario scenario = Scenario::cold_search_email;
  bool success = false;
  // Where the workflow broke: a step name, or a check between steps such as
  // "swap_overlap_detected" or "replay_not_first". Empty on success.
  std::string_view failed_at;
  Failure failure;  // why it broke (copied from the step, or the check's own failure)
  Nanos latency{0};
  std::vector<StepResult> steps;
  std::optional<ValidationCategory> validator;  // set by scenarios that validate
  // repeat_cache only: latency of the first search divided by the mean of the other four.
  std::optional<double> first_to_rest_ratio;
  // Open-model executors only: how long the start waited, from its planned time to the moment
  // the scenario began (for a VU or for the scheduler). latency + waited is the corrected
  // latency; latency alone the raw one.
  std::optional<Nanos> waited;
};

}  // namespace multitier
