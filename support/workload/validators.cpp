#include "multitier/workload/validators.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <unordered_map>

#include <rapidjson/error/en.h>

namespace multitier {
namespace {

using rapidjson::Value;

std::string_view view(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

const Value* member(const Value& object, const char* name) {
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

const Value* string_member(const Value& object, const char* name) {
  const Value* v = member(object, name);
  return v != nullptr && v->IsString() ? v : nullptr;
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

ValidationOutcome fail(ValidationCategory category, std::string reason) {
  return {category, std::move(reason)};
}
ValidationOutcome schema(std::string reason) {
  return fail(ValidationCategory::fail_schema, std::move(reason));
}
ValidationOutcome policy(std::string reason) {
  return fail(ValidationCategory::fail_policy, std::move(reason));
}
ValidationOutcome consistency(std::string reason) {
  return fail(ValidationCategory::fail_consistency, std::move(reason));
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool is_phone_separator(char c) { return c == '-' || c == '.' || c == ' '; }

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

std::size_t digit_run(std::string_view s, std::size_t i) {
  std::size_t n = 0;
  while (i + n < s.size() && is_digit(s[i + n])) ++n;
  return n;
}

// Code points in `s`, or nullopt when it is not valid UTF-8 (overlong forms, surrogates and
// values past U+10FFFF included).
std::optional<std::size_t> utf8_length(std::string_view s) {
  static constexpr std::array<std::uint32_t, 5> kMinForLength = {0, 0, 0x80, 0x800, 0x10000};
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t length = 1;
    std::uint32_t cp = lead;
    if (lead >= 0x80) {
      // The lead byte's high bits give the length: 110xxxxx, 1110xxxx or 11110xxx.
      length = (lead & 0xE0) == 0xC0   ? 2
               : (lead & 0xF0) == 0xE0 ? 3
               : (lead & 0xF8) == 0xF0 ? 4
                                       : 0;
      if (length == 0 || i + length > s.size()) return std::nullopt;
      cp = lead & (0x7Fu >> length);
      for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(s[i + k]);
        if ((next & 0xC0) != 0x80) return std::nullopt;
        cp = (cp << 6) | (next & 0x3F);
      }
      if (cp < kMinForLength[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return std::nullopt;
      }
    }
    i += length;
  }
  return count;
}

bool mentions_name(std::string_view text, std::string_view name) {
  for (auto pos = text.find(name); pos != std::string_view::npos; pos = text.find(name, pos + 1)) {
    const std::size_t end = pos + name.size();
    if ((pos == 0 || !is_alnum(text[pos - 1])) && (end == text.size() || !is_alnum(text[end]))) {
      return true;
    }
  }
  return false;
}

// Consumes exactly `count` digits at `i`.
bool take_digits(std::string_view s, std::size_t& i, std::size_t count) {
  for (std::size_t k = 0; k < count; ++k, ++i) {
    if (i >= s.size() || !is_digit(s[i])) return false;
  }
  return true;
}

void skip_separator(std::string_view s, std::size_t& i) {
  if (i < s.size() && is_phone_separator(s[i])) ++i;
}

bool is_e164(std::string_view s) {
  if (s.size() < 2 || s[0] != '+' || s[1] == '0') return false;
  const std::size_t digits = digit_run(s, 1);
  return digits == s.size() - 1 && digits >= 7 && digits <= 15;
}

// A ten-digit US number without country prefix: area code, exchange, line.
bool is_us_local(std::string_view s) {
  std::size_t i = 0;
  if (!s.empty() && s[0] == '(') {
    ++i;
    if (!take_digits(s, i, 3) || i >= s.size() || s[i] != ')') return false;
    ++i;
    if (i < s.size() && (s[i] == ' ' || s[i] == '-')) ++i;
  } else {
    if (!take_digits(s, i, 3)) return false;
    skip_separator(s, i);
  }
  if (!take_digits(s, i, 3)) return false;
  skip_separator(s, i);
  return take_digits(s, i, 4) && i == s.size();
}

bool is_domain(std::string_view domain) {
  std::size_t labels = 0;
  std::string_view last;
  while (true) {
    const auto dot = domain.find('.');
    const std::string_view label = domain.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    if (!std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; })) {
      return false;
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    domain.remove_prefix(dot + 1);
  }
  return labels >= 2 && last.size() >= 2 && std::all_of(last.begin(), last.end(), is_alpha);
}

}  // namespace

// ── Lookup ──────────────────────────────────────────────────────────────────────────────────

struct InMemoryWorkerLookup::Impl {
  std::vector<WorkerRecord> workers;
  // Keys view the ids inside `workers`, which never changes after construction.
  std::unordered_map<std::string_view, const WorkerRecord*> by_id;
};

InMemoryWorkerLookup::InMemoryWorkerLookup(std::vector<WorkerRecord> workers) {
  auto impl = std::make_shared<Impl>();
  impl->workers = std::move(workers);
  impl->by_id.reserve(impl->workers.size());
  for (const WorkerRecord& w : impl->workers) {
    if (!impl->by_id.emplace(w.candidate_id, &w).second) {
      throw std::invalid_argument("duplicate candidate_id " + quoted(w.candidate_id));
    }
  }
  impl_ = std::move(impl);
}

const WorkerRecord* InMemoryWorkerLookup::find(std::string_view candidate_id) const {
  const auto it = impl_->by_id.find(candidate_id);
  return it == impl_->by_id.end() ? nullptr : it->second;
}

std::size_t InMemoryWorkerLookup::size() const { return impl_->workers.size(); }

std::unique_ptr<InMemoryWorkerLookup> load_worker_lookup_jsonl(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::vector<WorkerRecord> workers;
  std::unordered_map<std::string, std::size_t> line_of_id;
  std::string line;
  for (std::size_t line_no = 1; std::getline(in, line); ++line_no) {
    if (is_blank(line)) continue;
    const auto bad = [&](const std::string& why) {
      return std::runtime_error(path + ":" + std::to_string(line_no) + ": " + why);
    };
    rapidjson::Document doc;
    doc.Parse(line.data(), line.size());
    if (doc.HasParseError()) {
      throw bad(std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()));
    }
    if (!doc.IsObject()) throw bad("not a JSON object");
    const auto required = [&](const char* key) {
      const Value* v = string_member(doc, key);
      if (v == nullptr) throw bad(std::string(key) + ": missing or not a string");
      return std::string(view(*v));
    };
    const auto optional = [&](const char* key) -> std::optional<std::string> {
      const Value* v = member(doc, key);
      if (v == nullptr || v->IsNull()) return std::nullopt;
      if (!v->IsString()) throw bad(std::string(key) + ": not a string");
      return std::string(view(*v));
    };
    WorkerRecord w{required("id"),   required("name"),  required("status"),
                   optional("city"), optional("state"), optional("role")};
    if (w.candidate_id.empty()) throw bad("id: empty");
    const auto [it, inserted] = line_of_id.emplace(w.candidate_id, line_no);
    if (!inserted) {
      throw bad("id " + quoted(w.candidate_id) + " repeats line " + std::to_string(it->second));
    }
    workers.push_back(std::move(w));
  }
  if (in.bad()) throw std::runtime_error(path + ": read error");
  return std::make_unique<InMemoryWorkerLookup>(std::move(workers));
}

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

// ── Text scanners ───────────────────────────────────────────────────────────────────────────

bool contains_ssn_pattern(std::string_view text) {
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n; ++i) {
    // Only the start of a digit run can start a match; skip the rest of the run.
    if (!is_digit(text[i])) continue;
    const std::size_t area = digit_run(text, i);
    const std::size_t start = i;
    i += area - 1;
    if (area != 3 || start + 3 >= n) continue;
    const char sep = text[start + 3];
    if (sep != '-' && sep != ' ') continue;
    if (digit_run(text, start + 4) != 2 || start + 6 >= n || text[start + 6] != sep) continue;
    if (digit_run(text, start + 7) != 4) continue;
    const std::size_t end = start + 11;
    const bool chained_before =
        start > 0 && (text[start - 1] == '+' ||
                      (text[start - 1] == sep && start > 1 && is_digit(text[start - 2])));
    const bool chained_after = end + 1 < n && text[end] == sep && is_digit(text[end + 1]);
    if (!chained_before && !chained_after) return true;
  }
  return false;
}

bool looks_like_email_address(std::string_view text) {
  static constexpr std::string_view kForbiddenInLocal = "()<>[]:;,\\\"@";
  if (text.size() > 254) return false;
  const auto at = text.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  const std::string_view local = text.substr(0, at);
  const bool local_ok = std::all_of(local.begin(), local.end(), [](char c) {
    return c > ' ' && c < 0x7F && kForbiddenInLocal.find(c) == std::string_view::npos;
  });
  return local_ok && is_domain(text.substr(at + 1));
}

bool looks_like_phone_number(std::string_view text) {
  if (is_e164(text) || is_us_local(text)) return true;
  for (const std::string_view prefix : {std::string_view("+1"), std::string_view("1")}) {
    if (!text.starts_with(prefix)) continue;
    std::string_view rest = text.substr(prefix.size());
    if (!rest.empty() && is_phone_separator(rest.front())) rest.remove_prefix(1);
    if (is_us_local(rest)) return true;
  }
  return false;
}

// ── Email / SMS drafts ──────────────────────────────────────────────────────────────────────

namespace {

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
    const auto length = utf8_length(fields[f].text);
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

// ── Fill proposals ──────────────────────────────────────────────────────────────────────────

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
