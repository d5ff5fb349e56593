#include "multitier/run/run_config.h"

#include <chrono>
#include <random>
#include <stdexcept>

#include "multitier/run/footprint.h"

namespace multitier {

HttpOptions RunConfig::http() const {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  HttpOptions http;
  http.timeout_ms = static_cast<long>(duration_cast<milliseconds>(options.timeout).count());
  http.connect_timeout_ms =
      static_cast<long>(duration_cast<milliseconds>(options.connect_timeout).count());
  http.headers = options.headers;
  return http;
}

Thresholds RunConfig::thresholds() const {
  Thresholds t;
  t.max_failure_rate = options.max_failure_rate;
  t.p99_budget = options.p99_budget;
  t.max_dropped_rate = options.max_dropped_rate;
  t.min_achieved_rate = options.min_achieved_rate;
  return t;
}

RunPlan RunConfig::plan(const std::vector<std::pair<Scenario, int>>& weights,
                        const ScenarioContext& context) const {
  RunPlan p;
  p.gateway = gateway;
  p.http = http();
  p.context = context;
  p.weights = weights;
  p.stress = options.stress;
  p.concurrency = options.concurrency;
  p.threads = options.threads;
  p.duration = options.duration;
  p.warmup = options.warmup;
  p.iterations = options.iterations;
  p.seed = seed;
  p.nonce = nonce;
  p.executor = options.executor;
  p.interval = options.interval;
  p.gateway_pid = gateway_pid;
  p.segment = options.segment;
  p.start_at = options.start_at;
  return p;
}

double RunConfig::planned_s() const {
  if (!options.stress) return 0.0;
  if (!ramping(options.executor.kind))
    return std::chrono::duration<double>(options.duration).count();
  const RateCurve curve =
      executor_curve(options.executor, options.concurrency, options.warmup + options.duration);
  return curve.duration_s() - std::chrono::duration<double>(options.warmup).count();
}

RunConfig make_run_config(Options options) {
  RunConfig config;
  try {
    config.gateway = resolve_gateway(options);
  } catch (const std::exception& e) {
    throw std::invalid_argument(e.what());
  }
  if (std::string problem = target_problem(config.gateway, options.allow_remote);
      !problem.empty()) {
    throw std::invalid_argument("gateway " + problem);
  }
  const auto now =
      static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  // Drawn once and reported, so a run without --seed can still be replayed.
  config.seed = options.seed != 0 ? options.seed : ((std::random_device{}() | 1ull) ^ now);
  if (config.seed == 0) config.seed = 1;
  config.nonce = now;
  config.secrets = secret_values(options);
  std::string why_not;
  if (auto pid = gateway_process(config.gateway, options.gateway_pid, why_not)) {
    config.gateway_pid = *pid;
  } else if (options.gateway_pid > 0) {
    throw std::invalid_argument("--gateway-pid: " + why_not);
  } else {
    config.footprint_note = why_not;
  }
  config.options = std::move(options);
  config.options.seed = config.seed;
  return config;
}

}  // namespace multitier
