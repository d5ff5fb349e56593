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
  for (const char* kind : {"truncate", "invalid_json", "oversize", "leak_excluded", "no_playbook", "drop"}) {
    EXPECT_NO_THROW(parse_fault(std::string("health:") + kind)) << kind;
  }
  EXPECT_EQ(parse_duration("1.5s"), std::chrono::milliseconds(1500));
  EXPECT_EQ(parse_duration("250us"), std::chrono::microseconds(250));
}

TEST(FaultSpec, RejectsMalformedSpecs) {
  for (const char* bad : {"search", "nowhere:drop", "search:explode", "search:status", "search:status=99",
                          "search:status=abc", "search:delay=20", "search:delay=fast", "search:drop=1",
                          "search:drop@1.5", "search:drop@x", "search:delay=11m"}) {
    EXPECT_THROW(parse_fault(bad), std::invalid_argument) << bad;
  }
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
                        parse_fault("any:status=500"), parse_fault("record:no_playbook")}, 1);
  const auto search = faults.draw(Endpoint::search);
  EXPECT_EQ(search.delay, std::chrono::milliseconds(100));
  EXPECT_EQ(search.status, 500);
  EXPECT_FALSE(search.no_playbook);
  EXPECT_TRUE(faults.draw(Endpoint::record).no_playbook);
  EXPECT_FALSE(faults.draw(Endpoint::stats).status.has_value());
}

TEST(RequestParsing, AcceptsTheSeedShapeAndAppliesDefaults) {
  const auto req = parse_search(R"({"query_text":"Need 3 Pickers","query_role":"Pickers","corpora":["workers","workers"],)"
                                R"("k":5,"exclude_ids":["b","a","b"],"use_playbook":true,"extra":1})");
  EXPECT_EQ(req.corpora, std::vector<std::string>{"workers"});
  EXPECT_EQ(req.per_corpus_k, 5);
  EXPECT_TRUE(req.use_playbook);
  EXPECT_EQ(req.exclude_ids.size(), 3u);
  const auto rec = parse_record(R"({"query_text":"q","answer_id":"w-1","answer_corpus":"workers"})");
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
