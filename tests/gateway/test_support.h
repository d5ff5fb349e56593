// Shared helpers of the gateway tests: generated corpora on disk (cached per build tree), an
// in-process gateway on an ephemeral port, a small libcurl client and JSON helpers.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fixtures/gateway/corpus.h"
#include "fixtures/gateway/gateway.h"

namespace multitier::gateway::testing {

inline constexpr std::uint64_t kSmallCorpus = 3000;
inline constexpr std::uint64_t kCorpusSeed = 42;

// MULTITIER_GATEWAY_TEST_DIR, or a per-user folder under the temporary directory.
std::filesystem::path data_dir();

// A generated corpus file (count workers, seed), written once and reused by later processes.
std::string corpus_file(std::uint64_t count, std::uint64_t seed = kCorpusSeed);

// The corpus loaded once per test process (index persisted beside the file).
std::shared_ptr<const Corpus> shared_corpus(const std::string& name, std::uint64_t count,
                                            std::uint64_t seed = kCorpusSeed);

// A gateway answering on 127.0.0.1 at a free port for the lifetime of the object.
class LiveGateway {
 public:
  explicit LiveGateway(GatewayConfig config = default_config());
  static GatewayConfig default_config();  // "workers" = the small corpus, 2 io threads
  const std::string& url() const { return url_; }
  std::uint16_t port() const { return gateway_->port(); }
  Engine& engine() { return gateway_->engine(); }

 private:
  std::unique_ptr<Gateway> gateway_;
  std::string url_;
};

struct Response {
  long status = 0;  // 0 when the transfer failed
  std::string body;
  std::string error;                           // curl's reason when status is 0
  std::map<std::string, std::string> headers;  // lower-case names
};

// One HTTP client (one libcurl handle, connection kept alive). Not thread-safe.
class Client {
 public:
  Client();
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Response send(const std::string& method, const std::string& url, const std::string& body = {},
                const std::vector<std::string>& headers = {});
  Response post(const std::string& url, const std::string& body) { return send("POST", url, body); }
  Response get(const std::string& url) { return send("GET", url); }

 private:
  void* curl_;
};

// Parses a body that must be JSON; returns a null document (IsNull) when it is not.
rapidjson::Document parse_json(const std::string& body);

// A search body with the seed's shape.
std::string search_body(const std::string& query_text, const std::string& role, int k,
                        const std::string& extra = {});

// The "results" ids of a search answer, in order.
std::vector<std::string> result_ids(const rapidjson::Document& answer);

}  // namespace multitier::gateway::testing
