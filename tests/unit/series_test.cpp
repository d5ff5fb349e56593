// The time series: coarse sparse interval histograms, wall-clock intervals, merging of per-thread
// series, and the series a real run_plan leaves in its registry.
#include "multitier/run/series.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "multitier/run/registry.h"
#include "multitier/run/runner.h"
#include "tests/unit/scripted_server.h"
#include "tests/unit/seed_pools.h"

namespace multitier {
namespace {

using namespace std::chrono_literals;

constexpr WallNanos kSecond = 1'000'000'000;
// A wall-clock time well after the epoch: interval 1'800'000'000 starts here.
constexpr WallNanos kT0 = 1'800'000'000 * kSecond;

std::vector<Nanos> lognormal_samples(std::size_t n, unsigned seed) {
  std::mt19937_64 random(seed);
  std::lognormal_distribution<double> latency(std::log(2e6), 0.8);  // around 2 ms
  std::vector<Nanos> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(Nanos(static_cast<std::int64_t>(latency(random))));
  return out;
}

Nanos exact_percentile(std::vector<Nanos> samples, double q) {
  std::sort(samples.begin(), samples.end());
  const auto rank =
      static_cast<std::size_t>(std::clamp(std::ceil(q * static_cast<double>(samples.size())), 1.0,
                                          static_cast<double>(samples.size())));
  return samples[rank - 1];
}

ScenarioResult result(Scenario scenario, Nanos latency, bool success = true) {
  ScenarioResult r;
  r.scenario = scenario;
  r.success = success;
  r.latency = latency;
  r.steps.push_back({"search", latency - 10us, {}, true});
  r.steps.push_back({"email_validate", 5us, {}, false});
  if (!success) {
    r.failed_at = "search";
    r.failure = {FailureKind::http_status, "status 500"};
    r.steps[0].failure = r.failure;
  }
  return r;
}

TEST(IntervalHistogram, KeepsCountSumMinMaxExactAndPercentilesWithinItsBound) {
  const std::vector<Nanos> samples = lognormal_samples(20'000, 7);
  LatencyHistogram fine;
  for (Nanos s : samples) fine.record(s);
  const IntervalHistogram coarse = IntervalHistogram::from(fine);
  EXPECT_EQ(coarse.count(), fine.count());
  EXPECT_EQ(coarse.sum(), fine.sum());
  EXPECT_EQ(coarse.min(), fine.min());
  EXPECT_EQ(coarse.max(), fine.max());
  EXPECT_GT(IntervalHistogram::kMaxRelativeError, LatencyHistogram::kMaxRelativeError);
  EXPECT_LT(IntervalHistogram::kMaxRelativeError, 0.033);
  for (double q : {0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999}) {
    const double exact = static_cast<double>(exact_percentile(samples, q).count());
    const double got = static_cast<double>(coarse.percentile(q).count());
    EXPECT_LE(std::fabs(got - exact) / exact, IntervalHistogram::kMaxRelativeError)
        << "q=" << q << " exact " << exact << " got " << got;
  }
  EXPECT_EQ(coarse.percentile(0), fine.min());
  EXPECT_EQ(coarse.percentile(1), fine.max());
}

TEST(IntervalHistogram, MergingCoarseHistogramsEqualsCoarseningTheMergedOnes) {
  LatencyHistogram a, b, both;
  for (Nanos s : lognormal_samples(5'000, 1)) a.record(s), both.record(s);
  for (Nanos s : lognormal_samples(7'000, 2)) b.record(s), both.record(s);
  b.record(1ns);  // underflow
  both.record(1ns);
  b.record(90s);  // overflow
  both.record(90s);
  IntervalHistogram merged = IntervalHistogram::from(a);
  merged.merge(IntervalHistogram::from(b));
  EXPECT_EQ(merged, IntervalHistogram::from(both));
  const auto bins = merged.bins();
  ASSERT_FALSE(bins.empty());
  EXPECT_EQ(bins.front().index, -1);
  EXPECT_EQ(bins.back().index, IntervalHistogram::kBins);
  std::uint64_t total = 0;
  for (const auto& bin : bins) total += bin.count;
  EXPECT_EQ(total, both.count());
}

TEST(IntervalHistogram, RebuildsFromItsPartsAndRefusesBinsOutOfRange) {
  LatencyHistogram fine;
  for (Nanos s : lognormal_samples(3'000, 3)) fine.record(s);
  const IntervalHistogram h = IntervalHistogram::from(fine);
  const IntervalHistogram back = IntervalHistogram::from_parts(
      h.bins(), static_cast<std::uint64_t>(h.sum().count()), h.min().count(), h.max().count());
  EXPECT_EQ(back, h);
  EXPECT_THROW(IntervalHistogram::from_parts({{IntervalHistogram::kBins + 1, 1}}, 0, 0, 0),
               std::invalid_argument);
  // Edges tile the axis: each bin's upper edge is the next one's lower edge.
  EXPECT_EQ(IntervalHistogram::lower_edge_ns(-1), 0.0);
  EXPECT_DOUBLE_EQ(IntervalHistogram::lower_edge_ns(0), LatencyHistogram::kLowestNs);
  EXPECT_DOUBLE_EQ(IntervalHistogram::upper_edge_ns(IntervalHistogram::kBins - 1),
                   LatencyHistogram::kHighestNs);
  EXPECT_TRUE(std::isinf(IntervalHistogram::upper_edge_ns(IntervalHistogram::kBins)));
}

TEST(TimeSeries, IntervalsAreKeyedByWallClockAndCountWhatHappenedInThem) {
  TimeSeries series(1s);
  series.count_start(Scenario::cold_search_email, kT0 + 100'000'000);
  series.record(result(Scenario::cold_search_email, 3ms), kT0 + 400'000'000);
  series.count_start(Scenario::cold_search_email, kT0 + 900'000'000);
  series.record(result(Scenario::cold_search_email, 5ms, false), kT0 + kSecond + 1);
  series.roll(kT0 + 2 * kSecond);  // closes the second interval
  series.record(result(Scenario::profile_swap, 7ms), kT0 + 3 * kSecond + 5);
  series.finish();

  ASSERT_EQ(series.intervals().size(), 3u) << "nothing happened in the third second";
  const SeriesInterval& first = series.intervals()[0];
  EXPECT_EQ(first.index, kT0 / kSecond);
  const ScenarioPoint& cold =
      first.scenarios[static_cast<std::size_t>(Scenario::cold_search_email)];
  EXPECT_EQ(cold.starts, 2u);
  EXPECT_EQ(cold.completions, 1u);
  EXPECT_EQ(cold.failures, 0u);
  EXPECT_EQ(cold.latency.count(), 1u);
  EXPECT_EQ(cold.latency.max(), 3ms);
  EXPECT_EQ(first.busy_ns, 3'000'000u);
  ASSERT_EQ(first.steps.size(), 2u);
  EXPECT_EQ(series.step_names()[first.steps[0].name], "search");
  EXPECT_TRUE(first.steps[0].http);
  EXPECT_FALSE(first.steps[1].http);
  EXPECT_EQ(first.requests(), 1u) << "the validator step is no request";

  const SeriesInterval& second = series.intervals()[1];
  EXPECT_EQ(second.index, kT0 / kSecond + 1);
  EXPECT_EQ(second.failures(), 1u);
  EXPECT_EQ(second.scenarios[0].failure_kinds[static_cast<std::size_t>(FailureKind::http_status)],
            1u);
  EXPECT_EQ(second.request_failures(), 1u);
  EXPECT_EQ(series.intervals()[2].index, kT0 / kSecond + 3);
  EXPECT_EQ(series.find(kT0 / kSecond + 2), nullptr);
}

TEST(TimeSeries, DisabledSeriesRecordsNothing) {
  TimeSeries series;
  EXPECT_FALSE(series.enabled());
  series.record(result(Scenario::cold_search_email, 3ms), kT0);
  series.finish();
  EXPECT_TRUE(series.intervals().empty());
}

TEST(TimeSeries, CoveredSecondsClipTheFirstAndLastIntervals) {
  TimeSeries series(1s);
  series.begin = kT0 + 250'000'000;
  series.end = kT0 + 2 * kSecond + 500'000'000;
  const std::int64_t i = kT0 / kSecond;
  EXPECT_DOUBLE_EQ(series.covered_s(i), 0.75);
  EXPECT_DOUBLE_EQ(series.covered_s(i + 1), 1.0);
  EXPECT_DOUBLE_EQ(series.covered_s(i + 2), 0.5);
  EXPECT_DOUBLE_EQ(series.covered_s(i + 3), 0.0);
}

// Two threads' series, merged, equal one series that saw every event.
TEST(TimeSeries, MergedThreadSeriesEqualOneSeriesOfAllEvents) {
  TimeSeries a(500ms), b(500ms), all(500ms);
  std::mt19937_64 random(11);
  std::vector<Nanos> latencies = lognormal_samples(4'000, 5);
  WallNanos at = kT0;
  for (std::size_t i = 0; i < latencies.size(); ++i) {
    at += static_cast<WallNanos>(random() % 2'000'000);
    const Scenario scenario = i % 3 == 0 ? Scenario::repeat_cache : Scenario::cold_search_email;
    const ScenarioResult r = result(scenario, latencies[i] + 20us, i % 17 != 0);
    TimeSeries& mine = i % 2 ? a : b;
    mine.count_start(scenario, at);
    mine.record(r, at);
    all.count_start(scenario, at);
    all.record(r, at);
  }
  // b saw a step a never did: names must be mapped, not compared by id.
  ScenarioResult odd = result(Scenario::profile_swap, 9ms);
  odd.steps[0].step = "search_swap";
  b.record(odd, at);
  all.record(odd, at);
  a.finish();
  b.finish();
  all.finish();
  TimeSeries merged;
  merged.merge(a);
  merged.merge(b);
  EXPECT_EQ(merged, all);
  std::uint64_t completions = 0;
  for (const SeriesInterval& interval : merged.intervals()) completions += interval.completions();
  EXPECT_EQ(completions, latencies.size() + 1);
}

TEST(TimeSeries, RefusesToMergeDifferentIntervals) {
  TimeSeries a(1s), b(2s);
  EXPECT_THROW(a.merge(b), std::invalid_argument);
  TimeSeries off;
  EXPECT_NO_THROW(a.merge(off));
}

TEST(TimeSeries, FillLeavesNoHoleInATimeline) {
  TimeSeries series(1s);
  series.record(result(Scenario::cold_search_email, 3ms), kT0 + 2 * kSecond);
  series.finish();
  const std::int64_t i = kT0 / kSecond;
  series.fill(i, i + 4);
  ASSERT_EQ(series.intervals().size(), 5u);
  for (std::int64_t k = 0; k < 5; ++k) EXPECT_EQ(series.intervals()[k].index, i + k);
  EXPECT_EQ(series.intervals()[2].completions(), 1u);
}

// The memory of a series grows with its intervals and the bins they use, not with the number
// of results: ten times the results in the same latency bins cost about the same bytes.
TEST(TimeSeries, MemoryFollowsIntervalsNotResults) {
  auto bytes_for = [](int per_interval) {
    TimeSeries series(1s);
    const std::vector<Nanos> latencies = {1ms, 2ms, 3ms, 5ms, 8ms, 13ms, 21ms};
    for (int interval = 0; interval < 60; ++interval) {
      for (int k = 0; k < per_interval; ++k) {
        const WallNanos at = kT0 + interval * kSecond + k;
        series.record(result(Scenario::cold_search_email, latencies[k % latencies.size()]), at);
      }
    }
    series.finish();
    return series.memory_bytes();
  };
  const std::size_t few = bytes_for(70);
  const std::size_t many = bytes_for(7'000);
  EXPECT_GT(few, 60u * sizeof(SeriesInterval));
  // Counts above 127 take two or three varint bytes instead of one; nothing else grows.
  EXPECT_LT(many, few + 60u * 3 * 3 * 7 * 2) << "few " << few << " many " << many;
}

TEST(TimeSeries, RegistryRecordsIntoItsSeriesAndMergesIt) {
  Registry a, b;
  a.series() = TimeSeries(1s);
  b.series() = TimeSeries(1s);
  a.record(result(Scenario::cold_search_email, 3ms), kT0);
  b.record(result(Scenario::cold_search_email, 4ms), kT0 + 1);
  a.series().finish();
  b.series().finish();
  a.merge(b);
  ASSERT_EQ(a.series().intervals().size(), 1u);
  EXPECT_EQ(a.series().intervals()[0].completions(), 2u);
  EXPECT_EQ(a.total_runs(), 2u);
}

// A real stress run on the scripted server: the series it leaves covers the measured phase
// with no hole, its completions add up to the registry's runs, and each interval's target is
// the executor's (constant-vus: the VUs).
TEST(TimeSeries, AStressRunLeavesAContiguousSeriesThatAddsUpToItsTotals) {
  const unit::ScriptStep answer{
      unit::http_response(200, R"({"results":[{"id":"w-1","distance":0.1,"corpus":"workers"}]})")};
  unit::ScriptedServer server({answer});
  RunPlan plan;
  plan.gateway = server.url();
  plan.http.connect_timeout_ms = 1000;
  plan.http.timeout_ms = 5000;
  plan.context = unit::seed_context();
  plan.weights = {{Scenario::cold_search_email, 1}};
  plan.stress = true;
  plan.duration = 1200ms;
  plan.concurrency = 3;
  plan.threads = 2;
  plan.interval = 200ms;
  plan.gateway_pid = static_cast<int>(::getpid());  // any local process will do
  std::atomic<bool> stop{false};
  const RunOutcome outcome = run_plan(plan, stop);
  const TimeSeries& series = outcome.registry.series();
  ASSERT_TRUE(series.enabled());
  EXPECT_EQ(series.interval(), 200ms);
  ASSERT_GE(series.intervals().size(), 6u);
  EXPECT_LE(series.intervals().size(), 8u);
  std::uint64_t completions = 0, requests = 0, starts = 0;
  std::size_t sampled = 0;
  for (std::size_t i = 0; i < series.intervals().size(); ++i) {
    const SeriesInterval& interval = series.intervals()[i];
    if (i > 0) {
      EXPECT_EQ(interval.index, series.intervals()[i - 1].index + 1);
    }
    completions += interval.completions();
    requests += interval.requests();
    starts += interval.scenarios[0].starts;
    // The executor wants its 3 VUs until its timeline ends; an interval that begins after that
    // (VUs finishing their last scenario) has a target of 0.
    const bool last = i + 1 == series.intervals().size();
    if (!(last && interval.target == 0.0)) {
      EXPECT_DOUBLE_EQ(interval.target, 3.0) << i;
    }
    if (interval.gateway_rss_bytes > 0) ++sampled;
  }
  EXPECT_EQ(completions, outcome.registry.total_runs());
  EXPECT_EQ(requests, outcome.registry.stats(Scenario::cold_search_email).step("search")->runs);
  EXPECT_GE(starts, completions);
  EXPECT_LE(starts, completions + 3) << "at most one unfinished start per VU";
  EXPECT_GE(sampled, 3u) << "the named process is sampled about once per interval";
  EXPECT_GT(series.begin, 0);
  EXPECT_GT(series.end, series.begin);
}

}  // namespace
}  // namespace multitier
