// The report text helpers: durations and settings as the reports show them, and text made
// safe for XML and JSON whatever bytes the gateway sent.
#include <gtest/gtest.h>

#include <string>

#include "multitier/report/report.h"
#include "multitier/report/reporter.h"

namespace multitier {
namespace {

TEST(FormatTest, DurationsCarryUnits) {
  EXPECT_EQ(format_duration(std::chrono::nanoseconds{850}), "850ns");
  EXPECT_EQ(format_duration(std::chrono::microseconds{850}), "850µs");
  EXPECT_EQ(format_duration(std::chrono::microseconds{2210}), "2.21ms");
  EXPECT_EQ(format_duration(std::chrono::milliseconds{1200}), "1.20s");
  EXPECT_EQ(format_duration(std::chrono::microseconds{12345}), "12.3ms");
  EXPECT_DOUBLE_EQ(to_ms(std::chrono::nanoseconds{2'213'600}), 2.214);
}

TEST(FormatTest, SettingsAreShownUnrounded) {
  EXPECT_EQ(format_shortest(0.05), "0.05");
  EXPECT_EQ(format_shortest(60), "60");
  EXPECT_EQ(format_shortest(0.0002), "0.0002");
  EXPECT_EQ(format_weights({{Scenario::cold_search_email, 35}, {Scenario::sms_validate, 10}}),
            "cold_search_email=35,sms_validate=10");
  EXPECT_EQ(format_weights({}), "");
}

TEST(CleanTextTest, DropsOrReplacesWhatXmlAndJsonCannotCarry) {
  EXPECT_EQ(clean_text("a\tb\nc\x01", TextTarget::xml), "a\tb\nc");
  EXPECT_EQ(clean_text("\xc0\xaf|\xed\xa0\x80|\xe2\x82", TextTarget::xml), "||");
  EXPECT_EQ(clean_text("\xef\xbf\xbe\xef\xbf\xbf", TextTarget::xml), "");  // U+FFFE, U+FFFF
  EXPECT_EQ(clean_text("\xf0\x9f\x9a\x80 \xc2\xb5", TextTarget::xml), "\xf0\x9f\x9a\x80 \xc2\xb5");
  EXPECT_EQ(clean_text("a\xff"
                       "b\x01",
                       TextTarget::json),
            "a\xef\xbf\xbd"
            "b\x01");
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(clean_text("\xf4\x90\x80\x80", TextTarget::json), fffd + fffd + fffd + fffd);
}

}  // namespace
}  // namespace multitier
