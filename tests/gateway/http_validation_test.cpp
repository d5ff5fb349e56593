// Every bad input of the contract gets a clear JSON error with the right status, and changes
// nothing: the playbook, the indexes and later answers stay as they were.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "tests/gateway/test_support.h"

namespace multitier::gateway::testing {
namespace {

struct BadInput {
  std::string name;  // test suffix, CamelCase
  std::string method;
  std::string path;
  std::string body;
  long status;
  std::string reason;  // a fragment of the error message
};

// Test names show the case, not the struct's bytes.
void PrintTo(const BadInput& bad, std::ostream* out) { *out << bad.name; }

std::string many_strings(int count, const std::string& prefix) {
  std::string out = "[";
  for (int i = 0; i < count; ++i) out += (i ? ",\"" : "\"") + prefix + std::to_string(i) + "\"";
  return out + "]";
}

const std::string kSearch = "/v1/matrix/search";
const std::string kRecord = "/v1/matrix/playbooks/record";
const std::string kQuery = R"("query_text":"Need 3 Pickers in Joliet IL")";
const std::string kCorpora = R"("corpora":["workers"])";

std::vector<BadInput> bad_inputs() {
  const std::string base = kQuery + "," + kCorpora;
  return {
      {"MalformedJson", "POST", kSearch, "{\"query_text\":", 400, "malformed JSON"},
      {"EmptyBody", "POST", kSearch, "", 400, "empty"},
      {"NotAnObject", "POST", kSearch, "[1,2]", 400, "JSON object"},
      {"TrailingGarbage", "POST", kSearch, "{" + base + ",\"k\":3} x", 400, "malformed JSON"},
      {"InvalidUtf8", "POST", kSearch, "{\"query_text\":\"\xff\xfe\"," + kCorpora + ",\"k\":3}",
       400, "malformed JSON"},
      {"MissingQueryText", "POST", kSearch, "{" + kCorpora + ",\"k\":3}", 400,
       "'query_text' is required"},
      {"EmptyQueryText", "POST", kSearch, "{\"query_text\":\"\"," + kCorpora + ",\"k\":3}", 400,
       "must not be empty"},
      {"QueryTextNotString", "POST", kSearch, "{\"query_text\":5," + kCorpora + ",\"k\":3}", 400,
       "must be a string"},
      {"QueryTextOver4KiB", "POST", kSearch,
       "{\"query_text\":\"" + std::string(4097, 'a') + "\"," + kCorpora + ",\"k\":3}", 400,
       "longer than 4096"},
      {"QueryRoleNotString", "POST", kSearch, "{" + base + ",\"k\":3,\"query_role\":[]}", 400,
       "'query_role' must be a string"},
      {"MissingCorpora", "POST", kSearch, "{" + kQuery + ",\"k\":3}", 400, "'corpora' is required"},
      {"CorporaEmpty", "POST", kSearch, "{" + kQuery + ",\"corpora\":[],\"k\":3}", 400, "1..16"},
      {"CorporaNotArray", "POST", kSearch, "{" + kQuery + ",\"corpora\":\"workers\",\"k\":3}", 400,
       "array of strings"},
      {"CorporaHoldsNumber", "POST", kSearch, "{" + kQuery + ",\"corpora\":[1],\"k\":3}", 400,
       "only strings"},
      {"TooManyCorpora", "POST", kSearch,
       "{" + kQuery + ",\"corpora\":" + many_strings(17, "c") + ",\"k\":3}", 400, "1..16"},
      {"UnknownCorpus", "POST", kSearch, "{" + kQuery + ",\"corpora\":[\"nope\"],\"k\":3}", 404,
       "unknown corpus 'nope'"},
      {"PlaybookIsNotACorpus", "POST", kSearch,
       "{" + kQuery + ",\"corpora\":[\"playbook_memory\"],\"k\":3}", 400, "not a worker corpus"},
      {"MissingK", "POST", kSearch, "{" + base + "}", 400, "'k' is required"},
      {"KZero", "POST", kSearch, "{" + base + ",\"k\":0}", 400,
       "'k' must be an integer in 1..1000"},
      {"KTooLarge", "POST", kSearch, "{" + base + ",\"k\":1001}", 400, "1..1000"},
      {"KNotInteger", "POST", kSearch, "{" + base + ",\"k\":2.5}", 400, "integer"},
      {"KString", "POST", kSearch, "{" + base + ",\"k\":\"3\"}", 400, "integer"},
      {"KHuge", "POST", kSearch, "{" + base + ",\"k\":99999999999}", 400, "integer"},
      {"PerCorpusKZero", "POST", kSearch, "{" + base + ",\"k\":3,\"per_corpus_k\":0}", 400,
       "'per_corpus_k' must be"},
      {"PerCorpusKTooLarge", "POST", kSearch, "{" + base + ",\"k\":3,\"per_corpus_k\":1001}", 400,
       "'per_corpus_k' must be"},
      {"UsePlaybookNotBool", "POST", kSearch, "{" + base + ",\"k\":3,\"use_playbook\":\"yes\"}",
       400, "boolean"},
      {"ExcludeIdsNotArray", "POST", kSearch, "{" + base + ",\"k\":3,\"exclude_ids\":\"w-1\"}", 400,
       "'exclude_ids' must be an array"},
      {"ExcludeIdsHoldsNumber", "POST", kSearch, "{" + base + ",\"k\":3,\"exclude_ids\":[1]}", 400,
       "only strings"},
      {"TooManyExcludeIds", "POST", kSearch,
       "{" + base + ",\"k\":3,\"exclude_ids\":" + many_strings(10001, "x") + "}", 400, "0..10000"},
      {"RecordMalformed", "POST", kRecord, "{", 400, "malformed JSON"},
      {"RecordMissingQueryText", "POST", kRecord,
       R"({"answer_id":"w-000001","answer_corpus":"workers"})", 400, "'query_text' is required"},
      {"RecordMissingAnswerId", "POST", kRecord, "{" + kQuery + R"(,"answer_corpus":"workers"})",
       400, "'answer_id' is required"},
      {"RecordMissingAnswerCorpus", "POST", kRecord, "{" + kQuery + R"(,"answer_id":"w-000001"})",
       400, "'answer_corpus' is required"},
      {"RecordUnknownCorpus", "POST", kRecord,
       "{" + kQuery + R"(,"answer_id":"w-000001","answer_corpus":"nope"})", 404,
       "unknown answer_corpus"},
      {"RecordUnknownAnswerId", "POST", kRecord,
       "{" + kQuery + R"(,"answer_id":"w-999999","answer_corpus":"workers"})", 404,
       "is not in corpus"},
      {"RecordScoreNotNumber", "POST", kRecord,
       "{" + kQuery + R"(,"answer_id":"w-000001","answer_corpus":"workers","score":"high"})", 400,
       "'score' must be a number"},
      {"RecordTagsNotArray", "POST", kRecord,
       "{" + kQuery + R"(,"answer_id":"w-000001","answer_corpus":"workers","tags":"x"})", 400,
       "'tags'"},
      {"RecordRoleNotString", "POST", kRecord,
       "{" + kQuery + R"(,"role":1,"answer_id":"w-000001","answer_corpus":"workers"})", 400,
       "'role' must be a string"},
      {"DeleteBadCharacters", "DELETE", "/vectors/index/bad%20name", "", 400,
       "[A-Za-z0-9_.-]{1,64}"},
      {"DeleteNameTooLong", "DELETE", "/vectors/index/" + std::string(65, 'a'), "", 400, "{1,64}"},
      {"DeleteEmptyName", "DELETE", "/vectors/index/", "", 400, "{1,64}"},
      {"DeleteNestedPath", "DELETE", "/vectors/index/workers/x", "", 400, "{1,64}"},
      {"DeleteUnknownIndex", "DELETE", "/vectors/index/nope", "", 404, "unknown index 'nope'"},
      {"UnknownPath", "GET", "/v2/nothing", "", 404, "no such endpoint"},
      {"SearchWithGet", "GET", kSearch, "", 405, "use POST"},
      {"RecordWithPut", "PUT", kRecord, "{}", 405, "use POST"},
      {"DeleteWithPost", "POST", "/vectors/index/workers", "{}", 405, "use DELETE"},
      {"HealthWithPost", "POST", "/health", "{}", 405, "use GET"},
  };
}

class BadInputHttp : public ::testing::TestWithParam<BadInput> {
 protected:
  void SetUp() override {
    ASSERT_EQ(
        client_
            .post(gateway_.url() + kRecord,
                  R"({"query_text":"baseline","answer_id":"w-000010","answer_corpus":"workers"})")
            .status,
        200);
    health_ = client_.get(gateway_.url() + "/health").body;
    answer_ =
        client_
            .post(gateway_.url() + kSearch, search_body("baseline", "", 5, "\"use_playbook\":true"))
            .body;
  }

  LiveGateway gateway_;
  Client client_;
  std::string health_;
  std::string answer_;
};

TEST_P(BadInputHttp, IsRejectedClearlyAndChangesNothing) {
  const BadInput& bad = GetParam();
  const Response r = client_.send(bad.method, gateway_.url() + bad.path, bad.body);
  ASSERT_EQ(r.status, bad.status) << r.body << r.error;
  const auto doc = parse_json(r.body);
  ASSERT_TRUE(doc.IsObject() && doc.HasMember("error") && doc["error"].IsString()) << r.body;
  EXPECT_NE(std::string(doc["error"].GetString()).find(bad.reason), std::string::npos) << r.body;
  if (bad.status == 405) {
    EXPECT_FALSE(r.headers.at("allow").empty());
  }
  EXPECT_EQ(client_.get(gateway_.url() + "/health").body, health_);
  EXPECT_EQ(
      client_
          .post(gateway_.url() + kSearch, search_body("baseline", "", 5, "\"use_playbook\":true"))
          .body,
      answer_);
}

INSTANTIATE_TEST_SUITE_P(Contract, BadInputHttp, ::testing::ValuesIn(bad_inputs()),
                         [](const ::testing::TestParamInfo<BadInput>& info) {
                           return info.param.name;
                         });

TEST(OversizedBody, IsRejectedWith413) {
  LiveGateway gateway;
  Client client;
  const std::string body = "{\"query_text\":\"" + std::string((1u << 20) + 1, 'a') + "\"}";
  const Response r = client.post(gateway.url() + kSearch, body);
  ASSERT_EQ(r.status, 413) << r.error;
  EXPECT_NE(parse_json(r.body)["error"].GetString(), nullptr);
  // Without "Expect: 100-continue" the whole body is sent before the answer is read.
  Client plain;
  const Response r2 = plain.send("POST", gateway.url() + kRecord, body, {"Expect:"});
  EXPECT_EQ(r2.status, 413) << r2.error;
  EXPECT_EQ(Client().get(gateway.url() + "/health").status, 200);
}

TEST(MalformedHttp, GetsA400AndTheServerStaysUp) {
  LiveGateway gateway;
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  const std::string port = gateway.url().substr(gateway.url().rfind(':') + 1);
  boost::asio::connect(socket, boost::asio::ip::tcp::resolver(io).resolve("127.0.0.1", port));
  boost::asio::write(socket, boost::asio::buffer(std::string("THIS IS NOT HTTP\r\n\r\n")));
  std::string reply;
  boost::system::error_code ec;
  std::array<char, 4096> buffer{};
  while (!ec) {
    const std::size_t n = socket.read_some(boost::asio::buffer(buffer), ec);
    reply.append(buffer.data(), n);
  }
  EXPECT_EQ(reply.rfind("HTTP/1.1 400", 0), 0u) << reply;
  EXPECT_EQ(Client().get(gateway.url() + "/health").status, 200);
}

}  // namespace
}  // namespace multitier::gateway::testing
