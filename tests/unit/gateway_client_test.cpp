// The gateway client's pure parts: request bodies, every rule parse_search_response checks, and
// the JSON check and message excerpts the client applies to other answers.
#include <gtest/gtest.h>

#include <initializer_list>
#include <ostream>
#include <string>
#include <tuple>

#include "multitier/contract/gateway_client.h"

namespace multitier {
namespace {

SearchRequest two_corpora() {
  SearchRequest request;
  request.query_text = "Need 2 Pickers in Aurora IL";
  request.corpora = {"workers", "archive"};
  request.k = 3;
  request.per_corpus_k = 3;
  request.exclude_ids = {"w-9"};
  return request;
}

Failure parse(const std::string& body, const SearchRequest& request = two_corpora()) {
  SearchResponse out;
  return parse_search_response(body, request, out);
}

// {"results":[...]} from (id, distance, corpus) triples, plus `extra` members.
std::string results_of(
    std::initializer_list<std::tuple<const char*, const char*, const char*>> hits,
    const std::string& extra = "") {
  std::string body = R"({"results":[)";
  for (const auto& [id, distance, corpus] : hits) {
    if (body.back() != '[') body += ',';
    body += std::string(R"({"id":")") + id + R"(","distance":)" + distance + R"(,"corpus":")" +
            corpus + "\"}";
  }
  return body + "]" + extra + "}";
}

// Expects a contract failure whose message starts with `rule` and mentions `detail`.
void expect_contract(const std::string& body, const std::string& rule, const std::string& detail) {
  Failure failure = parse(body);
  EXPECT_EQ(failure.kind, FailureKind::contract) << body << " -> " << failure.message;
  EXPECT_EQ(failure.message.rfind(rule + ": ", 0), 0u) << failure.message;
  EXPECT_NE(failure.message.find(detail), std::string::npos) << failure.message;
}

TEST(FailureKindNames, AreStableSnakeCase) {
  EXPECT_EQ(to_string(FailureKind::none), "none");
  EXPECT_EQ(to_string(FailureKind::connect), "connect");
  EXPECT_EQ(to_string(FailureKind::timeout), "timeout");
  EXPECT_EQ(to_string(FailureKind::transport), "transport");
  EXPECT_EQ(to_string(FailureKind::http_status), "http_status");
  EXPECT_EQ(to_string(FailureKind::bad_json), "bad_json");
  EXPECT_EQ(to_string(FailureKind::oversize), "oversize");
  EXPECT_EQ(to_string(FailureKind::contract), "contract");
  EXPECT_EQ(to_string(FailureKind::validator), "validator");
}

TEST(ToJson, SearchOmitsEmptyRoleAndExclusions) {
  SearchRequest request;
  request.query_text = "test";
  request.corpora = {"workers"};
  request.k = 1;
  request.per_corpus_k = 1;
  EXPECT_EQ(
      to_json(request),
      R"({"query_text":"test","corpora":["workers"],"k":1,"per_corpus_k":1,"use_playbook":false})");
}

TEST(ToJson, SearchWritesEveryFieldInTheSeedOrder) {
  SearchRequest request = two_corpora();
  request.query_role = "Pickers";
  request.use_playbook = true;
  request.exclude_ids = {"w-1", "w-\"2\""};
  EXPECT_EQ(to_json(request),
            R"({"query_text":"Need 2 Pickers in Aurora IL","query_role":"Pickers",)"
            R"("corpora":["workers","archive"],"k":3,"per_corpus_k":3,"use_playbook":true,)"
            R"("exclude_ids":["w-1","w-\"2\""]})");
}

TEST(ToJson, Record) {
  RecordRequest request{"Need 1 Loaders in Flint MI", "Loaders", "w-000042", "workers", 0.5,
                        {"multitier-loadtest"}};
  EXPECT_EQ(to_json(request),
            R"({"query_text":"Need 1 Loaders in Flint MI","role":"Loaders","answer_id":"w-000042",)"
            R"("answer_corpus":"workers","score":0.5,"tags":["multitier-loadtest"]})");
}

TEST(ToJson, IntoAKeptStringReplacesItsContent) {
  std::string out = "stale content that is longer than nothing";
  const SearchRequest search = two_corpora();
  to_json(search, out);
  EXPECT_EQ(out, to_json(search));
  const RecordRequest record{"q", "Loaders", "w-1", "workers", 1.0, {}};
  to_json(record, out);
  EXPECT_EQ(out, to_json(record));
}

TEST(ParseSearchResponse, AcceptsAContractAnswer) {
  std::string body = R"({"results":[
      {"id":"w-1","distance":0.1,"corpus":"workers","metadata":{"name":"A","city":"Aurora"}},
      {"id":"w-2","distance":0.25,"corpus":"archive"},
      {"id":"w-3","distance":1,"corpus":"workers","metadata":null}],
    "playbook_boosted":1,"playbook_injected":0,"extra":"ignored"})";
  SearchResponse out;
  Failure failure = parse_search_response(body, two_corpora(), out);
  ASSERT_FALSE(failure) << failure.message;
  ASSERT_EQ(out.results.size(), 3u);
  EXPECT_EQ(out.results[0].id, "w-1");
  EXPECT_DOUBLE_EQ(out.results[0].distance, 0.1);
  EXPECT_EQ(out.results[0].corpus, "workers");
  EXPECT_EQ(out.results[0].metadata_json, R"({"name":"A","city":"Aurora"})");
  EXPECT_EQ(out.results[1].metadata_json, "");
  EXPECT_EQ(out.results[2].metadata_json, "");
  EXPECT_DOUBLE_EQ(out.results[2].distance, 1.0);
  EXPECT_EQ(out.playbook_boosted, 1);
  EXPECT_EQ(out.playbook_injected, 0);
}

TEST(ParseSearchResponse, AcceptsEmptyResultsAndResetsCounters) {
  SearchResponse out;
  out.playbook_boosted = 7;
  out.results.resize(2);
  ASSERT_FALSE(parse_search_response(R"({"results":[]})", two_corpora(), out));
  EXPECT_TRUE(out.results.empty());
  EXPECT_EQ(out.playbook_boosted, 0);
}

TEST(ParseSearchResponse, AcceptsDistancesEqualWithinFloatNoise) {
  EXPECT_FALSE(parse(results_of({{"a", "0.18340001", "workers"}, {"b", "0.1834", "workers"}})));
}

TEST(ParseSearchResponse, PlaybookAnswersNeedNoOrder) {
  SearchRequest request = two_corpora();
  request.use_playbook = true;
  EXPECT_FALSE(parse(
      results_of({{"a", "0.5", "workers"}, {"b", "0.1", "workers"}}, R"(,"playbook_injected":1)"),
      request));
}

TEST(ParseSearchResponse, RejectsBadJsonWithOffset) {
  Failure failure = parse(R"({"results":[}")");
  EXPECT_EQ(failure.kind, FailureKind::bad_json);
  EXPECT_EQ(failure.message.rfind("bad JSON at offset 12: ", 0), 0u) << failure.message;
}

TEST(ParseSearchResponse, RejectsEmptyBody) { EXPECT_EQ(parse("").kind, FailureKind::bad_json); }

TEST(ParseSearchResponse, RejectsTrailingGarbage) {
  EXPECT_EQ(parse(R"({"results":[]} x)").kind, FailureKind::bad_json);
}

TEST(ParseSearchResponse, RejectsNulByte) {
  Failure failure = parse(std::string(R"({"results":[]})") + '\0' + "x");
  EXPECT_EQ(failure.kind, FailureKind::bad_json);
  EXPECT_NE(failure.message.find("offset 14"), std::string::npos) << failure.message;
}

TEST(ParseSearchResponse, RejectsInvalidUtf8) {
  EXPECT_EQ(parse("{\"results\":[],\"x\":\"\xff\"}").kind, FailureKind::bad_json);
}

TEST(ParseSearchResponse, RejectsDeepNesting) {
  std::string deep =
      R"({"results":[],"x":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  Failure failure = parse(deep);
  EXPECT_EQ(failure.kind, FailureKind::bad_json);
  EXPECT_NE(failure.message.find("nested deeper than 64"), std::string::npos) << failure.message;
}

// One case per contract rule: a body breaking exactly that rule, and what the message names.
struct RuleCase {
  std::string name;  // test-name suffix
  std::string body;
  std::string rule;
  std::string detail;
};

void PrintTo(const RuleCase& c, std::ostream* os) { *os << c.name; }

class ContractRule : public ::testing::TestWithParam<RuleCase> {};

TEST_P(ContractRule, IsReportedWithRuleAndId) {
  expect_contract(GetParam().body, GetParam().rule, GetParam().detail);
}

INSTANTIATE_TEST_SUITE_P(
    ParseSearchResponse, ContractRule,
    ::testing::Values(
        RuleCase{"NonObjectBody", "[]", "top_level", "not a JSON object"},
        RuleCase{"MissingResults", R"({"result":[]})", "results_missing", "\"results\""},
        RuleCase{"NonArrayResults", R"({"results":null})", "results_type", "not an array"},
        RuleCase{"NonObjectResult", R"({"results":["w-1"]})", "result_type", "results[0]"},
        RuleCase{"MissingId", R"({"results":[{"distance":0.1,"corpus":"workers"}]})", "id_type",
                 "results[0]"},
        RuleCase{"NumericId", R"({"results":[{"id":7,"distance":0.1,"corpus":"workers"}]})",
                 "id_type", "results[0]"},
        RuleCase{"StringDistance", results_of({{"w-1", "\"0.1\"", "workers"}}), "distance_type",
                 "results[0] id \"w-1\""},
        RuleCase{"MissingDistance", R"({"results":[{"id":"w-1","corpus":"workers"}]})",
                 "distance_type", "\"w-1\""},
        RuleCase{"NonStringCorpus", R"({"results":[{"id":"w-1","distance":0.1,"corpus":["x"]}]})",
                 "corpus_type", "\"w-1\""},
        RuleCase{"NonObjectMetadata",
                 R"({"results":[{"id":"w-1","distance":0.1,"corpus":"workers","metadata":"x"}]})",
                 "metadata_type", "\"w-1\""},
        RuleCase{"MoreThanK",
                 results_of({{"a", "0.1", "workers"},
                             {"b", "0.2", "workers"},
                             {"c", "0.3", "workers"},
                             {"d", "0.4", "workers"}}),
                 "k_bound", "4 results for k=3"},
        RuleCase{
            "DuplicateId",
            results_of({{"a", "0.1", "workers"}, {"b", "0.2", "workers"}, {"a", "0.3", "archive"}}),
            "duplicate_id", "results[2] id \"a\""},
        RuleCase{"ExcludedId", results_of({{"a", "0.1", "workers"}, {"w-9", "0.2", "workers"}}),
                 "excluded_id", "results[1] id \"w-9\""},
        RuleCase{"UnrequestedCorpus", results_of({{"a", "0.1", "playbook_memory"}}),
                 "unknown_corpus", "\"playbook_memory\""},
        RuleCase{"DescendingDistance",
                 results_of({{"a", "0.3", "workers"}, {"b", "0.2", "workers"}}), "distance_order",
                 "results[1] id \"b\""},
        RuleCase{"NegativeCounter", results_of({}, R"(,"playbook_boosted":-1)"), "playbook_counter",
                 "playbook_boosted"},
        RuleCase{"FractionalCounter", results_of({}, R"(,"playbook_injected":1.5)"),
                 "playbook_counter", "playbook_injected"},
        RuleCase{"StringCounter", results_of({}, R"(,"playbook_injected":"1")"), "playbook_counter",
                 "playbook_injected"}),
    [](const ::testing::TestParamInfo<RuleCase>& info) { return info.param.name; });

TEST(ParseSearchResponse, SanitisesAndShortensIdsInMessages) {
  std::string id = "evil\\n" + std::string(200, 'x');
  Failure failure = parse(R"({"results":[{"id":")" + id + R"(","distance":0.1,"corpus":"x"}]})");
  ASSERT_EQ(failure.kind, FailureKind::contract);
  EXPECT_NE(failure.message.find("\"evil?xxx"), std::string::npos) << failure.message;
  EXPECT_LT(failure.message.size(), 300u);
}

TEST(CheckJson, AcceptsAnyJsonAndRefusesAsTheParserDoes) {
  EXPECT_FALSE(check_json(R"({"recorded":true})"));
  EXPECT_FALSE(check_json("[1,2]"));
  EXPECT_FALSE(check_json("{\"text\":\"\xE2\x82\xAC\"}"));
  for (const std::string& body :
       {std::string("{"), std::string("{\"a\":1}x"), std::string("{\"a\":\"\xC3\"}"),
        std::string("{}\0", 3), std::string(65, '[') + std::string(65, ']')}) {
    const Failure failure = check_json(body);
    EXPECT_EQ(failure.kind, FailureKind::bad_json) << testing::PrintToString(body);
    EXPECT_EQ(failure.message, parse(body).message) << testing::PrintToString(body);
  }
}

TEST(AppendExcerpt, CutsWithinTheLimitNeverInsideASequence) {
  const auto excerpt = [](std::string_view text, std::size_t limit) {
    std::string message = "m: ";
    append_excerpt(message, text, limit);
    return message;
  };
  EXPECT_EQ(excerpt("abc", 3), "m: abc");
  EXPECT_EQ(excerpt("abcd", 3), "m: abc...");
  EXPECT_EQ(excerpt("ab\xC3\xA9z", 3), "m: ab...");
  EXPECT_EQ(excerpt("ab\xC3\xA9z", 4), "m: ab\xC3\xA9...");
  EXPECT_EQ(excerpt("a\tb\x7F\n", 10), "m: a?b??");
  EXPECT_EQ(excerpt("", 0), "m: ");
}

}  // namespace
}  // namespace multitier
