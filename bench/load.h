// multitier-search-load's engines: drive one fixed search request against a gateway on N
// keep-alive connections for a fixed time, with the harness's own HTTP, JSON and contract code.
// The engines only run and count; printing is search_load.cpp's job.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>

#include "support/failure.h"
#include "support/gateway_client.h"
#include "support/histogram.h"
#include "support/http_client.h"

namespace multitier::bench {

struct LoadPlan {
  std::string base_url;               // "http://127.0.0.1:PORT", no trailing slash
  SearchRequest request;              // sent unchanged on every connection
  int connections = 50;               // one keep-alive connection each
  std::chrono::milliseconds duration{10'000};
  HttpOptions http;
};

// What a run did. requests counts every completed exchange (success or not); latency holds
// the successes only, merged over all connections.
struct LoadResult {
  std::uint64_t requests = 0;
  std::uint64_t failures = 0;
  std::array<std::uint64_t, kFailureKindCount> failure_kinds{};
  std::string first_failure;          // message of the first failure seen, empty when none
  LatencyHistogram latency;
  double wall_s = 0;                  // first request sent to last answer counted

  void count_failure(const Failure& f);
  // Adds `other`'s counts; keeps this result's first_failure when it has one. wall_s untouched.
  void merge(const LoadResult& other);
};

// The suite's design: one thread per connection, each with its own GatewayClient (one libcurl
// easy handle, blocking), recording into its own LoadResult, merged after join. Every thread
// finishes the request in flight at the deadline.
LoadResult run_threads(const LoadPlan& plan);

// One thread drives every connection through one curl multi handle (curl_multi_poll and
// curl_multi_perform); each answer is parsed and checked by parse_search_response exactly as
// GatewayClient::search does. Requests still in flight at the deadline are abandoned.
LoadResult run_multi(const LoadPlan& plan);

}  // namespace multitier::bench
