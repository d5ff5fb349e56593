// The in-process validators: every documented rule (E1-E11 in email_validator.h, F1-F8 in
// fill_validator.h) both ways and the seed's drafts for the whole roster (scanners and lookups:
// their own files).
#include "multitier/workload/email_validator.h"
#include "multitier/workload/fill_validator.h"
#include "multitier/workload/worker_lookup.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "multitier/pools/pools.h"
#include "tests/unit/temp_path.h"

namespace multitier {
namespace {

using rapidjson::Document;
using rapidjson::Value;
using Edit = std::function<void(Document&)>;

constexpr auto kPass = ValidationCategory::pass;
constexpr auto kSchema = ValidationCategory::fail_schema;
constexpr auto kPolicy = ValidationCategory::fail_policy;
constexpr auto kConsistency = ValidationCategory::fail_consistency;

// Sets (or adds) member `key` of `object`: to `value`, to a string, or to a parsed JSON fragment.
void put(Document& doc, Value& object, const char* key, Value value) {
  if (auto it = object.FindMember(key); it != object.MemberEnd()) {
    it->value = value;
  } else {
    object.AddMember(Value(key, doc.GetAllocator()), value, doc.GetAllocator());
  }
}
void put(Document& doc, Value& object, const char* key, std::string_view text) {
  const auto length = static_cast<rapidjson::SizeType>(text.size());
  put(doc, object, key, Value(text.data(), length, doc.GetAllocator()));
}
void put_json(Document& doc, Value& object, const char* key, const std::string& json) {
  Document fragment(&doc.GetAllocator());
  fragment.Parse(json);
  Value value;
  value.Swap(fragment);
  put(doc, object, key, std::move(value));
}

// Edits of a seed artifact: set a top-level, "_context" or fill member, or remove one.
Edit set(const char* key, std::string text) {
  return [=](Document& d) { put(d, d, key, text); };
}
Edit set_json(const char* key, std::string json) {
  return [=](Document& d) { put_json(d, d, key, json); };
}
Edit ctx(const char* key, std::string text) {
  return [=](Document& d) { put(d, d["_context"], key, text); };
}
Edit ctx_json(const char* key, std::string json) {
  return [=](Document& d) { put_json(d, d["_context"], key, json); };
}
Edit drop(const char* key) {
  return [=](Document& d) { d.RemoveMember(key); };
}
Edit drop_ctx(const char* key) {
  return [=](Document& d) { d["_context"].RemoveMember(key); };
}
Edit fill(rapidjson::SizeType index, const char* key, std::string text) {
  return [=](Document& d) { put(d, d["fills"][index], key, text); };
}
Edit both(Edit first, Edit second) {
  return [=](Document& d) { first(d), second(d); };
}

Document seed_email(const WorkerRecord& w, std::string_view role = "Pickers") {
  Document d(rapidjson::kObjectType);
  put(d, d, "to", "client@example.com");
  put(d, d, "subject", "Worker available: " + w.name);
  put(d, d, "body",
      "Hi, " + w.name + " is available for the " + std::string(role) + " role tomorrow. Confirm?");
  put_json(d, d, "_context", R"({"candidate_id":")" + w.candidate_id + R"("})");
  return d;
}

Document seed_sms(const WorkerRecord& w, std::string_view role = "Pickers") {
  Document d(rapidjson::kObjectType);
  put(d, d, "to", "+15551234567");
  put(d, d, "body",
      w.name + " confirmed for " + std::string(role) +
          ". Reply STOP to cancel. Call 555-123-4567.");
  put(d, d, "kind", "sms");
  put_json(d, d, "_context", R"({"candidate_id":")" + w.candidate_id + R"("})");
  return d;
}

// The roster plus three special records the consistency rules need.
const InMemoryWorkerLookup& lookup() {
  static const InMemoryWorkerLookup instance([] {
    auto workers = pools::build_worker_pool();
    workers.push_back({"test-x-inactive", "Ina Active", "inactive", "Detroit", "MI", "Pickers"});
    workers.push_back({"test-x-noname", "", "active", {}, {}, {}});
    workers.push_back({"test-x-nomad", "Nomad Worker", "active", {}, {}, {}});
    return workers;
  }());
  return instance;
}

// "Worker 012 " padded with 'x' (or with `pad`, a whole code point) to `code_points`.
std::string name_padded_to(std::size_t code_points, std::string_view pad = "x") {
  std::string text = "Worker 012 ";
  for (std::size_t n = text.size(); n < code_points; ++n) text += pad;
  return text;
}

// ── Email / SMS rules ───────────────────────────────────────────────────────────────────────

constexpr bool kSms = true;
constexpr const char* kE = "\xC3\xA9";  // U+00E9, two bytes in UTF-8
constexpr bool kEmail = false;

struct DraftCase {
  const char* name;
  bool sms;  // edit the seed's SMS draft rather than its email draft
  Edit edit;
  ValidationCategory expected;
};

void PrintTo(const DraftCase& c, std::ostream* os) { *os << c.name; }

class EmailRule : public testing::TestWithParam<DraftCase> {};

TEST_P(EmailRule, GivesDocumentedCategory) {
  const DraftCase& c = GetParam();
  const WorkerRecord& worker = *lookup().find("test-w-012");
  Document draft = c.sms ? seed_sms(worker) : seed_email(worker);
  if (c.edit) c.edit(draft);
  const ValidationOutcome out = EmailValidator(lookup()).validate(draft);
  EXPECT_EQ(to_string(out.category), to_string(c.expected)) << out.reason;
  EXPECT_EQ(out.reason.empty(), out.ok()) << out.reason;
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(Drafts, EmailRule, testing::Values(
    DraftCase{"SeedEmail", kEmail, nullptr, kPass},
    DraftCase{"SeedSms", kSms, nullptr, kPass},
    DraftCase{"E1NotAnObject", kEmail, [](Document& d) { d.SetArray(); }, kSchema},
    DraftCase{"E2KindEmail", kEmail, set("kind", "email"), kPass},
    DraftCase{"E2KindFax", kEmail, set("kind", "fax"), kSchema},
    DraftCase{"E2KindNotString", kEmail, set_json("kind", "1"), kSchema},
    DraftCase{"E3ToMissing", kEmail, drop("to"), kSchema},
    DraftCase{"E3ToNotString", kSms, set_json("to", "15551234567"), kSchema},
    DraftCase{"E3BodyMissing", kSms, drop("body"), kSchema},
    DraftCase{"E3BodyNotString", kEmail, set_json("body", "null"), kSchema},
    DraftCase{"E3EmailSubjectMissing", kEmail, drop("subject"), kSchema},
    DraftCase{"E3EmailSubjectNotString", kEmail, set_json("subject", "true"), kSchema},
    DraftCase{"E3SmsSubjectIgnored", kSms, set("subject", ""), kPass},
    DraftCase{"E3SmsSubjectNotString", kSms, set_json("subject", "2"), kSchema},
    DraftCase{"E4ContextMissing", kEmail, drop("_context"), kSchema},
    DraftCase{"E4ContextNotObject", kEmail, set("_context", "test-w-012"), kSchema},
    DraftCase{"E4CandidateIdMissing", kEmail, drop_ctx("candidate_id"), kSchema},
    DraftCase{"E4CandidateIdEmpty", kSms, ctx("candidate_id", ""), kSchema},
    DraftCase{"E4CandidateIdNotString", kEmail, ctx_json("candidate_id", "12"), kSchema},
    DraftCase{"E5EmailToNotAddress", kEmail, set("to", "client at example.com"), kSchema},
    DraftCase{"E5EmailToPhone", kEmail, set("to", "+15551234567"), kSchema},
    DraftCase{"E5SmsToAddress", kSms, set("to", "client@example.com"), kSchema},
    DraftCase{"E5SmsToUsForm", kSms, set("to", "(555) 123-4567"), kPass},
    DraftCase{"E5SmsToTooShort", kSms, set("to", "555-1234"), kSchema},
    DraftCase{"E6BodyInvalidUtf8", kSms, set("body", "Worker 012 \xC3\x28"), kSchema},
    DraftCase{"E6SubjectOverlongUtf8", kEmail, set("subject", "Worker 012 \xC0\xAF"), kSchema},
    DraftCase{"E6Multibyte", kEmail, set("body", "Worker 012 \xC3\xA9 \xF0\x9F\x91\x8D"), kPass},
    DraftCase{"E7BodyEmpty", kSms, set("body", ""), kPolicy},
    DraftCase{"E7BodyWhitespace", kEmail, set("body", " \n\t "), kPolicy},
    DraftCase{"E7SubjectWhitespace", kEmail, set("subject", "  "), kPolicy},
    DraftCase{"E8SmsBodyAtLimit", kSms, set("body", name_padded_to(160)), kPass},
    DraftCase{"E8SmsBodyOverLimit", kSms, set("body", name_padded_to(161)), kPolicy},
    DraftCase{"E8SmsBodyCountsCodePoints", kSms, set("body", name_padded_to(160, kE)), kPass},
    DraftCase{"E8SmsBodyMultibyteOverLimit", kSms, set("body", name_padded_to(161, kE)), kPolicy},
    DraftCase{"E8EmailBodyAtLimit", kEmail, set("body", name_padded_to(10'000)), kPass},
    DraftCase{"E8EmailBodyOverLimit", kEmail, set("body", name_padded_to(10'001)), kPolicy},
    DraftCase{"E8SubjectAtLimit", kEmail, set("subject", name_padded_to(200)), kPass},
    DraftCase{"E8SubjectOverLimit", kEmail, set("subject", name_padded_to(201)), kPolicy},
    DraftCase{"E9BodySsnDashes", kEmail, set("body", "Worker 012, SSN 123-45-6789."), kPolicy},
    DraftCase{"E9SmsBodySsnSpaces", kSms, set("body", "Worker 012 ssn 123 45 6789"), kPolicy},
    DraftCase{"E9SubjectSsn", kEmail, set("subject", "Worker 012 123-45-6789"), kPolicy},
    DraftCase{"E9BodyPhoneForms", kEmail,
              set("body", "Worker 012: 555-123-4567, (555) 123-4567, +1 555 123 4567"),
              kPass},
    DraftCase{"E10UnknownCandidate", kEmail, ctx("candidate_id", "test-w-999"), kConsistency},
    DraftCase{"E10InactiveCandidate", kSms,
              both(ctx("candidate_id", "test-x-inactive"), set("body", "Ina Active")),
              kConsistency},
    DraftCase{"E11NoRecordedName", kSms, ctx("candidate_id", "test-x-noname"), kConsistency},
    DraftCase{"E11BodyMissingName", kSms, set("body", "Worker 013 confirmed."), kConsistency},
    DraftCase{"E11SubjectMissingName", kEmail, set("subject", "Worker available"), kConsistency},
    DraftCase{"E11NameInsideLongerNumber", kEmail, set("body", "Worker 0123 ok"), kConsistency},
    DraftCase{"E11NameInsideLongerWord", kSms, set("body", "XWorker 012 is here"), kConsistency},
    DraftCase{"E11NameCaseDiffers", kEmail, set("body", "worker 012 is free."), kConsistency},
    DraftCase{"E11NameBeforePunctuation", kSms, set("body", "Confirmed: Worker 012."), kPass}),
    [](const testing::TestParamInfo<DraftCase>& info) { return std::string(info.param.name); });
// clang-format on

TEST(EmailValidator, SeedDraftsPassForEveryRosterWorker) {
  const EmailValidator validator(lookup());
  for (const WorkerRecord& w : pools::build_worker_pool()) {
    for (const std::string_view role : pools::kRoles) {
      const ValidationOutcome email = validator.validate(seed_email(w, role));
      ASSERT_TRUE(email.ok()) << w.candidate_id << ": " << email.reason;
      const ValidationOutcome sms = validator.validate(seed_sms(w, role));
      ASSERT_TRUE(sms.ok()) << w.candidate_id << ": " << sms.reason;
    }
  }
}

TEST(EmailValidator, ReasonNamesTheMember) {
  Document d = seed_email(*lookup().find("test-w-012"));
  set("to", "nobody")(d);
  EXPECT_NE(EmailValidator(lookup()).validate(d).reason.find("to:"), std::string::npos);
}

// A lookup loaded from a corpus file serves the validators like the in-memory roster does.
TEST(EmailValidator, WorksOverALookupLoadedFromJsonl) {
  const auto path = unit::private_temp_path("validators", ".jsonl").string();
  std::ofstream(path)
      << R"({"id":"w-7","name":"Ann Lee","status":"active","city":"Flint","state":"MI",)"
      << R"("role":"Loaders"})"
      << "\n";
  const auto lookup = load_worker_lookup_jsonl(path);
  std::filesystem::remove(path);
  const WorkerRecord ann = *lookup->find("w-7");
  EXPECT_TRUE(EmailValidator(*lookup).validate(seed_email(ann)).ok());
  EXPECT_TRUE(EmailValidator(*lookup).validate(seed_sms(ann)).ok());
}

TEST(ValidationCategory, NamesAreStable) {
  EXPECT_EQ(to_string(kPass), "pass");
  EXPECT_EQ(to_string(kSchema), "fail-schema");
  EXPECT_EQ(to_string(kPolicy), "fail-policy");
  EXPECT_EQ(to_string(kConsistency), "fail-consistency");
}

// ── Fill rules ──────────────────────────────────────────────────────────────────────────────

// The seed's surge proposal for two workers (by default two Detroit MI Forklift Operators:
// roster indexes 0 and 35 share i % 35, hence city, state and role).
Document seed_fill(const WorkerRecord& a, const WorkerRecord& b) {
  Document d(rapidjson::kObjectType);
  put_json(d, d, "_context", R"({"target_count":2.0})");
  put(d, d["_context"], "city", *a.city);
  put(d, d["_context"], "state", *a.state);
  put(d, d["_context"], "role", *a.role);
  put_json(d, d, "fills", "[{},{}]");
  for (const auto& [index, w] : {std::pair{0u, &a}, std::pair{1u, &b}}) {
    fill(index, "candidate_id", w->candidate_id)(d);
    fill(index, "name", w->name)(d);
  }
  return d;
}
Document seed_fill() {
  return seed_fill(*lookup().find("test-w-000"), *lookup().find("test-w-035"));
}

struct FillCase {
  const char* name;
  Edit edit;
  ValidationCategory expected;
};

void PrintTo(const FillCase& c, std::ostream* os) { *os << c.name; }

class FillRule : public testing::TestWithParam<FillCase> {};

TEST_P(FillRule, GivesDocumentedCategory) {
  Document proposal = seed_fill();
  if (GetParam().edit) GetParam().edit(proposal);
  const ValidationOutcome out = FillValidator(lookup()).validate(proposal);
  EXPECT_EQ(to_string(out.category), to_string(GetParam().expected)) << out.reason;
  EXPECT_EQ(out.reason.empty(), out.ok()) << out.reason;
}

constexpr const char* kFill0 = R"({"candidate_id":"test-w-000","name":"Worker 000"})";

// clang-format off
INSTANTIATE_TEST_SUITE_P(Proposals, FillRule, testing::Values(
    FillCase{"SeedProposal", nullptr, kPass},
    FillCase{"F1NotAnObject", [](Document& d) { d.SetString("fills"); }, kSchema},
    FillCase{"F2ContextMissing", drop("_context"), kSchema},
    FillCase{"F2ContextNotObject", set("_context", "Detroit"), kSchema},
    FillCase{"F2TargetCountInteger", ctx_json("target_count", "2"), kPass},
    FillCase{"F2TargetCountMissing", drop_ctx("target_count"), kSchema},
    FillCase{"F2TargetCountString", ctx("target_count", "2"), kSchema},
    FillCase{"F2TargetCountFraction", ctx_json("target_count", "2.5"), kSchema},
    FillCase{"F2TargetCountZero", ctx_json("target_count", "0"), kSchema},
    FillCase{"F2TargetCountNegative", ctx_json("target_count", "-2.0"), kSchema},
    FillCase{"F2TargetCountHuge", ctx_json("target_count", "1e12"), kSchema},
    FillCase{"F2CityMissing", drop_ctx("city"), kSchema},
    FillCase{"F2StateNotString", ctx_json("state", "7"), kSchema},
    FillCase{"F2RoleNull", ctx_json("role", "null"), kSchema},
    FillCase{"F3FillsMissing", drop("fills"), kSchema},
    FillCase{"F3FillsNotArray", set("fills", "test-w-000"), kSchema},
    FillCase{"F3FillNotObject", set_json("fills", R"(["test-w-000","test-w-035"])"), kSchema},
    FillCase{"F3CandidateIdMissing", set_json("fills", R"([{"name":"Worker 000"},{}])"), kSchema},
    FillCase{"F3CandidateIdEmpty", fill(1, "candidate_id", ""), kSchema},
    FillCase{"F3NameNotString", set_json("fills", R"([{"candidate_id":"w-1","name":0}])"), kSchema},
    FillCase{"F4TooFewFills", set_json("fills", std::string("[") + kFill0 + "]"), kPolicy},
    FillCase{"F4TooManyFills", ctx_json("target_count", "1"), kPolicy},
    FillCase{"F4EmptyFills", set_json("fills", "[]"), kPolicy},
    FillCase{"F5DuplicateCandidate", fill(1, "candidate_id", "test-w-000"), kPolicy},
    FillCase{"F6UnknownCandidate", fill(1, "candidate_id", "test-w-999"), kConsistency},
    FillCase{"F6InactiveCandidate",
             both(fill(1, "candidate_id", "test-x-inactive"), fill(1, "name", "Ina Active")),
             kConsistency},
    FillCase{"F7NameDiffers", fill(0, "name", "Worker 035"), kConsistency},
    FillCase{"F7NameCaseDiffers", fill(1, "name", "worker 035"), kConsistency},
    FillCase{"F8CityDiffers", ctx("city", "Flint"), kConsistency},
    FillCase{"F8StateDiffers", ctx("state", "OH"), kConsistency},
    FillCase{"F8RoleDiffers", ctx("role", "Packers"), kConsistency},
    FillCase{"F8RecordWithoutAttributesMatchesAnyContext",
             both(fill(1, "candidate_id", "test-x-nomad"), fill(1, "name", "Nomad Worker")),
             kPass}),
    [](const testing::TestParamInfo<FillCase>& info) { return std::string(info.param.name); });
// clang-format on

TEST(FillValidator, EveryRosterPairSharingACombinationPasses) {
  const auto roster = pools::build_worker_pool();
  const FillValidator validator(lookup());
  for (std::size_t i = 0; i + 35 < roster.size(); ++i) {
    const ValidationOutcome out = validator.validate(seed_fill(roster[i], roster[i + 35]));
    ASSERT_TRUE(out.ok()) << roster[i].candidate_id << ": " << out.reason;
  }
}

TEST(FillValidator, FindsDuplicatesInLargeProposals) {
  std::string fills = "[";
  for (int i = 0; i < 100; ++i) {
    const std::string id = std::to_string(i == 99 ? 7 : i);
    fills += std::string(i ? "," : "") + R"({"candidate_id":"w-)" + id + R"(","name":"x"})";
  }
  Document d = seed_fill();
  set_json("fills", fills + "]")(d);
  ctx_json("target_count", "100")(d);
  const ValidationOutcome out = FillValidator(lookup()).validate(d);
  EXPECT_EQ(out.category, kPolicy) << out.reason;
  EXPECT_NE(out.reason.find("fills[99]"), std::string::npos) << out.reason;
}

TEST(Validators, AreSafeToShareAcrossThreads) {
  const EmailValidator email(lookup());
  const FillValidator fill(lookup());
  const auto roster = pools::build_worker_pool();
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const Document proposal = seed_fill();
      for (const WorkerRecord& w : roster) {
        failures[t] += !email.validate(seed_email(w)).ok() + !email.validate(seed_sms(w)).ok() +
                       !fill.validate(proposal).ok();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

}  // namespace
}  // namespace multitier
