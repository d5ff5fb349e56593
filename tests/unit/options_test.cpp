#include "support/options.h"

#include <gtest/gtest.h>

#include <vector>

namespace multitier {
namespace {

struct Parsed {
  ParseOutcome outcome;
  Options options;
};

Parsed parse(std::vector<const char*> args, std::vector<const char*> env = {}) {
  args.insert(args.begin(), "multitier_suite");
  env.push_back(nullptr);
  Parsed p;
  p.outcome = parse_options(static_cast<int>(args.size()), args.data(), env.data(), p.options);
  return p;
}

TEST(Options, DefaultsMatchTheSeed) {
  auto p = parse({});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  EXPECT_EQ(p.options.gateway, "http://127.0.0.1:4110");
  EXPECT_FALSE(p.options.gateway_given);
  EXPECT_EQ(p.options.corpus, "workers");
  EXPECT_EQ(p.options.concurrency, 50);
  EXPECT_EQ(p.options.iterations, 20);
  EXPECT_EQ(p.options.duration, Millis(60'000));
  EXPECT_EQ(p.options.weights, default_weights());
  EXPECT_FALSE(p.options.stress);
}

TEST(Options, CommandLineBeatsEnvironmentBeatsDefault) {
  auto p = parse({"--concurrency", "7"},
                 {"MULTITIER_CONCURRENCY=9", "MULTITIER_GATEWAY=http://127.0.0.1:9999", "MULTITIER_STRESS=1",
                  "MULTITIER_SANITIZERS=0", "OTHER=1"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  EXPECT_EQ(p.options.concurrency, 7);
  EXPECT_EQ(p.options.gateway, "http://127.0.0.1:9999");
  EXPECT_TRUE(p.options.gateway_given);
  EXPECT_TRUE(p.options.stress);
}

TEST(Options, UnknownOrMalformedOptionsAreErrors) {
  for (auto args : std::vector<std::vector<const char*>>{{"--bogus"},
                                                         {"--concurrency", "many"},
                                                         {"--concurrency", "0"},
                                                         {"--duration", "5 parsecs"},
                                                         {"--weights", "cold_search_email=x"},
                                                         {"--weights", "nope=3"},
                                                         {"--weights", "cold_search_email=0"},
                                                         {"--p99-budget", "repeat_cache"},
                                                         {"--max-failure-rate", "2"},
                                                         {"--progress", "loud"}}) {
    auto p = parse(args);
    EXPECT_EQ(p.outcome.action, ParseOutcome::Action::error) << args[0];
    EXPECT_NE(p.outcome.message.find("--help"), std::string::npos);
  }
}

TEST(Options, HelpListsEveryOptionWithItsEnvironmentName) {
  auto p = parse({"--help"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::help);
  for (const char* name : {"--gateway", "--corpus", "--concurrency", "--duration", "--warmup", "--iterations",
                           "--seed", "--timeout", "--report-dir", "--stress", "--weights", "MULTITIER_"}) {
    EXPECT_NE(p.outcome.message.find(name), std::string::npos) << name;
  }
}

TEST(Options, DurationsTakeUnits) {
  EXPECT_EQ(parse_duration("250ms"), Millis(250));
  EXPECT_EQ(parse_duration("10s"), Millis(10'000));
  EXPECT_EQ(parse_duration("1.5s"), Millis(1'500));
  EXPECT_EQ(parse_duration("5m"), Millis(300'000));
  EXPECT_EQ(parse_duration("1h"), Millis(3'600'000));
  EXPECT_EQ(parse_duration("3"), Millis(3'000));
  EXPECT_FALSE(parse_duration(""));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("1d"));
  EXPECT_FALSE(parse_duration("s"));
}

TEST(Options, WeightsParseInOrder) {
  auto w = parse_weights("profile_swap=3, repeat_cache=0,cold_search_email=1");
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0], std::make_pair(Scenario::profile_swap, 3));
  EXPECT_EQ(w[1], std::make_pair(Scenario::repeat_cache, 0));
  EXPECT_THROW(parse_weights("profile_swap=1,profile_swap=2"), std::invalid_argument);
}

TEST(Options, OnlyLoopbackTargets) {
  for (auto url : {"http://127.0.0.1:4110", "http://127.1.2.3", "http://localhost:80/x", "http://[::1]:4110"}) {
    EXPECT_TRUE(is_loopback_url(url)) << url;
  }
  for (auto url : {"http://10.0.0.1:4110", "http://127.0.0.1.example.com", "https://127.0.0.1", "http://[::2]:1",
                   "http://localhost.evil:1", "http://1270.0.0.1", "ftp://127.0.0.1"}) {
    EXPECT_FALSE(is_loopback_url(url)) << url;
  }
}

}  // namespace
}  // namespace multitier
