// The executor options (--executor, --stages, --rate, --max-vus, --arrivals, --when-busy,
// --max-backlog and the open model's thresholds), validated together.
#include <sstream>

#include "option_reader.h"

namespace multitier::detail {
namespace {

std::string format_fixed_target(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

void fill_executor(const Reader& in, Options& o) {
  ExecutorSettings& e = o.executor;
  const auto name = in.get<std::string>("executor");
  const auto kind = executor_from_string(name);
  if (!kind) {
    in.bad("executor",
           "unknown executor '" + name +
               "' (constant-vus, ramping-vus, constant-arrival-rate, ramping-arrival-rate)");
  }
  e.kind = *kind;
  if (e.kind != ExecutorKind::constant_vus) o.stress = true;
  const bool open = open_model(e.kind);
  const auto only_for = [&](const std::string& option, bool allowed, const std::string& who) {
    if (in.given(option) && !allowed)
      in.bad(option, "applies to " + who + " only, not to --executor " + name);
  };
  only_for("stages", ramping(e.kind), "the ramping executors");
  only_for("rate", e.kind == ExecutorKind::constant_arrival_rate, "constant-arrival-rate");
  for (const char* option : {"max-vus", "arrivals", "when-busy", "max-backlog", "max-dropped-rate",
                             "min-achieved-rate"}) {
    only_for(option, open, "the arrival-rate executors");
  }
  only_for("duration", !ramping(e.kind),
           "the constant executors (a ramping executor lasts as long as its stages)");
  if (ramping(e.kind)) {
    if (!in.given("stages")) in.bad("executor", name + " needs --stages, e.g. 30s:10,1m:50,30s:0");
    e.stages = parse_stages(in.get<std::string>("stages"), in.label("stages"));
    // The bounds of --max-vus and --rate hold for every stage's target too.
    const double most = e.kind == ExecutorKind::ramping_vus ? 100'000 : 1e6;
    for (const Stage& stage : e.stages) {
      if (stage.target > most) {
        in.bad("stages",
               "a target of " + format_fixed_target(stage.target) + " is over " +
                   (e.kind == ExecutorKind::ramping_vus ? "100000 VUs" : "1000000 starts/s"));
      }
    }
    Nanos total{0};
    for (const Stage& stage : e.stages) total += stage.duration;
    if (o.warmup >= total)
      in.bad("warmup", "must be shorter than the stages (" + format_duration_exact(total) + ")");
  }
  if (e.kind == ExecutorKind::constant_arrival_rate) {
    e.rate = in.get<double>("rate");
    if (!(e.rate > 0) || e.rate > 1e6)
      in.bad("rate", "constant-arrival-rate needs --rate within (0, 1000000] starts per second");
  }
  e.max_vus = in.in_range("max-vus", 0, 100'000);
  if (e.max_vus == 0) e.max_vus = o.concurrency;
  const auto arrivals = in.get<std::string>("arrivals");
  if (arrivals == "uniform")
    e.arrivals = Arrivals::uniform;
  else if (arrivals == "poisson")
    e.arrivals = Arrivals::poisson;
  else
    in.bad("arrivals", "must be uniform or poisson, not '" + arrivals + "'");
  const auto busy = in.get<std::string>("when-busy");
  if (busy == "drop")
    e.when_busy = WhenBusy::drop;
  else if (busy == "queue")
    e.when_busy = WhenBusy::queue;
  else
    in.bad("when-busy", "must be drop or queue, not '" + busy + "'");
  e.max_backlog = in.in_range("max-backlog", 0, 10'000'000);
  o.max_dropped_rate = in.get<double>("max-dropped-rate");
  if (in.given("max-dropped-rate") && !(o.max_dropped_rate >= 0 && o.max_dropped_rate <= 1)) {
    in.bad("max-dropped-rate", "must be within 0..1");
  }
  o.min_achieved_rate = in.get<double>("min-achieved-rate");
  if (in.given("min-achieved-rate") && !(o.min_achieved_rate >= 0))
    in.bad("min-achieved-rate", "must be at least 0");
}

}  // namespace multitier::detail
