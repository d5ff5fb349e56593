// The validators' text scanners: the SSN-shape guard that must spare phone numbers, and the
// phone and email address checks, as tables of cases both ways.
#include "multitier/workload/text_scanners.h"

#include <string>

#include <gtest/gtest.h>

namespace multitier {
namespace {

// ── Text scanners ───────────────────────────────────────────────────────────────────────────

struct TextCase {
  const char* name;
  const char* text;
  bool expected;
};
std::string text_case_name(const testing::TestParamInfo<TextCase>& info) { return info.param.name; }
void PrintTo(const TextCase& c, std::ostream* os) { *os << c.name; }

class SsnPattern : public testing::TestWithParam<TextCase> {};
TEST_P(SsnPattern, FlagsOnlySsnShapes) {
  EXPECT_EQ(contains_ssn_pattern(GetParam().text), GetParam().expected) << GetParam().text;
}
INSTANTIATE_TEST_SUITE_P(
    Texts, SsnPattern,
    testing::Values(
        TextCase{"SsnDashes", "123-45-6789", true}, TextCase{"SsnSpaces", "123 45 6789", true},
        TextCase{"SsnInSentence", "Her SSN is 123-45-6789.", true},
        TextCase{"SsnSpacesInSentence", "ssn: 123 45 6789, thanks", true},
        TextCase{"SsnAfterPhone", "Call 555-123-4567 re 987-65-4321", true},
        TextCase{"SsnParenthesized", "(123-45-6789)", true},
        TextCase{"SsnFollowedByOtherSeparatorNumber", "123-45-6789 2 days", true},
        TextCase{"PhoneDashes", "555-123-4567", false},
        TextCase{"PhoneParenthesized", "(555) 123-4567", false},
        TextCase{"PhoneDots", "555.123.4567", false},
        TextCase{"PhoneSpaces", "555 123 4567", false},
        TextCase{"PhonePlusOneSpaces", "+1 555 123 4567", false},
        TextCase{"PhoneOneDashes", "1-555-123-4567", false},
        TextCase{"PhoneE164", "+15551234567", false},
        TextCase{"PhoneTenDigits", "5551234567", false},
        TextCase{"SeedSmsBody",
                 "Worker 012 confirmed for Pickers. Reply STOP to cancel. Call 555-123-4567.",
                 false},
        TextCase{"BareNineDigits", "123456789", false},
        TextCase{"MixedSeparators", "123-45 6789", false},
        TextCase{"DotSeparators", "123.45.6789", false},
        TextCase{"LongerLeadingRun", "1234-56-7890", false},
        TextCase{"LongerTrailingRun", "123-45-67890", false},
        TextCase{"LeadingDigitGroup", "1 123 45 6789", false},
        TextCase{"TrailingDigitGroup", "123-45-6789-01", false},
        TextCase{"InternationalPlus", "+123 45 6789", false},
        TextCase{"ShortGroups", "12-34-5678", false}, TextCase{"Empty", "", false},
        TextCase{"TruncatedAtEnd", "123-45-678", false}),
    text_case_name);

class PhoneNumber : public testing::TestWithParam<TextCase> {};
TEST_P(PhoneNumber, AcceptsCommonForms) {
  EXPECT_EQ(looks_like_phone_number(GetParam().text), GetParam().expected) << GetParam().text;
}
INSTANTIATE_TEST_SUITE_P(
    Texts, PhoneNumber,
    testing::Values(
        TextCase{"E164", "+15551234567", true}, TextCase{"E164Foreign", "+442079460958", true},
        TextCase{"Dashes", "555-123-4567", true}, TextCase{"Parenthesized", "(555) 123-4567", true},
        TextCase{"ParenthesizedTight", "(555)123-4567", true},
        TextCase{"Dots", "555.123.4567", true}, TextCase{"Spaces", "555 123 4567", true},
        TextCase{"PlusOneSpaces", "+1 555 123 4567", true},
        TextCase{"OneDashes", "1-555-123-4567", true}, TextCase{"TenDigits", "5551234567", true},
        TextCase{"ElevenDigits", "15551234567", true},
        TextCase{"Email", "client@example.com", false}, TextCase{"SevenDigits", "555-1234", false},
        TextCase{"E164LeadingZero", "+05551234567", false},
        TextCase{"E164TooLong", "+1234567890123456", false},
        TextCase{"DoubleSeparator", "555--123-4567", false},
        TextCase{"Letters", "555-CALL-NOW", false},
        TextCase{"TrailingText", "555-123-4567 ext 2", false}, TextCase{"Empty", "", false}),
    text_case_name);

class EmailAddress : public testing::TestWithParam<TextCase> {};
TEST_P(EmailAddress, AcceptsBareAddresses) {
  EXPECT_EQ(looks_like_email_address(GetParam().text), GetParam().expected) << GetParam().text;
}
INSTANTIATE_TEST_SUITE_P(
    Texts, EmailAddress,
    testing::Values(TextCase{"Seed", "client@example.com", true},
                    TextCase{"PlusAndDots", "ops.team+beacon@mail.beacon-freight.co", true},
                    TextCase{"NoAt", "client.example.com", false},
                    TextCase{"TwoAts", "client@ops@example.com", false},
                    TextCase{"EmptyLocal", "@example.com", false},
                    TextCase{"SpaceInLocal", "cli ent@example.com", false},
                    TextCase{"DisplayName", "Client <client@example.com>", false},
                    TextCase{"SingleLabelDomain", "client@localhost", false},
                    TextCase{"EmptyLabel", "client@example..com", false},
                    TextCase{"HyphenEdge", "client@-example.com", false},
                    TextCase{"NumericTld", "client@example.123", false},
                    TextCase{"Empty", "", false}),
    text_case_name);

}  // namespace
}  // namespace multitier
