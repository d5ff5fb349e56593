// A file or folder name in the tests' temporary directory that no other test process uses.
// ctest runs each test case as its own process, in parallel, so two cases that share a fixed
// name race: one removes the file while the other opens it.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <system_error>

#include <unistd.h>

namespace multitier::unit {

// TempDir()/multitier-<stem>-<pid><extension>, e.g. private_temp_path("lookup", ".jsonl").
inline std::filesystem::path private_temp_path(const std::string& stem,
                                               const std::string& extension = "") {
  return std::filesystem::path(::testing::TempDir()) /
         ("multitier-" + stem + "-" + std::to_string(::getpid()) + extension);
}

// A fresh, empty folder at private_temp_path(stem), removed with what it holds when this goes.
class PrivateTempDir {
 public:
  explicit PrivateTempDir(const std::string& stem) : path_(private_temp_path(stem)) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~PrivateTempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace multitier::unit
