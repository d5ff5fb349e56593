// In-process validators for the artifacts a coordinator workflow produces: an email or SMS
// draft to a client, and a fill proposal. They run inside the harness, as the Go harness ran
// internal/validator; they never touch the network. Validators are immutable after
// construction and safe to call from many threads at once.
//
// Rules (each one is unit-tested both ways in tests/unit/validators_test.cpp):
//   (written out in full by the implementation; see the comment block below each class)
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

namespace multitier {

struct WorkerRecord {
  std::string candidate_id;
  std::string name;
  std::string status;  // "active", "inactive", "placed"
  std::optional<std::string> city;
  std::optional<std::string> state;
  std::optional<std::string> role;
};

class WorkerLookup {
 public:
  virtual ~WorkerLookup() = default;
  // The worker with this id, or nullptr. The pointer stays valid for the lookup's lifetime.
  virtual const WorkerRecord* find(std::string_view candidate_id) const = 0;
  virtual std::size_t size() const = 0;
};

class InMemoryWorkerLookup final : public WorkerLookup {
 public:
  explicit InMemoryWorkerLookup(std::vector<WorkerRecord> workers);
  const WorkerRecord* find(std::string_view candidate_id) const override;
  std::size_t size() const override;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

// Loads a corpus JSON Lines file (one worker per line: id, name, status, city, state, role, ...)
// as a lookup keyed by "id". Throws std::runtime_error naming the file and line on bad input.
std::unique_ptr<InMemoryWorkerLookup> load_worker_lookup_jsonl(const std::string& path);

enum class ValidationCategory { pass, fail_schema, fail_policy, fail_consistency };
std::string_view to_string(ValidationCategory category);  // "pass", "fail-schema", ...

struct ValidationOutcome {
  ValidationCategory category = ValidationCategory::pass;
  std::string reason;  // empty on pass
  bool ok() const { return category == ValidationCategory::pass; }
};

// Validates an outreach draft: {"to","subject","body","kind"?,"_context":{"candidate_id"}}.
// kind "email" (default) or "sms".
class EmailValidator {
 public:
  explicit EmailValidator(const WorkerLookup& lookup) : lookup_(lookup) {}
  ValidationOutcome validate(const rapidjson::Value& draft) const;

 private:
  const WorkerLookup& lookup_;
};

// Validates a fill proposal:
// {"_context":{"target_count","city","state","role"},"fills":[{"candidate_id","name"},...]}.
class FillValidator {
 public:
  explicit FillValidator(const WorkerLookup& lookup) : lookup_(lookup) {}
  ValidationOutcome validate(const rapidjson::Value& proposal) const;

 private:
  const WorkerLookup& lookup_;
};

// True when `text` holds something shaped like a US social security number (AAA-GG-SSSS,
// AAA GG SSSS) that is not part of a phone number. Exposed for tests.
bool contains_ssn_pattern(std::string_view text);

}  // namespace multitier
