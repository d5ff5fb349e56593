// multitier-result-gen: the result files of a synthetic segmented run, for
// scripts/bench-merge.sh. It feeds one registry (totals and a 1 s time series, as a loop thread
// does) with the main job's mix for a simulated run: the six scenarios at their default
// weights, their HTTP and validator steps, log-normal latencies around loopback figures, one
// failure in a thousand. That report is then written, through write_result, as the result file
// of every segment i of n (DIR/segment-i/result.json): the segments differ only in their index,
// so their merge counts exactly n times one file's figures.
//   multitier-result-gen --out DIR [--segments 100] [--seconds 600] [--scenarios-per-s 6500]
//                        [--interval-ms 1000]
// Prints one line: files, bytes of one file, scenarios and requests of one file, seconds taken.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "multitier/report/report.h"
#include "multitier/report/result_file.h"
#include "multitier/run/options.h"

namespace {

using namespace multitier;

// A step of a scenario and the median of its latency.
struct Step {
  const char* name;
  bool http;
  double median_ns;
};

// What one scenario of the mix runs (weights: default_weights()).
struct Workflow {
  Scenario scenario;
  std::vector<Step> steps;
};

// Loopback figures: a cold search about 3.5 ms, a cached one below 1 ms, a playbook write about
// 2 ms, an in-process validator a few microseconds.
const std::vector<Workflow>& workflows() {
  constexpr double kSearch = 3.5e6;
  constexpr double kCached = 0.8e6;
  constexpr double kRecord = 2e6;
  constexpr double kValidate = 4e3;
  static const std::vector<Workflow> all = {
      {Scenario::cold_search_email,
       {{"search", true, kSearch}, {"email_validate", false, kValidate}}},
      {Scenario::surge_fill_validate,
       {{"search", true, kSearch},
        {"playbook_record", true, kRecord},
        {"fill_validate", false, kValidate}}},
      {Scenario::profile_swap,
       {{"search_original", true, kSearch}, {"search_swap", true, kSearch}}},
      {Scenario::repeat_cache,
       {{"search_0", true, kSearch},
        {"search_1", true, kCached},
        {"search_2", true, kCached},
        {"search_3", true, kCached},
        {"search_4", true, kCached}}},
      {Scenario::sms_validate, {{"search", true, kSearch}, {"sms_validate", false, kValidate}}},
      {Scenario::playbook_record_replay,
       {{"cold_search", true, kSearch},
        {"playbook_record", true, kRecord},
        {"warm_search", true, kCached}}},
  };
  return all;
}

// Draws the mix's scenario results.
class Mix {
 public:
  Mix() {
    for (const auto& [scenario, weight] : default_weights()) {
      for (const Workflow& w : workflows()) {
        if (w.scenario != scenario) continue;
        for (int k = 0; k < weight; ++k) by_weight_.push_back(&w);
      }
    }
  }

  ScenarioResult next() {
    const Workflow& w = *by_weight_[random_() % by_weight_.size()];
    ScenarioResult r;
    r.scenario = w.scenario;
    r.success = random_() % 1000 != 0;
    Nanos total{25'000};  // the scenario's own work between steps
    bool validates = false;
    for (const Step& step : w.steps) {
      const double spread = step.http ? 0.45 : 0.9;
      const Nanos latency{
          static_cast<std::int64_t>(step.median_ns * std::exp(spread * normal_(random_)))};
      r.steps.push_back({step.name, latency, Failure::ok(), step.http});
      total += latency;
      validates = validates || !step.http;
    }
    if (!r.success) {
      r.failed_at = r.steps.front().step;
      r.failure = Failure{FailureKind::http_status, "status 503: gateway overloaded"};
      r.steps.front().failure = r.failure;
      r.steps.resize(1);
    } else if (validates) {
      r.validator = ValidationCategory::pass;
    }
    if (r.scenario == Scenario::repeat_cache && r.success) {
      double rest = 0;
      for (std::size_t k = 1; k < r.steps.size(); ++k)
        rest += static_cast<double>(r.steps[k].latency.count());
      r.first_to_rest_ratio = static_cast<double>(r.steps[0].latency.count()) /
                              (rest / static_cast<double>(r.steps.size() - 1));
    }
    r.latency = total;
    return r;
  }

  std::uint64_t requests(const ScenarioResult& r) const {
    std::uint64_t n = 0;
    for (const StepResult& step : r.steps) n += step.http ? 1 : 0;
    return n;
  }

 private:
  std::mt19937_64 random_{20260115};
  std::normal_distribution<double> normal_{0.0, 1.0};
  std::vector<const Workflow*> by_weight_;
};

struct Plan {
  std::filesystem::path out;
  int segments = 100;
  double seconds = 600;
  double scenarios_per_s = 6500;
  std::int64_t interval_ns = 1'000'000'000;
};

// The report of one segment of the main job's mix, split `segments` ways.
RunReport segment_report(const Plan& plan, std::uint64_t& requests) {
  constexpr WallNanos kStart = 1'800'000'000LL * 1'000'000'000LL;  // on an interval edge
  constexpr int kVus = 50;
  RunReport report;
  RunSettings& s = report.settings;
  s.gateway = "http://gateway.load.svc:4110";
  s.corpus = "workers (100000)";
  s.mode = "stress";
  s.concurrency = kVus * plan.segments;
  s.duration_s = plan.seconds;
  s.warmup_s = 1;
  s.seed = 20260115;
  s.weights = default_weights();
  s.timeout_s = 10;
  s.connect_timeout_s = 1;
  s.threads = 2;
  s.version = std::string(suite_version());
  s.queries = "generated";
  s.roster = "corpus";
  s.roster_file = "data/workers-100000.jsonl";
  s.interval_s = static_cast<double>(plan.interval_ns) / 1e9;
  s.allow_remote = true;
  s.start_at = "2027-01-15T08:00:00Z";
  s.footprint_note = "the gateway is not on this machine";
  s.segment = 1;
  s.segments = plan.segments;
  s.segment_source = "JOB_COMPLETION_INDEX";
  s.start_late_s = 0.002;
  report.thresholds.max_failure_rate = 0.01;
  report.started_at = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(Nanos{kStart}));

  CaseReport c;
  c.name = "Mix.WeightedWorkload";
  c.label = "mix";
  c.mix = true;
  c.weights = default_weights();
  c.stress = true;
  c.warmup_s = s.warmup_s;
  c.vus = kVus;
  c.threads = s.threads;
  c.segments = plan.segments;
  c.wall_s = plan.seconds;
  c.registry.series() = TimeSeries(Nanos{plan.interval_ns});
  TimeSeries& series = c.registry.series();
  Mix mix;
  const auto scenarios = static_cast<std::uint64_t>(plan.seconds * plan.scenarios_per_s);
  const double spacing_ns = 1e9 / plan.scenarios_per_s;
  for (std::uint64_t k = 0; k < scenarios; ++k) {
    const WallNanos at = kStart + static_cast<WallNanos>(static_cast<double>(k) * spacing_ns);
    const ScenarioResult r = mix.next();
    requests += mix.requests(r);
    series.count_start(r.scenario, at);
    c.registry.record(r, at);
  }
  series.finish();
  series.begin = kStart;
  series.end = kStart + static_cast<WallNanos>(plan.seconds * 1e9);
  for (SeriesInterval& interval : series.intervals()) interval.target = kVus;
  judge(c, report.thresholds, plan.seconds);
  report.cases.push_back(std::move(c));
  return report;
}

Plan parse(int argc, char** argv) {
  std::map<std::string, std::string> given;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) throw std::invalid_argument(std::string(argv[i]) + " needs a value");
    given[argv[i]] = argv[i + 1];
  }
  Plan plan;
  auto number = [&](const std::string& name, double fallback) {
    const auto found = given.find(name);
    if (found == given.end()) return fallback;
    const double value = std::stod(found->second);
    if (!(value > 0)) throw std::invalid_argument(name + " must be positive");
    given.erase(found);
    return value;
  };
  plan.segments = static_cast<int>(number("--segments", plan.segments));
  plan.seconds = number("--seconds", plan.seconds);
  plan.scenarios_per_s = number("--scenarios-per-s", plan.scenarios_per_s);
  plan.interval_ns = static_cast<std::int64_t>(number("--interval-ms", 1000) * 1e6);
  const auto out = given.find("--out");
  if (out == given.end()) throw std::invalid_argument("--out DIR is required");
  plan.out = out->second;
  given.erase(out);
  if (!given.empty()) throw std::invalid_argument("unknown option " + given.begin()->first);
  return plan;
}

}  // namespace

int main(int argc, char** argv) {
  Plan plan;
  try {
    plan = parse(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr,
                 "multitier-result-gen: %s\nusage: multitier-result-gen --out DIR [--segments N] "
                 "[--seconds S] [--scenarios-per-s R] [--interval-ms MS]\n",
                 e.what());
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  std::uint64_t requests = 0;
  RunReport report = segment_report(plan, requests);
  std::uintmax_t bytes = 0;
  for (int i = 1; i <= plan.segments; ++i) {
    report.settings.segment = i;
    const std::filesystem::path dir = plan.out / ("segment-" + std::to_string(i));
    std::filesystem::create_directories(dir);
    const std::filesystem::path file = dir / "result.json";
    std::ofstream out(file, std::ios::binary);
    write_result(report, out);
    out.close();
    if (!out) {
      std::fprintf(stderr, "multitier-result-gen: cannot write %s\n", file.c_str());
      return 1;
    }
    bytes = std::filesystem::file_size(file);
  }
  std::printf(
      "files %d bytes_per_file %ju scenarios_per_file %ju requests_per_file %ju seconds %.2f\n",
      plan.segments, bytes, static_cast<std::uintmax_t>(report.total_runs()),
      static_cast<std::uintmax_t>(requests),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  return 0;
}
