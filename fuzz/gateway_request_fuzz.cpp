// libFuzzer target: the reference gateway's request validation on arbitrary bytes. The first
// byte picks what the rest is: a search body, a record body, or the name of a
// DELETE /vectors/index/{name}. Every body must be either accepted into a request that honours
// docs/gateway.md's limits or refused with ApiError 400 and a reason; any other exception is a
// bug (the router would answer it 500). The router itself is not compiled in: it needs the
// whole Engine (corpora, playbook, hnswlib), so the name check is fuzzed through
// valid_index_name, which is all the router's DELETE path validates.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "fixtures/gateway/api.h"

namespace {

namespace gw = multitier::gateway;

bool within(std::string_view s, std::size_t min_bytes, std::size_t max_bytes) {
  return s.size() >= min_bytes && s.size() <= max_bytes;
}

void check_search(std::string_view body) {
  const gw::SearchRequest req = gw::parse_search(body);
  bool ok = within(req.query_text, 1, gw::kMaxQueryBytes) &&
            within(req.query_role, 0, gw::kMaxQueryBytes) && !req.corpora.empty() &&
            req.corpora.size() <= gw::kMaxCorpora && req.k >= 1 && req.k <= gw::kMaxK &&
            req.per_corpus_k >= 1 && req.per_corpus_k <= gw::kMaxK &&
            req.exclude_ids.size() <= gw::kMaxExcludeIds;
  for (auto it = req.corpora.begin(); ok && it != req.corpora.end(); ++it) {
    ok = std::find(it + 1, req.corpora.end(), *it) == req.corpora.end();  // duplicates dropped
  }
  if (!ok) std::abort();
}

void check_record(std::string_view body) {
  const gw::PlaybookRecord rec = gw::parse_record(body);
  bool ok = within(rec.query_text, 1, gw::kMaxQueryBytes) &&
            within(rec.role, 0, gw::kMaxQueryBytes) &&
            within(rec.answer_id, 1, gw::kMaxQueryBytes) &&
            within(rec.answer_corpus, 1, gw::kMaxQueryBytes) && rec.tags.size() <= gw::kMaxTags;
  for (const auto& tag : rec.tags) ok = ok && tag.size() <= gw::kMaxTagBytes;
  if (!ok) std::abort();
}

// [A-Za-z0-9_.-]{1,64}, written independently of the gateway's loop.
void check_index_name(std::string_view name) {
  static constexpr std::string_view kAllowed =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";
  const bool expected =
      within(name, 1, 64) && name.find_first_not_of(kAllowed) == std::string_view::npos;
  if (gw::valid_index_name(name) != expected) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 3) {
      case 0:
        check_search(rest);
        break;
      case 1:
        check_record(rest);
        break;
      default:
        check_index_name(rest);
        break;
    }
  } catch (const gw::ApiError& e) {
    if (e.status() != 400 || std::string_view(e.what()).empty()) std::abort();
  } catch (const std::exception&) {
    std::abort();
  }
  return 0;
}
