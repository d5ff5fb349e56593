// The result file: the writer and the reader (result_file.h; the merge of segments is
// result_merge.cpp). The format is docs/result-format.md. Each struct's fields are listed once
// (Fields<T>) and read, written and compared through that one list.
#include "multitier/report/result_file.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "multitier/common/utf8.h"
#include "multitier/report/reporter.h"

namespace multitier {

namespace {

constexpr std::string_view kFormatName = "multitier-result";

// Whether the segments of one run must hold the same value in a field (a setting), or each its
// own (its figures, or a fact of the machine it ran on).
enum class Agree { must, own };

// ---- The fields, listed once: Fields<T>::each(value, visit) calls visit(name, field, agree)
// for every field of a T (const or not), in the order the file holds them.

template <class T>
struct Fields {
  static constexpr bool described = false;
};
template <class T>
concept Described = Fields<T>::described;

template <>
struct Fields<Verdict> {
  static constexpr bool described = true;
  template <class T, class Visit>
  static void each(T& v, Visit&& visit) {
    visit("scenario", v.scenario, Agree::own);
    visit("passed", v.passed, Agree::own);
    visit("reason", v.reason, Agree::own);
  }
};

template <>
struct Fields<RunSettings> {
  static constexpr bool described = true;
  template <class T, class Visit>
  static void each(T& s, Visit&& visit) {
    visit("version", s.version, Agree::must);
    visit("gateway", s.gateway, Agree::must);
    visit("corpus", s.corpus, Agree::must);
    visit("mode", s.mode, Agree::must);
    visit("concurrency", s.concurrency, Agree::must);
    visit("duration_s", s.duration_s, Agree::must);
    visit("warmup_s", s.warmup_s, Agree::must);
    visit("seed", s.seed, Agree::must);
    visit("iterations", s.iterations, Agree::must);
    visit("weights", s.weights, Agree::must);
    visit("timeout_s", s.timeout_s, Agree::must);
    visit("connect_timeout_s", s.connect_timeout_s, Agree::must);
    visit("threads", s.threads, Agree::must);
    visit("headers", s.headers, Agree::must);
    visit("queries", s.queries, Agree::must);
    visit("roster", s.roster, Agree::must);
    visit("roster_file", s.roster_file, Agree::must);
    visit("interval_s", s.interval_s, Agree::must);
    visit("allow_remote", s.allow_remote, Agree::must);
    visit("start_at", s.start_at, Agree::must);
    // Facts of each machine: which gateway process it could sample, where its chart library is.
    visit("gateway_pid", s.gateway_pid, Agree::own);
    visit("footprint_note", s.footprint_note, Agree::own);
    visit("chart_js", s.chart_js, Agree::own);
    // The segment itself (the count is checked on its own, with its own message).
    visit("segment", s.segment, Agree::own);
    visit("segments", s.segments, Agree::own);
    visit("segment_source", s.segment_source, Agree::own);
    visit("start_late_s", s.start_late_s, Agree::own);
  }
};

template <>
struct Fields<Thresholds> {
  static constexpr bool described = true;
  template <class T, class Visit>
  static void each(T& t, Visit&& visit) {
    visit("max_failure_rate", t.max_failure_rate, Agree::must);
    visit("p99_budget_ns", t.p99_budget, Agree::must);
    visit("max_dropped_rate", t.max_dropped_rate, Agree::must);
    visit("min_achieved_rate", t.min_achieved_rate, Agree::must);
  }
};

template <>
struct Fields<CaseReport> {
  static constexpr bool described = true;
  template <class T, class Visit>
  static void each(T& c, Visit&& visit) {
    visit("name", c.name, Agree::must);
    visit("label", c.label, Agree::must);
    visit("mix", c.mix, Agree::must);
    visit("weights", c.weights, Agree::must);
    visit("executor", c.executor, Agree::must);
    visit("stress", c.stress, Agree::must);
    visit("warmup_s", c.warmup_s, Agree::must);
    visit("segments", c.segments, Agree::own);
    visit("wall_s", c.wall_s, Agree::own);
    visit("vus", c.vus, Agree::own);
    visit("threads", c.threads, Agree::own);
    visit("interrupted", c.interrupted, Agree::own);
    visit("interrupted_after_s", c.interrupted_after_s, Agree::own);
    visit("error", c.error, Agree::own);
    visit("verdicts", c.verdicts, Agree::own);
    visit("registry", c.registry, Agree::own);
  }
};

template <>
struct Fields<ExecutorSettings> {
  static constexpr bool described = true;
  template <class T, class Visit>
  static void each(T& e, Visit&& visit) {
    visit("kind", e.kind, Agree::must);
    visit("stages", e.stages, Agree::must);
    visit("rate", e.rate, Agree::must);
    visit("max_vus", e.max_vus, Agree::must);
    visit("arrivals", e.arrivals, Agree::must);
    visit("when_busy", e.when_busy, Agree::must);
    visit("max_backlog", e.max_backlog, Agree::must);
  }
};

template <>
struct Fields<StepStats> {
  static constexpr bool described = true;
  template <class T, class Visit>
  static void each(T& s, Visit&& visit) {
    visit("name", s.name, Agree::own);
    visit("http", s.http, Agree::own);
    visit("runs", s.runs, Agree::own);
    visit("failures", s.failures, Agree::own);
    visit("latency", s.latency, Agree::own);
  }
};

template <>
struct Fields<ErrorSample> {
  static constexpr bool described = true;
  template <class T, class Visit>
  static void each(T& e, Visit&& visit) {
    visit("failed_at", e.failed_at, Agree::own);
    visit("kind", e.kind, Agree::own);
    visit("message", e.message, Agree::own);
    visit("count", e.count, Agree::own);
  }
};

template <>
struct Fields<ScenarioStats> {
  static constexpr bool described = true;
  template <class T, class Visit>
  static void each(T& s, Visit&& visit) {
    visit("runs", s.runs, Agree::own);
    visit("failures", s.failures, Agree::own);
    visit("failure_kinds", s.failure_kinds, Agree::own);
    visit("latency", s.latency, Agree::own);
    visit("steps", s.steps, Agree::own);
    visit("steps_other", s.steps_other, Agree::own);
    visit("failed_at", s.failed_at, Agree::own);
    visit("failed_at_other", s.failed_at_other, Agree::own);
    visit("errors", s.errors, Agree::own);
    visit("errors_other", s.errors_other, Agree::own);
    visit("validator", s.validator, Agree::own);
    visit("ratio_sum", s.ratio_sum, Agree::own);
    visit("ratio_count", s.ratio_count, Agree::own);
    visit("corrected", s.corrected, Agree::own);
    visit("first_step", s.first_step, Agree::own);
    visit("first_step_corrected", s.first_step_corrected, Agree::own);
  }
};

template <>
struct Fields<ScheduleStats> {
  static constexpr bool described = true;
  template <class T, class Visit>
  static void each(T& s, Visit&& visit) {
    visit("planned", s.planned, Agree::own);
    visit("started", s.started, Agree::own);
    visit("dropped", s.dropped, Agree::own);
    visit("late", s.late, Agree::own);
    visit("lateness", s.lateness, Agree::own);
    visit("stages", s.stages, Agree::own);
  }
};

// The series' structs, one or more per interval, are sparse: a member holding its default (a
// zero count, no counts, an empty histogram, no steps, a NaN target) is left out and reads back
// as the default; only the members in kKeys (what identifies the point) are always written.
template <>
struct Fields<ScenarioPoint> {
  static constexpr bool described = true;
  static constexpr std::array<std::string_view, 0> kKeys{};
  template <class T, class Visit>
  static void each(T& p, Visit&& visit) {
    visit("starts", p.starts, Agree::own);
    visit("completions", p.completions, Agree::own);
    visit("failures", p.failures, Agree::own);
    visit("failure_kinds", p.failure_kinds, Agree::own);
    visit("dropped", p.dropped, Agree::own);
    visit("latency", p.latency, Agree::own);
    visit("corrected", p.corrected, Agree::own);
  }
};

template <>
struct Fields<StepPoint> {
  static constexpr bool described = true;
  static constexpr std::array<std::string_view, 2> kKeys{"scenario", "name"};
  template <class T, class Visit>
  static void each(T& p, Visit&& visit) {
    visit("scenario", p.scenario, Agree::own);
    visit("name", p.name, Agree::own);  // an index into the series' step_names
    visit("http", p.http, Agree::own);
    visit("runs", p.runs, Agree::own);
    visit("failures", p.failures, Agree::own);
    visit("latency", p.latency, Agree::own);
  }
};

template <>
struct Fields<SeriesInterval> {
  static constexpr bool described = true;
  static constexpr std::array<std::string_view, 1> kKeys{"index"};
  template <class T, class Visit>
  static void each(T& i, Visit&& visit) {
    visit("index", i.index, Agree::own);
    visit("scenarios", i.scenarios, Agree::own);
    visit("steps", i.steps, Agree::own);
    visit("planned", i.planned, Agree::own);
    visit("started", i.started, Agree::own);
    visit("late", i.late, Agree::own);
    visit("busy_ns", i.busy_ns, Agree::own);
    visit("target", i.target, Agree::own);
    visit("gateway_cpu_percent", i.gateway_cpu_percent, Agree::own);
    visit("gateway_rss_bytes", i.gateway_rss_bytes, Agree::own);
  }
};

template <class T>
concept Sparse = Described<T> && requires {
  Fields<T>::kKeys;
};

template <Sparse T>
bool is_key(std::string_view name) {
  return std::find(Fields<T>::kKeys.begin(), Fields<T>::kKeys.end(), name) !=
         Fields<T>::kKeys.end();
}

// The members of a default T, in visiting order (as type-erased pointers: the k-th is of the
// type of the k-th member each() visits).
template <Sparse T>
const std::vector<const void*>& default_members() {
  static const T kDefault{};
  static const std::vector<const void*> members = [] {
    std::vector<const void*> out;
    Fields<T>::each(kDefault,
                    [&](std::string_view, const auto& field, Agree) { out.push_back(&field); });
    return out;
  }();
  return members;
}

// Equal, doubles bit for bit (or both NaN, which the file cannot tell apart).
template <class F>
bool same_value(const F& a, const F& b) {
  if constexpr (std::is_same_v<F, double>) {
    return (std::isnan(a) && std::isnan(b)) ||
           std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
  } else {
    return a == b;
  }
}

// The enums the file names by their report names, and how many values each has (the last
// three: ExecutorKind in executor.h, Arrivals in schedule.h, WhenBusy in executor.h; a value
// added there is added here).
template <class Enum>
constexpr int enum_count();
template <>
constexpr int enum_count<Scenario>() {
  return kScenarioCount;
}
template <>
constexpr int enum_count<FailureKind>() {
  return kFailureKindCount;
}
template <>
constexpr int enum_count<ValidationCategory>() {
  return kValidationCategoryCount;
}
template <>
constexpr int enum_count<ExecutorKind>() {
  return 4;
}
template <>
constexpr int enum_count<Arrivals>() {
  return 2;
}
template <>
constexpr int enum_count<WhenBusy>() {
  return 2;
}

// ---- Writing.

// A histogram's non-empty bins: (index, count), increasing index (-1: underflow).
using HistogramBins = std::vector<std::pair<int, std::uint64_t>>;

constexpr char kHexDigits[] = "0123456789abcdef";

class Out {
 public:
  explicit Out(rapidjson::StringBuffer& buffer) : w_(buffer) {}

  template <class T>
  void member(std::string_view name, const T& value) {
    w_.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    write(value);
  }
  // A described struct: every field, as members of one object (a sparse struct's fields
  // holding their default left out, its keys apart).
  template <Described T>
  void write(const T& value) {
    w_.StartObject();
    std::size_t k = 0;
    Fields<T>::each(value, [&](std::string_view name, const auto& field, Agree) {
      if constexpr (Sparse<T>) {
        using F = std::remove_cvref_t<decltype(field)>;
        const auto& fallback = *static_cast<const F*>(default_members<T>()[k++]);
        if (!is_key<T>(name) && same_value(field, fallback)) return;
      }
      member(name, field);
    });
    w_.EndObject();
  }

  // Valid UTF-8 as a JSON string; anything else as {"hex": "..."}, byte for byte.
  void text(std::string_view value) {
    if (utf8::valid(value)) {
      w_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
      return;
    }
    std::string hex;
    hex.reserve(2 * value.size());
    for (unsigned char byte : value) {
      hex += kHexDigits[byte >> 4];
      hex += kHexDigits[byte & 0xF];
    }
    w_.StartObject();
    member("hex", std::string_view(hex));
    w_.EndObject();
  }

  void write(std::string_view value) { text(value); }
  void write(const std::string& value) { text(value); }
  void write(bool value) { w_.Bool(value); }
  void write(int value) { w_.Int(value); }
  void write(std::uint16_t value) { w_.Uint(value); }
  void write(std::int64_t value) { w_.Int64(value); }
  void write(std::uint64_t value) { w_.Uint64(value); }
  // RapidJSON's short (Grisu2) representation, which reads back exactly with full-precision
  // parsing; NaN as null, the infinities as the strings "inf" and "-inf" (JSON has none).
  void write(double value) {
    if (std::isnan(value)) {
      w_.Null();
    } else if (std::isinf(value)) {
      text(value > 0 ? "inf" : "-inf");
    } else {
      w_.Double(value);
    }
  }
  template <class Enum>
  requires std::is_enum_v<Enum>
  void write(Enum value) { text(to_string(value)); }
  // Counts indexed by an enum: an object of the non-zero ones, keyed by the enum's names.
  template <std::size_t N>
  void counts(const std::array<std::uint64_t, N>& values, auto name_of) {
    w_.StartObject();
    for (std::size_t i = 0; i < N; ++i) {
      if (values[i] != 0) member(to_string(name_of(i)), values[i]);
    }
    w_.EndObject();
  }
  void write(const std::array<std::uint64_t, kFailureKindCount>& values) {
    counts(values, [](std::size_t i) { return static_cast<FailureKind>(i); });
  }
  void write(const std::array<std::uint64_t, kValidationCategoryCount>& values) {
    counts(values, [](std::size_t i) { return static_cast<ValidationCategory>(i); });
  }
  void write(const std::array<std::uint64_t, kScenarioCount>& values) {
    counts(values, [](std::size_t i) { return static_cast<Scenario>(i); });
  }
  template <class T>
  void write(const std::vector<T>& values) {
    w_.StartArray();
    for (const T& value : values) write(value);
    w_.EndArray();
  }
  void write(const std::pair<Scenario, int>& weight) {
    w_.StartArray();
    write(weight.first);
    write(weight.second);
    w_.EndArray();
  }
  void write(const std::map<Scenario, Nanos>& budgets) {
    w_.StartObject();
    for (const auto& [scenario, budget] : budgets) member(to_string(scenario), budget.count());
    w_.EndObject();
  }
  void write(const Stage& stage) {
    w_.StartArray();
    write(stage.duration.count());
    write(stage.target);
    w_.EndArray();
  }
  void write(const StageCounts& stage) {
    w_.StartArray();
    write(stage.planned);
    write(stage.started);
    write(stage.dropped);
    w_.EndArray();
  }
  void write(const NamedCount& entry) {
    w_.StartArray();
    write(entry.name);
    write(entry.count);
    w_.EndArray();
  }
  // The series' scenario points: only those in which something happened, keyed by scenario.
  void write(const std::array<ScenarioPoint, kScenarioCount>& points) {
    static const ScenarioPoint kNothing{};
    w_.StartObject();
    for (Scenario scenario : kAllScenarios) {
      const ScenarioPoint& p = points[static_cast<std::size_t>(scenario)];
      if (!(p == kNothing)) member(to_string(scenario), p);
    }
    w_.EndObject();
  }
  // A histogram: its exact count, sum, min and max, and its non-empty bins (index, count), in
  // increasing index order, as runs of neighbouring bins: [first index, count, count, ...],
  // fewer than kRunGap empty bins between two counted ones written inside the run as 0s (a
  // new run costs more). An empty histogram is {"count": 0}.
  static constexpr int kRunGap = 3;
  void histogram(std::uint64_t count, Nanos sum, Nanos min, Nanos max, const HistogramBins& bins) {
    w_.StartObject();
    member("count", count);
    if (count > 0) {
      member("sum_ns", static_cast<std::uint64_t>(sum.count()));
      member("min_ns", min.count());
      member("max_ns", max.count());
      w_.Key("runs");
      w_.StartArray();
      int last = 0;  // the index of the open run's last bin
      for (std::size_t i = 0; i < bins.size(); ++i) {
        const auto [index, in_bin] = bins[i];
        if (i == 0 || index - last > kRunGap) {
          if (i > 0) w_.EndArray();
          w_.StartArray();
          w_.Int(index);
        } else {
          for (int empty = last + 1; empty < index; ++empty) w_.Uint(0);
        }
        w_.Uint64(in_bin);
        last = index;
      }
      if (!bins.empty()) w_.EndArray();
      w_.EndArray();
    }
    w_.EndObject();
  }
  void write(const LatencyHistogram& h) {
    bins_.clear();
    if (h.count() > 0) {
      for (int i = -1; i <= LatencyHistogram::kBins; ++i) {
        if (const std::uint64_t n = h.bin_count(i)) bins_.emplace_back(i, n);
      }
    }
    histogram(h.count(), h.sum(), h.min(), h.max(), bins_);
  }
  void write(const IntervalHistogram& h) {
    bins_.clear();
    for (const IntervalHistogram::Bin& bin : h.bins()) bins_.emplace_back(bin.index, bin.count);
    histogram(h.count(), h.sum(), h.min(), h.max(), bins_);
  }
  void write(const TimeSeries& series) {
    w_.StartObject();
    member("interval_ns", series.interval().count());
    member("begin_ns", series.begin);
    member("end_ns", series.end);
    member("step_names", series.step_names());
    member("intervals", series.intervals());
    w_.EndObject();
  }
  // Scenarios with nothing counted are left out.
  void write(const Registry& registry) {
    static const ScenarioStats kNothing{};
    w_.StartObject();
    w_.Key("scenarios");
    w_.StartObject();
    for (Scenario scenario : kAllScenarios) {
      if (!(registry.stats(scenario) == kNothing))
        member(to_string(scenario), registry.stats(scenario));
    }
    w_.EndObject();
    member("schedule", registry.schedule());
    member("series", registry.series());
    w_.EndObject();
  }
  void write(const RunReport& report) {
    w_.StartObject();
    member("format", kFormatName);
    member("format_version", kResultFormatVersion);
    member("settings", report.settings);
    member("thresholds", report.thresholds);
    member("started_at_ns",
           std::chrono::duration_cast<Nanos>(report.started_at.time_since_epoch()).count());
    member("partial", report.partial);
    member("partial_reason", report.partial_reason);
    member("cases", report.cases);
    w_.EndObject();
  }

 private:
  rapidjson::Writer<rapidjson::StringBuffer> w_;
  HistogramBins bins_;  // reused by every histogram written
};

// The JSON text of one value: what segments are compared by, and how a differing value is shown.
template <class T>
std::string json_text(const T& value) {
  rapidjson::StringBuffer buffer;
  Out out(buffer);
  out.write(value);
  return {buffer.GetString(), buffer.GetSize()};
}

// ---- Reading.

// A value of the parsed document and where it is ("cases[0].registry.series"), for messages.
// Children point to their parent, so a path is only spelled out when something is wrong.
class Node {
 public:
  Node(const rapidjson::Value& json, const std::string& file) : json_(json), file_(file) {}
  Node(const rapidjson::Value& json, const Node& parent, std::string_view key)
      : json_(json), file_(parent.file_), parent_(&parent), key_(key) {}
  Node(const rapidjson::Value& json, const Node& parent, std::size_t index)
      : json_(json), file_(parent.file_), parent_(&parent), index_(index), indexed_(true) {}

  const rapidjson::Value& json() const { return json_; }

  std::string path() const {
    if (!parent_) return "";
    std::string path = parent_->path();
    if (indexed_) return path + "[" + std::to_string(index_) + "]";
    return path.empty() ? std::string(key_) : path + "." + std::string(key_);
  }
  [[noreturn]] void fail(const std::string& what) const {
    const std::string where = path();
    throw std::runtime_error(file_ + ": " +
                             (where.empty() ? what : "malformed field " + where + ": " + what));
  }

  const rapidjson::Value* find(std::string_view key) const {
    if (!json_.IsObject()) fail("want an object");
    const auto found =
        json_.FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), key.size())));
    return found == json_.MemberEnd() ? nullptr : &found->value;
  }
  Node field(std::string_view key) const {
    const rapidjson::Value* value = find(key);
    if (!value) {
      const std::string where = path();
      throw std::runtime_error(file_ + ": missing field " +
                               (where.empty() ? std::string(key) : where + "." + std::string(key)));
    }
    return Node(*value, *this, key);
  }
  std::size_t size() const {
    if (!json_.IsArray()) fail("want an array");
    return json_.Size();
  }
  Node item(std::size_t index) const {
    return Node(json_[static_cast<rapidjson::SizeType>(index)], *this, index);
  }
  // Calls visit(key, node) for every member of the object.
  template <class Visit>
  void each_member(Visit&& visit) const {
    if (!json_.IsObject()) fail("want an object");
    for (const auto& m : json_.GetObject()) {
      const std::string_view key(m.name.GetString(), m.name.GetStringLength());
      visit(key, Node(m.value, *this, key));
    }
  }

 private:
  const rapidjson::Value& json_;
  const std::string& file_;
  const Node* parent_ = nullptr;
  std::string_view key_;
  std::size_t index_ = 0;
  bool indexed_ = false;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void read(const Node& n, std::string& value) {
  const rapidjson::Value& j = n.json();
  if (j.IsString()) {
    value.assign(j.GetString(), j.GetStringLength());
    return;
  }
  if (!j.IsObject() || j.MemberCount() != 1 || !n.find("hex") || !n.find("hex")->IsString()) {
    n.fail("want a string or {\"hex\": \"...\"}");
  }
  const rapidjson::Value& hex = *n.find("hex");
  const std::string_view digits(hex.GetString(), hex.GetStringLength());
  if (digits.size() % 2 != 0) n.fail("odd number of hex digits");
  value.clear();
  for (std::size_t i = 0; i < digits.size(); i += 2) {
    const int high = hex_value(digits[i]);
    const int low = hex_value(digits[i + 1]);
    if (high < 0 || low < 0) n.fail("not a lowercase hex digit in '" + std::string(digits) + "'");
    value += static_cast<char>(high * 16 + low);
  }
}
void read(const Node& n, bool& value) {
  if (!n.json().IsBool()) n.fail("want true or false");
  value = n.json().GetBool();
}
void read(const Node& n, int& value) {
  if (!n.json().IsInt()) n.fail("want a 32-bit integer");
  value = n.json().GetInt();
}
void read(const Node& n, std::uint16_t& value) {
  if (!n.json().IsUint() || n.json().GetUint() > 0xFFFF) n.fail("want an integer in 0..65535");
  value = static_cast<std::uint16_t>(n.json().GetUint());
}
void read(const Node& n, std::int64_t& value) {
  if (!n.json().IsInt64()) n.fail("want a 64-bit integer");
  value = n.json().GetInt64();
}
void read(const Node& n, std::uint64_t& value) {
  if (!n.json().IsUint64()) n.fail("want a non-negative 64-bit integer");
  value = n.json().GetUint64();
}
void read(const Node& n, double& value) {
  const rapidjson::Value& j = n.json();
  if (j.IsNull()) {
    value = std::numeric_limits<double>::quiet_NaN();
  } else if (j.IsNumber()) {
    value = j.GetDouble();
  } else if (j.IsString() && j.GetString() == std::string_view("inf")) {
    value = std::numeric_limits<double>::infinity();
  } else if (j.IsString() && j.GetString() == std::string_view("-inf")) {
    value = -std::numeric_limits<double>::infinity();
  } else {
    n.fail("want a number, null (NaN), \"inf\" or \"-inf\"");
  }
}
// The enum value named `name`; fails at `where` for any other name.
template <class Enum>
Enum named(const Node& where, std::string_view name) {
  for (int i = 0; i < enum_count<Enum>(); ++i) {
    if (to_string(static_cast<Enum>(i)) == name) return static_cast<Enum>(i);
  }
  where.fail("unknown name '" + std::string(name) + "'");
}
template <class Enum>
requires std::is_enum_v<Enum>
void read(const Node& n, Enum& value) {
  std::string name;
  read(n, name);
  value = named<Enum>(n, name);
}
// An object of counts keyed by an enum's names (absent names count 0).
template <class Enum, std::size_t N>
void read_counts(const Node& n, std::array<std::uint64_t, N>& values) {
  values.fill(0);
  n.each_member([&](std::string_view key, const Node& count) {
    read(count, values[static_cast<std::size_t>(named<Enum>(count, key))]);
  });
}

void read(const Node& n, std::array<std::uint64_t, kFailureKindCount>& values);
void read(const Node& n, std::array<std::uint64_t, kValidationCategoryCount>& values);
void read(const Node& n, std::array<std::uint64_t, kScenarioCount>& values);
void read(const Node& n, std::pair<Scenario, int>& weight);
void read(const Node& n, std::map<Scenario, Nanos>& budgets);
void read(const Node& n, Stage& stage);
void read(const Node& n, StageCounts& stage);
void read(const Node& n, NamedCount& entry);
void read(const Node& n, std::array<ScenarioPoint, kScenarioCount>& points);
void read(const Node& n, LatencyHistogram& h);
void read(const Node& n, IntervalHistogram& h);
void read(const Node& n, Registry& r);
template <Described T>
void read(const Node& n, T& value);

template <class T>
void read(const Node& n, std::vector<T>& values) {
  values.assign(n.size(), T{});
  for (std::size_t i = 0; i < values.size(); ++i) read(n.item(i), values[i]);
}
// A JSON array of exactly `size` items.
void want_items(const Node& n, std::size_t size) {
  if (n.size() != size) n.fail("want an array of " + std::to_string(size) + " items");
}

// What was read stays within the registry's bounds, so a merge of it keeps them.
template <class T>
void check_bound(const Node& n, const std::vector<T>& values, std::size_t bound) {
  if (values.size() > bound) n.fail("more than " + std::to_string(bound) + " entries");
}
template <class T>
void check(const Node&, const T&) {}
void check(const Node& n, const ScenarioStats& s) {
  check_bound(n.field("steps"), s.steps, ScenarioStats::kMaxSteps);
  check_bound(n.field("failed_at"), s.failed_at, ScenarioStats::kMaxFailedAt);
  check_bound(n.field("errors"), s.errors, ScenarioStats::kMaxErrorSamples);
}
void check(const Node& n, const ScheduleStats& s) {
  check_bound(n.field("stages"), s.stages, ScheduleStats::kMaxStages);
}

// A described struct: an object holding every field (a sparse struct: its keys, and the
// others unless they hold their default).
template <Described T>
void read(const Node& n, T& value) {
  if (!n.json().IsObject()) n.fail("want an object");
  if constexpr (Sparse<T>) value = T{};
  Fields<T>::each(value, [&](std::string_view name, auto& field, Agree) {
    if constexpr (Sparse<T>) {
      if (!is_key<T>(name)) {
        if (const rapidjson::Value* found = n.find(name)) read(Node(*found, n, name), field);
        return;
      }
    }
    read(n.field(name), field);
  });
  check(n, value);
}

void read(const Node& n, std::array<std::uint64_t, kFailureKindCount>& values) {
  read_counts<FailureKind>(n, values);
}
void read(const Node& n, std::array<std::uint64_t, kValidationCategoryCount>& values) {
  read_counts<ValidationCategory>(n, values);
}
void read(const Node& n, std::array<std::uint64_t, kScenarioCount>& values) {
  read_counts<Scenario>(n, values);
}
void read(const Node& n, std::pair<Scenario, int>& weight) {
  want_items(n, 2);
  read(n.item(0), weight.first);
  read(n.item(1), weight.second);
}
void read(const Node& n, std::map<Scenario, Nanos>& budgets) {
  budgets.clear();
  n.each_member([&](std::string_view key, const Node& budget) {
    std::int64_t ns = 0;
    read(budget, ns);
    budgets[named<Scenario>(budget, key)] = Nanos{ns};
  });
}
void read(const Node& n, Stage& stage) {
  want_items(n, 2);
  std::int64_t ns = 0;
  read(n.item(0), ns);
  stage.duration = Nanos{ns};
  read(n.item(1), stage.target);
}
void read(const Node& n, StageCounts& stage) {
  want_items(n, 3);
  read(n.item(0), stage.planned);
  read(n.item(1), stage.started);
  read(n.item(2), stage.dropped);
}
void read(const Node& n, NamedCount& entry) {
  want_items(n, 2);
  read(n.item(0), entry.name);
  read(n.item(1), entry.count);
}
void read(const Node& n, std::array<ScenarioPoint, kScenarioCount>& points) {
  points.fill(ScenarioPoint{});
  n.each_member([&](std::string_view key, const Node& point) {
    read(point, points[static_cast<std::size_t>(named<Scenario>(point, key))]);
  });
}

// A histogram's parts: count, and with samples sum, min, max and the non-empty bins, read from
// runs of bins in [-1, max_bin], in increasing order, that add up to count.
struct HistogramParts {
  std::uint64_t count = 0;
  std::uint64_t sum_ns = 0;
  std::int64_t min_ns = 0;
  std::int64_t max_ns = 0;
  HistogramBins bins;
};
HistogramParts read_histogram(const Node& n, int max_bin) {
  HistogramParts parts;
  read(n.field("count"), parts.count);
  if (parts.count == 0) return parts;
  read(n.field("sum_ns"), parts.sum_ns);
  read(n.field("min_ns"), parts.min_ns);
  read(n.field("max_ns"), parts.max_ns);
  const Node runs = n.field("runs");
  std::uint64_t total = 0;
  std::int64_t next = -1;  // the lowest index the next run may start at
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const Node run = runs.item(r);
    if (run.size() < 2) run.fail("want [first bin, count, ...]");
    int first = 0;
    read(run.item(0), first);
    const std::int64_t last = std::int64_t{first} + static_cast<std::int64_t>(run.size()) - 2;
    for (const std::int64_t outside : {std::int64_t{first}, last}) {
      if (outside < -1 || outside > max_bin) {
        n.fail("histogram bin " + std::to_string(outside) + " is outside [-1, " +
               std::to_string(max_bin) + "]");
      }
    }
    if (first < next) run.fail("runs must be in increasing bin order, without overlap");
    for (std::size_t i = 1; i < run.size(); ++i) {
      std::uint64_t in_bin = 0;
      read(run.item(i), in_bin);
      if (in_bin == 0) continue;
      parts.bins.emplace_back(first + static_cast<int>(i) - 1, in_bin);
      if (total + in_bin < total) n.fail("the bins' counts overflow");
      total += in_bin;
    }
    next = last + 1;
  }
  if (total != parts.count) {
    n.fail("the bins hold " + std::to_string(total) + " samples, count says " +
           std::to_string(parts.count));
  }
  return parts;
}
void read(const Node& n, LatencyHistogram& h) {
  const HistogramParts parts = read_histogram(n, LatencyHistogram::kBins);
  try {
    h = LatencyHistogram::from_bins(parts.bins, parts.sum_ns, parts.min_ns, parts.max_ns);
  } catch (const std::invalid_argument& e) {
    n.fail(e.what());
  }
}
void read(const Node& n, IntervalHistogram& h) {
  const HistogramParts parts = read_histogram(n, IntervalHistogram::kBins);
  std::vector<IntervalHistogram::Bin> bins;
  for (const auto& [index, count] : parts.bins) bins.push_back({index, count});
  if (parts.count > 0 && parts.min_ns > parts.max_ns) n.fail("min_ns exceeds max_ns");
  try {
    h = IntervalHistogram::from_parts(bins, parts.sum_ns, parts.min_ns, parts.max_ns);
  } catch (const std::invalid_argument& e) {
    n.fail(e.what());
  }
}

void read_series(const Node& n, TimeSeries& series) {
  std::int64_t interval_ns = 0;
  read(n.field("interval_ns"), interval_ns);
  if (interval_ns < 0) n.field("interval_ns").fail("negative");
  series = TimeSeries(Nanos{interval_ns});
  read(n.field("begin_ns"), series.begin);
  read(n.field("end_ns"), series.end);
  std::vector<std::string> names;
  read(n.field("step_names"), names);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (series.step_id(names[i]) != i) n.field("step_names").item(i).fail("a repeated name");
  }
  const Node intervals = n.field("intervals");
  read(intervals, series.intervals());
  if (interval_ns == 0 && !series.intervals().empty())
    intervals.fail("a series without an interval length holds intervals");
  for (std::size_t i = 0; i < series.intervals().size(); ++i) {
    const SeriesInterval& interval = series.intervals()[i];
    if (i > 0 && interval.index <= series.intervals()[i - 1].index)
      intervals.item(i).fail("intervals must be in increasing index order");
    for (std::size_t s = 0; s < interval.steps.size(); ++s) {
      if (interval.steps[s].name >= names.size())
        intervals.item(i).field("steps").item(s).field("name").fail("no such step name");
    }
  }
}
void read(const Node& n, Registry& r) {
  n.field("scenarios").each_member([&](std::string_view key, const Node& stats) {
    read(stats, r.stats(named<Scenario>(stats, key)));
  });
  read(n.field("schedule"), r.schedule());
  read_series(n.field("series"), r.series());
}

// ---- Comparing, for the merge.

// The fields that must agree and do not, with both values: "duration_s 10.0 in a.json, 20.0 in
// b.json; seed 1 in a.json, 2 in b.json".
template <Described T>
std::string differences(const T& a, const std::string& a_name, const T& b,
                        const std::string& b_name) {
  std::vector<std::string> a_values;
  Fields<T>::each(a, [&](std::string_view, const auto& value, Agree agree) {
    if (agree == Agree::must) a_values.push_back(json_text(value));
  });
  std::string text;
  std::size_t next = 0;
  Fields<T>::each(b, [&](std::string_view name, const auto& value, Agree agree) {
    if (agree != Agree::must) return;
    const std::string& a_value = a_values[next++];
    const std::string b_value = json_text(value);
    if (a_value == b_value) return;
    if (!text.empty()) text += "; ";
    text += std::string(name) + " " + a_value + " in " + a_name + ", " + b_value + " in " + b_name;
  });
  return text;
}

// A RapidJSON input stream over a std::istream, read a chunk at a time (RapidJSON's own
// IStreamWrapper peeks the istream for every byte, which takes most of a merge's time).
class ChunkedInput {
 public:
  using Ch = char;
  explicit ChunkedInput(std::istream& in) : in_(in) { fill(); }

  Ch Peek() const { return next_ < end_ ? *next_ : '\0'; }
  Ch Take() {
    if (next_ == end_) return '\0';
    const Ch c = *next_++;
    if (next_ == end_) fill();
    return c;
  }
  std::size_t Tell() const { return consumed_ + static_cast<std::size_t>(next_ - buffer_.data()); }
  // Input only.
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  std::size_t PutEnd(Ch*) { return 0; }

 private:
  void fill() {
    consumed_ += static_cast<std::size_t>(end_ - buffer_.data());
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    next_ = buffer_.data();
    end_ = next_ + in_.gcount();
  }

  std::istream& in_;
  std::vector<Ch> buffer_ = std::vector<Ch>(64 * 1024);
  const Ch* next_ = buffer_.data();
  const Ch* end_ = buffer_.data();
  std::size_t consumed_ = 0;  // bytes of the chunks before the current one
};

}  // namespace

std::string result_differences(const RunSettings& a, const std::string& a_name,
                               const RunSettings& b, const std::string& b_name) {
  return differences(a, a_name, b, b_name);
}
std::string result_differences(const Thresholds& a, const std::string& a_name, const Thresholds& b,
                               const std::string& b_name) {
  return differences(a, a_name, b, b_name);
}
std::string result_differences(const CaseReport& a, const std::string& a_name, const CaseReport& b,
                               const std::string& b_name) {
  return differences(a, a_name, b, b_name);
}

void write_result(const RunReport& report, std::ostream& out) {
  rapidjson::StringBuffer buffer;
  Out writer(buffer);
  writer.write(report);
  out.write(buffer.GetString(), static_cast<std::streamsize>(buffer.GetSize()));
  out << '\n';
}

RunReport read_result(std::istream& in, const std::string& name_for_errors) {
  // Parsed from the stream, so the file's text is never held beside its document.
  ChunkedInput stream(in);
  rapidjson::Document doc;
  doc.ParseStream<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseValidateEncodingFlag>(
      stream);
  if (in.bad()) throw std::runtime_error(name_for_errors + ": cannot be read");
  if (doc.HasParseError()) {
    throw std::runtime_error(name_for_errors + ": not a result file: not JSON (" +
                             rapidjson::GetParseError_En(doc.GetParseError()) + " at byte " +
                             std::to_string(doc.GetErrorOffset()) + ")");
  }
  const rapidjson::Value* format = doc.IsObject() ? &doc : nullptr;
  if (format) {
    const auto found = doc.FindMember("format");
    format = found == doc.MemberEnd() ? nullptr : &found->value;
  }
  if (!format || !format->IsString() || format->GetString() != kFormatName) {
    throw std::runtime_error(name_for_errors + ": not a result file (no \"format\": \"" +
                             std::string(kFormatName) + "\")");
  }
  const Node root(doc, name_for_errors);
  const Node version = root.field("format_version");
  if (!version.json().IsInt()) version.fail("want an integer");
  if (version.json().GetInt() != kResultFormatVersion) {
    throw std::runtime_error(
        name_for_errors + ": format version " + std::to_string(version.json().GetInt()) +
        " is not supported (this build reads " + std::to_string(kResultFormatVersion) + ")");
  }
  RunReport report;
  read(root.field("settings"), report.settings);
  read(root.field("thresholds"), report.thresholds);
  std::int64_t started_ns = 0;
  read(root.field("started_at_ns"), started_ns);
  report.started_at = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(Nanos{started_ns}));
  read(root.field("partial"), report.partial);
  read(root.field("partial_reason"), report.partial_reason);
  read(root.field("cases"), report.cases);
  return report;
}

namespace {

class ResultReporter final : public Reporter {
 public:
  void write(const RunReport& report, std::ostream& out) const override {
    write_result(report, out);
  }
  std::string_view file_name() const override { return "result.json"; }
};

}  // namespace

std::unique_ptr<Reporter> make_result_reporter() { return std::make_unique<ResultReporter>(); }

}  // namespace multitier
