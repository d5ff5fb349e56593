// multitier-merge: reads the result files (result.json) of one run's segments and writes the
// reports one process running the whole load would have written, judged on the merged figures.
//
//   multitier-merge [--report-dir DIR] [--allow-missing-segments] [--chart-js PATH] INPUT...
//
// Each INPUT is a result.json or a report folder holding one (with --allow-missing-segments, a
// folder without one is skipped: its segment counts as missing). Prints the text report to stdout
// as the suite does; exits 0 when the merged run passed, 1 when it failed, 2 for a usage error
// or inputs it refuses (the message names the files).
#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "multitier/report/report_files.h"
#include "multitier/report/reporter.h"
#include "multitier/report/result_file.h"

namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

constexpr int kPassed = 0;
constexpr int kFailed = 1;
constexpr int kRefused = 2;

struct Usage : std::runtime_error {
  using std::runtime_error::runtime_error;
};

po::options_description describe() {
  po::options_description d("multitier-merge options");
  // clang-format off
  d.add_options()
    ("help,h", "print this help, then exit")
    ("report-dir", po::value<std::string>()->default_value("merged"), "write the merged run's report.txt, junit.xml, report.json, report.html, timeseries.csv, metrics.om and result.json here (not into a folder an input is in)")
    ("allow-missing-segments", po::bool_switch(), "merge even when some segments of i/n are missing (an input folder without a result.json is skipped): the merged report is then partial and fails")
    ("chart-js", po::value<std::string>(), "the Chart.js file report.html inlines (default: the path the segments were given)");
  // clang-format on
  return d;
}

void print_help(std::ostream& out) {
  out << "usage: multitier-merge [OPTIONS] INPUT...\n\n"
         "Merges the result files of one run's segments (the suite's --segment i/n, each run\n"
         "writing result.json into its --report-dir) into the reports one process running the\n"
         "whole load would have written, judged on the merged figures. Each INPUT is a\n"
         "result.json or a folder holding one. Refuses files that are not the segments of one\n"
         "run: other suite or format versions, other settings or thresholds, other cases, a\n"
         "segment given twice, or missing segments.\n\n"
      << describe()
      << "\nExit status: 0 when the merged run passed, 1 when it failed, 2 for a usage error or\n"
         "refused inputs.\n";
}

// INPUT as a result file: a folder means the result.json in it. A folder without one (a
// segment that did not finish) is nullopt when missing segments are allowed, else refused.
std::optional<fs::path> result_path(const std::string& input, bool allow_missing) {
  const fs::path path(input);
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    fs::path file = path / "result.json";
    if (fs::exists(file, ec)) return file;
    if (!allow_missing) {
      throw std::runtime_error(input +
                               " holds no result.json (did its segment finish?); "
                               "--allow-missing-segments merges the others");
    }
    std::cerr << "multitier-merge: skipping " << input << ": it holds no result.json\n";
    return std::nullopt;
  }
  if (!fs::exists(path, ec)) throw Usage(input + ": no such file or folder");
  return path;
}

// The same folder, however spelled (the folder need not exist yet).
bool same_folder(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  const fs::path x = fs::weakly_canonical(a, ec);
  const fs::path y = fs::weakly_canonical(b, ec);
  return x.lexically_normal() == y.lexically_normal();
}

int run(int argc, char** argv) {
  po::options_description visible = describe();
  po::options_description all;
  all.add(visible).add_options()("input", po::value<std::vector<std::string>>());
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw Usage(e.what());
  }
  if (vm.count("help")) {
    print_help(std::cout);
    return kPassed;
  }
  if (!vm.count("input")) throw Usage("no input: name the segments' result.json files or folders");

  const bool allow_missing = vm["allow-missing-segments"].as<bool>();
  std::vector<std::string> names;
  for (const std::string& input : vm["input"].as<std::vector<std::string>>()) {
    if (auto path = result_path(input, allow_missing)) names.push_back(path->string());
  }
  if (names.empty()) throw std::runtime_error("none of the inputs holds a result.json");
  const std::string report_dir = vm["report-dir"].as<std::string>();
  for (const std::string& name : names) {
    if (same_folder(fs::path(name).parent_path().empty() ? "." : fs::path(name).parent_path(),
                    report_dir)) {
      throw Usage("refusing to write into " + report_dir + ": it holds the input " + name +
                  " (pass another --report-dir)");
    }
  }

  // One file at a time: only the merged report and the file being added are in memory.
  multitier::MergeOptions options;
  options.allow_missing_segments = allow_missing;
  multitier::RunReport merged = multitier::merge_result_files(names, options);
  if (vm.count("chart-js")) merged.settings.chart_js = vm["chart-js"].as<std::string>();

  multitier::make_reporter("console")->write(merged, std::cout);
  std::cout << std::flush;
  for (const std::string& path : multitier::write_report_files(merged, report_dir)) {
    std::cerr << "multitier-merge: wrote " << path << (merged.partial ? " (partial)" : "") << "\n";
  }
  return merged.passed() ? kPassed : kFailed;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const Usage& e) {
    std::cerr << "multitier-merge: " << e.what() << "\n(multitier-merge --help for usage)\n";
  } catch (const std::exception& e) {
    std::cerr << "multitier-merge: " << e.what() << "\n";
  }
  return kRefused;
}
