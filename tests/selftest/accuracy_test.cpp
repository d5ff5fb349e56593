// Proof the reports tell the truth: against a gateway whose latency is known (injected delays)
// the registry's percentiles must match it, and against a healthy gateway the number of HTTP
// requests the registry counted must equal the number the gateway itself counted.
#include <gtest/gtest.h>

#include <rapidjson/document.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "multitier/net/http_client.h"
#include "multitier/report/report.h"
#include "multitier/run/options.h"
#include "multitier/run/runner.h"
#include "tests/selftest/child_process.h"
#include "tests/selftest/seed_context.h"

namespace multitier::selftest {
namespace {

using namespace std::chrono_literals;

double ms(Nanos d) { return static_cast<double>(d.count()) / 1e6; }

// Samples of bins lying wholly at or above `threshold` (log-spaced bins, see histogram.h).
std::uint64_t count_at_least(const LatencyHistogram& h, Nanos threshold) {
  const double per_bin = std::log(LatencyHistogram::kHighestNs / LatencyHistogram::kLowestNs) /
                         LatencyHistogram::kBins;
  const int first = static_cast<int>(std::ceil(
      std::log(static_cast<double>(threshold.count()) / LatencyHistogram::kLowestNs) / per_bin));
  std::uint64_t n = 0;
  for (int bin = first; bin <= LatencyHistogram::kBins; ++bin) n += h.bin_count(bin);
  return n;
}

// What the gateway counted, from GET /stats.
struct GatewayCounts {
  std::uint64_t search = 0;
  std::uint64_t record = 0;
};

GatewayCounts gateway_counts(const std::string& url) {
  HttpClient http;
  HttpResponse response;
  Failure failure = http.request("GET", url + "/stats", "", response);
  if (failure) throw std::runtime_error("GET /stats: " + failure.message);
  rapidjson::Document doc;
  doc.Parse(response.body.c_str());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("requests")) {
    throw std::runtime_error("GET /stats answered " + response.body);
  }
  const auto& requests = doc["requests"];
  return {requests["search"].GetUint64(), requests["record"].GetUint64()};
}

// Within 1 ms + 2 % of `expected`.
::testing::AssertionResult near(const char* what, double measured_ms, double expected_ms) {
  const double tolerance = 1.0 + 0.02 * expected_ms;
  if (std::abs(measured_ms - expected_ms) <= tolerance) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << what << " = " << measured_ms << " ms, expected "
                                       << expected_ms << " ms within ±" << tolerance << " ms";
}

// The expected q-quantile of `runs` searches, `slow` of which waited `slow_delay` and the rest
// `fast_delay`, each plus an overhead drawn from `overhead(fraction)`: with nearest ranks, the
// rank falls in one group, at a known fraction of it, and that group's delay is added to the
// overhead at the same fraction.
template <typename Overhead>
double expected_ms(double q, std::uint64_t runs, std::uint64_t slow, double fast_delay,
                   double slow_delay, const Overhead& overhead) {
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(runs))));
  const std::uint64_t fast = runs - slow;
  if (rank <= fast)
    return fast_delay + overhead(static_cast<double>(rank) / static_cast<double>(fast));
  return slow_delay + overhead(static_cast<double>(rank - fast) / static_cast<double>(slow));
}

constexpr int kRuns = 400;
constexpr int kControlRuns = 520;  // about as long as the measured run
constexpr int kConcurrency = 4;
constexpr double kFastMs = 20, kSlowMs = 100;

// What one attempt measured, and what it should have measured.
struct Measurement {
  double p50 = 0, p95 = 0, p99 = 0;
  double want50 = 0, want95 = 0, want99 = 0;
  std::uint64_t slow = 0;
  bool slow_share_ok = false;
  bool within() const {
    return slow_share_ok && near("p50", p50, want50) && near("p95", p95, want95) &&
           near("p99", p99, want99);
  }
};

// The search step of a run of kind cold_search_email that must have passed `runs` times.
void passed_searches(const RunOutcome& outcome, int runs, const StepStats*& search) {
  const ScenarioStats& stats = outcome.registry.stats(Scenario::cold_search_email);
  EXPECT_EQ(stats.runs, static_cast<std::uint64_t>(runs));
  ASSERT_EQ(stats.failures, 0u) << describe_failures(stats);
  search = stats.step("search");
  ASSERT_NE(search, nullptr);
  EXPECT_EQ(search->runs, static_cast<std::uint64_t>(runs));
  ASSERT_EQ(search->latency.count(), static_cast<std::uint64_t>(runs));
  // No search can beat its injected delay.
  EXPECT_GE(ms(search->latency.min()), kFastMs);
}

// One attempt: the measured run against `url` and the control run against `control_url`, at
// the same time.
void measure_once(const std::string& url, const std::string& control_url, Measurement& m) {
  const std::atomic<bool> never{false};
  const std::uint64_t counted_before = gateway_counts(url).search;
  RunOutcome control_outcome;
  std::thread control_thread([&] {
    control_outcome = run_plan(
        iterations_plan(control_url, Scenario::cold_search_email, kControlRuns, kConcurrency, 17),
        never);
  });
  RunOutcome outcome =
      run_plan(iterations_plan(url, Scenario::cold_search_email, kRuns, kConcurrency, 17), never);
  control_thread.join();
  EXPECT_EQ(gateway_counts(url).search - counted_before, static_cast<std::uint64_t>(kRuns));

  const StepStats* base = nullptr;
  ASSERT_NO_FATAL_FAILURE(passed_searches(control_outcome, kControlRuns, base));
  const auto overhead = [&](double fraction) {
    return ms(base->latency.percentile(fraction)) - kFastMs;
  };
  const StepStats* search = nullptr;
  ASSERT_NO_FATAL_FAILURE(passed_searches(outcome, kRuns, search));

  // The delayed-by-100 ms searches: about a tenth. p95 and p99 lie among them only when they
  // are over 5 % of the runs, p50 among the others when they are under 50 %; a share far
  // from a tenth means the machine stalled 20 ms answers past 60 ms.
  m.slow = count_at_least(search->latency, 60ms);
  m.slow_share_ok = m.slow * 20 > kRuns && m.slow * 5 < kRuns;
  m.p50 = ms(search->latency.percentile(0.50));
  m.p95 = ms(search->latency.percentile(0.95));
  m.p99 = ms(search->latency.percentile(0.99));
  m.want50 = expected_ms(0.50, kRuns, m.slow, kFastMs, kSlowMs, overhead);
  m.want95 = expected_ms(0.95, kRuns, m.slow, kFastMs, kSlowMs, overhead);
  m.want99 = expected_ms(0.99, kRuns, m.slow, kFastMs, kSlowMs, overhead);
  std::cout << "overhead p50 " << overhead(0.5) << " ms, p90 " << overhead(0.9) << " ms, max "
            << ms(base->latency.max()) - kFastMs << " ms; slow " << m.slow << "/" << kRuns
            << "; p50 " << m.p50 << " ms (expected " << m.want50 << "), p95 " << m.p95
            << " ms (expected " << m.want95 << "), p99 " << m.p99 << " ms (expected " << m.want99
            << "); max " << ms(search->latency.max()) << " ms" << std::endl;
}

// The truth is the injected delays plus the gateway's own latency. That latency is measured at
// the same time, on a control gateway delaying every search by exactly 20 ms and loaded the
// same way (4 threads, one search per run): its latency minus 20 ms is the overhead (parsing,
// search, timer wake-up, scheduling) under the same load from the rest of the machine.
TEST(Accuracy, PercentilesMatchInjectedDelays) {
  std::unique_ptr<ChildProcess> control;
  const std::string control_url = start_gateway(control, {"--fault", "search:delay=20ms"});
  // 90 % of searches wait 20 ms, 10 % wait 20 + 80 ms (the draws are fixed by the seed).
  std::unique_ptr<ChildProcess> gateway;
  const std::string url = start_gateway(gateway, {"--fault", "search:delay=20ms", "--fault",
                                                  "search:delay=80ms@0.1", "--fault-seed", "5"});

  // The two cores are shared: bursts of other work (parallel tests, builds) stall the gateways'
  // timers by several milliseconds, and with 40 slow searches p99 is then a noisy tail. A
  // reporting error repeats; a burst does not, so a miss is measured again, for at most about
  // 30 s, before it counts.
  constexpr int kMaxAttempts = 6;
  const auto give_up_at = std::chrono::steady_clock::now() + 25s;
  Measurement m;
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    std::cout << "attempt " << attempt << ": ";
    ASSERT_NO_FATAL_FAILURE(measure_once(url, control_url, m));
    if (m.within() || std::chrono::steady_clock::now() >= give_up_at) break;
  }
  ::testing::Test::RecordProperty("p50_ms", std::to_string(m.p50));
  ::testing::Test::RecordProperty("p95_ms", std::to_string(m.p95));
  ::testing::Test::RecordProperty("p99_ms", std::to_string(m.p99));
  EXPECT_TRUE(m.slow_share_ok) << m.slow << " of " << kRuns
                               << " searches took over 60 ms, expected about a tenth";
  EXPECT_TRUE(near("p50", m.p50, m.want50));
  EXPECT_TRUE(near("p95", m.p95, m.want95));
  EXPECT_TRUE(near("p99", m.p99, m.want99));
}

// Steps that are one HTTP request each: everything but the in-process validators.
bool is_http_step(std::string_view step) { return !step.ends_with("_validate"); }

TEST(Accuracy, RequestCountsMatchTheGatewaysOwn) {
  std::unique_ptr<ChildProcess> gateway;
  const std::string url = start_gateway(gateway, {});
  const GatewayCounts before = gateway_counts(url);  // /stats does not count itself
  ASSERT_EQ(before.search, 0u);
  ASSERT_EQ(before.record, 0u);

  RunPlan plan;
  plan.gateway = url;
  plan.context = seed_context();
  plan.weights = default_weights();
  plan.stress = true;
  plan.concurrency = 8;
  plan.duration = 3s;
  plan.seed = 23;
  plan.nonce = 2;
  const std::atomic<bool> never{false};
  RunOutcome outcome = run_plan(plan, never);

  std::uint64_t http_steps = 0, search_steps = 0, record_steps = 0;
  for (Scenario s : kAllScenarios) {
    const ScenarioStats& stats = outcome.registry.stats(s);
    EXPECT_EQ(stats.steps_other, 0u) << to_string(s);
    EXPECT_EQ(stats.failures, 0u) << to_string(s) << ": " << describe_failures(stats);
    EXPECT_GT(stats.runs, 0u) << to_string(s) << " never ran in the mix";
    for (const StepStats& step : stats.steps) {
      EXPECT_EQ(step.runs, step.latency.count()) << to_string(s) << "/" << step.name;
      if (!is_http_step(step.name)) continue;
      http_steps += step.runs;
      (step.name == "playbook_record" ? record_steps : search_steps) += step.runs;
    }
  }
  const GatewayCounts after = gateway_counts(url);
  std::cout << "runs " << outcome.registry.total_runs() << ", HTTP steps " << http_steps
            << " (search " << search_steps << ", record " << record_steps
            << "); gateway counted search " << after.search << ", record " << after.record << "\n";
  ASSERT_GT(http_steps, 0u);
  EXPECT_EQ(search_steps, after.search);
  EXPECT_EQ(record_steps, after.record);
  EXPECT_EQ(http_steps, after.search + after.record);
}

}  // namespace
}  // namespace multitier::selftest
