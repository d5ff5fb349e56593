// The result cache seen over HTTP: equal answers, counted hits, invalidation by record/delete.
#include <gtest/gtest.h>

#include <chrono>

#include "tests/gateway/test_support.h"

namespace multitier::gateway::testing {
namespace {

const std::string kQuery = "Need 2 CNC Operator in Fort Wayne IN for Parallel Machining";

class CacheHttp : public ::testing::Test {
 protected:
  std::string search(LiveGateway& gateway, const std::string& body) {
    const Response r = client_.post(gateway.url() + "/v1/matrix/search", body);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body;
  }
  rapidjson::Document stats(LiveGateway& gateway) {
    return parse_json(client_.get(gateway.url() + "/stats").body);
  }
  void record(LiveGateway& gateway, const std::string& answer) {
    ASSERT_EQ(client_
                  .post(gateway.url() + "/v1/matrix/playbooks/record",
                        R"({"query_text":")" + kQuery + R"(","role":"CNC Operator","answer_id":")" +
                            answer + R"(","answer_corpus":"workers"})")
                  .status,
              200);
  }

  LiveGateway gateway_;
  Client client_;
};

TEST_F(CacheHttp, RepeatedSearchIsAHitWithTheSameBytes) {
  const std::string body = search_body(kQuery, "CNC Operator", 5);
  const std::string first = search(gateway_, body);
  EXPECT_EQ(search(gateway_, body), first);
  const auto s = stats(gateway_);
  EXPECT_EQ(s["cache"]["hits"].GetUint64(), 1u);
  EXPECT_EQ(s["cache"]["misses"].GetUint64(), 1u);
}

// --storage-latency: a search the cache cannot answer waits that long (a modelled read from the
// lakehouse's storage); a hit does not, so repeat_cache's first search is measurably cold.
TEST_F(CacheHttp, StorageLatencyDelaysMissesOnly) {
  using Clock = std::chrono::steady_clock;
  GatewayConfig config = LiveGateway::default_config();
  config.engine.storage_latency = std::chrono::milliseconds(60);
  LiveGateway slow(std::move(config));
  const std::string body = search_body(kQuery, "CNC Operator", 5);
  auto timed = [&] {
    const auto t0 = Clock::now();
    search(slow, body);
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  };
  const double miss = timed();
  const double hit = timed();
  EXPECT_GE(miss, 60.0) << "a miss waits for its storage read";
  EXPECT_LT(hit, 50.0) << "a hit comes from memory";
  const auto s = stats(slow);
  EXPECT_EQ(s["cache"]["misses"].GetUint64(), 1u);
  EXPECT_EQ(s["cache"]["hits"].GetUint64(), 1u);
}

TEST_F(CacheHttp, CachedAnswerEqualsTheUncachedOne) {
  GatewayConfig config = LiveGateway::default_config();
  config.engine.cache_entries = 0;
  LiveGateway uncached(std::move(config));
  for (const std::string& body :
       {search_body(kQuery, "CNC Operator", 5),
        search_body("Packers", "", 50, R"("exclude_ids":["w-000001","w-000002"])")}) {
    const std::string cold = search(gateway_, body);
    const std::string warm = search(gateway_, body);
    EXPECT_EQ(warm, cold);
    EXPECT_EQ(search(uncached, body), warm);
  }
  const auto s = stats(uncached);
  EXPECT_EQ(s["cache"]["hits"].GetUint64(), 0u);
  EXPECT_EQ(s["cache"]["misses"].GetUint64(), 0u);
}

TEST_F(CacheHttp, ExcludeOrderAndDuplicatesShareOneEntry) {
  search(gateway_, search_body(kQuery, "", 3, R"("exclude_ids":["w-000001","w-000002"])"));
  search(gateway_,
         search_body(kQuery, "", 3, R"("exclude_ids":["w-000002","w-000001","w-000002"])"));
  EXPECT_EQ(stats(gateway_)["cache"]["hits"].GetUint64(), 1u);
}

TEST_F(CacheHttp, RecordInvalidatesPlaybookAnswersOnly) {
  const std::string with_playbook = search_body(kQuery, "CNC Operator", 3, "\"use_playbook\":true");
  const std::string without = search_body(kQuery, "CNC Operator", 3);
  const std::string plain = search(gateway_, without);
  const std::string cold = search(gateway_, with_playbook);
  EXPECT_EQ(search(gateway_, with_playbook), cold);  // hit
  record(gateway_, "w-002468");
  const auto warm = parse_json(search(gateway_, with_playbook));
  EXPECT_EQ(result_ids(warm)[0], "w-002468");
  EXPECT_EQ(search(gateway_, without), plain);  // hit: not affected by the record
  record(gateway_, "w-001357");
  EXPECT_EQ(result_ids(parse_json(search(gateway_, with_playbook)))[0], "w-001357");
  EXPECT_EQ(stats(gateway_)["cache"]["hits"].GetUint64(), 2u);
}

TEST_F(CacheHttp, DeleteInvalidatesEverythingOfTheIndex) {
  record(gateway_, "w-002468");
  const std::string with_playbook = search_body(kQuery, "CNC Operator", 3, "\"use_playbook\":true");
  EXPECT_EQ(result_ids(parse_json(search(gateway_, with_playbook)))[0], "w-002468");
  ASSERT_EQ(client_.send("DELETE", gateway_.url() + "/vectors/index/playbook_memory").status, 200);
  const auto after = parse_json(search(gateway_, with_playbook));
  EXPECT_FALSE(after.HasMember("playbook_injected") || after.HasMember("playbook_boosted"));

  const std::string body = search_body(kQuery, "", 3);
  search(gateway_, body);
  ASSERT_EQ(client_.send("DELETE", gateway_.url() + "/vectors/index/workers").status, 200);
  EXPECT_EQ(client_.post(gateway_.url() + "/v1/matrix/search", body).status, 404);
}

}  // namespace
}  // namespace multitier::gateway::testing
