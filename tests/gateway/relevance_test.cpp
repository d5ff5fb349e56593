// Relevance of the served search path: for each of the seed's 30 queries (fixtures/pools), the
// top 5 must share the query's role and city. Searches go through Engine::search, the very path
// POST /v1/matrix/search takes, with the suite's request shape (query_role = the role, k = 5).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "fixtures/gateway/engine.h"
#include "multitier/pools/pools.h"
#include "tests/gateway/test_support.h"

namespace multitier::gateway::testing {
namespace {

constexpr std::uint64_t kRelevanceCorpus = 20000;  // CTest's test corpus size (seed 42)
constexpr int kTop = 5;
constexpr int kAtLeast = 4;

// MULTITIER_RELEVANCE_CORPUS=PATH measures another corpus file (e.g. the 100k corpus).
std::shared_ptr<const Corpus> relevance_corpus() {
  if (const char* path = std::getenv("MULTITIER_RELEVANCE_CORPUS"); path && *path) {
    LoadOptions options;
    options.threads = 2;
    return Corpus::load("workers", path, options);
  }
  return shared_corpus("workers", kRelevanceCorpus);
}

TEST(Relevance, SeedQueriesShareRoleAndCityInTheTopFive) {
  const auto corpus = relevance_corpus();
  EngineConfig config;
  config.cache_entries = 0;
  Engine engine(config);
  engine.add_corpus(corpus);
  int failing = 0;
  int roles_total = 0;
  int cities_total = 0;
  const auto queries = pools::build_query_pool();
  for (const QuerySpec& q : queries) {
    SearchRequest request;
    request.query_text = q.text;
    request.query_role = q.role;
    request.corpora = {"workers"};
    request.k = kTop;
    request.per_corpus_k = kTop;
    const auto answer = parse_json(engine.search(request));
    ASSERT_TRUE(answer.IsObject() && answer["results"].IsArray());
    ASSERT_EQ(answer["results"].Size(), static_cast<unsigned>(kTop)) << q.text;
    int roles = 0;
    int cities = 0;
    for (const auto& item : answer["results"].GetArray()) {
      roles += q.role == item["metadata"]["role"].GetString();
      cities += q.city == item["metadata"]["city"].GetString();
    }
    const bool ok = roles >= kAtLeast && cities >= kAtLeast;
    failing += !ok;
    roles_total += roles;
    cities_total += cities;
    std::printf("relevance %-62s role %d/%d city %d/%d%s\n", q.text.c_str(), roles, kTop, cities,
                kTop, ok ? "" : "  FAILS");
    EXPECT_GE(roles, kAtLeast) << q.text;
    EXPECT_GE(cities, kAtLeast) << q.text;
  }
  std::printf(
      "relevance over %zu documents: %d of %zu queries below %d/%d; roles %d/%zu, cities %d/%zu\n",
      corpus->size(), failing, queries.size(), kAtLeast, kTop, roles_total, queries.size() * kTop,
      cities_total, queries.size() * kTop);
  ::testing::Test::RecordProperty("failing_queries", failing);
}

}  // namespace
}  // namespace multitier::gateway::testing
