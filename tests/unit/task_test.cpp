// Task: the coroutine type's contract (laziness, results and exceptions through awaits) and
// sync_wait's refusal to block on a task that would need an event loop.
#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <utility>

#include "multitier/core/task.h"
#include "multitier/net/transfer_loop.h"

namespace multitier {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

Task<int> forty_two() { co_return 42; }

Task<int> add_one(int& runs) {
  ++runs;
  int v = co_await forty_two();
  co_return v + 1;
}

Task<int> throws() {
  throw std::runtime_error("from the coroutine");
  co_return 0;
}

Task<int> awaits_throwing() {
  int v = co_await throws();
  co_return v;
}

TEST(Task, IsLazyAndReturnsThroughAwaits) {
  int runs = 0;
  Task<int> task = add_one(runs);
  EXPECT_EQ(runs, 0) << "a task must not run before it is awaited or started";
  EXPECT_EQ(sync_wait(std::move(task)), 43);
  EXPECT_EQ(runs, 1);
}

TEST(Task, ExceptionReachesTheAwaiter) {
  EXPECT_THROW(sync_wait(awaits_throwing()), std::runtime_error);
}

TEST(Task, SyncWaitRefusesATaskThatSuspends) {
  TransferLoop loop(1);
  auto sleeps = [](TransferLoop& l) -> Task<int> {
    co_await l.sleep_until(Clock::now() + 1ms);
    co_return 1;
  };
  EXPECT_THROW(sync_wait(sleeps(loop)), std::logic_error);
}

}  // namespace
}  // namespace multitier
