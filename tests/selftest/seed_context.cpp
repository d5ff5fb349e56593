#include "tests/selftest/seed_context.h"

#include <vector>

#include "multitier/pools/pools.h"

namespace multitier::selftest {
namespace {

struct Pools {
  std::vector<QuerySpec> queries = pools::build_query_pool();
  std::vector<WorkerRecord> roster = pools::build_worker_pool();
  InMemoryWorkerLookup lookup{roster};
  EmailValidator email{lookup};
  FillValidator fill{lookup};
};

}  // namespace

ScenarioContext seed_context() {
  static const Pools pools;
  ScenarioContext c;
  c.queries = &pools.queries;
  c.roster = &pools.roster;
  c.email = &pools.email;
  c.fill = &pools.fill;
  return c;
}

RunPlan iterations_plan(const std::string& url, Scenario scenario, int runs, int concurrency,
                        std::uint64_t seed) {
  RunPlan plan;
  plan.gateway = url;
  plan.context = seed_context();
  plan.weights = {{scenario, 1}};
  plan.concurrency = concurrency;
  plan.iterations = runs;
  plan.seed = seed;
  plan.nonce = seed;
  return plan;
}

}  // namespace multitier::selftest
