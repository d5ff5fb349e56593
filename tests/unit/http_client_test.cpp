// HttpClient and GatewayClient against a scripted loopback server: how each way a transfer can
// go wrong is classified, and that one connection serves consecutive requests.
#include <gtest/gtest.h>

#include <cstddef>
#include <ostream>
#include <string>

#include "multitier/contract/gateway_client.h"
#include "multitier/net/http_client.h"
#include "tests/unit/scripted_server.h"

namespace multitier {
namespace {

using unit::http_response;
using unit::ScriptedServer;
using unit::ScriptStep;

HttpOptions quick_options() {
  HttpOptions options;
  options.connect_timeout_ms = 1000;
  options.timeout_ms = 300;
  return options;
}

TEST(HttpClient, ReturnsStatusAndBodyOfAnyAnswer) {
  ScriptedServer server({{http_response(404, R"({"error":"no such index"})")}});
  HttpClient client(quick_options());
  HttpResponse response;
  Failure failure = client.request("POST", server.url("/v1/matrix/search"), "{}", response);
  ASSERT_FALSE(failure) << failure.message;
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, R"({"error":"no such index"})");
}

TEST(HttpClient, SendsJsonWithoutExpectContinue) {
  ScriptedServer server({{http_response(200, "{}")}});
  HttpClient client(quick_options());
  HttpResponse response;
  std::string big_body = "\"" + std::string(2u << 20, 'x') + "\"";
  Failure failure = client.request("POST", server.url("/big"), big_body, response);
  ASSERT_FALSE(failure) << failure.message;
  ASSERT_EQ(server.requests().size(), 1u);
  std::string seen = server.requests()[0];
  EXPECT_EQ(seen.rfind("POST /big HTTP/1.1\r\n", 0), 0u);
  EXPECT_NE(seen.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(seen.find("Expect:"), std::string::npos);
  EXPECT_EQ(seen.size() - seen.find("\r\n\r\n") - 4, big_body.size());
}

TEST(HttpClient, KeepsOneConnectionAcrossRequests) {
  ScriptedServer server({{http_response(200, "{}")}});
  HttpClient client(quick_options());
  HttpResponse response;
  ASSERT_FALSE(client.request("POST", server.url("/a"), "{}", response));
  ASSERT_FALSE(client.request("DELETE", server.url("/b"), "", response));
  ASSERT_FALSE(client.request("GET", server.url("/c"), "", response));
  EXPECT_EQ(server.accepts(), 1);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].rfind("DELETE /b ", 0), 0u);
  EXPECT_EQ(requests[2].rfind("GET /c ", 0), 0u);
}

TEST(HttpClient, RefusedConnectionIsConnect) {
  HttpClient client(quick_options());
  HttpResponse response;
  std::string url = "http://127.0.0.1:" + std::to_string(unit::closed_port()) + "/v1/x";
  Failure failure = client.request("POST", url, "{}", response);
  EXPECT_EQ(failure.kind, FailureKind::connect) << failure.message;
  EXPECT_NE(failure.message.find("POST /v1/x: "), std::string::npos) << failure.message;
}

// One case per way a transfer breaks: the server's behaviour and how the client classifies it.
struct BrokenTransfer {
  std::string name;  // test-name suffix
  ScriptStep step;
  std::size_t max_body_bytes;
  FailureKind kind;
  std::string detail;  // a fragment of the message
};

void PrintTo(const BrokenTransfer& c, std::ostream* os) { *os << c.name; }

class HttpClientFailure : public ::testing::TestWithParam<BrokenTransfer> {};

TEST_P(HttpClientFailure, IsClassified) {
  const BrokenTransfer& c = GetParam();
  ScriptedServer server({c.step});
  HttpOptions options = quick_options();
  options.max_body_bytes = c.max_body_bytes;
  HttpClient client(options);
  HttpResponse response;
  Failure failure = client.request("POST", server.url("/v1/path"), "{}", response);
  EXPECT_EQ(failure.kind, c.kind) << failure.message;
  EXPECT_EQ(failure.message.rfind("POST /v1/path: ", 0), 0u) << failure.message;
  EXPECT_NE(failure.message.find(c.detail), std::string::npos) << failure.message;
}

constexpr std::size_t kDefaultCap = HttpOptions{}.max_body_bytes;

INSTANTIATE_TEST_SUITE_P(
    HttpClient, HttpClientFailure,
    ::testing::Values(
        BrokenTransfer{"SlowAnswerIsTimeout",
                       {http_response(200, "{}"), 2000, false},
                       kDefaultCap,
                       FailureKind::timeout,
                       "(curl 28)"},
        BrokenTransfer{"ClosedWithoutAnswerIsTransport",
                       {"", 0, true},
                       kDefaultCap,
                       FailureKind::transport,
                       "(curl 52)"},
        BrokenTransfer{"ShortBodyIsTransport",
                       {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"results\":", 0, true},
                       kDefaultCap,
                       FailureKind::transport,
                       "(curl 18)"},
        BrokenTransfer{"DeclaredBodyOverCapIsOversize",
                       {http_response(200, std::string(11u << 20, ' ')), 0, true},
                       kDefaultCap,
                       FailureKind::oversize,
                       "10485760-byte cap"},
        // No Content-Length: the body runs until the server closes; only the running count
        // can catch it.
        BrokenTransfer{
            "UndeclaredBodyOverCapIsOversize",
            {"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + std::string(5000, 'x'), 0, true},
            1000,
            FailureKind::oversize,
            "1000-byte cap"}),
    [](const ::testing::TestParamInfo<BrokenTransfer>& info) { return info.param.name; });

TEST(HttpClient, RecoversAfterAFailedRequest) {
  ScriptedServer server({{"", 0, true}, {http_response(200, "{}")}});
  HttpClient client(quick_options());
  HttpResponse response;
  EXPECT_EQ(client.request("POST", server.url("/a"), "{}", response).kind, FailureKind::transport);
  Failure failure = client.request("POST", server.url("/a"), "{}", response);
  ASSERT_FALSE(failure) << failure.message;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(server.accepts(), 2);
}

// A reused connection reset after the request left: libcurl would send it again on a new
// connection; the client must not, must say so, and must work normally on the next request.
ScriptStep reset_step() {
  ScriptStep step;
  step.reset = true;
  return step;
}

TEST(HttpClient, ResetAfterSendIsTransportAndNotSentAgain) {
  ScriptedServer server({{http_response(200, "{}")}, reset_step(), {http_response(200, "{}")}});
  HttpClient client(quick_options());
  HttpResponse response;
  ASSERT_FALSE(client.request("POST", server.url("/a"), "{\"n\":1}", response));
  Failure failure = client.request("POST", server.url("/a"), "{\"n\":2}", response);
  EXPECT_EQ(failure.kind, FailureKind::transport) << failure.message;
  EXPECT_NE(failure.message.find("reset after send"), std::string::npos) << failure.message;
  EXPECT_EQ(server.requests().size(), 2u) << "the reset request was sent again";
  Failure next = client.request("POST", server.url("/a"), "{\"n\":3}", response);
  ASSERT_FALSE(next) << next.message;
  EXPECT_EQ(response.status, 200);
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_NE(requests[2].find("{\"n\":3}"), std::string::npos);
}

TEST(HttpClient, ResetOfABodilessRequestIsNotSentAgain) {
  ScriptedServer server({{http_response(200, "{}")}, reset_step(), {http_response(200, "{}")}});
  HttpClient client(quick_options());
  HttpResponse response;
  ASSERT_FALSE(client.request("GET", server.url("/a"), "", response));
  EXPECT_EQ(client.request("DELETE", server.url("/b"), "", response).kind, FailureKind::transport);
  EXPECT_EQ(server.requests().size(), 2u);
  ASSERT_FALSE(client.request("GET", server.url("/c"), "", response));
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(GatewayClientHttp, NonOkStatusIsHttpStatusWithBodyExcerpt) {
  std::string body = "{\"error\":\"index\nbusy\"}" + std::string(300, 'z');
  ScriptedServer server({{http_response(503, body)}});
  GatewayClient client(server.url("/"), quick_options());
  SearchResponse out;
  const SearchRequest request{"test", "", {"workers"}, 1, 1, false, {}};
  Failure failure = sync_wait(client.search(request, out));
  ASSERT_EQ(failure.kind, FailureKind::http_status) << failure.message;
  EXPECT_EQ(
      failure.message.rfind("POST /v1/matrix/search: status 503: {\"error\":\"index?busy\"}zz", 0),
      0u)
      << failure.message;
  EXPECT_LT(failure.message.size(), 200u);
  EXPECT_EQ(failure.message.substr(failure.message.size() - 3), "...");
}

TEST(GatewayClientHttp, SearchParsesAValidAnswer) {
  std::string body = R"({"results":[{"id":"w-1","distance":0.1,"corpus":"workers"}]})";
  ScriptedServer server({{http_response(200, body)}});
  GatewayClient client(server.url(), quick_options());
  SearchResponse out;
  Failure failure = sync_wait(client.probe("workers"));
  ASSERT_FALSE(failure) << failure.message;
  std::string seen = server.requests().at(0);
  EXPECT_EQ(
      seen.substr(seen.find("\r\n\r\n") + 4),
      R"({"query_text":"test","corpora":["workers"],"k":1,"per_corpus_k":1,"use_playbook":false})");
}

TEST(GatewayClientHttp, ContractFailureNamesThePath) {
  std::string body = R"({"results":[{"id":"w-1","distance":0.1,"corpus":"other"}]})";
  ScriptedServer server({{http_response(200, body)}});
  GatewayClient client(server.url(), quick_options());
  Failure failure = sync_wait(client.probe("workers"));
  EXPECT_EQ(failure.kind, FailureKind::contract);
  EXPECT_EQ(failure.message.rfind("POST /v1/matrix/search: unknown_corpus: ", 0), 0u)
      << failure.message;
}

TEST(GatewayClientHttp, RecordAndDeleteNeedJsonBodies) {
  ScriptedServer server(
      {{http_response(200, R"({"recorded":true})")}, {http_response(200, "deleted")}});
  GatewayClient client(server.url(), quick_options());
  const RecordRequest record{"q", "Pickers", "w-1", "workers", 1.0, {"t"}};
  Failure recorded = sync_wait(client.record(record));
  EXPECT_FALSE(recorded) << recorded.message;
  const std::string name = "playbook memory";
  Failure deleted = sync_wait(client.delete_index(name));
  EXPECT_EQ(deleted.kind, FailureKind::bad_json) << deleted.message;
  EXPECT_EQ(
      deleted.message.rfind("DELETE /vectors/index/playbook%20memory: bad JSON at offset 0", 0), 0u)
      << deleted.message;
  EXPECT_EQ(server.accepts(), 1);
}

}  // namespace
}  // namespace multitier
