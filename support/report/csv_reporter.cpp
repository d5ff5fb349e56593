#include "multitier/report/reporter.h"

namespace multitier {
namespace {

// Written by a later change; for now the file is created empty.
class CsvReporter final : public Reporter {
 public:
  void write(const RunReport&, std::ostream&) const override {}
  std::string_view file_name() const override { return "timeseries.csv"; }
};

}  // namespace

std::unique_ptr<Reporter> make_csv_reporter() {
  return std::make_unique<CsvReporter>();
}

}  // namespace multitier
