#include "multitier/core/failure.h"

namespace multitier {

std::string_view to_string(FailureKind kind) {
  switch (kind) {
    case FailureKind::none:
      return "none";
    case FailureKind::connect:
      return "connect";
    case FailureKind::timeout:
      return "timeout";
    case FailureKind::transport:
      return "transport";
    case FailureKind::http_status:
      return "http_status";
    case FailureKind::bad_json:
      return "bad_json";
    case FailureKind::oversize:
      return "oversize";
    case FailureKind::contract:
      return "contract";
    case FailureKind::validator:
      return "validator";
  }
  return "unknown";
}

}  // namespace multitier
