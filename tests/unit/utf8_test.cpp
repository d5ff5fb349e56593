// The one UTF-8 decoder (support/common/utf8.h): every sequence length and its boundaries
// decode, every malformation RFC 3629 names is refused, and length, valid and cut agree with it.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "multitier/common/utf8.h"

namespace multitier {
namespace {

struct Decoded {
  std::string_view text;
  std::size_t size;
  char32_t code_point;
};

TEST(Utf8, DecodesEachLengthAndItsBoundaries) {
  const Decoded cases[] = {
      {"A", 1, U'A'},
      {std::string_view("\0", 1), 1, 0},
      {"\x7F", 1, 0x7F},
      {"\xC2\x80", 2, 0x80},
      {"\xC3\xA9", 2, 0xE9},
      {"\xDF\xBF", 2, 0x7FF},
      {"\xE0\xA0\x80", 3, 0x800},
      {"\xE2\x82\xAC", 3, 0x20AC},
      {"\xED\x9F\xBF", 3, 0xD7FF},
      {"\xEE\x80\x80", 3, 0xE000},
      {"\xEF\xBF\xBF", 3, 0xFFFF},
      {"\xF0\x90\x80\x80", 4, 0x10000},
      {"\xF0\x9F\x98\x80", 4, 0x1F600},
      {"\xF4\x8F\xBF\xBF", 4, 0x10FFFF},
  };
  for (const Decoded& c : cases) {
    char32_t code_point = 0xFFFFFFFF;
    EXPECT_EQ(utf8::decode(c.text, code_point), c.size) << testing::PrintToString(c.text);
    EXPECT_EQ(code_point, c.code_point) << testing::PrintToString(c.text);
  }
}

TEST(Utf8, DecodesOnlyTheFirstSequence) {
  char32_t code_point = 0;
  EXPECT_EQ(utf8::decode("\xC3\xA9t\xC3\xA9", code_point), 2u);
  EXPECT_EQ(code_point, 0xE9u);
  EXPECT_EQ(utf8::decode("ab", code_point), 1u);
  EXPECT_EQ(code_point, U'a');
  // A malformed byte after the first sequence does not concern it.
  EXPECT_EQ(utf8::decode("\xE2\x82\xAC\xFF", code_point), 3u);
}

TEST(Utf8, RefusesEveryMalformation) {
  const std::string_view cases[] = {
      "",                  // nothing to decode
      "\x80",              // a stray continuation byte
      "\xBF",              //
      "\xC0\xAF",          // C0 and C1 only start overlong forms
      "\xC1\xBF",          //
      "\xE0\x80\xAF",      // overlong three-byte form of U+002F
      "\xE0\x9F\xBF",      // overlong three-byte form of U+07FF
      "\xF0\x80\x80\xAF",  // overlong four-byte form of U+002F
      "\xF0\x8F\xBF\xBF",  // overlong four-byte form of U+FFFF
      "\xED\xA0\x80",      // surrogates U+D800 and U+DFFF
      "\xED\xBF\xBF",      //
      "\xF4\x90\x80\x80",  // U+110000, past the last code point
      "\xF5\x80\x80\x80",  // F5..FF start no sequence
      "\xF8\x88\x80\x80\x80",
      "\xFF",              //
      "\xC3",              // truncated sequences
      "\xE2\x82",          //
      "\xF0\x9F\x98",      //
      "\xC3(",             // a lead byte not followed by continuation bytes
      "\xE2\x28\xA1",      //
      "\xF0\x9F\x28\x80",  //
  };
  for (std::string_view text : cases) {
    char32_t code_point = 0;
    EXPECT_EQ(utf8::decode(text, code_point), 0u) << testing::PrintToString(text);
    if (!text.empty()) {
      EXPECT_FALSE(utf8::valid(text)) << testing::PrintToString(text);
      EXPECT_EQ(utf8::length(text), std::nullopt) << testing::PrintToString(text);
    }
  }
}

TEST(Utf8, LengthCountsCodePointsOfValidTextOnly) {
  EXPECT_EQ(utf8::length(""), 0u);
  EXPECT_EQ(utf8::length("abc"), 3u);
  EXPECT_EQ(utf8::length("\xC2\xB5s"), 2u);  // "µs"
  EXPECT_EQ(utf8::length("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z"), 5u);
  EXPECT_EQ(utf8::length(std::string(160, 'x')), 160u);
  EXPECT_EQ(utf8::length("ok \xE2\x82 then"), std::nullopt);  // a truncated sequence inside
  EXPECT_EQ(utf8::length("ok \xED\xA0\x80"), std::nullopt);   // a surrogate at the end
}

TEST(Utf8, ValidAcceptsWhatDecodesThroughout) {
  EXPECT_TRUE(utf8::valid(""));
  EXPECT_TRUE(utf8::valid("Need 3 Pickers in Aurora IL"));
  EXPECT_TRUE(utf8::valid("Se\xC3\xB1or \xE2\x82\xAC 5 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(utf8::valid("Se\xF1or"));  // Latin-1, not UTF-8
  EXPECT_FALSE(utf8::valid("tail \xC3"));
}

TEST(Utf8, ContinuationBytesAreExactly10xxxxxx) {
  static_assert(utf8::is_continuation('\x80') && utf8::is_continuation('\xBF'));
  static_assert(!utf8::is_continuation('\x7F') && !utf8::is_continuation('\xC0'));
  static_assert(!utf8::is_continuation('a') && !utf8::is_continuation('\xFF'));
  for (int b = 0; b < 256; ++b) {
    EXPECT_EQ(utf8::is_continuation(static_cast<char>(b)), b >= 0x80 && b <= 0xBF) << b;
  }
}

TEST(Utf8, CutNeverEndsInsideASequence) {
  EXPECT_EQ(utf8::cut("abcdef", 3), 3u);
  EXPECT_EQ(utf8::cut("abc", 3), 3u);
  EXPECT_EQ(utf8::cut("abc", 10), 3u);
  EXPECT_EQ(utf8::cut("abc", 0), 0u);
  EXPECT_EQ(utf8::cut("", 5), 0u);
  const std::string_view euros = "\xE2\x82\xAC\xE2\x82\xAC";  // two 3-byte sequences
  EXPECT_EQ(utf8::cut(euros, 3), 3u);
  EXPECT_EQ(utf8::cut(euros, 4), 3u);
  EXPECT_EQ(utf8::cut(euros, 5), 3u);
  EXPECT_EQ(utf8::cut(euros, 2), 0u);
  EXPECT_EQ(utf8::cut("a\xF0\x9F\x98\x80", 4), 1u);
  EXPECT_EQ(utf8::cut("a\xF0\x9F\x98\x80", 5), 5u);
}

TEST(Utf8, CutLooksAtContinuationBytesOnly) {
  // Text that is not UTF-8 is still cut: a byte that is not a continuation byte is a boundary.
  EXPECT_EQ(utf8::cut("ab\xFF\xFF", 3), 3u);
  EXPECT_EQ(utf8::cut("ab\xC3\xC3", 3), 3u);
  // Stray continuation bytes stay with the byte before them, whatever that byte is.
  EXPECT_EQ(utf8::cut("ab\x80\x80", 3), 1u);
  EXPECT_EQ(utf8::cut("ab\x80\x80"
                      "c",
                      4),
            4u);
  EXPECT_EQ(utf8::cut("\x80\x80\x80\x80", 2), 0u);
}

}  // namespace
}  // namespace multitier
