// An HTTP/1.1 client over one libcurl easy handle, reused for every request so the connection
// stays alive. request() blocks. send() is awaited from a coroutine: when the client is bound
// to a TransferLoop the exchange runs on the loop's multi handle while the coroutine is
// parked; unbound, it is performed on the spot. An instance belongs to one thread.
//
// Every request is sent at most once. libcurl, when a reused keep-alive connection breaks after
// the request left and before any answer byte came back, silently sends the request again on a
// new connection; a search would then be counted once and served twice, a record applied twice.
// The client refuses that second sending (a pre-request callback that lets a transfer's request
// out once, and an open-socket callback that refuses a fresh connection once it has gone out),
// and the exchange fails as transport, "reset after send". The handle and its other
// connections stay usable for the next request (unit-tested).
#pragma once

#include <coroutine>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "multitier/core/failure.h"
#include "multitier/net/transfer_loop.h"

namespace multitier {

struct HttpOptions {
  long connect_timeout_ms = 2000;
  long timeout_ms = 10000;                 // whole transfer
  std::size_t max_body_bytes = 10u << 20;  // larger answers fail as FailureKind::oversize
  std::vector<std::string> headers;        // "Name: value", sent on every request
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

class HttpClient {
  struct Impl;

 public:
  // co_await client.send(...) yields the Failure request() would return.
  class Exchange {
   public:
    bool await_ready();
    bool await_suspend(std::coroutine_handle<> awaiter);
    Failure await_resume();

   private:
    friend class HttpClient;
    Exchange(Impl& impl, const std::string& url, HttpResponse& out)
        : impl_(impl), url_(url), out_(out) {}
    Impl& impl_;
    const std::string& url_;
    HttpResponse& out_;
    Failure failure_;
    bool performed_ = false;  // done on the spot (unbound client, or curl refused the handle)
  };

  // `loop`, when given, must outlive the client and belong to the thread that uses it.
  explicit HttpClient(HttpOptions options = {}, TransferLoop* loop = nullptr);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request (body sent as application/json when non-empty; GET, POST or any other
  // method name). On a transfer failure returns connect / timeout / transport / oversize and
  // leaves `out` unspecified; otherwise fills `out` (any status) and returns no failure. Never
  // throws for network conditions. Reuse one `out` across calls: its body keeps its capacity.
  // Messages read "<METHOD> <path>: <curl's error text> (curl <code>)".
  Failure request(std::string_view method, const std::string& url, std::string_view body,
                  HttpResponse& out);
  // The same exchange, to co_await. `url`, `body` and `out` must stay valid until it resumes.
  Exchange send(std::string_view method, const std::string& url, std::string_view body,
                HttpResponse& out);

 private:
  std::unique_ptr<Impl> impl_;
};

// The path part of an absolute URL: "/v1/matrix/search" for "http://h:1/v1/matrix/search", "/"
// when there is none. Failure messages name the path rather than the whole URL.
std::string_view url_path(std::string_view url);

}  // namespace multitier
