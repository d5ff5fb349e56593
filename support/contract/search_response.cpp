#include "multitier/contract/search_response.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "json_out.h"
#include "multitier/common/utf8.h"

namespace multitier {
namespace {

constexpr int kMaxJsonDepth = 64;
constexpr std::size_t kIdExcerptBytes = 64;
constexpr double kDistanceTolerance = 1e-6;

// ---- messages ------------------------------------------------------------------------------

void append_id(std::string& message, std::string_view id) {
  message += '"';
  append_excerpt(message, id, kIdExcerptBytes);
  message += '"';
}

Failure contract(std::string_view rule, std::size_t index, std::string_view id,
                 std::string_view what) {
  std::string message(rule);
  message += ": results[";
  message += std::to_string(index);
  message += "] id ";
  append_id(message, id);
  message += ' ';
  message += what;
  return {FailureKind::contract, std::move(message)};
}

Failure contract(std::string_view rule, std::string_view what) {
  std::string message(rule);
  message += ": ";
  message += what;
  return {FailureKind::contract, std::move(message)};
}

// ---- parsing -------------------------------------------------------------------------------

// Forwards SAX events to `inner` but refuses nesting deeper than kMaxJsonDepth, so neither the
// recursive parser nor a later walk of the document can exhaust the stack on a hostile body.
template <typename Inner>
struct DepthLimited {
  Inner& inner;
  int depth = 0;
  bool too_deep = false;

  bool Null() { return inner.Null(); }
  bool Bool(bool b) { return inner.Bool(b); }
  bool Int(int i) { return inner.Int(i); }
  bool Uint(unsigned u) { return inner.Uint(u); }
  bool Int64(std::int64_t i) { return inner.Int64(i); }
  bool Uint64(std::uint64_t u) { return inner.Uint64(u); }
  bool Double(double d) { return inner.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return inner.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return inner.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return inner.Key(s, n, copy); }
  bool StartObject() { return enter() && inner.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth;
    return inner.EndObject(n);
  }
  bool StartArray() { return enter() && inner.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth;
    return inner.EndArray(n);
  }

  bool enter() {
    too_deep = ++depth > kMaxJsonDepth;
    return !too_deep;
  }
};

// Per-thread scratch for parsing: the document's values, the parser's and the document's stacks
// live in fixed buffers (spilling to the heap only for very large answers).
struct ParseArena {
  alignas(std::max_align_t) char values[48 * 1024];
  alignas(std::max_align_t) char reader_stack[8 * 1024];
  alignas(std::max_align_t) char document_stack[8 * 1024];
  std::vector<std::string_view> ids;
  JsonOut metadata;
};

ParseArena& arena() {
  thread_local ParseArena a;
  return a;
}

using Pool = rapidjson::MemoryPoolAllocator<>;
using Reader = rapidjson::GenericReader<rapidjson::UTF8<>, rapidjson::UTF8<>, Pool>;
using Document = rapidjson::GenericDocument<rapidjson::UTF8<>, Pool, Pool>;
constexpr unsigned kParseFlags = rapidjson::kParseValidateEncodingFlag;

// Runs the SAX parse of `body` into `handler`; a failure is bad_json naming offset and reason.
template <typename Handler>
Failure sax_parse(std::string_view body, Handler& handler) {
  if (const void* nul = std::memchr(body.data(), '\0', body.size())) {
    auto offset = static_cast<const char*>(nul) - body.data();
    return {FailureKind::bad_json, "bad JSON at offset " + std::to_string(offset) + ": NUL byte"};
  }
  ParseArena& a = arena();
  Pool stack_pool(a.reader_stack, sizeof a.reader_stack);
  Reader reader(&stack_pool, sizeof a.reader_stack / 2);
  DepthLimited<Handler> limited{handler};
  rapidjson::MemoryStream stream(body.data(), body.size());
  rapidjson::ParseResult result = reader.Parse<kParseFlags>(stream, limited);
  if (!result) {
    std::string message = "bad JSON at offset " + std::to_string(result.Offset()) + ": ";
    if (limited.too_deep) {
      message += "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    } else {
      message += rapidjson::GetParseError_En(result.Code());
    }
    return {FailureKind::bad_json, std::move(message)};
  }
  return Failure::ok();
}

// A Document::Populate generator: parses the body into the document through sax_parse.
struct BodyGenerator {
  std::string_view body;
  Failure failure;
  bool operator()(Document& document) {
    failure = sax_parse(body, document);
    return !failure;
  }
};

bool optional_counter(const rapidjson::Value& root, const char* key, int& out) {
  auto it = root.FindMember(key);
  if (it == root.MemberEnd() || it->value.IsNull()) return true;
  if (!it->value.IsInt() || it->value.GetInt() < 0) return false;
  out = it->value.GetInt();
  return true;
}

bool among(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Checks one result object and copies it into `hit`.
Failure read_hit(const rapidjson::Value& item, std::size_t i, const SearchRequest& request,
                 SearchHit& hit) {
  if (!item.IsObject())
    return contract("result_type", "results[" + std::to_string(i) + "] is not an object");
  auto id = item.FindMember("id");
  if (id == item.MemberEnd() || !id->value.IsString()) {
    return contract("id_type", "results[" + std::to_string(i) + "] has no string \"id\"");
  }
  std::string_view id_text(id->value.GetString(), id->value.GetStringLength());
  auto distance = item.FindMember("distance");
  if (distance == item.MemberEnd() || !distance->value.IsNumber()) {
    return contract("distance_type", i, id_text, "has no number \"distance\"");
  }
  auto corpus = item.FindMember("corpus");
  if (corpus == item.MemberEnd() || !corpus->value.IsString()) {
    return contract("corpus_type", i, id_text, "has no string \"corpus\"");
  }
  std::string_view corpus_text(corpus->value.GetString(), corpus->value.GetStringLength());
  if (!among(request.corpora, corpus_text)) {
    std::string what = "has corpus ";
    append_id(what, corpus_text);
    return contract("unknown_corpus", i, id_text, what + ", not a requested one");
  }
  hit.id.assign(id_text);
  hit.distance = distance->value.GetDouble();
  hit.corpus.assign(corpus_text);
  hit.metadata_json.clear();
  auto metadata = item.FindMember("metadata");
  if (metadata != item.MemberEnd() && !metadata->value.IsNull()) {
    if (!metadata->value.IsObject()) {
      return contract("metadata_type", i, id_text, "has a \"metadata\" that is not an object");
    }
    JsonOut& text = arena().metadata;
    metadata->value.Accept(text.start());
    hit.metadata_json.assign(text.view());
  }
  return Failure::ok();
}

// Duplicate and excluded ids, through one sorted view of the result ids.
Failure check_ids(const SearchResponse& out, const SearchRequest& request) {
  std::vector<std::string_view>& ids = arena().ids;
  ids.clear();
  for (const SearchHit& hit : out.results) ids.emplace_back(hit.id);
  std::sort(ids.begin(), ids.end());
  auto dup = std::adjacent_find(ids.begin(), ids.end());
  if (dup != ids.end()) {
    for (std::size_t i = out.results.size(); i-- > 0;) {
      if (out.results[i].id == *dup) return contract("duplicate_id", i, *dup, "appears twice");
    }
  }
  for (const std::string& excluded : request.exclude_ids) {
    if (!std::binary_search(ids.begin(), ids.end(), std::string_view(excluded))) continue;
    for (std::size_t i = 0; i < out.results.size(); ++i) {
      if (out.results[i].id == excluded)
        return contract("excluded_id", i, excluded, "is in exclude_ids");
    }
  }
  return Failure::ok();
}

Failure check_order(const SearchResponse& out) {
  for (std::size_t i = 1; i < out.results.size(); ++i) {
    double before = out.results[i - 1].distance;
    double now = out.results[i].distance;
    if (now < before - kDistanceTolerance * std::max(1.0, std::fabs(before))) {
      return contract("distance_order", i, out.results[i].id,
                      "has distance " + std::to_string(now) + " after " + std::to_string(before));
    }
  }
  return Failure::ok();
}

}  // namespace

void append_excerpt(std::string& message, std::string_view text, std::size_t limit) {
  const std::size_t cut = utf8::cut(text, limit);
  for (std::size_t i = 0; i < cut; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    message += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  }
  if (cut < text.size()) message += "...";
}

Failure parse_search_response(std::string_view body, const SearchRequest& request,
                              SearchResponse& out) {
  out.playbook_boosted = 0;
  out.playbook_injected = 0;
  ParseArena& a = arena();
  Pool values(a.values, sizeof a.values);
  Pool document_stack(a.document_stack, sizeof a.document_stack);
  Document document(&values, sizeof a.document_stack / 2, &document_stack);
  BodyGenerator generator{body, {}};
  document.Populate(generator);
  if (generator.failure) return generator.failure;

  // Read through a const view: rapidjson's mutable member iterators compare ambiguously in C++20.
  const rapidjson::Value& root = document;
  if (!root.IsObject()) return contract("top_level", "the body is not a JSON object");
  auto results = root.FindMember("results");
  if (results == root.MemberEnd()) return contract("results_missing", "no \"results\" member");
  if (!results->value.IsArray()) return contract("results_type", "\"results\" is not an array");
  const auto& items = results->value.GetArray();
  if (static_cast<long long>(items.Size()) > request.k) {
    return contract("k_bound",
                    std::to_string(items.Size()) + " results for k=" + std::to_string(request.k));
  }
  out.results.resize(items.Size());
  for (rapidjson::SizeType i = 0; i < items.Size(); ++i) {
    if (Failure f = read_hit(items[i], i, request, out.results[i])) return f;
  }
  if (!request.use_playbook) {
    if (Failure f = check_order(out)) return f;
  }
  if (Failure f = check_ids(out, request)) return f;
  if (!optional_counter(root, "playbook_boosted", out.playbook_boosted)) {
    return contract("playbook_counter", "\"playbook_boosted\" is not a non-negative integer");
  }
  if (!optional_counter(root, "playbook_injected", out.playbook_injected)) {
    return contract("playbook_counter", "\"playbook_injected\" is not a non-negative integer");
  }
  return Failure::ok();
}

Failure check_json(std::string_view body) {
  rapidjson::BaseReaderHandler<> ignore;
  return sax_parse(body, ignore);
}

}  // namespace multitier
