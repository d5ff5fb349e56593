#include "multitier/run/executor.h"

#include <array>

namespace multitier {
namespace {

struct Named {
  ExecutorKind kind;
  std::string_view name;
};
constexpr std::array<Named, 4> kExecutors = {
    {{ExecutorKind::constant_vus, "constant-vus"},
     {ExecutorKind::ramping_vus, "ramping-vus"},
     {ExecutorKind::constant_arrival_rate, "constant-arrival-rate"},
     {ExecutorKind::ramping_arrival_rate, "ramping-arrival-rate"}}};

}  // namespace

std::string_view to_string(ExecutorKind kind) {
  for (const Named& e : kExecutors) {
    if (e.kind == kind) return e.name;
  }
  return "unknown";
}

std::optional<ExecutorKind> executor_from_string(std::string_view name) {
  for (const Named& e : kExecutors) {
    if (e.name == name) return e.kind;
  }
  return std::nullopt;
}

std::string_view to_string(Arrivals arrivals) {
  return arrivals == Arrivals::uniform ? "uniform" : "poisson";
}
std::string_view to_string(WhenBusy when_busy) {
  return when_busy == WhenBusy::drop ? "drop" : "queue";
}

bool open_model(ExecutorKind kind) {
  return kind == ExecutorKind::constant_arrival_rate || kind == ExecutorKind::ramping_arrival_rate;
}

bool ramping(ExecutorKind kind) {
  return kind == ExecutorKind::ramping_vus || kind == ExecutorKind::ramping_arrival_rate;
}

RateCurve executor_curve(const ExecutorSettings& executor, int concurrency,
                         std::chrono::nanoseconds warmup_plus_duration) {
  switch (executor.kind) {
    case ExecutorKind::constant_vus:
      return RateCurve::constant(concurrency, warmup_plus_duration);
    case ExecutorKind::constant_arrival_rate:
      return RateCurve::constant(executor.rate, warmup_plus_duration);
    case ExecutorKind::ramping_vus:
    case ExecutorKind::ramping_arrival_rate:
      return RateCurve(0, executor.stages);
  }
  return RateCurve(0, {});
}

}  // namespace multitier
