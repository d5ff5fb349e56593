#include "multitier/run/start_time.h"

#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>

namespace multitier {

namespace {

// `width` digits at `at`, or -1.
int digits(std::string_view text, std::size_t at, std::size_t width) {
  if (at + width > text.size()) return -1;
  int value = 0;
  for (std::size_t i = at; i < at + width; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<std::int64_t> parse_rfc3339(std::string_view text, std::string& error) {
  using namespace std::chrono;
  // Appended piece by piece: GCC 12 reports a false -Wrestrict on `"'" + std::string&&` at -O3.
  std::string quoted = "'";
  quoted += text;
  quoted += '\'';
  error = "not an RFC 3339 time with a zone, e.g. 2026-12-01T12:00:00Z: " + quoted;
  const int year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  const int hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':') return std::nullopt;
  const char t = text[10];
  if (t != 'T' && t != 't' && t != ' ') return std::nullopt;
  const year_month_day date{std::chrono::year(year),
                            std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) {
    error = "no such date or time: " + quoted;
    return std::nullopt;
  }
  std::size_t at = 19;
  std::int64_t fraction_ns = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    std::int64_t scale = 100'000'000;
    const std::size_t from = at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) {
      fraction_ns += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == from) return std::nullopt;
  }
  int offset_minutes = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const int oh = digits(text, at + 1, 2), om = digits(text, at + 4, 2);
    if (oh < 0 || om < 0 || text[at + 3] != ':' || oh > 23 || om > 59) return std::nullopt;
    offset_minutes = (text[at] == '+' ? 1 : -1) * (oh * 60 + om);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  const auto seconds_since_epoch = sys_days(date).time_since_epoch() + hours(hour) +
                                   minutes(minute) + std::chrono::seconds(second) -
                                   minutes(offset_minutes);
  error.clear();
  return duration_cast<nanoseconds>(seconds_since_epoch).count() + fraction_ns;
}

std::string format_rfc3339(std::int64_t unix_ns, bool millis) {
  using namespace std::chrono;
  const sys_time<nanoseconds> at{nanoseconds(unix_ns)};
  const auto day = floor<days>(at);
  const year_month_day date{day};
  const hh_mm_ss<nanoseconds> time{at - day};
  char text[40];
  int n = std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d",
                        static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                        static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                        static_cast<int>(time.minutes().count()),
                        static_cast<int>(time.seconds().count()));
  if (millis) {
    n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), ".%03d",
                       static_cast<int>(duration_cast<milliseconds>(time.subseconds()).count()));
  }
  return std::string(text, static_cast<std::size_t>(n)) + "Z";
}

}  // namespace multitier
