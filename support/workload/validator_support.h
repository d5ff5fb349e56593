// Private to the workload layer's validator sources: JSON member access, outcome factories and
// ASCII character classes they share.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include <rapidjson/document.h>

#include "multitier/workload/validation.h"

namespace multitier::validator_support {

using rapidjson::Value;

inline std::string_view view(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

// The member `name` of `object`, or nullptr.
inline const Value* member(const Value& object, const char* name) {
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// The member `name` of `object` when it is a string, else nullptr.
inline const Value* string_member(const Value& object, const char* name) {
  const Value* v = member(object, name);
  return v != nullptr && v->IsString() ? v : nullptr;
}

// `s` in double quotes. Built by appending: GCC 12 at -O3 misreads "\"" + std::string(s) + "\""
// as an overlapping copy (-Wrestrict).
inline std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  out += s;
  out += '"';
  return out;
}

inline ValidationOutcome schema(std::string reason) {
  return {ValidationCategory::fail_schema, std::move(reason)};
}
inline ValidationOutcome policy(std::string reason) {
  return {ValidationCategory::fail_policy, std::move(reason)};
}
inline ValidationOutcome consistency(std::string reason) {
  return {ValidationCategory::fail_consistency, std::move(reason)};
}

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }

// Empty or only ASCII whitespace.
inline bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

}  // namespace multitier::validator_support
