#include "tests/gateway/test_support.h"

#include <curl/curl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>

#include "multitier/corpus/generator.h"

namespace multitier::gateway::testing {
namespace {

std::size_t collect_body(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

std::size_t collect_header(char* data, std::size_t size, std::size_t count, void* out) {
  std::string line(data, size * count);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r\n") + 1);
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * count;
}

}  // namespace

std::filesystem::path data_dir() {
  std::filesystem::path dir;
  if (const char* env = std::getenv("MULTITIER_GATEWAY_TEST_DIR"); env && *env) {
    dir = env;
  } else {
    dir = std::filesystem::temp_directory_path() /
          ("multitier-gateway-tests-" + std::to_string(::getuid()));
  }
  std::filesystem::create_directories(dir);
  return dir;
}

std::string corpus_file(std::uint64_t count, std::uint64_t seed) {
  const auto path =
      data_dir() / ("workers-" + std::to_string(count) + "-" + std::to_string(seed) + ".jsonl");
  if (std::filesystem::exists(path)) return path.string();
  // Written under a unique name and renamed: test processes running at once never see half.
  const auto temp = path.string() + ".tmp." + std::to_string(std::random_device{}());
  {
    std::ofstream out(temp, std::ios::binary);
    out << corpus::generate_corpus(count, seed);
    if (!out.flush()) throw std::runtime_error("cannot write " + temp);
  }
  std::filesystem::rename(temp, path);
  return path.string();
}

std::shared_ptr<const Corpus> shared_corpus(const std::string& name, std::uint64_t count,
                                            std::uint64_t seed) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Corpus>> loaded;
  std::lock_guard lock(mutex);
  const std::string key = name + "/" + std::to_string(count) + "/" + std::to_string(seed);
  auto& slot = loaded[key];
  if (!slot) {
    LoadOptions options;
    options.threads = 2;
    slot = Corpus::load(name, corpus_file(count, seed), options);
  }
  return slot;
}

GatewayConfig LiveGateway::default_config() {
  GatewayConfig config;
  config.port = 0;
  config.threads = 2;
  config.preloaded.push_back(shared_corpus("workers", kSmallCorpus));
  return config;
}

LiveGateway::LiveGateway(GatewayConfig config) {
  config.host = "127.0.0.1";
  config.port = 0;
  gateway_ = std::make_unique<Gateway>(std::move(config));
  gateway_->start();
  url_ = gateway_->url();
}

Client::Client() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
}

Client::~Client() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

Response Client::send(const std::string& method, const std::string& url, const std::string& body,
                      const std::vector<std::string>& headers) {
  CURL* curl = static_cast<CURL*>(curl_);
  Response response;
  curl_slist* list = nullptr;
  if (!body.empty() || method == "POST")
    list = curl_slist_append(list, "Content-Type: application/json");
  for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  if (!body.empty() || method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 60000L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  } else {
    response.error = curl_easy_strerror(code);
  }
  curl_slist_free_all(list);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
  return response;
}

rapidjson::Document parse_json(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError()) doc.SetNull();
  return doc;
}

std::string search_body(const std::string& query_text, const std::string& role, int k,
                        const std::string& extra) {
  std::string body =
      R"({"query_text":")" + query_text + R"(","corpora":["workers"],"k":)" + std::to_string(k);
  if (!role.empty()) body += R"(,"query_role":")" + role + "\"";
  if (!extra.empty()) body += "," + extra;
  return body + "}";
}

std::vector<std::string> result_ids(const rapidjson::Document& answer) {
  std::vector<std::string> ids;
  if (!answer.IsObject() || !answer.HasMember("results") || !answer["results"].IsArray())
    return ids;
  for (const auto& item : answer["results"].GetArray()) ids.emplace_back(item["id"].GetString());
  return ids;
}

}  // namespace multitier::gateway::testing
