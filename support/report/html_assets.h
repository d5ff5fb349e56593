// report.html's own CSS and JavaScript (html_assets.cpp), for html_reporter.cpp. Private to the
// report layer.
#pragma once

namespace multitier::html_assets {

// The page's style sheet.
extern const char* const kStyle;
// The page's own script: reads the JSON blob and draws each case's charts.
extern const char* const kScript;

}  // namespace multitier::html_assets
