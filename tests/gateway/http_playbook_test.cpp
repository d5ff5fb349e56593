// Playbook semantics, DELETE /vectors/index/{name} and GET /stats over HTTP.
#include <gtest/gtest.h>

#include "tests/gateway/test_support.h"

namespace multitier::gateway::testing {
namespace {

const std::string kQuery = "Need 3 Pickers in Joliet IL for Beacon Freight";

class PlaybookHttp : public ::testing::Test {
 protected:
  Response search(const std::string& body) {
    return client_.post(gateway_.url() + "/v1/matrix/search", body);
  }
  rapidjson::Document search_ok(const std::string& body) {
    const Response r = search(body);
    EXPECT_EQ(r.status, 200) << r.body;
    return parse_json(r.body);
  }
  Response record(const std::string& text, const std::string& role, const std::string& answer,
                  const std::string& corpus = "workers") {
    return client_.post(gateway_.url() + "/v1/matrix/playbooks/record",
                        R"({"query_text":")" + text + R"(","role":")" + role +
                            R"(","answer_id":")" + answer + R"(","answer_corpus":")" + corpus +
                            R"(","score":1.0,"tags":["multitier-loadtest"]})");
  }
  static int counter(const rapidjson::Document& doc, const char* key) {
    return doc.HasMember(key) ? doc[key].GetInt() : 0;
  }

  LiveGateway gateway_;
  Client client_;
};

TEST_F(PlaybookHttp, RecordAnswersWithThePlaybookSize) {
  Response r = record(kQuery, "Pickers", "w-000001");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"recorded":true,"playbook_size":1})");
  EXPECT_EQ(record(kQuery + " again", "Pickers", "w-000002").body,
            R"({"recorded":true,"playbook_size":2})");
  EXPECT_EQ(client_.get(gateway_.url() + "/health").body,
            R"({"status":"ok","indexes":{"workers":3000,"playbook_memory":2}})");
}

TEST_F(PlaybookHttp, RecordedAnswerAmongResultsIsBoostedToTheTop) {
  const auto cold = result_ids(search_ok(search_body(kQuery, "Pickers", 3, "\"per_corpus_k\":3")));
  ASSERT_EQ(cold.size(), 3u);
  ASSERT_EQ(record(kQuery, "Pickers", cold[2]).status, 200);
  const auto warm =
      search_ok(search_body(kQuery, "Pickers", 3, "\"per_corpus_k\":3,\"use_playbook\":true"));
  const auto ids = result_ids(warm);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0], cold[2]);
  EXPECT_EQ(counter(warm, "playbook_boosted"), 1);
  EXPECT_FALSE(warm.HasMember("playbook_injected"));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            std::set<std::string>(cold.begin(), cold.end()));
}

TEST_F(PlaybookHttp, RecordedAnswerOutsideResultsIsInjected) {
  const auto far = search_ok(search_body("Welder TIG Welding Omaha NE", "Welder", 1));
  const std::string welder = result_ids(far)[0];
  ASSERT_EQ(record(kQuery, "Pickers", welder).status, 200);
  const auto warm = search_ok(search_body(kQuery, "Pickers", 5, "\"use_playbook\":true"));
  const auto ids = result_ids(warm);
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_EQ(ids[0], welder);
  EXPECT_EQ(counter(warm, "playbook_injected"), 1);
  EXPECT_FALSE(warm.HasMember("playbook_boosted"));
  EXPECT_STREQ(warm["results"][0]["metadata"]["role"].GetString(), "Welder");
  EXPECT_GT(warm["results"][0]["distance"].GetDouble(), warm["results"][1]["distance"].GetDouble());
}

TEST_F(PlaybookHttp, WithoutUsePlaybookTheAnswerIsUntouched) {
  const auto before = search_ok(search_body(kQuery, "Pickers", 5));
  ASSERT_EQ(record(kQuery, "Pickers", "w-000123").status, 200);
  const auto after = search_ok(search_body(kQuery, "Pickers", 5));
  EXPECT_EQ(result_ids(before), result_ids(after));
  EXPECT_FALSE(after.HasMember("playbook_boosted") || after.HasMember("playbook_injected"));
}

TEST_F(PlaybookHttp, SimilarQueryOfTheSameRoleMatchesOtherRolesDoNot) {
  ASSERT_EQ(record(kQuery, "Pickers", "w-000777").status, 200);
  const std::string similar =
      "need 3 pickers in joliet il for beacon freight";  // same words, other bytes
  EXPECT_EQ(result_ids(search_ok(search_body(similar, "Pickers", 3, "\"use_playbook\":true")))[0],
            "w-000777");
  const auto other_role = search_ok(search_body(similar, "Welder", 3, "\"use_playbook\":true"));
  EXPECT_NE(result_ids(other_role)[0], "w-000777");
  EXPECT_FALSE(other_role.HasMember("playbook_injected") ||
               other_role.HasMember("playbook_boosted"));
}

TEST_F(PlaybookHttp, PlaybookHonoursExcludeIdsAndK) {
  for (int i = 1; i <= 5; ++i)
    ASSERT_EQ(record(kQuery, "Pickers", "w-00010" + std::to_string(i)).status, 200);
  const auto three = search_ok(search_body(kQuery, "Pickers", 3, "\"use_playbook\":true"));
  EXPECT_EQ(result_ids(three), (std::vector<std::string>{"w-000105", "w-000104", "w-000103"}));
  EXPECT_EQ(counter(three, "playbook_boosted") + counter(three, "playbook_injected"), 3);
  const auto excluded = search_ok(search_body(
      kQuery, "Pickers", 3, R"("use_playbook":true,"exclude_ids":["w-000105","w-000103"])"));
  const auto ids = result_ids(excluded);
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0], "w-000104");
  EXPECT_EQ(ids[1], "w-000102");
  for (const auto& id : ids) EXPECT_TRUE(id != "w-000105" && id != "w-000103");
}

TEST_F(PlaybookHttp, AnswersFromCorporaOutsideTheRequestAreNotInjected) {
  GatewayConfig config = LiveGateway::default_config();
  config.preloaded.push_back(shared_corpus("other", 2000, 43));
  LiveGateway two(std::move(config));
  Client client;
  ASSERT_EQ(client
                .post(two.url() + "/v1/matrix/playbooks/record",
                      R"({"query_text":"q1","answer_id":"w-001999","answer_corpus":"other"})")
                .status,
            200);
  const auto doc =
      parse_json(client
                     .post(two.url() + "/v1/matrix/search",
                           R"({"query_text":"q1","corpora":["workers"],"k":3,"use_playbook":true})")
                     .body);
  EXPECT_FALSE(doc.HasMember("playbook_injected"));
  const auto both = parse_json(
      client
          .post(two.url() + "/v1/matrix/search",
                R"({"query_text":"q1","corpora":["workers","other"],"k":3,"use_playbook":true})")
          .body);
  EXPECT_STREQ(both["results"][0]["corpus"].GetString(), "other");
  EXPECT_STREQ(both["results"][0]["id"].GetString(), "w-001999");
}

TEST_F(PlaybookHttp, DeletingThePlaybookThenRecordingRecreatesIt) {
  ASSERT_EQ(record(kQuery, "Pickers", "w-000555").status, 200);
  const Response deleted =
      client_.send("DELETE", gateway_.url() + "/vectors/index/playbook_memory");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.body, R"({"deleted":"playbook_memory"})");
  EXPECT_EQ(client_.get(gateway_.url() + "/health").body,
            R"({"status":"ok","indexes":{"workers":3000}})");
  EXPECT_EQ(client_.send("DELETE", gateway_.url() + "/vectors/index/playbook_memory").status, 404);
  const auto forgotten = search_ok(search_body(kQuery, "Pickers", 3, "\"use_playbook\":true"));
  EXPECT_FALSE(forgotten.HasMember("playbook_injected") || forgotten.HasMember("playbook_boosted"));
  EXPECT_EQ(record(kQuery, "Pickers", "w-000556").body, R"({"recorded":true,"playbook_size":1})");
  EXPECT_EQ(result_ids(search_ok(search_body(kQuery, "Pickers", 3, "\"use_playbook\":true")))[0],
            "w-000556");
}

TEST_F(PlaybookHttp, DeletingACorpusDropsIt) {
  const Response deleted = client_.send("DELETE", gateway_.url() + "/vectors/index/workers");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(deleted.body, R"({"deleted":"workers"})");
  EXPECT_EQ(search(search_body(kQuery, "Pickers", 3)).status, 404);
  EXPECT_EQ(record(kQuery, "Pickers", "w-000001").status, 404);
  EXPECT_EQ(client_.send("DELETE", gateway_.url() + "/vectors/index/workers").status, 404);
  EXPECT_EQ(client_.get(gateway_.url() + "/health").body,
            R"({"status":"ok","indexes":{"playbook_memory":0}})");
}

TEST_F(PlaybookHttp, StatsCountEveryRequestReceived) {
  for (int i = 0; i < 7; ++i) search(search_body(kQuery, "Pickers", 3));
  search("{bad");                                     // still a search request
  client_.get(gateway_.url() + "/v1/matrix/search");  // 405, still a search request
  for (int i = 0; i < 3; ++i) record(kQuery, "Pickers", "w-00000" + std::to_string(i + 1));
  record(kQuery, "Pickers", "w-999999");  // 404, still a record request
  client_.send("DELETE", gateway_.url() + "/vectors/index/nope");
  client_.send("DELETE", gateway_.url() + "/vectors/index/bad%20");
  for (int i = 0; i < 4; ++i) client_.get(gateway_.url() + "/health");
  client_.get(gateway_.url() + "/nowhere");
  client_.get(gateway_.url() + "/stats");  // not counted itself
  const Response stats = client_.get(gateway_.url() + "/stats");
  ASSERT_EQ(stats.status, 200);
  const auto doc = parse_json(stats.body);
  ASSERT_TRUE(doc.IsObject()) << stats.body;
  const std::pair<const char*, std::uint64_t> expected[] = {
      {"search", 9}, {"record", 4}, {"delete", 2}, {"health", 4}, {"other", 1}};
  for (const char* group : {"requests", "received", "unauthorized", "faults"}) {
    ASSERT_TRUE(doc[group].IsObject()) << group;
    EXPECT_EQ(doc[group].MemberCount(), 5u) << group;
  }
  for (const auto& [endpoint, n] : expected) {
    EXPECT_EQ(doc["requests"][endpoint].GetUint64(), n) << endpoint;
    EXPECT_EQ(doc["received"][endpoint].GetUint64(), n) << endpoint;  // every body was read
    EXPECT_EQ(doc["unauthorized"][endpoint].GetUint64(), 0u) << endpoint;
    for (const auto& kind : doc["faults"][endpoint].GetObject())
      EXPECT_EQ(kind.value.GetUint64(), 0u) << endpoint;
  }
  EXPECT_EQ(doc["cache"]["hits"].GetUint64(), 6u);
  EXPECT_EQ(doc["cache"]["misses"].GetUint64(), 1u);
}

}  // namespace
}  // namespace multitier::gateway::testing
