// The run configuration: built and validated once from the parsed options, then read by
// everything downstream. The runner's plans, the HTTP options, the thresholds and the reports'
// settings all come from here, so no later stage re-shapes options by hand (tests build their
// plans through it the same way).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "multitier/net/http_client.h"
#include "multitier/run/options.h"
#include "multitier/run/runner.h"

namespace multitier {

// What makes a scenario fail the run.
struct Thresholds {
  double max_failure_rate = 0.0;         // failures/runs above this fails the scenario
  std::map<Scenario, Nanos> p99_budget;  // optional end-to-end p99 budget per scenario, exact
  double max_dropped_rate = -1;   // open model: dropped/planned starts above this fails; < 0: off
  double min_achieved_rate = -1;  // open model: started/s below this fails; < 0: off
};

struct RunConfig {
  Options options;                   // as parsed and validated by parse_options
  std::string gateway;               // resolved (--gateway or the URL file) and checked
  std::uint64_t seed = 1;            // never 0: drawn (and reported) when --seed left it 0
  std::uint64_t nonce = 0;           // per process: keeps playbook texts of two runs apart
  std::vector<std::string> secrets;  // header values to redact from every output
  // The gateway's process when it is local and visible (--gateway-pid, or the listener on the
  // URL's loopback port), sampled each interval; 0 otherwise, and footprint_note says why.
  int gateway_pid = 0;
  std::string footprint_note;

  HttpOptions http() const;
  Thresholds thresholds() const;
  // The plan for one case: `weights` is {{s, 1}} for a single scenario, or the mix.
  RunPlan plan(const std::vector<std::pair<Scenario, int>>& weights,
               const ScenarioContext& context) const;
  // The case's planned measured time (the stress duration; 0 in iterations mode).
  double planned_s() const;
};

// Resolves the gateway URL (--gateway, else the URL file), refuses a target the suite will not
// load (target_problem), and draws the seed when it is 0. Throws std::invalid_argument with a
// message for the user.
RunConfig make_run_config(Options options);

}  // namespace multitier
