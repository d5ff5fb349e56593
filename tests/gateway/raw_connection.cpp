#include "tests/gateway/raw_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

namespace multitier::gateway::testing {
namespace {

constexpr int kReadTimeoutSeconds = 30;
constexpr std::size_t kMaxAnswerBytes = 64u << 20;

}  // namespace

RawConnection::RawConnection(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  timeval timeout{kReadTimeoutSeconds, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
  }
}

RawConnection::~RawConnection() { ::close(fd_); }

RawAnswer RawConnection::exchange(const std::string& method, const std::string& target,
                                  const std::string& body, const std::string& extra_headers) {
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!body.empty()) request += "Content-Type: application/json\r\n";
  request +=
      "Content-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
  for (std::size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return RawAnswer{0, {}, errno, false, 0};
    sent += static_cast<std::size_t>(n);
  }
  RawAnswer answer;
  std::string& in = pending_;
  answer.bytes = in.size();
  // Headers, then Content-Length bytes of body; every answer of the gateway carries the length.
  std::size_t header_end = std::string::npos;
  std::size_t need = std::string::npos;
  while (in.size() < kMaxAnswerBytes) {
    if (header_end == std::string::npos &&
        (header_end = in.find("\r\n\r\n")) != std::string::npos) {
      header_end += 4;
      answer.status = std::strtol(in.c_str() + in.find(' ') + 1, nullptr, 10);
      const auto at = in.find("Content-Length: ");
      need = header_end + (at < header_end ? std::strtoul(in.c_str() + at + 16, nullptr, 10) : 0);
    }
    if (need != std::string::npos && in.size() >= need) {
      answer.body = in.substr(header_end, need - header_end);
      in.erase(0, need);
      return answer;
    }
    char buffer[16384];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0) {
      answer.error = errno;
      break;
    }
    if (n == 0) {
      answer.closed = true;
      break;
    }
    in.append(buffer, static_cast<std::size_t>(n));
    answer.bytes += static_cast<std::size_t>(n);
  }
  answer.status = 0;
  return answer;
}

}  // namespace multitier::gateway::testing
