#include "multitier/run/histogram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace multitier {

namespace bh = boost::histogram;

const double LatencyHistogram::kMaxRelativeError =
    std::pow(kHighestNs / kLowestNs, 1.0 / kBins) - 1.0;

LatencyHistogram::LatencyHistogram()
    : hist_(std::make_tuple(Axis(kBins, kLowestNs, kHighestNs)), Storage()) {}

void LatencyHistogram::record(Nanos latency) noexcept {
  const std::int64_t ns = std::max<std::int64_t>(latency.count(), 0);
  hist_(static_cast<double>(ns));
  if (count_ == 0) {
    min_ns_ = max_ns_ = ns;
  } else {
    min_ns_ = std::min(min_ns_, ns);
    max_ns_ = std::max(max_ns_, ns);
  }
  ++count_;
  sum_ns_ += static_cast<std::uint64_t>(ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
  if (other.count_ == 0) return;
  // Same axis by construction, so += cannot throw.
  hist_ += other.hist_;
  if (count_ == 0) {
    min_ns_ = other.min_ns_;
    max_ns_ = other.max_ns_;
  } else {
    min_ns_ = std::min(min_ns_, other.min_ns_);
    max_ns_ = std::max(max_ns_, other.max_ns_);
  }
  count_ += other.count_;
  sum_ns_ += other.sum_ns_;
}

void LatencyHistogram::clear() noexcept {
  hist_.reset();
  count_ = sum_ns_ = 0;
  min_ns_ = max_ns_ = 0;
}

LatencyHistogram::Nanos LatencyHistogram::mean() const noexcept {
  return Nanos{count_ ? static_cast<std::int64_t>(sum_ns_ / count_) : 0};
}

std::uint64_t LatencyHistogram::bin_count(int index) const noexcept {
  if (index < -1 || index > kBins) return 0;
  return hist_.at(index);
}

LatencyHistogram LatencyHistogram::from_bins(const std::vector<std::pair<int, std::uint64_t>>& bins,
                                             std::uint64_t sum_ns, std::int64_t min_ns,
                                             std::int64_t max_ns) {
  LatencyHistogram out;
  for (const auto& [index, count] : bins) {
    if (index < -1 || index > kBins) {
      throw std::invalid_argument("histogram bin " + std::to_string(index) + " is outside [-1, " +
                                  std::to_string(kBins) + "]");
    }
    out.hist_.at(index) += count;
    out.count_ += count;
  }
  if (out.count_ == 0) return out;
  if (min_ns > max_ns) {
    throw std::invalid_argument("histogram min " + std::to_string(min_ns) + " exceeds max " +
                                std::to_string(max_ns));
  }
  out.sum_ns_ = sum_ns;
  out.min_ns_ = min_ns;
  out.max_ns_ = max_ns;
  return out;
}

LatencyHistogram::Nanos LatencyHistogram::percentile(double q) const noexcept {
  if (count_ == 0) return Nanos{0};
  q = std::clamp(std::isnan(q) ? 0.0 : q, 0.0, 1.0);
  const double n = static_cast<double>(count_);
  const double rank = std::clamp(std::ceil(q * n), 1.0, n);  // 1-based nearest rank
  if (rank == 1.0) return min();
  if (rank == n) return max();
  const auto& axis = hist_.axis();
  double before = 0;
  for (int i = -1; i <= kBins; ++i) {
    const auto in_bin = static_cast<double>(hist_.at(i));
    if (in_bin == 0 || before + in_bin < rank) {
      before += in_bin;
      continue;
    }
    // The true value lies in this bin; narrowing the bin to [min, max] keeps it there.
    const double lo = std::max(i < 0 ? 0.0 : axis.value(i), static_cast<double>(min_ns_));
    const double hi = std::min(i >= kBins ? static_cast<double>(max_ns_) : axis.value(i + 1),
                               static_cast<double>(max_ns_));
    // Place the rank-th sample at the middle of its slot, assuming samples spread evenly on a
    // log scale within the bin (the axis is logarithmic, so that is the unbiased guess).
    const double fraction = (rank - before - 0.5) / in_bin;
    const double value = lo > 0 ? lo * std::pow(hi / lo, fraction) : lo + (hi - lo) * fraction;
    const auto ns = static_cast<std::int64_t>(std::llround(value));
    return Nanos{std::clamp(ns, min_ns_, max_ns_)};
  }
  return max();
}

bool operator==(const LatencyHistogram& a, const LatencyHistogram& b) {
  return a.count_ == b.count_ && a.sum_ns_ == b.sum_ns_ && a.min_ns_ == b.min_ns_ &&
         a.max_ns_ == b.max_ns_ && a.hist_ == b.hist_;
}

}  // namespace multitier
