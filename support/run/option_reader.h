// Reading the parsed options back with the user's own words: each value is named by the flag
// or the MULTITIER_* variable it came from. Private to the run layer (options.cpp and
// executor_options.cpp).
#pragma once

#include <map>
#include <stdexcept>
#include <string>

#include <boost/program_options.hpp>

#include "multitier/common/duration.h"
#include "multitier/run/options.h"

namespace multitier::detail {

namespace po = boost::program_options;

// Reads validated values out of the variables map, naming each by what the user wrote.
class Reader {
 public:
  Reader(const po::variables_map& vm, std::map<std::string, std::string> sources)
      : vm_(vm), sources_(std::move(sources)) {}

  std::string label(const std::string& name) const {
    auto it = sources_.find(name);
    return it != sources_.end() ? it->second : "--" + name;
  }
  [[noreturn]] void bad(const std::string& name, const std::string& why) const {
    throw std::invalid_argument(label(name) + ": " + why);
  }
  bool has(const std::string& name) const { return vm_.count(name) > 0; }
  // Set by the user (command line or environment), not left at its default.
  bool given(const std::string& name) const {
    return vm_.count(name) > 0 && !vm_[name].defaulted();
  }
  template <typename T>
  T get(const std::string& name) const {
    return vm_[name].as<T>();
  }
  int in_range(const std::string& name, int low, int high) const {
    const int value = get<int>(name);
    if (value < low || value > high) {
      bad(name, "must be within " + std::to_string(low) + ".." + std::to_string(high) + ", not " +
                    std::to_string(value));
    }
    return value;
  }
  Nanos duration(const std::string& name, Nanos at_least) const {
    const std::string text = get<std::string>(name);
    DurationError error;
    auto d = parse_duration(text, &error, std::chrono::hours(24 * 7));
    if (!d) bad(name, error.reason + " (try 250ms, 10s, 1m30s)");
    if (*d < at_least)
      bad(name, "must be at least " + format_duration_exact(at_least) + ", not '" + text + "'");
    return *d;
  }

 private:
  const po::variables_map& vm_;
  std::map<std::string, std::string> sources_;
};

// The executor and its settings, checked together: what one executor needs, another refuses.
void fill_executor(const Reader& in, Options& o);

}  // namespace multitier::detail
