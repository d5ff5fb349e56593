#include "multitier/run/registry.h"

#include <algorithm>

namespace multitier {

namespace {

// The element named `name` in a vector of StepStats or NamedCount (const or not), or nullptr.
template <class Items>
auto find_named(Items& items, std::string_view name) -> decltype(&items.front()) {
  for (auto& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

// Adds `count` under `name`, or to `other` once `cap` names are held.
void add_named(std::vector<NamedCount>& counts, std::uint64_t& other, std::size_t cap,
               std::string_view name, std::uint64_t count) {
  if (NamedCount* found = find_named(counts, name)) {
    found->count += count;
  } else if (counts.size() < cap) {
    counts.push_back({std::string(name), count});
  } else {
    other += count;
  }
}

void add_error(ScenarioStats& stats, std::string_view failed_at, FailureKind kind,
               std::string_view message, std::uint64_t count) {
  for (auto& sample : stats.errors) {
    if (sample.kind == kind && sample.failed_at == failed_at && sample.message == message) {
      sample.count += count;
      return;
    }
  }
  if (stats.errors.size() < ScenarioStats::kMaxErrorSamples) {
    stats.errors.push_back({std::string(failed_at), kind, std::string(message), count});
  } else {
    stats.errors_other += count;
  }
}

// The step named `name`, created on first sight; nullptr once kMaxSteps names are held.
StepStats* step_slot(ScenarioStats& stats, std::string_view name, bool http) {
  if (StepStats* found = find_named(stats.steps, name)) return found;
  if (stats.steps.size() >= ScenarioStats::kMaxSteps) return nullptr;
  stats.steps.emplace_back();
  stats.steps.back().name = std::string(name);
  stats.steps.back().http = http;
  return &stats.steps.back();
}

}  // namespace

const StepStats* ScenarioStats::step(std::string_view name) const {
  return find_named(steps, name);
}

std::uint64_t ScenarioStats::failed_at_count(std::string_view name) const {
  const NamedCount* entry = find_named(failed_at, name);
  return entry ? entry->count : 0;
}

const NamedCount* ScenarioStats::top_failed_at() const {
  const NamedCount* top = nullptr;
  for (const auto& entry : failed_at) {
    if (!top || entry.count > top->count) top = &entry;
  }
  return top;
}

const ErrorSample* ScenarioStats::top_error(std::string_view at) const {
  const ErrorSample* top_here = nullptr;
  const ErrorSample* top_any = nullptr;
  for (const auto& sample : errors) {
    if (!top_any || sample.count > top_any->count) top_any = &sample;
    if (sample.failed_at == at && (!top_here || sample.count > top_here->count)) {
      top_here = &sample;
    }
  }
  return top_here ? top_here : top_any;
}

void Registry::record(const ScenarioResult& result) {
  ScenarioStats& stats = scenarios_[static_cast<std::size_t>(result.scenario)];
  ++stats.runs;
  stats.latency.record(result.latency);
  for (const StepResult& step : result.steps) {
    StepStats* slot = step_slot(stats, step.step, step.http);
    if (!slot) {
      ++stats.steps_other;
      continue;
    }
    ++slot->runs;
    if (step.failure) ++slot->failures;
    slot->latency.record(step.latency);
  }
  if (!result.success) {
    ++stats.failures;
    ++stats.failure_kinds[static_cast<std::size_t>(result.failure.kind)];
    add_named(stats.failed_at, stats.failed_at_other, ScenarioStats::kMaxFailedAt, result.failed_at,
              1);
    add_error(stats, result.failed_at, result.failure.kind, result.failure.message, 1);
  }
  if (result.validator) ++stats.validator[static_cast<std::size_t>(*result.validator)];
  if (result.first_to_rest_ratio) {
    stats.ratio_sum += *result.first_to_rest_ratio;
    ++stats.ratio_count;
  }
  if (result.waited) {
    stats.corrected.record(result.latency + *result.waited);
    if (!result.steps.empty()) {
      stats.first_step.record(result.steps.front().latency);
      stats.first_step_corrected.record(result.steps.front().latency + *result.waited);
    }
  }
}

void Registry::merge(const Registry& other) {
  for (std::size_t i = 0; i < scenarios_.size(); ++i) {
    ScenarioStats& to = scenarios_[i];
    const ScenarioStats& from = other.scenarios_[i];
    to.runs += from.runs;
    to.failures += from.failures;
    for (std::size_t k = 0; k < to.failure_kinds.size(); ++k) {
      to.failure_kinds[k] += from.failure_kinds[k];
    }
    to.latency.merge(from.latency);
    to.steps_other += from.steps_other;
    for (const StepStats& step : from.steps) {
      if (StepStats* slot = step_slot(to, step.name, step.http)) {
        slot->runs += step.runs;
        slot->failures += step.failures;
        slot->latency.merge(step.latency);
      } else {
        to.steps_other += step.runs;
      }
    }
    to.failed_at_other += from.failed_at_other;
    for (const NamedCount& entry : from.failed_at) {
      add_named(to.failed_at, to.failed_at_other, ScenarioStats::kMaxFailedAt, entry.name,
                entry.count);
    }
    to.errors_other += from.errors_other;
    for (const ErrorSample& sample : from.errors) {
      add_error(to, sample.failed_at, sample.kind, sample.message, sample.count);
    }
    for (std::size_t v = 0; v < to.validator.size(); ++v) to.validator[v] += from.validator[v];
    to.ratio_sum += from.ratio_sum;
    to.ratio_count += from.ratio_count;
    to.corrected.merge(from.corrected);
    to.first_step.merge(from.first_step);
    to.first_step_corrected.merge(from.first_step_corrected);
  }
  schedule_.merge(other.schedule_);
  series_.merge(other.series_);
}

void Registry::clear() {
  for (ScenarioStats& stats : scenarios_) stats = ScenarioStats{};
  schedule_ = ScheduleStats{};
  series_ = TimeSeries(series_.interval());
}

std::uint64_t Registry::total_runs() const {
  std::uint64_t total = 0;
  for (const auto& stats : scenarios_) total += stats.runs;
  return total;
}

std::uint64_t Registry::total_failures() const {
  std::uint64_t total = 0;
  for (const auto& stats : scenarios_) total += stats.failures;
  return total;
}

LatencyHistogram Registry::total_latency() const {
  LatencyHistogram total;
  for (const auto& stats : scenarios_) total.merge(stats.latency);
  return total;
}

}  // namespace multitier
