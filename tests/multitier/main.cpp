// The suite's own main(): GoogleTest takes its flags first, the suite's options take the rest
// (an unknown or malformed one exits 2), the gateway environment probes before any case, and
// the final reports are written after the last case — marked partial after an interruption.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <string_view>

#include "fixtures/environment/gateway_environment.h"
#include "fixtures/environment/suite.h"
#include "support/report_files.h"
#include "support/reporter.h"

extern char** environ;

namespace {

std::atomic<bool>* g_stop = nullptr;
std::atomic<int> g_signals{0};  // lock-free, so safe in a handler

// First SIGINT/SIGTERM: ask the workers to stop and let main() write a partial report.
// Second: leave at once.
void on_signal(int) {
  if (g_signals.fetch_add(1) > 0) ::_exit(130);
  if (g_stop) g_stop->store(true);
  static const char kMessage[] = "\nmultitier: interrupted; stopping workers and writing a partial report (again to quit now)\n";
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

int write_reports(const multitier::Suite& suite) {
  using namespace multitier;
  const Options& options = suite.options();
  RunReport report;
  report.settings = suite.settings(suite.mix_ran());
  report.thresholds = suite.thresholds();
  report.registry = &suite.total();
  report.wall_s = suite.wall_s();
  report.started_at = suite.started_at();
  report.verdicts = evaluate(suite.total(), report.thresholds);
  if (suite.interrupted()) {
    report.partial = true;
    char reason[200];
    if (options.stress) {
      std::snprintf(reason, sizeof reason, "interrupted by a signal after %.1f s of a planned %.1f s per case",
                    suite.interrupted_after_s(), std::chrono::duration<double>(options.duration).count());
    } else {
      std::snprintf(reason, sizeof reason, "interrupted by a signal after %.1f s", suite.interrupted_after_s());
    }
    report.partial_reason = reason;
  }
  if (options.stress) make_reporter("console")->write(report, std::cout);
  if (options.report_dir.empty()) return 0;
  try {
    for (const auto& path : write_report_files(report, options.report_dir)) {
      std::cerr << "multitier: wrote " << path << (report.partial ? " (partial)" : "") << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "multitier: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const bool help = asks_for_help(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (help) {
    std::cout << "\n" << multitier::options_help();
    return 0;
  }
  multitier::Options options;
  auto parsed = multitier::parse_options(argc, argv, environ, options);
  if (parsed.action == multitier::ParseOutcome::Action::error) {
    std::cerr << parsed.message << "\n";
    return 2;
  }
  std::string gateway = options.gateway;
  try {
    // Listing the cases (CTest discovery) needs no gateway, and its URL file may not exist yet.
    if (!GTEST_FLAG_GET(list_tests)) gateway = multitier::resolve_gateway(options);
  } catch (const std::exception& e) {
    std::cerr << "multitier: " << e.what() << "\n";
    return 2;
  }
  if (!multitier::is_loopback_url(gateway)) {
    std::cerr << "multitier: refusing to send load to " << gateway
              << ": the suite targets loopback gateways only (http://127.0.0.1:PORT, http://[::1]:PORT)\n";
    return 2;
  }
  multitier::Suite::init(std::move(options), std::move(gateway));
  multitier::Suite& suite = multitier::Suite::get();
  install_signal_handlers(suite.stop());
  ::testing::AddGlobalTestEnvironment(new multitier::GatewayEnvironment);

  int status = RUN_ALL_TESTS();
  if (suite.any_case_ran() && (suite.options().stress || !suite.options().report_dir.empty())) {
    if (write_reports(suite) != 0 && status == 0) status = 1;
  }
  if (suite.interrupted()) return 130;
  return status;
}
