// The generated query pool: large, deterministic, a bijection onto distinct texts, covering the
// seed's and the corpus's vocabulary, with fields that agree with the text.
#include "multitier/pools/generated_queries.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "multitier/corpus/pools.h"
#include "multitier/pools/pools.h"

namespace multitier::pools {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// Every run of digits in `text`.
std::vector<std::string> numbers_in(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size();) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    out.push_back(text.substr(i, end - i));
    i = end;
  }
  return out;
}

std::string_view state_of(std::string_view city) {
  for (const corpus::City& c : corpus::cities()) {
    if (c.name == city) return c.state;
  }
  return {};
}

TEST(GeneratedQueries, HoldsTensOfThousandsOfTexts) {
  EXPECT_GE(GeneratedQueries().size(), 20000u);
}

TEST(GeneratedQueries, AtIsDeterministic) {
  const GeneratedQueries a, b;
  ASSERT_EQ(a.size(), b.size());
  for (std::uint64_t i = 0; i < a.size(); i += 997) {
    const QuerySpec x = a.at(i), y = a.at(i), z = b.at(i);
    EXPECT_EQ(x.text, y.text) << i;
    EXPECT_EQ(x.text, z.text) << i;
    EXPECT_EQ(x.role, z.role) << i;
    EXPECT_EQ(x.city, z.city) << i;
    EXPECT_EQ(x.state, z.state) << i;
    EXPECT_EQ(x.client, z.client) << i;
    EXPECT_EQ(x.count, z.count) << i;
  }
}

// Pins the order: a change to the wordings or the permutation shows up here.
TEST(GeneratedQueries, FirstIndexIsTheSeedsFirstQuery) {
  const QuerySpec q = GeneratedQueries().at(0);
  const QuerySpec seed = build_query_pool().front();
  EXPECT_EQ(q.text, seed.text);
  EXPECT_EQ(q.role, seed.role);
  EXPECT_EQ(q.city, seed.city);
  EXPECT_EQ(q.state, seed.state);
  EXPECT_EQ(q.client, seed.client);
  EXPECT_EQ(q.count, seed.count);
}

TEST(GeneratedQueries, ConsecutiveAndStridedIndicesGiveDistinctTexts) {
  const GeneratedQueries pool;
  const std::uint64_t n = pool.size();
  for (const auto& [start, stride] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{
           {0, 1}, {n / 2, 1}, {n - 2000, 1}, {3, 7}, {11, 1009}, {0, 5003}}) {
    ASSERT_EQ(std::gcd(stride, n), 1u) << "stride " << stride << " would revisit indices";
    std::unordered_set<std::string> texts;
    for (std::uint64_t i = 0; i < 2000; ++i) texts.insert(pool.at((start + i * stride) % n).text);
    EXPECT_EQ(texts.size(), 2000u) << "start " << start << " stride " << stride;
  }
}

TEST(GeneratedQueries, EveryIndexGivesADistinctText) {
  const GeneratedQueries pool;
  std::unordered_set<std::string> texts;
  texts.reserve(pool.size());
  for (std::uint64_t i = 0; i < pool.size(); ++i) texts.insert(pool.at(i).text);
  EXPECT_EQ(texts.size(), pool.size());
}

TEST(GeneratedQueries, NeighboursUseAnotherWording) {
  const GeneratedQueries pool;
  // The wording is what remains of the text once role, city, state, client and count are cut.
  auto skeleton = [](const QuerySpec& q) {
    std::string text = q.text;
    for (const std::string& part : {q.client, q.role, q.city, q.state, std::to_string(q.count)}) {
      const auto at = text.find(part);
      if (!part.empty() && at != std::string::npos) text.erase(at, part.size());
    }
    return text;
  };
  for (std::uint64_t i = 0; i + 1 < 2000; ++i) {
    const QuerySpec a = pool.at(i), b = pool.at(i + 1);
    EXPECT_NE(skeleton(a), skeleton(b)) << a.text << " / " << b.text;
  }
}

TEST(GeneratedQueries, CoverEveryRoleAndCityOfTheSeedAndTheCorpus) {
  const GeneratedQueries pool;
  std::set<std::string> roles, cities;
  for (std::uint64_t i = 0; i < pool.size(); ++i) {
    const QuerySpec q = pool.at(i);
    roles.insert(q.role);
    cities.insert(q.city);
  }
  for (const QuerySpec& seed : build_query_pool()) {
    EXPECT_TRUE(roles.count(seed.role)) << seed.role;
    EXPECT_TRUE(cities.count(seed.city)) << seed.city;
  }
  for (const corpus::RoleProfile& role : corpus::roles()) {
    EXPECT_TRUE(roles.count(std::string(role.name))) << role.name;
  }
  for (const corpus::City& city : corpus::cities()) {
    EXPECT_TRUE(cities.count(std::string(city.name))) << city.name;
  }
}

TEST(GeneratedQueries, IncludeTheUsualWordings) {
  const GeneratedQueries pool;
  std::unordered_set<std::string> texts;
  for (std::uint64_t i = 0; i < pool.size(); ++i) texts.insert(pool.at(i).text);
  for (const char* text : {"Need 3 Forklift Operator in Detroit MI for Beacon Freight",
                           "Forklift Operator in Flint", "Looking for 5 Pickers near Aurora, IL",
                           "Heritage Foods needs 10 Welder in Green Bay, WI"}) {
    EXPECT_TRUE(texts.count(text)) << text;
  }
}

TEST(GeneratedQueries, FieldsAgreeWithTheText) {
  const GeneratedQueries pool;
  for (std::uint64_t i = 0; i < pool.size(); ++i) {
    const QuerySpec q = pool.at(i);
    ASSERT_FALSE(q.role.empty()) << i;
    ASSERT_FALSE(q.city.empty()) << i;
    EXPECT_TRUE(contains(q.text, q.role)) << q.text;
    EXPECT_TRUE(contains(q.text, q.city)) << q.text;
    EXPECT_EQ(q.state, state_of(q.city)) << q.text;
    if (q.client.empty()) {
      for (std::string_view client : kClients) EXPECT_FALSE(contains(q.text, client)) << q.text;
    } else {
      EXPECT_TRUE(contains(q.text, q.client)) << q.text;
    }
    const std::vector<std::string> numbers = numbers_in(q.text);
    ASSERT_LE(numbers.size(), 1u) << q.text;
    EXPECT_GE(q.count, 1) << q.text;
    EXPECT_LE(q.count, GeneratedQueries::kMaxCount) << q.text;
    if (numbers.empty()) {
      EXPECT_EQ(q.count, 1) << q.text;
    } else {
      EXPECT_EQ(numbers.front(), std::to_string(q.count)) << q.text;
    }
  }
}

// What the gateway's search accepts: query_text and query_role non-empty and under 4 KiB; plain
// printable ASCII, so no encoding question arises.
TEST(GeneratedQueries, TextsAreValidSearchQueries) {
  const GeneratedQueries pool;
  for (std::uint64_t i = 0; i < pool.size(); ++i) {
    const QuerySpec q = pool.at(i);
    ASSERT_FALSE(q.text.empty()) << i;
    ASSERT_LT(q.text.size(), 4096u) << i;
    ASSERT_LT(q.role.size(), 4096u) << i;
    ASSERT_TRUE(std::all_of(q.text.begin(), q.text.end(), [](char c) {
      return c >= 0x20 && c < 0x7f;
    })) << q.text;
    ASSERT_NE(q.text.front(), ' ') << q.text;
    ASSERT_NE(q.text.back(), ' ') << q.text;
  }
}

TEST(GeneratedQueries, IndexPastTheEndThrows) {
  const GeneratedQueries pool;
  EXPECT_NO_THROW(pool.at(pool.size() - 1));
  EXPECT_THROW(pool.at(pool.size()), std::out_of_range);
}

}  // namespace
}  // namespace multitier::pools
