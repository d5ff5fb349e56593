// The suite's options: one Boost.Program_options description, every option declared once with
// its default, its help text and its environment fallback (MULTITIER_<NAME>, dashes as
// underscores). Precedence: command line, then environment, then default.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "support/scenario_result.h"

namespace multitier {

using Millis = std::chrono::milliseconds;

enum class ProgressMode { automatic, tty, plain, off };

struct Options {
  std::string gateway = "http://127.0.0.1:4110";
  bool gateway_given = false;       // --gateway or MULTITIER_GATEWAY was set explicitly
  std::string gateway_url_file;     // read the URL from this file when no gateway was given
  std::string corpus = "workers";
  int concurrency = 50;              // workers (connections)
  int threads = 0;                  // event-loop threads; 0: one per two cores
  Millis duration{60'000};
  Millis warmup{0};
  int iterations = 20;
  std::uint64_t seed = 0;           // 0: drawn from the clock; the report names the one used
  Millis timeout{10'000};
  Millis connect_timeout{2'000};
  std::string report_dir;           // empty: no report files
  bool stress = false;
  std::vector<std::pair<Scenario, int>> weights;  // the mix; default the seed's 35/15/15/15/10/10
  double max_failure_rate = 0.0;
  std::map<Scenario, Millis> p99_budget;
  ProgressMode progress = ProgressMode::automatic;
  int min_results = 1;              // a search must return at least this many results
};

// The seed's weights, in the seed's order.
std::vector<std::pair<Scenario, int>> default_weights();

// Parses "250ms", "10s", "5m", "1h", "1.5s" (a bare number is seconds). nullopt when malformed.
std::optional<Millis> parse_duration(std::string_view text);
// Parses "cold_search_email=35,profile_swap=15"; throws std::invalid_argument naming the bad part.
std::vector<std::pair<Scenario, int>> parse_weights(std::string_view text);

struct ParseOutcome {
  enum class Action { run, help, error } action = Action::run;
  std::string message;  // help text, or the error to print (exit code 2)
};

// Parses argv after GoogleTest has removed its own flags. Fills `out` on Action::run.
// `environment` is the process environment (tests pass their own).
ParseOutcome parse_options(int argc, const char* const* argv, const char* const* environment,
                           Options& out);

// The full option reference (what --help prints).
std::string options_help();

// Resolves the gateway URL: explicit --gateway / MULTITIER_GATEWAY, else the first line of
// gateway_url_file when set and readable, else the default. Throws std::runtime_error when a
// URL file was named but cannot be read.
std::string resolve_gateway(const Options& options);

// True when `url` is http://127.x.x.x, http://localhost or http://[::1] (any port, any path):
// the only targets this load tool sends traffic to.
bool is_loopback_url(std::string_view url);

}  // namespace multitier
