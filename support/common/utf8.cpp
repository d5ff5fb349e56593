#include "multitier/common/utf8.h"

namespace multitier::utf8 {

std::size_t decode(std::string_view text, char32_t& code_point) {
  if (text.empty()) return 0;
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  // C0 and C1 could only start overlong forms, F5..FF only values past U+10FFFF.
  std::size_t size = 0;
  char32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    size = 2, min = 0x80, code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    size = 3, min = 0x800, code_point = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    size = 4, min = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() < size) return 0;
  for (std::size_t i = 1; i < size; ++i) {
    if (!is_continuation(text[i])) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  return size;
}

std::optional<std::size_t> length(std::string_view text) {
  std::size_t count = 0;
  while (!text.empty()) {
    char32_t code_point = 0;
    const std::size_t size = decode(text, code_point);
    if (size == 0) return std::nullopt;
    text.remove_prefix(size);
    ++count;
  }
  return count;
}

bool valid(std::string_view text) { return length(text).has_value(); }

}  // namespace multitier::utf8
