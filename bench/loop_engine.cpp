#include <thread>
#include <vector>

#include "bench/load.h"
#include "multitier/core/task.h"
#include "multitier/net/transfer_loop.h"

namespace multitier::bench {
namespace {

using Clock = std::chrono::steady_clock;

// One event-loop thread of the suite's design: its TransferLoop drives `connections` coroutines,
// each with its own GatewayClient bound to the loop, each sending the plan's search back to
// back until the deadline, recording into this thread's result.
struct LoopThread {
  const LoadPlan& plan;
  int connections = 0;
  LoadResult result;

  Task<void> sender(TransferLoop& loop, Clock::time_point deadline) {
    GatewayClient client(plan.base_url, plan.http, &loop);
    SearchResponse answer;
    for (auto sent = Clock::now(); sent < deadline;) {
      Failure f = co_await client.search(plan.request, answer);
      auto done = Clock::now();
      ++result.requests;
      if (f)
        result.count_failure(f);
      else
        result.latency.record(done - sent);
      sent = done;
    }
  }

  void run(Clock::time_point deadline) {
    TransferLoop loop(connections);
    std::vector<Task<void>> senders;
    senders.reserve(static_cast<std::size_t>(connections));
    for (int i = 0; i < connections; ++i) {
      senders.push_back(sender(loop, deadline));
      senders.back().start();
    }
    while (loop.pending() > 0) loop.run_once(std::chrono::milliseconds(100));
    for (Task<void>& s : senders) s.result();
  }
};

}  // namespace

LoadResult run_loops(const LoadPlan& plan) {
  const int threads = std::max(1, std::min(plan.threads, plan.connections));
  std::vector<LoopThread> loops;
  loops.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    // Connections spread as evenly as the runner spreads workers.
    loops.push_back(
        {plan, plan.connections / threads + (t < plan.connections % threads ? 1 : 0), {}});
  }
  const auto start = Clock::now();
  const auto deadline = start + plan.duration;
  std::vector<std::thread> pool;
  for (auto& l : loops) pool.emplace_back([&l, deadline] { l.run(deadline); });
  for (auto& t : pool) t.join();
  LoadResult total;
  total.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  for (const auto& l : loops) total.merge(l.result);
  return total;
}

}  // namespace multitier::bench
