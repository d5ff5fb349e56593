// --require-token over HTTP (a gateway configured with a token) and the token file's rules.
#include <gtest/gtest.h>

#include <fstream>

#include "fixtures/gateway/auth.h"
#include "tests/gateway/raw_connection.h"
#include "tests/gateway/test_support.h"

namespace multitier::gateway::testing {
namespace {

const std::string kToken = "tok-5f3a9c2e71d04b8a";
const std::string kBearer = "Authorization: Bearer " + kToken;
const std::string kQuery = "Need 1 Welder in Peoria IL for Prairie Fabrication";
const std::string kRecordBody =
    R"({"query_text":")" + kQuery + R"(","answer_id":"w-000077","answer_corpus":"workers"})";

class TokenHttp : public ::testing::Test {
 protected:
  static GatewayConfig config() {
    GatewayConfig c = LiveGateway::default_config();
    c.token = kToken;
    return c;
  }
  // A 401 with the Bearer challenge and a JSON error that does not repeat any credential.
  static void expect_refused(const Response& r, const std::string& sent = {}) {
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.headers.count("www-authenticate") ? r.headers.at("www-authenticate") : "",
              "Bearer");
    const auto doc = parse_json(r.body);
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("error") && doc["error"].IsString()) << r.body;
    EXPECT_EQ(r.body.find(kToken), std::string::npos) << r.body;
    if (!sent.empty()) {
      EXPECT_EQ(r.body.find(sent), std::string::npos) << r.body;
    }
  }

  LiveGateway gateway_{config()};
  Client client_;
};

TEST_F(TokenHttp, RefusesARequestWithoutTheToken) {
  expect_refused(client_.post(gateway_.url() + "/v1/matrix/search", search_body(kQuery, "", 2)));
  expect_refused(client_.get(gateway_.url() + "/health"));
  expect_refused(client_.get(gateway_.url() + "/stats"));
  expect_refused(client_.get(gateway_.url() + "/nowhere"));
}

TEST_F(TokenHttp, RefusesAWrongOrMisspelledToken) {
  for (const std::string& header :
       {std::string("Authorization: Bearer wrong-token-0123"),
        "Authorization: Bearer " + kToken + "x", "Authorization: Bearer " + kToken.substr(1),
        "Authorization: bearer " + kToken, "Authorization: " + kToken,
        "Authorization: Basic " + kToken, "Authorization: Bearer  " + kToken}) {
    SCOPED_TRACE(header);
    expect_refused(client_.send("GET", gateway_.url() + "/health", {}, {header}),
                   header.substr(15));
  }
  // Given twice, even both right: one credential or none.
  expect_refused(client_.send("GET", gateway_.url() + "/health", {}, {kBearer, kBearer}));
}

TEST_F(TokenHttp, AnswersWithTheRightToken) {
  const Response health = client_.send("GET", gateway_.url() + "/health", {}, {kBearer});
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok","indexes":{"workers":3000,"playbook_memory":0}})");
  const Response search = client_.send("POST", gateway_.url() + "/v1/matrix/search",
                                       search_body(kQuery, "", 2), {kBearer});
  EXPECT_EQ(search.status, 200) << search.body;
  EXPECT_EQ(result_ids(parse_json(search.body)).size(), 2u);
}

TEST_F(TokenHttp, ARefusedRecordIsNotAppliedAndIsCounted) {
  expect_refused(client_.post(gateway_.url() + "/v1/matrix/playbooks/record", kRecordBody));
  expect_refused(client_.send("POST", gateway_.url() + "/v1/matrix/playbooks/record", kRecordBody,
                              {"Authorization: Bearer nope"}));
  const Response ok =
      client_.send("POST", gateway_.url() + "/v1/matrix/playbooks/record", kRecordBody, {kBearer});
  EXPECT_EQ(ok.body, R"({"recorded":true,"playbook_size":1})");
  const auto stats = parse_json(client_.send("GET", gateway_.url() + "/stats", {}, {kBearer}).body);
  ASSERT_TRUE(stats.IsObject());
  EXPECT_EQ(stats["received"]["record"].GetUint64(), 3u);
  EXPECT_EQ(stats["unauthorized"]["record"].GetUint64(), 2u);
}

TEST_F(TokenHttp, AnOversizeBodyWithoutTheTokenIsRefusedFromItsHeaders) {
  RawConnection connection(gateway_.port());
  EXPECT_EQ(
      connection.exchange("POST", "/v1/matrix/search", std::string(kMaxBodyBytes + 1, 'x')).status,
      401);
}

TEST(TokenFile, TrimsSurroundingWhitespaceAndRefusesAnEmptyOrBadFile) {
  const auto path = (data_dir() / "token-file-test.txt").string();
  auto write = [&](const std::string& text) {
    std::ofstream(path, std::ios::trunc | std::ios::binary) << text;
  };
  write("  s3cr3t-Token_1\r\n\n");
  EXPECT_EQ(read_token_file(path), "s3cr3t-Token_1");
  for (const std::string& bad : {std::string(), std::string(" \n\t\n"), std::string("two words\n"),
                                 std::string("line1\nline2\n"), std::string("caf\xC3\xA9")}) {
    write(bad);
    try {
      read_token_file(path);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      if (bad.size() > 4) {
        EXPECT_EQ(std::string(e.what()).find(bad.substr(0, 4)), std::string::npos) << e.what();
      }
    }
  }
  EXPECT_THROW(read_token_file(path + ".missing"), std::invalid_argument);
  EXPECT_THROW(read_token_file(data_dir().string()), std::invalid_argument);
}

TEST(TokenFile, BearerMatchesOnlyTheExactHeader) {
  EXPECT_TRUE(bearer_matches("Bearer abc", "abc"));
  EXPECT_FALSE(bearer_matches(std::nullopt, "abc"));
  EXPECT_FALSE(bearer_matches("Bearer abd", "abc"));
  EXPECT_FALSE(bearer_matches("Bearer ab", "abc"));
  EXPECT_FALSE(bearer_matches("Bearer abcd", "abc"));
  EXPECT_FALSE(bearer_matches("Bearerabc", "abc"));
  EXPECT_FALSE(bearer_matches("", "abc"));
}

}  // namespace
}  // namespace multitier::gateway::testing
