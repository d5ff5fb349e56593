#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "fixtures/gateway/embedding.h"
#include "multitier/corpus/generator.h"
#include "multitier/corpus/pools.h"

namespace multitier::corpus {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(CorpusGenerator, SameSeedGivesTheSameBytes) {
  EXPECT_EQ(generate_corpus(2000, 7), generate_corpus(2000, 7));
  EXPECT_NE(generate_corpus(200, 7), generate_corpus(200, 8));
}

TEST(CorpusGenerator, OutputIsPinnedAcrossMachines) {
  // Any change to the PRNG, the integer mapping or the pools shows here first.
  const std::string first = lines_of(generate_corpus(1, 42)).at(0);
  EXPECT_EQ(
      first,
      R"({"id":"w-000001","name":"Michael Lee","role":"Material Handler","city":"South Bend","state":"IN",)"
      R"("status":"active","phone":"555-959-4773","email":"michael.lee.1@example.com","skills":["Forklift",)"
      R"("Staging","Bilingual Spanish","Overtime"],"certifications":[],"years_experience":30,"hourly_rate":31.15})");
  EXPECT_EQ(gateway::fnv1a64(generate_corpus(1000, 42)), 0xa6d0fb97c56b4e72ull);
}

TEST(CorpusGenerator, SmallerCorpusIsAPrefixOfALargerOne) {
  const std::string small = generate_corpus(100, 3);
  EXPECT_EQ(generate_corpus(300, 3).substr(0, small.size()), small);
}

TEST(CorpusGenerator, EveryLineIsAWorkerWithAllFields) {
  const auto lines = lines_of(generate_corpus(3000, 42));
  ASSERT_EQ(lines.size(), 3000u);
  const std::regex phone(R"(555-\d{3}-\d{4})");
  const std::regex rate(R"("hourly_rate":\d+\.\d\d\})");
  std::map<std::string, int> status;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    rapidjson::Document doc;
    doc.Parse(lines[i].c_str());
    ASSERT_FALSE(doc.HasParseError()) << lines[i];
    char id[32];
    std::snprintf(id, sizeof id, "w-%06zu", i + 1);
    EXPECT_STREQ(doc["id"].GetString(), id);
    for (const char* key : {"name", "role", "city", "state", "status", "phone", "email"}) {
      ASSERT_TRUE(doc.HasMember(key) && doc[key].IsString()) << key << " in " << lines[i];
    }
    EXPECT_TRUE(std::regex_match(doc["phone"].GetString(), phone)) << lines[i];
    EXPECT_TRUE(std::regex_search(lines[i], rate)) << lines[i];
    EXPECT_TRUE(doc["skills"].IsArray() && doc["skills"].Size() >= 2);
    EXPECT_TRUE(doc["certifications"].IsArray());
    EXPECT_TRUE(doc["years_experience"].IsInt());
    EXPECT_TRUE(doc["hourly_rate"].IsNumber());
    status[doc["status"].GetString()]++;
  }
  EXPECT_EQ(status.size(), 3u);
  EXPECT_NEAR(status["active"] / 3000.0, 0.85, 0.03);
  EXPECT_GT(status["inactive"], 0);
  EXPECT_GT(status["placed"], 0);
}

TEST(CorpusGenerator, CoversEverySeedRoleAndCity) {
  const std::set<std::string> seed_roles{
      "Forklift Operator", "Pickers",        "Loaders", "Warehouse Associate",
      "CNC Operator",      "Shipping Clerk", "Packers"};
  const std::set<std::string> seed_cities{"Detroit MI",    "Indianapolis IN", "Aurora IL",
                                          "Joliet IL",     "Flint MI",        "Cleveland OH",
                                          "Fort Wayne IN", "Kansas City MO"};
  std::set<std::string> roles_seen;
  std::set<std::string> cities_seen;
  for (std::uint64_t i = 0; i < 5000; ++i) {
    const Worker w = make_worker(42, i);
    roles_seen.insert(w.role);
    cities_seen.insert(w.city + " " + w.state);
  }
  for (const auto& role : seed_roles) EXPECT_TRUE(roles_seen.count(role)) << role;
  for (const auto& city : seed_cities) EXPECT_TRUE(cities_seen.count(city)) << city;
  EXPECT_GE(roles().size(), 17u);
  EXPECT_GE(cities().size(), 28u);
  EXPECT_EQ(roles_seen.size(), roles().size());
}

TEST(CorpusGenerator, SkillsComeFromTheRole) {
  for (std::uint64_t i = 0; i < 500; ++i) {
    const Worker w = make_worker(1, i);
    const RoleProfile* profile = nullptr;
    for (const auto& r : roles()) profile = r.name == w.role ? &r : profile;
    ASSERT_NE(profile, nullptr);
    int from_role = 0;
    for (const auto& skill : w.skills) {
      for (auto s : profile->skills) from_role += s == skill;
    }
    EXPECT_GE(from_role, 2) << w.id;
    EXPECT_EQ(std::set<std::string>(w.skills.begin(), w.skills.end()).size(), w.skills.size())
        << w.id;
  }
}

}  // namespace
}  // namespace multitier::corpus
