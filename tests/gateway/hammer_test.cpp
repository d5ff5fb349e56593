// The playbook under concurrent writes and reads, the failure the original stack died of: many
// threads record into an empty playbook_memory while others search with use_playbook. Zero
// errors allowed, and every recorded answer must come back first afterwards; once in memory
// only, once with the durable log. Also run under ThreadSanitizer (label tsan), so it stays small.
#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "tests/gateway/test_support.h"

namespace multitier::gateway::testing {
namespace {

constexpr int kRecorders = 8;
constexpr int kSearchers = 4;
constexpr int kRecordsEach = 40;

struct Recorded {
  std::string text;
  std::string role;
  std::string answer;
};

Recorded recorded(int thread, int i) {
  static const char* const roles[] = {"Forklift Operator", "Pickers", "Loaders", "Packers"};
  const std::string role = roles[(thread + i) % 4];
  char answer[16];
  std::snprintf(answer, sizeof answer, "w-%06d", 1 + (thread * kRecordsEach + i) * 7 % 2000);
  return {"Need " + std::to_string(1 + i % 5) + " " + role + " in Detroit MI [run-" +
              std::to_string(thread) + "-" + std::to_string(i) + "]",
          role, answer};
}

std::string record_body(const Recorded& r) {
  return R"({"query_text":")" + r.text + R"(","role":")" + r.role + R"(","answer_id":")" +
         r.answer + R"(","answer_corpus":"workers","score":1.0,"tags":["hammer"]})";
}

// `log`: the playbook's durable log (records then answer from its writer thread), or none.
void hammer(const std::string& log) {
  // A sequential build: hnswlib's parallel insert races by design, which ThreadSanitizer reports.
  LoadOptions load;
  load.threads = 1;
  GatewayConfig config;
  config.threads = 4;
  config.preloaded.push_back(Corpus::load("workers", corpus_file(2000), load));
  config.engine.playbook_log = log;
  LiveGateway gateway(std::move(config));
  ASSERT_EQ(Client().get(gateway.url() + "/health").body,
            R"({"status":"ok","indexes":{"workers":2000,"playbook_memory":0}})");

  std::atomic<int> errors{0};
  std::atomic<int> searches{0};
  std::atomic<int> recorders_left{kRecorders};
  std::vector<std::string> error_samples(kRecorders + kSearchers);
  std::vector<std::thread> threads;
  for (int t = 0; t < kRecorders; ++t) {
    threads.emplace_back([&, t] {
      Client client;
      for (int i = 0; i < kRecordsEach; ++i) {
        const Response r =
            client.post(gateway.url() + "/v1/matrix/playbooks/record", record_body(recorded(t, i)));
        if (r.status != 200) {
          ++errors;
          error_samples[static_cast<std::size_t>(t)] =
              std::to_string(r.status) + " " + r.body + r.error;
        }
      }
      --recorders_left;
    });
  }
  for (int s = 0; s < kSearchers; ++s) {
    threads.emplace_back([&, s] {
      Client client;
      for (int i = 0; recorders_left > 0; ++i) {
        const Recorded r = recorded((s + i) % kRecorders, i % kRecordsEach);
        const Response res =
            client.post(gateway.url() + "/v1/matrix/search",
                        search_body(r.text, r.role, 3, "\"per_corpus_k\":3,\"use_playbook\":true"));
        ++searches;
        if (res.status != 200 || result_ids(parse_json(res.body)).size() != 3) {
          ++errors;
          error_samples[static_cast<std::size_t>(kRecorders + s)] =
              std::to_string(res.status) + " " + res.body + res.error;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& sample : error_samples) EXPECT_TRUE(sample.empty()) << sample;
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(searches.load(), 0);

  Client client;
  EXPECT_EQ(client.get(gateway.url() + "/health").body,
            R"({"status":"ok","indexes":{"workers":2000,"playbook_memory":)" +
                std::to_string(kRecorders * kRecordsEach) + "}}");
  for (int t = 0; t < kRecorders; ++t) {
    for (int i = 0; i < kRecordsEach; ++i) {
      const Recorded r = recorded(t, i);
      const Response res =
          client.post(gateway.url() + "/v1/matrix/search",
                      search_body(r.text, r.role, 3, "\"per_corpus_k\":3,\"use_playbook\":true"));
      ASSERT_EQ(res.status, 200) << res.body;
      const auto doc = parse_json(res.body);
      ASSERT_FALSE(result_ids(doc).empty());
      EXPECT_EQ(result_ids(doc)[0], r.answer) << r.text;
      EXPECT_GE((doc.HasMember("playbook_boosted") ? doc["playbook_boosted"].GetInt() : 0) +
                    (doc.HasMember("playbook_injected") ? doc["playbook_injected"].GetInt() : 0),
                1);
    }
  }
}

TEST(PlaybookHammer, ConcurrentRecordsAndSearchesNeverFail) { hammer(""); }

TEST(PlaybookHammer, ConcurrentDurableRecordsAndSearchesNeverFail) {
  const auto log = data_dir() / ("hammer-" + std::to_string(::getpid()) + ".playbook.jsonl");
  hammer(log.string());
  std::filesystem::remove(log);
  std::filesystem::remove(log.string() + ".lock");
}

}  // namespace
}  // namespace multitier::gateway::testing
