#include "multitier/workload/fill_validator.h"

#include <array>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "validator_support.h"

namespace multitier {

using namespace validator_support;

namespace {

std::string fill_label(std::size_t index, const char* key) {
  return "fills[" + std::to_string(index) + "]." + key;
}

// The first pair of equal candidate ids among the fills, as the later index, or nullopt.
std::optional<std::size_t> first_duplicate(const Value& fills) {
  const auto id_at = [&](std::size_t i) {
    return view(fills[static_cast<rapidjson::SizeType>(i)]["candidate_id"]);
  };
  const std::size_t n = fills.Size();
  // Proposals are small: pairwise comparison avoids allocating on the pass path.
  if (n <= 64) {
    for (std::size_t i = 1; i < n; ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (id_at(i) == id_at(j)) return i;
      }
    }
    return std::nullopt;
  }
  std::unordered_map<std::string_view, std::size_t> seen;
  seen.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!seen.emplace(id_at(i), i).second) return i;
  }
  return std::nullopt;
}

struct Mismatch {
  const char* key;
  std::string_view recorded;
};

// The first attribute of `worker` that disagrees with the proposal's context, if any.
std::optional<Mismatch> mismatched_attribute(const WorkerRecord& worker, const Value& context) {
  const std::array<std::pair<const char*, const std::optional<std::string>*>, 3> attributes{
      {{"city", &worker.city}, {"state", &worker.state}, {"role", &worker.role}}};
  for (const auto& [key, recorded] : attributes) {
    if (recorded->has_value() && **recorded != view(context[key])) return Mismatch{key, **recorded};
  }
  return std::nullopt;
}

}  // namespace

ValidationOutcome FillValidator::validate(const Value& proposal) const {
  if (!proposal.IsObject()) return schema("proposal: not an object");
  const Value* context = member(proposal, "_context");
  if (context == nullptr || !context->IsObject()) {
    return schema("_context: missing or not an object");
  }
  const Value* target = member(*context, "target_count");
  if (target == nullptr || !target->IsNumber()) {
    return schema("_context.target_count: missing or not a number");
  }
  const double target_value = target->GetDouble();
  if (!(target_value >= 1 && target_value <= kMaxTargetCount) ||
      std::floor(target_value) != target_value) {
    return schema("_context.target_count: not a whole number in [1, " +
                  std::to_string(kMaxTargetCount) + "]");
  }
  for (const char* key : {"city", "state", "role"}) {
    if (string_member(*context, key) == nullptr) {
      return schema(std::string("_context.") + key + ": missing or not a string");
    }
  }
  const Value* fills = member(proposal, "fills");
  if (fills == nullptr || !fills->IsArray()) return schema("fills: missing or not an array");
  for (rapidjson::SizeType i = 0; i < fills->Size(); ++i) {
    const Value& fill = (*fills)[i];
    if (!fill.IsObject()) return schema("fills[" + std::to_string(i) + "]: not an object");
    const Value* id = string_member(fill, "candidate_id");
    if (id == nullptr || id->GetStringLength() == 0) {
      return schema(fill_label(i, "candidate_id") + ": missing, empty or not a string");
    }
    if (string_member(fill, "name") == nullptr) {
      return schema(fill_label(i, "name") + ": missing or not a string");
    }
  }

  const auto target_count = static_cast<std::size_t>(target_value);
  if (fills->Size() != target_count) {
    return policy("fills: " + std::to_string(fills->Size()) + " fills for target_count " +
                  std::to_string(target_count));
  }
  if (const auto dup = first_duplicate(*fills)) {
    return policy(fill_label(*dup, "candidate_id") + " " +
                  quoted(view((*fills)[static_cast<rapidjson::SizeType>(*dup)]["candidate_id"])) +
                  ": proposed twice");
  }

  for (rapidjson::SizeType i = 0; i < fills->Size(); ++i) {
    const Value& fill = (*fills)[i];
    const std::string_view id = view(fill["candidate_id"]);
    const WorkerRecord* worker = lookup_.find(id);
    if (worker == nullptr) {
      return consistency(fill_label(i, "candidate_id") + " " + quoted(id) + ": unknown");
    }
    if (worker->status != "active") {
      return consistency(fill_label(i, "candidate_id") + " " + quoted(id) + ": " + worker->status +
                         ", not active");
    }
    if (view(fill["name"]) != worker->name) {
      return consistency(fill_label(i, "name") + " " + quoted(view(fill["name"])) +
                         ": recorded as " + quoted(worker->name));
    }
    if (const auto mismatch = mismatched_attribute(*worker, *context)) {
      return consistency(fill_label(i, "candidate_id") + " " + quoted(id) + ": recorded " +
                         mismatch->key + " " + quoted(mismatch->recorded) + ", context has " +
                         quoted(view((*context)[mismatch->key])));
    }
  }
  return {};
}

}  // namespace multitier
