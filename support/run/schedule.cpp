#include "multitier/run/schedule.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "multitier/common/duration.h"
#include "multitier/common/text.h"

namespace multitier {

std::vector<Stage> parse_stages(std::string_view text, std::string_view flag) {
  std::vector<Stage> stages;
  std::stringstream items{std::string(text)};
  for (std::string item; std::getline(items, item, ',');) {
    item = trim(item);
    if (item.empty()) continue;
    const auto colon = item.rfind(':');
    auto bad = [&](const std::string& why) {
      return std::invalid_argument(std::string(flag) + ": bad stage '" + item + "': " + why +
                                   " (want DURATION:TARGET, e.g. 30s:10,1m:50,30s:0)");
    };
    if (colon == std::string::npos) throw bad("no ':'");
    DurationError error;
    const auto duration = parse_duration(item.substr(0, colon), &error, std::chrono::hours(24));
    if (!duration) throw bad(error.reason);
    if (duration->count() <= 0) throw bad("a stage lasts more than 0");
    const std::string target_text = trim(item.substr(colon + 1));
    double target = -1;
    auto [end, ec] =
        std::from_chars(target_text.data(), target_text.data() + target_text.size(), target);
    if (ec != std::errc() || end != target_text.data() + target_text.size() || !(target >= 0) ||
        !std::isfinite(target)) {
      throw bad("the target is a number of at least 0");
    }
    stages.push_back({*duration, target});
    if (stages.size() > 1000) throw bad("at most 1000 stages");
  }
  if (stages.empty())
    throw std::invalid_argument(std::string(flag) + ": no stage given (e.g. 30s:10,1m:50,30s:0)");
  return stages;
}

RateCurve::RateCurve(double start, std::vector<Stage> stages) {
  double t = 0, value = start, area = 0;
  for (const Stage& stage : stages) {
    const double length = std::chrono::duration<double>(stage.duration).count();
    segments_.push_back({t, t + length, value, stage.target, area});
    area += length * (value + stage.target) / 2;
    t += length;
    value = stage.target;
  }
  end_s_ = t;
}

RateCurve RateCurve::constant(double rate, std::chrono::nanoseconds duration) {
  return RateCurve(rate, {{duration, rate}});
}

std::size_t RateCurve::stage_at(double t) const {
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    if (t < segments_[i].to_s) return i;
  }
  return segments_.empty() ? 0 : segments_.size() - 1;
}

double RateCurve::at(double t) const {
  if (segments_.empty() || t < 0 || t >= end_s_) return 0;
  const Segment& s = segments_[stage_at(t)];
  const double span = s.to_s - s.from_s;
  return s.from_v + (s.to_v - s.from_v) * (t - s.from_s) / span;
}

double RateCurve::cumulative(double t) const {
  if (segments_.empty() || t <= 0) return 0;
  if (t >= end_s_) {
    const Segment& last = segments_.back();
    return last.cumulative_before + (last.to_s - last.from_s) * (last.from_v + last.to_v) / 2;
  }
  const Segment& s = segments_[stage_at(t)];
  const double u = t - s.from_s;
  return s.cumulative_before + u * (s.from_v + at(t)) / 2;
}

std::optional<double> RateCurve::time_of(double count) const {
  if (count <= 0) return segments_.empty() ? std::nullopt : std::optional<double>(0.0);
  for (const Segment& s : segments_) {
    const double span = s.to_s - s.from_s;
    const double in_segment = span * (s.from_v + s.to_v) / 2;
    // Rounding may put a count that ends one segment a hair past it, or a hair before the
    // next: compare with a tolerance, and clamp into the segment.
    const double slack = 1e-9 * std::max(1.0, count);
    if (count - s.cumulative_before > in_segment + slack) continue;
    const double need = std::clamp(count - s.cumulative_before, 0.0, in_segment);
    if (need <= 0) return s.from_s;
    // Solve need = r0 u + (r1 - r0) u² / (2 span) for u; this form stays exact when r1 == r0
    // and avoids cancellation when r0 is large.
    const double a = (s.to_v - s.from_v) / (2 * span);
    const double b = s.from_v;
    const double root = std::sqrt(std::max(0.0, b * b + 4 * a * need));
    const double denominator = b + root;
    if (denominator <= 0) continue;  // a segment of zero rate
    return s.from_s + std::min(span, 2 * need / denominator);
  }
  return std::nullopt;
}

std::vector<RateCurve::Span> RateCurve::spans() const {
  std::vector<Span> out;
  for (const Segment& s : segments_) out.push_back({s.from_s, s.to_s, s.from_v, s.to_v});
  return out;
}

double RateCurve::mean(double from, double to) const {
  if (to <= from) return at(from);
  return (cumulative(to) - cumulative(from)) / (to - from);
}

ArrivalSchedule::ArrivalSchedule(const RateCurve& curve, Arrivals arrivals, int thread, int threads,
                                 std::uint64_t seed, double phase, std::int64_t stream)
    : curve_(curve),
      arrivals_(arrivals),
      share_(1.0 / std::max(threads, 1)),
      next_count_(arrivals == Arrivals::uniform ? static_cast<double>(thread) + phase : 0.0),
      step_(static_cast<double>(std::max(threads, 1))),
      random_(Random::derive(
          seed, 0x5EED0000u + static_cast<std::uint64_t>(stream >= 0 ? stream : thread))) {
  if (arrivals_ == Arrivals::poisson) next_count_ = exponential() / share_;
}

double ArrivalSchedule::exponential() {
  // Exp(1) from a uniform in (0, 1]: 53 random bits, never 0.
  const double u = (static_cast<double>(random_.next() >> 11) + 1.0) * 0x1.0p-53;
  return -std::log(u);
}

std::optional<double> ArrivalSchedule::next() {
  const auto at = curve_.time_of(next_count_);
  if (!at || *at >= curve_.duration_s()) return std::nullopt;
  // This thread's share of a Poisson process of the full rate: gaps of Exp(1) in its own
  // cumulative count, which is the full count times the share.
  next_count_ += arrivals_ == Arrivals::uniform ? step_ : exponential() / share_;
  return at;
}

}  // namespace multitier
