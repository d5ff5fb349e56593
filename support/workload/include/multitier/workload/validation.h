// What a validator answers, and the rules every validator here keeps.
//
// Validators check, in-process, the artifacts a coordinator workflow produces (email_validator.h,
// fill_validator.h), as the Go harness ran internal/validator; they never touch the network.
// They are immutable after construction and safe to call from many threads at once; on the pass
// path they allocate nothing (they run thousands of times a second in the stress mix).
//
// Every rule of a validator is unit-tested both ways in tests/unit/validators_test.cpp. Checks
// run in the order listed and the first broken rule is reported; all schema rules of an
// artifact come before its policy rules, which come before its consistency rules. Members not
// named by a rule are ignored, as the Go maps ignored them. Strings are compared byte for byte
// (case-sensitive).
#pragma once

#include <string>
#include <string_view>

namespace multitier {

enum class ValidationCategory { pass, fail_schema, fail_policy, fail_consistency };
std::string_view to_string(ValidationCategory category);  // "pass", "fail-schema", ...

struct ValidationOutcome {
  ValidationCategory category = ValidationCategory::pass;
  std::string reason;  // empty on pass; on failure names the member, e.g. "fills[1].name: ..."
  bool ok() const { return category == ValidationCategory::pass; }
};

}  // namespace multitier
