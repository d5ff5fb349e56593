// Failure categories shared by the HTTP layer, the gateway client, the scenarios and the
// registry. The set is fixed so reports can count and compare them across runs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace multitier {

enum class FailureKind : std::uint8_t {
  none,
  connect,      // could not connect (refused, unreachable, DNS)
  timeout,      // connect or total timeout expired
  transport,    // other transfer errors: reset mid-answer, short body, protocol error
  http_status,  // the gateway answered with a status other than the one expected
  bad_json,     // the body is not the JSON document the contract promises
  oversize,     // the body exceeded the client's size cap; the rest was discarded
  contract,     // well-formed answer that breaks a contract rule (k bound, excluded id, order...)
  validator,    // an in-process validator rejected the artifact
};
inline constexpr int kFailureKindCount = 9;

// Stable snake_case name ("connect", "http_status", ...), used in every report.
std::string_view to_string(FailureKind kind);

// What went wrong, or kind == none. message is short (one line, at most ~300 bytes) and, for
// HTTP answers, names the status and the first bytes of the body.
struct Failure {
  FailureKind kind = FailureKind::none;
  std::string message;

  explicit operator bool() const { return kind != FailureKind::none; }
  static Failure ok() { return {}; }
};

}  // namespace multitier
