#include "multitier/report/report_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "multitier/report/reporter.h"
#include "multitier/run/options.h"

namespace multitier {

std::vector<std::string> write_report_files(const RunReport& report, const std::string& dir,
                                            const std::vector<std::string>& secrets) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create report folder " + dir + ": " + ec.message());
  std::vector<std::string> written;
  for (const char* format : {"console", "junit", "json"}) {
    auto reporter = make_reporter(format);
    const std::string path =
        (std::filesystem::path(dir) / std::string(reporter->file_name())).string();
    // Written beside and renamed, so a reader never sees half a report.
    const std::string temporary = path + ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      if (!out) throw std::runtime_error("cannot write " + temporary);
      std::ostringstream text;
      reporter->write(report, text);
      out << redact(text.str(), secrets);
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
