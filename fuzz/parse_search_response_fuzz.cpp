// libFuzzer target: parse_search_response on arbitrary bytes, against a few fixed requests
// (with and without exclusions, with and without the playbook). It must classify every input
// (ok, bad_json or contract) without crashing, and a success must honour the checked rules.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "multitier/contract/search_response.h"

namespace {

const multitier::SearchRequest& request_for(std::uint8_t selector) {
  static const multitier::SearchRequest requests[] = {
      {"test", "", {"workers"}, 1, 1, false, {}},
      {"Need 3 Pickers in Aurora IL",
       "Pickers",
       {"workers", "archive"},
       5,
       5,
       false,
       {"w-1", "w-2", "a"}},
      {"Need 3 Pickers in Aurora IL", "Pickers", {"workers"}, 3, 3, true, {"w-000001"}},
      {"q", "", {"workers", "playbook_memory"}, 1000, 1000, true, {}},
  };
  return requests[selector % (sizeof requests / sizeof requests[0])];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The first byte picks the request, so one corpus entry can exercise each of them.
  std::uint8_t selector = size > 0 ? data[0] : 0;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  if (size > 0) body.remove_prefix(1);
  const multitier::SearchRequest& request = request_for(selector);
  multitier::SearchResponse out;
  multitier::Failure failure = multitier::parse_search_response(body, request, out);
  if (failure) {
    bool expected = failure.kind == multitier::FailureKind::bad_json ||
                    failure.kind == multitier::FailureKind::contract;
    if (!expected || failure.message.empty() || failure.message.size() > 400) std::abort();
    return 0;
  }
  if (static_cast<int>(out.results.size()) > request.k) std::abort();
  if (out.playbook_boosted < 0 || out.playbook_injected < 0) std::abort();
  return 0;
}
