// Regressions found by fuzz/gateway_request_fuzz: inputs the request parsers once crashed on.
// Each must be refused with a 400, never take the gateway down.
#include <gtest/gtest.h>

#include <string>

#include "fixtures/gateway/api.h"

namespace multitier::gateway {
namespace {

// A body at the size limit made of nested arrays, or nested objects: a recursive JSON parse
// needs a stack frame per level and overflows the thread's stack (a 1 MiB search POST killed a
// RelWithDebInfo gateway; about 200,000 levels suffice on an 8 MiB stack).
std::string nested_arrays() { return std::string(kMaxBodyBytes, '['); }

std::string nested_objects() {
  std::string body;
  while (body.size() + 5 <= kMaxBodyBytes) body += R"({"a":)";
  return body;
}

int search_status(const std::string& body) {
  try {
    parse_search(body);
  } catch (const ApiError& e) {
    return e.status();
  }
  return 200;
}

int record_status(const std::string& body) {
  try {
    parse_record(body);
  } catch (const ApiError& e) {
    return e.status();
  }
  return 200;
}

TEST(RequestParserRegression, DeeplyNestedSearchBodyIsRefused) {
  EXPECT_EQ(search_status(nested_arrays()), 400);
  EXPECT_EQ(search_status(nested_objects()), 400);
}

// Well-formed nesting in an unknown member: ignored (200) or refused for its depth (400), either
// way without recursing in the parse or in freeing the document.
TEST(RequestParserRegression, DeeplyNestedUnknownMemberIsAnswered) {
  const std::string head = R"({"query_text":"q","corpora":["workers"],"k":1,"x":)";
  const std::size_t depth = (kMaxBodyBytes - head.size() - 1) / 2;
  const int status = search_status(head + std::string(depth, '[') + std::string(depth, ']') + "}");
  EXPECT_TRUE(status == 200 || status == 400) << status;
}

TEST(RequestParserRegression, DeeplyNestedRecordBodyIsRefused) {
  EXPECT_EQ(record_status(nested_arrays()), 400);
  EXPECT_EQ(record_status(nested_objects()), 400);
}

}  // namespace
}  // namespace multitier::gateway
