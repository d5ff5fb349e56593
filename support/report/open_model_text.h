// The open-model executors' figures as the console report shows them: the schedule (target
// and achieved rate, planned, started, dropped and late starts), each stage, and corrected
// beside raw latency per scenario. Private to the report layer.
#pragma once

#include <ostream>

#include "multitier/report/report.h"

namespace multitier::report_text {

// Nothing for a closed-model case.
void open_model_section(std::ostream& out, const CaseReport& c);

}  // namespace multitier::report_text
