// parse_options as main() calls it, for the option tests: argv after the program name, and an
// environment of "NAME=value" entries.
#pragma once

#include <vector>

#include "multitier/run/options.h"

namespace multitier::unit {

struct Parsed {
  ParseOutcome outcome;
  Options options;
};

inline Parsed parse(std::vector<const char*> args, std::vector<const char*> env = {}) {
  args.insert(args.begin(), "multitier_suite");
  env.push_back(nullptr);
  Parsed p;
  p.outcome = parse_options(static_cast<int>(args.size()), args.data(), env.data(), p.options);
  return p;
}

}  // namespace multitier::unit
