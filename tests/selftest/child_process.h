// Runs another program of the project for a self-test: its stdout (and stderr, merged) is read
// through a pipe; the destructor terminates and reaps it, so no test leaves a process behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace multitier::selftest {

class ChildProcess {
 public:
  // Starts `argv[0]` with `argv`; extra_env entries ("NAME=value") are added to the environment.
  explicit ChildProcess(const std::vector<std::string>& argv,
                        const std::vector<std::string>& extra_env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Reads output until a line contains `needle` or `timeout` passes; returns that line or "".
  std::string wait_for_line(const std::string& needle, std::chrono::milliseconds timeout);
  // Reads all output until the process exits (or `timeout`, then kills it); returns its exit
  // status (128 + signal when killed by one).
  int wait(std::chrono::milliseconds timeout);
  void signal(int signo);
  pid_t pid() const { return pid_; }
  const std::string& output() const { return output_; }

 private:
  bool read_some(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int status_ = -1;
  std::string output_;
  std::size_t scanned_ = 0;
};

// The project's binaries and the self-test corpus, from the environment CTest sets.
std::string gateway_binary();
std::string suite_binary();
std::string corpus_file();

// Starts a reference gateway on a free loopback port with the given extra flags and returns
// its URL; `process` keeps it alive.
std::string start_gateway(std::unique_ptr<ChildProcess>& process,
                          const std::vector<std::string>& flags);

// As start_gateway, listening on `listen` ("127.0.0.1:PORT"). Throws when the gateway exits
// before it listens (e.g. the port is taken) or does not listen within `timeout`.
std::string start_gateway_on(std::unique_ptr<ChildProcess>& process, const std::string& listen,
                             const std::vector<std::string>& flags,
                             std::chrono::milliseconds timeout = std::chrono::seconds(300));

}  // namespace multitier::selftest
