#include "multitier/common/duration.h"

#include <cstdint>
#include <limits>

namespace multitier {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t ns;
};

// Longest names first where one is a prefix of another ("ms" before "m", "ns").
constexpr Unit kUnits[] = {
    {"ns", 1},
    {"us", 1'000},
    {"\xC2\xB5s", 1'000},  // µs, MICRO SIGN
    {"\xCE\xBCs", 1'000},  // μs, GREEK SMALL LETTER MU
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"m", 60'000'000'000},
    {"h", 3'600'000'000'000},
};

bool fail(DurationError* error, std::string reason) {
  if (error) error->reason = std::move(reason);
  return false;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads "<digits>[.<digits>]" off the front of `text`: the whole part and the decimals' digits.
bool read_number(std::string_view& text, std::uint64_t& whole, std::string_view& fraction,
                 DurationError* error) {
  std::size_t i = 0;
  whole = 0;
  while (i < text.size() && is_digit(text[i])) {
    if (whole > (std::numeric_limits<std::uint64_t>::max() - 9) / 10)
      return fail(error, "number too large");
    whole = whole * 10 + static_cast<std::uint64_t>(text[i] - '0');
    ++i;
  }
  const std::size_t integer_digits = i;
  fraction = {};
  if (i < text.size() && text[i] == '.') {
    const std::size_t from = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    fraction = text.substr(from, i - from);
    if (fraction.empty()) return fail(error, "a '.' needs digits after it");
    if (fraction.size() > 9) return fail(error, "at most nine decimals");
  }
  if (integer_digits == 0 && fraction.empty()) return fail(error, "expected a number");
  text.remove_prefix(i);
  return true;
}

}  // namespace

std::optional<Nanos> parse_duration(std::string_view text, DurationError* error, Nanos max) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  const std::string original(text);
  auto refuse = [&](std::string reason) -> std::optional<Nanos> {
    fail(error, "not a duration: '" + original + "': " + reason);
    return std::nullopt;
  };
  if (text.empty()) return refuse("empty (try 250ms, 10s, 5m)");
  if (text.front() == '-' || text.front() == '+') return refuse("no sign allowed");

  // Accumulated in 128 bits so no input can overflow before the bound check.
  __extension__ using Wide = unsigned __int128;
  Wide total = 0;
  int terms = 0;
  bool bare = false;
  while (!text.empty()) {
    std::uint64_t whole = 0;
    std::string_view fraction;
    DurationError number_error;
    if (!read_number(text, whole, fraction, &number_error)) return refuse(number_error.reason);
    ++terms;
    std::int64_t unit_ns = 0;
    if (text.empty() || is_digit(text.front()) || text.front() == '.') {
      if (!text.empty()) return refuse("expected a unit after the number");
      bare = true;
      unit_ns = 1'000'000'000;  // a bare number is seconds
    } else {
      for (const Unit& unit : kUnits) {
        if (text.starts_with(unit.name)) {
          const std::string_view after = text.substr(unit.name.size());
          // "m" must not swallow the "m" of "ms"; kUnits lists "ms" first, so a match here
          // is the longest one. The next char must start a new term or end the text.
          if (!after.empty() && !is_digit(after.front()) && after.front() != '.') continue;
          unit_ns = unit.ns;
          text = after;
          break;
        }
      }
      if (unit_ns == 0) {
        std::size_t end = 0;
        while (end < text.size() && !is_digit(text[end]) && text[end] != '.') ++end;
        return refuse("unknown unit '" + std::string(text.substr(0, end)) +
                      "' (use ns, us, ms, s, m or h)");
      }
    }
    Wide value = static_cast<Wide>(whole) * static_cast<Wide>(unit_ns);
    // The fraction in units of 10^-digits, times the unit, must land on a whole nanosecond.
    if (!fraction.empty()) {
      Wide digits = 0, scale = 1;
      for (char c : fraction) {
        digits = digits * 10 + static_cast<Wide>(c - '0');
        scale *= 10;
      }
      const Wide scaled = digits * static_cast<Wide>(unit_ns);
      if (scaled % scale != 0) return refuse("finer than a nanosecond");
      value += scaled / scale;
    }
    total += value;
    if (total > static_cast<Wide>(max.count())) {
      return refuse("longer than " + format_duration_exact(max));
    }
  }
  if (bare && terms > 1) return refuse("every term needs a unit");
  return Nanos(static_cast<Nanos::rep>(total));
}

std::string format_duration_exact(Nanos d) {
  if (d.count() == 0) return "0s";
  std::string sign = d.count() < 0 ? "-" : "";
  // |INT64_MIN| does not fit; durations that long never occur here, clamp instead.
  const std::uint64_t ns = d.count() < 0 ? static_cast<std::uint64_t>(-(d.count() + 1)) + 1
                                         : static_cast<std::uint64_t>(d.count());
  constexpr std::uint64_t kHour = 3'600'000'000'000, kMinute = 60'000'000'000;
  if (ns % kHour == 0) return sign + std::to_string(ns / kHour) + "h";
  if (ns % kMinute == 0) return sign + std::to_string(ns / kMinute) + "m";
  struct Scale {
    std::uint64_t ns;
    const char* name;
    int decimals;
  };
  constexpr Scale kScales[] = {{1'000'000'000, "s", 9}, {1'000'000, "ms", 6}, {1'000, "us", 3}};
  for (const Scale& scale : kScales) {
    if (ns < scale.ns) continue;
    std::string text = std::to_string(ns / scale.ns);
    std::uint64_t rest = ns % scale.ns;
    if (rest != 0) {
      std::string decimals = std::to_string(rest);
      decimals.insert(0, static_cast<std::size_t>(scale.decimals) - decimals.size(), '0');
      while (!decimals.empty() && decimals.back() == '0') decimals.pop_back();
      text += "." + decimals;
    }
    return sign + text + scale.name;
  }
  return sign + std::to_string(ns) + "ns";
}

}  // namespace multitier
