#include <curl/curl.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "bench/load.h"

namespace multitier::bench {
namespace {

using Clock = std::chrono::steady_clock;

// One connection's easy handle and what its request in flight has received so far.
struct Slot {
  CURL* easy = nullptr;
  std::string body;
  std::size_t max_body = 0;
  bool over_cap = false;
  Clock::time_point sent;

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* self = static_cast<Slot*>(user);
    std::size_t bytes = size * count;
    if (self->body.size() + bytes > self->max_body) {
      self->over_cap = true;
      return 0;
    }
    self->body.append(data, bytes);
    return bytes;
  }
};

// Owns the multi handle, the easy handles and the header list; frees them in that order.
struct Handles {
  CURLM* multi = nullptr;
  curl_slist* headers = nullptr;
  std::vector<Slot> slots;

  ~Handles() {
    for (Slot& s : slots) {
      if (s.easy == nullptr) continue;
      curl_multi_remove_handle(multi, s.easy);
      curl_easy_cleanup(s.easy);
    }
    if (multi != nullptr) curl_multi_cleanup(multi);
    curl_slist_free_all(headers);
  }
};

// The same options HttpClient sets on its easy handle, plus the fixed POST of the plan.
void configure(Slot& slot, const LoadPlan& plan, const std::string& url, const std::string& body,
               curl_slist* headers) {
  CURL* e = slot.easy;
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, plan.http.connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, plan.http.timeout_ms);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Slot::on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &slot);
  curl_easy_setopt(e, CURLOPT_PRIVATE, &slot);
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(plan.http.max_body_bytes));
  curl_easy_setopt(e, CURLOPT_PROXY, "");
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, body.c_str());
}

Failure transfer_failure(CURLcode code, const Slot& slot) {
  FailureKind kind = code == CURLE_OPERATION_TIMEDOUT ? FailureKind::timeout
                     : code == CURLE_COULDNT_CONNECT  ? FailureKind::connect
                     : slot.over_cap                  ? FailureKind::oversize
                                                      : FailureKind::transport;
  return {kind, std::string("POST /v1/matrix/search: ") + curl_easy_strerror(code)};
}

Failure status_failure(long status) {
  return {FailureKind::http_status, "POST /v1/matrix/search: status " + std::to_string(status)};
}

void send(CURLM* multi, Slot& slot) {
  slot.body.clear();
  slot.over_cap = false;
  slot.sent = Clock::now();
  if (curl_multi_add_handle(multi, slot.easy) != CURLM_OK) throw std::runtime_error("curl_multi_add_handle failed");
}

}  // namespace

LoadResult run_multi(const LoadPlan& plan) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
  const std::string url = plan.base_url + "/v1/matrix/search";
  const std::string body = to_json(plan.request);
  Handles h;
  h.multi = curl_multi_init();
  if (h.multi == nullptr) throw std::runtime_error("curl_multi_init failed");
  h.headers = curl_slist_append(h.headers, "Content-Type: application/json");
  h.headers = curl_slist_append(h.headers, "Expect:");
  // One slot per connection; the pool must keep every connection open between requests.
  curl_multi_setopt(h.multi, CURLMOPT_MAXCONNECTS, static_cast<long>(plan.connections));
  h.slots.resize(static_cast<std::size_t>(plan.connections));
  for (Slot& s : h.slots) {
    s.easy = curl_easy_init();
    if (s.easy == nullptr) throw std::runtime_error("curl_easy_init failed");
    s.max_body = plan.http.max_body_bytes;
    s.body.reserve(16 * 1024);
    configure(s, plan, url, body, h.headers);
  }

  LoadResult result;
  SearchResponse answer;
  const auto start = Clock::now();
  const auto deadline = start + plan.duration;
  for (Slot& s : h.slots) send(h.multi, s);
  int running = static_cast<int>(h.slots.size());
  while (running > 0 && Clock::now() < deadline) {
    curl_multi_perform(h.multi, &running);
    int queued = 0;
    while (CURLMsg* m = curl_multi_info_read(h.multi, &queued)) {
      if (m->msg != CURLMSG_DONE) continue;
      Slot* slot = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &slot);
      const CURLcode code = m->data.result;  // read before remove: m dies with it
      const auto done = Clock::now();
      curl_multi_remove_handle(h.multi, slot->easy);
      ++result.requests;
      long status = 0;
      if (code != CURLE_OK) {
        result.count_failure(transfer_failure(code, *slot));
      } else if (curl_easy_getinfo(slot->easy, CURLINFO_RESPONSE_CODE, &status), status != 200) {
        result.count_failure(status_failure(status));
      } else if (Failure f = parse_search_response(slot->body, plan.request, answer)) {
        result.count_failure(f);
      } else {
        result.latency.record(done - slot->sent);
      }
      // Re-adding the handle takes its idle connection back from the multi's pool.
      if (done < deadline) send(h.multi, *slot), ++running;
    }
    if (running > 0) curl_multi_poll(h.multi, nullptr, 0, 100, nullptr);
  }
  result.wall_s = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

}  // namespace multitier::bench
