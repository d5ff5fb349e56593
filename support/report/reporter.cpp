#include "multitier/report/reporter.h"

#include <array>

#include "multitier/common/utf8.h"

namespace multitier {

namespace {

struct Factory {
  std::string_view name;
  std::unique_ptr<Reporter> (*make)();
};

std::unique_ptr<Reporter> make_plain_html_reporter() {
  return make_html_reporter("", "no chart library was given to the report writer");
}

constexpr std::array<Factory, 7> kFactories = {{
    {"console", &make_console_reporter},
    {"junit", &make_junit_reporter},
    {"json", &make_json_reporter},
    {"csv", &make_csv_reporter},
    {"openmetrics", &make_openmetrics_reporter},
    {"html", &make_plain_html_reporter},
    {"result", &make_result_reporter},
}};

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

std::string escape_markup(std::string_view raw, Markup markup) {
  const std::string text = clean_text(raw, TextTarget::xml);
  const bool xml = markup != Markup::html;
  const bool attribute = markup == Markup::xml_attribute;
  std::string out;
  out.reserve(text.size() + 16);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += xml ? "&apos;" : "&#39;";
        break;
      case '\t':
        out += attribute ? "&#9;" : "\t";
        break;
      case '\n':
        out += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        out += xml ? "&#13;" : "\r";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string clean_text(std::string_view text, TextTarget target) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    char32_t code_point = 0;
    const std::size_t length = utf8::decode(text, code_point);
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
