#include "multitier/net/http_client.h"

#include <curl/curl.h>

#include <sys/socket.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <string>

namespace multitier {
namespace {

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw std::runtime_error("curl_global_init failed");
    }
  });
}

FailureKind classify(CURLcode code, bool over_cap, bool resend_refused) {
  if (resend_refused) return FailureKind::transport;
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return FailureKind::connect;
    case CURLE_OPERATION_TIMEDOUT:
      return FailureKind::timeout;
    case CURLE_FILESIZE_EXCEEDED:
      return FailureKind::oversize;
    case CURLE_WRITE_ERROR:
      return over_cap ? FailureKind::oversize : FailureKind::transport;
    default:
      return FailureKind::transport;
  }
}

}  // namespace

std::string_view url_path(std::string_view url) {
  std::size_t scheme_end = url.find("://");
  std::size_t host_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  std::size_t path_start = url.find('/', host_start);
  return path_start == std::string_view::npos ? std::string_view("/") : url.substr(path_start);
}

struct HttpClient::Impl {
  HttpOptions options;
  CURL* curl = nullptr;
  curl_slist* headers = nullptr;
  char error_text[CURL_ERROR_SIZE] = {};
  std::string* sink = nullptr;  // the body of the request in flight
  bool over_cap = false;
  std::string url;  // last URL and method set on the handle, to skip redundant setopts
  std::string method;
  TransferLoop* loop = nullptr;  // null: exchanges are performed on the spot
  TransferLoop::Waiter waiter;   // the coroutine parked on the transfer in flight
  bool in_flight = false;        // the handle is lent to the loop
  // Times the request of the transfer in flight went out, counted by the pre-request callback,
  // and whether a second sending was refused (see the header: requests are sent once).
  int sends = 0;
  bool resend_refused = false;

  // libcurl calls this each time a connection is ready and the request is about to be written:
  // once per transfer, and again when it retries on another connection.
  static int on_prerequest(void* user, char*, char*, int, int) {
    auto* self = static_cast<Impl*>(user);
    if (self->sends++ == 0) return CURL_PREREQFUNC_OK;
    self->resend_refused = true;
    return CURL_PREREQFUNC_ABORT;
  }

  // A retry first opens a fresh connection: refusing its socket keeps a request that already
  // left from being sent again, and from being reported as a refused connection when the
  // gateway is gone.
  static curl_socket_t on_open_socket(void* user, curlsocktype, curl_sockaddr* address) {
    auto* self = static_cast<Impl*>(user);
    if (self->sends > 0) {
      self->resend_refused = true;
      return CURL_SOCKET_BAD;
    }
    return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* self = static_cast<Impl*>(user);
    std::size_t bytes = size * count;
    if (self->sink->size() + bytes > self->options.max_body_bytes) {
      self->over_cap = true;
      return 0;  // anything but `bytes` makes curl abort with CURLE_WRITE_ERROR
    }
    self->sink->append(data, bytes);
    return bytes;
  }

  Impl(HttpOptions opts, TransferLoop* transfer_loop)
      : options(std::move(opts)), loop(transfer_loop) {
    global_init_once();
    curl = curl_easy_init();
    if (curl == nullptr) throw std::runtime_error("curl_easy_init failed");
    // "Expect:" with no value stops curl from sending Expect: 100-continue on large bodies.
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");
    for (const std::string& header : options.headers)
      headers = curl_slist_append(headers, header.c_str());
    if (headers == nullptr) throw std::runtime_error("curl_slist_append failed");

    // NOSIGNAL: no SIGALRM handler installed around each transfer (costly, unsafe in threads).
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, options.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Impl::on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, this);
    // Rejects a declared Content-Length over the cap before any byte is read.
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                     static_cast<curl_off_t>(options.max_body_bytes));
    // The suite measures the gateway itself: never route through a proxy from the environment.
    curl_easy_setopt(curl, CURLOPT_PROXY, "");
    curl_easy_setopt(curl, CURLOPT_PREREQFUNCTION, &Impl::on_prerequest);
    curl_easy_setopt(curl, CURLOPT_PREREQDATA, this);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, &Impl::on_open_socket);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, this);
  }

  ~Impl() {
    if (in_flight) loop->abandon(curl);
    curl_easy_cleanup(curl);
    curl_slist_free_all(headers);
  }

  void set_target(std::string_view new_method, const std::string& new_url, std::string_view body) {
    if (new_url != url) {
      url = new_url;
      curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    }
    if (new_method == "GET" && body.empty()) {
      curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
      // Never null: a null POSTFIELDS makes curl read the body from its read callback (stdin).
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.empty() ? "" : body.data());
    }
    if (new_method != method) {
      method = new_method;
      bool standard = method == "GET" || method == "POST";
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, standard ? nullptr : method.c_str());
    }
  }

  void prepare(std::string_view new_method, const std::string& new_url, std::string_view body,
               HttpResponse& out);
  Failure finish(CURLcode code, const std::string& target, HttpResponse& out);

  Failure failure(FailureKind kind, std::string_view what, const std::string& target) const {
    std::string message = method;
    message += ' ';
    message += url_path(target);
    message += ": ";
    message += what;
    return {kind, std::move(message)};
  }
};

HttpClient::HttpClient(HttpOptions options, TransferLoop* loop)
    : impl_(std::make_unique<Impl>(options, loop)) {}

HttpClient::~HttpClient() = default;

void HttpClient::Impl::prepare(std::string_view new_method, const std::string& new_url,
                               std::string_view body, HttpResponse& out) {
  set_target(new_method, new_url, body);
  out.status = 0;
  out.body.clear();
  out.body.reserve(std::min<std::size_t>(options.max_body_bytes, 16 * 1024));
  sink = &out.body;
  over_cap = false;
  sends = 0;
  resend_refused = false;
  error_text[0] = '\0';
}

Failure HttpClient::Impl::finish(CURLcode code, const std::string& target, HttpResponse& out) {
  sink = nullptr;
  if (code != CURLE_OK) {
    FailureKind kind = classify(code, over_cap, resend_refused);
    if (kind == FailureKind::oversize) {
      return failure(
          kind, "body exceeds the " + std::to_string(options.max_body_bytes) + "-byte cap", target);
    }
    std::string what;
    if (resend_refused) {
      what = "reset after send: the connection closed before any answer byte; not sent again";
    } else {
      if (code == CURLE_GOT_NOTHING || code == CURLE_RECV_ERROR) what = "reset after send: ";
      what += error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
    }
    what += " (curl ";
    what += std::to_string(static_cast<int>(code));
    what += ')';
    return failure(kind, what, target);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
  return Failure::ok();
}

Failure HttpClient::request(std::string_view method, const std::string& url, std::string_view body,
                            HttpResponse& out) {
  impl_->prepare(method, url, body, out);
  return impl_->finish(curl_easy_perform(impl_->curl), url, out);
}

HttpClient::Exchange HttpClient::send(std::string_view method, const std::string& url,
                                      std::string_view body, HttpResponse& out) {
  impl_->prepare(method, url, body, out);
  return Exchange(*impl_, url, out);
}

bool HttpClient::Exchange::await_ready() {
  if (impl_.loop != nullptr) return false;
  failure_ = impl_.finish(curl_easy_perform(impl_.curl), url_, out_);
  performed_ = true;
  return true;
}

bool HttpClient::Exchange::await_suspend(std::coroutine_handle<> awaiter) {
  impl_.waiter.resume = awaiter;
  if (impl_.loop->start(impl_.curl, impl_.waiter)) {
    impl_.in_flight = true;
    return true;
  }
  impl_.sink = nullptr;
  failure_ = impl_.failure(FailureKind::transport, "curl_multi_add_handle failed", url_);
  performed_ = true;
  return false;
}

Failure HttpClient::Exchange::await_resume() {
  if (performed_) return std::move(failure_);
  impl_.in_flight = false;
  return impl_.finish(impl_.waiter.result, url_, out_);
}

}  // namespace multitier
