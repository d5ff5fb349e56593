// Durability of the playbook, counted the Jepsen way: several threads record into a gateway
// process, the gateway is SIGKILLed mid-stream and restarted on the same log, then every
// acknowledged record is looked up again. Acknowledged N, found again N, lost 0; records in
// flight at the kill may or may not be there. Also: a torn last line is dropped with a message
// on stderr, and DELETE of playbook_memory clears the log.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/gateway/test_support.h"

extern char** environ;

namespace multitier::gateway::testing {
namespace {

constexpr int kRecorders = 6;
constexpr int kMaxRecordsEach = 20000;  // a recorder also stops at its first failure
constexpr int kAcknowledgedBeforeKill = 2000;
constexpr auto kStartTimeout = std::chrono::seconds(120);

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Spawns multitier-gateway with `flags`, stdout discarded, stderr into `stderr_path`.
pid_t spawn_gateway(std::vector<std::string> flags, const std::string& stderr_path) {
  flags.insert(flags.begin(), MULTITIER_GATEWAY_BIN);
  std::vector<char*> argv;
  for (auto& a : flags) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) throw std::runtime_error("cannot spawn the gateway");
  return pid;
}

// A multitier-gateway process serving `corpus` (default the small one) with `flags`.
class GatewayProcess {
 public:
  GatewayProcess(const std::string& dir, std::vector<std::string> flags, std::string corpus = {}) {
    const std::string port_file = dir + "/url";
    stderr_path_ = dir + "/stderr-" + std::to_string(++starts_) + ".txt";
    std::filesystem::remove(port_file);
    if (corpus.empty()) corpus = corpus_file(kSmallCorpus);
    std::vector<std::string> args = {"--listen", "127.0.0.1:0",       "--threads",   "2",
                                     "--corpus", "workers=" + corpus, "--port-file", port_file};
    args.insert(args.end(), flags.begin(), flags.end());
    pid_ = spawn_gateway(args, stderr_path_);
    for (const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
         std::chrono::steady_clock::now() < deadline;) {
      std::ifstream in(port_file);
      if (in >> url_) return;
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("the gateway did not start: " + stderr_text());
  }
  ~GatewayProcess() { kill_now(); }
  GatewayProcess(const GatewayProcess&) = delete;
  GatewayProcess& operator=(const GatewayProcess&) = delete;

  void kill_now() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  const std::string& url() const { return url_; }
  std::string stderr_text() const { return read_file(stderr_path_); }

 private:
  static inline int starts_ = 0;
  pid_t pid_ = -1;
  std::string url_;
  std::string stderr_path_;
};

struct Recorded {
  std::string text;
  std::string answer;
};

Recorded recorded(int thread, int i) {
  char answer[16];
  std::snprintf(answer, sizeof answer, "w-%06d",
                1 + (thread * 7919 + i * 31) % static_cast<int>(kSmallCorpus));
  return {"crash test recorder " + std::to_string(thread) + " record " + std::to_string(i), answer};
}

std::string record_body(const Recorded& r) {
  return R"({"query_text":")" + r.text + R"(","role":"Pickers","answer_id":")" + r.answer +
         R"(","answer_corpus":"workers","score":1.0,"tags":["crash"]})";
}

std::uint64_t playbook_size(const std::string& url) {
  const auto health = parse_json(Client().get(url + "/health").body);
  const auto& indexes = health["indexes"];
  return indexes.HasMember("playbook_memory") ? indexes["playbook_memory"].GetUint64() : 0;
}

// A crash test gateway: the log at `log`, room for every record.
GatewayProcess crash_gateway(const std::string& dir, const std::string& log,
                             const std::string& sync) {
  return GatewayProcess(
      dir, {"--playbook-log", log, "--playbook-sync", sync, "--playbook-capacity", "200000"});
}

std::string test_dir(const std::string& name) {
  const auto dir = data_dir() / ("crash-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

class PlaybookCrash : public ::testing::TestWithParam<const char*> {};

TEST_P(PlaybookCrash, EveryAcknowledgedRecordSurvivesASigkill) {
  const std::string dir = test_dir(GetParam());
  const std::string log = dir + "/playbook.jsonl";
  GatewayProcess first = crash_gateway(dir, log, GetParam());

  std::vector<std::vector<Recorded>> acked(kRecorders);
  std::atomic<int> acked_total{0};
  std::vector<std::thread> recorders;
  for (int t = 0; t < kRecorders; ++t) {
    recorders.emplace_back([&, t] {
      Client client;
      for (int i = 0; i < kMaxRecordsEach; ++i) {
        const Recorded r = recorded(t, i);
        if (client.post(first.url() + "/v1/matrix/playbooks/record", record_body(r)).status != 200)
          return;
        acked[static_cast<std::size_t>(t)].push_back(r);
        ++acked_total;
      }
    });
  }
  for (const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
       acked_total < kAcknowledgedBeforeKill && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  first.kill_now();  // mid-stream: every recorder has a record in flight
  for (auto& thread : recorders) thread.join();

  // A crash can also cut a write short; the restart must drop that line and say so.
  const std::string torn =
      R"({"query_text":"crash test torn line","role":"Pickers","answer_id":"w-0)";
  std::ofstream(log, std::ios::app | std::ios::binary) << torn;

  GatewayProcess second = crash_gateway(dir, log, GetParam());
  EXPECT_NE(second.stderr_text().find("dropped a torn last line (" + std::to_string(torn.size()) +
                                      " bytes"),
            std::string::npos)
      << second.stderr_text();
  std::size_t acknowledged = 0;
  std::size_t found = 0;
  Client client;
  for (const auto& list : acked) {
    for (const Recorded& r : list) {
      ++acknowledged;
      const auto answer =
          parse_json(client
                         .post(second.url() + "/v1/matrix/search",
                               search_body(r.text, "Pickers", 1, "\"use_playbook\":true"))
                         .body);
      const auto ids = result_ids(answer);
      found += !ids.empty() && ids[0] == r.answer;
    }
  }
  const std::uint64_t present = playbook_size(second.url());
  std::printf(
      "crash test (sync %s): acknowledged %zu, found again %zu, lost %zu; entries after restart "
      "%llu "
      "(%lld unacknowledged records present)\n",
      GetParam(), acknowledged, found, acknowledged - found,
      static_cast<unsigned long long>(present),
      static_cast<long long>(present) - static_cast<long long>(acknowledged));
  ::testing::Test::RecordProperty("acknowledged", static_cast<int>(acknowledged));
  ::testing::Test::RecordProperty("found_again", static_cast<int>(found));
  EXPECT_GE(acknowledged, static_cast<std::size_t>(kAcknowledgedBeforeKill));
  EXPECT_EQ(found, acknowledged);
  EXPECT_GE(present, acknowledged);
  EXPECT_LE(present, acknowledged + kRecorders);  // at most one in flight per recorder
}

INSTANTIATE_TEST_SUITE_P(Sync, PlaybookCrash, ::testing::Values("batch", "always", "none"),
                         [](const auto& info) { return std::string(info.param); });

TEST(PlaybookLogCli, DeleteClearsTheLogAndRecordsReplayAfterARestart) {
  const std::string dir = test_dir("delete");
  const std::string log = dir + "/playbook.jsonl";
  {
    GatewayProcess gateway = crash_gateway(dir, log, "batch");
    Client client;
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(
          client.post(gateway.url() + "/v1/matrix/playbooks/record", record_body(recorded(0, i)))
              .status,
          200);
    }
    ASSERT_EQ(
        client.post(gateway.url() + "/v1/matrix/playbooks/record", record_body(recorded(0, 1)))
            .status,
        200);
    EXPECT_EQ(playbook_size(gateway.url()), 3u);  // the repeat updated its entry
    const auto stats = parse_json(client.get(gateway.url() + "/stats").body);
    EXPECT_EQ(stats["playbook"]["inserts"].GetUint64(), 3u);
    EXPECT_EQ(stats["playbook"]["updates"].GetUint64(), 1u);
    EXPECT_EQ(stats["playbook"]["log"]["lines"].GetUint64(), 4u);
    gateway.kill_now();
  }
  {
    GatewayProcess gateway = crash_gateway(dir, log, "batch");
    EXPECT_EQ(playbook_size(gateway.url()), 3u);
    EXPECT_NE(gateway.stderr_text().find("playbook: replayed 4 records"), std::string::npos)
        << gateway.stderr_text();
    EXPECT_EQ(Client().send("DELETE", gateway.url() + "/vectors/index/playbook_memory").status,
              200);
    EXPECT_EQ(std::filesystem::file_size(log), 0u);  // the 200 came after the truncation was synced
    gateway.kill_now();
  }
  GatewayProcess gateway = crash_gateway(dir, log, "batch");
  EXPECT_EQ(playbook_size(gateway.url()), 0u);
}

// Runs the gateway to its exit (bounded: it is killed after kStartTimeout); returns the status.
int exit_status(const std::vector<std::string>& flags, const std::string& stderr_path) {
  const pid_t pid = spawn_gateway(flags, stderr_path);
  int status = 0;
  for (const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;;) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

TEST(PlaybookLogCli, BadFlagsExitTwoAndALogInUseIsFatalOnlyWhenNamed) {
  const std::string dir = test_dir("cli");
  const std::string err = dir + "/stderr.txt";
  EXPECT_EQ(exit_status({"--playbook-sync", "sometimes"}, err), 2);
  EXPECT_NE(read_file(err).find("--playbook-sync must be none, batch or always"), std::string::npos)
      << read_file(err);
  EXPECT_EQ(exit_status({"--playbook-log", ""}, err), 2);

  // A named log held by a running gateway: a second one on it exits 1, naming the reason.
  const std::string log = dir + "/named.jsonl";
  GatewayProcess holder(dir, {"--playbook-log", log});
  EXPECT_EQ(exit_status({"--listen", "127.0.0.1:0", "--corpus",
                         "workers=" + corpus_file(kSmallCorpus), "--playbook-log", log},
                        err),
            1);
  EXPECT_NE(read_file(err).find("is in use by another gateway"), std::string::npos)
      << read_file(err);

  // The default log beside the corpus: a second gateway on the same corpus warns and serves
  // from memory, so several test gateways may share one corpus file.
  const std::string corpus = dir + "/workers.jsonl";
  std::filesystem::copy_file(corpus_file(kSmallCorpus), corpus);
  GatewayProcess first(dir, {}, corpus);
  GatewayProcess second(dir, {}, corpus);
  EXPECT_NE(second.stderr_text().find("kept in memory only"), std::string::npos)
      << second.stderr_text();
  Client client;
  const auto durable = parse_json(client.get(first.url() + "/stats").body);
  EXPECT_STREQ(durable["playbook"]["log"]["path"].GetString(),
               (corpus + ".playbook.jsonl").c_str());
  EXPECT_TRUE(parse_json(client.get(second.url() + "/stats").body)["playbook"]["log"].IsNull());
}

}  // namespace
}  // namespace multitier::gateway::testing
