// A tiny loopback HTTP server for the unit tests: binds 127.0.0.1 on an ephemeral port, then
// answers each request it reads (head plus Content-Length body) with the next step of a script.
// It keeps a connection open across requests, so tests can observe keep-alive by counting
// accepts. Each accepted connection is served on its own thread, so a runner's VUs can be
// connected at once; requests on all connections consume the one script, in the order they
// arrive. Plain POSIX sockets; header-only, so it is not a test source of its own.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace multitier::unit {

struct ScriptStep {
  std::string response;      // raw bytes written back ("HTTP/1.1 200 OK\r\n...")
  int delay_ms = 0;          // wait this long before answering (interrupted by shutdown)
  bool close_after = false;  // close the connection after writing `response` (or instead of
                             // answering, when `response` is empty)
  bool reset = false;        // instead of answering, reset the connection (RST, SO_LINGER 0)
};

// A complete response with a Content-Length header.
inline std::string http_response(int status, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " Scripted\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

inline int loopback_socket(sockaddr_in& address) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("cannot bind a loopback socket");
  }
  return fd;
}

// A loopback port nobody listens on: bound, then closed (connecting to it is refused).
inline int closed_port() {
  sockaddr_in address;
  int fd = loopback_socket(address);
  ::close(fd);
  return ntohs(address.sin_port);
}

class ScriptedServer {
 public:
  // Each request consumes the next step; the last step repeats.
  explicit ScriptedServer(std::vector<ScriptStep> script) : script_(std::move(script)) {
    sockaddr_in address;
    listener_ = loopback_socket(address);
    port_ = ntohs(address.sin_port);
    // Listening before the thread starts: connections queue from here on, so no ready wait.
    // The backlog covers a runner's VUs connecting at once (a full queue drops SYNs, and the
    // client's retry would come a second later).
    if (::listen(listener_, 64) != 0) throw std::runtime_error("listen failed");
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int accepts() const { return accepts_; }
  // The raw requests read so far (head and body).
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  // Waits for `fd` to become readable, waking up regularly to notice shutdown.
  bool wait_readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    while (!stop_) {
      if (::poll(&p, 1, 20) > 0) return true;
    }
    return false;
  }

  // Reads one request into `request`; false when the peer closed or the server stops.
  bool read_request(int fd, std::string& pending, std::string& request) {
    std::size_t wanted = std::string::npos;
    char chunk[65536];
    while (true) {
      std::size_t head_end = pending.find("\r\n\r\n");
      if (head_end != std::string::npos && wanted == std::string::npos) {
        std::size_t at = pending.find("Content-Length: ");
        std::size_t body = at < head_end ? std::strtoul(pending.c_str() + at + 16, nullptr, 10) : 0;
        wanted = head_end + 4 + body;
      }
      if (pending.size() >= wanted) break;
      if (!wait_readable(fd)) return false;
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      pending.append(chunk, static_cast<std::size_t>(n));
    }
    request = pending.substr(0, wanted);
    pending.erase(0, wanted);
    return true;
  }

  void write_all(int fd, const std::string& bytes) {
    for (std::size_t sent = 0; sent < bytes.size() && !stop_;) {
      ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;  // the client gave up (timeout, size cap): nothing to do
      sent += static_cast<std::size_t>(n);
    }
  }

  void pause(int delay_ms) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms);
    while (!stop_ && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  void serve_connection(int fd) {
    std::string pending, request;
    while (read_request(fd, pending, request)) {
      std::size_t index;
      {
        // One lock for both, so requests()[i] is the request that consumed step i even when
        // several connections send at once.
        std::lock_guard lock(mutex_);
        requests_.push_back(std::move(request));
        index = std::min(next_step_++, script_.size() - 1);
      }
      const ScriptStep& step = script_[index];  // the script itself is never modified
      if (step.reset) {
        linger abort{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
        break;
      }
      pause(step.delay_ms);
      write_all(fd, step.response);
      if (step.close_after) break;
    }
  }

  struct Connection {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> ended;
  };

  // Connection threads end once their peer closes or stop_ is raised; only this thread
  // touches `connections`, and it joins them all before the destructor's join returns.
  void serve() {
    std::vector<Connection> connections;
    while (wait_readable(listener_)) {
      int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++accepts_;
      // Ended connections are joined here, so a test whose client reconnects often does not
      // pile up finished threads until the server ends.
      for (auto it = connections.begin(); it != connections.end();) {
        if (!*it->ended) {
          ++it;
          continue;
        }
        it->thread.join();
        it = connections.erase(it);
      }
      auto ended = std::make_shared<std::atomic<bool>>(false);
      std::thread thread([this, fd, ended] {
        serve_connection(fd);
        ::close(fd);
        *ended = true;
      });
      connections.push_back({std::move(thread), std::move(ended)});
    }
    for (Connection& connection : connections) connection.thread.join();
  }

  const std::vector<ScriptStep> script_;
  std::size_t next_step_ = 0;  // under mutex_
  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> accepts_{0};
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;  // under mutex_
  std::thread thread_;
};

}  // namespace multitier::unit
