#include "series_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace multitier::report_series {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::string unix_seconds(WallNanos at) {
  const std::int64_t ms = floor_div(at, kMilli);
  const std::int64_t seconds = floor_div(ms, 1000);
  const auto fraction = static_cast<int>(ms - seconds * 1000);
  std::string text = std::to_string(seconds);
  if (fraction == 0) return text;
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, ".%03d", fraction);
  std::string tail = buffer;
  while (tail.back() == '0') tail.pop_back();
  return text + tail;
}

std::string six(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

SeriesSpan span_of(const CaseReport& c) {
  SeriesSpan span;
  span.report = &c;
  span.series = &c.registry.series();
  const TimeSeries& series = *span.series;
  const auto& intervals = series.intervals();
  if (series.end > series.begin) {
    span.first = series.index_of(series.begin);
    span.last = series.index_of(series.end - 1);
  } else if (!intervals.empty()) {
    span.first = intervals.front().index;
    span.last = intervals.back().index;
  }
  if (!intervals.empty()) {
    span.first = std::min(span.first, intervals.front().index);
    span.last = std::max(span.last, intervals.back().index);
  }
  std::array<bool, kScenarioCount> used{};
  for (const auto& [which, weight] : c.weights) {
    if (weight > 0) used[static_cast<std::size_t>(which)] = true;
  }
  std::vector<StepKey> seen;
  span.open = c.open();
  for (const SeriesInterval& interval : intervals) {
    if (interval.planned || interval.late) span.open = true;
    span.target = span.target || std::isfinite(interval.target);
    span.cpu = span.cpu || std::isfinite(interval.gateway_cpu_percent);
    span.rss = span.rss || interval.gateway_rss_bytes > 0;
    for (std::size_t s = 0; s < kScenarioCount; ++s) {
      const ScenarioPoint& p = interval.scenarios[s];
      if (p.starts || p.completions || p.dropped) used[s] = true;
      if (p.dropped) span.open = true;
      if (p.corrected.count()) span.corrected = true;
      for (std::size_t k = 0; k < kFailureKindCount; ++k) {
        if (p.failure_kinds[k]) span.kinds[s][k] = true;
      }
    }
    for (const StepPoint& step : interval.steps) {
      used[static_cast<std::size_t>(step.scenario)] = true;
      const bool known = std::any_of(seen.begin(), seen.end(), [&](const StepKey& key) {
        return key.scenario == step.scenario && key.name == step.name;
      });
      if (!known) seen.push_back({step.scenario, step.name, step.http});
    }
  }
  for (Scenario which : kAllScenarios) {
    if (!used[static_cast<std::size_t>(which)]) continue;
    span.scenarios.push_back(which);
    for (const StepKey& key : seen) {
      if (key.scenario == which) span.steps.push_back(key);
    }
  }
  return span;
}

const StepPoint* find_step(const SeriesInterval& interval, const StepKey& key) {
  for (const StepPoint& step : interval.steps) {
    if (step.scenario == key.scenario && step.name == key.name) return &step;
  }
  return nullptr;
}

}  // namespace multitier::report_series
