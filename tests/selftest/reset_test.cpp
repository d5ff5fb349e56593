// Resets counted once, requests sent once: the reference gateway resets reused connections after
// reading a request and before answering it (RST), on search and on record, and the suite's
// books must match the gateway's exactly. libcurl on its own would send each such request again
// on a new connection, so the gateway would receive more requests than the suite recorded steps
// and the resets would vanish from the failure counts.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "multitier/net/http_client.h"
#include "multitier/run/runner.h"
#include "tests/selftest/child_process.h"
#include "tests/selftest/seed_context.h"

namespace multitier::selftest {
namespace {

using namespace std::chrono_literals;

struct GatewayBooks {
  std::uint64_t received_search = 0;
  std::uint64_t received_record = 0;
  std::uint64_t reset_search = 0;
  std::uint64_t reset_record = 0;
};

GatewayBooks gateway_books(const std::string& url) {
  HttpClient http;
  HttpResponse answer;
  if (Failure failure = http.request("GET", url + "/stats", "", answer))
    throw std::runtime_error(failure.message);
  rapidjson::Document doc;
  doc.Parse(answer.body.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("received") ||
      !doc.HasMember("faults")) {
    throw std::runtime_error("GET /stats answered " + answer.body);
  }
  return {doc["received"]["search"].GetUint64(), doc["received"]["record"].GetUint64(),
          doc["faults"]["search"]["reset"].GetUint64(),
          doc["faults"]["record"]["reset"].GetUint64()};
}

struct SuiteBooks {
  std::uint64_t search_steps = 0;
  std::uint64_t record_steps = 0;
  std::uint64_t transport = 0;
  std::uint64_t reset_messages = 0;  // error samples' counts that say "reset after send"
  std::uint64_t other_failures = 0;
};

SuiteBooks suite_books(const Registry& registry) {
  SuiteBooks books;
  for (Scenario s : kAllScenarios) {
    const ScenarioStats& stats = registry.stats(s);
    EXPECT_EQ(stats.steps_other, 0u) << to_string(s);
    for (const StepStats& step : stats.steps) {
      if (step.name.find("search") != std::string::npos) books.search_steps += step.runs;
      if (step.name == "playbook_record") books.record_steps += step.runs;
    }
    books.transport += stats.failure_kind(FailureKind::transport);
    books.other_failures += stats.failures - stats.failure_kind(FailureKind::transport);
    for (const ErrorSample& e : stats.errors) {
      if (e.message.find("reset after send") != std::string::npos) books.reset_messages += e.count;
    }
  }
  return books;
}

TEST(Resets, EachIsCountedOnceAndNoRequestIsSentTwice) {
  std::unique_ptr<ChildProcess> gateway;
  const std::string url = start_gateway(gateway, {"--fault", "search:reset@0.03", "--fault",
                                                  "record:reset@0.03", "--fault-seed", "11"});
  RunPlan plan;
  plan.gateway = url;
  plan.context = seed_context();
  plan.weights = {{Scenario::cold_search_email, 35}, {Scenario::surge_fill_validate, 15},
                  {Scenario::profile_swap, 15},      {Scenario::repeat_cache, 15},
                  {Scenario::sms_validate, 10},      {Scenario::playbook_record_replay, 10}};
  plan.stress = true;
  plan.concurrency = 8;
  plan.threads = 2;
  plan.duration = 4s;
  plan.seed = 5;
  plan.nonce = 5;
  std::atomic<bool> stop{false};
  const RunOutcome outcome = run_plan(plan, stop);
  const GatewayBooks gw = gateway_books(url);
  const SuiteBooks suite = suite_books(outcome.registry);
  std::cout << "resets injected: search " << gw.reset_search << ", record " << gw.reset_record
            << "; suite transport failures " << suite.transport << "\n"
            << "searches received " << gw.received_search << ", suite search steps "
            << suite.search_steps << "; records received " << gw.received_record
            << ", suite record steps " << suite.record_steps << "\n";

  ASSERT_GT(gw.reset_search, 20u) << "the fault should fire often enough to count";
  ASSERT_GT(gw.reset_record, 0u);
  EXPECT_EQ(suite.transport, gw.reset_search + gw.reset_record)
      << "each reset is one transport failure";
  EXPECT_EQ(suite.other_failures, 0u) << "a reset must not be counted in another category";
  EXPECT_EQ(suite.search_steps, gw.received_search)
      << "every search step is one request the gateway read";
  EXPECT_EQ(suite.record_steps, gw.received_record)
      << "every record step is one request the gateway read";
  // Samples keep at most five distinct messages per scenario; the reset one is among them.
  EXPECT_GT(suite.reset_messages, 0u);
}

}  // namespace
}  // namespace multitier::selftest
