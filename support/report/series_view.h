// What the two time-series writers (csv_reporter.cpp, openmetrics_reporter.cpp) walk: one case's
// span of intervals, the scenarios and steps its series holds, which optional figures it has,
// and the text forms both print. Private to the report layer.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "multitier/report/report.h"

namespace multitier::report_series {

inline constexpr std::int64_t kSecond = 1'000'000'000;
inline constexpr std::int64_t kMilli = 1'000'000;

// Floor division, also for times before the epoch.
std::int64_t floor_div(std::int64_t a, std::int64_t b);

// Seconds since the epoch at millisecond resolution, without trailing zeros: "1764586803",
// "1764586803.1".
std::string unix_seconds(WallNanos at);

// A measured ratio, rate or gauge: six significant digits ("16.0012", "0.5", "1234.57").
std::string six(double value);

struct StepKey {
  Scenario scenario;
  std::uint16_t name;  // TimeSeries::step_names() index
  bool http;
};

// One case's series as a writer walks it.
struct SeriesSpan {
  const CaseReport* report = nullptr;
  const TimeSeries* series = nullptr;
  // The span: the measured phase's intervals, widened to any interval the series holds.
  std::int64_t first = 0;
  std::int64_t last = -1;
  std::vector<Scenario> scenarios;  // weighted or seen, kAllScenarios order
  std::vector<StepKey> steps;       // by scenario, then first seen
  // Per scenario, the failure kinds that occurred in the case.
  std::array<std::array<bool, kFailureKindCount>, kScenarioCount> kinds{};
  bool open = false;       // open-model counts apply (planned, late, dropped starts)
  bool corrected = false;  // some interval has corrected latency
  bool target = false;     // some interval has a target
  bool cpu = false;        // the gateway's CPU was sampled
  bool rss = false;        // the gateway's RSS was sampled

  bool empty() const { return last < first; }
};

SeriesSpan span_of(const CaseReport& c);

// The interval's point of `key`'s step, or nullptr.
const StepPoint* find_step(const SeriesInterval& interval, const StepKey& key);

// Calls `visit(index, interval)` for every interval of the span, in order; a missing index is
// an interval in which nothing happened.
template <class Visit>
void each_interval(const SeriesSpan& span, Visit&& visit) {
  static const SeriesInterval kNothing;
  const auto& intervals = span.series->intervals();
  auto next = intervals.begin();
  for (std::int64_t index = span.first; index <= span.last; ++index) {
    while (next != intervals.end() && next->index < index) ++next;
    visit(index, next != intervals.end() && next->index == index ? *next : kNothing);
  }
}

}  // namespace multitier::report_series
