// The one duration syntax (support/common/duration.h): exact values, every unit, compound
// terms, bare seconds, every refusal, and format_duration_exact reading back to the same value.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "multitier/common/duration.h"

namespace multitier {
namespace {

using namespace std::chrono_literals;

std::string reason_for(const std::string& text, Nanos max = std::chrono::hours(24 * 100)) {
  DurationError error;
  const auto parsed = parse_duration(text, &error, max);
  if (parsed) return "accepted as " + std::to_string(parsed->count()) + "ns";
  return error.reason;
}

::testing::AssertionResult refused_because(const std::string& text, const std::string& why,
                                           Nanos max = std::chrono::hours(24 * 100)) {
  const std::string reason = reason_for(text, max);
  if (reason.find(why) != std::string::npos && reason.find("'" + text + "'") != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "'" << text << "': " << reason;
}

TEST(Duration, DecimalsAreExactNeverRoundedThroughADouble) {
  EXPECT_EQ(parse_duration("0.2ms"), Nanos(200'000));
  EXPECT_EQ(parse_duration("1.9ms"), Nanos(1'900'000));
  EXPECT_EQ(parse_duration("0.1s"), Nanos(100'000'000));
  EXPECT_EQ(parse_duration("0.3s"), Nanos(300'000'000));
  EXPECT_EQ(parse_duration("2.675ms"), Nanos(2'675'000));
  EXPECT_EQ(parse_duration("1.000000001s"), Nanos(1'000'000'001));
  EXPECT_EQ(parse_duration("0.000000001s"), Nanos(1));
  EXPECT_EQ(parse_duration("1.5us"), Nanos(1'500));
}

TEST(Duration, EveryUnitIncludingBothMicroSpellings) {
  EXPECT_EQ(parse_duration("7ns"), 7ns);
  EXPECT_EQ(parse_duration("250us"), 250us);
  EXPECT_EQ(parse_duration("250\xC2\xB5s"), 250us);  // U+00B5 MICRO SIGN
  EXPECT_EQ(parse_duration("250\xCE\xBCs"), 250us);  // U+03BC GREEK SMALL LETTER MU
  EXPECT_EQ(parse_duration("20ms"), 20ms);
  EXPECT_EQ(parse_duration("10s"), 10s);
  EXPECT_EQ(parse_duration("5m"), 5min);
  EXPECT_EQ(parse_duration("2h"), 2h);
  EXPECT_EQ(parse_duration("0s"), 0ns);
  EXPECT_EQ(parse_duration("0"), 0ns);
}

TEST(Duration, CompoundTermsAddUp) {
  EXPECT_EQ(parse_duration("1m30s"), 90s);
  EXPECT_EQ(parse_duration("1h2m3s"), 1h + 2min + 3s);
  EXPECT_EQ(parse_duration("1s250ms"), 1250ms);
  EXPECT_EQ(parse_duration("1ms500us"), 1500us);
  EXPECT_EQ(parse_duration("1m0.5s"), 60500ms);
  EXPECT_EQ(parse_duration("1s1s"), 2s);
  EXPECT_EQ(parse_duration("1.5m"), 90s);
  EXPECT_EQ(parse_duration("0.5h"), 30min);
}

TEST(Duration, ABareNumberIsSecondsAndMustStandAlone) {
  EXPECT_EQ(parse_duration("60"), 60s);
  EXPECT_EQ(parse_duration("3"), 3s);
  EXPECT_EQ(parse_duration("1.5"), 1500ms);
  EXPECT_EQ(parse_duration("  10s\t"), 10s);  // surrounding blanks are ignored
  EXPECT_TRUE(refused_because("1m30", "every term needs a unit"));
  EXPECT_TRUE(refused_because("30 1m", "unknown unit"));
}

TEST(Duration, RefusesWithAReasonNamingTheText) {
  EXPECT_TRUE(refused_because("", "empty"));
  EXPECT_NE(reason_for("   ").find("empty"), std::string::npos);  // quotes the trimmed text, ''
  EXPECT_TRUE(refused_because("-1s", "no sign"));
  EXPECT_TRUE(refused_because("+1s", "no sign"));
  EXPECT_TRUE(refused_because("1d", "unknown unit 'd'"));
  EXPECT_TRUE(refused_because("20sec", "unknown unit 'sec'"));
  EXPECT_TRUE(refused_because("5min", "unknown unit 'min'"));
  EXPECT_TRUE(refused_because("1S", "unknown unit 'S'"));
  EXPECT_TRUE(refused_because("1e3s", "unknown unit"));
  EXPECT_TRUE(refused_because("s", "expected a number"));
  EXPECT_TRUE(refused_because("1.s", "digits after"));
  EXPECT_TRUE(refused_because("1.2.3s", "expected a unit"));
  EXPECT_TRUE(refused_because("1 s", "unknown unit"));
  EXPECT_TRUE(refused_because("1.0000000001s", "at most nine decimals"));
  EXPECT_TRUE(refused_because("0.5ns", "finer than a nanosecond"));
  EXPECT_TRUE(refused_because("0.0000001ms", "finer than a nanosecond"));
  EXPECT_TRUE(refused_because("99999999999999999999999s", "too large"));
  // Without an error object the answer is the same, just unexplained.
  EXPECT_FALSE(parse_duration("1d"));
}

TEST(Duration, RefusesAboveTheMaximum) {
  EXPECT_EQ(parse_duration("2400h"), std::chrono::hours(2400));  // the default maximum, 100 days
  EXPECT_TRUE(refused_because("2400h1ns", "longer than 2400h"));
  EXPECT_TRUE(refused_because("2401h", "longer than 2400h"));
  EXPECT_TRUE(refused_because("1844674407370955161s", "longer than"));
  EXPECT_EQ(parse_duration("10m", nullptr, 10min), 10min);
  EXPECT_TRUE(refused_because("10m1ns", "longer than 10m", 10min));
  EXPECT_TRUE(refused_because("9m61s", "longer than 10m", 10min));
  EXPECT_TRUE(refused_because("1.5ms", "longer than 1ms", 1ms));
}

TEST(Duration, FormatIsTheShortestExactSpelling) {
  EXPECT_EQ(format_duration_exact(0ns), "0s");
  EXPECT_EQ(format_duration_exact(7ns), "7ns");
  EXPECT_EQ(format_duration_exact(200us), "200us");
  EXPECT_EQ(format_duration_exact(1500ns), "1.5us");
  EXPECT_EQ(format_duration_exact(Nanos(1'900'000)), "1.9ms");
  EXPECT_EQ(format_duration_exact(1500ms), "1.5s");
  EXPECT_EQ(format_duration_exact(90s), "90s");
  EXPECT_EQ(format_duration_exact(2min), "2m");
  EXPECT_EQ(format_duration_exact(3h), "3h");
  EXPECT_EQ(format_duration_exact(Nanos(1'000'000'001)), "1.000000001s");
  EXPECT_EQ(format_duration_exact(-1500ms), "-1.5s");
}

TEST(Duration, FormatReadsBackToTheSameValue) {
  const Nanos values[] = {1ns,
                          999ns,
                          1us,
                          1001ns,
                          200us,
                          Nanos(1'900'000),
                          20ms,
                          999'999'999ns,
                          1s,
                          1s + 1ns,
                          59s,
                          60s,
                          61s,
                          90s,
                          59min,
                          60min,
                          61min,
                          25h,
                          2400h,
                          Nanos(123'456'789'012),
                          Nanos(86'399'999'999'999)};
  for (const Nanos value : values) {
    const std::string text = format_duration_exact(value);
    DurationError error;
    EXPECT_EQ(parse_duration(text, &error), value) << text << ": " << error.reason;
  }
  // And a sweep over mixed magnitudes.
  for (std::int64_t ns = 1; ns < 1'000'000'000'000'000'000; ns = ns * 7 + 3) {
    const std::string text = format_duration_exact(Nanos(ns));
    EXPECT_EQ(parse_duration(text, nullptr, Nanos::max()), Nanos(ns)) << text;
  }
}

}  // namespace
}  // namespace multitier
