// The result file (result.json) and the merge of segments: a rich report reads back equal to
// itself, field by field and bin for bin; histograms are written as runs of bins and the
// series' points sparse; one run's results split over three segment reports merge into exactly
// the registry one process would have filled, whether the files are merged one at a time or
// held together; parts that are not the segments of one run are refused with messages naming
// the files; and the merged run is judged on the merged figures.
#include "multitier/report/result_file.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "multitier/common/utf8.h"
#include "tests/unit/temp_path.h"

namespace multitier {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Quotes, markup, a C0 control, a stray byte, a UTF-8-encoded surrogate and an emoji; and valid
// UTF-8 holding a NUL and the escapes JSON has.
const std::string kNasty =
    "status 500: {\"error\":\"<boom> & 'x'\"}\x01\xff\xed\xa0\x80 \xf0\x9f\x9a\x80 end";
const std::string kNul = std::string("line\n\ttab \"q\" \\ back") + '\0' + "after";
constexpr WallNanos kT0 = 1'764'590'000'000'000'000;  // 2025-12-01, on an interval edge
constexpr Nanos kInterval = milliseconds{100};

// ---- Comparing reports: every field, doubles bit for bit (NaN equal to NaN).

bool same_double(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) ||
         std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}
#define EXPECT_SAME_DOUBLE(a, b) EXPECT_PRED2(same_double, a, b)

void expect_same_executor(const ExecutorSettings& a, const ExecutorSettings& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.stages, b.stages);
  EXPECT_SAME_DOUBLE(a.rate, b.rate);
  EXPECT_EQ(a.max_vus, b.max_vus);
  EXPECT_EQ(a.arrivals, b.arrivals);
  EXPECT_EQ(a.when_busy, b.when_busy);
  EXPECT_EQ(a.max_backlog, b.max_backlog);
}

void expect_same_case(const CaseReport& a, const CaseReport& b) {
  SCOPED_TRACE(a.name);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.label, b.label);
  EXPECT_EQ(a.mix, b.mix);
  EXPECT_EQ(a.weights, b.weights);
  EXPECT_TRUE(a.registry == b.registry) << "registries differ";
  EXPECT_SAME_DOUBLE(a.wall_s, b.wall_s);
  EXPECT_EQ(a.vus, b.vus);
  expect_same_executor(a.executor, b.executor);
  EXPECT_EQ(a.stress, b.stress);
  EXPECT_SAME_DOUBLE(a.warmup_s, b.warmup_s);
  EXPECT_EQ(a.threads, b.threads);
  EXPECT_EQ(a.segments, b.segments);
  EXPECT_EQ(a.interrupted, b.interrupted);
  EXPECT_SAME_DOUBLE(a.interrupted_after_s, b.interrupted_after_s);
  EXPECT_EQ(a.error, b.error);
  ASSERT_EQ(a.verdicts.size(), b.verdicts.size());
  for (std::size_t i = 0; i < a.verdicts.size(); ++i) {
    EXPECT_EQ(a.verdicts[i].scenario, b.verdicts[i].scenario);
    EXPECT_EQ(a.verdicts[i].passed, b.verdicts[i].passed);
    EXPECT_EQ(a.verdicts[i].reason, b.verdicts[i].reason);
  }
}

void expect_same_settings(const RunSettings& a, const RunSettings& b) {
  EXPECT_EQ(a.gateway, b.gateway);
  EXPECT_EQ(a.corpus, b.corpus);
  EXPECT_EQ(a.mode, b.mode);
  EXPECT_EQ(a.concurrency, b.concurrency);
  EXPECT_SAME_DOUBLE(a.duration_s, b.duration_s);
  EXPECT_SAME_DOUBLE(a.warmup_s, b.warmup_s);
  EXPECT_EQ(a.seed, b.seed);
  EXPECT_EQ(a.iterations, b.iterations);
  EXPECT_EQ(a.weights, b.weights);
  EXPECT_SAME_DOUBLE(a.timeout_s, b.timeout_s);
  EXPECT_SAME_DOUBLE(a.connect_timeout_s, b.connect_timeout_s);
  EXPECT_EQ(a.threads, b.threads);
  EXPECT_EQ(a.headers, b.headers);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.queries, b.queries);
  EXPECT_EQ(a.roster, b.roster);
  EXPECT_EQ(a.roster_file, b.roster_file);
  EXPECT_SAME_DOUBLE(a.interval_s, b.interval_s);
  EXPECT_EQ(a.gateway_pid, b.gateway_pid);
  EXPECT_EQ(a.footprint_note, b.footprint_note);
  EXPECT_EQ(a.chart_js, b.chart_js);
  EXPECT_EQ(a.segment, b.segment);
  EXPECT_EQ(a.segments, b.segments);
  EXPECT_EQ(a.segment_source, b.segment_source);
  EXPECT_EQ(a.allow_remote, b.allow_remote);
  EXPECT_EQ(a.start_at, b.start_at);
  EXPECT_SAME_DOUBLE(a.start_late_s, b.start_late_s);
}

void expect_same_report(const RunReport& a, const RunReport& b) {
  expect_same_settings(a.settings, b.settings);
  EXPECT_SAME_DOUBLE(a.thresholds.max_failure_rate, b.thresholds.max_failure_rate);
  EXPECT_EQ(a.thresholds.p99_budget, b.thresholds.p99_budget);
  EXPECT_SAME_DOUBLE(a.thresholds.max_dropped_rate, b.thresholds.max_dropped_rate);
  EXPECT_SAME_DOUBLE(a.thresholds.min_achieved_rate, b.thresholds.min_achieved_rate);
  EXPECT_EQ(a.started_at, b.started_at);
  EXPECT_EQ(a.partial, b.partial);
  EXPECT_EQ(a.partial_reason, b.partial_reason);
  ASSERT_EQ(a.cases.size(), b.cases.size());
  for (std::size_t i = 0; i < a.cases.size(); ++i) expect_same_case(a.cases[i], b.cases[i]);
}

std::string written(const RunReport& report) {
  std::ostringstream out;
  write_result(report, out);
  return out.str();
}

RunReport read_back(const std::string& text, const std::string& name = "result.json") {
  std::istringstream in(text);
  return read_result(in, name);
}

// The message of the std::runtime_error `f` throws ("(nothing thrown)" when it does not).
template <class F>
std::string refusal(F&& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(nothing thrown)";
}

// ---- A run's figures, fed the same way into one registry or spread over several.

// Result `i` of a run. Its shape (scenario, steps, outcome, error) depends on its round i / 3
// only, so three segments taking every third result each see the same shapes in the same
// order as the whole run does (the registry keeps names in first-seen order); its latencies
// depend on i. Ratios are multiples of 1/4, so their sums are exact in any order.
ScenarioResult result_number(int i) {
  const int round = i / 3;
  ScenarioResult r;
  r.scenario = kAllScenarios[static_cast<std::size_t>(round % kScenarioCount)];
  r.success = true;
  Nanos latency = microseconds{300 + (i * 7919) % 40'000};
  if (i % 97 == 0) latency = seconds{75};      // beyond the histogram's range: the overflow bin
  if (i % 89 == 0) latency = microseconds{3};  // below it: the underflow bin
  r.latency = latency;
  r.steps.push_back({"search", latency / 2, Failure::ok(), true});
  r.steps.push_back({r.scenario == Scenario::sms_validate ? "sms_draft" : "email_draft",
                     latency / 3, Failure::ok(), true});
  if (round % 10 == 3) {
    r.success = false;
    r.failed_at = "playbook_record";
    r.failure = Failure{FailureKind::http_status, round % 20 == 3 ? kNasty : kNul};
    r.steps.push_back({"playbook_record", latency / 6, r.failure, true});
  } else if (round % 10 == 7) {
    r.success = false;
    r.failed_at = "email_validate";
    r.failure = Failure{FailureKind::validator, "subject missing"};
    r.steps.push_back({"email_validate", microseconds{20}, r.failure, false});
    r.validator = ValidationCategory::fail_schema;
  } else {
    r.validator = ValidationCategory::pass;
  }
  if (r.scenario == Scenario::repeat_cache) r.first_to_rest_ratio = 0.25 * (i % 8);
  if (i % 2 == 0) r.waited = microseconds{i % 700};  // open model: corrected latencies
  return r;
}

// Feeds result `i`, its planned and started start (and a dropped one now and then) into `r` at
// its time: what an open-model executor records.
void feed(Registry& r, int i) {
  const WallNanos at = kT0 + static_cast<WallNanos>(i) * 3'000'000;  // one every 3 ms
  const ScenarioResult result = result_number(i);
  const auto stage = static_cast<std::size_t>(i / 400);
  r.schedule().count_planned(stage);
  r.series().count_planned(at);
  if ((i / 3) % 13 == 5) {  // by round, as the shapes
    r.schedule().count_dropped(result.scenario, stage);
    r.series().count_dropped(result.scenario, at);
    return;
  }
  const Nanos late = microseconds{(i * 31) % 2500};
  r.schedule().count_started(stage, late);
  r.series().count_started(late, at);
  r.series().count_start(result.scenario, at);
  r.record(result, at);
}

// The measured phase's bounds and the runner's per-interval figures: the target (each segment
// its share: 2.5 starts/s) and, where the gateway was sampled, its footprint.
void finish(Registry& r, int first, int last, double target_share, bool sampled) {
  TimeSeries& series = r.series();
  series.finish();
  series.begin = kT0 + static_cast<WallNanos>(first) * 3'000'000;
  series.end = kT0 + static_cast<WallNanos>(last) * 3'000'000 + 1;
  for (SeriesInterval& interval : series.intervals()) {
    interval.target =
        interval.index % 5 == 0 ? std::numeric_limits<double>::quiet_NaN() : target_share;
    if (sampled) {
      interval.gateway_cpu_percent = 12.5 + static_cast<double>(interval.index % 7);
      interval.gateway_rss_bytes = 1'000'000 + static_cast<std::uint64_t>(interval.index % 11);
    }
  }
}

Registry run_registry(int results) {
  Registry r;
  r.series() = TimeSeries(kInterval);
  for (int i = 0; i < results; ++i) feed(r, i);
  finish(r, 0, results - 1, 7.5, true);
  return r;
}

RunSettings settings_of_segment(int segment, int segments) {
  RunSettings s;
  s.gateway = "http://127.0.0.1:4110";
  s.corpus = "workers";
  s.mode = "stress";
  s.concurrency = 50;
  s.duration_s = 10;
  s.warmup_s = 0.25;
  s.seed = 0xFEEDFACECAFEBEEFull;
  s.iterations = 20;
  s.weights = {{Scenario::cold_search_email, 35}, {Scenario::repeat_cache, 15}};
  s.timeout_s = 10;
  s.connect_timeout_s = 0.1;
  s.threads = 2;
  s.headers = {"X-Team: load", "Authorization: [redacted]", "X-Odd: \xfe\xff"};
  s.version = "0.9.0";
  s.queries = "generated";
  s.roster = "corpus";
  s.roster_file = "data/workers-100000.jsonl";
  s.interval_s = 0.1;
  s.gateway_pid = 4242;
  s.footprint_note = "";
  s.chart_js = "/usr/share/javascript/chart.js/chart.min.js";
  s.segment = segment;
  s.segments = segments;
  s.segment_source = segments > 1 ? "--segment" : "";
  s.allow_remote = false;
  s.start_at = "2025-12-01T12:00:00Z";
  s.start_late_s = 0.003 * segment;
  return s;
}

Thresholds run_thresholds() {
  Thresholds t;
  t.max_failure_rate = 0.25;
  t.p99_budget = {{Scenario::cold_search_email, milliseconds{80}},
                  {Scenario::repeat_cache, Nanos{123'456'789}}};
  t.max_dropped_rate = 0.5;
  t.min_achieved_rate = -1;
  return t;
}

CaseReport open_mix_case(Registry registry) {
  CaseReport c;
  c.name = "Mix.WeightedWorkload";
  c.label = "mix";
  c.mix = true;
  c.weights = default_weights();
  c.registry = std::move(registry);
  c.wall_s = 10.000123;
  c.vus = 30;
  c.executor.kind = ExecutorKind::ramping_arrival_rate;
  c.executor.stages = {{seconds{3}, 50}, {milliseconds{4500}, 120.5}, {seconds{3}, 0}};
  c.executor.max_vus = 30;
  c.executor.arrivals = Arrivals::poisson;
  c.executor.when_busy = WhenBusy::queue;
  c.executor.max_backlog = 77;
  c.stress = true;
  c.warmup_s = 0.25;
  c.threads = 2;
  return c;
}

// Three cases: a scenario alone with failures, the open-model mix with a series and a schedule
// by stage, and a case that could not run and was interrupted.
RunReport rich_report() {
  RunReport report;
  report.settings = settings_of_segment(2, 3);
  report.thresholds = run_thresholds();
  report.started_at = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(Nanos{kT0 + 123}));
  report.partial = true;
  report.partial_reason = "interrupted by a signal after 3.2 s of 10 s per case";

  CaseReport single;
  single.name = "Scenarios/Workflow.Passes/SurgeFillValidate";
  single.label = "surge_fill_validate";
  single.weights = {{Scenario::surge_fill_validate, 1}};
  for (int i = 0; i < 40; ++i) {
    ScenarioResult r = result_number(3 * (3 + 10 * (i % 3)));  // rounds 3, 13, 23: failures
    r.scenario = Scenario::surge_fill_validate;
    single.registry.record(r);
  }
  single.wall_s = 2.5;
  single.vus = 17;
  single.threads = 1;
  single.segments = 3;
  judge(single, report.thresholds, 10);
  report.cases.push_back(std::move(single));

  CaseReport mix = open_mix_case(run_registry(900));
  mix.segments = 3;
  judge(mix, report.thresholds, 10.5);
  report.cases.push_back(std::move(mix));

  CaseReport failed;
  failed.name = "Scenarios/Workflow.Passes/ProfileSwap";
  failed.label = "profile_swap";
  failed.weights = {{Scenario::profile_swap, 1}};
  failed.error = "the gateway at http://127.0.0.1:4110 did not answer: " + kNasty;
  failed.interrupted = true;
  failed.interrupted_after_s = 3.2;
  failed.segments = 3;
  judge(failed, report.thresholds, 10);
  report.cases.push_back(std::move(failed));
  return report;
}

TEST(ResultFile, ARichReportReadsBackEqualToItself) {
  const RunReport report = rich_report();
  // The report exercises what it should: failures with hostile bytes, every histogram kind,
  // stages, a series with steps, gateway samples and unknown (NaN) targets.
  const Registry& mix = report.cases[1].registry;
  ASSERT_GT(mix.stats(Scenario::surge_fill_validate).errors.size(), 1u);
  ASSERT_GT(mix.stats(Scenario::cold_search_email).corrected.count(), 0u);
  ASSERT_GT(mix.total_latency().bin_count(-1), 0u);
  ASSERT_GT(mix.total_latency().bin_count(LatencyHistogram::kBins), 0u);
  ASSERT_EQ(mix.schedule().stages.size(), 3u);
  ASSERT_GT(mix.series().intervals().size(), 20u);
  ASSERT_FALSE(mix.series().intervals()[5].steps.empty());
  ASSERT_TRUE(std::isnan(mix.series().intervals()[0].target));

  const std::string text = written(report);
  ASSERT_GT(text.size(), 2 * 64 * 1024u) << "the reader takes its input in chunks of 64 KiB";
  const RunReport back = read_back(text);
  expect_same_report(report, back);
  EXPECT_EQ(written(back), text) << "writing what was read gives the same bytes";
  const std::size_t from = text.find("\"intervals\":[{");  // the mix's series, up to the next case
  const std::string intervals = text.substr(from, text.find("{\"name\":\"", from) - from);
  ASSERT_GT(intervals.size(), 10'000u);
  EXPECT_EQ(intervals.find("null"), std::string::npos) << "unknown targets are left out";
  for (const char* zero : {"\"starts\":0", "\"completions\":0", "\"failures\":0", "\"dropped\":0",
                           "\"runs\":0", "\"planned\":0", "\"started\":0", "\"late\":0",
                           "\"busy_ns\":0", "\"gateway_rss_bytes\":0", "\"failure_kinds\":{}"})
    EXPECT_EQ(intervals.find(zero), std::string::npos) << zero << ": zero counts are left out";
  EXPECT_EQ(intervals.find("{\"count\":0}"), std::string::npos) << "empty histograms too";
  const auto& errors = back.cases[0].registry.stats(Scenario::surge_fill_validate).errors;
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].message, kNasty);
  EXPECT_EQ(errors[1].message, kNul);
}

// A report of one case whose cold_search_email latency is `latency` (and its runs its count).
RunReport report_with_latency(const LatencyHistogram& latency) {
  RunReport report;
  report.settings = settings_of_segment(1, 1);
  CaseReport c = open_mix_case(Registry{});
  ScenarioStats& stats = c.registry.stats(Scenario::cold_search_email);
  stats.runs = latency.count();
  stats.latency = latency;
  report.cases.push_back(std::move(c));
  return report;
}

TEST(ResultFile, HistogramsAreRunsOfNeighbouringBins) {
  const LatencyHistogram latency =
      LatencyHistogram::from_bins({{-1, 2}, {5, 1}, {6, 2}, {8, 3}, {11, 4}, {15, 5}, {2000, 6}},
                                  123'456'789, 3'000, 70'000'000'000);
  const std::string text = written(report_with_latency(latency));
  // Up to two empty bins stay inside a run as 0s; three or more start a new run.
  const std::string runs = R"("runs":[[-1,2],[5,1,2,0,3,0,0,4],[15,5],[2000,6]])";
  ASSERT_NE(
      text.find(R"("count":23,"sum_ns":123456789,"min_ns":3000,"max_ns":70000000000,)" + runs),
      std::string::npos)
      << text.substr(0, 2000);
  const RunReport back = read_back(text);
  EXPECT_TRUE(back.cases[0].registry.stats(Scenario::cold_search_email).latency == latency);

  // Runs in range, in increasing order, apart.
  auto with_runs = [&](const std::string& other) {
    std::string changed = text;
    changed.replace(changed.find(runs), runs.size(), "\"runs\":" + other);
    return refusal([&] { read_back(changed, "h.json"); });
  };
  const std::string where =
      "h.json: malformed field cases[0].registry.scenarios.cold_search_email.latency";
  EXPECT_EQ(with_runs("[[-1,2],[5,1,2,0,3,0,0,4],[11,5],[2000,6]]"),
            where + ".runs[2]: runs must be in increasing bin order, without overlap");
  EXPECT_EQ(with_runs("[[-1,2],[5,1,2,0,3,0,0,4],[15,5],[1999,0,6]]"), "(nothing thrown)")
      << "a run may hold zeros anywhere, and end in the overflow bin";
  EXPECT_EQ(with_runs("[[-1,2],[5,1,2,0,3,0,0,4],[15,5],[1999,0,0,6]]"),
            where + ": histogram bin 2001 is outside [-1, 2000]");
  EXPECT_EQ(with_runs("[[-1,2],[5,1,2,0,3,0,0,4],[15],[2000,11]]"),
            where + ".runs[2]: want [first bin, count, ...]");
  EXPECT_EQ(with_runs("[[-1,2],[5,1,2,0,3,0,0,4],[15,5],[2000,7]]"),
            where + ": the bins hold 24 samples, count says 23");
  EXPECT_EQ(with_runs("[[-1,2],[5,1,2,0,3,0,0,4],[15,5],[2000,6,-1]]"),
            where + ": histogram bin 2001 is outside [-1, 2000]");
}

// The series' intervals write only what is not their default; a key is never left out.
TEST(ResultFile, IntervalsLeaveOutWhatHoldsItsDefault) {
  RunReport report;
  report.settings = settings_of_segment(1, 1);
  CaseReport c = open_mix_case(Registry{});
  TimeSeries& series = c.registry.series();
  series = TimeSeries(kInterval);
  series.at_index(5).planned = 3;
  SeriesInterval& busy = series.at_index(6);
  busy.scenarios[static_cast<std::size_t>(Scenario::repeat_cache)].starts = 2;
  busy.steps.push_back(
      StepPoint{Scenario::cold_search_email, series.step_id("email_validate"), false, 0, 0, {}});
  busy.target = 0.0;
  report.cases.push_back(std::move(c));

  const std::string text = written(report);
  EXPECT_NE(text.find(R"("intervals":[{"index":5,"planned":3},{"index":6,"scenarios":)"
                      R"({"repeat_cache":{"starts":2}},"steps":[{"scenario":"cold_search_email",)"
                      R"("name":0,"http":false}],"target":0.0}])"),
            std::string::npos)
      << text;
  expect_same_report(report, read_back(text));

  std::string keyless = text;
  keyless.erase(keyless.find("\"index\":5,"), 10);
  EXPECT_EQ(refusal([&] { read_back(keyless, "k.json"); }),
            "k.json: missing field cases[0].registry.series.intervals[0].index");
}

TEST(ResultFile, IsOneLineOfValidUtf8NamingItsFormat) {
  const std::string text = written(rich_report());
  EXPECT_EQ(text.rfind("{\"format\":\"multitier-result\",\"format_version\":1,", 0), 0u)
      << text.substr(0, 80);
  EXPECT_EQ(text.find('\n'), text.size() - 1);
  EXPECT_TRUE(utf8::valid(text));
  EXPECT_NE(text.find("{\"hex\":\""), std::string::npos) << "invalid UTF-8 is hex-encoded";
}

TEST(ResultFile, DoublesReadBackBitForBit) {
  std::mt19937_64 random(7);
  std::vector<double> values = {0.0,
                                -0.0,
                                0.1,
                                1.0 / 3,
                                1e-310,  // subnormal
                                std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::lowest(),
                                std::numeric_limits<double>::min(),
                                std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity(),
                                std::numeric_limits<double>::quiet_NaN()};
  while (values.size() < 3000) {
    const double value = std::bit_cast<double>(random());
    if (!std::isnan(value)) values.push_back(value);
  }
  RunReport report;
  report.cases.emplace_back();
  for (double value : values) {
    report.settings.duration_s = value;
    report.cases[0].wall_s = -value;
    const RunReport back = read_back(written(report));
    ASSERT_PRED2(same_double, back.settings.duration_s, value);
    ASSERT_PRED2(same_double, back.cases[0].wall_s, -value);
  }
}

// ---- Merging.

struct Split {
  Registry whole;
  std::vector<RunReport> parts;  // segments 1/3, 2/3, 3/3, read back from their result files
  std::vector<std::string> names;
};

// One run of `results` results: the whole in one registry, and the same results spread over
// three segments (result i in segment i mod 3 + 1), each written and read back.
Split split_run(int results) {
  Split split;
  split.whole = run_registry(results);
  for (int k = 0; k < 3; ++k) {
    Registry r;
    r.series() = TimeSeries(kInterval);
    for (int i = k; i < results; i += 3) feed(r, i);
    finish(r, k, results - 3 + k, 2.5, k == 0);
    RunReport part;
    part.settings = settings_of_segment(k + 1, 3);
    part.settings.gateway_pid = k == 0 ? 4242 : 0;  // only segment 1 ran beside the gateway
    part.settings.footprint_note = k == 0 ? "" : "the gateway is not on this machine";
    part.thresholds = run_thresholds();
    part.started_at = std::chrono::system_clock::time_point(seconds{1'764'590'000 + 3 - k});
    CaseReport c = open_mix_case(std::move(r));
    c.vus = 10;
    c.wall_s = 10.0 + 0.001 * k;
    c.segments = 3;
    judge(c, part.thresholds, 10.5);
    part.cases.push_back(std::move(c));
    const std::string name = "seg" + std::to_string(k + 1) + "/result.json";
    split.parts.push_back(read_back(written(part), name));
    split.names.push_back(name);
  }
  return split;
}

TEST(ResultFile, ThreeSegmentsMergeIntoTheWholeRunBinForBin) {
  const Split split = split_run(900);
  const RunReport merged = merge_results(split.parts, split.names);
  ASSERT_EQ(merged.cases.size(), 1u);
  const CaseReport& c = merged.cases[0];
  EXPECT_TRUE(c.registry == split.whole) << "the merged registry is the one-process registry";
  // Spot checks of the equality above, bin for bin.
  const LatencyHistogram& latency = c.registry.stats(Scenario::cold_search_email).latency;
  const LatencyHistogram& expected = split.whole.stats(Scenario::cold_search_email).latency;
  for (int bin = -1; bin <= LatencyHistogram::kBins; ++bin)
    ASSERT_EQ(latency.bin_count(bin), expected.bin_count(bin)) << "bin " << bin;
  EXPECT_EQ(c.registry.total_runs(), split.whole.total_runs());
  EXPECT_EQ(c.registry.schedule().stages, split.whole.schedule().stages);
  EXPECT_EQ(c.registry.series().intervals().size(), split.whole.series().intervals().size());

  EXPECT_EQ(c.vus, 30);
  EXPECT_EQ(c.threads, 6);
  EXPECT_EQ(c.wall_s, 10.0 + 0.001 * 2);
  EXPECT_EQ(c.segments, 1);
  EXPECT_EQ(merged.settings.segment, 1);
  EXPECT_EQ(merged.settings.segments, 1);
  EXPECT_EQ(merged.settings.segment_source, "merged from 3 segments");
  EXPECT_EQ(merged.settings.gateway_pid, 4242);
  EXPECT_EQ(merged.settings.start_late_s, 0.003 * 3);
  EXPECT_EQ(merged.started_at, split.parts[2].started_at);
  EXPECT_FALSE(merged.partial);

  // Judged as the whole run in one process would have been.
  CaseReport whole = open_mix_case(split.whole);
  whole.vus = 30;
  whole.threads = 6;
  whole.wall_s = 10.0 + 0.001 * 2;
  judge(whole, merged.thresholds, 10.5);
  ASSERT_EQ(c.verdicts.size(), whole.verdicts.size());
  for (std::size_t i = 0; i < c.verdicts.size(); ++i) {
    EXPECT_EQ(c.verdicts[i].passed, whole.verdicts[i].passed);
    EXPECT_EQ(c.verdicts[i].reason, whole.verdicts[i].reason);
  }

  // The merged report is a result file like any other.
  expect_same_report(merged, read_back(written(merged)));
}

// The segments' result files, in folders segment-1, segment-2, ... of `dir`.
std::vector<std::string> write_files(const std::vector<RunReport>& parts,
                                     const std::filesystem::path& dir) {
  std::vector<std::string> paths;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const std::filesystem::path folder = dir / ("segment-" + std::to_string(k + 1));
    std::filesystem::create_directories(folder);
    paths.push_back((folder / "result.json").string());
    std::ofstream(paths.back(), std::ios::binary) << written(parts[k]);
  }
  return paths;
}

// multitier-merge reads its files one at a time into a ResultMerge; that gives the merge of
// the reports held all at once, byte for byte.
TEST(ResultFile, MergingTheFilesOneAtATimeEqualsMergingTheReports) {
  Split split = split_run(900);
  split.parts[1].partial = true;
  split.parts[1].partial_reason = "interrupted by a signal after 3.2 s of 10 s per case";
  const unit::PrivateTempDir dir("result-file-stream");
  const std::vector<std::string> paths = write_files(split.parts, dir.path());
  const RunReport streamed = merge_result_files(paths);
  const RunReport held = merge_results(split.parts, paths);
  expect_same_report(streamed, held);
  EXPECT_EQ(written(streamed), written(held));
  EXPECT_TRUE(streamed.cases[0].registry.stats(Scenario::cold_search_email) ==
              held.cases[0].registry.stats(Scenario::cold_search_email));

  // The refusals name the files.
  EXPECT_EQ(refusal([&] {
              merge_result_files({paths[0], paths[1], paths[1]});
            }),
            paths[1] + " and " + paths[1] + " are both segment 2/3 (the same file twice?)");
  EXPECT_EQ(
      refusal([&] {
        merge_result_files({paths[0], paths[2]});
      }),
      "segment 2 of 3 is missing; the files given: " + paths[0] + " (1/3), " + paths[2] + " (3/3)");
  MergeOptions allow;
  allow.allow_missing_segments = true;
  const RunReport partial = merge_result_files({paths[2], paths[0]}, allow);
  EXPECT_EQ(partial.partial_reason, "segment 2 of 3 is missing: the figures cover the others only");
  EXPECT_EQ(partial.settings.segment_source, "merged from 2 segments");
  EXPECT_EQ(refusal([&] {
              merge_result_files({paths[0], paths[0] + ".gone"});
            }),
            paths[0] + ".gone: cannot be opened");
}

TEST(ResultFile, TheOrderOfTheFilesDoesNotChangeTheCounts) {
  const Split split = split_run(300);
  const RunReport forward = merge_results(split.parts, split.names);
  const RunReport backward = merge_results({split.parts[2], split.parts[0], split.parts[1]},
                                           {split.names[2], split.names[0], split.names[1]});
  const Registry& a = forward.cases[0].registry;
  const Registry& b = backward.cases[0].registry;
  EXPECT_EQ(a.total_runs(), b.total_runs());
  EXPECT_EQ(a.total_failures(), b.total_failures());
  EXPECT_TRUE(a.total_latency() == b.total_latency());
  EXPECT_TRUE(a.schedule() == b.schedule());
  EXPECT_TRUE(a.series() == b.series()) << "intervals merge by index; steps compare by name";
}

TEST(ResultFile, RefusesAMissingSegmentNamingIt) {
  const Split split = split_run(90);
  const std::string message = refusal([&] {
    merge_results({split.parts[0], split.parts[2]}, {split.names[0], split.names[2]});
  });
  EXPECT_NE(message.find("segment 2 of 3 is missing"), std::string::npos) << message;
  EXPECT_NE(message.find("seg1/result.json (1/3), seg3/result.json (3/3)"), std::string::npos)
      << message;

  // Allowed, the merge is partial and fails.
  MergeOptions options;
  options.allow_missing_segments = true;
  const RunReport merged =
      merge_results({split.parts[0], split.parts[2]}, {split.names[0], split.names[2]}, options);
  EXPECT_TRUE(merged.partial);
  EXPECT_NE(merged.partial_reason.find("segment 2 of 3 is missing"), std::string::npos);
  EXPECT_FALSE(merged.passed());
}

TEST(ResultFile, RefusesASegmentGivenTwiceNamingBothFiles) {
  const Split split = split_run(90);
  const std::string message = refusal([&] {
    merge_results({split.parts[0], split.parts[1], split.parts[1]},
                  {split.names[0], split.names[1], "copy/result.json"});
  });
  EXPECT_NE(message.find("seg2/result.json and copy/result.json are both segment 2/3"),
            std::string::npos)
      << message;
}

TEST(ResultFile, RefusesDifferentSettingsNamingTheSettingAndBothValues) {
  Split split = split_run(90);
  split.parts[1].settings.duration_s = 20;
  split.parts[1].settings.seed = 5;
  std::string message = refusal([&] { merge_results(split.parts, split.names); });
  EXPECT_NE(message.find("seg1/result.json and seg2/result.json are not segments of one run"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("duration_s 10.0 in seg1/result.json, 20.0 in seg2/result.json"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("seed 18369614221190020847 in seg1/result.json, 5 in"), std::string::npos)
      << message;

  split = split_run(90);
  split.parts[2].thresholds.p99_budget.clear();
  message = refusal([&] { merge_results(split.parts, split.names); });
  EXPECT_NE(message.find("their thresholds differ: p99_budget_ns"), std::string::npos) << message;

  split = split_run(90);
  split.parts[2].settings.version = "1.0.0";
  message = refusal([&] { merge_results(split.parts, split.names); });
  EXPECT_NE(message.find("different suite versions: 0.9.0 and 1.0.0"), std::string::npos)
      << message;

  split = split_run(90);
  split.parts[2].settings.segments = 4;
  message = refusal([&] { merge_results(split.parts, split.names); });
  EXPECT_NE(message.find("different numbers of segments"), std::string::npos) << message;

  split = split_run(90);
  split.parts[1].cases[0].name = "Scenarios/Workflow.Passes/ColdSearchEmail";
  message = refusal([&] { merge_results(split.parts, split.names); });
  EXPECT_NE(message.find("ran different cases: seg1/result.json: Mix.WeightedWorkload; "
                         "seg2/result.json: Scenarios/Workflow.Passes/ColdSearchEmail"),
            std::string::npos)
      << message;

  split = split_run(90);
  split.parts[1].cases[0].executor.max_backlog = 5;
  message = refusal([&] { merge_results(split.parts, split.names); });
  EXPECT_NE(message.find("ran case Mix.WeightedWorkload differently: executor"), std::string::npos)
      << message;
}

TEST(ResultFile, RefusesOtherFormatVersionsAndGarbage) {
  const std::string text = written(rich_report());
  std::string newer = text;
  newer.replace(newer.find("\"format_version\":1"), 18, "\"format_version\":2");
  EXPECT_EQ(refusal([&] { read_back(newer, "a/result.json"); }),
            "a/result.json: format version 2 is not supported (this build reads 1)");

  EXPECT_NE(refusal([&] { read_back("hello", "x.json"); }).find("x.json: not a result file"),
            std::string::npos);
  EXPECT_NE(refusal([&] { read_back("", "x.json"); }).find("x.json: not a result file"),
            std::string::npos);
  EXPECT_EQ(refusal([&] { read_back(R"({"wall_sec": 3})", "report.json"); }),
            "report.json: not a result file (no \"format\": \"multitier-result\")");
  EXPECT_NE(refusal([&] {
              read_back(text.substr(0, text.size() / 2), "cut.json");
            }).find("cut.json: not a result file: not JSON"),
            std::string::npos);
  // Where, counted over the reader's chunks of 64 KiB.
  // A stray byte between two members past the first chunk (a member starts with ,"; a string's
  // own quotes are escaped), so the text is no longer JSON exactly there.
  std::string stray = text;
  const std::size_t at = stray.find(",\"", 100'000);
  ASSERT_NE(at, std::string::npos);
  stray.insert(at, "@");
  EXPECT_NE(
      refusal([&] { read_back(stray, "s.json"); }).find(" at byte " + std::to_string(at) + ")"),
      std::string::npos)
      << refusal([&] { read_back(stray, "s.json"); });

  std::string malformed = text;
  const std::string runs = "\"vus\":17";
  malformed.replace(malformed.find(runs), runs.size(), "\"vus\":\"many\"");
  EXPECT_EQ(refusal([&] { read_back(malformed, "m.json"); }),
            "m.json: malformed field cases[0].vus: want a 32-bit integer");

  std::string unknown = text;
  unknown.replace(unknown.find("\"http_status\":"), 14, "\"http_statue\":");
  EXPECT_NE(refusal([&] { read_back(unknown, "u.json"); })
                .find("malformed field cases[0].registry.scenarios.surge_fill_validate."
                      "failure_kinds.http_statue: unknown name 'http_statue'"),
            std::string::npos);

  // Histograms: bins in range, adding up to their count.
  std::string bins = text;
  const std::size_t first_bin = bins.find("\"runs\":[[") + 9;
  bins.replace(first_bin, bins.find(',', first_bin) - first_bin, "-2");
  EXPECT_NE(refusal([&] { read_back(bins, "b.json"); })
                .find("b.json: malformed field cases[0].registry.scenarios.surge_fill_validate."
                      "latency: histogram bin -2 is outside [-1, 2000]"),
            std::string::npos)
      << refusal([&] { read_back(bins, "b.json"); });
  std::string count = text;
  count.replace(count.find("\"latency\":{\"count\":40,"), 22, "\"latency\":{\"count\":41,");
  EXPECT_NE(refusal([&] {
              read_back(count, "c.json");
            }).find("latency: the bins hold 40 samples, count says 41"),
            std::string::npos)
      << refusal([&] { read_back(count, "c.json"); });

  std::string missing = text;
  const std::string field = "\"mode\":\"stress\",";
  missing.erase(missing.find(field), field.size());
  EXPECT_EQ(refusal([&] { read_back(missing, "m.json"); }), "m.json: missing field settings.mode");
}

// p99 budgets judge the merged histogram, not the parts' verdicts. Here the parts pass and
// the merge fails, as the whole run in one process does: segment 1 ran 200 runs, all at the
// bottom of one histogram bin; segments 2 and 3 ran 199 fast runs and one 10 s run each. Each
// segment's p99 is under budget, but the merged p99 falls into segment 1's bin, now spanning
// [bin's edge, the merged max], and lies above the budget set in the middle of that bin.
TEST(ResultFile, AThresholdBreachedOnlyInTheMergeFailsTheMergedRun) {
  const double ratio = std::pow(LatencyHistogram::kHighestNs / LatencyHistogram::kLowestNs,
                                1.0 / LatencyHistogram::kBins);
  const double bin = std::floor(std::log(20e6 / LatencyHistogram::kLowestNs) / std::log(ratio));
  const double edge = LatencyHistogram::kLowestNs * std::pow(ratio, bin);
  Thresholds thresholds;
  thresholds.max_failure_rate = 0;
  thresholds.p99_budget[Scenario::cold_search_email] = Nanos{std::llround(edge * std::sqrt(ratio))};

  std::vector<RunReport> parts;
  std::vector<std::string> names;
  Registry whole;
  auto run = [](Nanos latency) {
    ScenarioResult r;
    r.scenario = Scenario::cold_search_email;
    r.success = true;
    r.latency = latency;
    return r;
  };
  for (int k = 0; k < 3; ++k) {
    CaseReport c;
    c.name = "Scenarios/Workflow.Passes/ColdSearchEmail";
    c.label = "cold_search_email";
    c.weights = {{Scenario::cold_search_email, 1}};
    c.vus = 1;
    c.wall_s = 1;
    for (int i = 0; i < 200; ++i) {
      const Nanos latency = k == 0   ? Nanos{std::llround(edge * 1.0001)}
                            : i == 0 ? Nanos{seconds{10}}
                                     : Nanos{milliseconds{1}};
      c.registry.record(run(latency));
      whole.record(run(latency));
    }
    judge(c, thresholds, 0);
    EXPECT_TRUE(c.passed()) << "segment " << k + 1 << ": " << c.verdicts[0].reason;
    RunReport part;
    part.settings = settings_of_segment(k + 1, 3);
    part.thresholds = thresholds;
    part.cases.push_back(std::move(c));
    parts.push_back(std::move(part));
    names.push_back("seg" + std::to_string(k + 1));
  }
  const RunReport merged = merge_results(parts, names);
  EXPECT_FALSE(merged.passed());
  ASSERT_EQ(merged.cases[0].verdicts.size(), 1u);
  EXPECT_NE(merged.cases[0].verdicts[0].reason.find("over budget"), std::string::npos)
      << merged.cases[0].verdicts[0].reason;
  const std::vector<Verdict> one_process = evaluate(whole, thresholds);
  EXPECT_EQ(merged.cases[0].verdicts[0].reason, one_process[0].reason);
}

// Each segment owes its share of --min-achieved-rate; the merged run, judged as one run, owes
// the whole rate: the starts of all segments over the longest wall time.
TEST(ResultFile, TheMergedRunIsJudgedOnTheWholeAchievedRate) {
  Split split = split_run(300);
  std::uint64_t started = 0;
  for (const RunReport& part : split.parts) started += part.cases[0].registry.schedule().started;
  const double whole_rate = static_cast<double>(started) / (10.0 + 0.001 * 2);
  for (const double margin : {-1.0, 1.0}) {
    for (RunReport& part : split.parts) {
      part.thresholds = Thresholds{};  // the achieved rate alone
      part.thresholds.max_failure_rate = 1;
      part.thresholds.min_achieved_rate = whole_rate + margin;
    }
    const RunReport merged = merge_results(split.parts, split.names);
    const CaseReport& c = merged.cases[0];
    EXPECT_DOUBLE_EQ(c.achieved_rate(), whole_rate);
    EXPECT_EQ(c.passed(), margin < 0) << c.verdicts[0].reason;
    if (margin > 0) {
      EXPECT_NE(c.verdicts[0].reason.find("below --min-achieved-rate"), std::string::npos)
          << c.verdicts[0].reason;
      EXPECT_EQ(c.verdicts[0].reason.find("segments)"), std::string::npos)
          << "judged as one run, not as a segment: " << c.verdicts[0].reason;
    }
  }
}

TEST(ResultFile, APartialOrInterruptedSegmentMakesTheMergePartial) {
  Split split = split_run(90);
  split.parts[1].partial = true;
  split.parts[1].partial_reason = "interrupted by a signal after 3.2 s of 10 s per case";
  split.parts[1].cases[0].interrupted = true;
  split.parts[1].cases[0].interrupted_after_s = 3.2;
  split.parts[2].cases[0].interrupted = true;
  split.parts[2].cases[0].interrupted_after_s = 2.5;
  const RunReport merged = merge_results(split.parts, split.names);
  EXPECT_TRUE(merged.partial);
  EXPECT_EQ(merged.partial_reason,
            "segment 2/3 (seg2/result.json) is partial: interrupted by a signal after 3.2 s of "
            "10 s per case");
  EXPECT_TRUE(merged.cases[0].interrupted);
  EXPECT_EQ(merged.cases[0].interrupted_after_s, 2.5);
  EXPECT_FALSE(merged.passed());
}

}  // namespace
}  // namespace multitier
