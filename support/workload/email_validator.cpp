#include "multitier/workload/email_validator.h"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "multitier/common/utf8.h"
#include "multitier/workload/text_scanners.h"
#include "validator_support.h"

namespace multitier {

using namespace validator_support;

namespace {

bool mentions_name(std::string_view text, std::string_view name) {
  for (auto pos = text.find(name); pos != std::string_view::npos; pos = text.find(name, pos + 1)) {
    const std::size_t end = pos + name.size();
    if ((pos == 0 || !is_alnum(text[pos - 1])) && (end == text.size() || !is_alnum(text[end]))) {
      return true;
    }
  }
  return false;
}

// A free-text member of a draft and its code-point limit.
struct TextField {
  const char* label;
  std::string_view text;
  std::size_t max_code_points;
};

}  // namespace

ValidationOutcome EmailValidator::validate(const Value& draft) const {
  if (!draft.IsObject()) return schema("draft: not an object");
  bool sms = false;
  if (const Value* kind = member(draft, "kind")) {
    if (!kind->IsString()) return schema("kind: not a string");
    sms = view(*kind) == "sms";
    if (!sms && view(*kind) != "email") {
      return schema("kind: " + quoted(view(*kind)) + " is neither email nor sms");
    }
  }
  const Value* to = string_member(draft, "to");
  if (to == nullptr) return schema("to: missing or not a string");
  const Value* body = string_member(draft, "body");
  if (body == nullptr) return schema("body: missing or not a string");
  const Value* subject = member(draft, "subject");
  if (subject != nullptr && !subject->IsString()) return schema("subject: not a string");
  if (subject == nullptr && !sms) return schema("subject: missing, required for email");
  const Value* context = member(draft, "_context");
  if (context == nullptr || !context->IsObject()) {
    return schema("_context: missing or not an object");
  }
  const Value* id = string_member(*context, "candidate_id");
  if (id == nullptr || id->GetStringLength() == 0) {
    return schema("_context.candidate_id: missing, empty or not a string");
  }
  if (sms ? !looks_like_phone_number(view(*to)) : !looks_like_email_address(view(*to))) {
    return schema("to: " + quoted(view(*to)) +
                  (sms ? " is not a phone number" : " is not an email address"));
  }

  std::array<TextField, 2> fields{};
  std::size_t field_count = 0;
  fields[field_count++] = {"body", view(*body), sms ? kMaxSmsBody : kMaxEmailBody};
  if (!sms) fields[field_count++] = {"subject", view(*subject), kMaxEmailSubject};
  std::array<std::size_t, 2> lengths{};
  for (std::size_t f = 0; f < field_count; ++f) {
    const auto length = utf8::length(fields[f].text);
    if (!length) return schema(std::string(fields[f].label) + ": not valid UTF-8");
    lengths[f] = *length;
  }

  for (std::size_t f = 0; f < field_count; ++f) {
    const TextField& field = fields[f];
    if (is_blank(field.text)) return policy(std::string(field.label) + ": empty");
    if (lengths[f] > field.max_code_points) {
      return policy(std::string(field.label) + ": " + std::to_string(lengths[f]) +
                    " characters, limit " + std::to_string(field.max_code_points));
    }
    if (contains_ssn_pattern(field.text)) {
      return policy(std::string(field.label) + ": contains an SSN-shaped number");
    }
  }

  const WorkerRecord* worker = lookup_.find(view(*id));
  if (worker == nullptr) {
    return consistency("_context.candidate_id " + quoted(view(*id)) + ": unknown");
  }
  if (worker->status != "active") {
    return consistency("candidate " + quoted(worker->candidate_id) + " is " + worker->status +
                       ", not active");
  }
  if (worker->name.empty()) {
    return consistency("candidate " + quoted(worker->candidate_id) + " has no recorded name");
  }
  for (std::size_t f = 0; f < field_count; ++f) {
    if (!mentions_name(fields[f].text, worker->name)) {
      return consistency(std::string(fields[f].label) + ": does not mention " +
                         quoted(worker->name));
    }
  }
  return {};
}

}  // namespace multitier
