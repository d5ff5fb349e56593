#include "bench/load.h"

namespace multitier::bench {

void LoadResult::count_failure(const Failure& f) {
  ++failures;
  ++failure_kinds[static_cast<std::size_t>(f.kind)];
  if (first_failure.empty())
    first_failure = f.message.empty() ? std::string(to_string(f.kind)) : f.message;
}

void LoadResult::merge(const LoadResult& other) {
  requests += other.requests;
  failures += other.failures;
  for (std::size_t i = 0; i < failure_kinds.size(); ++i) failure_kinds[i] += other.failure_kinds[i];
  if (first_failure.empty()) first_failure = other.first_failure;
  latency.merge(other.latency);
}

}  // namespace multitier::bench
