#include "multitier/contract/requests.h"

#include <string_view>

#include "json_out.h"

namespace multitier {
namespace {

// Per thread, so serialising allocates nothing once the buffers have grown.
JsonOut& request_out() {
  thread_local JsonOut out;
  return out;
}

void write_string(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void write_strings(JsonWriter& w, const char* key, const std::vector<std::string>& values) {
  w.Key(key);
  w.StartArray();
  for (const std::string& v : values)
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  w.EndArray();
}

std::string_view search_json(const SearchRequest& r) {
  JsonWriter& w = request_out().start();
  w.StartObject();
  write_string(w, "query_text", r.query_text);
  if (!r.query_role.empty()) write_string(w, "query_role", r.query_role);
  write_strings(w, "corpora", r.corpora);
  w.Key("k");
  w.Int(r.k);
  w.Key("per_corpus_k");
  w.Int(r.per_corpus_k);
  w.Key("use_playbook");
  w.Bool(r.use_playbook);
  if (!r.exclude_ids.empty()) write_strings(w, "exclude_ids", r.exclude_ids);
  w.EndObject();
  return request_out().view();
}

std::string_view record_json(const RecordRequest& r) {
  JsonWriter& w = request_out().start();
  w.StartObject();
  write_string(w, "query_text", r.query_text);
  write_string(w, "role", r.role);
  write_string(w, "answer_id", r.answer_id);
  write_string(w, "answer_corpus", r.answer_corpus);
  w.Key("score");
  w.Double(r.score);
  write_strings(w, "tags", r.tags);
  w.EndObject();
  return request_out().view();
}

}  // namespace

std::string to_json(const SearchRequest& request) { return std::string(search_json(request)); }

std::string to_json(const RecordRequest& request) { return std::string(record_json(request)); }

void to_json(const SearchRequest& request, std::string& out) { out.assign(search_json(request)); }

void to_json(const RecordRequest& request, std::string& out) { out.assign(record_json(request)); }

}  // namespace multitier
