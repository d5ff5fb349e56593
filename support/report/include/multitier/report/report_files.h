// Writes a run's reports into a folder, one file per format (report.txt, junit.xml,
// report.json, report.html, timeseries.csv, metrics.om). The only place the harness writes
// report files; it also reads the chart library report.html inlines.
#pragma once

#include <string>
#include <vector>

#include "multitier/report/report.h"

namespace multitier {

// Creates `dir` if needed and writes every format, each with every occurrence of `secrets`
// replaced by "[redacted]". Returns the paths written. Throws std::runtime_error naming the
// path when a file cannot be written.
std::vector<std::string> write_report_files(const RunReport& report, const std::string& dir,
                                            const std::vector<std::string>& secrets = {});

}  // namespace multitier
