// In-process validators for the artifacts a coordinator workflow produces: an email or SMS
// draft to a client, and a fill proposal. They run inside the harness, as the Go harness ran
// internal/validator; they never touch the network. Validators are immutable after
// construction and safe to call from many threads at once; on the pass path they allocate
// nothing (they run thousands of times a second in the stress mix).
//
// Every rule below is unit-tested both ways in tests/unit/validators_test.cpp. Checks run in
// the order listed and the first broken rule is reported; all schema rules of an artifact come
// before its policy rules, which come before its consistency rules. Members not named here are
// ignored, as the Go maps ignored them. Strings are compared byte for byte (case-sensitive).
#pragma once

#include <cstddef>
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

// Hash map by candidate_id. Throws std::invalid_argument naming the id when two workers share
// one. Copies share the (immutable) table, so a copy's pointers stay valid as long as any copy
// lives.
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
// as a lookup keyed by "id". "id", "name" and "status" are required strings ("id" non-empty);
// "city", "state" and "role" are optional strings (null counts as absent); other members are
// ignored; blank lines are skipped. Throws std::runtime_error naming "file:line" on a line that
// is not such an object or repeats an earlier id, and naming the file when it cannot be read.
std::unique_ptr<InMemoryWorkerLookup> load_worker_lookup_jsonl(const std::string& path);

enum class ValidationCategory { pass, fail_schema, fail_policy, fail_consistency };
std::string_view to_string(ValidationCategory category);  // "pass", "fail-schema", ...

struct ValidationOutcome {
  ValidationCategory category = ValidationCategory::pass;
  std::string reason;  // empty on pass; on failure names the member, e.g. "fills[1].name: ..."
  bool ok() const { return category == ValidationCategory::pass; }
};

// Validates an outreach draft: {"to","subject","body","kind"?,"_context":{"candidate_id"}}.
// kind "email" (default) or "sms". Lengths count UTF-8 code points.
//
// fail-schema
//   E1. The draft is a JSON object.
//   E2. "kind" is absent, "email" or "sms".
//   E3. "to" and "body" are strings; "subject" is a string for email, and for sms is either
//       absent or a string (an SMS has no subject line: it is otherwise ignored).
//   E4. "_context" is an object whose "candidate_id" is a non-empty string.
//   E5. Email "to" is a bare address (see looks_like_email_address); sms "to" is a phone
//       number (see looks_like_phone_number). A bad address is a malformed field, not a
//       policy matter, hence fail-schema.
//   E6. "body" (and the email "subject") are valid UTF-8.
// fail-policy
//   E7. "body" is not empty or only whitespace; neither is the email "subject".
//   E8. "body" has at most 160 code points for sms, 10,000 for email; the email "subject" at
//       most 200.
//   E9. Neither "body" nor the email "subject" contains an SSN-shaped number
//       (contains_ssn_pattern); phone numbers are fine.
// fail-consistency
//   E10. The candidate exists in the lookup and its status is "active".
//   E11. "body", and the email "subject", mention the candidate's recorded name, which is not
//        empty, as a whole word: not directly preceded or followed by an ASCII letter or digit,
//        so "Worker 01" is not found inside "Worker 012".
class EmailValidator {
 public:
  static constexpr std::size_t kMaxSmsBody = 160;
  static constexpr std::size_t kMaxEmailBody = 10'000;
  static constexpr std::size_t kMaxEmailSubject = 200;

  explicit EmailValidator(const WorkerLookup& lookup) : lookup_(lookup) {}
  ValidationOutcome validate(const rapidjson::Value& draft) const;

 private:
  const WorkerLookup& lookup_;
};

// Validates a fill proposal:
// {"_context":{"target_count","city","state","role"},"fills":[{"candidate_id","name"},...]}.
//
// fail-schema
//   F1. The proposal is a JSON object.
//   F2. "_context" is an object; "target_count" is a number holding a whole value in
//       [1, kMaxTargetCount] (2 and 2.0 both count); "city", "state" and "role" are strings.
//   F3. "fills" is an array; each element is an object whose "candidate_id" is a non-empty
//       string and whose "name" is a string.
// fail-policy
//   F4. The number of fills equals target_count.
//   F5. No candidate_id appears twice.
// fail-consistency (per fill, in order)
//   F6. The candidate exists in the lookup and its status is "active".
//   F7. "name" equals the recorded name.
//   F8. The recorded city, state and role, each where the record has one, equal the context's.
class FillValidator {
 public:
  static constexpr int kMaxTargetCount = 10'000;

  explicit FillValidator(const WorkerLookup& lookup) : lookup_(lookup) {}
  ValidationOutcome validate(const rapidjson::Value& proposal) const;

 private:
  const WorkerLookup& lookup_;
};

// True when `text` holds something shaped like a US social security number that is not part of
// a longer number such as a phone number. Flags three digit groups of 3, 2 and 4 digits joined
// by the same separator, '-' or ' ' ("123-45-6789", "123 45 6789"), where the match
// - is not directly preceded or followed by a digit (no longer digit runs: "1234-56-7890"),
// - is not preceded by '+' (international numbers),
// - does not chain on to more digit groups: the character before (after) it is not its own
//   separator with a digit on the far side ("1 123 45 6789", "123-45-6789-01").
// Never flags bare nine-digit runs or mixed separators ("123-45 6789"), and never a phone
// number in its common forms (their groups are 3-3-4). Linear scan, no allocation.
bool contains_ssn_pattern(std::string_view text);

// True for a bare address local@domain: one '@'; a local part of 1 to 64 printable ASCII
// characters without spaces or any of "()<>[]:;,\\\"@"; a domain of at least two dot-separated
// labels of ASCII letters, digits and '-' (no label empty, none starting or ending with '-',
// the last at least two letters); at most 254 characters in all.
bool looks_like_email_address(std::string_view text);

// True for E.164 ("+" then 7 to 15 digits, the first not 0) and the common US forms: ten digits
// as "5551234567", "555-123-4567", "555.123.4567", "555 123 4567", "(555) 123-4567" or
// "(555)123-4567", optionally led by "1" or "+1" and one optional separator ("1-555-123-4567",
// "+1 555 123 4567"). Separators between groups are each one of '-', '.', ' ', or none.
bool looks_like_phone_number(std::string_view text);

}  // namespace multitier
