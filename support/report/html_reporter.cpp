#include "multitier/report/reporter.h"

namespace multitier {
namespace {

// Written by a later change; for now the file is created empty.
class HtmlReporter final : public Reporter {
 public:
  void write(const RunReport&, std::ostream&) const override {}
  std::string_view file_name() const override { return "report.html"; }
};

}  // namespace

std::unique_ptr<Reporter> make_html_reporter(std::string, std::string) {
  return std::make_unique<HtmlReporter>();
}

}  // namespace multitier
