#include "multitier/report/report_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "multitier/report/reporter.h"
#include "multitier/run/options.h"

namespace multitier {

namespace {

// report.html with the chart library inlined: read here, when the report is written, so the
// file opens with no network and nothing third-party lives in the repository.
std::unique_ptr<Reporter> html_reporter(const std::string& library_path) {
  std::ifstream in(library_path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || text.str().empty()) {
    return make_html_reporter("", "the chart library " + library_path +
                                      " was not found (install Debian's libjs-chart.js, or "
                                      "pass --chart-js PATH), so this report has no charts");
  }
  return make_html_reporter(text.str(), "");
}

}  // namespace

std::vector<std::string> write_report_files(const RunReport& report, const std::string& dir,
                                            const std::vector<std::string>& secrets) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create report folder " + dir + ": " + ec.message());
  std::vector<std::string> written;
  for (const char* format : {"console", "junit", "json", "html", "csv", "openmetrics", "result"}) {
    auto reporter = std::string_view(format) == "html" ? html_reporter(report.settings.chart_js)
                                                       : make_reporter(format);
    const std::string path =
        (std::filesystem::path(dir) / std::string(reporter->file_name())).string();
    // Written beside and renamed, so a reader never sees half a report.
    const std::string temporary = path + ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      if (!out) throw std::runtime_error("cannot write " + temporary);
      if (secrets.empty()) {
        // Streamed: an hour's metrics.om is tens of MB, and nothing in it needs hiding.
        reporter->write(report, out);
      } else {
        std::ostringstream text;
        reporter->write(report, text);
        out << redact(text.str(), secrets);
      }
      out.flush();
      if (!out) throw std::runtime_error("cannot write " + temporary);
    }
    std::filesystem::rename(temporary, path, ec);
    if (ec)
      throw std::runtime_error("cannot rename " + temporary + " to " + path + ": " + ec.message());
    written.push_back(path);
  }
  return written;
}

}  // namespace multitier
