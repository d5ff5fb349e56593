// Each injected fault kind, seen from a client.
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "tests/gateway/test_support.h"

namespace multitier::gateway::testing {
namespace {

using Clock = std::chrono::steady_clock;
const std::string kQuery = "Need 1 Loaders in Aurora IL for Midway Distribution";

GatewayConfig with_faults(std::initializer_list<const char*> specs,
                          std::optional<std::uint64_t> seed = 1) {
  GatewayConfig config = LiveGateway::default_config();
  for (const char* spec : specs) config.faults.push_back(parse_fault(spec));
  config.fault_seed = seed;
  return config;
}

Response post_search(LiveGateway& gateway, const std::string& body) {
  return Client().post(gateway.url() + "/v1/matrix/search", body);
}

TEST(FaultHttp, StatusAnswersTheCodeWithAnErrorAndSkipsTheHandler) {
  LiveGateway gateway(with_faults({"search:status=503", "record:status=500"}));
  const Response search = post_search(gateway, search_body(kQuery, "Loaders", 3));
  EXPECT_EQ(search.status, 503);
  EXPECT_TRUE(parse_json(search.body)["error"].IsString());
  Client client;
  const Response record =
      client.post(gateway.url() + "/v1/matrix/playbooks/record",
                  R"({"query_text":"q","answer_id":"w-000001","answer_corpus":"workers"})");
  EXPECT_EQ(record.status, 500);
  EXPECT_EQ(client.get(gateway.url() + "/health").body,
            R"({"status":"ok","indexes":{"workers":3000,"playbook_memory":0}})");
}

TEST(FaultHttp, DelaysAddUpAndDoNotBlockOtherRequests) {
  GatewayConfig config = with_faults({"search:delay=150ms", "search:delay=150ms"});
  config.threads = 1;
  LiveGateway gateway(std::move(config));
  const auto start = Clock::now();
  auto delayed = std::async(std::launch::async,
                            [&] { return post_search(gateway, search_body(kQuery, "", 3)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto health_start = Clock::now();
  EXPECT_EQ(Client().get(gateway.url() + "/health").status, 200);
  EXPECT_LT(Clock::now() - health_start,
            std::chrono::milliseconds(150));  // the one io thread was free
  EXPECT_EQ(delayed.get().status, 200);
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(300));
}

TEST(FaultHttp, TruncateCutsTheBodyInHalf) {
  LiveGateway plain;
  LiveGateway faulty(with_faults({"search:truncate"}));
  const std::string body = search_body(kQuery, "Loaders", 5);
  const Response full = post_search(plain, body);
  const Response cut = post_search(faulty, body);
  EXPECT_EQ(cut.status, 200);
  EXPECT_EQ(cut.body, full.body.substr(0, full.body.size() / 2));
  EXPECT_EQ(cut.headers.at("content-length"), std::to_string(cut.body.size()));
  EXPECT_TRUE(parse_json(cut.body).IsNull());
}

TEST(FaultHttp, InvalidJsonAnswers200WithAnUnparsableBody) {
  LiveGateway gateway(with_faults({"health:invalid_json"}));
  const Response r = Client().get(gateway.url() + "/health");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(parse_json(r.body).IsNull()) << r.body;
}

TEST(FaultHttp, OversizeAnswersAnElevenMebibyteBody) {
  LiveGateway gateway(with_faults({"search:oversize"}));
  const Response r = post_search(gateway, search_body(kQuery, "", 3));
  EXPECT_EQ(r.status, 200);
  EXPECT_GE(r.body.size(), 11u << 20);
}

TEST(FaultHttp, LeakExcludedPutsTheFirstExcludedIdOnTop) {
  LiveGateway gateway(with_faults({"search:leak_excluded"}));
  const auto doc = parse_json(
      post_search(gateway, search_body(kQuery, "", 3, R"("exclude_ids":["w-000042","w-000043"])"))
          .body);
  const auto ids = result_ids(doc);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0], "w-000042");
}

TEST(FaultHttp, NoPlaybookIgnoresUsePlaybook) {
  LiveGateway gateway(with_faults({"search:no_playbook"}));
  Client client;
  ASSERT_EQ(client
                .post(gateway.url() + "/v1/matrix/playbooks/record",
                      R"({"query_text":")" + kQuery +
                          R"(","answer_id":"w-002999","answer_corpus":"workers"})")
                .status,
            200);
  const auto doc =
      parse_json(post_search(gateway, search_body(kQuery, "", 3, "\"use_playbook\":true")).body);
  EXPECT_NE(result_ids(doc)[0], "w-002999");
  EXPECT_FALSE(doc.HasMember("playbook_injected") || doc.HasMember("playbook_boosted"));
}

TEST(FaultHttp, DropClosesTheConnectionWithoutAnAnswer) {
  LiveGateway gateway(with_faults({"any:drop"}));
  const Response r = Client().get(gateway.url() + "/health");
  EXPECT_EQ(r.status, 0);
  EXPECT_FALSE(r.error.empty());
  const Response stats = Client().get(gateway.url() + "/stats");  // never faulted
  EXPECT_EQ(stats.status, 200);
  EXPECT_EQ(parse_json(stats.body)["requests"]["health"].GetInt(), 1);
}

TEST(FaultHttp, RateIsAppliedAndTheSeedMakesItRepeatable) {
  auto statuses = [](std::uint64_t seed) {
    LiveGateway gateway(with_faults({"search:status=500@0.5"}, seed));
    Client client;
    std::vector<long> out;
    for (int i = 0; i < 40; ++i)
      out.push_back(
          client.post(gateway.url() + "/v1/matrix/search", search_body(kQuery, "", 1)).status);
    return out;
  };
  const auto a = statuses(11);
  EXPECT_EQ(a, statuses(11));
  const auto failed = std::count(a.begin(), a.end(), 500);
  EXPECT_GT(failed, 5);
  EXPECT_LT(failed, 35);
  EXPECT_EQ(failed + std::count(a.begin(), a.end(), 200), 40);
}

}  // namespace
}  // namespace multitier::gateway::testing
