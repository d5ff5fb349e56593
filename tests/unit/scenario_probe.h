// What the pool and roster tests share: a VU with an unbound client that runs one scenario on
// the spot against a ScriptedServer, canned search answers, and the requests the server read,
// parsed. Header-only, like scripted_server.h, so it is not a test source of its own.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "multitier/workload/scenarios.h"
#include "tests/unit/scripted_server.h"

namespace multitier::unit {

inline constexpr std::uint64_t kProbeVuIndex = 3;
inline constexpr std::uint64_t kProbeNonce = 11;

// A VU of the test's own (index kProbeVuIndex, nonce kProbeNonce): its client is unbound, so
// every call completes on the spot and sync_wait runs a scenario without a loop. It keeps its
// iteration counter across runs, as a runner's VU does.
class ProbeVu {
 public:
  explicit ProbeVu(const ScriptedServer& server, std::uint64_t seed = 7)
      : client_(server.url()),
        random_(seed),
        vu_{client_, random_, kProbeVuIndex, 0, kProbeNonce} {}
  ScenarioResult run(Scenario scenario, const ScenarioContext& context) {
    return sync_wait(run_scenario(scenario, context, vu_));
  }

 private:
  GatewayClient client_;
  Random random_;
  Vu vu_;
};

// A contract-valid search answer holding these ids, at ascending distances.
inline ScriptStep search_answer(const std::vector<std::string>& ids, int boosted = 0) {
  std::string body = R"({"results":[)";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) body += ',';
    body += R"({"id":")" + ids[i] + R"(","distance":0.)" + std::to_string(i + 1) +
            R"(,"corpus":"workers"})";
  }
  body += "],\"playbook_boosted\":" + std::to_string(boosted) + "}";
  return {http_response(200, body)};
}

inline ScriptStep recorded() {
  return {http_response(200, R"({"recorded":true,"playbook_size":1})")};
}

// A request the server read: its line without the HTTP version, and its JSON body.
struct Sent {
  std::string line;
  rapidjson::Document body;
};

inline std::vector<Sent> received(const ScriptedServer& server) {
  std::vector<Sent> out;
  for (const std::string& raw : server.requests()) {
    Sent s;
    s.line = raw.substr(0, raw.find(" HTTP/"));
    s.body.Parse(raw.substr(raw.find("\r\n\r\n") + 4).c_str());
    out.push_back(std::move(s));
  }
  return out;
}

// A string member of a request body, or "<absent>".
inline std::string text(const rapidjson::Value& body, const char* key) {
  return body.IsObject() && body.HasMember(key) && body[key].IsString() ? body[key].GetString()
                                                                        : "<absent>";
}

// The step names of a result, in order.
inline std::vector<std::string> step_names(const ScenarioResult& r) {
  std::vector<std::string> names;
  for (const StepResult& s : r.steps) names.emplace_back(s.step);
  return names;
}

}  // namespace multitier::unit
