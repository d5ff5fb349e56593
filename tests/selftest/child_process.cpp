#include "tests/selftest/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

extern char** environ;

namespace multitier::selftest {

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::vector<std::string>& extra_env) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e; ++e) env_storage.emplace_back(*e);
  for (const auto& e : extra_env) env_storage.push_back(e);
  std::vector<char*> env;
  for (auto& e : env_storage) env.push_back(e.data());
  env.push_back(nullptr);

  int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  out_fd_ = fds[0];
  if (rc != 0) {
    ::close(out_fd_);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
}

ChildProcess::~ChildProcess() {
  if (status_ < 0 && pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (wait(std::chrono::seconds(10)) < 0) ::kill(pid_, SIGKILL);
  }
  if (out_fd_ >= 0) ::close(out_fd_);
}

bool ChildProcess::read_some(std::chrono::milliseconds timeout) {
  if (out_fd_ < 0) return false;
  pollfd p{out_fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return true;
  char buf[65536];
  ssize_t n = ::read(out_fd_, buf, sizeof buf);
  if (n <= 0) {
    ::close(out_fd_);
    out_fd_ = -1;
    return false;
  }
  output_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::string ChildProcess::wait_for_line(const std::string& needle,
                                        std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto at = output_.find(needle, scanned_);
    if (at != std::string::npos) {
      auto begin = output_.rfind('\n', at);
      begin = begin == std::string::npos ? 0 : begin + 1;
      auto end = output_.find('\n', at);
      if (end != std::string::npos) {
        scanned_ = end + 1;
        return output_.substr(begin, end - begin);
      }
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return "";
    if (!read_some(std::min(left, std::chrono::milliseconds(100))) && out_fd_ < 0) {
      // Output closed: the line will never come unless it is already buffered without '\n'.
      at = output_.find(needle, scanned_);
      return at == std::string::npos ? "" : output_.substr(at);
    }
  }
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (status_ >= 0) return status_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int raw = 0;
    pid_t r = ::waitpid(pid_, &raw, WNOHANG);
    if (r == pid_) {
      while (read_some(std::chrono::milliseconds(0)) && out_fd_ >= 0) {
      }
      status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
      return status_;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &raw, 0);
      status_ = 128 + SIGKILL;
      return -1;
    }
    read_some(std::chrono::milliseconds(50));
  }
}

void ChildProcess::signal(int signo) { ::kill(pid_, signo); }

namespace {
// The build's paths, overridable from the environment (same names).
std::string setting(const char* name, const char* built_in) {
  const char* v = std::getenv(name);
  return v && *v ? v : built_in;
}
}  // namespace

std::string gateway_binary() {
  return setting("MULTITIER_SELFTEST_GATEWAY_BIN", MULTITIER_SELFTEST_GATEWAY_BIN);
}
std::string suite_binary() {
  return setting("MULTITIER_SELFTEST_SUITE_BIN", MULTITIER_SELFTEST_SUITE_BIN);
}
std::string corpus_file() {
  return setting("MULTITIER_SELFTEST_CORPUS", MULTITIER_SELFTEST_CORPUS);
}

std::string start_gateway(std::unique_ptr<ChildProcess>& process,
                          const std::vector<std::string>& flags) {
  return start_gateway_on(process, "127.0.0.1:0", flags);
}

std::string start_gateway_on(std::unique_ptr<ChildProcess>& process, const std::string& listen,
                             const std::vector<std::string>& flags,
                             std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {
      gateway_binary(),          "--listen", listen, "--threads", "2", "--corpus",
      "workers=" + corpus_file()};
  argv.insert(argv.end(), flags.begin(), flags.end());
  process = std::make_unique<ChildProcess>(argv);
  std::string line = process->wait_for_line("listening on ", timeout);
  if (line.empty())
    throw std::runtime_error("the reference gateway did not start; its output:\n" +
                             process->output());
  return line.substr(line.find("http://"));
}

}  // namespace multitier::selftest
