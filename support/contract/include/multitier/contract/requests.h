// The request bodies of the gateway contract (docs/gateway-api.md) and their JSON. Pure.
#pragma once

#include <string>
#include <vector>

namespace multitier {

struct SearchRequest {
  std::string query_text;
  std::string query_role;  // omitted from the body when empty
  std::vector<std::string> corpora;
  int k = 5;
  int per_corpus_k = 5;
  bool use_playbook = false;
  std::vector<std::string> exclude_ids;  // omitted from the body when empty
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

// The same body, replacing the content of `out` and reusing its capacity: serialising into a
// kept string allocates nothing once it has grown.
void to_json(const SearchRequest& request, std::string& out);
void to_json(const RecordRequest& request, std::string& out);

}  // namespace multitier
