// The playbook memory on its own: matching rules, updates, eviction, compaction, concurrent use.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "fixtures/gateway/embedding.h"
#include "fixtures/gateway/playbook.h"

namespace multitier::gateway {
namespace {

PlaybookRecord make(const std::string& text, const std::string& role, const std::string& answer,
                    const std::string& corpus = "workers") {
  return PlaybookRecord{text, role, answer, corpus, 1.0, {"test"}};
}

std::vector<PlaybookMatch> find(const PlaybookMemory& memory, const std::string& text,
                                const std::string& role, std::size_t limit = 10) {
  const auto query = embed(query_embedding_text(text, role));
  return memory.lookup(text, role, query.data(), limit);
}

TEST(PlaybookMemory, IdenticalQueryTextMatchesWhateverTheRole) {
  PlaybookMemory memory(100);
  EXPECT_EQ(memory.record(make("Need 3 Pickers in Joliet IL", "Pickers", "w-000007"))->live, 1u);
  const auto matches = find(memory, "Need 3 Pickers in Joliet IL", "Welder");
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].answer_id, "w-000007");
  EXPECT_TRUE(matches[0].exact);
}

TEST(PlaybookMemory, SimilarQueryOfTheSameRoleMatches) {
  PlaybookMemory memory(100);
  memory.record(make("Need 3 Forklift Operator in Detroit MI for Beacon Freight",
                     "Forklift Operator", "w-000001"));
  const auto same_role = find(memory, "Need 3 Forklift Operator in Detroit MI for Beacon Freight!",
                              "forklift operator");
  ASSERT_EQ(same_role.size(), 1u);
  EXPECT_FALSE(same_role[0].exact);
  EXPECT_GE(same_role[0].similarity, kPlaybookSimilarity);
  EXPECT_TRUE(
      find(memory, "Need 3 Forklift Operator in Detroit MI for Beacon Freight!", "Welder").empty());
  EXPECT_TRUE(
      find(memory, "CNC Operator with Haas Controls in Omaha", "Forklift Operator").empty());
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
    const auto size =
        memory
            .record(make("query number " + std::to_string(i), "Pickers", "w-" + std::to_string(i)))
            ->live;
    ASSERT_EQ(size, std::min<std::size_t>(static_cast<std::size_t>(i) + 1, 50u));
  }
  EXPECT_EQ(memory.size(), 50u);
  EXPECT_TRUE(find(memory, "query number 0", "").empty() ||
              find(memory, "query number 0", "")[0].answer_id != "w-0");
  const auto latest = find(memory, "query number 4999", "Pickers");
  ASSERT_FALSE(latest.empty());
  EXPECT_EQ(latest[0].answer_id, "w-4999");
}

TEST(PlaybookMemory, RecordingTheSameAnswerAgainUpdatesTheEntry) {
  PlaybookMemory memory(100);
  EXPECT_FALSE(memory.record(make("q", "Pickers", "w-1"))->updated);
  memory.record(make("q", "Pickers", "w-2"));
  PlaybookRecord again = make("q", "Loaders", "w-1");
  again.score = 0.5;
  const auto outcome = memory.record(again);
  EXPECT_TRUE(outcome->updated);
  EXPECT_EQ(outcome->live, 2u);
  const auto entries = memory.entries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].answer_id, "w-1");  // the update made it the newest
  EXPECT_EQ(entries[1].role, "Loaders");
  EXPECT_EQ(entries[1].score, 0.5);
  EXPECT_EQ(find(memory, "q", "")[0].answer_id, "w-1");
  EXPECT_FALSE(
      memory.record(make("q", "", "w-1", "other"))->updated);  // another corpus, another key
}

// An update of the same text and role keeps its vector in the graph (it is not re-added); an
// update that changes the role moves the entry to the new role's vector.
TEST(PlaybookMemory, UpdatesKeepSimilarMatchesOfTheirRole) {
  const std::string text = "Need 3 Forklift Operator in Detroit MI for Beacon Freight";
  const std::string similar = text + "!";
  PlaybookMemory memory(100);
  memory.record(make(text, "Forklift Operator", "w-000001"));
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(memory.record(make(text, "Forklift Operator", "w-000001"))->updated);
  }
  const auto kept = find(memory, similar, "forklift operator");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_FALSE(kept[0].exact);
  EXPECT_GE(kept[0].similarity, kPlaybookSimilarity);

  EXPECT_TRUE(memory.record(make(text, "Welder", "w-000001"))->updated);
  EXPECT_TRUE(find(memory, similar, "forklift operator").empty());
  const auto moved = find(memory, similar, "Welder");
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_EQ(memory.size(), 1u);
  // The similarity is the one a memory that only ever saw the Welder record gives.
  PlaybookMemory fresh(100);
  fresh.record(make(text, "Welder", "w-000001"));
  const auto expected = find(fresh, similar, "Welder");
  ASSERT_EQ(expected.size(), 1u);
  EXPECT_FLOAT_EQ(moved[0].similarity, expected[0].similarity);
}

TEST(PlaybookMemory, EvictsTheLeastRecentlyRecorded) {
  PlaybookMemory memory(3);
  for (const char* id : {"w-1", "w-2", "w-3"}) memory.record(make("q " + std::string(id), "", id));
  memory.record(make("q w-1", "", "w-1"));  // re-recorded: now the newest
  const auto outcome = memory.record(make("q w-4", "", "w-4"));
  EXPECT_EQ(outcome->evicted, 1u);
  std::vector<std::string> ids;
  for (const auto& e : memory.entries()) ids.push_back(e.answer_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"w-3", "w-1", "w-4"}));
}

TEST(PlaybookMemory, GraphStaysBoundedUnderALongStreamOfNewTexts) {
  PlaybookMemory memory(500);
  std::size_t most_slots = 0;
  for (int i = 0; i < 20000; ++i) {
    memory.record(
        make("stream text " + std::to_string(i), "Packers", "w-" + std::to_string(i % 3000)));
    most_slots = std::max(most_slots, memory.graph_slots());
  }
  EXPECT_EQ(memory.size(), 500u);
  EXPECT_EQ(most_slots, 500u);  // evicted entries' slots are reused: never more than the capacity
  EXPECT_EQ(find(memory, "stream text 19999", "Packers")[0].answer_id,
            "w-" + std::to_string(19999 % 3000));
  // The reused slots still make a searchable graph: the same words in other bytes (not an exact
  // text match) find each live entry through it.
  int found = 0;
  for (int i = 19500; i < 20000; ++i) {
    const auto matches = find(memory, "STREAM TEXT " + std::to_string(i), "Packers", 1);
    found += !matches.empty() && !matches[0].exact &&
             matches[0].answer_id == "w-" + std::to_string(i % 3000);
  }
  EXPECT_GE(found, 475);
}

TEST(PlaybookMemory, ClosedMemoryRefusesRecords) {
  PlaybookMemory memory(10);
  memory.record(make("q", "", "w-1"));
  EXPECT_EQ(memory.close(), 0u);  // no journal, no ticket
  EXPECT_FALSE(memory.record(make("q", "", "w-2")).has_value());
  EXPECT_EQ(memory.size(), 1u);
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
