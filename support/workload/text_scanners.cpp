#include "multitier/workload/text_scanners.h"

#include <algorithm>
#include <cstddef>

#include "validator_support.h"

namespace multitier {

using namespace validator_support;

namespace {

bool is_phone_separator(char c) { return c == '-' || c == '.' || c == ' '; }

std::size_t digit_run(std::string_view s, std::size_t i) {
  std::size_t n = 0;
  while (i + n < s.size() && is_digit(s[i + n])) ++n;
  return n;
}

// Consumes exactly `count` digits at `i`.
bool take_digits(std::string_view s, std::size_t& i, std::size_t count) {
  for (std::size_t k = 0; k < count; ++k, ++i) {
    if (i >= s.size() || !is_digit(s[i])) return false;
  }
  return true;
}

void skip_separator(std::string_view s, std::size_t& i) {
  if (i < s.size() && is_phone_separator(s[i])) ++i;
}

bool is_e164(std::string_view s) {
  if (s.size() < 2 || s[0] != '+' || s[1] == '0') return false;
  const std::size_t digits = digit_run(s, 1);
  return digits == s.size() - 1 && digits >= 7 && digits <= 15;
}

// A ten-digit US number without country prefix: area code, exchange, line.
bool is_us_local(std::string_view s) {
  std::size_t i = 0;
  if (!s.empty() && s[0] == '(') {
    ++i;
    if (!take_digits(s, i, 3) || i >= s.size() || s[i] != ')') return false;
    ++i;
    if (i < s.size() && (s[i] == ' ' || s[i] == '-')) ++i;
  } else {
    if (!take_digits(s, i, 3)) return false;
    skip_separator(s, i);
  }
  if (!take_digits(s, i, 3)) return false;
  skip_separator(s, i);
  return take_digits(s, i, 4) && i == s.size();
}

bool is_domain(std::string_view domain) {
  std::size_t labels = 0;
  std::string_view last;
  while (true) {
    const auto dot = domain.find('.');
    const std::string_view label = domain.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    if (!std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; })) {
      return false;
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    domain.remove_prefix(dot + 1);
  }
  return labels >= 2 && last.size() >= 2 && std::all_of(last.begin(), last.end(), is_alpha);
}

}  // namespace

bool contains_ssn_pattern(std::string_view text) {
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    // Only the start of a digit run can start a match; skip the rest of the run.
    if (!is_digit(text[i])) continue;
    const std::size_t area = digit_run(text, i);
    const std::size_t start = i;
    i += area - 1;
    if (area != 3 || start + 3 >= n) continue;
    const char sep = text[start + 3];
    if (sep != '-' && sep != ' ') continue;
    if (digit_run(text, start + 4) != 2 || start + 6 >= n || text[start + 6] != sep) continue;
    if (digit_run(text, start + 7) != 4) continue;
    const std::size_t end = start + 11;
    const bool chained_before =
        start > 0 && (text[start - 1] == '+' ||
                      (text[start - 1] == sep && start > 1 && is_digit(text[start - 2])));
    const bool chained_after = end + 1 < n && text[end] == sep && is_digit(text[end + 1]);
    if (!chained_before && !chained_after) return true;
  }
  return false;
}

bool looks_like_email_address(std::string_view text) {
  static constexpr std::string_view kForbiddenInLocal = "()<>[]:;,\\\"@";
  if (text.size() > 254) return false;
  const auto at = text.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  const std::string_view local = text.substr(0, at);
  const bool local_ok = std::all_of(local.begin(), local.end(), [](char c) {
    return c > ' ' && c < 0x7F && kForbiddenInLocal.find(c) == std::string_view::npos;
  });
  return local_ok && is_domain(text.substr(at + 1));
}

bool looks_like_phone_number(std::string_view text) {
  if (is_e164(text) || is_us_local(text)) return true;
  for (const std::string_view prefix : {std::string_view("+1"), std::string_view("1")}) {
    if (!text.starts_with(prefix)) continue;
    std::string_view rest = text.substr(prefix.size());
    if (!rest.empty() && is_phone_separator(rest.front())) rest.remove_prefix(1);
    if (is_us_local(rest)) return true;
  }
  return false;
}

}  // namespace multitier
