#include "multitier/run/schedule_stats.h"

#include <algorithm>

namespace multitier {

StageCounts& ScheduleStats::stage(std::size_t index) {
  index = std::min(index, kMaxStages - 1);
  if (stages.size() <= index) stages.resize(index + 1);
  return stages[index];
}

void ScheduleStats::count_planned(std::size_t stage_index) {
  ++planned;
  ++stage(stage_index).planned;
}

void ScheduleStats::count_started(std::size_t stage_index, Nanos late_by) {
  ++started;
  ++stage(stage_index).started;
  lateness.record(late_by);
  if (late_by > kLate) ++late;
}

void ScheduleStats::count_dropped(Scenario scenario, std::size_t stage_index) {
  ++dropped[static_cast<std::size_t>(scenario)];
  ++stage(stage_index).dropped;
}

void ScheduleStats::merge(const ScheduleStats& other) {
  planned += other.planned;
  started += other.started;
  for (std::size_t i = 0; i < dropped.size(); ++i) dropped[i] += other.dropped[i];
  late += other.late;
  lateness.merge(other.lateness);
  if (stages.size() < other.stages.size()) stages.resize(other.stages.size());
  for (std::size_t i = 0; i < other.stages.size(); ++i) {
    stages[i].planned += other.stages[i].planned;
    stages[i].started += other.stages[i].started;
    stages[i].dropped += other.stages[i].dropped;
  }
}

std::uint64_t ScheduleStats::total_dropped() const {
  std::uint64_t total = 0;
  for (std::uint64_t d : dropped) total += d;
  return total;
}

}  // namespace multitier
