// Checks the files a stress run of the mix case alone wrote (`--gtest_filter=*Mix*`):
// junit.xml parses as XML, has a testsuite Mix.WeightedWorkload with one testcase per seed
// scenario carrying its figures, and top-level counts that are the sums of its testsuites;
// report.json parses, keeps the seed's summary fields and has cases[0] for the mix with each
// seed scenario, runs > 0 and a rate equal to its runs / its own wall_sec (within 1 %);
// report.txt has the title, the mix's section, a row per scenario and names the seed; and the
// other files of the folder (report.html, timeseries.csv, metrics.om, result.json) are there
// and not empty (their own tests read them with a browser, Prometheus and multitier-merge).
// Exit 0 when all hold, 1 otherwise, naming each problem.
//   multitier_report_check REPORT_DIR
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "multitier/workload/catalogue.h"

namespace {

namespace pt = boost::property_tree;

int problems = 0;

void problem(const std::string& what) {
  std::cerr << "report_check: " << what << "\n";
  ++problems;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problem("cannot read " + path);
    return {};
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every scenario of the catalogue runs in the mix.
std::vector<std::string> seed_scenarios() {
  std::vector<std::string> names;
  for (const multitier::ScenarioSpec& spec : multitier::scenario_catalogue())
    names.emplace_back(spec.name);
  return names;
}
const std::vector<std::string> kSeedScenarios = seed_scenarios();
const std::string kMixCase = "Mix.WeightedWorkload";

void check_junit(const std::string& path) {
  pt::ptree xml;
  try {
    pt::read_xml(path, xml);
  } catch (const std::exception& e) {
    problem(path + " is not well-formed XML: " + e.what());
    return;
  }
  const pt::ptree none;
  const auto suites = xml.get_child_optional("testsuites");
  if (!suites) {
    problem(path + ": no <testsuites>");
    return;
  }
  long sums[3] = {0, 0, 0};
  const char* const count_names[3] = {"tests", "failures", "errors"};
  bool found = false;
  for (const auto& [tag, suite] : *suites) {
    if (tag != "testsuite") continue;
    for (int i = 0; i < 3; ++i)
      sums[i] += suite.get<long>(std::string("<xmlattr>.") + count_names[i], 0);
    if (suite.get<std::string>("<xmlattr>.name", "") != kMixCase) continue;
    found = true;
    std::set<std::string> cases;
    for (const auto& [ctag, node] : suite) {
      if (ctag != "testcase") continue;
      const auto name = node.get<std::string>("<xmlattr>.name", "");
      cases.insert(name);
      if (node.get<std::string>("<xmlattr>.classname", "") != kMixCase) {
        problem(path + ": testcase " + name + " has classname other than " + kMixCase);
      }
      std::set<std::string> properties;
      const auto props = node.get_child_optional("properties");
      for (const auto& [ptag, p] : props ? *props : none) {
        if (ptag == "property") properties.insert(p.get<std::string>("<xmlattr>.name", ""));
      }
      for (const char* want : {"runs", "failures", "fail_pct", "p50_ms", "p95_ms", "p99_ms",
                               "max_ms", "scenarios_per_s"}) {
        if (!properties.count(want))
          problem(path + ": testcase " + name + " lacks property " + want);
      }
    }
    for (const std::string& s : kSeedScenarios) {
      if (!cases.count(s)) problem(path + ": " + kMixCase + " has no testcase for " + s);
    }
  }
  if (!found) problem(path + ": no testsuite named " + kMixCase);
  for (int i = 0; i < 3; ++i) {
    const long top = suites->get<long>(std::string("<xmlattr>.") + count_names[i], -1);
    if (top != sums[i]) {
      problem(path + ": testsuites " + count_names[i] + "=" + std::to_string(top) +
              " is not the sum over its testsuites (" + std::to_string(sums[i]) + ")");
    }
  }
}

bool has_number(const rapidjson::Value& object, const char* field) {
  return object.IsObject() && object.HasMember(field) && object[field].IsNumber();
}

// Returns the seed the run used (settings.seed) when report.json names it.
std::optional<std::uint64_t> check_json(const std::string& path) {
  const std::string text = slurp(path);
  rapidjson::Document d;
  if (d.Parse(text.c_str()).HasParseError()) {
    problem(path + " is not JSON: " + rapidjson::GetParseError_En(d.GetParseError()));
    return std::nullopt;
  }
  for (const char* field : {"wall_sec", "total_scenarios", "failures"}) {
    if (!has_number(d, field)) problem(path + ": no number " + field);
  }
  if (!d.IsObject() || !d.HasMember("cases") || !d["cases"].IsArray() || d["cases"].Empty()) {
    problem(path + ": no cases");
    return std::nullopt;
  }
  if (!d.HasMember("per_scenario")) problem(path + ": one case ran but there is no per_scenario");
  const rapidjson::Value& mix = d["cases"][0];
  if (!mix.IsObject() || !mix.HasMember("label") || !mix["label"].IsString() ||
      std::string(mix["label"].GetString()) != "mix") {
    problem(path + ": cases[0] is not the mix (label \"mix\")");
  }
  for (const char* field : {"runs", "wall_sec", "scenarios_per_s"}) {
    if (!has_number(mix, field)) problem(path + ": cases[0] has no number " + field);
  }
  if (mix.IsObject() && mix.HasMember("per_scenario") && mix["per_scenario"].IsObject()) {
    for (const std::string& s : kSeedScenarios) {
      if (!mix["per_scenario"].HasMember(s)) {
        problem(path + ": cases[0].per_scenario has no " + std::string(s));
        continue;
      }
      for (const char* field : {"runs", "fails", "p50_ms", "p95_ms", "p99_ms", "max_ms"}) {
        if (!has_number(mix["per_scenario"][s], field)) {
          problem(path + ": cases[0].per_scenario." + s + " lacks " + field);
        }
      }
    }
  } else {
    problem(path + ": cases[0] has no per_scenario");
  }
  if (has_number(mix, "runs") && has_number(mix, "wall_sec") &&
      has_number(mix, "scenarios_per_s")) {
    const double runs = mix["runs"].GetDouble();
    const double wall = mix["wall_sec"].GetDouble();
    const double rate = mix["scenarios_per_s"].GetDouble();
    if (runs <= 0) problem(path + ": cases[0].runs is 0");
    if (wall <= 0) {
      problem(path + ": cases[0].wall_sec is not positive");
    } else if (std::fabs(rate - runs / wall) > 0.01 * (runs / wall)) {
      problem(path + ": cases[0].scenarios_per_s " + std::to_string(rate) +
              " is not runs / wall_sec (" + std::to_string(runs / wall) + ")");
    }
  }
  if (d.HasMember("settings") && d["settings"].IsObject() && d["settings"].HasMember("seed") &&
      d["settings"]["seed"].IsUint64()) {
    return d["settings"]["seed"].GetUint64();
  }
  problem(path + ": settings.seed is missing");
  return std::nullopt;
}

void check_text(const std::string& path, std::optional<std::uint64_t> seed) {
  const std::string text = slurp(path);
  if (text.empty()) return;
  if (text.find("multitier load report") == std::string::npos)
    problem(path + " lacks the report title");
  if (text.find("── " + kMixCase + " (mix) ──") == std::string::npos) {
    problem(path + " has no section for " + kMixCase);
  }
  for (const std::string& s : kSeedScenarios) {
    if (text.find(s) == std::string::npos) problem(path + " has no row for " + std::string(s));
  }
  if (seed && text.find("seed " + std::to_string(*seed)) == std::string::npos) {
    problem(path + " does not name the seed " + std::to_string(*seed));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: multitier_report_check REPORT_DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  check_junit(dir + "/junit.xml");
  const auto seed = check_json(dir + "/report.json");
  check_text(dir + "/report.txt", seed);
  for (const char* name : {"report.html", "timeseries.csv", "metrics.om", "result.json"}) {
    std::ifstream in(dir + "/" + name, std::ios::binary | std::ios::ate);
    if (!in || in.tellg() <= 0) problem(dir + "/" + name + " is missing or empty");
  }
  if (problems == 0) {
    std::cout << "report_check: " << dir
              << ": junit.xml, report.json and report.txt are complete; report.html, "
                 "timeseries.csv, metrics.om and result.json are there\n";
  }
  return problems == 0 ? 0 : 1;
}
