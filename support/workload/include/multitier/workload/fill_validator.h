// The fill proposal validator. The rules every validator keeps are in validation.h.
#pragma once

#include <rapidjson/document.h>

#include "multitier/workload/validation.h"
#include "multitier/workload/worker_lookup.h"

namespace multitier {

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

}  // namespace multitier
