#include "multitier/run/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace multitier {
namespace {

using Nanos = LatencyHistogram::Nanos;

enum class Shape { Uniform, Lognormal, Bimodal };

std::string shape_name(Shape shape) {
  switch (shape) {
    case Shape::Uniform:
      return "Uniform";
    case Shape::Lognormal:
      return "Lognormal";
    case Shape::Bimodal:
      return "Bimodal";
  }
  return "Unknown";
}

// Latencies in nanoseconds, all inside the histogram's range.
std::vector<std::int64_t> generate(Shape shape, std::size_t n) {
  std::mt19937_64 rng(20260501 + static_cast<int>(shape));
  std::uniform_real_distribution<double> uniform(1e5, 5e7);             // 100 µs .. 50 ms
  std::lognormal_distribution<double> lognormal(std::log(2.2e6), 0.8);  // around 2.2 ms
  std::lognormal_distribution<double> fast(std::log(1e6), 0.3);         // around 1 ms
  std::lognormal_distribution<double> slow(std::log(2e8), 0.2);         // around 200 ms
  std::bernoulli_distribution slow_one(0.3);
  std::vector<std::int64_t> out;
  out.reserve(n);
  while (out.size() < n) {
    double ns = 0;
    switch (shape) {
      case Shape::Uniform:
        ns = uniform(rng);
        break;
      case Shape::Lognormal:
        ns = lognormal(rng);
        break;
      case Shape::Bimodal:
        ns = slow_one(rng) ? slow(rng) : fast(rng);
        break;
    }
    if (ns >= LatencyHistogram::kLowestNs && ns < LatencyHistogram::kHighestNs) {
      out.push_back(static_cast<std::int64_t>(ns));
    }
  }
  return out;
}

// Nearest-rank percentile of sorted data, the definition the histogram promises.
std::int64_t exact_percentile(const std::vector<std::int64_t>& sorted, double q) {
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

class LatencyHistogramShapeTest : public ::testing::TestWithParam<Shape> {};

TEST_P(LatencyHistogramShapeTest, PercentilesWithinOnePercent) {
  std::vector<std::int64_t> data = generate(GetParam(), 200'000);
  LatencyHistogram histogram;
  for (std::int64_t ns : data) histogram.record(Nanos{ns});
  std::sort(data.begin(), data.end());

  EXPECT_EQ(histogram.count(), data.size());
  EXPECT_EQ(histogram.min().count(), data.front());
  EXPECT_EQ(histogram.max().count(), data.back());
  double worst = 0;
  for (double q : {0.50, 0.90, 0.95, 0.99, 0.999}) {
    const auto exact = static_cast<double>(exact_percentile(data, q));
    const auto reported = static_cast<double>(histogram.percentile(q).count());
    const double error = std::fabs(reported - exact) / exact;
    worst = std::max(worst, error);
    EXPECT_LE(error, 0.01) << "q=" << q << " exact=" << exact << " reported=" << reported;
  }
  RecordProperty("worst_relative_error_ppm", std::to_string(std::lround(worst * 1e6)));
  EXPECT_EQ(histogram.percentile(0.0), histogram.min());
  EXPECT_EQ(histogram.percentile(1.0), histogram.max());
}

// The bound holds at every quantile, not only the reported ones (plus 1 ns of rounding).
TEST_P(LatencyHistogramShapeTest, EveryQuantileWithinTheBinBound) {
  std::vector<std::int64_t> data = generate(GetParam(), 100'000);
  LatencyHistogram histogram;
  for (std::int64_t ns : data) histogram.record(Nanos{ns});
  std::sort(data.begin(), data.end());
  double worst = 0;
  for (int permille = 1; permille < 1000; ++permille) {
    const double q = permille / 1000.0;
    const auto exact = static_cast<double>(exact_percentile(data, q));
    const auto reported = static_cast<double>(histogram.percentile(q).count());
    worst = std::max(worst, (std::fabs(reported - exact) - 1) / exact);
  }
  RecordProperty("worst_relative_error_ppm", std::to_string(std::lround(worst * 1e6)));
  EXPECT_LE(worst, LatencyHistogram::kMaxRelativeError);
}

INSTANTIATE_TEST_SUITE_P(Shapes, LatencyHistogramShapeTest,
                         ::testing::Values(Shape::Uniform, Shape::Lognormal, Shape::Bimodal),
                         [](const auto& info) { return shape_name(info.param); });

TEST(LatencyHistogramTest, BinsAreFineEnoughForOnePercent) {
  EXPECT_LT(LatencyHistogram::kMaxRelativeError, 0.01);
  EXPECT_GT(LatencyHistogram::kMaxRelativeError, 0.0);
}

TEST(LatencyHistogramTest, EmptyAnswersZero) {
  const LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.min(), Nanos{0});
  EXPECT_EQ(histogram.max(), Nanos{0});
  EXPECT_EQ(histogram.mean(), Nanos{0});
  EXPECT_EQ(histogram.percentile(0.99), Nanos{0});
}

TEST(LatencyHistogramTest, OutOfRangeSamplesAreCountedAndClamped) {
  LatencyHistogram histogram;
  histogram.record(Nanos{5});                 // below 10 µs
  histogram.record(Nanos{-7});                // negative counts as zero
  histogram.record(std::chrono::minutes{2});  // above 60 s
  histogram.record(std::chrono::hours{3});
  histogram.record(std::chrono::milliseconds{3});  // in range
  EXPECT_EQ(histogram.count(), 5u);
  EXPECT_EQ(histogram.min(), Nanos{0});
  EXPECT_EQ(histogram.max(), std::chrono::hours{3});
  EXPECT_EQ(histogram.bin_count(-1), 2u);
  EXPECT_EQ(histogram.bin_count(LatencyHistogram::kBins), 2u);
  EXPECT_EQ(histogram.sum(), Nanos{5} + std::chrono::minutes{2} + std::chrono::hours{3} +
                                 std::chrono::milliseconds{3});
  for (double q : {0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0}) {
    EXPECT_GE(histogram.percentile(q), histogram.min()) << q;
    EXPECT_LE(histogram.percentile(q), histogram.max()) << q;
  }
  EXPECT_EQ(histogram.percentile(1.0), std::chrono::hours{3});
  EXPECT_EQ(histogram.percentile(2.0), std::chrono::hours{3});  // q clamped
  EXPECT_EQ(histogram.percentile(-1.0), Nanos{0});
}

TEST(LatencyHistogramTest, SingleValueIsExact) {
  LatencyHistogram histogram;
  for (int i = 0; i < 10; ++i) histogram.record(Nanos{1'234'567});
  EXPECT_EQ(histogram.percentile(0.5), Nanos{1'234'567});
  EXPECT_EQ(histogram.mean(), Nanos{1'234'567});
}

TEST(LatencyHistogramTest, MergeEqualsRecordingIntoOne) {
  const std::vector<std::int64_t> data = generate(Shape::Bimodal, 20'000);
  LatencyHistogram single;
  LatencyHistogram left;
  LatencyHistogram right;
  for (std::size_t i = 0; i < data.size(); ++i) {
    single.record(Nanos{data[i]});
    (i % 3 == 0 ? left : right).record(Nanos{data[i]});
  }
  right.record(std::chrono::minutes{5});
  single.record(std::chrono::minutes{5});
  left.merge(right);
  EXPECT_TRUE(left == single);
  EXPECT_EQ(left.percentile(0.99), single.percentile(0.99));
  LatencyHistogram empty;
  empty.merge(left);
  EXPECT_TRUE(empty == single);
}

TEST(LatencyHistogramTest, ClearForgetsEverything) {
  LatencyHistogram histogram;
  histogram.record(std::chrono::milliseconds{4});
  histogram.clear();
  EXPECT_TRUE(histogram == LatencyHistogram());
}

}  // namespace
}  // namespace multitier
