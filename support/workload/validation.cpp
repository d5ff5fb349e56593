#include "multitier/workload/validation.h"

namespace multitier {

std::string_view to_string(ValidationCategory category) {
  switch (category) {
    case ValidationCategory::pass:
      return "pass";
    case ValidationCategory::fail_schema:
      return "fail-schema";
    case ValidationCategory::fail_policy:
      return "fail-policy";
    case ValidationCategory::fail_consistency:
      return "fail-consistency";
  }
  return "unknown";
}

}  // namespace multitier
