// Typed client for the gateway contract (docs/gateway-api.md). Every answer is
// parsed with RapidJSON and checked against the contract before it is returned; a violation is
// a FailureKind::contract failure naming the rule. One instance per thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "multitier/core/failure.h"
#include "multitier/net/http_client.h"
#include "multitier/core/task.h"
#include "multitier/net/transfer_loop.h"

namespace multitier {

struct SearchRequest {
  std::string query_text;
  std::string query_role;             // omitted from the body when empty
  std::vector<std::string> corpora;
  int k = 5;
  int per_corpus_k = 5;
  bool use_playbook = false;
  std::vector<std::string> exclude_ids;  // omitted from the body when empty
};

struct SearchHit {
  std::string id;
  double distance = 0;
  std::string corpus;
  std::string metadata_json;  // raw JSON of "metadata", empty when absent
};

struct SearchResponse {
  std::vector<SearchHit> results;
  int playbook_boosted = 0;
  int playbook_injected = 0;
};

struct RecordRequest {
  std::string query_text;
  std::string role;
  std::string answer_id;
  std::string answer_corpus;
  double score = 1.0;
  std::vector<std::string> tags;
};

// Serialises a request as the contract's JSON body, compact, fields in the seed's order;
// query_role and exclude_ids are left out when empty, use_playbook is always written.
std::string to_json(const SearchRequest& request);
std::string to_json(const RecordRequest& request);

// Parses a 200 search answer and checks it against `request`: results is an array of objects
// with string id, number distance, string corpus; at most k entries; no duplicate id; no id of
// exclude_ids; corpus among the requested corpora; ascending distance when !use_playbook;
// playbook counters, when present, non-negative integers. Pure; safe to fuzz.
//
// Details: a body that is not UTF-8 JSON, holds a NUL byte or nests deeper than 64 levels is
// bad_json ("bad JSON at offset N: <reason>"). Every rule above is a contract failure whose
// message starts with the rule's name (top_level, results_missing, results_type, result_type,
// id_type, distance_type, corpus_type, metadata_type, k_bound, unknown_corpus, distance_order,
// duplicate_id, excluded_id, playbook_counter) and names the offending id. "metadata" must be an
// object when present and is kept as compact JSON text; null counts as absent for metadata and
// the counters (as the Go client reads them). Distances equal within 1e-6 (relative) count as
// ordered. `out` is unspecified on failure. Scratch buffers are per thread: no allocation
// beyond `out` for ordinary answers.
Failure parse_search_response(std::string_view body, const SearchRequest& request,
                              SearchResponse& out);

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
  HttpResponse response_;     // reused: keeps its capacity across calls
  SearchResponse probe_out_;
};

}  // namespace multitier
