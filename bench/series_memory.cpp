// multitier-series-bench: the time series' memory and recording cost for a long run, without a
// gateway. It feeds one thread's Registry (totals and series, as a loop thread does) with the
// main job's mix at a fixed request rate for a simulated duration, the results' steps and
// latencies drawn like the mix's (log-normal around the loopback figures), then prints the
// series' bytes, bytes per interval and per-record cost beside the same feed into a registry
// with the series off (the peer measured in the same run). scripts/bench-series.sh runs it.
//   multitier-series-bench [--seconds 3600] [--requests-per-s 20000] [--interval-ms 1000]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "multitier/run/registry.h"
#include "multitier/workload/catalogue.h"

namespace {

using namespace multitier;
using Clock = std::chrono::steady_clock;

// The main job's scenarios: weight, HTTP steps, validator steps (as the scenarios name them).
struct Shape {
  Scenario scenario;
  int weight;
  std::vector<const char*> http;
  std::vector<const char*> local;
};

const std::vector<Shape>& shapes() {
  static const std::vector<Shape> all = {
      {Scenario::cold_search_email, 35, {"search"}, {"email_validate"}},
      {Scenario::surge_fill_validate, 15, {"search", "playbook_record"}, {"fill_validate"}},
      {Scenario::profile_swap, 15, {"search_original", "search_swap"}, {}},
      {Scenario::repeat_cache,
       15,
       {"search_0", "search_1", "search_2", "search_3", "search_4"},
       {}},
      {Scenario::sms_validate, 10, {"search"}, {"sms_validate"}},
      {Scenario::playbook_record_replay, 10, {"cold_search", "playbook_record", "warm_search"}, {}},
  };
  return all;
}

struct Feed {
  std::mt19937_64 random{42};
  std::lognormal_distribution<double> http_ns{std::log(4e6), 0.8};   // about 4 ms
  std::lognormal_distribution<double> local_ns{std::log(3e3), 0.9};  // about 3 µs
  std::vector<int> table;                                            // scenario index by weight

  Feed() {
    for (std::size_t i = 0; i < shapes().size(); ++i) {
      for (int w = 0; w < shapes()[i].weight; ++w) table.push_back(static_cast<int>(i));
    }
  }

  // One scenario result, its requests counted into `requests`.
  ScenarioResult next(std::uint64_t& requests) {
    const Shape& shape = shapes()[static_cast<std::size_t>(table[random() % table.size()])];
    ScenarioResult r;
    r.scenario = shape.scenario;
    r.success = random() % 1000 != 0;  // one failure in a thousand
    Nanos total{0};
    for (const char* step : shape.http) {
      const Nanos latency(static_cast<std::int64_t>(http_ns(random)));
      r.steps.push_back({step, latency, {}, true});
      total += latency;
      ++requests;
    }
    for (const char* step : shape.local) {
      const Nanos latency(static_cast<std::int64_t>(local_ns(random)));
      r.steps.push_back({step, latency, {}, false});
      total += latency;
    }
    if (!r.success) {
      r.failed_at = r.steps.front().step;
      r.failure = {FailureKind::http_status, "status 500"};
      r.steps.front().failure = r.failure;
    }
    r.latency = total + Nanos(20'000);
    return r;
  }
};

struct Figures {
  double seconds_per_record = 0;
  std::uint64_t scenarios = 0;
  std::uint64_t requests = 0;
  std::size_t series_bytes = 0;
  std::size_t intervals = 0;
};

Figures run(bool series_on, double seconds, double requests_per_s, Nanos interval) {
  Registry registry;
  if (series_on) registry.series() = TimeSeries(interval);
  Feed feed;
  Figures figures;
  const WallNanos t0 = 1'800'000'000LL * 1'000'000'000LL;
  const auto total_ns = static_cast<WallNanos>(seconds * 1e9);
  // Requests arrive evenly; each result is stamped with the time its last request ends.
  const double ns_per_request = 1e9 / requests_per_s;
  double at = 0;
  const auto started = Clock::now();
  while (at < static_cast<double>(total_ns)) {
    std::uint64_t before = figures.requests;
    ScenarioResult r = feed.next(figures.requests);
    at += ns_per_request * static_cast<double>(figures.requests - before);
    const WallNanos when = t0 + static_cast<WallNanos>(at);
    registry.series().count_start(r.scenario, when);
    registry.record(r, when);
    ++figures.scenarios;
  }
  registry.series().finish();
  figures.seconds_per_record = std::chrono::duration<double>(Clock::now() - started).count() /
                               static_cast<double>(figures.scenarios);
  figures.series_bytes = registry.series().memory_bytes();
  figures.intervals = registry.series().intervals().size();
  return figures;
}

double flag(int argc, char** argv, const char* name, double fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) {
      char* end = nullptr;
      const double value = std::strtod(argv[i + 1], &end);
      if (!end || *end || !(value > 0)) {
        std::fprintf(stderr, "multitier-series-bench: %s needs a positive number, not '%s'\n", name,
                     argv[i + 1]);
        std::exit(2);
      }
      return value;
    }
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = flag(argc, argv, "--seconds", 3600);
  const double rate = flag(argc, argv, "--requests-per-s", 20000);
  const Nanos interval(static_cast<std::int64_t>(flag(argc, argv, "--interval-ms", 1000) * 1e6));
  const Figures off = run(false, seconds, rate, interval);
  const Figures on = run(true, seconds, rate, interval);
  std::printf(
      "simulated %.0f s at %.0f requests/s (%llu scenarios, %llu requests), interval %lld ms\n",
      seconds, rate, static_cast<unsigned long long>(on.scenarios),
      static_cast<unsigned long long>(on.requests),
      static_cast<long long>(interval.count() / 1'000'000));
  std::printf("%-12s %14s %12s %18s\n", "series", "ns/scenario", "intervals", "series bytes");
  std::printf("%-12s %14.1f %12s %18s\n", "off", off.seconds_per_record * 1e9, "-", "-");
  std::printf("%-12s %14.1f %12zu %18zu\n", "on", on.seconds_per_record * 1e9, on.intervals,
              on.series_bytes);
  std::printf(
      "series: %.2f MB in all, %.0f bytes per interval; recording costs %+.1f ns per "
      "scenario (%+.1f %%) in this feed\n",
      static_cast<double>(on.series_bytes) / (1024.0 * 1024.0),
      on.intervals ? static_cast<double>(on.series_bytes) / static_cast<double>(on.intervals) : 0.0,
      (on.seconds_per_record - off.seconds_per_record) * 1e9,
      100.0 * (on.seconds_per_record / off.seconds_per_record - 1.0));
  return 0;
}
