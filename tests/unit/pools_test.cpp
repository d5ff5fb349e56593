// The data pools reproduce the seed's buildQueryPool and buildWorkerPool exactly.
#include "multitier/pools/pools.h"

#include <map>
#include <set>
#include <string>
#include <tuple>

#include <gtest/gtest.h>

namespace multitier::pools {
namespace {

TEST(QueryPool, HasThirtyQueries) { EXPECT_EQ(build_query_pool().size(), 30u); }

// Every field of a query or a worker, for one comparison that prints them all.
using QueryFields =
    std::tuple<std::string, std::string, std::string, std::string, std::string, int>;
QueryFields fields(const QuerySpec& q) {
  return {q.text, q.role, q.city, q.state, q.client, q.count};
}

using WorkerFields =
    std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>;
WorkerFields fields(const WorkerRecord& w) {
  return {w.candidate_id,      w.name, w.status, w.city.value_or("-"), w.state.value_or("-"),
          w.role.value_or("-")};
}

TEST(QueryPool, FirstAndLastQueriesMatchSeed) {
  const auto pool = build_query_pool();
  ASSERT_EQ(pool.size(), 30u);
  EXPECT_EQ(fields(pool[0]),
            QueryFields("Need 1 Forklift Operator in Detroit MI for Beacon Freight",
                        "Forklift Operator", "Detroit", "MI", "Beacon Freight", 1));
  EXPECT_EQ(pool[1].text, "Need 2 Pickers in Indianapolis IN for Midway Distribution");
  EXPECT_EQ(pool[6].text, "Need 2 Packers in Fort Wayne IN for Beacon Freight");
  EXPECT_EQ(fields(pool[29]), QueryFields("Need 5 Pickers in Cleveland OH for Pioneer Assembly",
                                          "Pickers", "Cleveland", "OH", "Pioneer Assembly", 5));
}

TEST(QueryPool, EveryQueryFollowsSeedArithmetic) {
  const auto pool = build_query_pool();
  for (std::size_t i = 0; i < pool.size(); ++i) {
    const QuerySpec& q = pool[i];
    EXPECT_EQ(q.role, kRoles[i % 7]) << i;
    EXPECT_EQ(q.city, kCities[i % 8].city) << i;
    EXPECT_EQ(q.state, kCities[i % 8].state) << i;
    EXPECT_EQ(q.client, kClients[i % 6]) << i;
    EXPECT_EQ(q.count, static_cast<int>(1 + i % 5)) << i;
    EXPECT_EQ(q.text, "Need " + std::to_string(q.count) + " " + q.role + " in " + q.city + " " +
                          q.state + " for " + q.client)
        << i;
  }
}

TEST(WorkerPool, HasTwoHundredWorkers) { EXPECT_EQ(build_worker_pool().size(), 200u); }

TEST(WorkerPool, FirstAndLastWorkersMatchSeed) {
  const auto pool = build_worker_pool();
  ASSERT_EQ(pool.size(), 200u);
  EXPECT_EQ(fields(pool[0]), WorkerFields("test-w-000", "Worker 000", "active", "Detroit", "MI",
                                          "Forklift Operator"));
  EXPECT_EQ(fields(pool[12]),
            WorkerFields("test-w-012", "Worker 012", "active", "Aurora", "IL", "Shipping Clerk"));
  EXPECT_EQ(fields(pool[199]), WorkerFields("test-w-199", "Worker 199", "active", "Flint", "MI",
                                            "Warehouse Associate"));
}

TEST(WorkerPool, EveryWorkerFollowsSeedArithmetic) {
  const auto pool = build_worker_pool();
  std::set<std::string> ids;
  for (std::size_t i = 0; i < pool.size(); ++i) {
    const WorkerRecord& w = pool[i];
    EXPECT_EQ(w.status, "active") << i;
    EXPECT_EQ(w.role, kRoles[i % 7]) << i;
    EXPECT_EQ(w.city, kCities[i % 5].city) << i;
    EXPECT_EQ(w.state, kCities[i % 5].state) << i;
    EXPECT_EQ(w.candidate_id.substr(7), w.name.substr(7)) << i;
    ids.insert(w.candidate_id);
  }
  EXPECT_EQ(ids.size(), pool.size());
}

// The surge scenario needs two workers sharing city, state and role for any worker it draws.
TEST(WorkerPool, EveryCombinationHasAPair) {
  std::map<std::tuple<std::string, std::string, std::string>, int> combos;
  for (const WorkerRecord& w : build_worker_pool()) ++combos[{*w.city, *w.state, *w.role}];
  EXPECT_EQ(combos.size(), 35u);
  for (const auto& [combo, count] : combos) {
    EXPECT_GE(count, 2) << std::get<0>(combo) << " " << std::get<2>(combo);
  }
}

TEST(WorkerPool, BuildsALookup) {
  const InMemoryWorkerLookup lookup(build_worker_pool());
  EXPECT_EQ(lookup.size(), 200u);
  ASSERT_NE(lookup.find("test-w-042"), nullptr);
  EXPECT_EQ(lookup.find("test-w-042")->name, "Worker 042");
  EXPECT_EQ(lookup.find("w-042"), nullptr);
}

}  // namespace
}  // namespace multitier::pools
