// The executor options (--executor and the settings each executor takes or refuses), read
// through parse_options as the suite reads them: command line, environment, defaults.
#include "multitier/run/options.h"

#include <gtest/gtest.h>

#include "tests/unit/parse_args.h"

#include <string>
#include <vector>

namespace multitier {
namespace {

using unit::parse;
using unit::Parsed;

// The error a parse ends in ("" when it succeeds), without the "multitier: " prefix.
std::string error_of(std::vector<const char*> args, std::vector<const char*> env = {}) {
  const Parsed p = parse(std::move(args), std::move(env));
  if (p.outcome.action != ParseOutcome::Action::error) return "";
  const std::string prefix = "multitier: ";
  const std::string& m = p.outcome.message;
  return m.rfind(prefix, 0) == 0 ? m.substr(prefix.size()) : m;
}

// True when `message` starts with "<label>: ", i.e. names what the user wrote first.
::testing::AssertionResult names(const std::string& message, const std::string& label) {
  if (message.rfind(label + ": ", 0) == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "'" << message << "' does not start with '" << label << ": '";
}

const char* const kClosed[] = {"constant-vus", "ramping-vus"};
const char* const kOpenOnly[] = {"--max-vus",     "--when-busy",        "--arrivals",
                                 "--max-backlog", "--max-dropped-rate", "--min-achieved-rate"};

// A valid value for each open-model option.
const char* value_for(const std::string& option) {
  if (option == "--when-busy") return "queue";
  if (option == "--arrivals") return "poisson";
  if (option == "--max-dropped-rate") return "0.1";
  return "10";
}

TEST(ExecutorOptions, DefaultIsConstantVusWithoutStress) {
  const auto p = parse({});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  const ExecutorSettings& e = p.options.executor;
  EXPECT_EQ(e.kind, ExecutorKind::constant_vus);
  EXPECT_FALSE(p.options.stress);
  EXPECT_TRUE(e.stages.empty());
  EXPECT_EQ(e.rate, 0.0);
  EXPECT_EQ(e.arrivals, Arrivals::uniform);
  EXPECT_EQ(e.when_busy, WhenBusy::drop);
  EXPECT_EQ(e.max_backlog, 1000);
  EXPECT_LT(p.options.max_dropped_rate, 0);   // no limit
  EXPECT_LT(p.options.min_achieved_rate, 0);  // no limit
  // An explicit constant-vus is the same and still needs --stress for stress mode.
  const auto explicit_default = parse({"--executor", "constant-vus"});
  ASSERT_EQ(explicit_default.outcome.action, ParseOutcome::Action::run)
      << explicit_default.outcome.message;
  EXPECT_EQ(explicit_default.options.executor.kind, ExecutorKind::constant_vus);
  EXPECT_FALSE(explicit_default.options.stress);
}

TEST(ExecutorOptions, ConstantArrivalRateImpliesStressAndPoolsConcurrencyVus) {
  const auto p = parse({"--executor", "constant-arrival-rate", "--rate", "200"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  EXPECT_EQ(p.options.executor.kind, ExecutorKind::constant_arrival_rate);
  EXPECT_TRUE(p.options.stress);
  EXPECT_DOUBLE_EQ(p.options.executor.rate, 200.0);
  EXPECT_EQ(p.options.executor.max_vus, 50);  // --concurrency's default
  const auto seven =
      parse({"--executor", "constant-arrival-rate", "--rate", "200", "--concurrency", "7"});
  ASSERT_EQ(seven.outcome.action, ParseOutcome::Action::run) << seven.outcome.message;
  EXPECT_EQ(seven.options.executor.max_vus, 7);
  const auto pool =
      parse({"--executor", "constant-arrival-rate", "--rate", "0.5", "--max-vus", "200"});
  ASSERT_EQ(pool.outcome.action, ParseOutcome::Action::run) << pool.outcome.message;
  EXPECT_EQ(pool.options.executor.max_vus, 200);
  EXPECT_DOUBLE_EQ(pool.options.executor.rate, 0.5);
}

TEST(ExecutorOptions, OpenModelSettingsAreRead) {
  const auto p = parse({"--executor", "constant-arrival-rate", "--rate", "1000", "--arrivals",
                        "poisson", "--when-busy", "queue", "--max-backlog", "5",
                        "--max-dropped-rate", "0.01", "--min-achieved-rate", "950"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  EXPECT_EQ(p.options.executor.arrivals, Arrivals::poisson);
  EXPECT_EQ(p.options.executor.when_busy, WhenBusy::queue);
  EXPECT_EQ(p.options.executor.max_backlog, 5);
  EXPECT_DOUBLE_EQ(p.options.max_dropped_rate, 0.01);
  EXPECT_DOUBLE_EQ(p.options.min_achieved_rate, 950.0);
}

TEST(ExecutorOptions, RampingExecutorsReadTheirStages) {
  const auto vus = parse({"--executor", "ramping-vus", "--stages", "30s:10,1m:50,30s:0"});
  ASSERT_EQ(vus.outcome.action, ParseOutcome::Action::run) << vus.outcome.message;
  EXPECT_EQ(vus.options.executor.kind, ExecutorKind::ramping_vus);
  EXPECT_TRUE(vus.options.stress);
  const std::vector<Stage> want{{std::chrono::seconds(30), 10},
                                {std::chrono::seconds(60), 50},
                                {std::chrono::seconds(30), 0}};
  EXPECT_EQ(vus.options.executor.stages, want);
  const auto rate = parse({"--executor", "ramping-arrival-rate", "--stages",
                           "30s:100,2m:2000,30s:0", "--max-vus", "300", "--warmup", "10s"});
  ASSERT_EQ(rate.outcome.action, ParseOutcome::Action::run) << rate.outcome.message;
  EXPECT_EQ(rate.options.executor.kind, ExecutorKind::ramping_arrival_rate);
  EXPECT_TRUE(rate.options.stress);
  EXPECT_EQ(rate.options.executor.stages.size(), 3u);
  EXPECT_EQ(rate.options.executor.max_vus, 300);
  EXPECT_EQ(rate.options.warmup, std::chrono::seconds(10));
}

TEST(ExecutorOptions, RampingNeedsStagesAndRefusesDuration) {
  for (const char* executor : {"ramping-vus", "ramping-arrival-rate"}) {
    const std::string missing = error_of({"--executor", executor});
    EXPECT_TRUE(names(missing, "--executor")) << executor;
    EXPECT_NE(missing.find("needs --stages"), std::string::npos) << missing;
    const std::string duration =
        error_of({"--executor", executor, "--stages", "10s:5", "--duration", "30s"});
    EXPECT_TRUE(names(duration, "--duration")) << executor;
    EXPECT_NE(duration.find("stages"), std::string::npos) << duration;
    const std::string env_duration =
        error_of({"--executor", executor, "--stages", "10s:5"}, {"MULTITIER_DURATION=30s"});
    EXPECT_TRUE(names(env_duration, "MULTITIER_DURATION")) << executor;
  }
}

TEST(ExecutorOptions, StagesAreRefusedForTheConstantExecutors) {
  for (std::vector<const char*> args :
       {std::vector<const char*>{"--executor", "constant-vus"},
        std::vector<const char*>{"--executor", "constant-arrival-rate", "--rate", "10"},
        std::vector<const char*>{}}) {
    args.insert(args.end(), {"--stages", "10s:5"});
    const std::string message = error_of(args);
    EXPECT_TRUE(names(message, "--stages"));
    EXPECT_NE(message.find("ramping"), std::string::npos) << message;
  }
}

TEST(ExecutorOptions, RateIsForConstantArrivalRateOnly) {
  for (std::vector<const char*> args :
       {std::vector<const char*>{}, std::vector<const char*>{"--executor", "constant-vus"},
        std::vector<const char*>{"--executor", "ramping-vus", "--stages", "10s:5"},
        std::vector<const char*>{"--executor", "ramping-arrival-rate", "--stages", "10s:5"}}) {
    args.insert(args.end(), {"--rate", "200"});
    const std::string message = error_of(args);
    EXPECT_TRUE(names(message, "--rate"));
    EXPECT_NE(message.find("constant-arrival-rate"), std::string::npos) << message;
  }
  const std::string missing = error_of({"--executor", "constant-arrival-rate"});
  EXPECT_TRUE(names(missing, "--rate"));
}

TEST(ExecutorOptions, OpenModelOptionsAreRefusedForClosedModelExecutors) {
  for (const char* executor : kClosed) {
    for (const char* option : kOpenOnly) {
      std::vector<const char*> args{"--executor", executor, option, value_for(option)};
      if (std::string(executor) == "ramping-vus") args.insert(args.end(), {"--stages", "10s:5"});
      const std::string message = error_of(args);
      EXPECT_TRUE(names(message, option)) << executor;
      EXPECT_NE(message.find("arrival-rate"), std::string::npos) << message;
      EXPECT_NE(message.find(executor), std::string::npos) << message;
    }
  }
  // Through the environment too, naming the variable.
  const std::string env = error_of({}, {"MULTITIER_WHEN_BUSY=queue"});
  EXPECT_TRUE(names(env, "MULTITIER_WHEN_BUSY"));
  // And each is accepted by both open-model executors.
  for (const char* option : kOpenOnly) {
    for (std::vector<const char*> args :
         {std::vector<const char*>{"--executor", "constant-arrival-rate", "--rate", "10"},
          std::vector<const char*>{"--executor", "ramping-arrival-rate", "--stages", "10s:5"}}) {
      args.insert(args.end(), {option, value_for(option)});
      EXPECT_EQ(error_of(args), "") << option << " with " << args[1];
    }
  }
}

TEST(ExecutorOptions, BadValuesNameTheFlag) {
  struct Bad {
    std::vector<const char*> args;
    const char* flag;
    bool not_a_number = false;  // Boost.Program_options' own message, which quotes the flag
  };
  const std::vector<Bad> bads{
      {{"--executor", "bogus"}, "--executor"},
      {{"--executor", "Constant-VUs"}, "--executor"},
      {{"--executor", "constant-arrival-rate", "--rate", "abc"}, "--rate", true},
      {{"--executor", "constant-arrival-rate", "--rate", "0"}, "--rate"},
      {{"--executor", "constant-arrival-rate", "--rate", "-5"}, "--rate"},
      {{"--executor", "constant-arrival-rate", "--rate", "nan"}, "--rate"},
      {{"--executor", "constant-arrival-rate", "--rate", "2000001"}, "--rate"},
      {{"--executor", "constant-arrival-rate", "--rate", "9", "--max-vus", "-1"}, "--max-vus"},
      {{"--executor", "constant-arrival-rate", "--rate", "9", "--max-vus", "100001"}, "--max-vus"},
      {{"--executor", "constant-arrival-rate", "--rate", "9", "--max-vus", "many"},
       "--max-vus",
       true},
      {{"--executor", "constant-arrival-rate", "--rate", "9", "--arrivals", "bursty"},
       "--arrivals"},
      {{"--executor", "constant-arrival-rate", "--rate", "9", "--when-busy", "wait"},
       "--when-busy"},
      {{"--executor", "constant-arrival-rate", "--rate", "9", "--max-backlog", "-1"},
       "--max-backlog"},
      {{"--executor", "constant-arrival-rate", "--rate", "9", "--max-dropped-rate", "1.5"},
       "--max-dropped-rate"},
      {{"--executor", "constant-arrival-rate", "--rate", "9", "--max-dropped-rate", "-0.1"},
       "--max-dropped-rate"},
      {{"--executor", "constant-arrival-rate", "--rate", "9", "--min-achieved-rate", "-2"},
       "--min-achieved-rate"},
      {{"--executor", "ramping-arrival-rate", "--stages", "10s"}, "--stages"},
      {{"--executor", "ramping-arrival-rate", "--stages", "0s:10"}, "--stages"},
      {{"--executor", "ramping-vus", "--stages", "10s:-1"}, "--stages"},
      {{"--executor", "ramping-vus", "--stages", ","}, "--stages"},
  };
  for (const Bad& bad : bads) {
    const std::string message = error_of(bad.args);
    EXPECT_NE(message.find(bad.flag), std::string::npos) << bad.args.back() << ": " << message;
    if (!bad.not_a_number) {
      EXPECT_TRUE(names(message, bad.flag)) << bad.args.back();
    }
  }
  const Parsed p = parse({"--executor", "bogus"});
  EXPECT_NE(p.outcome.message.find("--help"), std::string::npos);
  EXPECT_NE(p.outcome.message.find("'bogus'"), std::string::npos);
}

TEST(ExecutorOptions, EnvironmentErrorsNameTheVariable) {
  EXPECT_TRUE(names(error_of({}, {"MULTITIER_EXECUTOR=bogus"}), "MULTITIER_EXECUTOR"));
  EXPECT_TRUE(names(error_of({}, {"MULTITIER_EXECUTOR=ramping-vus"}),
                    "MULTITIER_EXECUTOR"));  // needs stages
  EXPECT_TRUE(
      names(error_of({}, {"MULTITIER_EXECUTOR=constant-arrival-rate", "MULTITIER_RATE=abc"}),
            "MULTITIER_RATE"));
  EXPECT_TRUE(names(error_of({}, {"MULTITIER_EXECUTOR=constant-arrival-rate", "MULTITIER_RATE=0"}),
                    "MULTITIER_RATE"));
  EXPECT_TRUE(
      names(error_of({}, {"MULTITIER_RATE=100"}), "MULTITIER_RATE"));  // not for constant-vus
  EXPECT_TRUE(names(error_of({}, {"MULTITIER_EXECUTOR=ramping-vus", "MULTITIER_STAGES=10s"}),
                    "MULTITIER_STAGES"));
  EXPECT_TRUE(names(error_of({}, {"MULTITIER_EXECUTOR=ramping-vus", "MULTITIER_STAGES=0s:1"}),
                    "MULTITIER_STAGES"));
  EXPECT_TRUE(
      names(error_of({}, {"MULTITIER_STAGES=10s:1"}), "MULTITIER_STAGES"));  // not for constant-vus
  // A flag on the command line is named as a flag even when the executor came from the
  // environment.
  EXPECT_TRUE(names(error_of({"--stages", "10s"}, {"MULTITIER_EXECUTOR=ramping-vus"}), "--stages"));
}

TEST(ExecutorOptions, EnvironmentValuesAreReadAndTheCommandLineWins) {
  const auto p =
      parse({}, {"MULTITIER_EXECUTOR=ramping-arrival-rate", "MULTITIER_STAGES=10s:100,5s:0",
                 "MULTITIER_ARRIVALS=poisson", "MULTITIER_MAX_VUS=12"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  EXPECT_EQ(p.options.executor.kind, ExecutorKind::ramping_arrival_rate);
  EXPECT_TRUE(p.options.stress);
  EXPECT_EQ(p.options.executor.stages.size(), 2u);
  EXPECT_EQ(p.options.executor.arrivals, Arrivals::poisson);
  EXPECT_EQ(p.options.executor.max_vus, 12);
  const auto q =
      parse({"--rate", "300"}, {"MULTITIER_EXECUTOR=constant-arrival-rate", "MULTITIER_RATE=100"});
  ASSERT_EQ(q.outcome.action, ParseOutcome::Action::run) << q.outcome.message;
  EXPECT_DOUBLE_EQ(q.options.executor.rate, 300.0);
  const auto r = parse({"--executor", "constant-vus"}, {"MULTITIER_EXECUTOR=ramping-vus"});
  ASSERT_EQ(r.outcome.action, ParseOutcome::Action::run) << r.outcome.message;
  EXPECT_EQ(r.options.executor.kind, ExecutorKind::constant_vus);
}

TEST(ExecutorOptions, WarmupMustBeShorterThanTheStages) {
  for (const char* executor : {"ramping-vus", "ramping-arrival-rate"}) {
    const std::string longer =
        error_of({"--executor", executor, "--stages", "10s:100,5s:0", "--warmup", "20s"});
    EXPECT_TRUE(names(longer, "--warmup")) << executor;
    EXPECT_NE(longer.find("15s"), std::string::npos) << longer;  // the stages' total
    EXPECT_TRUE(
        names(error_of({"--executor", executor, "--stages", "10s:100,5s:0", "--warmup", "15s"}),
              "--warmup"));
    EXPECT_TRUE(names(
        error_of({"--executor", executor, "--stages", "10s:100,5s:0"}, {"MULTITIER_WARMUP=1m"}),
        "MULTITIER_WARMUP"));
    EXPECT_EQ(error_of({"--executor", executor, "--stages", "10s:100,5s:0", "--warmup", "14.5s"}),
              "");
  }
  // The constant executors add the warm-up before --duration: any length is fine.
  EXPECT_EQ(error_of({"--executor", "constant-arrival-rate", "--rate", "5", "--duration", "1s",
                      "--warmup", "1m"}),
            "");
}

// FAILS (a gap in support/run/options.cpp, fill_executor, line 238; schedule.cpp line 33):
// stage targets are checked for >= 0 only. --concurrency stops at 1024 VUs and --rate at 1e6
// starts/s, but
// "--executor ramping-vus --stages 10s:10000000000" is accepted, and runner.cpp's vu_count
// (line 71) then computes static_cast<int>(std::ceil(1e10)), undefined behaviour (a 1e9 target
// asks for a billion VUs). "--executor ramping-arrival-rate --stages 10s:1e9" is accepted too.
// Expected: refused, naming --stages. The values below are far beyond any plausible bound.
TEST(ExecutorOptions, RampingTargetsAreBounded) {
  for (const char* stages : {"10s:10000000000", "10s:5,10s:10000000"}) {
    EXPECT_TRUE(names(error_of({"--executor", "ramping-vus", "--stages", stages}), "--stages"))
        << stages;
  }
  EXPECT_TRUE(
      names(error_of({"--executor", "ramping-arrival-rate", "--stages", "10s:1e9"}), "--stages"));
}

TEST(ExecutorOptions, HelpListsTheExecutorOptions) {
  const auto p = parse({"--help"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::help);
  for (const char* name :
       {"--executor", "--stages", "--rate", "--max-vus", "--arrivals", "--when-busy",
        "--max-backlog", "--max-dropped-rate", "--min-achieved-rate", "constant-arrival-rate",
        "ramping-arrival-rate", "ramping-vus", "poisson"}) {
    EXPECT_NE(p.outcome.message.find(name), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace multitier
