// One reporter interface, one small file per format (console_reporter.cpp, junit_reporter.cpp,
// json_reporter.cpp, csv_reporter.cpp, openmetrics_reporter.cpp, html_reporter.cpp), picked
// by name. Reporters format a RunReport onto a stream the caller
// opened; they never open files, print elsewhere or change the report.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "multitier/report/report.h"

namespace multitier {

class Reporter {
 public:
  virtual ~Reporter();
  // Writes the whole report to `out`. Never throws for any content of the report (error text
  // from the gateway may hold any bytes); stream errors are left in the stream's state.
  virtual void write(const RunReport& report, std::ostream& out) const = 0;
  // The file name the report gets inside the report directory ("report.txt", ...).
  virtual std::string_view file_name() const = 0;
};

// "console", "junit", "json", "csv", "openmetrics", "html" or "result"; nullptr for any other
// name.
std::unique_ptr<Reporter> make_reporter(std::string_view name);
// The names make_reporter accepts, for help texts.
std::vector<std::string_view> reporter_names();

// The factories behind make_reporter, one per format file.
std::unique_ptr<Reporter> make_console_reporter();
std::unique_ptr<Reporter> make_junit_reporter();
std::unique_ptr<Reporter> make_json_reporter();
std::unique_ptr<Reporter> make_csv_reporter();          // timeseries.csv
std::unique_ptr<Reporter> make_openmetrics_reporter();  // metrics.om
std::unique_ptr<Reporter> make_result_reporter();       // result.json (result_file.h)
// report.html, with `chart_library` (the text of Chart.js's UMD build) inlined; when it is
// empty the report says so (`missing_library_note`, e.g. "install libjs-chart.js") and still
// shows its tables. make_reporter("html") makes one without a library.
std::unique_ptr<Reporter> make_html_reporter(std::string chart_library,
                                             std::string missing_library_note);

enum class TextTarget {
  json,  // valid UTF-8: every malformed sequence becomes U+FFFD
  xml,   // XML 1.0 characters only: malformed sequences and forbidden characters are dropped
};
// `text` made safe to embed: malformed UTF-8 (stray or truncated bytes, overlong forms,
// surrogates, code points above U+10FFFF) is replaced or dropped as `target` says; for xml,
// C0 controls other than tab, LF and CR and U+FFFE/U+FFFF are dropped as well. Escaping
// (quotes, <, &) is the format writer's job.
std::string clean_text(std::string_view text, TextTarget target);

enum class Markup {
  xml_text,       // XML element content
  xml_attribute,  // a quoted XML attribute value
  html,           // HTML element content or a quoted attribute value
};
// `text` cleaned for XML (clean_text) and escaped for `markup`: &, <, >, " always, the
// apostrophe as &apos; (XML) or &#39; (HTML); in XML a CR always, and in attributes a tab
// and an LF too, as character references, so a reader's normalisation keeps them.
std::string escape_markup(std::string_view text, Markup markup);

}  // namespace multitier
