#include <gtest/gtest.h>

#include <cmath>

#include "fixtures/gateway/embedding.h"
#include "fixtures/gateway/fields.h"

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
  for (const char* text :
       {"a", "Forklift Operator Detroit MI", "CNC Operator G-Code Haas Controls NIMS"}) {
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
  EXPECT_GE(nonzero, 5);  // the word and its 8 trigrams, a few may share a bucket
  EXPECT_LE(nonzero, 9);
}

TEST(Embedding, FieldKeysFoldCaseSpacingAndPlurals) {
  EXPECT_EQ(field_key("Fort  Wayne"), "fort wayne");
  EXPECT_EQ(field_key("St. Louis"), "st loui");  // a matching key, never shown
  EXPECT_EQ(field_key("Pickers"), field_key("picker"));
  EXPECT_EQ(field_key("Forklift Operators"), field_key("Forklift Operator"));
  EXPECT_EQ(field_key("Gas"), "gas");  // words of 3 bytes keep their 's'
  EXPECT_EQ(field_key(" ,. "), "");
}

TEST(Embedding, QueryFieldsAreTheVocabularysRolesAndCitiesNamedInTheQuery) {
  FieldVocabulary vocabulary;
  vocabulary.add("Forklift Operator", "Kansas City");
  vocabulary.add("Pickers", "Flint");
  vocabulary.add("", "");
  EXPECT_EQ(vocabulary.roles(), 2u);
  EXPECT_EQ(vocabulary.cities(), 2u);
  const auto fields = query_fields("Need 3 forklift operators in Kansas City MO, not Flint",
                                   "Pickers", {&vocabulary});
  EXPECT_EQ(fields.roles, (std::vector<std::string>{"forklift operator", "picker"}));
  EXPECT_EQ(fields.cities, (std::vector<std::string>{"kansa city", "flint"}));
  EXPECT_TRUE(query_fields("Need 3 Welders in Omaha", "", {&vocabulary}).roles.empty());
}

TEST(Embedding, SharedRoleAndCityOutweighSharedSkillsAndFillerWords) {
  // The worker sharing the query's role and city but no other word beats the one sharing every
  // other word but the city.
  const EmbeddingFields query_fields{{"forklift operator"}, {"flint"}};
  std::vector<float> query(kEmbeddingDim), same_city(kEmbeddingDim), other_city(kEmbeddingDim);
  embed("Need 3 Forklift Operator in Flint MI for Beacon Freight Reach Truck", query_fields,
        query.data());
  embed("Forklift Operator Flint MI Pallet Jack", query_fields, same_city.data());
  embed("Forklift Operator Detroit MI Reach Truck Beacon Freight",
        {{"forklift operator"}, {"detroit"}}, other_city.data());
  EXPECT_GT(dot(query.data(), same_city.data()), dot(query.data(), other_city.data()) + 0.1f);
}

TEST(Embedding, QueryTextAppendsTheRole) {
  EXPECT_EQ(query_embedding_text("Need 3 Pickers", "Pickers"), "Need 3 Pickers Pickers");
  EXPECT_EQ(query_embedding_text("Need 3 Pickers", ""), "Need 3 Pickers");
}

}  // namespace
}  // namespace multitier::gateway
