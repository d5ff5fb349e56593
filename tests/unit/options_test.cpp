#include "multitier/run/options.h"

#include <gtest/gtest.h>

#include "tests/unit/parse_args.h"

#include <vector>

namespace multitier {
namespace {

using unit::parse;
using unit::Parsed;

TEST(Options, DefaultsMatchTheSeed) {
  auto p = parse({});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  EXPECT_EQ(p.options.gateway, "http://127.0.0.1:4110");
  EXPECT_FALSE(p.options.gateway_given);
  EXPECT_EQ(p.options.corpus, "workers");
  EXPECT_EQ(p.options.concurrency, 50);
  EXPECT_EQ(p.options.iterations, 20);
  EXPECT_EQ(p.options.duration, std::chrono::seconds(60));
  EXPECT_EQ(p.options.weights, default_weights());
  EXPECT_FALSE(p.options.stress);
}

TEST(Options, CommandLineBeatsEnvironmentBeatsDefault) {
  auto p = parse({"--concurrency", "7"},
                 {"MULTITIER_CONCURRENCY=9", "MULTITIER_GATEWAY=http://127.0.0.1:9999",
                  "MULTITIER_STRESS=1", "MULTITIER_SANITIZERS=0", "OTHER=1"});
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
  for (const char* name :
       {"--gateway", "--corpus", "--concurrency", "--duration", "--warmup", "--iterations",
        "--seed", "--timeout", "--report-dir", "--stress", "--weights", "MULTITIER_"}) {
    EXPECT_NE(p.outcome.message.find(name), std::string::npos) << name;
  }
}

TEST(Options, DurationsAndBudgetsAreExact) {
  auto p = parse({"--duration", "1m30s", "--timeout", "250ms", "--p99-budget",
                  "cold_search_email=0.2ms,repeat_cache=1.9ms,sms_validate=750us"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  EXPECT_EQ(p.options.duration, std::chrono::seconds(90));
  EXPECT_EQ(p.options.timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(p.options.p99_budget.at(Scenario::cold_search_email), std::chrono::microseconds(200));
  EXPECT_EQ(p.options.p99_budget.at(Scenario::repeat_cache), std::chrono::microseconds(1900));
  EXPECT_EQ(p.options.p99_budget.at(Scenario::sms_validate), std::chrono::microseconds(750));
}

TEST(Options, ZeroDurationAndSubMillisecondTimeoutsAreRefused) {
  for (auto args : std::vector<std::vector<const char*>>{
           {"--duration", "0s"}, {"--timeout", "500us"}, {"--p99-budget", "repeat_cache=0ms"}}) {
    auto p = parse(args);
    EXPECT_EQ(p.outcome.action, ParseOutcome::Action::error) << args[0] << " " << args[1];
    EXPECT_NE(p.outcome.message.find(args[0]), std::string::npos) << p.outcome.message;
  }
}

TEST(Options, ErrorsNameTheVariableOrTheFlagTheUserWrote) {
  auto from_env = parse({}, {"MULTITIER_DURATION=abc"});
  ASSERT_EQ(from_env.outcome.action, ParseOutcome::Action::error);
  EXPECT_NE(from_env.outcome.message.find("MULTITIER_DURATION: "), std::string::npos)
      << from_env.outcome.message;
  EXPECT_EQ(from_env.outcome.message.find("--duration"), std::string::npos)
      << from_env.outcome.message;
  auto typed_env = parse({}, {"MULTITIER_CONCURRENCY=lots"});
  ASSERT_EQ(typed_env.outcome.action, ParseOutcome::Action::error);
  EXPECT_NE(typed_env.outcome.message.find("MULTITIER_CONCURRENCY: "), std::string::npos)
      << typed_env.outcome.message;
  auto from_flag = parse({"--duration", "abc"});
  ASSERT_EQ(from_flag.outcome.action, ParseOutcome::Action::error);
  EXPECT_NE(from_flag.outcome.message.find("--duration: "), std::string::npos)
      << from_flag.outcome.message;
  // The command line wins: a bad variable it overrides is never read.
  EXPECT_EQ(parse({"--duration", "5s"}, {"MULTITIER_DURATION=abc"}).outcome.action,
            ParseOutcome::Action::run);
}

TEST(Options, AStrayWordIsAnError) {
  auto p = parse({"--stress", "60s"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::error);
  EXPECT_NE(p.outcome.message.find("'60s'"), std::string::npos) << p.outcome.message;
}

TEST(Options, VersionIsAnAction) {
  auto p = parse({"--version"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::version);
  EXPECT_NE(p.outcome.message.find(suite_version()), std::string::npos);
  EXPECT_FALSE(suite_version().empty());
}

TEST(Options, AnUnknownScenarioListsTheValidOnes) {
  auto p = parse({"--weights", "foo=10"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::error);
  for (Scenario s : kAllScenarios)
    EXPECT_NE(p.outcome.message.find(to_string(s)), std::string::npos) << p.outcome.message;
  auto env = parse({}, {"MULTITIER_WEIGHTS=foo=10"});
  EXPECT_NE(env.outcome.message.find("MULTITIER_WEIGHTS: "), std::string::npos)
      << env.outcome.message;
}

TEST(Options, HeadersFromFlagsAndFromTheEnvironment) {
  auto flags = parse({"--header", "Authorization: Bearer s3cret", "--header", "X-Team:blue"});
  ASSERT_EQ(flags.outcome.action, ParseOutcome::Action::run) << flags.outcome.message;
  EXPECT_EQ(flags.options.headers,
            (std::vector<std::string>{"Authorization: Bearer s3cret", "X-Team: blue"}));
  auto env = parse(
      {}, {"MULTITIER_HEADERS=X-A: 1\nX-B: two words\n", "MULTITIER_SECRET_HEADERS=X-B, x-c"});
  ASSERT_EQ(env.outcome.action, ParseOutcome::Action::run) << env.outcome.message;
  EXPECT_EQ(env.options.headers, (std::vector<std::string>{"X-A: 1", "X-B: two words"}));
  EXPECT_EQ(env.options.secret_headers, (std::vector<std::string>{"x-b", "x-c"}));
  for (const char* bad : {"NoColon", "Bad Name: x", ": empty"}) {
    auto p = parse({"--header", bad});
    EXPECT_EQ(p.outcome.action, ParseOutcome::Action::error) << bad;
    EXPECT_NE(p.outcome.message.find("--header"), std::string::npos) << p.outcome.message;
  }
}

TEST(Options, SecretHeaderValuesAreRedacted) {
  auto p = parse({"--header", "Authorization: Bearer s3cret-token", "--header", "X-Api-Key: k-123",
                  "--header", "X-Team: blue", "--secret-header", "x-api-key"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::run) << p.outcome.message;
  const auto secrets = secret_values(p.options);
  const std::string text =
      redact("got Bearer s3cret-token, then s3cret-token alone, k-123 and blue", secrets);
  EXPECT_EQ(text.find("s3cret"), std::string::npos) << text;
  EXPECT_EQ(text.find("k-123"), std::string::npos) << text;
  EXPECT_NE(text.find("blue"), std::string::npos) << text;
  EXPECT_EQ(shown_headers(p.options),
            (std::vector<std::string>{"Authorization: [redacted]", "X-Api-Key: [redacted]",
                                      "X-Team: blue"}));
}

// The one split of an http:// URL's authority that the target check, the loopback test and
// the footprint's port lookup share.
TEST(Options, HttpAuthoritySplitsHostAndPort) {
  auto a = http_authority("http://127.0.0.1:4110/v1?x");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, "4110");
  EXPECT_TRUE(a->colon);
  a = http_authority("http://[::1]:80/x");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "[::1]");
  EXPECT_EQ(a->port, "80");
  a = http_authority("http://localhost");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "localhost");
  EXPECT_FALSE(a->colon);
  EXPECT_FALSE(http_authority("https://127.0.0.1"));
  EXPECT_FALSE(http_authority("http://[::1"));
  EXPECT_FALSE(http_authority("http://[::1]x"));
  EXPECT_NE(target_problem("http://[::1]x:80").find("malformed host"), std::string::npos);
  EXPECT_NE(target_problem("http://127.0.0.1:/").find("missing port"), std::string::npos);
}

TEST(Options, TargetProblemsSayWhatIsWrong) {
  EXPECT_EQ(target_problem("http://127.0.0.1:4110"), "");
  EXPECT_EQ(target_problem("http://[::1]:80/x"), "");
  EXPECT_NE(target_problem("https://127.0.0.1:4110").find("https is not supported"),
            std::string::npos);
  EXPECT_NE(target_problem("127.0.0.1:4110").find("not an http:// URL"), std::string::npos);
  EXPECT_NE(target_problem("http://127.0.0.1:99999").find("bad port"), std::string::npos);
  EXPECT_NE(target_problem("http://:80").find("no host"), std::string::npos);
  EXPECT_NE(target_problem("http://10.0.0.1:4110").find("loopback"), std::string::npos);
  auto p = parse({"--gateway", "https://127.0.0.1:4110"});
  ASSERT_EQ(p.outcome.action, ParseOutcome::Action::error);
  EXPECT_NE(p.outcome.message.find("--gateway: https is not supported"), std::string::npos)
      << p.outcome.message;
}

TEST(Options, WeightsParseInOrder) {
  auto w = parse_weights("profile_swap=3, repeat_cache=0,cold_search_email=1");
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0], std::make_pair(Scenario::profile_swap, 3));
  EXPECT_EQ(w[1], std::make_pair(Scenario::repeat_cache, 0));
  EXPECT_THROW(parse_weights("profile_swap=1,profile_swap=2"), std::invalid_argument);
}

TEST(Options, OnlyLoopbackTargets) {
  for (auto url : {"http://127.0.0.1:4110", "http://127.1.2.3", "http://localhost:80/x",
                   "http://[::1]:4110"}) {
    EXPECT_TRUE(is_loopback_url(url)) << url;
  }
  for (auto url :
       {"http://10.0.0.1:4110", "http://127.0.0.1.example.com", "https://127.0.0.1",
        "http://[::2]:1", "http://localhost.evil:1", "http://1270.0.0.1", "ftp://127.0.0.1"}) {
    EXPECT_FALSE(is_loopback_url(url)) << url;
  }
}

}  // namespace
}  // namespace multitier
