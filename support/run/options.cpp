#include "multitier/run/options.h"

#include "multitier/run/start_time.h"
#include "option_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <boost/program_options.hpp>

#include "multitier/common/text.h"

#ifndef MULTITIER_VERSION
#define MULTITIER_VERSION "unknown"
#endif

namespace multitier {
using detail::fill_executor;
using detail::Reader;
namespace po = boost::program_options;

namespace {

constexpr std::string_view kEnvPrefix = "MULTITIER_";

po::options_description describe() {
  po::options_description d(
      "multitier options (each also read from MULTITIER_<NAME>, e.g. MULTITIER_GATEWAY)");
  // clang-format off
  d.add_options()
    ("help,h", "print this help and GoogleTest's, then exit")
    ("version", "print the suite's version, then exit")
    ("gateway", po::value<std::string>(), "gateway base URL (loopback only) [http://127.0.0.1:4110]")
    ("gateway-url-file", po::value<std::string>(), "read the gateway URL from this file when --gateway is not given (CTest's reference gateway writes one)")
    ("corpus", po::value<std::string>()->default_value("workers"), "index name searched by every scenario")
    ("concurrency", po::value<int>()->default_value(50), "virtual users (VUs), each one keep-alive connection running one scenario at a time (1..1024)")
    ("threads", po::value<int>()->default_value(0), "event-loop threads driving the VUs; 0: one per two cores, the gateway being on the same machine (0..256)")
    ("duration", po::value<std::string>()->default_value("60s"), "stress: how long each case runs (250ms, 10s, 1m30s, 1h; ns us ms s m h)")
    ("warmup", po::value<std::string>()->default_value("0s"), "stress: run this long first without counting samples")
    ("iterations", po::value<int>()->default_value(20), "without --stress: scenario runs per case, spread over the VUs")
    ("seed", po::value<std::uint64_t>()->default_value(0), "random seed replaying a run's choices; 0 draws one (reported)")
    ("timeout", po::value<std::string>()->default_value("10s"), "per-request total timeout (at least 1ms)")
    ("connect-timeout", po::value<std::string>()->default_value("2s"), "per-request connect timeout (at least 1ms)")
    ("report-dir", po::value<std::string>()->default_value(""), "write report.txt, junit.xml, report.json, report.html, timeseries.csv and metrics.om here (checked before any load is sent)")
    ("stress", po::value<bool>()->default_value(false)->implicit_value(true), "repeat each case on --concurrency VUs for --duration")
    ("weights", po::value<std::string>()->default_value(""), "mix weights, e.g. cold_search_email=35,profile_swap=15 (default: the seed's 35/15/15/15/10/10)")
    ("max-failure-rate", po::value<double>()->default_value(0.0), "a scenario fails when its failed fraction exceeds this (0..1)")
    ("p99-budget", po::value<std::string>()->default_value(""), "latency budgets, e.g. cold_search_email=20ms,repeat_cache=500us (exact to the ns)")
    ("progress", po::value<std::string>()->default_value("auto"), "progress lines: auto, tty (every 1 s), plain (every 10 s), off")
    ("min-results", po::value<int>()->default_value(1), "a scenario's first search must return at least this many results")
    ("queries", po::value<std::string>()->default_value("generated"), "query pool: generated (about 105,000 texts over the corpus's vocabulary, so cold searches miss the gateway's cache) or seed (the seed's 30 texts)")
    ("roster", po::value<std::string>()->default_value("seed"), "whom drafts and fill proposals name: seed (the seed's fabricated 200-worker roster) or corpus (the workers the search returned, checked against --roster-file)")
    ("roster-file", po::value<std::string>()->default_value(""), "--roster corpus: the corpus JSON Lines file the gateway serves (scripts/run.sh passes its own); ignored with --roster seed")
    ("executor", po::value<std::string>()->default_value("constant-vus"), "stress: how starts are scheduled: constant-vus, ramping-vus, constant-arrival-rate, ramping-arrival-rate (any but constant-vus implies --stress)")
    ("stages", po::value<std::string>()->default_value(""), "ramping executors: DURATION:TARGET,... e.g. 30s:10,1m:50,30s:0 (VUs, or starts/s), ramped linearly from 0")
    ("rate", po::value<double>()->default_value(0), "constant-arrival-rate: scenario starts per second")
    ("max-vus", po::value<int>()->default_value(0), "arrival-rate executors: the pool of pre-allocated VUs (0: --concurrency)")
    ("arrivals", po::value<std::string>()->default_value("uniform"), "arrival-rate executors: uniform or poisson (seeded by --seed)")
    ("when-busy", po::value<std::string>()->default_value("drop"), "arrival-rate executors, a start that finds no VU free: drop (counted) or queue (up to --max-backlog)")
    ("max-backlog", po::value<int>()->default_value(1000), "--when-busy queue: starts that may wait for a VU; more are dropped")
    ("max-dropped-rate", po::value<double>()->default_value(-1), "arrival-rate executors: a case fails when dropped/planned starts exceed this (0..1; default: no limit)")
    ("min-achieved-rate", po::value<double>()->default_value(-1), "arrival-rate executors: a case fails when its achieved starts/s is below this (default: no limit)")
    ("interval", po::value<std::string>()->default_value("1s"), "the time series' interval (timeseries.csv, metrics.om, report.html, the progress line): 100ms..1h, or 0 for no series")
    ("gateway-pid", po::value<int>()->default_value(0), "the gateway's process, sampled for CPU and RSS each interval; 0: the process listening on the gateway's loopback port, when this user can see it")
    ("chart-js", po::value<std::string>()->default_value("/usr/share/javascript/chart.js/chart.min.js"), "the Chart.js file (Debian's libjs-chart.js) inlined into report.html; when absent the report says so and keeps its tables")
    ("segment", po::value<std::string>()->default_value(""), "run the i-th of n disjoint shares of the load, 1-based (2/3): VUs dealt v mod n (50 in 3: 17/17/16), arrival rates and stage targets divided by n; multitier-merge joins the segments' result.json. When absent: JOB_COMPLETION_INDEX (0-based, with --segments) or CI_NODE_INDEX/CI_NODE_TOTAL")
    ("segments", po::value<int>()->default_value(0), "the number of segments that goes with Kubernetes' JOB_COMPLETION_INDEX (the Indexed Job's completions)")
    ("allow-remote", po::value<bool>()->default_value(false)->implicit_value(true), "allow a gateway off this machine (a Kubernetes Service, another host); without it only loopback targets are loaded. The reports state it")
    ("start-at", po::value<std::string>()->default_value(""), "begin the first case at this RFC 3339 time (2026-12-01T12:00:00Z), so segments on several machines start together; a segment that starts late says so")
    ("start-delay", po::value<std::string>()->default_value("0s"), "begin the first case this long after the suite starts (instead of --start-at)")
    ("header", po::value<std::vector<std::string>>()->composing(), "'Name: value' sent on every request, the probe included; repeatable (MULTITIER_HEADERS: one per line)")
    ("secret-header", po::value<std::vector<std::string>>()->composing(), "a header name whose value is redacted in every report and log line (Authorization and Proxy-Authorization always are); repeatable (MULTITIER_SECRET_HEADERS: comma-separated)");
  // clang-format on
  return d;
}

// Options whose environment variable holds a list, split into one argument per item.
struct ListVariable {
  std::string_view variable;  // after MULTITIER_
  std::string_view option;
  char separator;
};
constexpr ListVariable kListVariables[] = {{"HEADERS", "header", '\n'},
                                           {"SECRET_HEADERS", "secret-header", ','}};

// One environment entry turned into command-line arguments, and the variable it came from.
struct EnvArgument {
  std::string variable;
  std::string option;
  std::vector<std::string> args;
};

std::vector<EnvArgument> environment_args(const po::options_description& d,
                                          const char* const* environment) {
  std::vector<EnvArgument> out;
  for (const char* const* e = environment; e && *e; ++e) {
    std::string_view entry(*e);
    if (!entry.starts_with(kEnvPrefix)) continue;
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view variable = entry.substr(0, eq);
    const std::string_view suffix = variable.substr(kEnvPrefix.size());
    const std::string_view value = entry.substr(eq + 1);
    EnvArgument argument{std::string(variable), {}, {}};
    for (const ListVariable& list : kListVariables) {
      if (suffix != list.variable) continue;
      argument.option = list.option;
      std::stringstream items{std::string(value)};
      for (std::string item; std::getline(items, item, list.separator);) {
        if (!trim(item).empty()) argument.args.push_back("--" + argument.option + "=" + trim(item));
      }
    }
    if (argument.option.empty()) {
      std::string name(suffix);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
        return c == '_' ? '-' : static_cast<char>(std::tolower(c));
      });
      const bool list_option = name == "header" || name == "secret-header";  // read as lists above
      if (name == "help" || name == "version" || list_option || !d.find_nothrow(name, false))
        continue;
      argument.option = name;
      argument.args.push_back("--" + name + "=" + std::string(value));
    }
    out.push_back(std::move(argument));
  }
  return out;
}

// Splits "scenario=value,scenario=value" and hands each (scenario, value text) to `take`, which
// returns false for a bad value. Throws std::invalid_argument naming `flag` and the entry.
template <typename Take>
void for_each_scenario_entry(std::string_view text, std::string_view flag, std::string_view want,
                             Take&& take) {
  std::stringstream ss{std::string(text)};
  for (std::string part; std::getline(ss, part, ',');) {
    part = trim(part);
    if (part.empty()) continue;
    auto eq = part.find('=');
    const std::string name = trim(part.substr(0, eq));
    auto scenario = scenario_from_string(name);
    if (!scenario) {
      std::string names;
      for (Scenario s : kAllScenarios)
        names += (names.empty() ? "" : ", ") + std::string(to_string(s));
      throw std::invalid_argument(std::string(flag) + ": unknown scenario '" + name + "' in '" +
                                  part + "' (scenarios: " + names + ")");
    }
    if (eq == std::string::npos || !take(*scenario, trim(part.substr(eq + 1)))) {
      throw std::invalid_argument(std::string(flag) + ": bad entry '" + part + "' (want " +
                                  std::string(want) + ")");
    }
  }
}

std::map<Scenario, Nanos> parse_budgets(std::string_view text, std::string_view flag) {
  std::map<Scenario, Nanos> out;
  for_each_scenario_entry(text, flag, "scenario=duration, e.g. cold_search_email=20ms",
                          [&](Scenario s, const std::string& v) {
                            auto d = parse_duration(v);
                            if (d) out[s] = *d;
                            return d.has_value() && d->count() > 0;
                          });
  return out;
}

// RFC 9110 token characters, the only ones a header name may hold.
bool is_token(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
  });
}

std::vector<std::string> parse_headers(const Reader& in) {
  std::vector<std::string> out;
  if (!in.has("header")) return out;
  for (const std::string& raw : in.get<std::vector<std::string>>("header")) {
    const auto colon = raw.find(':');
    const std::string name = trim(raw.substr(0, colon));
    if (colon == std::string::npos || !is_token(name) || name != raw.substr(0, colon)) {
      in.bad("header", "not 'Name: value': '" + raw.substr(0, raw.find(':')) +
                           "...' (the name is a token, then a colon)");
    }
    const std::string value = trim(raw.substr(colon + 1));
    if (value.find_first_of("\r\n") != std::string::npos || value.find('\0') != std::string::npos) {
      in.bad("header", "the value of " + name + " holds a line break");
    }
    out.push_back(name + ": " + value);
  }
  return out;
}

void fill_distributed(const Reader& in, Options& o) {
  if (in.given("segment")) {
    std::string error;
    auto segment = parse_segment(in.get<std::string>("segment"), error);
    if (!segment) in.bad("segment", error);
    o.segment = *segment;
    o.segment_source = in.label("segment");
  }
  o.segments = in.in_range("segments", 0, 1000);
  const std::string at = in.get<std::string>("start-at");
  const Nanos delay = in.duration("start-delay", Nanos(0));
  if (!at.empty() && delay.count() > 0)
    in.bad("start-delay", "give --start-at or --start-delay, not both");
  const auto now =
      std::chrono::duration_cast<Nanos>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  if (!at.empty()) {
    std::string error;
    auto when = parse_rfc3339(at, error);
    if (!when) in.bad("start-at", error);
    if (*when - now > std::chrono::duration_cast<Nanos>(std::chrono::hours(24)).count()) {
      in.bad("start-at",
             "'" + at + "' is more than 24 h away; the suite waits for it, so it refuses");
    }
    o.start_at = *when;
    o.start_at_text = at;
  } else if (delay.count() > 0) {
    if (delay > std::chrono::hours(24)) in.bad("start-delay", "must be at most 24h");
    o.start_at = now + delay.count();
    o.start_at_text = format_rfc3339(o.start_at);
  }
}

void fill(const Reader& in, Options& o) {
  o.allow_remote = in.get<bool>("allow-remote");
  o.gateway_given = in.has("gateway");
  if (o.gateway_given) o.gateway = in.get<std::string>("gateway");
  if (in.has("gateway-url-file")) o.gateway_url_file = in.get<std::string>("gateway-url-file");
  if (o.gateway_given) {
    if (std::string problem = target_problem(o.gateway, o.allow_remote); !problem.empty())
      in.bad("gateway", problem);
  }
  fill_distributed(in, o);
  o.corpus = in.get<std::string>("corpus");
  if (o.corpus.empty()) in.bad("corpus", "must name an index");
  o.concurrency = in.in_range("concurrency", 1, 1024);
  o.threads = in.in_range("threads", 0, 256);
  o.duration = in.duration("duration", Nanos(1));
  o.warmup = in.duration("warmup", Nanos(0));
  o.iterations = in.in_range("iterations", 1, 100'000'000);
  o.seed = in.get<std::uint64_t>("seed");
  // curl counts timeouts in whole milliseconds.
  o.timeout = in.duration("timeout", std::chrono::milliseconds(1));
  o.connect_timeout = in.duration("connect-timeout", std::chrono::milliseconds(1));
  o.report_dir = in.get<std::string>("report-dir");
  o.stress = in.get<bool>("stress");
  const auto weights = in.get<std::string>("weights");
  o.weights = weights.empty() ? default_weights() : parse_weights(weights, in.label("weights"));
  o.max_failure_rate = in.get<double>("max-failure-rate");
  if (!(o.max_failure_rate >= 0 && o.max_failure_rate <= 1))
    in.bad("max-failure-rate", "must be within 0..1");
  o.p99_budget = parse_budgets(in.get<std::string>("p99-budget"), in.label("p99-budget"));
  const auto progress = in.get<std::string>("progress");
  if (progress == "auto")
    o.progress = ProgressMode::automatic;
  else if (progress == "tty")
    o.progress = ProgressMode::tty;
  else if (progress == "plain")
    o.progress = ProgressMode::plain;
  else if (progress == "off")
    o.progress = ProgressMode::off;
  else
    in.bad("progress", "must be auto, tty, plain or off, not '" + progress + "'");
  o.min_results = in.in_range("min-results", 0, 1000);
  const auto queries = in.get<std::string>("queries");
  if (queries == "generated")
    o.queries = QuerySource::generated;
  else if (queries == "seed")
    o.queries = QuerySource::seed;
  else
    in.bad("queries", "must be generated or seed, not '" + queries + "'");
  const auto roster = in.get<std::string>("roster");
  if (roster == "seed")
    o.roster = RosterSource::seed;
  else if (roster == "corpus")
    o.roster = RosterSource::corpus;
  else
    in.bad("roster", "must be seed or corpus, not '" + roster + "'");
  o.roster_file = in.get<std::string>("roster-file");
  if (o.roster == RosterSource::corpus) {
    // Only opened here; a malformed line is reported when the suite loads it, before any load.
    if (o.roster_file.empty())
      in.bad("roster", "corpus needs --roster-file PATH, the corpus JSON Lines the gateway serves");
    if (!std::ifstream(o.roster_file)) in.bad("roster-file", "cannot read '" + o.roster_file + "'");
  }
  fill_executor(in, o);
  const std::string interval = in.get<std::string>("interval");
  if (interval != "0") {
    o.interval = in.duration("interval", std::chrono::milliseconds(100));
    if (o.interval > std::chrono::hours(1))
      in.bad("interval", "must be at most 1h, not '" + interval + "'");
    if (o.interval.count() % 1'000'000 != 0)
      in.bad("interval", "must be whole milliseconds, not '" + interval + "'");
  } else {
    o.interval = Nanos(0);
  }
  o.gateway_pid = in.in_range("gateway-pid", 0, std::numeric_limits<int>::max());
  o.chart_js = in.get<std::string>("chart-js");
  o.headers = parse_headers(in);
  if (in.has("secret-header")) {
    for (const std::string& name : in.get<std::vector<std::string>>("secret-header")) {
      if (!is_token(trim(name))) in.bad("secret-header", "not a header name: '" + name + "'");
      o.secret_headers.push_back(lower(trim(name)));
    }
  }
}

}  // namespace

std::vector<std::pair<Scenario, int>> parse_weights(std::string_view text, std::string_view flag) {
  std::vector<std::pair<Scenario, int>> out;
  for_each_scenario_entry(
      text, flag, "scenario=weight, weight >= 0", [&](Scenario s, const std::string& v) {
        int weight = -1;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), weight);
        if (ec != std::errc() || end != v.data() + v.size() || weight < 0) return false;
        auto same = [&](const auto& p) { return p.first == s; };
        if (std::any_of(out.begin(), out.end(), same)) {
          throw std::invalid_argument(std::string(flag) + ": " + std::string(to_string(s)) +
                                      " given twice");
        }
        out.emplace_back(s, weight);
        return true;
      });
  int total = 0;
  for (const auto& [s, w] : out) total += w;
  if (total <= 0)
    throw std::invalid_argument(std::string(flag) + ": the weights must add up to more than 0");
  return out;
}

std::string options_help() {
  std::ostringstream out;
  out << describe();
  return out.str();
}

std::string_view suite_version() { return MULTITIER_VERSION; }

ParseOutcome parse_options(int argc, const char* const* argv, const char* const* environment,
                           Options& out) {
  auto desc = describe();
  try {
    po::variables_map vm;
    const auto parsed = po::command_line_parser(argc, argv).options(desc).run();
    // Words that are no option (a stray "60s", a misspelt flag without dashes) are errors, not
    // silently ignored.
    const auto strays = po::collect_unrecognized(parsed.options, po::include_positional);
    if (!strays.empty()) {
      throw std::invalid_argument("unexpected argument '" + strays.front() +
                                  "' (options start with --)");
    }
    po::store(parsed, vm);
    if (vm.count("help")) return {ParseOutcome::Action::help, options_help()};
    if (vm.count("version"))
      return {ParseOutcome::Action::version, "multitier " + std::string(suite_version())};
    std::map<std::string, std::string> sources;
    for (const EnvArgument& env : environment_args(desc, environment)) {
      if (vm.count(env.option) && !vm[env.option].defaulted()) continue;  // the command line wins
      try {
        po::store(po::command_line_parser(env.args).options(desc).run(), vm);
      } catch (const std::exception& e) {
        throw std::invalid_argument(env.variable + ": " + e.what());
      }
      sources[env.option] = env.variable;
    }
    po::notify(vm);
    Options options;
    fill(Reader(vm, std::move(sources)), options);
    // The engines' own index variables, when no segment was named.
    if (options.segment_source.empty()) {
      options.segment =
          segment_from_environment(environment, options.segments, options.segment_source);
    }
    out = std::move(options);
    return {};
  } catch (const std::exception& e) {
    return {ParseOutcome::Action::error,
            std::string("multitier: ") + e.what() + "\nrun with --help for the options"};
  }
}

}  // namespace multitier
