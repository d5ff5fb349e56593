#include "multitier/report/reporter.h"

#include <array>

namespace multitier {

namespace {

struct Factory {
  std::string_view name;
  std::unique_ptr<Reporter> (*make)();
};

constexpr std::array<Factory, 3> kFactories = {{
    {"console", &make_console_reporter},
    {"junit", &make_junit_reporter},
    {"json", &make_json_reporter},
}};

// Length of the well-formed UTF-8 sequence at the start of `s` and its code point, or 0 when
// the first byte does not start one (RFC 3629: no overlongs, no surrogates, max U+10FFFF).
std::size_t decode_one(std::string_view s, char32_t& code_point) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  std::size_t length = 0;
  char32_t min = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2, min = 0x80, code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3, min = 0x800, code_point = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4, min = 0x10000, code_point = lead & 0x07;
  } else {
    return 0;
  }
  if (s.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }
  if (code_point < min || code_point > 0x10FFFF) return 0;
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return 0;
  return length;
}

bool xml_allowed(char32_t c) {
  if (c < 0x20) return c == 0x09 || c == 0x0A || c == 0x0D;
  return c != 0xFFFE && c != 0xFFFF;
}

}  // namespace

Reporter::~Reporter() = default;

std::unique_ptr<Reporter> make_reporter(std::string_view name) {
  for (const Factory& factory : kFactories) {
    if (factory.name == name) return factory.make();
  }
  return nullptr;
}

std::vector<std::string_view> reporter_names() {
  std::vector<std::string_view> names;
  for (const Factory& factory : kFactories) names.push_back(factory.name);
  return names;
}

std::string clean_text(std::string_view text, TextTarget target) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    char32_t code_point = 0;
    const std::size_t length = decode_one(text, code_point);
    if (length == 0) {
      if (target == TextTarget::json) out += "\xEF\xBF\xBD";  // U+FFFD
      text.remove_prefix(1);
      continue;
    }
    if (target == TextTarget::json || xml_allowed(code_point)) out.append(text.substr(0, length));
    text.remove_prefix(length);
  }
  return out;
}

}  // namespace multitier
