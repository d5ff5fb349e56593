// UTF-8 as RFC 3629 defines it: one to four bytes per code point, shortest form only, no
// surrogates (U+D800..U+DFFF), nothing past U+10FFFF. Written once for the harness: the
// validators count code points with it, the reporters repair text, the console pads columns and
// the contract cuts excerpts. Pure functions; no allocation.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace multitier::utf8 {

// True for a continuation byte (10xxxxxx): it continues a sequence and never starts one.
constexpr bool is_continuation(char byte) {
  return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;
}

// Decodes the sequence at the start of `text`: returns its length in bytes (1 to 4) and stores
// its code point, or returns 0 and leaves `code_point` unspecified when `text` is empty or does
// not start with a well-formed sequence (a stray continuation byte, a lead byte that no
// sequence may start with, a truncated sequence, an overlong form, a surrogate, a value past
// U+10FFFF).
std::size_t decode(std::string_view text, char32_t& code_point);

// The number of code points in `text`, or nullopt when it is not valid UTF-8.
std::optional<std::size_t> length(std::string_view text);

// True when `text` is valid UTF-8 (the empty text is).
bool valid(std::string_view text);

// The longest cut of `text` at most `limit` bytes long that does not end inside a sequence: the
// largest n <= limit with n == text.size() or text[n] not a continuation byte (0 when there is
// none). Looks at continuation bytes only, so it also cuts text that is not valid UTF-8.
// Inline, as is_continuation: the contract parser's fuzz target compiles without utf8.cpp.
constexpr std::size_t cut(std::string_view text, std::size_t limit) {
  if (limit >= text.size()) return text.size();
  std::size_t n = limit;
  while (n > 0 && is_continuation(text[n])) --n;
  return n;
}

}  // namespace multitier::utf8
