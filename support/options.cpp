#include "support/options.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <boost/program_options.hpp>

namespace multitier {
namespace po = boost::program_options;

namespace {

constexpr const char* kEnvPrefix = "MULTITIER_";

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

po::options_description describe() {
  po::options_description d("multitier options (each also read from MULTITIER_<NAME>, e.g. MULTITIER_GATEWAY)");
  // clang-format off
  d.add_options()
    ("help,h", "print this help and GoogleTest's, then exit")
    ("gateway", po::value<std::string>(), "gateway base URL (loopback only) [http://127.0.0.1:4110]")
    ("gateway-url-file", po::value<std::string>(), "read the gateway URL from this file when --gateway is not given (CTest's reference gateway writes one)")
    ("corpus", po::value<std::string>()->default_value("workers"), "index name searched by every scenario")
    ("concurrency", po::value<int>()->default_value(50), "workers, each one keep-alive connection running one scenario at a time (1..1024)")
    ("threads", po::value<int>()->default_value(0), "event-loop threads driving the workers; 0: one per two cores, the gateway being on the same machine (0..256)")
    ("duration", po::value<std::string>()->default_value("60s"), "stress: how long each case runs (250ms, 10s, 5m, 1h)")
    ("warmup", po::value<std::string>()->default_value("0s"), "stress: run this long first without counting samples")
    ("iterations", po::value<int>()->default_value(20), "without --stress: scenario runs per case, spread over the workers")
    ("seed", po::value<std::uint64_t>()->default_value(0), "random seed replaying a run's choices; 0 draws one (reported)")
    ("timeout", po::value<std::string>()->default_value("10s"), "per-request total timeout")
    ("connect-timeout", po::value<std::string>()->default_value("2s"), "per-request connect timeout")
    ("report-dir", po::value<std::string>()->default_value(""), "write report.txt, junit.xml and report.json here")
    ("stress", po::value<bool>()->default_value(false)->implicit_value(true), "repeat each case on --concurrency workers for --duration")
    ("weights", po::value<std::string>()->default_value(""), "mix weights, e.g. cold_search_email=35,profile_swap=15 (default: the seed's 35/15/15/15/10/10)")
    ("max-failure-rate", po::value<double>()->default_value(0.0), "a scenario fails when its failed fraction exceeds this (0..1)")
    ("p99-budget", po::value<std::string>()->default_value(""), "latency budgets, e.g. cold_search_email=20ms,repeat_cache=50ms")
    ("progress", po::value<std::string>()->default_value("auto"), "progress lines: auto, tty (every 1 s), plain (every 10 s), off")
    ("min-results", po::value<int>()->default_value(1), "a scenario's first search must return at least this many results");
  // clang-format on
  return d;
}

// Environment fallback: MULTITIER_FOO_BAR=v becomes --foo-bar=v when foo-bar is an option.
std::vector<std::string> environment_args(const po::options_description& d,
                                          const char* const* environment) {
  std::vector<std::string> args;
  for (const char* const* e = environment; e && *e; ++e) {
    std::string_view entry(*e);
    if (!entry.starts_with(kEnvPrefix)) continue;
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name(entry.substr(std::string_view(kEnvPrefix).size(), eq - std::string_view(kEnvPrefix).size()));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
      return c == '_' ? '-' : static_cast<char>(std::tolower(c));
    });
    if (name == "help" || !d.find_nothrow(name, false)) continue;
    args.push_back("--" + name + "=" + std::string(entry.substr(eq + 1)));
  }
  return args;
}

Millis duration_option(const po::variables_map& vm, const char* name) {
  auto text = vm[name].as<std::string>();
  auto d = parse_duration(text);
  if (!d) throw std::invalid_argument(std::string("--") + name + ": not a duration: '" + text + "' (try 250ms, 10s, 5m)");
  return *d;
}

// Splits "scenario=value,scenario=value" and hands each (scenario, value text) to `take`, which
// returns false for a bad value. Throws std::invalid_argument naming `flag` and the entry.
template <typename Take>
void for_each_scenario_entry(std::string_view text, std::string_view flag, std::string_view want, Take&& take) {
  std::stringstream ss{std::string(text)};
  for (std::string part; std::getline(ss, part, ',');) {
    part = trim(part);
    if (part.empty()) continue;
    auto eq = part.find('=');
    auto scenario = scenario_from_string(trim(part.substr(0, eq)));
    if (!scenario || eq == std::string::npos || !take(*scenario, trim(part.substr(eq + 1)))) {
      throw std::invalid_argument(std::string(flag) + ": bad entry '" + part + "' (want " + std::string(want) + ")");
    }
  }
}

std::map<Scenario, Millis> parse_budgets(std::string_view text) {
  std::map<Scenario, Millis> out;
  for_each_scenario_entry(text, "--p99-budget", "scenario=duration", [&](Scenario s, const std::string& v) {
    auto d = parse_duration(v);
    if (d) out[s] = *d;
    return d.has_value();
  });
  return out;
}

void fill(const po::variables_map& vm, Options& o) {
  o.gateway_given = vm.count("gateway") > 0;
  if (o.gateway_given) o.gateway = vm["gateway"].as<std::string>();
  if (vm.count("gateway-url-file")) o.gateway_url_file = vm["gateway-url-file"].as<std::string>();
  o.corpus = vm["corpus"].as<std::string>();
  o.concurrency = vm["concurrency"].as<int>();
  if (o.concurrency < 1 || o.concurrency > 1024) throw std::invalid_argument("--concurrency must be within 1..1024");
  o.threads = vm["threads"].as<int>();
  if (o.threads < 0 || o.threads > 256) throw std::invalid_argument("--threads must be within 0..256");
  o.duration = duration_option(vm, "duration");
  o.warmup = duration_option(vm, "warmup");
  o.iterations = vm["iterations"].as<int>();
  if (o.iterations < 1) throw std::invalid_argument("--iterations must be at least 1");
  o.seed = vm["seed"].as<std::uint64_t>();
  o.timeout = duration_option(vm, "timeout");
  o.connect_timeout = duration_option(vm, "connect-timeout");
  if (o.timeout.count() <= 0 || o.connect_timeout.count() <= 0) throw std::invalid_argument("timeouts must be positive");
  o.report_dir = vm["report-dir"].as<std::string>();
  o.stress = vm["stress"].as<bool>();
  auto weights = vm["weights"].as<std::string>();
  o.weights = weights.empty() ? default_weights() : parse_weights(weights);
  o.max_failure_rate = vm["max-failure-rate"].as<double>();
  if (o.max_failure_rate < 0 || o.max_failure_rate > 1) throw std::invalid_argument("--max-failure-rate must be within 0..1");
  o.p99_budget = parse_budgets(vm["p99-budget"].as<std::string>());
  auto progress = vm["progress"].as<std::string>();
  if (progress == "auto") o.progress = ProgressMode::automatic;
  else if (progress == "tty") o.progress = ProgressMode::tty;
  else if (progress == "plain") o.progress = ProgressMode::plain;
  else if (progress == "off") o.progress = ProgressMode::off;
  else throw std::invalid_argument("--progress must be auto, tty, plain or off");
  o.min_results = vm["min-results"].as<int>();
  if (o.min_results < 0) throw std::invalid_argument("--min-results must be at least 0");
}

}  // namespace

std::vector<std::pair<Scenario, int>> default_weights() {
  return {{Scenario::cold_search_email, 35}, {Scenario::surge_fill_validate, 15},
          {Scenario::profile_swap, 15},      {Scenario::repeat_cache, 15},
          {Scenario::sms_validate, 10},      {Scenario::playbook_record_replay, 10}};
}

std::optional<Millis> parse_duration(std::string_view text) {
  std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  std::size_t unit_at = t.find_first_not_of("0123456789.");
  std::string number = t.substr(0, unit_at);
  std::string unit = unit_at == std::string::npos ? "s" : t.substr(unit_at);
  double value = 0;
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (ec != std::errc() || end != number.data() + number.size() || value < 0) return std::nullopt;
  double ms_per_unit = 0;
  if (unit == "ms") ms_per_unit = 1;
  else if (unit == "s") ms_per_unit = 1000;
  else if (unit == "m") ms_per_unit = 60'000;
  else if (unit == "h") ms_per_unit = 3'600'000;
  else return std::nullopt;
  double ms = value * ms_per_unit;
  if (ms > 7.0 * 24 * 3'600'000) return std::nullopt;  // a week bounds every run
  return Millis(static_cast<Millis::rep>(ms + 0.5));
}

std::vector<std::pair<Scenario, int>> parse_weights(std::string_view text) {
  std::vector<std::pair<Scenario, int>> out;
  for_each_scenario_entry(text, "--weights", "scenario=weight, weight >= 0", [&](Scenario s, const std::string& v) {
    int weight = -1;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), weight);
    if (ec != std::errc() || end != v.data() + v.size() || weight < 0) return false;
    auto same = [&](const auto& p) { return p.first == s; };
    if (std::any_of(out.begin(), out.end(), same)) {
      throw std::invalid_argument("--weights: " + std::string(to_string(s)) + " given twice");
    }
    out.emplace_back(s, weight);
    return true;
  });
  int total = 0;
  for (const auto& [s, w] : out) total += w;
  if (total <= 0) throw std::invalid_argument("--weights: the weights must add up to more than 0");
  return out;
}

std::string options_help() {
  std::ostringstream out;
  out << describe();
  return out.str();
}

ParseOutcome parse_options(int argc, const char* const* argv, const char* const* environment,
                           Options& out) {
  auto desc = describe();
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    if (vm.count("help")) return {ParseOutcome::Action::help, options_help()};
    auto env = environment_args(desc, environment);
    po::store(po::command_line_parser(env).options(desc).run(), vm);
    po::notify(vm);
    Options parsed;
    fill(vm, parsed);
    out = std::move(parsed);
    return {};
  } catch (const std::exception& e) {
    return {ParseOutcome::Action::error,
            std::string("multitier: ") + e.what() + "\nrun with --help for the options"};
  }
}

std::string resolve_gateway(const Options& options) {
  if (options.gateway_given || options.gateway_url_file.empty()) return options.gateway;
  std::ifstream in(options.gateway_url_file);
  std::string url;
  if (!in || !std::getline(in, url) || trim(url).empty()) {
    throw std::runtime_error("cannot read a gateway URL from " + options.gateway_url_file);
  }
  return trim(url);
}

bool is_loopback_url(std::string_view url) {
  if (!url.starts_with("http://")) return false;
  url.remove_prefix(7);
  std::string_view host = url.substr(0, url.find_first_of("/?#"));
  if (host.starts_with("[")) return host.starts_with("[::1]") && (host.size() == 5 || host[5] == ':');
  host = host.substr(0, host.find(':'));
  if (host == "localhost") return true;
  // 127.0.0.0/8: four decimal octets, the first 127.
  if (!host.starts_with("127.")) return false;
  int dots = 0, digits = 0;
  for (char ch : host) {
    if (ch == '.') {
      if (digits == 0 || digits > 3) return false;
      ++dots;
      digits = 0;
    } else if (ch >= '0' && ch <= '9') {
      ++digits;
    } else {
      return false;
    }
  }
  return dots == 3 && digits > 0 && digits <= 3;
}

}  // namespace multitier
