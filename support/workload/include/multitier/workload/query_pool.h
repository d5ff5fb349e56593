// Where the scenarios' queries come from, when not from the seed's 30-query vector: a pool that
// builds query `index` on demand, so it can hold far more texts than it stores (the generated
// pool of fixtures/pools has about 105,000). The workload layer only sees this interface; the
// suite's environment owns the pool and hands it to the scenarios (ScenarioContext::pool).
#pragma once

#include <cstddef>
#include <cstdint>

#include "multitier/workload/query_spec.h"

namespace multitier {

class QueryPool {
 public:
  virtual ~QueryPool() = default;

  // Number of distinct texts; more than 0.
  virtual std::size_t size() const = 0;

  // Query `index` for index < size(), by value (a pool need not store it). Pure and
  // thread-safe: the same index gives the same query in every call, on every thread, and
  // distinct indices give distinct texts.
  virtual QuerySpec at(std::uint64_t index) const = 0;
};

}  // namespace multitier
