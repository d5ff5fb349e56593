#include "multitier/contract/gateway_client.h"

#include <cctype>
#include <cstddef>

namespace multitier {
namespace {

constexpr std::size_t kBodyExcerptBytes = 120;

std::string trim_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

void append_percent_encoded(std::string& url, std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : segment) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      url += ch;
    } else {
      url += '%';
      url += kHex[c >> 4];
      url += kHex[c & 0xF];
    }
  }
}

Failure with_prefix(Failure failure, std::string_view method, const std::string& url) {
  std::string prefix(method);
  prefix += ' ';
  prefix += url_path(url);
  prefix += ": ";
  failure.message.insert(0, prefix);
  return failure;
}

}  // namespace

GatewayClient::GatewayClient(std::string base_url, HttpOptions options, TransferLoop* loop)
    : base_url_(trim_slashes(std::move(base_url))),
      search_url_(base_url_ + "/v1/matrix/search"),
      record_url_(base_url_ + "/v1/matrix/playbooks/record"),
      http_(options, loop) {}

Failure GatewayClient::check_status(std::string_view method, const std::string& url) const {
  if (response_.status == 200) return Failure::ok();
  std::string message = "status " + std::to_string(response_.status) + ": ";
  append_excerpt(message, response_.body, kBodyExcerptBytes);
  return with_prefix({FailureKind::http_status, std::move(message)}, method, url);
}

Failure GatewayClient::expect_json_body(std::string_view method, const std::string& url) const {
  if (Failure f = check_status(method, url)) return f;
  if (Failure f = check_json(response_.body)) return with_prefix(std::move(f), method, url);
  return Failure::ok();
}

// The request body is kept in this client, not in the per-thread writer: other coroutines of
// the thread serialise their own requests while this one is in flight.
Task<Failure> GatewayClient::search(const SearchRequest& request, SearchResponse& out) {
  to_json(request, request_body_);
  Failure sent = co_await http_.send("POST", search_url_, request_body_, response_);
  if (sent) co_return sent;
  if (Failure f = check_status("POST", search_url_)) co_return f;
  if (Failure f = parse_search_response(response_.body, request, out)) {
    co_return with_prefix(std::move(f), "POST", search_url_);
  }
  co_return Failure::ok();
}

Task<Failure> GatewayClient::record(const RecordRequest& request) {
  to_json(request, request_body_);
  Failure sent = co_await http_.send("POST", record_url_, request_body_, response_);
  if (sent) co_return sent;
  co_return expect_json_body("POST", record_url_);
}

Task<Failure> GatewayClient::delete_index(std::string name) {
  delete_url_ = base_url_;
  delete_url_ += "/vectors/index/";
  append_percent_encoded(delete_url_, name);
  Failure sent = co_await http_.send("DELETE", delete_url_, {}, response_);
  if (sent) co_return sent;
  co_return expect_json_body("DELETE", delete_url_);
}

Task<Failure> GatewayClient::probe(std::string corpus) {
  SearchRequest request;
  request.query_text = "test";
  request.corpora = {corpus};
  request.k = 1;
  request.per_corpus_k = 1;
  Failure failure = co_await search(request, probe_out_);
  co_return failure;
}

}  // namespace multitier
