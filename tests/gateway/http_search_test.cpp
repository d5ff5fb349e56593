// POST /v1/matrix/search over HTTP against a live in-process gateway, plus /health and the
// transport (keep-alive, Expect: 100-continue).
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <set>

#include "tests/gateway/test_support.h"

namespace multitier::gateway::testing {
namespace {

std::string ids_json(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (const auto& id : ids) out += (out.size() > 1 ? ",\"" : "\"") + id + "\"";
  return out + "]";
}

std::string worker_id(int n) {
  char id[16];
  std::snprintf(id, sizeof id, "w-%06d", n);
  return id;
}

class SearchHttp : public ::testing::Test {
 protected:
  rapidjson::Document search_ok(const std::string& body) {
    const Response r = client_.post(gateway_.url() + "/v1/matrix/search", body);
    EXPECT_EQ(r.status, 200) << r.body << r.error;
    auto doc = parse_json(r.body);
    EXPECT_TRUE(doc.IsObject()) << r.body;
    return doc;
  }

  // Every contract rule of an answer: at most k, sorted, no duplicates, none excluded.
  static void expect_well_formed(const rapidjson::Document& doc, std::size_t k,
                                 const std::set<std::string>& excluded = {}) {
    ASSERT_TRUE(doc.IsObject() && doc["results"].IsArray());
    const auto& results = doc["results"];
    EXPECT_LE(results.Size(), k);
    std::set<std::string> seen;
    double last = -1.0;
    for (const auto& r : results.GetArray()) {
      const std::string id = r["id"].GetString();
      EXPECT_TRUE(seen.insert(id).second) << "duplicate " << id;
      EXPECT_FALSE(excluded.count(id)) << "excluded " << id;
      EXPECT_GE(r["distance"].GetDouble(), last);
      last = r["distance"].GetDouble();
      EXPECT_TRUE(r["corpus"].IsString());
    }
    EXPECT_FALSE(doc.HasMember("playbook_boosted"));
    EXPECT_FALSE(doc.HasMember("playbook_injected"));
  }

  LiveGateway gateway_;
  Client client_;
};

TEST_F(SearchHttp, HealthListsEveryIndexWithItsSize) {
  const Response r = client_.get(gateway_.url() + "/health");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, R"({"status":"ok","indexes":{"workers":3000,"playbook_memory":0}})");
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
}

TEST_F(SearchHttp, SeedSanityProbeAnswers) {
  const auto doc =
      search_ok(R"({"query_text":"test","corpora":["workers"],"k":1,"per_corpus_k":1})");
  expect_well_formed(doc, 1);
  EXPECT_EQ(doc["results"].Size(), 1u);
}

TEST_F(SearchHttp, ReturnsKNearestSortedWithMetadata) {
  const auto doc = search_ok(search_body(
      "Need 3 Forklift Operator in Detroit MI for Beacon Freight", "Forklift Operator", 10));
  expect_well_formed(doc, 10);
  ASSERT_EQ(doc["results"].Size(), 10u);
  const auto& first = doc["results"][0];
  EXPECT_STREQ(first["corpus"].GetString(), "workers");
  EXPECT_STREQ(first["metadata"]["role"].GetString(), "Forklift Operator");
  for (const char* key : {"name", "role", "city", "state", "status"}) {
    EXPECT_TRUE(first["metadata"][key].IsString()) << key;
  }
  EXPECT_LT(first["distance"].GetDouble(), 0.6);
}

TEST_F(SearchHttp, QueryRoleIsPartOfTheQuery) {
  const auto without = search_ok(search_body("Need 3 workers in Detroit MI", "", 5));
  const auto with = search_ok(search_body("Need 3 workers in Detroit MI", "CNC Operator", 5));
  EXPECT_NE(result_ids(without), result_ids(with));
  EXPECT_STREQ(with["results"][0]["metadata"]["role"].GetString(), "CNC Operator");
}

TEST_F(SearchHttp, ExcludedIdsNeverShrinkTheAnswer) {
  const std::string text = "Need 2 Pickers in Joliet IL";
  const auto first = result_ids(search_ok(search_body(text, "Pickers", 50)));
  ASSERT_EQ(first.size(), 50u);
  const auto doc =
      search_ok(search_body(text, "Pickers", 10, "\"exclude_ids\":" + ids_json(first)));
  expect_well_formed(doc, 10, {first.begin(), first.end()});
  EXPECT_EQ(doc["results"].Size(), 10u);
}

TEST_F(SearchHttp, ProfileSwapHasNoOverlap) {
  const std::string text = "Need 3 Shipping Clerk in Cleveland OH for Heritage Foods";
  const auto original =
      result_ids(search_ok(search_body(text, "Shipping Clerk", 3, "\"per_corpus_k\":3")));
  const auto swap = search_ok(search_body(
      text, "Shipping Clerk", 3, "\"per_corpus_k\":3,\"exclude_ids\":" + ids_json(original)));
  expect_well_formed(swap, 3, {original.begin(), original.end()});
  EXPECT_EQ(swap["results"].Size(), 3u);
}

TEST_F(SearchHttp, ExcludingAlmostTheWholeCorpusStillFillsK) {
  std::vector<std::string> excluded;
  for (int n = 1; n <= 2990; ++n) excluded.push_back(worker_id(n));
  const auto doc =
      search_ok(search_body("Welder", "", 10, "\"exclude_ids\":" + ids_json(excluded)));
  expect_well_formed(doc, 10, {excluded.begin(), excluded.end()});
  EXPECT_EQ(doc["results"].Size(), 10u);
  excluded.push_back(worker_id(2991));
  const auto fewer =
      search_ok(search_body("Welder", "", 10, "\"exclude_ids\":" + ids_json(excluded)));
  EXPECT_EQ(fewer["results"].Size(), 9u);  // only 9 documents are left
}

TEST_F(SearchHttp, LargeKReturnsExactlyK) {
  const auto doc =
      search_ok(search_body("Packers Food Packaging", "Packers", 1000, "\"per_corpus_k\":1000"));
  expect_well_formed(doc, 1000);
  EXPECT_EQ(doc["results"].Size(), 1000u);
}

TEST_F(SearchHttp, SmallPerCorpusKStillFillsK) {
  const auto doc =
      search_ok(search_body("Loaders Trailer Loading", "Loaders", 10, "\"per_corpus_k\":2"));
  expect_well_formed(doc, 10);
  EXPECT_EQ(doc["results"].Size(), 10u);
}

TEST(SearchMultiCorpus, MergesByDistanceWithoutDuplicateIds) {
  GatewayConfig config = LiveGateway::default_config();
  config.preloaded.push_back(shared_corpus("other", 2000, 43));  // same ids, other workers
  LiveGateway gateway(std::move(config));
  Client client;
  const std::string body =
      R"({"query_text":"Need 4 Welder in Omaha NE","corpora":["workers","other"],"k":20,"per_corpus_k":15})";
  const Response r = client.post(gateway.url() + "/v1/matrix/search", body);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = parse_json(r.body);
  ASSERT_EQ(doc["results"].Size(), 20u);
  std::set<std::string> ids;
  std::set<std::string> corpora;
  double last = -1;
  for (const auto& item : doc["results"].GetArray()) {
    EXPECT_TRUE(ids.insert(item["id"].GetString()).second) << item["id"].GetString();
    corpora.insert(item["corpus"].GetString());
    EXPECT_GE(item["distance"].GetDouble(), last);
    last = item["distance"].GetDouble();
  }
  EXPECT_EQ(corpora.size(), 2u);
  // The merge holds the best of each corpus: its first answer must appear unless beaten on id.
  for (const char* name : {"workers", "other"}) {
    const auto one = parse_json(
        client
            .post(gateway.url() + "/v1/matrix/search",
                  std::string(R"({"query_text":"Need 4 Welder in Omaha NE","corpora":[")") + name +
                      R"("],"k":1})")
            .body);
    EXPECT_LE(doc["results"][0]["distance"].GetDouble(),
              one["results"][0]["distance"].GetDouble() + 1e-9);
  }
}

TEST(SearchMultiCorpus, TheSameCorpusTwiceStillGivesKDistinctIds) {
  GatewayConfig config = LiveGateway::default_config();
  LoadOptions options;
  options.threads = 2;
  config.preloaded.push_back(Corpus::load("copy", corpus_file(kSmallCorpus), options));
  LiveGateway gateway(std::move(config));
  Client client;
  const Response r =
      client.post(gateway.url() + "/v1/matrix/search",
                  R"({"query_text":"Pickers Joliet","corpora":["workers","copy"],"k":12})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto ids = result_ids(parse_json(r.body));
  EXPECT_EQ(ids.size(), 12u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 12u);
}

TEST_F(SearchHttp, KeepAliveAnswersSeveralRequestsOnOneConnection) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  beast::tcp_stream stream(io);
  const std::string port = gateway_.url().substr(gateway_.url().rfind(':') + 1);
  stream.connect(resolver.resolve("127.0.0.1", port));
  for (int i = 0; i < 3; ++i) {
    http::request<http::string_body> req{http::verb::post, "/v1/matrix/search", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::content_type, "application/json");
    req.body() = search_body("Need " + std::to_string(i) + " Packers", "Packers", 2);
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_TRUE(res.keep_alive());
    EXPECT_EQ(result_ids(parse_json(res.body())).size(), 2u);
  }
}

TEST_F(SearchHttp, ExpectContinueIsAnsweredWithoutTheClientTimeout) {
  std::vector<std::string> excluded;
  for (int n = 1; n <= 300; ++n) excluded.push_back(worker_id(n));
  const std::string body = search_body("Welder", "", 5, "\"exclude_ids\":" + ids_json(excluded));
  ASSERT_GT(body.size(), 2000u);
  const auto start = std::chrono::steady_clock::now();
  const Response r =
      client_.send("POST", gateway_.url() + "/v1/matrix/search", body, {"Expect: 100-continue"});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_LT(elapsed, std::chrono::milliseconds(900));  // curl waits 1 s for a silent server
}

}  // namespace
}  // namespace multitier::gateway::testing
