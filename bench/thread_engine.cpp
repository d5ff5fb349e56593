#include <latch>
#include <memory>
#include <thread>
#include <vector>

#include "bench/load.h"

namespace multitier::bench {

LoadResult run_threads(const LoadPlan& plan) {
  using Clock = std::chrono::steady_clock;
  const auto n = static_cast<std::size_t>(plan.connections);
  std::vector<LoadResult> per_thread(n);
  std::vector<std::thread> threads;
  threads.reserve(n);
  // Every thread builds its client before the clock starts, as the suite's workers do; the
  // connections themselves open on the first request, inside the measured time (as in wrk).
  std::latch ready(static_cast<std::ptrdiff_t>(n));
  std::latch go(1);
  Clock::time_point deadline;
  for (std::size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      GatewayClient client(plan.base_url, plan.http);
      SearchResponse answer;
      LoadResult& mine = per_thread[i];
      ready.count_down();
      go.wait();
      for (auto sent = Clock::now(); sent < deadline;) {
        Failure f = sync_wait(client.search(plan.request, answer));
        auto done = Clock::now();
        ++mine.requests;
        if (f)
          mine.count_failure(f);
        else
          mine.latency.record(done - sent);
        sent = done;
      }
    });
  }
  ready.wait();
  const auto start = Clock::now();
  deadline = start + plan.duration;
  go.count_down();  // publishes `deadline` to the workers
  for (auto& t : threads) t.join();
  LoadResult total;
  total.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  for (const auto& r : per_thread) total.merge(r);
  return total;
}

}  // namespace multitier::bench
