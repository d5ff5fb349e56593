// The seed's query pool, roster and validators for unit tests, built once per process (the
// validators keep a reference to their lookup), and a ScenarioContext over them.
#pragma once

#include <vector>

#include "multitier/pools/pools.h"
#include "multitier/workload/scenarios.h"
#include "multitier/workload/validators.h"

namespace multitier::unit {

struct SeedPools {
  std::vector<QuerySpec> queries = pools::build_query_pool();
  std::vector<WorkerRecord> roster = pools::build_worker_pool();
  InMemoryWorkerLookup lookup{roster};
  EmailValidator email{lookup};
  FillValidator fill{lookup};
};

inline const SeedPools& seed_pools() {
  static const SeedPools pools;
  return pools;
}

inline ScenarioContext seed_context() {
  const SeedPools& p = seed_pools();
  ScenarioContext c;
  c.queries = &p.queries;
  c.roster = &p.roster;
  c.email = &p.email;
  c.fill = &p.fill;
  return c;
}

}  // namespace multitier::unit
