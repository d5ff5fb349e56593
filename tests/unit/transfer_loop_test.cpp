// TransferLoop: the loop's timers, and HTTP exchanges driven through the loop classified exactly
// as blocking ones. The Task type's own contract is in task_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "multitier/contract/gateway_client.h"
#include "multitier/core/task.h"
#include "multitier/net/http_client.h"
#include "multitier/net/transfer_loop.h"
#include "tests/unit/scripted_server.h"

namespace multitier {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using unit::http_response;
using unit::ScriptedServer;

Task<void> sleep_then_note(TransferLoop& loop, Clock::duration d, std::vector<int>& order,
                           int tag) {
  co_await loop.sleep_until(Clock::now() + d);
  order.push_back(tag);
}

// Drives root tasks until every one is done, with a generous bound so a bug fails, not hangs.
template <typename T>
void drive(TransferLoop& loop, std::vector<Task<T>>& tasks) {
  for (auto& t : tasks) t.start();
  const auto give_up = Clock::now() + 20s;
  auto all_done = [&] {
    for (auto& t : tasks) {
      if (!t.done()) return false;
    }
    return true;
  };
  while (!all_done() && Clock::now() < give_up) loop.run_once(50ms);
  ASSERT_TRUE(all_done()) << "the loop did not finish its tasks within 20 s";
}

TEST(TransferLoop, SleepersWakeInDeadlineOrderAndNotEarly) {
  TransferLoop loop(1);
  std::vector<int> order;
  std::vector<Task<void>> tasks;
  tasks.push_back(sleep_then_note(loop, 60ms, order, 3));
  tasks.push_back(sleep_then_note(loop, 20ms, order, 1));
  tasks.push_back(sleep_then_note(loop, 40ms, order, 2));
  const auto start = Clock::now();
  drive(loop, tasks);
  EXPECT_GE(Clock::now() - start, 60ms);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(loop.pending(), 0u);
}

Task<Failure> send_once(HttpClient& client, const std::string& url, HttpResponse& response) {
  Failure failure = co_await client.send("POST", url, "{}", response);
  co_return failure;
}

HttpOptions quick_options() {
  HttpOptions options;
  options.connect_timeout_ms = 1000;
  options.timeout_ms = 300;
  return options;
}

// Messages name measured times ("timed out after 301 milliseconds"): compare the words only.
std::string without_digits(std::string text) {
  std::erase_if(text, [](char c) { return c >= '0' && c <= '9'; });
  return text;
}

// One exchange through a loop-bound client; the blocking request() with the same options must
// give the same failure kind and message.
struct LoopCase {
  std::string name;
  unit::ScriptStep step;
  std::size_t max_body_bytes;
  FailureKind kind;
};

void PrintTo(const LoopCase& c, std::ostream* os) { *os << c.name; }

class LoopExchange : public ::testing::TestWithParam<LoopCase> {};

TEST_P(LoopExchange, IsClassifiedAsTheBlockingOne) {
  const LoopCase& c = GetParam();
  HttpOptions options = quick_options();
  options.max_body_bytes = c.max_body_bytes;
  Failure looped, blocking;
  HttpResponse looped_response, blocking_response;
  {
    ScriptedServer server({c.step});
    TransferLoop loop(1);
    HttpClient client(options, &loop);
    const std::string url = server.url("/v1/path");
    std::vector<Task<Failure>> tasks;
    tasks.push_back(send_once(client, url, looped_response));
    drive(loop, tasks);
    looped = tasks[0].result();
  }
  {
    ScriptedServer server({c.step});
    HttpClient client(options);
    blocking = client.request("POST", server.url("/v1/path"), "{}", blocking_response);
  }
  EXPECT_EQ(looped.kind, c.kind) << looped.message;
  EXPECT_EQ(looped.kind, blocking.kind) << looped.message << " / " << blocking.message;
  EXPECT_EQ(without_digits(looped.message), without_digits(blocking.message));
  if (!looped) {
    EXPECT_EQ(looped_response.status, blocking_response.status);
    EXPECT_EQ(looped_response.body, blocking_response.body);
  }
}

INSTANTIATE_TEST_SUITE_P(
    TransferLoop, LoopExchange,
    ::testing::Values(
        LoopCase{
            "Answer", {http_response(503, R"({"error":"busy"})")}, 1u << 20, FailureKind::none},
        LoopCase{"SlowAnswerIsTimeout",
                 {http_response(200, "{}"), 2000, false},
                 1u << 20,
                 FailureKind::timeout},
        LoopCase{"ClosedWithoutAnswerIsTransport", {"", 0, true}, 1u << 20, FailureKind::transport},
        LoopCase{"BodyOverCapIsOversize",
                 {http_response(200, std::string(5000, ' ')), 0, true},
                 1000,
                 FailureKind::oversize}),
    [](const ::testing::TestParamInfo<LoopCase>& info) { return info.param.name; });

TEST(TransferLoop, RefusedConnectionIsConnect) {
  TransferLoop loop(1);
  HttpClient client(quick_options(), &loop);
  HttpResponse response;
  const std::string url = "http://127.0.0.1:" + std::to_string(unit::closed_port()) + "/v1/x";
  std::vector<Task<Failure>> tasks;
  tasks.push_back(send_once(client, url, response));
  drive(loop, tasks);
  Failure failure = tasks[0].result();
  EXPECT_EQ(failure.kind, FailureKind::connect) << failure.message;
}

Task<void> send_times(HttpClient& client, const std::string& url, int times,
                      std::vector<Failure>& out) {
  HttpResponse response;
  for (int i = 0; i < times; ++i) {
    Failure failure = co_await client.send("POST", url, "{}", response);
    out.push_back(std::move(failure));
  }
}

// The loop keeps idle sockets registered between requests; a connection the server closes
// while idle must be replaced by a new one, not waited on.
TEST(TransferLoop, ReusesTheConnectionAndReplacesOneTheServerClosed) {
  ScriptedServer server({{http_response(200, "{}")},
                         {http_response(200, "{}"), 0, true},
                         {http_response(200, "{}")}});
  TransferLoop loop(1);
  HttpClient client(quick_options(), &loop);
  const std::string url = server.url("/a");
  std::vector<Failure> failures;
  std::vector<Task<void>> tasks;
  tasks.push_back(send_times(client, url, 2, failures));
  drive(loop, tasks);
  // The second answer closed the connection; give the close time to arrive while idle.
  const auto until = Clock::now() + 100ms;
  while (Clock::now() < until) loop.run_once(10ms);
  tasks.clear();
  tasks.push_back(send_times(client, url, 2, failures));
  drive(loop, tasks);
  ASSERT_EQ(failures.size(), 4u);
  for (const Failure& f : failures) EXPECT_FALSE(f) << f.message;
  EXPECT_EQ(server.accepts(), 2)
      << "one connection for the first two requests, one after the close";
}

// A GatewayClient bound to a loop parks its coroutine; the same call unbound completes at once.
// On the multi handle the connection cache is shared: a request reset after it left must not be
// sent again on any connection, and the next request goes out normally.
TEST(TransferLoop, ResetAfterSendIsNotSentAgain) {
  unit::ScriptStep reset;
  reset.reset = true;
  ScriptedServer server({{http_response(200, "{}")}, reset, {http_response(200, "{}")}});
  TransferLoop loop(1);
  HttpClient client(quick_options(), &loop);
  const std::string url = server.url("/a");  // a lazy task reads it after this line
  std::vector<Failure> failures;
  std::vector<Task<void>> tasks;
  tasks.push_back(send_times(client, url, 3, failures));
  drive(loop, tasks);
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_FALSE(failures[0]) << failures[0].message;
  EXPECT_EQ(failures[1].kind, FailureKind::transport) << failures[1].message;
  EXPECT_NE(failures[1].message.find("reset after send"), std::string::npos) << failures[1].message;
  EXPECT_FALSE(failures[2]) << failures[2].message;
  EXPECT_EQ(server.requests().size(), 3u) << "one request per send, none repeated";
}

TEST(TransferLoop, GatewayClientCallsSuspendOnlyWhenBound) {
  const std::string body = R"({"results":[{"id":"w-1","distance":0.1,"corpus":"workers"}]})";
  ScriptedServer server({{http_response(200, body)}});
  {
    // Scoped: the loop, and the connection it keeps open, end before the unbound call.
    TransferLoop loop(1);
    GatewayClient bound(server.url(), quick_options(), &loop);
    Task<Failure> probe = bound.probe("workers");
    probe.start();
    EXPECT_FALSE(probe.done()) << "a bound call must wait for the loop";
    const auto give_up = Clock::now() + 10s;
    while (!probe.done() && Clock::now() < give_up) loop.run_once(50ms);
    ASSERT_TRUE(probe.done());
    Failure failure = probe.result();
    EXPECT_FALSE(failure) << failure.message;
  }
  GatewayClient unbound(server.url(), quick_options());
  Failure failure = sync_wait(unbound.probe("workers"));
  EXPECT_FALSE(failure) << failure.message;
}

}  // namespace
}  // namespace multitier
