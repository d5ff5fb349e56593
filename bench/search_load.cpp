// multitier-search-load: one fixed search request, driven on N keep-alive connections for a
// fixed time with the harness's own client stack, to compare its cost per request with wrk and
// hey (scripts/bench-efficiency.sh). Prints one line of key=value figures, then a summary.
#include <sys/resource.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

#include <boost/program_options.hpp>

#include "bench/load.h"
#include "multitier/run/options.h"
#include "multitier/run/runner.h"

namespace {

namespace po = boost::program_options;
using namespace multitier;
using namespace multitier::bench;

struct Cli {
  LoadPlan plan;
  std::string engine;
  bool print_body = false;
};

po::options_description describe() {
  po::options_description d(
      "multitier-search-load options (each also read from MULTITIER_BENCH_<NAME>)");
  // clang-format off
  d.add_options()
    ("help,h", "print this help and exit")
    ("gateway", po::value<std::string>()->default_value("http://127.0.0.1:4110"), "gateway base URL (loopback only)")
    ("gateway-url-file", po::value<std::string>(), "read the gateway URL from this file (scripts/gateway-ctl.sh writes one)")
    ("connections,c", po::value<int>()->default_value(50), "keep-alive connections (1..1024)")
    ("duration,d", po::value<std::string>()->default_value("10s"), "how long to drive them (250ms, 10s, 1m)")
    ("engine", po::value<std::string>()->default_value("loop"), "loop: the suite's event loops (coroutines on a curl multi handle per thread); threads: one blocking thread per connection (the earlier design)")
    ("threads,t", po::value<int>()->default_value(0), "event-loop threads for --engine loop; 0: the suite's default (one per two cores)")
    ("corpus", po::value<std::string>()->default_value("workers"), "index searched")
    ("query", po::value<std::string>()->default_value("Need 3 Loaders in Aurora IL for Parallel Machining"), "query_text")
    ("role", po::value<std::string>()->default_value("Loaders"), "query_role (empty: omitted)")
    ("k", po::value<int>()->default_value(3), "k and per_corpus_k")
    ("timeout", po::value<std::string>()->default_value("10s"), "per-request total timeout")
    ("print-body", po::bool_switch(), "print the request body the load sends, then exit");
  // clang-format on
  return d;
}

std::chrono::milliseconds duration_of(const po::variables_map& vm, const char* name) {
  auto d = parse_duration(vm[name].as<std::string>());
  if (!d || *d < std::chrono::milliseconds(1)) {
    throw std::invalid_argument(std::string("--") + name + ": not a duration of at least 1ms");
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

std::string gateway_url(const po::variables_map& vm) {
  std::string url = vm["gateway"].as<std::string>();
  if (vm.count("gateway-url-file") && vm["gateway"].defaulted()) {
    std::ifstream in(vm["gateway-url-file"].as<std::string>());
    if (!(in >> url)) throw std::invalid_argument("--gateway-url-file: cannot read a URL from it");
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Exit code when the command line is bad or asks for help; nullopt to go on.
std::optional<int> parse(int argc, char** argv, Cli& cli) {
  const auto d = describe();
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, d), vm);
    po::store(po::parse_environment(
                  d,
                  [&d](const std::string& env) -> std::string {
                    const std::string prefix = "MULTITIER_BENCH_";
                    if (env.rfind(prefix, 0) != 0) return {};
                    std::string name = env.substr(prefix.size());
                    for (char& c : name)
                      c = c == '_' ? '-'
                                   : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                    return name != "help" && d.find_nothrow(name, false) ? name : std::string();
                  }),
              vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << d << "\n";
      return 0;
    }
    LoadPlan& p = cli.plan;
    p.base_url = gateway_url(vm);
    p.connections = vm["connections"].as<int>();
    if (p.connections < 1 || p.connections > 1024)
      throw std::invalid_argument("--connections must be within 1..1024");
    p.duration = duration_of(vm, "duration");
    p.http.timeout_ms = duration_of(vm, "timeout").count();
    p.request.query_text = vm["query"].as<std::string>();
    p.request.query_role = vm["role"].as<std::string>();
    p.request.corpora = {vm["corpus"].as<std::string>()};
    p.request.k = p.request.per_corpus_k = vm["k"].as<int>();
    cli.engine = vm["engine"].as<std::string>();
    if (cli.engine != "threads" && cli.engine != "loop")
      throw std::invalid_argument("--engine must be loop or threads");
    p.threads = vm["threads"].as<int>();
    if (p.threads < 0 || p.threads > 256)
      throw std::invalid_argument("--threads must be within 0..256");
    if (p.threads == 0) p.threads = default_loop_threads();
    cli.print_body = vm["print-body"].as<bool>();
  } catch (const std::exception& e) {
    std::cerr << "multitier-search-load: " << e.what() << "\n";
    return 2;
  }
  return std::nullopt;
}

double cpu_seconds(const rusage& u) {
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void print(const Cli& cli, const LoadResult& r, double cpu_s) {
  const double ms = 1e-6;
  const double per_request_us = r.requests ? cpu_s * 1e6 / static_cast<double>(r.requests) : 0.0;
  const double rps = r.wall_s > 0 ? static_cast<double>(r.requests) / r.wall_s : 0.0;
  std::printf(
      "engine=%s threads=%d connections=%d wall_s=%.3f requests=%llu failures=%llu rps=%.1f "
      "p50_ms=%.3f "
      "p99_ms=%.3f cpu_s=%.3f cpu_us_per_request=%.1f\n",
      cli.engine.c_str(), cli.engine == "loop" ? cli.plan.threads : cli.plan.connections,
      cli.plan.connections, r.wall_s, static_cast<unsigned long long>(r.requests),
      static_cast<unsigned long long>(r.failures), rps,
      static_cast<double>(r.latency.percentile(0.50).count()) * ms,
      static_cast<double>(r.latency.percentile(0.99).count()) * ms, cpu_s, per_request_us);
  std::printf(
      "  %llu requests in %.2f s, %.1f req/s, p50 %.3f ms, p99 %.3f ms, own CPU %.1f us/request\n",
      static_cast<unsigned long long>(r.requests), r.wall_s, rps,
      static_cast<double>(r.latency.percentile(0.50).count()) * ms,
      static_cast<double>(r.latency.percentile(0.99).count()) * ms, per_request_us);
  if (r.failures > 0) {
    std::printf("  %llu failures:", static_cast<unsigned long long>(r.failures));
    for (std::size_t i = 0; i < r.failure_kinds.size(); ++i) {
      if (r.failure_kinds[i] > 0) {
        std::printf(" %s=%llu", std::string(to_string(static_cast<FailureKind>(i))).c_str(),
                    static_cast<unsigned long long>(r.failure_kinds[i]));
      }
    }
    std::printf("; first: %s\n", r.first_failure.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  Cli cli;
  if (auto exit_code = parse(argc, argv, cli)) return *exit_code;
  if (cli.print_body) {
    std::cout << to_json(cli.plan.request) << "\n";
    return 0;
  }
  try {
    rusage before{}, after{};
    getrusage(RUSAGE_SELF, &before);
    LoadResult result = cli.engine == "loop" ? run_loops(cli.plan) : run_threads(cli.plan);
    getrusage(RUSAGE_SELF, &after);
    print(cli, result, cpu_seconds(after) - cpu_seconds(before));
    return result.requests > 0 && result.failures == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "multitier-search-load: " << e.what() << "\n";
    return 1;
  }
}
