#include "multitier/run/series.h"

#include <algorithm>
#include <stdexcept>

#include "multitier/run/schedule_stats.h"

namespace multitier {

namespace {

constexpr int kDenseSize = IntervalHistogram::kBins + 2;

// Floor division, also for times before the epoch.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

void put_varint(std::vector<std::uint8_t>& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

std::uint64_t get_varint(const std::uint8_t*& p) {
  std::uint64_t value = 0;
  for (int shift = 0;; shift += 7) {
    const std::uint8_t byte = *p++;
    value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return value;
  }
}

// NaN-aware sum: unknown + known is the known part; unknown + unknown stays unknown.
double add_known(double a, double b) {
  if (std::isnan(a)) return b;
  if (std::isnan(b)) return a;
  return a + b;
}

double max_known(double a, double b) {
  if (std::isnan(a)) return b;
  if (std::isnan(b)) return a;
  return std::max(a, b);
}

bool same_or_both_nan(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

void merge_point(ScenarioPoint& to, const ScenarioPoint& from) {
  to.starts += from.starts;
  to.completions += from.completions;
  to.failures += from.failures;
  for (std::size_t k = 0; k < to.failure_kinds.size(); ++k) {
    to.failure_kinds[k] += from.failure_kinds[k];
  }
  to.dropped += from.dropped;
  to.latency.merge(from.latency);
  to.corrected.merge(from.corrected);
}

}  // namespace

const double IntervalHistogram::kMaxRelativeError =
    std::pow(LatencyHistogram::kHighestNs / LatencyHistogram::kLowestNs,
             static_cast<double>(kCoarsen) / LatencyHistogram::kBins) -
    1.0;

double IntervalHistogram::lower_edge_ns(int index) {
  if (index < 0) return 0.0;
  if (index > kBins) index = kBins;
  return LatencyHistogram::kLowestNs *
         std::pow(LatencyHistogram::kHighestNs / LatencyHistogram::kLowestNs,
                  static_cast<double>(index) / kBins);
}

double IntervalHistogram::upper_edge_ns(int index) {
  if (index >= kBins) return std::numeric_limits<double>::infinity();
  return lower_edge_ns(index + 1);
}

IntervalHistogram IntervalHistogram::from(const LatencyHistogram& fine) {
  IntervalHistogram out;
  if (fine.count() == 0) return out;
  Dense dense{};
  dense[0] = fine.bin_count(-1);
  for (int i = 0; i < LatencyHistogram::kBins; ++i) {
    if (const std::uint64_t n = fine.bin_count(i)) dense[1 + i / kCoarsen] += n;
  }
  dense[kDenseSize - 1] = fine.bin_count(LatencyHistogram::kBins);
  out.count_ = fine.count();
  out.sum_ns_ = static_cast<std::uint64_t>(fine.sum().count());
  out.min_ns_ = fine.min().count();
  out.max_ns_ = fine.max().count();
  out.encode(dense);
  return out;
}

IntervalHistogram IntervalHistogram::from_parts(const std::vector<Bin>& bins, std::uint64_t sum_ns,
                                                std::int64_t min_ns, std::int64_t max_ns) {
  IntervalHistogram out;
  Dense dense{};
  for (const Bin& bin : bins) {
    if (bin.index < -1 || bin.index > kBins) {
      throw std::invalid_argument("interval histogram bin " + std::to_string(bin.index) +
                                  " is outside [-1, " + std::to_string(kBins) + "]");
    }
    dense[static_cast<std::size_t>(bin.index + 1)] += bin.count;
    out.count_ += bin.count;
  }
  if (out.count_ == 0) return IntervalHistogram{};
  out.sum_ns_ = sum_ns;
  out.min_ns_ = min_ns;
  out.max_ns_ = max_ns;
  out.encode(dense);
  return out;
}

// The bins as runs: varint(gap of empty bins before the run), varint(run length), then the
// run's counts as varints. A latency distribution fills a band of neighbouring bins, so most
// bins cost their count's one or two bytes and nothing else; short holes (fewer than
// kSplitGap empty bins) stay inside a run as zero counts, one byte each.
namespace {
constexpr int kSplitGap = 3;
}  // namespace

void IntervalHistogram::encode(const Dense& dense) {
  encoded_.clear();
  int next = 0;  // first bin not yet encoded
  while (true) {
    int start = next;
    while (start < kDenseSize && dense[static_cast<std::size_t>(start)] == 0) ++start;
    if (start == kDenseSize) break;
    int end = start + 1;  // one past the run's last non-empty bin
    for (int probe = end; probe < kDenseSize && probe < end + kSplitGap; ++probe) {
      if (dense[static_cast<std::size_t>(probe)] != 0) end = probe + 1;
    }
    put_varint(encoded_, static_cast<std::uint64_t>(start - next));
    put_varint(encoded_, static_cast<std::uint64_t>(end - start));
    for (int d = start; d < end; ++d) put_varint(encoded_, dense[static_cast<std::size_t>(d)]);
    next = end;
  }
  encoded_.shrink_to_fit();
}

namespace {
// Calls visit(dense index, count) for every non-empty bin, in increasing order.
template <class Visit>
void for_each_bin(const std::vector<std::uint8_t>& encoded, Visit&& visit) {
  const std::uint8_t* p = encoded.data();
  const std::uint8_t* end = p + encoded.size();
  int next = 0;
  while (p < end) {
    const int start = next + static_cast<int>(get_varint(p));
    const int length = static_cast<int>(get_varint(p));
    for (int d = start; d < start + length; ++d) {
      if (const std::uint64_t count = get_varint(p)) visit(d, count);
    }
    next = start + length;
  }
}
}  // namespace

void IntervalHistogram::decode(Dense& into) const {
  for_each_bin(encoded_,
               [&](int d, std::uint64_t count) { into[static_cast<std::size_t>(d)] += count; });
}

std::vector<IntervalHistogram::Bin> IntervalHistogram::bins() const {
  std::vector<Bin> out;
  for_each_bin(encoded_, [&](int d, std::uint64_t count) { out.push_back({d - 1, count}); });
  return out;
}

Nanos IntervalHistogram::mean() const noexcept {
  return Nanos{count_ ? static_cast<std::int64_t>(sum_ns_ / count_) : 0};
}

void IntervalHistogram::merge(const IntervalHistogram& other) {
  if (other.count_ == 0) return;
  if (count_ == 0) {
    *this = other;
    return;
  }
  Dense dense{};
  decode(dense);
  other.decode(dense);
  encode(dense);
  count_ += other.count_;
  sum_ns_ += other.sum_ns_;
  min_ns_ = std::min(min_ns_, other.min_ns_);
  max_ns_ = std::max(max_ns_, other.max_ns_);
}

Nanos IntervalHistogram::percentile(double q) const {
  if (count_ == 0) return Nanos{0};
  q = std::clamp(std::isnan(q) ? 0.0 : q, 0.0, 1.0);
  const double n = static_cast<double>(count_);
  const double rank = std::clamp(std::ceil(q * n), 1.0, n);
  if (rank == 1.0) return min();
  if (rank == n) return max();
  double before = 0;
  for (const Bin& bin : bins()) {
    const auto in_bin = static_cast<double>(bin.count);
    if (before + in_bin < rank) {
      before += in_bin;
      continue;
    }
    // As LatencyHistogram::percentile: the bin narrowed to [min, max], the rank placed
    // geometrically within it.
    const double lo = std::max(lower_edge_ns(bin.index), static_cast<double>(min_ns_));
    const double hi = std::min(upper_edge_ns(bin.index), static_cast<double>(max_ns_));
    const double fraction = (rank - before - 0.5) / in_bin;
    const double value = lo > 0 ? lo * std::pow(hi / lo, fraction) : lo + (hi - lo) * fraction;
    const auto ns = static_cast<std::int64_t>(std::llround(value));
    return Nanos{std::clamp(ns, min_ns_, max_ns_)};
  }
  return max();
}

std::uint64_t SeriesInterval::completions() const {
  std::uint64_t total = 0;
  for (const auto& p : scenarios) total += p.completions;
  return total;
}

std::uint64_t SeriesInterval::failures() const {
  std::uint64_t total = 0;
  for (const auto& p : scenarios) total += p.failures;
  return total;
}

std::uint64_t SeriesInterval::dropped() const {
  std::uint64_t total = 0;
  for (const auto& p : scenarios) total += p.dropped;
  return total;
}

std::uint64_t SeriesInterval::requests() const {
  std::uint64_t total = 0;
  for (const auto& step : steps) {
    if (step.http) total += step.runs;
  }
  return total;
}

std::uint64_t SeriesInterval::request_failures() const {
  std::uint64_t total = 0;
  for (const auto& step : steps) {
    if (step.http) total += step.failures;
  }
  return total;
}

IntervalHistogram SeriesInterval::total_latency() const {
  IntervalHistogram total;
  for (const auto& p : scenarios) total.merge(p.latency);
  return total;
}

IntervalHistogram SeriesInterval::http_latency() const {
  IntervalHistogram total;
  for (const auto& step : steps) {
    if (step.http) total.merge(step.latency);
  }
  return total;
}

bool SeriesInterval::empty() const {
  if (planned || started || late || busy_ns || !steps.empty()) return false;
  if (!std::isnan(gateway_cpu_percent) || gateway_rss_bytes) return false;
  for (const auto& p : scenarios) {
    if (p.starts || p.completions || p.dropped) return false;
  }
  return true;
}

bool operator==(const SeriesInterval& a, const SeriesInterval& b) {
  return a.index == b.index && a.scenarios == b.scenarios && a.steps == b.steps &&
         a.planned == b.planned && a.started == b.started && a.late == b.late &&
         a.busy_ns == b.busy_ns && same_or_both_nan(a.target, b.target) &&
         same_or_both_nan(a.gateway_cpu_percent, b.gateway_cpu_percent) &&
         a.gateway_rss_bytes == b.gateway_rss_bytes;
}

TimeSeries::TimeSeries(Nanos interval) : interval_(interval) {
  if (interval.count() < 0) throw std::invalid_argument("a series interval cannot be negative");
}

std::int64_t TimeSeries::index_of(WallNanos at) const { return floor_div(at, interval_.count()); }

void TimeSeries::open_at(WallNanos at) {
  const std::int64_t index = index_of(at);
  if (open_active_) {
    if (index <= open_.index) return;  // the same interval (an earlier time stays in it)
    close();
  }
  open_.index = index;
  open_active_ = true;
  if (open_scenarios_.empty()) open_scenarios_.resize(kScenarioCount);
}

TimeSeries::OpenStep* TimeSeries::open_step(Scenario scenario, std::string_view name, bool http) {
  for (OpenStep& step : open_steps_) {
    if (step.scenario == scenario && (step.name.data() == name.data() || step.name == name)) {
      return &step;
    }
  }
  if (open_steps_.size() >= kMaxOpenSteps) return nullptr;  // as the registry's kMaxSteps
  open_steps_.push_back(OpenStep{scenario, name, step_id(name), http, 0, 0, false, {}});
  return &open_steps_.back();
}

std::uint16_t TimeSeries::step_id(std::string_view name) {
  for (std::size_t i = 0; i < step_names_.size(); ++i) {
    if (step_names_[i] == name) return static_cast<std::uint16_t>(i);
  }
  step_names_.emplace_back(name);
  return static_cast<std::uint16_t>(step_names_.size() - 1);
}

void TimeSeries::record(const ScenarioResult& result, WallNanos at) {
  if (!enabled()) return;
  open_at(at);
  const auto s = static_cast<std::size_t>(result.scenario);
  ScenarioPoint& point = open_.scenarios[s];
  ++point.completions;
  if (!result.success) {
    ++point.failures;
    ++point.failure_kinds[static_cast<std::size_t>(result.failure.kind)];
  }
  OpenScenario& working = open_scenarios_[s];
  working.latency.record(result.latency);
  if (result.waited) working.corrected.record(result.latency + *result.waited);
  open_.busy_ns += static_cast<std::uint64_t>(std::max<std::int64_t>(result.latency.count(), 0));
  for (const StepResult& step : result.steps) {
    OpenStep* found = open_step(result.scenario, step.step, step.http);
    if (!found) continue;
    OpenStep& slot = *found;
    slot.used = true;
    ++slot.runs;
    if (step.failure) ++slot.failures;
    slot.latency.record(step.latency);
  }
}

void TimeSeries::count_start(Scenario scenario, WallNanos at) {
  if (!enabled()) return;
  open_at(at);
  ++open_.scenarios[static_cast<std::size_t>(scenario)].starts;
}

void TimeSeries::count_planned(WallNanos at) {
  if (!enabled()) return;
  open_at(at);
  ++open_.planned;
}

void TimeSeries::count_started(Nanos lateness, WallNanos at) {
  if (!enabled()) return;
  open_at(at);
  ++open_.started;
  if (lateness > ScheduleStats::kLate) ++open_.late;
}

void TimeSeries::count_dropped(Scenario scenario, WallNanos at) {
  if (!enabled()) return;
  open_at(at);
  ++open_.scenarios[static_cast<std::size_t>(scenario)].dropped;
}

void TimeSeries::close() {
  if (!open_active_) return;
  open_active_ = false;
  for (std::size_t s = 0; s < open_scenarios_.size(); ++s) {
    OpenScenario& working = open_scenarios_[s];
    if (working.latency.count()) {
      open_.scenarios[s].latency = IntervalHistogram::from(working.latency);
      working.latency.clear();
    }
    if (working.corrected.count()) {
      open_.scenarios[s].corrected = IntervalHistogram::from(working.corrected);
      working.corrected.clear();
    }
  }
  for (OpenStep& step : open_steps_) {
    if (!step.used) continue;
    open_.steps.push_back(StepPoint{step.scenario, step.id, step.http, step.runs, step.failures,
                                    IntervalHistogram::from(step.latency)});
    step.used = false;
    step.runs = step.failures = 0;
    step.latency.clear();
  }
  if (!open_.empty()) {
    open_.steps.shrink_to_fit();
    closed_.push_back(std::move(open_));
  }
  open_ = SeriesInterval{};
}

void TimeSeries::roll(WallNanos now) {
  if (open_active_ && enabled() && index_of(now) > open_.index) close();
}

void TimeSeries::finish() {
  close();
  open_scenarios_.clear();
  open_scenarios_.shrink_to_fit();
  open_steps_.clear();
  open_steps_.shrink_to_fit();
}

double TimeSeries::covered_s(std::int64_t index) const {
  if (!enabled()) return 0;
  const auto length = interval_.count();
  const WallNanos from = std::max<WallNanos>(index * length, begin);
  const WallNanos to = std::min<WallNanos>((index + 1) * length, end);
  return to > from ? static_cast<double>(to - from) / 1e9 : 0.0;
}

const SeriesInterval* TimeSeries::find(std::int64_t index) const {
  auto it = std::lower_bound(closed_.begin(), closed_.end(), index,
                             [](const SeriesInterval& i, std::int64_t v) { return i.index < v; });
  return it != closed_.end() && it->index == index ? &*it : nullptr;
}

TimeSeries TimeSeries::slice(std::int64_t index) const {
  TimeSeries out(interval_);
  out.step_names_ = step_names_;
  if (const SeriesInterval* found = find(index)) out.closed_.push_back(*found);
  return out;
}

SeriesInterval& TimeSeries::at_index(std::int64_t index) {
  auto it = std::lower_bound(closed_.begin(), closed_.end(), index,
                             [](const SeriesInterval& i, std::int64_t v) { return i.index < v; });
  if (it != closed_.end() && it->index == index) return *it;
  SeriesInterval fresh;
  fresh.index = index;
  return *closed_.insert(it, std::move(fresh));
}

void TimeSeries::fill(std::int64_t first, std::int64_t last) {
  if (last < first) return;
  std::vector<SeriesInterval> filled;
  filled.reserve(closed_.size() + static_cast<std::size_t>(last - first + 1));
  auto it = closed_.begin();
  while (it != closed_.end() && it->index < first) filled.push_back(std::move(*it++));
  for (std::int64_t index = first; index <= last; ++index) {
    if (it != closed_.end() && it->index == index) {
      filled.push_back(std::move(*it++));
    } else {
      filled.emplace_back();
      filled.back().index = index;
    }
  }
  while (it != closed_.end()) filled.push_back(std::move(*it++));
  filled.shrink_to_fit();
  closed_ = std::move(filled);
}

void TimeSeries::merge(const TimeSeries& other) {
  if (!other.enabled()) return;
  if (!enabled()) {
    interval_ = other.interval_;
  } else if (interval_ != other.interval_) {
    throw std::invalid_argument("cannot merge series of " + std::to_string(interval_.count()) +
                                " ns and " + std::to_string(other.interval_.count()) +
                                " ns intervals");
  }
  if (other.begin && (!begin || other.begin < begin)) begin = other.begin;
  end = std::max(end, other.end);
  std::vector<std::uint16_t> ids;
  ids.reserve(other.step_names_.size());
  for (const std::string& name : other.step_names_) ids.push_back(step_id(name));

  std::vector<SeriesInterval> merged;
  merged.reserve(closed_.size() + other.closed_.size());
  auto mine = closed_.begin();
  for (const SeriesInterval& theirs : other.closed_) {
    while (mine != closed_.end() && mine->index < theirs.index)
      merged.push_back(std::move(*mine++));
    SeriesInterval into;
    if (mine != closed_.end() && mine->index == theirs.index) {
      into = std::move(*mine++);
    } else {
      into.index = theirs.index;
    }
    for (std::size_t s = 0; s < into.scenarios.size(); ++s) {
      merge_point(into.scenarios[s], theirs.scenarios[s]);
    }
    for (const StepPoint& step : theirs.steps) {
      const std::uint16_t id = ids[step.name];
      auto found = std::find_if(into.steps.begin(), into.steps.end(), [&](const StepPoint& p) {
        return p.scenario == step.scenario && p.name == id;
      });
      if (found == into.steps.end()) {
        into.steps.push_back(step);
        into.steps.back().name = id;
      } else {
        found->runs += step.runs;
        found->failures += step.failures;
        found->latency.merge(step.latency);
      }
    }
    into.planned += theirs.planned;
    into.started += theirs.started;
    into.late += theirs.late;
    into.busy_ns += theirs.busy_ns;
    into.target = add_known(into.target, theirs.target);
    into.gateway_cpu_percent = max_known(into.gateway_cpu_percent, theirs.gateway_cpu_percent);
    into.gateway_rss_bytes = std::max(into.gateway_rss_bytes, theirs.gateway_rss_bytes);
    merged.push_back(std::move(into));
  }
  while (mine != closed_.end()) merged.push_back(std::move(*mine++));
  merged.shrink_to_fit();  // reserved for the sum; intervals shared by both are counted once
  closed_ = std::move(merged);
}

std::size_t TimeSeries::memory_bytes() const {
  std::size_t bytes = sizeof(TimeSeries) + closed_.capacity() * sizeof(SeriesInterval);
  for (const SeriesInterval& interval : closed_) {
    bytes += interval.steps.capacity() * sizeof(StepPoint);
    for (const ScenarioPoint& p : interval.scenarios) {
      bytes += p.latency.heap_bytes() + p.corrected.heap_bytes();
    }
    for (const StepPoint& step : interval.steps) bytes += step.latency.heap_bytes();
  }
  for (const std::string& name : step_names_) bytes += sizeof(std::string) + name.capacity();
  return bytes;
}

bool operator==(const TimeSeries& a, const TimeSeries& b) {
  if (a.interval_ != b.interval_ || a.begin != b.begin || a.end != b.end ||
      a.closed_.size() != b.closed_.size()) {
    return false;
  }
  // Step ids may differ between two series that hold the same steps: compare by name.
  for (std::size_t i = 0; i < a.closed_.size(); ++i) {
    const SeriesInterval& x = a.closed_[i];
    const SeriesInterval& y = b.closed_[i];
    SeriesInterval x_named = x;
    x_named.steps.clear();
    SeriesInterval y_named = y;
    y_named.steps.clear();
    if (!(x_named == y_named) || x.steps.size() != y.steps.size()) return false;
    for (const StepPoint& step : x.steps) {
      auto match = std::find_if(y.steps.begin(), y.steps.end(), [&](const StepPoint& other) {
        return other.scenario == step.scenario &&
               b.step_names_[other.name] == a.step_names_[step.name];
      });
      if (match == y.steps.end() || match->http != step.http || match->runs != step.runs ||
          match->failures != step.failures || !(match->latency == step.latency)) {
        return false;
      }
    }
  }
  return true;
}

WallClock::WallClock() {
  const auto system =
      std::chrono::duration_cast<Nanos>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const auto steady =
      std::chrono::duration_cast<Nanos>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
  offset_ = system - steady;
}

}  // namespace multitier
