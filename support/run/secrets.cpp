// Secret request headers: which values they carry, and those values redacted from any text.
#include <algorithm>
#include <cctype>

#include "multitier/run/options.h"

#include "multitier/common/text.h"

namespace multitier {
std::vector<std::string> secret_values(const Options& options) {
  std::vector<std::string> secrets;
  for (const std::string& header : options.headers) {
    const auto colon = header.find(':');
    const std::string name = lower(header.substr(0, colon));
    const bool secret = name == "authorization" || name == "proxy-authorization" ||
                        std::find(options.secret_headers.begin(), options.secret_headers.end(),
                                  name) != options.secret_headers.end();
    if (!secret) continue;
    const std::string value = trim(header.substr(colon + 1));
    if (value.empty()) continue;
    secrets.push_back(value);
    // "Bearer abc": a gateway may echo the credential alone.
    if (const auto space = value.find(' ');
        space != std::string::npos && !trim(value.substr(space)).empty()) {
      secrets.push_back(trim(value.substr(space)));
    }
  }
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return secrets;
}

std::string redact(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 10)) {
      text.replace(at, secret.size(), "[redacted]");
    }
  }
  return text;
}

std::vector<std::string> shown_headers(const Options& options) {
  const auto secrets = secret_values(options);
  std::vector<std::string> shown;
  for (const std::string& header : options.headers) shown.push_back(redact(header, secrets));
  return shown;
}

}  // namespace multitier
