// A common start for the segments of one run: --start-at takes an RFC 3339 time, so processes
// on several machines begin their first case at the same wall-clock moment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace multitier {

// "2026-12-01T12:00:00Z", "2026-12-01T12:00:00.250Z", "2026-12-01T13:00:00+01:00" (a 't' or
// a space for the 'T', 'z' for 'Z') → nanoseconds since the Unix epoch. nullopt, with `error`
// saying why, for anything else (a time zone is required: a bare local time would start the
// segments of different machines at different moments).
std::optional<std::int64_t> parse_rfc3339(std::string_view text, std::string& error);

// Nanoseconds since the epoch as RFC 3339 UTC, with milliseconds ("2026-12-01T12:00:00.250Z"),
// or without them, the fraction truncated ("2026-12-01T12:00:00Z").
std::string format_rfc3339(std::int64_t unix_ns, bool millis = true);

}  // namespace multitier
