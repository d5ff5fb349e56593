// The playbook's durable log in-process: replay gives back the memory's entries, torn and
// corrupt lines, compaction in step with eviction, DELETE's clear, the lock, every sync policy.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include "fixtures/gateway/playbook_log.h"
#include "tests/gateway/test_support.h"

namespace multitier::gateway::testing {
namespace {

PlaybookRecord make(int i, const std::string& text_prefix = "log test query ") {
  return PlaybookRecord{text_prefix + std::to_string(i),
                        "Pickers",
                        "w-" + std::to_string(i % 500),
                        "workers",
                        0.5 + i,
                        {"t" + std::to_string(i % 3)}};
}

std::string fresh_log(const std::string& name) {
  const auto dir = data_dir() / ("playbook-log-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / name;
  for (const char* suffix : {"", ".lock", ".compact"})
    std::filesystem::remove(path.string() + suffix);
  return path.string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool durable(PlaybookLog& log, std::uint64_t ticket) {
  std::promise<bool> done;
  log.when_durable(ticket, [&](bool ok) { done.set_value(ok); });
  return done.get_future().get();
}

// Records into a memory journalled to a log at `path`; returns the memory's entries.
std::vector<PlaybookRecord> record_into(const std::string& path, SyncPolicy policy,
                                        std::size_t capacity, int count,
                                        LogStats* stats = nullptr) {
  PlaybookLog log(path, policy, capacity);
  PlaybookMemory memory(capacity, &log);
  log.replay([&](const PlaybookRecord& r) { memory.record(r, false); });
  log.start();
  std::uint64_t last = 0;
  for (int i = 0; i < count; ++i) last = memory.record(make(i))->ticket;
  EXPECT_TRUE(durable(log, last));
  log.stop();
  if (stats) *stats = log.stats();
  return memory.entries();
}

std::vector<PlaybookRecord> replay(const std::string& path, std::size_t capacity,
                                   ReplayReport* report = nullptr) {
  PlaybookLog log(path, SyncPolicy::batch, capacity);
  PlaybookMemory memory(capacity, &log);
  const ReplayReport r = log.replay([&](const PlaybookRecord& rec) { memory.record(rec, false); });
  if (report) *report = r;
  return memory.entries();
}

void expect_same(const std::vector<PlaybookRecord>& a, const std::vector<PlaybookRecord>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(log_line(a[i]), log_line(b[i])) << i;
}

TEST(PlaybookLog, LinesRoundTripAndBadLinesAreRefused) {
  const PlaybookRecord r{
      "Need 2 \"Pickers\" in Joliet\n", "Pickers", "w-000001", "workers", 1.25, {"a", "b"}};
  const auto back = parse_log_line(log_line(r));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(log_line(*back), log_line(r));
  EXPECT_EQ(log_line(r).find('\n'), std::string::npos);  // one record, one line
  for (const char* bad : {"", "{", R"({"query_text":"q"})", "\x00\x00\x00", "[]"})
    EXPECT_FALSE(parse_log_line(bad)) << bad;
}

TEST(PlaybookLog, ReplayGivesBackTheMemoryUnderEveryPolicy) {
  for (SyncPolicy policy : {SyncPolicy::none, SyncPolicy::batch, SyncPolicy::always}) {
    const auto path =
        fresh_log(std::string("policy-") + std::string(sync_policy_name(policy)) + ".jsonl");
    LogStats stats;
    const auto recorded = record_into(path, policy, 1000, 300, &stats);
    EXPECT_EQ(stats.lines, 300u);
    EXPECT_EQ(stats.syncs == 0, policy == SyncPolicy::none);
    if (policy == SyncPolicy::always) {
      EXPECT_EQ(stats.syncs, 300u);
    }
    ReplayReport report;
    expect_same(replay(path, 1000, &report), recorded);
    EXPECT_EQ(report.records, 300u);
    EXPECT_EQ(report.torn_bytes + report.corrupt_lines, 0u);
  }
}

TEST(PlaybookLog, TornLastLineIsDroppedAndCutOff) {
  const auto path = fresh_log("torn.jsonl");
  const auto recorded = record_into(path, SyncPolicy::batch, 100, 3);
  const std::string good = read_file(path);
  const std::string partial = log_line(make(99)).substr(0, 40);
  std::ofstream(path, std::ios::app) << partial;
  ReplayReport report;
  expect_same(replay(path, 100, &report), recorded);
  EXPECT_EQ(report.torn_bytes, partial.size());
  EXPECT_EQ(read_file(path), good);  // appends start on a clean line again
}

TEST(PlaybookLog, CorruptLinesAreSkippedAndTheLogRewritten) {
  const auto path = fresh_log("corrupt.jsonl");
  record_into(path, SyncPolicy::batch, 100, 2);
  std::ofstream(path, std::ios::app) << std::string(16, '\0') << "\n" << log_line(make(7)) << "\n";
  ReplayReport report;
  const auto entries = replay(path, 100, &report);
  EXPECT_EQ(report.records, 3u);
  EXPECT_EQ(report.corrupt_lines, 1u);
  EXPECT_EQ(entries.size(), 3u);
  EXPECT_EQ(read_file(path).find('\0'), std::string::npos);
  ReplayReport again;
  replay(path, 100, &again);
  EXPECT_EQ(again.corrupt_lines, 0u);
}

TEST(PlaybookLog, CompactionKeepsExactlyTheLiveEntries) {
  const auto path = fresh_log("compact.jsonl");
  LogStats stats;
  const auto recorded = record_into(path, SyncPolicy::batch, 100, 6000, &stats);
  EXPECT_EQ(recorded.size(), 100u);
  EXPECT_GE(stats.compactions, 1u);
  EXPECT_LE(stats.lines,
            2 * 1024u);  // compacted after any batch leaving more than 2 x max(live, 1024)
  expect_same(replay(path, 100), recorded);
}

TEST(PlaybookLog, ClearEmptiesTheFile) {
  const auto path = fresh_log("clear.jsonl");
  PlaybookLog log(path, SyncPolicy::batch, 100);
  PlaybookMemory memory(100, &log);
  log.replay([](const PlaybookRecord&) {});
  log.start();
  for (int i = 0; i < 10; ++i) memory.record(make(i));
  EXPECT_TRUE(durable(log, memory.close()));
  EXPECT_EQ(std::filesystem::file_size(path), 0u);
  PlaybookMemory next(100, &log);
  EXPECT_TRUE(durable(log, next.record(make(42))->ticket));
  log.stop();
  EXPECT_EQ(read_file(path), log_line(make(42)) + "\n");
}

TEST(PlaybookLog, OneGatewayPerLog) {
  const auto path = fresh_log("locked.jsonl");
  PlaybookLog first(path, SyncPolicy::batch, 10);
  try {
    PlaybookLog second(path, SyncPolicy::batch, 10);
    FAIL() << "a second writer must be refused";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("in use by another gateway"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace multitier::gateway::testing
