// Where the suite may send load: the gateway URL resolved and checked (loopback, plain HTTP).
#include <cctype>
#include <fstream>
#include <stdexcept>

#include "multitier/run/options.h"

#include "multitier/common/text.h"

namespace multitier {
std::string resolve_gateway(const Options& options) {
  if (options.gateway_given || options.gateway_url_file.empty()) return options.gateway;
  std::ifstream in(options.gateway_url_file);
  std::string url;
  if (!in || !std::getline(in, url) || trim(url).empty()) {
    throw std::runtime_error("cannot read a gateway URL from " + options.gateway_url_file);
  }
  return trim(url);
}

std::optional<HttpAuthority> http_authority(std::string_view url) {
  if (!url.starts_with("http://")) return std::nullopt;
  std::string_view authority = url.substr(7);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  HttpAuthority out;
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      out.colon = true;
      out.port = authority.substr(close + 2);
    }
    out.host = authority.substr(0, close + 1);
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    out.colon = true;
    out.port = authority.substr(colon + 1);
    out.host = authority.substr(0, colon);
  } else {
    out.host = authority;
  }
  return out;
}

bool is_loopback_url(std::string_view url) {
  const auto authority = http_authority(url);
  if (!authority) return false;
  const std::string_view host = authority->host;
  if (host.starts_with("[")) return host == "[::1]";
  if (host == "localhost") return true;
  // 127.0.0.0/8: four decimal octets, the first 127.
  if (!host.starts_with("127.")) return false;
  int dots = 0, digits = 0;
  for (char ch : host) {
    if (ch == '.') {
      if (digits == 0 || digits > 3) return false;
      ++dots;
      digits = 0;
    } else if (ch >= '0' && ch <= '9') {
      ++digits;
    } else {
      return false;
    }
  }
  return dots == 3 && digits > 0 && digits <= 3;
}

std::string target_problem(std::string_view url, bool allow_remote) {
  // Appended piece by piece: GCC 12 reports a false -Wrestrict on `const char* + std::string&&`
  // at -O3.
  std::string quoted = "'";
  quoted += url;
  quoted += "'";
  if (url.starts_with("https://")) {
    return "https is not supported: " + quoted +
           " (the suite speaks plain HTTP to a gateway on this machine, http://127.0.0.1:PORT)";
  }
  if (!url.starts_with("http://"))
    return "not an http:// URL: " + quoted + " (e.g. http://127.0.0.1:4110)";
  const auto parts = http_authority(url);
  if (!parts) return "malformed host in " + quoted;
  const std::string_view authority = parts->host;
  const std::string_view port = parts->port;
  if (parts->colon && port.empty() && !authority.starts_with("[")) {
    return "missing port after ':' in " + quoted;
  }
  if (authority.empty()) return "no host in " + quoted + " (e.g. http://127.0.0.1:4110)";
  if (!port.empty()) {
    const auto number = to_number<int>(port);
    if (!number || *number < 1 || *number > 65535) {
      return "bad port '" + std::string(port) + "' in " + quoted + " (1..65535)";
    }
  }
  if (!allow_remote && !is_loopback_url(url)) {
    return "refusing to send load to " + quoted +
           ": the suite targets loopback gateways only (http://127.0.0.1:PORT, "
           "http://localhost:PORT, http://[::1]:PORT) unless --allow-remote is given";
  }
  return {};
}

}  // namespace multitier
