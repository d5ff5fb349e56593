// The email and SMS draft validator. The rules every validator keeps are in validation.h.
#pragma once

#include <cstddef>

#include <rapidjson/document.h>

#include "multitier/workload/validation.h"
#include "multitier/workload/worker_lookup.h"

namespace multitier {

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

}  // namespace multitier
