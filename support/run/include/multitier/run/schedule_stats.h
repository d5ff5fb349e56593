// What the open-model executors did with their planned starts, counted per thread and merged
// after join like the rest of the registry: planned, started, dropped (per scenario), how late
// each start began, and the same per stage. No I/O.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "multitier/run/histogram.h"
#include "multitier/workload/catalogue.h"

namespace multitier {

struct StageCounts {
  std::uint64_t planned = 0;
  std::uint64_t started = 0;
  std::uint64_t dropped = 0;
  friend bool operator==(const StageCounts&, const StageCounts&) = default;
};

struct ScheduleStats {
  // A start that began more than this after its planned time counts as late.
  static constexpr Nanos kLate = std::chrono::milliseconds(1);
  static constexpr std::size_t kMaxStages = 1000;

  std::uint64_t planned = 0;                            // starts planned in the measured phase
  std::uint64_t started = 0;                            // of those, begun on a VU
  std::array<std::uint64_t, kScenarioCount> dropped{};  // by the scenario the start was to run
  std::uint64_t late = 0;                               // started more than kLate after planned
  LatencyHistogram lateness;        // actual start - planned start, every started start
  std::vector<StageCounts> stages;  // by stage index (bounded by kMaxStages)

  void count_planned(std::size_t stage);
  void count_started(std::size_t stage, Nanos lateness);
  void count_dropped(Scenario scenario, std::size_t stage);
  void merge(const ScheduleStats& other);
  std::uint64_t total_dropped() const;
  friend bool operator==(const ScheduleStats&, const ScheduleStats&) = default;

 private:
  StageCounts& stage(std::size_t index);
};

}  // namespace multitier
