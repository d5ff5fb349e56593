// How scenario starts are scheduled: the executors, named as k6 names them.
//   constant-vus          (closed model, the default) --concurrency VUs, each starting its next
//                         scenario when the last one ends;
//   ramping-vus           (closed model) the number of active VUs follows --stages;
//   constant-arrival-rate (open model) --rate starts per second on a pool of --max-vus VUs;
//   ramping-arrival-rate  (open model) the start rate follows --stages.
// In the open model every start has a planned time. A start that finds no VU free is dropped
// and counted (--when-busy drop, as k6), or waits in a bounded queue for the next free VU
// (--when-busy queue, as wrk2; beyond --max-backlog it is dropped). Latency is then measured
// twice: from the planned start ("corrected", which counts the wait) and from the actual start
// ("raw").
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "multitier/run/schedule.h"

namespace multitier {

enum class ExecutorKind { constant_vus, ramping_vus, constant_arrival_rate, ramping_arrival_rate };
enum class WhenBusy { drop, queue };

struct ExecutorSettings {
  ExecutorKind kind = ExecutorKind::constant_vus;
  std::vector<Stage> stages;  // ramping executors
  double rate = 0;            // constant-arrival-rate: starts per second
  int max_vus = 0;            // arrival-rate executors: the VU pool
  Arrivals arrivals = Arrivals::uniform;
  WhenBusy when_busy = WhenBusy::drop;
  int max_backlog = 1000;  // queued starts waiting for a VU, at most
};

std::string_view to_string(ExecutorKind kind);  // "constant-arrival-rate", ...
std::optional<ExecutorKind> executor_from_string(std::string_view name);
std::string_view to_string(Arrivals arrivals);   // "uniform" or "poisson"
std::string_view to_string(WhenBusy when_busy);  // "drop" or "queue"

// True for the arrival-rate executors.
bool open_model(ExecutorKind kind);
// True for the executors that follow --stages.
bool ramping(ExecutorKind kind);

// The curve the executor follows over its whole timeline, warm-up included: starts per second
// for the arrival-rate executors, active VUs for ramping-vus (constant-vus: --concurrency).
// `warmup_plus_duration` is the timeline of the constant executors; ramping ones last as long
// as their stages.
RateCurve executor_curve(const ExecutorSettings& executor, int concurrency,
                         std::chrono::nanoseconds warmup_plus_duration);

}  // namespace multitier
