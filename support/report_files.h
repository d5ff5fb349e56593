// Writes a run's reports into a folder, one file per format (report.txt, junit.xml,
// report.json). The only place the harness writes report files.
#pragma once

#include <string>
#include <vector>

#include "support/report.h"

namespace multitier {

// Creates `dir` if needed and writes every format. Returns the paths written. Throws
// std::runtime_error naming the path when a file cannot be written.
std::vector<std::string> write_report_files(const RunReport& report, const std::string& dir);

}  // namespace multitier
