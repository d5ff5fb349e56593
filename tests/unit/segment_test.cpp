// Segments and the common start: how a run's load is split over processes, read from the
// options or an engine's index variables, and how a start time is parsed.
#include "multitier/run/segment.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "multitier/run/runner.h"
#include "multitier/run/start_time.h"
#include "tests/unit/parse_args.h"
#include "tests/unit/scripted_server.h"
#include "tests/unit/seed_pools.h"

namespace multitier {
namespace {

using namespace std::chrono_literals;
using unit::parse;

std::vector<const char*> env(std::vector<const char*> entries) {
  entries.push_back(nullptr);
  return entries;
}

TEST(Segment, SharesAreDisjointAndAddUpLikeKsSegments) {
  const Segment first{1, 3}, second{2, 3}, third{3, 3};
  EXPECT_EQ(first.share(50), 17);
  EXPECT_EQ(second.share(50), 17);
  EXPECT_EQ(third.share(50), 16);
  for (int total : {0, 1, 2, 3, 7, 50, 1024}) {
    EXPECT_EQ(first.share(total) + second.share(total) + third.share(total), total) << total;
  }
  for (std::uint64_t v = 0; v < 50; ++v) {
    EXPECT_EQ(int(first.owns(v)) + int(second.owns(v)) + int(third.owns(v)), 1) << v;
  }
  EXPECT_TRUE(Segment{}.whole());
  EXPECT_EQ(Segment{}.share(50), 50);
}

TEST(Segment, ParsesIOfNAndRefusesTheRest) {
  std::string error;
  auto s = parse_segment("2/3", error);
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, (Segment{2, 3}));
  for (const char* bad : {"0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/1001", "2/3x"}) {
    EXPECT_FALSE(parse_segment(bad, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(Segment, EnginesIndexVariablesNameTheSegment) {
  std::string source;
  EXPECT_EQ(segment_from_environment(env({"JOB_COMPLETION_INDEX=2"}).data(), 3, source),
            (Segment{3, 3}));
  EXPECT_EQ(source, "JOB_COMPLETION_INDEX");
  EXPECT_EQ(segment_from_environment(env({"CI_NODE_INDEX=1", "CI_NODE_TOTAL=4"}).data(), 0, source),
            (Segment{1, 4}));
  EXPECT_EQ(source, "CI_NODE_INDEX");
  EXPECT_EQ(segment_from_environment(env({"PATH=/bin"}).data(), 0, source), Segment{});
  EXPECT_EQ(source, "");
  EXPECT_THROW(segment_from_environment(env({"JOB_COMPLETION_INDEX=0"}).data(), 0, source),
               std::invalid_argument);
  EXPECT_THROW(segment_from_environment(env({"JOB_COMPLETION_INDEX=3"}).data(), 3, source),
               std::invalid_argument);
  EXPECT_THROW(
      segment_from_environment(env({"CI_NODE_INDEX=0", "CI_NODE_TOTAL=3"}).data(), 0, source),
      std::invalid_argument);
}

TEST(Segment, OptionsAndEnvironmentChooseTheSegment) {
  auto p = parse({"--segment", "2/3"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  EXPECT_EQ(p.options.segment, (Segment{2, 3}));
  EXPECT_EQ(p.options.segment_source, "--segment");
  // --segment wins over an engine's variables; MULTITIER_SEGMENT is the option's own variable.
  p = parse({"--segment", "1/2"}, {"CI_NODE_INDEX=2", "CI_NODE_TOTAL=2"});
  EXPECT_EQ(p.options.segment, (Segment{1, 2}));
  p = parse({}, {"MULTITIER_SEGMENT=3/5"});
  EXPECT_EQ(p.options.segment, (Segment{3, 5}));
  EXPECT_EQ(p.options.segment_source, "MULTITIER_SEGMENT");
  p = parse({}, {"JOB_COMPLETION_INDEX=1", "MULTITIER_SEGMENTS=3"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  EXPECT_EQ(p.options.segment, (Segment{2, 3}));
  p = parse({}, {"JOB_COMPLETION_INDEX=1"});
  EXPECT_EQ(p.outcome.action, ParseOutcome::Action::error);
  EXPECT_NE(p.outcome.message.find("MULTITIER_SEGMENTS"), std::string::npos) << p.outcome.message;
  p = parse({"--segment", "4/3"});
  EXPECT_EQ(p.outcome.action, ParseOutcome::Action::error);
  EXPECT_NE(p.outcome.message.find("--segment"), std::string::npos) << p.outcome.message;
}

TEST(Segment, RemoteTargetsNeedTheOptIn) {
  auto p = parse({"--gateway", "http://10.1.2.3:4110"});
  EXPECT_EQ(p.outcome.action, ParseOutcome::Action::error);
  EXPECT_NE(p.outcome.message.find("--allow-remote"), std::string::npos) << p.outcome.message;
  p = parse({"--gateway", "http://gateway.load.svc:4110", "--allow-remote"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  EXPECT_TRUE(p.options.allow_remote);
  p = parse({"--gateway", "http://10.1.2.3:4110"}, {"MULTITIER_ALLOW_REMOTE=1"});
  EXPECT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  EXPECT_EQ(target_problem("http://10.1.2.3:4110", true), "");
  EXPECT_NE(target_problem("https://10.1.2.3:4110", true), "") << "still plain HTTP only";
}

TEST(StartTime, ParsesRfc3339WithAZoneOnly) {
  std::string error;
  constexpr std::int64_t kNoon = 1'796'126'400LL * 1'000'000'000;  // 2026-12-01T12:00:00Z
  EXPECT_EQ(parse_rfc3339("2026-12-01T12:00:00Z", error), kNoon);
  EXPECT_EQ(parse_rfc3339("2026-12-01t12:00:00.25z", error), kNoon + 250'000'000);
  EXPECT_EQ(parse_rfc3339("2026-12-01T13:30:00+01:30", error), kNoon);
  EXPECT_EQ(parse_rfc3339("2026-12-01 11:00:00-01:00", error), kNoon);
  for (const char* bad : {"2026-12-01T12:00:00", "2026-13-01T12:00:00Z", "2026-02-30T12:00:00Z",
                          "2026-12-01T24:00:00Z", "12:00", "2026-12-01T12:00:00Zjunk", ""}) {
    EXPECT_FALSE(parse_rfc3339(bad, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  EXPECT_EQ(format_rfc3339(kNoon + 250'000'000), "2026-12-01T12:00:00.250Z");
}

TEST(StartTime, OptionsRefuseAFarStartAndBothWays) {
  auto p = parse({"--start-at", "2026-12-01T12:00:00Z"});
  EXPECT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  EXPECT_EQ(p.options.start_at_text, "2026-12-01T12:00:00Z");
  p = parse({"--start-at", "2099-01-01T00:00:00Z"});
  EXPECT_EQ(p.outcome.action, ParseOutcome::Action::error);
  EXPECT_NE(p.outcome.message.find("24 h"), std::string::npos) << p.outcome.message;
  p = parse({"--start-at", "2026-12-01T12:00:00Z", "--start-delay", "5s"});
  EXPECT_EQ(p.outcome.action, ParseOutcome::Action::error);
  p = parse({"--start-delay", "2s"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  EXPECT_GT(p.options.start_at, 0);
}

const unit::ScriptStep kAnswer{
    unit::http_response(200, R"({"results":[{"id":"w-1","distance":0.1,"corpus":"workers"}]})")};

RunPlan plan_for(const std::string& url) {
  RunPlan plan;
  plan.gateway = url;
  plan.http.connect_timeout_ms = 1000;
  plan.http.timeout_ms = 5000;
  plan.context = unit::seed_context();
  plan.weights = {{Scenario::cold_search_email, 1}};
  plan.seed = 9;
  plan.interval = 0ns;
  return plan;
}

// Three segments of an iterations run do exactly the whole run's iterations, on 17/17/16 VUs.
TEST(Segment, IterationsSplitExactlyOverTheSegments) {
  unit::ScriptedServer server({kAnswer});
  std::uint64_t runs = 0;
  std::vector<int> vus;
  for (int i = 1; i <= 3; ++i) {
    RunPlan plan = plan_for(server.url());
    plan.iterations = 100;
    plan.concurrency = 50;
    plan.segment = Segment{i, 3};
    std::atomic<bool> stop{false};
    const RunOutcome outcome = run_plan(plan, stop);
    runs += outcome.registry.total_runs();
    vus.push_back(outcome.vus);
  }
  EXPECT_EQ(runs, 100u);
  EXPECT_EQ(vus, (std::vector<int>{17, 17, 16}));
  EXPECT_EQ(server.requests().size(), 100u);
}

// The arrival-rate executors plan a third of the starts in each of three segments, and together
// as many as the whole run plans.
TEST(Segment, ArrivalRatesSplitIntoSharesThatAddUp) {
  unit::ScriptedServer server({kAnswer});
  auto planned = [&](Segment segment) {
    RunPlan plan = plan_for(server.url());
    plan.stress = true;
    plan.duration = 600ms;
    plan.concurrency = 6;
    plan.executor.kind = ExecutorKind::constant_arrival_rate;
    plan.executor.rate = 300;
    plan.executor.max_vus = 6;
    plan.segment = segment;
    std::atomic<bool> stop{false};
    return run_plan(plan, stop).registry.schedule().planned;
  };
  const std::uint64_t whole = planned(Segment{});
  const std::uint64_t a = planned(Segment{1, 3}), b = planned(Segment{2, 3}),
                      c = planned(Segment{3, 3});
  EXPECT_EQ(whole, 180u);
  EXPECT_EQ(a + b + c, whole);
  EXPECT_EQ(a, 60u);
}

}  // namespace
}  // namespace multitier
