// The suite's own main(): GoogleTest takes its flags first, the suite's options take the rest
// (an unknown or malformed one exits 2), the report folder is checked before any load, the
// gateway environment probes before any case, and the final reports are written after the last
// case, whatever happened: marked partial and failed after an interruption, with the reason
// when the gateway could not be reached.
#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string_view>

#include "multitier/environment/report_listener.h"
#include "multitier/environment/suite_environment.h"

extern char** environ;

namespace {

std::atomic<bool>* g_stop = nullptr;
std::atomic<long long> g_first_signal_ns{0};  // lock-free, so safe in a handler

long long monotonic_ns() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
  return static_cast<long long>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// First SIGINT/SIGTERM: ask the VUs to stop and let main() write a partial report. Signals
// within a second of the first count as the same one: `timeout -s INT` and a terminal's Ctrl-C
// both signal the whole process group, so two arrive together. A later one leaves at once.
void on_signal(int) {
  const long long now = monotonic_ns();
  long long expected = 0;
  if (!g_first_signal_ns.compare_exchange_strong(expected, now)) {
    if (now - expected >= 1'000'000'000) ::_exit(130);
    return;
  }
  if (g_stop) g_stop->store(true);
  static const char kMessage[] =
      "\nmultitier: interrupted; stopping and writing a partial report (a second signal, a second "
      "later, quits at once)\n";
  ssize_t ignored = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  (void)ignored;
}

void install_signal_handlers(std::atomic<bool>& stop) {
  g_stop = &stop;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool asks_for_help(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--help" || a == "-h" || a == "-?" || a == "/?") return true;
  }
  return false;
}

// Creates the folder and a file in it, so an unusable --report-dir is found before the load.
std::string report_dir_problem(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return "cannot create it: " + ec.message();
  if (!std::filesystem::is_directory(dir, ec)) return "it is not a folder";
  const auto probe = std::filesystem::path(dir) / ".multitier-write-check";
  {
    std::ofstream out(probe);
    if (!out || !(out << "x") || !out.flush()) return "cannot write a file in it";
  }
  std::filesystem::remove(probe, ec);
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  const bool help = asks_for_help(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (help) {
    std::cout << "\n" << multitier::options_help();
    return 0;
  }
  // Listing the cases (CTest discovery) runs nothing, so no run option can be wrong for it:
  // a bad MULTITIER_* value is reported when a run starts, not while tests are discovered.
  if (GTEST_FLAG_GET(list_tests)) return RUN_ALL_TESTS();

  multitier::Options options;
  auto parsed = multitier::parse_options(argc, argv, environ, options);
  if (parsed.action == multitier::ParseOutcome::Action::version) {
    std::cout << parsed.message << "\n";
    return 0;
  }
  if (parsed.action == multitier::ParseOutcome::Action::error) {
    std::cerr << parsed.message << "\n";
    return 2;
  }
  if (!options.report_dir.empty()) {
    if (std::string problem = report_dir_problem(options.report_dir); !problem.empty()) {
      std::cerr << "multitier: --report-dir " << options.report_dir << ": " << problem
                << " (checked before sending any load)\n";
      return 2;
    }
  }
  multitier::RunConfig config;
  try {
    config = multitier::make_run_config(std::move(options));
  } catch (const std::exception& e) {
    std::cerr << "multitier: " << e.what() << "\n";
    return 2;
  }
  // Said before any load: the run's share, a target off this machine, a common start.
  const multitier::Options& chosen = config.options;
  if (!chosen.segment.whole()) {
    std::cerr << "multitier: segment " << chosen.segment.index << "/" << chosen.segment.count
              << " (from " << chosen.segment_source << "): this process runs 1/"
              << chosen.segment.count << " of the load\n";
  }
  if (chosen.allow_remote) {
    std::cerr << "multitier: --allow-remote: the loopback-only guard is off; target "
              << config.gateway
              << (multitier::is_loopback_url(config.gateway) ? " (loopback)"
                                                             : " (off this machine)")
              << "\n";
  }
  if (chosen.start_at > 0) {
    std::cerr << "multitier: the first case starts at " << chosen.start_at_text << "\n";
  }
  // GoogleTest owns the environment and the listener; both live until the program ends. The
  // environment loads the pools (--roster-file): a file it cannot load is a bad option.
  multitier::SuiteEnvironment* suite = nullptr;
  try {
    suite = new multitier::SuiteEnvironment(std::move(config));
  } catch (const std::exception& e) {
    std::cerr << "multitier: --roster-file: " << e.what() << "\n";
    return 2;
  }
  ::testing::AddGlobalTestEnvironment(suite);
  install_signal_handlers(suite->stop());
  auto* reports = new multitier::ReportListener(*suite);
  ::testing::UnitTest::GetInstance()->listeners().Append(reports);

  int status = RUN_ALL_TESTS();
  if (reports->failed() && status == 0) status = 1;
  if (suite->interrupted()) return 130;
  return status;
}
