// Typed client for the gateway contract (docs/gateway-api.md) over the HTTP client. Every
// answer is parsed and checked against the contract (search_response.h) before it is returned;
// a violation is a FailureKind::contract failure naming the rule. One instance per thread.
// Includes the request bodies and the answer parser, so this one include serves a caller.
#pragma once

#include <string>
#include <string_view>

#include "multitier/contract/requests.h"
#include "multitier/contract/search_response.h"
#include "multitier/core/failure.h"
#include "multitier/core/task.h"
#include "multitier/net/http_client.h"
#include "multitier/net/transfer_loop.h"

namespace multitier {

class GatewayClient {
 public:
  // base_url like "http://127.0.0.1:4110" (a trailing slash is dropped). `loop`: see HttpClient.
  GatewayClient(std::string base_url, HttpOptions options = {}, TransferLoop* loop = nullptr);

  // Every call: a transfer failure as HttpClient reports it; a status other than 200 is
  // http_status, "<METHOD> <path>: status N: <first 120 bytes of the body>" (control characters
  // replaced); then the body checks below, their messages prefixed with "<METHOD> <path>: ".
  // POST /v1/matrix/search, checked by parse_search_response.
  // A task is lazy: reference arguments are read after the call returns, so keep them alive
  // until the task has been awaited (names are taken by value for that reason).
  Task<Failure> search(const SearchRequest& request, SearchResponse& out);
  // POST /v1/matrix/playbooks/record; the body must be JSON (its content is ignored).
  Task<Failure> record(const RecordRequest& request);
  // DELETE /vectors/index/{name} (name percent-encoded); the body must be JSON.
  Task<Failure> delete_index(std::string name);
  // The seed's sanity search: {"query_text":"test","corpora":[corpus],"k":1,"per_corpus_k":1,
  // "use_playbook":false} must answer 200 with a contract-valid body.
  Task<Failure> probe(std::string corpus);

  const std::string& base_url() const { return base_url_; }

 private:
  // The answer in response_ has status 200 (else an http_status failure with an excerpt).
  Failure check_status(std::string_view method, const std::string& url) const;
  // check_status, and the body is JSON.
  Failure expect_json_body(std::string_view method, const std::string& url) const;

  std::string base_url_;
  std::string search_url_;
  std::string record_url_;
  std::string delete_url_;    // rebuilt per call
  std::string request_body_;  // the body in flight; reused
  HttpClient http_;
  HttpResponse response_;  // reused: keeps its capacity across calls
  SearchResponse probe_out_;
};

}  // namespace multitier
