// The search answer of the gateway contract (docs/gateway-api.md), parsed with RapidJSON and
// checked against the request it answers; a violation is a FailureKind::contract failure naming
// the rule. Pure (no I/O, no HTTP client): safe to fuzz.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "multitier/contract/requests.h"
#include "multitier/core/failure.h"

namespace multitier {

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

// Parses a 200 search answer and checks it against `request`: results is an array of objects
// with string id, number distance, string corpus; at most k entries; no duplicate id; no id of
// exclude_ids; corpus among the requested corpora; ascending distance when !use_playbook;
// playbook counters, when present, non-negative integers.
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

// Only the bad_json rule above: `body` is UTF-8 JSON without a NUL byte, at most 64 levels
// deep, with the same messages. For answers whose content the contract leaves open.
Failure check_json(std::string_view body);

// Appends at most `limit` bytes of `text` to `message`, control characters replaced by '?',
// never cutting a UTF-8 sequence in two; "..." marks a cut. How a failure message quotes the
// gateway's text.
void append_excerpt(std::string& message, std::string_view text, std::size_t limit);

}  // namespace multitier
