// Recall of the HNSW index against exact search, and the persisted index's behaviour.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fixtures/gateway/embedding.h"
#include "fixtures/gateway/search.h"
#include "multitier/corpus/pools.h"
#include "tests/gateway/test_support.h"

namespace multitier::gateway::testing {
namespace {

constexpr std::uint64_t kRecallCorpus = 20000;

// Queries shaped like the seed's pool, some with a skill, over every role and many cities, as
// the served path embeds them for `corpus` (its role and city fields included): recall is
// measured for the very scoring search uses.
std::vector<std::vector<float>> recall_queries(int count, const Corpus& corpus) {
  std::vector<std::vector<float>> out;
  const auto roles = corpus::roles();
  const auto cities = corpus::cities();
  for (int i = 0; i < count; ++i) {
    const auto& role = roles[static_cast<std::size_t>(i) % roles.size()];
    const auto& city = cities[static_cast<std::size_t>(i * 7) % cities.size()];
    std::string text = "Need " + std::to_string(1 + i % 5) + " " + std::string(role.name) + " in " +
                       std::string(city.name) + " " + std::string(city.state);
    if (i % 3 == 0)
      text += " " + std::string(role.skills[static_cast<std::size_t>(i) % role.skills.size()]);
    out.push_back(query_vector(text, role.name, {&corpus}));
  }
  return out;
}

// MULTITIER_RECALL_CORPUS=PATH measures another corpus file instead (the benchmark points it at
// the 100k corpus, whose index the gateway already persisted with the same parameters).
std::shared_ptr<const Corpus> recall_corpus() {
  if (const char* path = std::getenv("MULTITIER_RECALL_CORPUS"); path && *path) {
    LoadOptions options;
    options.threads = 2;
    return Corpus::load("workers", path, options);
  }
  return shared_corpus("workers", kRecallCorpus);
}

TEST(IndexRecall, RecallAtTenIsAtLeastNinetyFivePercent) {
  const auto corpus = recall_corpus();
  const IdSet none;
  int found = 0;
  int total = 0;
  for (const auto& query : recall_queries(200, *corpus)) {
    const auto exact = corpus->exact_nearest(query.data(), 10, none);
    const auto approx = corpus->ann_nearest(query.data(), 10);
    ASSERT_EQ(exact.size(), 10u);
    // Many workers share a text, so ties abound: an approximate hit counts when it is as close
    // as the exact 10th neighbour.
    const float kth = exact.back().distance;
    for (const Hit& hit : approx) found += hit.distance <= kth + 1e-5f;
    total += 10;
  }
  const double recall = static_cast<double>(found) / total;
  ::testing::Test::RecordProperty("recall_at_10", std::to_string(recall));
  std::printf("recall@10 = %.4f over %zu documents (%d queries)\n", recall, corpus->size(),
              total / 10);
  EXPECT_GE(recall, 0.95);
}

TEST(IndexRecall, NearestWithExclusionsMatchesExactSearch) {
  const auto corpus = shared_corpus("workers", kSmallCorpus);
  const auto query = embed("Need 2 Welder in Omaha NE TIG Welding");
  const auto top = corpus->exact_nearest(query.data(), 40, {});
  IdSet exclude;
  for (std::size_t i = 0; i < 30; ++i) exclude.insert(corpus->doc(top[i].row).id);
  const auto got = corpus->nearest(query.data(), 10, exclude);
  const auto want = corpus->exact_nearest(query.data(), 10, exclude);
  ASSERT_EQ(got.size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_FALSE(exclude.count(corpus->doc(got[i].row).id));
    EXPECT_NEAR(got[i].distance, want[i].distance, 1e-5f) << i;
  }
}

TEST(IndexPersistence, RestartLoadsTheSavedIndex) {
  const std::string path = corpus_file(1500, 77);
  LoadOptions options;
  options.threads = 2;
  const auto first = Corpus::load("w", path, options);
  ASSERT_FALSE(first->index_path().empty());
  EXPECT_TRUE(std::filesystem::exists(first->index_path()));
  const auto second = Corpus::load("w", path, options);
  EXPECT_TRUE(second->index_loaded_from_disk());
  EXPECT_EQ(second->index_path(), first->index_path());
  const auto query = embed("Forklift Operator Detroit MI");
  const auto a = first->ann_nearest(query.data(), 10);
  const auto b = second->ann_nearest(query.data(), 10);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i].distance, b[i].distance, 1e-6f);
}

TEST(IndexPersistence, ChangedCorpusOrParametersGetAnotherIndex) {
  const auto dir = data_dir() / "persist-change";
  std::filesystem::remove_all(dir);  // indexes of an earlier run would be found again
  std::filesystem::create_directories(dir);
  const auto path = (dir / "workers.jsonl").string();
  std::filesystem::copy_file(corpus_file(800, 5), path,
                             std::filesystem::copy_options::overwrite_existing);
  LoadOptions options;
  const auto original = Corpus::load("w", path, options)->index_path();
  {
    std::ofstream append(path, std::ios::app);
    append << R"({"id":"w-extra","role":"Welder","city":"Omaha","state":"NE"})"
           << "\n";
  }
  const auto changed = Corpus::load("w", path, options);
  EXPECT_NE(changed->index_path(), original);
  EXPECT_FALSE(changed->index_loaded_from_disk());
  EXPECT_EQ(changed->size(), 801u);
  options.index.m = 12;
  EXPECT_NE(Corpus::load("w", path, options)->index_path(), changed->index_path());
}

TEST(IndexPersistence, CorruptIndexFileIsRebuilt) {
  const auto dir = data_dir() / "persist-corrupt";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "workers.jsonl").string();
  std::filesystem::copy_file(corpus_file(600, 9), path,
                             std::filesystem::copy_options::overwrite_existing);
  LoadOptions options;
  const auto index_path = Corpus::load("w", path, options)->index_path();
  std::filesystem::resize_file(index_path, 100);
  const auto reloaded = Corpus::load("w", path, options);
  EXPECT_FALSE(reloaded->index_loaded_from_disk());
  EXPECT_EQ(reloaded->ann_nearest(embed("Welder").data(), 5).size(), 5u);
}

TEST(CorpusLoading, BadLinesAreReportedWithTheirLineNumber) {
  const auto path = (data_dir() / "bad-corpus.jsonl").string();
  std::ofstream(path) << R"({"id":"w-1","role":"Welder"})"
                      << "\n"
                      << "{not json\n";
  LoadOptions options;
  options.persist = false;
  try {
    Corpus::load("w", path, options);
    FAIL() << "a malformed line must not load";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(":2:"), std::string::npos) << e.what();
  }
  std::ofstream(path) << R"({"id":"w-1"})"
                      << "\n"
                      << R"({"id":"w-1"})"
                      << "\n";
  EXPECT_THROW(Corpus::load("w", path, options), std::runtime_error);
  EXPECT_THROW(Corpus::load("w", (data_dir() / "missing.jsonl").string(), options),
               std::runtime_error);
}

}  // namespace
}  // namespace multitier::gateway::testing
