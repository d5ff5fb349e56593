// Latency histogram for one scenario or one step: a Boost.Histogram over nanoseconds with a
// log-transformed regular axis and fixed-size dense integer storage, plus the exact count,
// sum, min and max. One per thread; histograms of different threads merge by addition.
//
// Accuracy: kBins log-spaced bins cover [kLowest, kHighest) = [10 µs, 60 s), so each bin spans
// a ratio of (6e6)^(1/kBins) ≈ 1.0078. A reported percentile lies in the same bin as the exact
// one (nearest-rank definition) and is therefore within kMaxRelativeError (< 1 %) of it.
// Samples outside the range are counted in the underflow/overflow bins; percentiles that fall
// there are interpolated between the exact min (max) and the range edge, with no accuracy
// promise beyond "between the true min and max".
#pragma once

#include <array>
#include <boost/histogram/axis/regular.hpp>
#include <boost/histogram/histogram.hpp>
#include <boost/histogram/storage_adaptor.hpp>
#include <chrono>
#include <cstdint>
#include <utility>
#include <vector>

namespace multitier {

class LatencyHistogram {
 public:
  using Nanos = std::chrono::nanoseconds;

  static constexpr int kBins = 2000;
  static constexpr double kLowestNs = 1e4;    // 10 µs
  static constexpr double kHighestNs = 6e10;  // 60 s
  // Upper bound of |reported - exact| / exact for any percentile inside [kLowest, kHighest).
  static const double kMaxRelativeError;

  // An empty histogram. Allocates nothing: the counts live inline (about 16 KB).
  LatencyHistogram();
  // Copies and moves copy the counts; a move cannot throw, so the containers of stats that
  // hold histograms (a run's cases, a registry's steps) grow by moving, never by copying.
  LatencyHistogram(const LatencyHistogram&) = default;
  LatencyHistogram(LatencyHistogram&&) noexcept = default;
  LatencyHistogram& operator=(const LatencyHistogram&) = default;
  LatencyHistogram& operator=(LatencyHistogram&&) noexcept = default;

  // Counts one sample. Never fails, never allocates, never throws. Negative durations count as
  // zero; any value below 10 µs or at/above 60 s lands in the underflow/overflow bin and still
  // updates count, sum, min and max exactly.
  void record(Nanos latency) noexcept;

  // Adds every count of `other` to this one, as if its samples had been recorded here.
  void merge(const LatencyHistogram& other) noexcept;

  // Forgets every sample.
  void clear() noexcept;

  // Number of samples recorded (or merged in).
  std::uint64_t count() const noexcept { return count_; }
  // Exact smallest / largest sample; zero when empty.
  Nanos min() const noexcept { return Nanos{count_ ? min_ns_ : 0}; }
  Nanos max() const noexcept { return Nanos{count_ ? max_ns_ : 0}; }
  // Exact arithmetic mean, truncated to whole nanoseconds; zero when empty. The sum is kept in
  // 64 bits: exact up to ~584 years of cumulated latency.
  Nanos mean() const noexcept;
  // Exact sum of all samples.
  Nanos sum() const noexcept { return Nanos{static_cast<std::int64_t>(sum_ns_)}; }

  // The q-quantile (q in [0, 1], clamped), nearest-rank: the value below or at which a
  // fraction q of the samples lie. Interpolated geometrically within its bin and clamped to
  // [min(), max()]. The first and last ranks are exact: percentile(0) == min() and, whenever
  // q * count() > count() - 1, percentile(q) == max(). Zero when empty.
  Nanos percentile(double q) const noexcept;

  // Number of samples in bin `index` (-1: underflow, kBins: overflow). For tests and exporters.
  std::uint64_t bin_count(int index) const noexcept;

  // Rebuilds a histogram from its parts, for result files: (bin index, count) pairs as
  // bin_count gives them (any order; a repeated index adds up), and the exact sum, min and
  // max. count() is the sum of the bins' counts. Throws std::invalid_argument for an index
  // outside [-1, kBins] or, when something was counted, min > max.
  static LatencyHistogram from_bins(const std::vector<std::pair<int, std::uint64_t>>& bins,
                                    std::uint64_t sum_ns, std::int64_t min_ns, std::int64_t max_ns);

  friend bool operator==(const LatencyHistogram& a, const LatencyHistogram& b);

 private:
  using Axis = boost::histogram::axis::regular<double, boost::histogram::axis::transform::log,
                                               boost::histogram::axis::null_type>;
  using Storage = boost::histogram::storage_adaptor<std::array<std::uint64_t, kBins + 2>>;
  using Hist = boost::histogram::histogram<std::tuple<Axis>, Storage>;

  Hist hist_;
  std::uint64_t count_ = 0;
  std::uint64_t sum_ns_ = 0;
  std::int64_t min_ns_ = 0;
  std::int64_t max_ns_ = 0;
};

}  // namespace multitier
