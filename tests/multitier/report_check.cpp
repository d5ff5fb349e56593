// Checks the files a stress run wrote: junit.xml parses as XML with one testcase per scenario
// that ran (and "mix"), each with its figures as properties; report.json parses and carries the
// seed's summary fields; report.txt holds the seed's table. Exit 0 when all hold, 1 otherwise,
// naming each problem.
//   multitier_report_check REPORT_DIR
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

namespace {

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

const char* const kSeedScenarios[] = {"cold_search_email", "surge_fill_validate", "profile_swap",
                                      "repeat_cache",      "sms_validate",        "playbook_record_replay"};

void check_junit(const std::string& path) {
  boost::property_tree::ptree xml;
  try {
    boost::property_tree::read_xml(path, xml);
  } catch (const std::exception& e) {
    problem(path + " is not well-formed XML: " + e.what());
    return;
  }
  std::set<std::string> cases;
  const boost::property_tree::ptree none;
  const auto suite = xml.get_child_optional("testsuites.testsuite");
  for (const auto& [tag, node] : suite ? *suite : none) {
    if (tag != "testcase") continue;
    const auto name = node.get<std::string>("<xmlattr>.name", "");
    cases.insert(name);
    std::set<std::string> properties;
    const auto props = node.get_child_optional("properties");
    for (const auto& [ptag, p] : props ? *props : none) {
      if (ptag == "property") properties.insert(p.get<std::string>("<xmlattr>.name", ""));
    }
    for (const char* want : {"runs", "fail_pct", "p50_ms", "p95_ms", "p99_ms", "max_ms", "scenarios_per_s"}) {
      if (name != "mix" && !properties.count(want)) problem(path + ": testcase " + name + " lacks property " + want);
    }
  }
  for (const char* s : kSeedScenarios) {
    if (!cases.count(s)) problem(path + ": no testcase for " + std::string(s));
  }
  if (!cases.count("mix")) problem(path + ": no testcase for the mix");
}

void check_json(const std::string& path) {
  const std::string text = slurp(path);
  rapidjson::Document d;
  if (d.Parse(text.c_str()).HasParseError()) {
    problem(path + " is not JSON: " + rapidjson::GetParseError_En(d.GetParseError()));
    return;
  }
  for (const char* field : {"wall_sec", "total_scenarios", "failures", "per_scenario"}) {
    if (!d.IsObject() || !d.HasMember(field)) problem(path + ": no field " + field);
  }
  if (problems) return;
  if (!d["total_scenarios"].IsUint64() || d["total_scenarios"].GetUint64() == 0) problem(path + ": total_scenarios is 0");
  for (const char* s : kSeedScenarios) {
    if (!d["per_scenario"].HasMember(s)) {
      problem(path + ": per_scenario has no " + std::string(s));
      continue;
    }
    const auto& entry = d["per_scenario"][s];
    for (const char* field : {"runs", "fails", "p50_ms", "p95_ms", "p99_ms", "max_ms"}) {
      if (!entry.HasMember(field)) problem(path + ": per_scenario." + s + " lacks " + field);
    }
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
  check_json(dir + "/report.json");
  const std::string text = slurp(dir + "/report.txt");
  if (text.find("multitier load report") == std::string::npos) problem(dir + "/report.txt lacks the report title");
  for (const char* s : kSeedScenarios) {
    if (text.find(s) == std::string::npos) problem(dir + "/report.txt has no row for " + std::string(s));
  }
  if (problems == 0) std::cout << "report_check: " << dir << ": junit.xml, report.json and report.txt are complete\n";
  return problems == 0 ? 0 : 1;
}
