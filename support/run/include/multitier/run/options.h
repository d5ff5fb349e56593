// The suite's options: one Boost.Program_options description, every option declared once with
// its default, its help text and its environment fallback (MULTITIER_<NAME>, dashes as
// underscores). Precedence: command line, then environment, then default.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "multitier/common/duration.h"
#include "multitier/run/executor.h"
#include "multitier/run/segment.h"
#include "multitier/workload/catalogue.h"

namespace multitier {

using Millis = std::chrono::milliseconds;

enum class ProgressMode { automatic, tty, plain, off };

// --queries: where the scenarios' queries come from (scenarios.h says how each scenario draws).
enum class QuerySource { generated, seed };
// --roster: whom drafts and fill proposals name, and what the validators check them against.
enum class RosterSource { seed, corpus };
inline std::string_view to_string(QuerySource source) {
  return source == QuerySource::generated ? "generated" : "seed";
}
inline std::string_view to_string(RosterSource source) {
  return source == RosterSource::corpus ? "corpus" : "seed";
}

struct Options {
  std::string gateway = "http://127.0.0.1:4110";
  bool gateway_given = false;    // --gateway or MULTITIER_GATEWAY was set explicitly
  std::string gateway_url_file;  // read the URL from this file when no gateway was given
  std::string corpus = "workers";
  int concurrency = 50;  // VUs (connections)
  int threads = 0;       // event-loop threads; 0: one per two cores
  Nanos duration = std::chrono::seconds(60);
  Nanos warmup{0};
  int iterations = 20;
  std::uint64_t seed = 0;  // 0: drawn from the clock; the report names the one used
  Nanos timeout = std::chrono::seconds(10);
  Nanos connect_timeout = std::chrono::seconds(2);
  std::string report_dir;  // empty: no report files
  bool stress = false;
  std::vector<std::pair<Scenario, int>> weights;  // the mix; default the seed's 35/15/15/15/10/10
  double max_failure_rate = 0.0;
  std::map<Scenario, Nanos> p99_budget;
  ProgressMode progress = ProgressMode::automatic;
  int min_results = 1;                           // a search must return at least this many results
  QuerySource queries = QuerySource::generated;  // the fixtures' generated pool, or the seed's 30
  RosterSource roster = RosterSource::seed;      // the seed's fabricated roster, or the answers
  std::string roster_file;        // --roster corpus: the corpus JSON Lines the gateway serves
  ExecutorSettings executor;      // how stress mode schedules starts
  double max_dropped_rate = -1;   // open model: fail above this dropped fraction; < 0: none
  double min_achieved_rate = -1;  // open model: fail below this starts/s; < 0: none
  Nanos interval = std::chrono::seconds(1);  // the time series' interval; 0: no series
  int gateway_pid = 0;  // the gateway's process to sample; 0: found from the port when local
  std::string chart_js = "/usr/share/javascript/chart.js/chart.min.js";  // inlined in report.html
  Segment segment;             // --segment i/n, or from an engine's index variables
  std::string segment_source;  // what named it ("--segment", "CI_NODE_INDEX", ...); empty: none
  int segments = 0;            // --segments: the total that goes with JOB_COMPLETION_INDEX
  bool allow_remote = false;   // --allow-remote: targets off this machine are allowed
  std::int64_t start_at = 0;   // --start-at / --start-delay, ns since the epoch; 0: none
  std::string start_at_text;   // as given (--start-at), or computed (--start-delay)
  std::vector<std::string> headers;         // "Name: value", sent on every request
  std::vector<std::string> secret_headers;  // names (lower case) whose values are redacted;
                                            // authorization and proxy-authorization always are
};

// Parses "cold_search_email=35,profile_swap=15"; throws std::invalid_argument naming the bad part
// (and, for an unknown scenario, listing the valid names). `flag` is how the user spelled it.
std::vector<std::pair<Scenario, int>> parse_weights(std::string_view text,
                                                    std::string_view flag = "--weights");

struct ParseOutcome {
  enum class Action { run, help, version, error } action = Action::run;
  std::string message;  // help or version text, or the error to print (exit code 2)
};

// Parses argv after GoogleTest has removed its own flags. Fills `out` on Action::run.
// `environment` is the process environment (tests pass their own). Durations use the one
// syntax of support/common/duration.h. An error names what the user wrote: the flag
// ("--duration: ...") or, for a value from the environment, the variable
// ("MULTITIER_DURATION: ..."). A word that is no option is an error. List-valued options read
// their variable as a list: MULTITIER_HEADERS holds one "Name: value" per line,
// MULTITIER_SECRET_HEADERS comma-separated names.
ParseOutcome parse_options(int argc, const char* const* argv, const char* const* environment,
                           Options& out);

// The full option reference (what --help prints).
std::string options_help();

// Resolves the gateway URL: explicit --gateway / MULTITIER_GATEWAY, else the first line of
// gateway_url_file when set and readable, else the default. Throws std::runtime_error when a
// URL file was named but cannot be read.
std::string resolve_gateway(const Options& options);

// The authority of an http:// URL, split: the host (an IPv6 host keeps its brackets) and the
// text after its ':' (empty when there is none; `colon` says whether there was one). nullopt
// when `url` is not http://, or an IPv6 host is unclosed or followed by anything but ':'.
struct HttpAuthority {
  std::string_view host;
  std::string_view port;
  bool colon = false;
};
std::optional<HttpAuthority> http_authority(std::string_view url);

// True when `url` is http://127.x.x.x, http://localhost or http://[::1] (any port, any path):
// the only targets this load tool sends traffic to.
bool is_loopback_url(std::string_view url);

// Why the suite will not send load to `url`, or empty when it will: not an http:// URL, https
// (the suite speaks plain HTTP), a malformed host or port, or a host off this machine (unless
// `allow_remote`, --allow-remote).
std::string target_problem(std::string_view url, bool allow_remote = false);

// The suite's version ("0.1.0"), from the CMake project.
std::string_view suite_version();

// The values of the secret headers among `options.headers` (the whole value, and its
// credential after an auth scheme such as "Bearer "), longest first, for redaction.
std::vector<std::string> secret_values(const Options& options);
// `text` with every occurrence of every secret replaced by "[redacted]".
std::string redact(std::string text, const std::vector<std::string>& secrets);
// options.headers as the reports show them: secret values replaced by "[redacted]".
std::vector<std::string> shown_headers(const Options& options);

}  // namespace multitier
