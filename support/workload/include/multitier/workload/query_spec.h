// One staffing demand from the query pool: the input a scenario turns into searches.
#pragma once

#include <string>

namespace multitier {

struct QuerySpec {
  std::string text;  // "Need 3 Loaders in Aurora IL for Parallel Machining"
  std::string role;
  std::string city;
  std::string state;
  std::string client;
  int count = 1;
};

}  // namespace multitier
