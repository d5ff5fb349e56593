// Small text helpers shared across layers: ASCII whitespace trimming and lower-casing.
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace multitier {

// `s` without leading and trailing ASCII whitespace.
inline std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// `s` with ASCII letters lower-cased (header names, option names).
inline std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace multitier
