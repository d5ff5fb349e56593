// A blocking HTTP/1.1 client over one libcurl easy handle, reused for every request so the
// connection stays alive. One instance per thread; an instance is not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "support/failure.h"

namespace multitier {

struct HttpOptions {
  long connect_timeout_ms = 2000;
  long timeout_ms = 10000;                    // whole transfer
  std::size_t max_body_bytes = 10u << 20;     // larger answers fail as FailureKind::oversize
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
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

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The path part of an absolute URL: "/v1/matrix/search" for "http://h:1/v1/matrix/search", "/"
// when there is none. Failure messages name the path rather than the whole URL.
std::string_view url_path(std::string_view url);

}  // namespace multitier
