// multitier-search-load's engines: drive one fixed search request against a gateway on N
// keep-alive connections for a fixed time, with the harness's own HTTP, JSON and contract code.
// The engines only run and count; printing is search_load.cpp's job.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>

#include "multitier/contract/gateway_client.h"
#include "multitier/core/failure.h"
#include "multitier/net/http_client.h"
#include "multitier/run/histogram.h"

namespace multitier::bench {

struct LoadPlan {
  std::string base_url;   // "http://127.0.0.1:PORT", no trailing slash
  SearchRequest request;  // sent unchanged on every connection
  int connections = 50;   // one keep-alive connection each
  int threads = 1;        // event-loop threads (engine loop)
  std::chrono::milliseconds duration{10'000};
  HttpOptions http;
};

// What a run did. requests counts every completed exchange (success or not); latency holds
// the successes only, merged over all connections.
struct LoadResult {
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
  std::array<std::uint64_t, kFailureKindCount> failure_kinds{};
  std::string first_failure;  // message of the first failure seen, empty when none
  LatencyHistogram latency;
  double wall_s = 0;  // first request sent to last answer counted

  void count_failure(const Failure& f);
  // Adds `other`'s counts; keeps this result's first_failure when it has one. wall_s untouched.
  void merge(const LoadResult& other);
};

// The suite's design (support/runner.cpp): `threads` event-loop threads, each a TransferLoop
// driving its share of the connections as coroutines, each coroutine with its own GatewayClient
// bound to the loop. Every connection finishes the request in flight at the deadline.
LoadResult run_loops(const LoadPlan& plan);

// The suite's earlier design, kept for comparison: one thread per connection, each with its own
// unbound GatewayClient (one libcurl easy handle, blocking in curl_easy_perform), recording into
// its own LoadResult, merged after join.
LoadResult run_threads(const LoadPlan& plan);

}  // namespace multitier::bench
