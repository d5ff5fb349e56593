// One duration syntax for everything multitier parses: the suite's options and thresholds and
// the reference gateway's flags and faults. Exact to the nanosecond: "0.2ms" is 200,000 ns,
// never rounded through a double.
//
// Syntax: one or more terms, each a decimal number (digits, an optional '.' and up to nine
// decimals) directly followed by a unit: ns, us, µs (U+00B5 or U+03BC), ms, s, m, h. Terms add
// up: "1m30s", "1s250ms". A bare number with no unit is seconds ("60" is a minute) and must
// stand alone. No sign, no spaces inside, no exponent; leading and trailing spaces are ignored.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace multitier {

using Nanos = std::chrono::nanoseconds;

struct DurationError {
  std::string reason;  // e.g. "unknown unit 'sec' (use ns, us, ms, s, m or h)"
};

// The duration `text` spells, or nullopt with `error` (when given) saying why. Values above
// `max` (default: 100 days) are refused, so no caller ever overflows.
std::optional<Nanos> parse_duration(std::string_view text, DurationError* error = nullptr,
                                    Nanos max = std::chrono::hours(24 * 100));

// The shortest exact spelling of `d` in the largest unit it fits: "200us", "1.9ms", "1.5s",
// "2m", "90s" (not "1.5m": minutes and hours only when whole). parse_duration reads it back
// to the same value. Negative values get a leading '-'.
std::string format_duration_exact(Nanos d);

}  // namespace multitier
