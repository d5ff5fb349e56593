// One plain TCP connection to a loopback gateway, for what libcurl hides: it would silently
// send a request again after a reused connection was reset. Every read is bounded by a
// receive timeout. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace multitier::gateway::testing {

struct RawAnswer {
  long status = 0;  // 0 when no complete answer came
  std::string body;
  int error = 0;          // errno of the failed read (ECONNRESET after an RST), 0 otherwise
  bool closed = false;    // the peer closed (FIN) before a complete answer
  std::size_t bytes = 0;  // answer bytes received in all
};

class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Sends one keep-alive request (Content-Length framed) and reads its answer.
  RawAnswer exchange(const std::string& method, const std::string& target,
                     const std::string& body = {}, const std::string& extra_headers = {});

 private:
  int fd_ = -1;
  std::string pending_;  // bytes read past the previous answer
};

}  // namespace multitier::gateway::testing
