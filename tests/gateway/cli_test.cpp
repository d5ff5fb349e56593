// The two executables as a user runs them: output, flags, exit codes, signals.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "multitier/corpus/generator.h"
#include "tests/gateway/test_support.h"

extern char** environ;

namespace multitier::gateway::testing {
namespace {

// A child process with its stdout on a pipe and its stderr in a file.
class Child {
 public:
  explicit Child(std::vector<std::string> args) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    stderr_path_ = (data_dir() / ("cli-stderr-" + std::to_string(getpid()) + ".txt")).string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addopen(&actions, 2, stderr_path_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error("spawn failed");
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      wait();
    }
    close(out_);
  }
  std::string read_line() {
    std::string line;
    char c;
    while (read(out_, &c, 1) == 1 && c != '\n') line.push_back(c);
    return line;
  }
  std::string read_all() {
    std::string all;
    char buffer[65536];
    for (ssize_t n; (n = read(out_, buffer, sizeof buffer)) > 0;)
      all.append(buffer, static_cast<std::size_t>(n));
    return all;
  }
  void signal(int sig) { kill(pid_, sig); }
  int wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string stderr_text() const {
    std::ifstream in(stderr_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string stderr_path_;
};

TEST(CorpusCli, StdoutAndOutFileMatchTheLibrary) {
  Child child({MULTITIER_CORPUS_BIN, "--count", "50", "--seed", "9"});
  EXPECT_EQ(child.read_all(), corpus::generate_corpus(50, 9));
  EXPECT_EQ(child.wait(), 0);
  const auto path = (data_dir() / "cli-corpus.jsonl").string();
  Child to_file({MULTITIER_CORPUS_BIN, "--count", "20", "--seed", "9", "--out", path});
  EXPECT_EQ(to_file.wait(), 0);
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_EQ(s.str(), corpus::generate_corpus(20, 9));
}

TEST(CorpusCli, BadFlagsExitTwoWithAReason) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--count", "x"}, {"--bogus"}, {}, {"--count", "0"}}) {
    args.insert(args.begin(), MULTITIER_CORPUS_BIN);
    Child child(args);
    EXPECT_EQ(child.wait(), 2) << args.back();
    EXPECT_NE(child.stderr_text().find("multitier-corpus: "), std::string::npos);
  }
}

TEST(GatewayCli, HelpIsCompleteAndBadFlagsExitTwo) {
  Child help({MULTITIER_GATEWAY_BIN, "--help"});
  const std::string text = help.read_all();
  EXPECT_EQ(help.wait(), 0);
  for (const char* flag :
       {"--listen", "--threads", "--corpus", "--fault", "--fault-seed", "--port-file",
        "--cache-entries", "--playbook-capacity", "--index-threads", "--require-token"}) {
    EXPECT_NE(text.find(flag), std::string::npos) << flag;
  }
  for (std::vector<std::string> args : {std::vector<std::string>{"--listen", "nonsense"},
                                        {"--fault", "search:explode"},
                                        {"--corpus", "no-path"},
                                        {"--bogus"},
                                        {"--threads", "0"},
                                        {"--corpus", "playbook_memory=x.jsonl"}}) {
    args.insert(args.begin(), MULTITIER_GATEWAY_BIN);
    Child child(args);
    EXPECT_EQ(child.wait(), 2) << args[1] << " " << (args.size() > 2 ? args[2] : "");
    EXPECT_NE(child.stderr_text().find("multitier-gateway: "), std::string::npos);
  }
}

TEST(GatewayCli, MissingCorpusFileExitsOne) {
  Child child({MULTITIER_GATEWAY_BIN, "--listen", "127.0.0.1:0", "--corpus",
               "workers=/nonexistent/w.jsonl"});
  EXPECT_EQ(child.wait(), 1);
  EXPECT_NE(child.stderr_text().find("cannot open corpus file"), std::string::npos);
}

TEST(GatewayCli, RequireTokenRefusesAMissingOrEmptyFileWithExitTwo) {
  const auto empty = (data_dir() / "cli-token-empty.txt").string();
  std::ofstream(empty, std::ios::trunc) << " \n";
  const auto missing = (data_dir() / "cli-token-missing.txt").string();
  std::remove(missing.c_str());
  for (const auto& [path, reason] :
       {std::pair{missing, "cannot be read"}, std::pair{empty, "is empty"}}) {
    Child child({MULTITIER_GATEWAY_BIN, "--listen", "127.0.0.1:0", "--require-token", path});
    EXPECT_EQ(child.wait(), 2) << path;
    const std::string err = child.stderr_text();
    EXPECT_NE(err.find("multitier-gateway: --require-token file '" + path + "' " + reason),
              std::string::npos)
        << err;
  }
  // The same through the environment fallback.
  ::setenv("MULTITIER_GATEWAY_REQUIRE_TOKEN", empty.c_str(), 1);
  Child from_env({MULTITIER_GATEWAY_BIN, "--listen", "127.0.0.1:0"});
  ::unsetenv("MULTITIER_GATEWAY_REQUIRE_TOKEN");
  EXPECT_EQ(from_env.wait(), 2);
  EXPECT_NE(from_env.stderr_text().find("is empty"), std::string::npos) << from_env.stderr_text();
}

TEST(GatewayCli, RequireTokenAnswers401WithoutItAndNeverPrintsIt) {
  const std::string token = "cli-tok-9d2e4f6a8b";
  const auto token_file = (data_dir() / "cli-token.txt").string();
  std::ofstream(token_file, std::ios::trunc) << token << "\n";
  Child child({MULTITIER_GATEWAY_BIN, "--listen", "127.0.0.1:0", "--threads", "1", "--corpus",
               "workers=" + corpus_file(kSmallCorpus), "--require-token", token_file});
  const std::string line = child.read_line();
  std::smatch match;
  ASSERT_TRUE(
      std::regex_match(line, match, std::regex(R"(multitier-gateway listening on (http://\S+))")))
      << line << child.stderr_text();
  Client client;
  const Response refused = client.get(match[1].str() + "/health");
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.headers.count("www-authenticate") ? refused.headers.at("www-authenticate") : "",
            "Bearer");
  const Response wrong =
      client.send("GET", match[1].str() + "/health", {}, {"Authorization: Bearer " + token + "0"});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(
      client.send("GET", match[1].str() + "/health", {}, {"Authorization: Bearer " + token}).status,
      200);
  child.signal(SIGTERM);
  EXPECT_EQ(child.wait(), 0);
  for (const std::string& text : {line, refused.body, wrong.body, child.stderr_text()}) {
    EXPECT_EQ(text.find(token), std::string::npos) << text;
  }
}

TEST(GatewayCli, ServesOnceReadyAndExitsZeroOnSignals) {
  for (int sig : {SIGTERM, SIGINT}) {
    const auto port_file = (data_dir() / ("cli-url-" + std::to_string(getpid()))).string();
    std::remove(port_file.c_str());
    Child child({MULTITIER_GATEWAY_BIN, "--listen", "127.0.0.1:0", "--threads", "2", "--corpus",
                 "workers=" + corpus_file(kSmallCorpus), "--port-file", port_file});
    const std::string line = child.read_line();
    std::smatch match;
    ASSERT_TRUE(std::regex_match(
        line, match, std::regex(R"(multitier-gateway listening on (http://127\.0\.0\.1:(\d+)))")))
        << line << child.stderr_text();
    std::ifstream in(port_file);
    std::string url;
    in >> url;
    EXPECT_EQ(url, match[1].str());
    EXPECT_EQ(Client().get(url + "/health").body,
              R"({"status":"ok","indexes":{"workers":3000,"playbook_memory":0}})");
    child.signal(sig);
    EXPECT_EQ(child.wait(), 0) << child.stderr_text();
  }
}

}  // namespace
}  // namespace multitier::gateway::testing
