// Unit tests of the small pieces: the result cache, fault specs and draws, request parsing.
#include <gtest/gtest.h>

#include "fixtures/gateway/api.h"
#include "fixtures/gateway/faults.h"
#include "fixtures/gateway/result_cache.h"

namespace multitier::gateway {
namespace {

TEST(ResultCache, EvictsTheLeastRecentlyUsed) {
  ResultCache cache(2, 1 << 20);
  cache.put("a", "1");
  cache.put("b", "2");
  ASSERT_TRUE(cache.get("a"));
  cache.put("c", "3");
  EXPECT_TRUE(cache.get("a"));
  EXPECT_FALSE(cache.get("b"));
  EXPECT_EQ(*cache.get("c"), "3");
  EXPECT_EQ(cache.hits(), 3u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST(ResultCache, RespectsTheByteBudgetAndCanBeDisabled) {
  ResultCache cache(100, 10);
  cache.put("k", std::string(20, 'x'));
  EXPECT_EQ(cache.size(), 0u);
  ResultCache off(0, 1 << 20);
  off.put("k", "v");
  EXPECT_FALSE(off.get("k"));
  EXPECT_EQ(off.misses(), 0u);
}

TEST(FaultSpec, ParsesEveryKind) {
  const auto status = parse_fault("record:status=503@0.25");
  EXPECT_EQ(status.endpoint, Endpoint::record);
  EXPECT_EQ(status.kind, FaultKind::status);
  EXPECT_EQ(status.status, 503);
  EXPECT_DOUBLE_EQ(status.rate, 0.25);
  const auto delay = parse_fault("search:delay=20ms");
  EXPECT_EQ(delay.delay, std::chrono::milliseconds(20));
  EXPECT_DOUBLE_EQ(delay.rate, 1.0);
  EXPECT_FALSE(parse_fault("any:drop").endpoint.has_value());
  for (const char* kind :
       {"truncate", "invalid_json", "oversize", "leak_excluded", "no_playbook", "drop", "reset"}) {
    const auto spec = parse_fault(std::string("health:") + kind);
    EXPECT_EQ(fault_kind_name(spec.kind), kind);
  }
  const auto reset = parse_fault("record:reset@0.01");
  EXPECT_EQ(reset.kind, FaultKind::reset);
  EXPECT_EQ(reset.endpoint, Endpoint::record);
  EXPECT_DOUBLE_EQ(reset.rate, 0.01);
}

// Delays use the project's one duration parser (support/common/duration.h), bounded to 10 min.
TEST(FaultSpec, DelaysTakeTheProjectDurationSyntaxExactly) {
  using namespace std::chrono;
  auto delay = [](const std::string& text) { return parse_fault("search:delay=" + text).delay; };
  EXPECT_EQ(delay("250us"), microseconds(250));
  EXPECT_EQ(delay("250\xC2\xB5s"), microseconds(250));  // µs, MICRO SIGN
  EXPECT_EQ(delay("0.5ms"), microseconds(500));
  EXPECT_EQ(delay("1m30s"), seconds(90));
  EXPECT_EQ(delay("1.5s"), milliseconds(1500));
  EXPECT_EQ(delay("20"), seconds(20));  // a bare number is seconds
  EXPECT_EQ(delay("10m"), minutes(10));
  EXPECT_EQ(delay("1500ns"), nanoseconds(1500));
}

TEST(FaultSpec, RejectsMalformedSpecs) {
  for (const char* bad :
       {"search", "nowhere:drop", "search:explode", "search:status", "search:status=99",
        "search:status=abc", "search:delay=fast", "search:drop=1", "search:reset=1",
        "search:drop@1.5", "search:drop@x", "search:delay=11m", "search:delay=10m1ns",
        "search:delay=", "search:delay=-1s", "search:delay=1d", "search:delay=0.5ns",
        "search:delay=1m30", "search:delay=1.0000000001s"}) {
    EXPECT_THROW(parse_fault(bad), std::invalid_argument) << bad;
  }
  try {
    parse_fault("search:delay=20sec");
    ADD_FAILURE() << "accepted 20sec";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "bad --fault 'search:delay=20sec': not a duration: '20sec': unknown unit 'sec' "
                 "(use ns, us, ms, s, m or h)");
  }
}

TEST(FaultInjector, ResetDrawsOnlyOnAReusedConnectionAndSupersedesTheRest) {
  FaultInjector faults(
      {parse_fault("search:reset"), parse_fault("search:status=500"), parse_fault("search:drop"),
       parse_fault("search:delay=5ms"), parse_fault("search:truncate")},
      3);
  const auto first = faults.draw(Endpoint::search, false);
  EXPECT_FALSE(first.reset);
  EXPECT_TRUE(first.drop);  // drop supersedes status and truncate
  EXPECT_FALSE(first.has(FaultKind::status));
  EXPECT_FALSE(first.has(FaultKind::truncate));
  const auto reused = faults.draw(Endpoint::search, true);
  EXPECT_TRUE(reused.has(FaultKind::reset));
  EXPECT_FALSE(reused.has(FaultKind::drop));
  EXPECT_FALSE(reused.has(FaultKind::status));
  EXPECT_TRUE(reused.has(FaultKind::delay));  // a delay is never superseded
  EXPECT_EQ(reused.delay, std::chrono::milliseconds(5));
  // A first request consumes no draw of a reset spec: the reused draws follow the same stream.
  auto reused_draws = [](bool with_first_requests) {
    FaultInjector f({parse_fault("search:reset@0.5")}, 9);
    std::vector<bool> out;
    for (int i = 0; i < 200; ++i) {
      if (with_first_requests) {
        EXPECT_FALSE(f.draw(Endpoint::search, false).reset);
      }
      out.push_back(f.draw(Endpoint::search, true).reset);
    }
    return out;
  };
  EXPECT_EQ(reused_draws(true), reused_draws(false));
}

TEST(FaultInjector, DrawsAreDeterministicForASeedAndFollowTheRate) {
  auto run = [](std::uint64_t seed) {
    FaultInjector faults({parse_fault("search:drop@0.3")}, seed);
    std::vector<bool> out;
    for (int i = 0; i < 2000; ++i) out.push_back(faults.draw(Endpoint::search).drop);
    return out;
  };
  const auto a = run(7);
  EXPECT_EQ(a, run(7));
  EXPECT_NE(a, run(8));
  const auto fired = std::count(a.begin(), a.end(), true);
  EXPECT_NEAR(fired / 2000.0, 0.3, 0.04);
}

TEST(FaultInjector, CombinesFaultsAndMatchesEndpoints) {
  FaultInjector faults({parse_fault("search:delay=20ms"), parse_fault("search:delay=80ms"),
                        parse_fault("any:status=500"), parse_fault("record:no_playbook")},
                       1);
  const auto search = faults.draw(Endpoint::search);
  EXPECT_EQ(search.delay, std::chrono::milliseconds(100));
  EXPECT_EQ(search.status, 500);
  EXPECT_FALSE(search.no_playbook);
  const auto record = faults.draw(Endpoint::record);
  EXPECT_EQ(record.status, 500);
  EXPECT_FALSE(record.no_playbook);  // a status answer is not computed: superseded
  EXPECT_FALSE(faults.draw(Endpoint::stats).status.has_value());
  FaultInjector record_only({parse_fault("record:no_playbook")}, 1);
  EXPECT_TRUE(record_only.draw(Endpoint::record).no_playbook);
  EXPECT_FALSE(record_only.draw(Endpoint::search).no_playbook);
}

TEST(RequestParsing, AcceptsTheSeedShapeAndAppliesDefaults) {
  const auto req = parse_search(
      R"({"query_text":"Need 3 Pickers","query_role":"Pickers","corpora":["workers","workers"],)"
      R"("k":5,"exclude_ids":["b","a","b"],"use_playbook":true,"extra":1})");
  EXPECT_EQ(req.corpora, std::vector<std::string>{"workers"});
  EXPECT_EQ(req.per_corpus_k, 5);
  EXPECT_TRUE(req.use_playbook);
  EXPECT_EQ(req.exclude_ids.size(), 3u);
  const auto rec =
      parse_record(R"({"query_text":"q","answer_id":"w-1","answer_corpus":"workers"})");
  EXPECT_EQ(rec.role, "");
  EXPECT_EQ(rec.score, 0.0);
}

TEST(IndexNames, FollowTheContractPattern) {
  EXPECT_TRUE(valid_index_name("playbook_memory"));
  EXPECT_TRUE(valid_index_name("a.b-c_9"));
  EXPECT_TRUE(valid_index_name(std::string(64, 'x')));
  EXPECT_FALSE(valid_index_name(""));
  EXPECT_FALSE(valid_index_name(std::string(65, 'x')));
  EXPECT_FALSE(valid_index_name("a/b"));
  EXPECT_FALSE(valid_index_name("a%20b"));
}

}  // namespace
}  // namespace multitier::gateway
