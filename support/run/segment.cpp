#include "multitier/run/segment.h"

#include <cstdint>
#include <stdexcept>

#include "multitier/common/text.h"

namespace multitier {

namespace {

constexpr int kMaxSegments = 1000;

// 'text', quoted. Appended piece by piece: GCC 12 reports a false -Wrestrict on
// `"'" + std::string&&` at -O3.
std::string quote(std::string_view text) {
  std::string out = "'";
  out += text;
  out += '\'';
  return out;
}

std::optional<std::string_view> variable(const char* const* environment, std::string_view name) {
  for (const char* const* e = environment; e && *e; ++e) {
    std::string_view entry(*e);
    if (entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=') {
      return entry.substr(name.size() + 1);
    }
  }
  return std::nullopt;
}

}  // namespace

ExecutorSettings segment_executor(const ExecutorSettings& whole, const Segment& segment) {
  ExecutorSettings share = whole;
  if (segment.whole() || !open_model(whole.kind)) return share;
  const double n = static_cast<double>(segment.count);
  share.rate = whole.rate / n;
  for (Stage& stage : share.stages) stage.target /= n;
  return share;
}

int Segment::share(int total) const {
  if (total <= 0) return 0;
  const int base = total / count;
  return base + (index - 1 < total % count ? 1 : 0);
}

std::optional<Segment> parse_segment(std::string_view text, std::string& error) {
  const auto slash = text.find('/');
  const auto i =
      slash == std::string_view::npos ? std::nullopt : to_number<int>(text.substr(0, slash));
  const auto n =
      slash == std::string_view::npos ? std::nullopt : to_number<int>(text.substr(slash + 1));
  if (!i || !n) {
    error = "want i/n, e.g. 2/3 (the second of three segments), not " + quote(text);
    return std::nullopt;
  }
  if (*n < 1 || *n > kMaxSegments) {
    error = "n must be within 1.." + std::to_string(kMaxSegments) + ", not " + std::to_string(*n);
    return std::nullopt;
  }
  if (*i < 1 || *i > *n) {
    error =
        "i is 1-based and must be within 1.." + std::to_string(*n) + ", not " + std::to_string(*i);
    return std::nullopt;
  }
  return Segment{*i, *n};
}

Segment segment_from_environment(const char* const* environment, int segments,
                                 std::string& source) {
  source.clear();
  auto bad = [](std::string_view name, const std::string& why) {
    throw std::invalid_argument(std::string(name) + ": " + why);
  };
  if (auto index = variable(environment, "JOB_COMPLETION_INDEX")) {
    const auto value = to_number<int>(*index);
    if (!value || *value < 0) bad("JOB_COMPLETION_INDEX", "not a 0-based index: " + quote(*index));
    if (segments < 1) {
      bad("JOB_COMPLETION_INDEX",
          "set, but the number of segments is not: pass --segments N or MULTITIER_SEGMENTS=N "
          "(the Job's completions)");
    }
    if (*value >= segments) {
      bad("JOB_COMPLETION_INDEX",
          std::to_string(*value) + " is not below the " + std::to_string(segments) + " segments");
    }
    source = "JOB_COMPLETION_INDEX";
    return Segment{*value + 1, segments};
  }
  const auto node = variable(environment, "CI_NODE_INDEX");
  const auto total = variable(environment, "CI_NODE_TOTAL");
  if (node && total) {
    const auto i = to_number<int>(*node);
    const auto n = to_number<int>(*total);
    if (!n || *n < 1 || *n > kMaxSegments)
      bad("CI_NODE_TOTAL", "not a node count: " + quote(*total));
    if (!i || *i < 1 || *i > *n) {
      bad("CI_NODE_INDEX",
          "not a 1-based index within 1.." + std::to_string(*n) + ": " + quote(*node));
    }
    source = "CI_NODE_INDEX";
    return Segment{*i, *n};
  }
  return Segment{};
}

}  // namespace multitier
