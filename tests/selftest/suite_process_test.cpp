// The suite binary as users run it: a dead gateway fails every selected case with one clear
// message; a gateway whose record endpoint fails makes the surge and replay cases fail with the
// report pointing at playbook_record; bad options exit 2.
#include <gtest/gtest.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/selftest/child_process.h"

namespace multitier::selftest {
namespace {

using namespace std::chrono_literals;

// A loopback port nobody listens on: bound, never listened to, then released.
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(SuiteProcess, DeadGatewayFailsEverySelectedCaseWithOneClearMessage) {
  const std::string url = "http://127.0.0.1:" + std::to_string(closed_port());
  ChildProcess suite(
      {suite_binary(), "--gateway", url, "--gtest_filter=*ColdSearchEmail*:*ProfileSwap*"});
  int status = suite.wait(60s);
  EXPECT_NE(status, 0);
  const std::string& out = suite.output();
  EXPECT_EQ(count(out, "[  FAILED  ] Scenarios/Workflow.Passes/"), 2u * 2u)
      << out;  // each listed twice
  EXPECT_NE(out.find("the gateway at " + url + " did not answer"), std::string::npos) << out;
  EXPECT_NE(out.find("connect"), std::string::npos) << out;
  EXPECT_NE(out.find("scripts/run.sh"), std::string::npos) << out;
  EXPECT_NE(out.find("[  PASSED  ] 0 tests"), std::string::npos) << out;
}

TEST(SuiteProcess, BadOptionExitsTwoWithAClearError) {
  ChildProcess suite({suite_binary(), "--concurrency", "lots"});
  EXPECT_EQ(suite.wait(30s), 2);
  EXPECT_NE(suite.output().find("--concurrency"), std::string::npos) << suite.output();
}

TEST(SuiteProcess, NonLoopbackTargetIsRefused) {
  ChildProcess suite({suite_binary(), "--gateway", "http://192.0.2.1:4110"});
  EXPECT_EQ(suite.wait(30s), 2);
  EXPECT_NE(suite.output().find("loopback"), std::string::npos) << suite.output();
}

TEST(SuiteProcess, RecordFailuresPointAtPlaybookRecordInTheReports) {
  std::unique_ptr<ChildProcess> gateway;
  const std::string url =
      start_gateway(gateway, {"--fault", "record:status=500@0.97", "--fault-seed", "3"});
  const auto dir =
      std::filesystem::temp_directory_path() / ("multitier-selftest-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  ChildProcess suite({suite_binary(), "--gateway", url, "--stress", "--duration", "2s",
                      "--concurrency", "4", "--progress", "off", "--report-dir", dir.string(),
                      "--gtest_filter=*Mix*"});
  EXPECT_NE(suite.wait(120s), 0) << suite.output();

  boost::property_tree::ptree xml;
  ASSERT_NO_THROW(boost::property_tree::read_xml((dir / "junit.xml").string(), xml))
      << suite.output();
  int failing = 0;
  for (const auto& [tag, node] : xml.get_child("testsuites.testsuite")) {
    if (tag != "testcase") continue;
    auto name = node.get<std::string>("<xmlattr>.name");
    if (name != "surge_fill_validate" && name != "playbook_record_replay") continue;
    auto message = node.get<std::string>("failure.<xmlattr>.message", "");
    EXPECT_NE(message.find("playbook_record"), std::string::npos) << name << ": " << message;
    ++failing;
  }
  EXPECT_EQ(failing, 2) << "both record-using scenarios should appear and fail";
  std::ifstream text(dir / "report.txt");
  std::stringstream report;
  report << text.rdbuf();
  EXPECT_NE(report.str().find("playbook_record"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace multitier::selftest
