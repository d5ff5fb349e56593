// Typed client for the gateway contract (shared/contract/gateway-api.md). Every answer is
// parsed with RapidJSON and checked against the contract before it is returned; a violation is
// a FailureKind::contract failure naming the rule. One instance per thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "support/failure.h"
#include "support/http_client.h"

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

// Serialises a search request as the contract's JSON body.
std::string to_json(const SearchRequest& request);
std::string to_json(const RecordRequest& request);

// Parses a 200 search answer and checks it against `request`: results is an array of objects
// with string id, number distance, string corpus; at most k entries; no duplicate id; no id of
// exclude_ids; corpus among the requested corpora; ascending distance when !use_playbook;
// playbook counters, when present, non-negative integers. Pure; safe to fuzz.
Failure parse_search_response(std::string_view body, const SearchRequest& request,
                              SearchResponse& out);

class GatewayClient {
 public:
  // base_url like "http://127.0.0.1:4110" (no trailing slash needed).
  GatewayClient(std::string base_url, HttpOptions options = {});

  Failure search(const SearchRequest& request, SearchResponse& out);
  Failure record(const RecordRequest& request);
  Failure delete_index(const std::string& name);
  // The seed's sanity search: {"query_text":"test","corpora":[corpus],"k":1,"per_corpus_k":1}
  // must answer 200 with a contract-valid body.
  Failure probe(const std::string& corpus);

  const std::string& base_url() const { return base_url_; }

 private:
  Failure post_expect_200(const std::string& path, const std::string& body, HttpResponse& out);

  std::string base_url_;
  HttpClient http_;
};

}  // namespace multitier
