// The pure schedule code of the executors: stages, the rate curve they describe and the planned
// arrival times it yields (support/run/schedule.h). No clock is read, so every figure here is
// exact math, not timing.
#include "multitier/run/schedule.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace multitier {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Why parse_stages refuses `text`, or "" when it accepts it.
std::string refusal(const std::string& text, std::string_view flag = "--stages") {
  try {
    parse_stages(text, flag);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// Every planned start of one thread's schedule.
std::vector<double> arrivals(const RateCurve& curve, Arrivals kind, int thread = 0, int threads = 1,
                             std::uint64_t seed = 42) {
  ArrivalSchedule schedule(curve, kind, thread, threads, seed);
  std::vector<double> out;
  while (auto at = schedule.next()) {
    out.push_back(*at);
    if (out.size() > 10'000'000) break;  // bounded even if next() never ended
  }
  return out;
}

// The union of every thread's schedule, sorted.
std::vector<double> all_threads(const RateCurve& curve, Arrivals kind, int threads,
                                std::uint64_t seed = 42) {
  std::vector<double> out;
  for (int j = 0; j < threads; ++j) {
    const auto mine = arrivals(curve, kind, j, threads, seed);
    out.insert(out.end(), mine.begin(), mine.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct GapStats {
  double mean = 0, cv = 0;
};
// Mean and coefficient of variation of the gaps, the first one measured from 0.
GapStats gaps(const std::vector<double>& times) {
  std::vector<double> g;
  double last = 0;
  for (double t : times) {
    g.push_back(t - last);
    last = t;
  }
  GapStats s;
  for (double x : g) s.mean += x;
  s.mean /= static_cast<double>(g.size());
  double var = 0;
  for (double x : g) var += (x - s.mean) * (x - s.mean);
  var /= static_cast<double>(g.size() - 1);
  s.cv = std::sqrt(var) / s.mean;
  return s;
}

// --- parse_stages -------------------------------------------------------------------------

TEST(ParseStages, ReadsTheDocumentedExample) {
  const auto stages = parse_stages("30s:10,1m:50,30s:0");
  const std::vector<Stage> want{{seconds(30), 10}, {seconds(60), 50}, {seconds(30), 0}};
  EXPECT_EQ(stages, want);
}

TEST(ParseStages, ReadsDecimalsSpacesAndCompoundDurations) {
  const auto stages = parse_stages(" 1.5s:2.5 , 250ms:0.75,1m30s:100,0.2ms:0 ");
  const std::vector<Stage> want{{milliseconds(1500), 2.5},
                                {milliseconds(250), 0.75},
                                {seconds(90), 100},
                                {std::chrono::microseconds(200), 0}};
  EXPECT_EQ(stages, want);
}

TEST(ParseStages, AcceptsAThousandStagesAndRefusesMore) {
  std::string text;
  for (int i = 0; i < 1000; ++i)
    text += (i ? "," : "") + std::string("1s:") + std::to_string(i % 7);
  EXPECT_EQ(parse_stages(text).size(), 1000u);
  const std::string message = refusal(text + ",1s:1");
  EXPECT_NE(message.find("at most 1000 stages"), std::string::npos) << message;
  EXPECT_NE(message.find("--stages"), std::string::npos) << message;
}

TEST(ParseStages, RefusesEveryMalformedEntryNamingTheFlagAndTheEntry) {
  struct Bad {
    const char* text;
    const char* says;  // part of the reason
  };
  for (const Bad& bad :
       {Bad{"30s", "no ':'"}, Bad{"30s:10,1m", "no ':'"}, Bad{"abc:10", "'abc:10'"},
        Bad{"30parsecs:10", "'30parsecs:10'"}, Bad{"-5s:10", "'-5s:10'"},
        Bad{"25h:10", "'25h:10'"},  // a stage lasts at most a day
        Bad{"0s:10", "more than 0"}, Bad{"0ms:10", "more than 0"}, Bad{"30s:-1", "at least 0"},
        Bad{"30s:-0.5", "at least 0"}, Bad{"30s:nan", "at least 0"}, Bad{"30s:NaN", "at least 0"},
        Bad{"30s:inf", "at least 0"}, Bad{"30s:", "at least 0"}, Bad{"30s:ten", "at least 0"},
        Bad{"30s:10x", "at least 0"}, Bad{"30s:1e999", "at least 0"}, Bad{"", "no stage"},
        Bad{" , ,", "no stage"}}) {
    const std::string message = refusal(bad.text);
    ASSERT_FALSE(message.empty()) << "accepted '" << bad.text << "'";
    EXPECT_EQ(message.rfind("--stages: ", 0), 0u) << message;
    EXPECT_NE(message.find(bad.says), std::string::npos) << bad.text << ": " << message;
  }
}

TEST(ParseStages, NamesTheFlagItIsGiven) {
  for (const char* text : {"30s", "0s:1", "30s:-1", ""}) {
    const std::string message = refusal(text, "MULTITIER_STAGES");
    EXPECT_EQ(message.rfind("MULTITIER_STAGES: ", 0), 0u) << message;
  }
}

// --- RateCurve ----------------------------------------------------------------------------

TEST(RateCurve, AtRampsEachStageFromThePreviousTarget) {
  const RateCurve curve(0, parse_stages("1s:10,2s:10,1s:0"));
  EXPECT_DOUBLE_EQ(curve.duration_s(), 4.0);
  EXPECT_EQ(curve.stage_count(), 3u);
  EXPECT_DOUBLE_EQ(curve.at(0), 0.0);
  EXPECT_DOUBLE_EQ(curve.at(0.25), 2.5);
  EXPECT_DOUBLE_EQ(curve.at(1), 10.0);
  EXPECT_DOUBLE_EQ(curve.at(2.9), 10.0);
  EXPECT_DOUBLE_EQ(curve.at(3.5), 5.0);
  EXPECT_DOUBLE_EQ(curve.at(4), 0.0);    // the end
  EXPECT_DOUBLE_EQ(curve.at(100), 0.0);  // after the end
  EXPECT_DOUBLE_EQ(curve.at(-1), 0.0);   // before the start
  EXPECT_EQ(curve.stage_at(0.5), 0u);
  EXPECT_EQ(curve.stage_at(1.0), 1u);
  EXPECT_EQ(curve.stage_at(3.5), 2u);
  EXPECT_EQ(curve.stage_at(99), 2u);  // the last one after the end
}

TEST(RateCurve, TheFirstStageRampsFromStart) {
  const RateCurve curve(20, parse_stages("2s:0"));
  EXPECT_DOUBLE_EQ(curve.at(0), 20.0);
  EXPECT_DOUBLE_EQ(curve.at(1), 10.0);
  EXPECT_DOUBLE_EQ(curve.cumulative(2), 20.0);
}

TEST(RateCurve, ConstantIsFlat) {
  const RateCurve curve = RateCurve::constant(200, seconds(6));
  EXPECT_DOUBLE_EQ(curve.duration_s(), 6.0);
  EXPECT_EQ(curve.stage_count(), 1u);
  EXPECT_DOUBLE_EQ(curve.at(0), 200.0);
  EXPECT_DOUBLE_EQ(curve.at(5.999), 200.0);
  EXPECT_DOUBLE_EQ(curve.cumulative(3), 600.0);
  EXPECT_DOUBLE_EQ(curve.cumulative(6), 1200.0);
  EXPECT_DOUBLE_EQ(curve.mean(1, 4), 200.0);
}

TEST(RateCurve, CumulativeOfARampIsItsArea) {
  const RateCurve ramp(0, parse_stages("4s:400"));
  EXPECT_DOUBLE_EQ(ramp.cumulative(-1), 0.0);
  EXPECT_DOUBLE_EQ(ramp.cumulative(0), 0.0);
  EXPECT_DOUBLE_EQ(ramp.cumulative(1), 50.0);
  EXPECT_DOUBLE_EQ(ramp.cumulative(2), 200.0);
  EXPECT_DOUBLE_EQ(ramp.cumulative(3), 450.0);
  EXPECT_DOUBLE_EQ(ramp.cumulative(4), 800.0);
  EXPECT_DOUBLE_EQ(ramp.cumulative(1000), 800.0);  // flat after the end
}

TEST(RateCurve, MeanIsTheAreaOverTheSpan) {
  const RateCurve ramp(0, parse_stages("4s:400"));
  EXPECT_DOUBLE_EQ(ramp.mean(0, 4), 200.0);
  EXPECT_DOUBLE_EQ(ramp.mean(1, 3), 200.0);
  EXPECT_DOUBLE_EQ(ramp.mean(0, 1), 50.0);
  EXPECT_DOUBLE_EQ(ramp.mean(3, 4), 350.0);
  EXPECT_DOUBLE_EQ(ramp.mean(2, 2), 200.0);  // an empty span: the value there
  const RateCurve steps(0, parse_stages("1s:10,2s:10,1s:0"));
  EXPECT_DOUBLE_EQ(steps.mean(0, 4), (5.0 + 20.0 + 5.0) / 4);
}

// Up, flat, down, down to 0, a zero-rate stage, up from 0, flat: every stage length and area
// exact in binary, so the checks below measure time_of() and not the rounding of the stages.
const char* const kShapes = "2s:100,1s:100,3s:20,1s:0,2s:0,1.5s:250,0.5s:250,2s:40";

TEST(RateCurve, TimeOfInvertsCumulative) {
  const RateCurve curve(0, parse_stages(kShapes));
  ASSERT_DOUBLE_EQ(curve.duration_s(), 13.0);
  int checked = 0;
  for (int i = 0; i < 13'000; ++i) {
    const double t = i * 0.001 + 0.0003;
    if (curve.at(t) < 1) continue;  // near a zero rate the inverse is flat, checked below
    const auto back = curve.time_of(curve.cumulative(t));
    ASSERT_TRUE(back.has_value()) << "t=" << t;
    EXPECT_NEAR(*back, t, 1e-9) << "t=" << t;
    ++checked;
  }
  EXPECT_GT(checked, 10'000);
  // And the other way round: every count is reached where the curve says, in order.
  const double total = curve.cumulative(curve.duration_s());
  double last = 0;
  for (int i = 0; i <= 10'000; ++i) {
    const double count = total * i / 10'000;
    const auto t = curve.time_of(count);
    ASSERT_TRUE(t.has_value()) << "count=" << count << " of " << total;
    EXPECT_NEAR(curve.cumulative(*t), count, 1e-9) << "count=" << count;
    EXPECT_GE(*t, last) << "count=" << count;
    last = *t;
  }
}

TEST(RateCurve, TimeOfGivesTheFirstTimeACountIsReached) {
  const RateCurve curve(0, parse_stages(kShapes));
  // 1s:0 ends at 7 s, the zero-rate stage lasts to 9 s: the count stays put over [7, 9].
  const double at_seven = curve.cumulative(7);
  EXPECT_DOUBLE_EQ(curve.cumulative(8), at_seven);
  for (double t : {7.0, 7.5, 8.0, 8.999}) {
    const auto first = curve.time_of(curve.cumulative(t));
    ASSERT_TRUE(first.has_value());
    EXPECT_NEAR(*first, 7.0, 1e-9) << "t=" << t;
  }
  EXPECT_DOUBLE_EQ(curve.time_of(0).value_or(-1), 0.0);
  EXPECT_NEAR(curve.time_of(curve.cumulative(13)).value_or(-1), 13.0, 1e-9);
  EXPECT_FALSE(curve.time_of(curve.cumulative(13) + 1).has_value());
  EXPECT_FALSE(RateCurve(0, {}).time_of(1).has_value());
}

// A count that lands exactly where a ramp down to 0 ends, with decimal stage durations that do
// not add up exactly in binary: the segment's area recomputed from `to_s - from_s` can be one
// ulp short of what cumulative_before added, so the count must not skip its segment. (It did:
// time_of(2) below was nullopt, which ended the schedule after 2 starts of 4; with a segment
// after it, 0.55 instead of 0.4.)
TEST(RateCurve, TimeOfFindsACountWhereARampDownToZeroEnds) {
  const RateCurve curve(0, parse_stages("350ms:10,50ms:0,300ms:10"));
  const auto t = curve.time_of(2);
  ASSERT_TRUE(t.has_value()) << "time_of(2) is nullopt; the curve reaches 2 at 0.4 s";
  EXPECT_NEAR(*t, 0.4, 1e-9);
  EXPECT_EQ(arrivals(curve, Arrivals::uniform).size(), 4u);
  const RateCurve longer(0, parse_stages("0.2s:100,0.5s:0,10s:100"));
  EXPECT_EQ(arrivals(longer, Arrivals::uniform).size(), 535u);
  const RateCurve more(0, parse_stages("350ms:10,50ms:0,300ms:10,1s:10"));
  EXPECT_NEAR(more.time_of(2).value_or(-1), 0.4, 1e-9);
  const auto times = arrivals(more, Arrivals::uniform);
  EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
}

TEST(RateCurve, UniformCountsMatchTheAreaOverManyDecimalShapes) {
  // Up to R over A tenths of a second, down to 0 over B tenths, then up again over 1 s: the
  // stage boundaries are not exact in binary, and every ramp down ends on a whole count.
  int shapes = 0;
  for (int rate : {100, 1000}) {
    for (int a = 1; a <= 30; ++a) {
      for (int b = 1; b <= 30; ++b) {
        const std::vector<Stage> stages{{milliseconds(100 * a), static_cast<double>(rate)},
                                        {milliseconds(100 * b), 0.0},
                                        {seconds(1), static_cast<double>(rate)}};
        const RateCurve curve(0, stages);
        const auto times = arrivals(curve, Arrivals::uniform);
        const double total = curve.cumulative(curve.duration_s());
        ASSERT_NEAR(static_cast<double>(times.size()), std::ceil(total), 1.0)
            << a / 10.0 << "s:" << rate << "," << b / 10.0 << "s:0,1s:" << rate;
        ASSERT_TRUE(std::is_sorted(times.begin(), times.end())) << a << " " << b;
        ++shapes;
      }
    }
  }
  EXPECT_EQ(shapes, 1800);
}

// --- ArrivalSchedule ----------------------------------------------------------------------

TEST(ArrivalSchedule, UniformAtAConstantRateIsEvenlySpaced) {
  const RateCurve curve = RateCurve::constant(200, seconds(6));
  const auto times = arrivals(curve, Arrivals::uniform);
  ASSERT_EQ(times.size(), 1200u);
  EXPECT_DOUBLE_EQ(times.front(), 0.0);
  EXPECT_NEAR(times.back(), 5.995, 1e-12);
  for (std::size_t i = 1; i < times.size(); ++i) {
    ASSERT_NEAR(times[i] - times[i - 1], 0.005, 1e-12) << "gap " << i;
  }
}

TEST(ArrivalSchedule, UniformOnARampFormsATriangle) {
  const RateCurve curve(0, parse_stages("4s:400"));
  const auto times = arrivals(curve, Arrivals::uniform);
  EXPECT_NEAR(static_cast<double>(times.size()), 800.0, 1.0);
  std::vector<int> per_second(4, 0);
  for (double t : times) {
    ASSERT_GE(t, 0.0);
    ASSERT_LT(t, 4.0);
    ++per_second[static_cast<std::size_t>(t)];
  }
  // Second s holds the integer counts between A(s) = 50 s² and A(s + 1); a count that lands
  // exactly on a second may fall either side of it.
  const int want[] = {50, 150, 250, 350};
  for (std::size_t s = 0; s < 4; ++s) EXPECT_NEAR(per_second[s], want[s], 1) << "second " << s;
  // The n-th start is where 50 t² = n.
  for (std::size_t n : {1u, 10u, 200u, 799u}) EXPECT_NEAR(times[n], std::sqrt(n / 50.0), 1e-9) << n;
}

TEST(ArrivalSchedule, UniformThreadsTogetherGiveTheOneThreadSchedule) {
  const RateCurve ramp(0, parse_stages("4s:400"));
  const RateCurve shapes(0, parse_stages(kShapes));
  const RateCurve flat = RateCurve::constant(200, seconds(6));
  for (const RateCurve* curve : {&ramp, &shapes, &flat}) {
    const auto one = arrivals(*curve, Arrivals::uniform);
    for (int threads : {2, 3}) {
      EXPECT_EQ(all_threads(*curve, Arrivals::uniform, threads), one) << threads << " threads";
    }
    // Thread j takes starts j, j + T, ...: the two threads interleave.
    const auto even = arrivals(*curve, Arrivals::uniform, 0, 2);
    const auto odd = arrivals(*curve, Arrivals::uniform, 1, 2);
    ASSERT_EQ(even.size(), (one.size() + 1) / 2);
    for (std::size_t i = 0; i < odd.size(); ++i) EXPECT_EQ(odd[i], one[2 * i + 1]) << i;
  }
}

TEST(ArrivalSchedule, UniformIgnoresTheSeed) {
  const RateCurve curve(0, parse_stages("4s:400"));
  EXPECT_EQ(arrivals(curve, Arrivals::uniform, 0, 1, 1),
            arrivals(curve, Arrivals::uniform, 0, 1, 999));
}

TEST(ArrivalSchedule, PoissonGapsAreExponentialWithTheMeanOfTheRate) {
  const RateCurve curve = RateCurve::constant(1000, seconds(60));
  const auto times = arrivals(curve, Arrivals::poisson, 0, 1, 7);
  EXPECT_NEAR(static_cast<double>(times.size()), 60'000.0, 1'200.0);
  ASSERT_TRUE(std::is_sorted(times.begin(), times.end()));
  EXPECT_GT(times.front(), 0.0);  // the first arrival is a gap after 0, not at it
  EXPECT_LT(times.back(), 60.0);
  const GapStats g = gaps(times);
  EXPECT_NEAR(g.mean, 0.001, 0.00002);  // 2 %
  EXPECT_NEAR(g.cv, 1.0, 0.03);         // exponential: the deviation equals the mean
  // Uniform arrivals at the same rate have no spread but for their first gap, 0 (the first
  // start is at 0): a CV of about 1/sqrt(n).
  EXPECT_LT(gaps(arrivals(curve, Arrivals::uniform)).cv, 0.01);
}

TEST(ArrivalSchedule, PoissonIsDeterministicPerSeed) {
  const RateCurve curve = RateCurve::constant(1000, seconds(5));
  const auto a = arrivals(curve, Arrivals::poisson, 0, 1, 7);
  EXPECT_EQ(arrivals(curve, Arrivals::poisson, 0, 1, 7), a);
  const auto b = arrivals(curve, Arrivals::poisson, 0, 1, 8);
  EXPECT_NE(b, a);
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  EXPECT_NE(a.front(), b.front());
}

TEST(ArrivalSchedule, PoissonOverTwoThreadsKeepsTheTotalRate) {
  const RateCurve curve = RateCurve::constant(1000, seconds(60));
  const auto first = arrivals(curve, Arrivals::poisson, 0, 2, 7);
  const auto second = arrivals(curve, Arrivals::poisson, 1, 2, 7);
  EXPECT_NE(first, second);  // independent processes, not copies
  for (const auto* half : {&first, &second}) {
    EXPECT_NEAR(static_cast<double>(half->size()), 30'000.0, 900.0);
    EXPECT_NEAR(gaps(*half).mean, 0.002, 0.00004);
    EXPECT_NEAR(gaps(*half).cv, 1.0, 0.04);
  }
  const auto both = all_threads(curve, Arrivals::poisson, 2, 7);
  EXPECT_NEAR(static_cast<double>(both.size()), 60'000.0, 1'200.0);
  EXPECT_NEAR(gaps(both).mean, 0.001, 0.00002);
  EXPECT_NEAR(gaps(both).cv, 1.0, 0.03);  // a merge of Poisson processes is one
}

TEST(ArrivalSchedule, PoissonFollowsARamp) {
  const RateCurve curve(0, parse_stages("4s:400"));
  const auto times = all_threads(curve, Arrivals::poisson, 1, 11);
  EXPECT_NEAR(static_cast<double>(times.size()), 800.0, 5 * std::sqrt(800.0));
  std::vector<int> per_second(4, 0);
  for (double t : times) ++per_second[static_cast<std::size_t>(std::clamp(t, 0.0, 3.999))];
  EXPECT_LT(per_second[0], per_second[1]);
  EXPECT_LT(per_second[1], per_second[2]);
  EXPECT_LT(per_second[2], per_second[3]);
}

}  // namespace
}  // namespace multitier
