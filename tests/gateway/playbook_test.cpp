// The playbook memory on its own: matching rules, eviction, compaction, concurrent use.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fixtures/gateway/embedding.h"
#include "fixtures/gateway/playbook.h"

namespace multitier::gateway {
namespace {

PlaybookRecord make(const std::string& text, const std::string& role, const std::string& answer) {
  return PlaybookRecord{text, role, answer, "workers", 1.0, {"test"}};
}

std::vector<PlaybookMatch> find(const PlaybookMemory& memory, const std::string& text, const std::string& role,
                                std::size_t limit = 10) {
  const auto query = embed(query_embedding_text(text, role));
  return memory.lookup(text, role, query.data(), limit);
}

TEST(PlaybookMemory, IdenticalQueryTextMatchesWhateverTheRole) {
  PlaybookMemory memory(100);
  EXPECT_EQ(memory.record(make("Need 3 Pickers in Joliet IL", "Pickers", "w-000007")), 1u);
  const auto matches = find(memory, "Need 3 Pickers in Joliet IL", "Welder");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].answer_id, "w-000007");
  EXPECT_TRUE(matches[0].exact);
}

TEST(PlaybookMemory, SimilarQueryOfTheSameRoleMatches) {
  PlaybookMemory memory(100);
  memory.record(make("Need 3 Forklift Operator in Detroit MI for Beacon Freight", "Forklift Operator", "w-000001"));
  const auto same_role = find(memory, "Need 3 Forklift Operator in Detroit MI for Beacon Freight!", "forklift operator");
  ASSERT_EQ(same_role.size(), 1u);
  EXPECT_FALSE(same_role[0].exact);
  EXPECT_GE(same_role[0].similarity, kPlaybookSimilarity);
  EXPECT_TRUE(find(memory, "Need 3 Forklift Operator in Detroit MI for Beacon Freight!", "Welder").empty());
  EXPECT_TRUE(find(memory, "CNC Operator with Haas Controls in Omaha", "Forklift Operator").empty());
}

TEST(PlaybookMemory, NewestExactAnswerComesFirstAndAnswersAreDistinct) {
  PlaybookMemory memory(100);
  memory.record(make("q", "", "w-1"));
  memory.record(make("q", "", "w-2"));
  memory.record(make("q", "", "w-2"));
  const auto matches = find(memory, "q", "");
  ASSERT_EQ(matches.size(), 2u);
  EXPECT_EQ(matches[0].answer_id, "w-2");
  EXPECT_EQ(matches[1].answer_id, "w-1");
  EXPECT_EQ(find(memory, "q", "", 1).size(), 1u);
}

TEST(PlaybookMemory, OldestEntriesAreEvictedPastCapacity) {
  PlaybookMemory memory(50);
  for (int i = 0; i < 5000; ++i) {
    const auto size = memory.record(make("query number " + std::to_string(i), "Pickers", "w-" + std::to_string(i)));
    ASSERT_EQ(size, std::min<std::size_t>(static_cast<std::size_t>(i) + 1, 50u));
  }
  EXPECT_EQ(memory.size(), 50u);
  EXPECT_TRUE(find(memory, "query number 0", "").empty() ||
              find(memory, "query number 0", "")[0].answer_id != "w-0");
  const auto latest = find(memory, "query number 4999", "Pickers");
  ASSERT_FALSE(latest.empty());
  EXPECT_EQ(latest[0].answer_id, "w-4999");
}

TEST(PlaybookMemory, ConcurrentRecordsAndLookupsStayConsistent) {
  PlaybookMemory memory(1'000'000);
  std::atomic<bool> stop{false};
  std::atomic<int> lookups{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 400; ++i) {
        memory.record(make("writer " + std::to_string(t) + " query " + std::to_string(i), "Loaders",
                           "w-" + std::to_string(t * 1000 + i)));
      }
    });
  }
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      while (!stop) {
        find(memory, "writer 1 query 5", "Loaders");
        ++lookups;
      }
    });
  }
  for (int t = 0; t < 4; ++t) threads[static_cast<std::size_t>(t)].join();
  stop = true;
  for (std::size_t t = 4; t < threads.size(); ++t) threads[t].join();
  EXPECT_EQ(memory.size(), 1600u);
  for (int t = 0; t < 4; ++t) {
    const auto matches = find(memory, "writer " + std::to_string(t) + " query 399", "Loaders");
    ASSERT_FALSE(matches.empty());
    EXPECT_EQ(matches[0].answer_id, "w-" + std::to_string(t * 1000 + 399));
  }
  EXPECT_GT(lookups.load(), 0);
}

}  // namespace
}  // namespace multitier::gateway
