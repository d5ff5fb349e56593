// The worker lookups the validators read: in memory, and loaded from a corpus JSON Lines file.
#include "multitier/workload/worker_lookup.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/temp_path.h"

namespace multitier {
namespace {

// ── Lookup ──────────────────────────────────────────────────────────────────────────────────

TEST(InMemoryWorkerLookup, FindsByIdAndRejectsDuplicates) {
  const InMemoryWorkerLookup lookup(
      {{"a", "Ann", "active", {}, {}, {}}, {"b", "Bo", "placed", {}, {}, {}}});
  EXPECT_EQ(lookup.size(), 2u);
  ASSERT_NE(lookup.find("b"), nullptr);
  EXPECT_EQ(lookup.find("b")->status, "placed");
  EXPECT_EQ(lookup.find("c"), nullptr);
  EXPECT_THROW(
      InMemoryWorkerLookup({{"a", "Ann", "active", {}, {}, {}}, {"a", "Al", "active", {}, {}, {}}}),
      std::invalid_argument);
}

TEST(InMemoryWorkerLookup, CopiesOutliveTheOriginal) {
  std::optional<InMemoryWorkerLookup> original(
      std::vector<WorkerRecord>{{"a", "Ann", "active", {}, {}, {}}});
  const InMemoryWorkerLookup copy = *original;
  const WorkerRecord* found = copy.find("a");
  original.reset();
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->name, "Ann");
}

class JsonlLookup : public testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove(path_); }
  const std::string& write(const std::string& contents) {
    std::ofstream(path_) << contents;
    return path_;
  }
  std::string path_ =
      unit::private_temp_path(
          std::string("lookup-") + testing::UnitTest::GetInstance()->current_test_info()->name(),
          ".jsonl")
          .string();
};

TEST_F(JsonlLookup, LoadsWorkersAndIgnoresOtherFields) {
  const auto lookup = load_worker_lookup_jsonl(
      write(R"({"id":"w-1","name":"Ann Lee","status":"active","city":"Flint","state":"MI",)"
            R"("role":"Loaders","skills":["forklift"],"score":0.9})"
            "\n\n"
            R"({"id":"w-2","name":"Bo Kim","status":"inactive","city":null})"
            "\r\n"));
  ASSERT_EQ(lookup->size(), 2u);
  const WorkerRecord* ann = lookup->find("w-1");
  ASSERT_NE(ann, nullptr);
  EXPECT_EQ(ann->name, "Ann Lee");
  EXPECT_EQ(ann->city, "Flint");
  EXPECT_EQ(ann->role, "Loaders");
  EXPECT_EQ(lookup->find("w-2")->status, "inactive");
  EXPECT_FALSE(lookup->find("w-2")->city.has_value());
}

// Each malformed corpus names the file and the line at fault.
TEST_F(JsonlLookup, MalformedLinesNameFileAndLine) {
  const std::string good = R"({"id":"w-1","name":"Ann","status":"active"})";
  for (const std::string& bad : std::vector<std::string>{
           R"({"id":"w-2","name":)", R"(["w-2"])", R"({"name":"Bo","status":"active"})",
           R"({"id":"","name":"Bo","status":"active"})",
           R"({"id":"w-2","name":3,"status":"active"})",
           R"({"id":"w-2","name":"Bo","status":"active","city":5})", good}) {
    try {
      load_worker_lookup_jsonl(write(good + "\n" + bad + "\n"));
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(path_ + ":2:"), std::string::npos) << e.what();
    }
  }
}

TEST_F(JsonlLookup, MissingFileNamesThePath) {
  try {
    load_worker_lookup_jsonl(path_);
    ADD_FAILURE() << "loaded a missing file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path_), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace multitier
