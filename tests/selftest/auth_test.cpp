// A gateway behind a bearer token: the suite sends --header (or MULTITIER_HEADERS) on every
// request, the probe included, never writes the token into a report, and without it fails with
// a message that says how to send one.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "tests/selftest/child_process.h"

namespace multitier::selftest {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kToken = "tk-9f3a61c0e5d24b7f";

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class Auth : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("multitier-auth-" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_);
    std::ofstream(base_ / "token") << kToken << "\n";
    url_ = start_gateway(gateway_, {"--require-token", (base_ / "token").string()});
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path base_;
  std::string url_;
  std::unique_ptr<ChildProcess> gateway_;
};

// Every file of a report folder, concatenated.
std::string all_reports(const fs::path& dir) {
  std::string text;
  for (const auto& entry : fs::directory_iterator(dir)) text += read_file(entry.path());
  return text;
}

TEST_F(Auth, WithTheTokenTheRunPassesAndNoReportHoldsIt) {
  const auto dir = base_ / "with-flag";
  ChildProcess suite({suite_binary(), "--gateway", url_, "--stress", "--duration", "2s",
                      "--concurrency", "4", "--progress", "off", "--header",
                      std::string("Authorization: Bearer ") + kToken, "--report-dir", dir.string(),
                      "--gtest_filter=*Mix*"});
  EXPECT_EQ(suite.wait(120s), 0) << suite.output();
  const std::string reports = all_reports(dir);
  EXPECT_NE(reports.find("total_scenarios"), std::string::npos);
  EXPECT_NE(reports.find("Authorization: [redacted]"), std::string::npos)
      << "the header is named, its value is not";
  EXPECT_EQ(reports.find(kToken), std::string::npos) << "a report file holds the token";
  EXPECT_EQ(suite.output().find(kToken), std::string::npos) << "the console shows the token";
}

TEST_F(Auth, TheEnvironmentCarriesHeadersToo) {
  const auto dir = base_ / "with-env";
  ChildProcess suite(
      {suite_binary(), "--gateway", url_, "--iterations", "6", "--report-dir", dir.string(),
       "--gtest_filter=*ColdSearchEmail*"},
      {std::string("MULTITIER_HEADERS=X-Team: blue\nAuthorization: Bearer ") + kToken});
  EXPECT_EQ(suite.wait(60s), 0) << suite.output();
  EXPECT_EQ(all_reports(dir).find(kToken), std::string::npos);
}

TEST_F(Auth, WithoutTheTokenEveryCaseFailsSayingHowToSendOne) {
  const auto dir = base_ / "without";
  ChildProcess suite({suite_binary(), "--gateway", url_, "--report-dir", dir.string(),
                      "--gtest_filter=*ProfileSwap*"});
  EXPECT_EQ(suite.wait(60s), 1) << suite.output();
  EXPECT_NE(suite.output().find("status 401"), std::string::npos) << suite.output();
  EXPECT_NE(suite.output().find("--header 'Authorization: Bearer"), std::string::npos)
      << suite.output();
  EXPECT_NE(read_file(dir / "report.json").find("401"), std::string::npos);
}

TEST_F(Auth, AWrongTokenIsNamedAsRefusedAndNotShown) {
  ChildProcess suite({suite_binary(), "--gateway", url_, "--gtest_filter=*ProfileSwap*", "--header",
                      "Authorization: Bearer wrong-secret-value"});
  EXPECT_EQ(suite.wait(60s), 1) << suite.output();
  EXPECT_NE(suite.output().find("refused the credentials"), std::string::npos) << suite.output();
  EXPECT_EQ(suite.output().find("wrong-secret-value"), std::string::npos) << suite.output();
}

}  // namespace
}  // namespace multitier::selftest
