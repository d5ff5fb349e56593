#include <gtest/gtest.h>

#include <cmath>

#include "fixtures/gateway/embedding.h"

namespace multitier::gateway {
namespace {

double norm(const std::vector<float>& v) {
  double sum = 0;
  for (float x : v) sum += static_cast<double>(x) * x;
  return std::sqrt(sum);
}

TEST(Embedding, SameTextGivesTheSameVector) {
  const auto a = embed("Need 3 Forklift Operator in Detroit MI for Beacon Freight");
  const auto b = embed("Need 3 Forklift Operator in Detroit MI for Beacon Freight");
  ASSERT_EQ(a.size(), kEmbeddingDim);
  EXPECT_EQ(a, b);
}

TEST(Embedding, VectorsAreNormalised) {
  for (const char* text : {"a", "Forklift Operator Detroit MI", "CNC Operator G-Code Haas Controls NIMS"}) {
    EXPECT_NEAR(norm(embed(text)), 1.0, 1e-5) << text;
  }
}

TEST(Embedding, CaseAndPunctuationDoNotMatter) {
  EXPECT_EQ(embed("Forklift Operator, Detroit MI"), embed("forklift operator detroit mi"));
}

TEST(Embedding, TextWithoutWordsIsTheZeroVector) {
  const auto v = embed(" ,.;!? ");
  EXPECT_EQ(norm(v), 0.0);
  EXPECT_EQ(norm(embed("")), 0.0);
}

TEST(Embedding, SimilarTextsAreCloserThanUnrelatedOnes) {
  const auto query = embed("Need 2 Forklift Operator in Detroit MI");
  const auto close = embed("Forklift Operator Detroit MI Reach Truck Pallet Jack");
  const auto far = embed("Welder Omaha NE TIG Welding AWS D1.1 Structural");
  EXPECT_GT(dot(query.data(), close.data()), dot(query.data(), far.data()) + 0.2f);
}

TEST(Embedding, KnownValuesArePinned) {
  // Pins the algorithm: a change here changes every persisted index key and every distance.
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  const auto v = embed("forklift");
  int nonzero = 0;
  for (float x : v) nonzero += x != 0.0f;
  EXPECT_GE(nonzero, 5);   // the word and its 8 trigrams, a few may share a bucket
  EXPECT_LE(nonzero, 9);
}

TEST(Embedding, QueryTextAppendsTheRole) {
  EXPECT_EQ(query_embedding_text("Need 3 Pickers", "Pickers"), "Need 3 Pickers Pickers");
  EXPECT_EQ(query_embedding_text("Need 3 Pickers", ""), "Need 3 Pickers");
}

}  // namespace
}  // namespace multitier::gateway
