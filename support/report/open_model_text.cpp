#include "open_model_text.h"

#include <cstdio>
#include <string>

namespace multitier::report_text {
namespace {

std::string ms(Nanos d) { return format_duration(d); }

std::string percent(std::uint64_t part, std::uint64_t whole) {
  return format_fixed(
             whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0, 1) +
         "%";
}

// "p50 1.20ms · p99 8.10ms · max 12.0ms"
std::string spread(const LatencyHistogram& h) {
  return "p50 " + ms(h.percentile(0.50)) + " · p99 " + ms(h.percentile(0.99)) + " · max " +
         ms(h.max());
}

}  // namespace

void open_model_section(std::ostream& out, const CaseReport& c) {
  if (!c.open()) return;
  const ScheduleStats& s = c.registry.schedule();
  const ExecutorSettings& e = c.executor;
  out << "\n── schedule: " << to_string(e.kind) << " (" << to_string(e.arrivals) << " arrivals, "
      << to_string(e.when_busy) << " when busy";
  if (e.when_busy == WhenBusy::queue) out << ", backlog ≤ " << e.max_backlog;
  out << ", " << (c.segments > 1 ? c.vus : e.max_vus) << " VUs) ──\n"
      << "  target " << format_fixed(c.target_rate(), 1) << "/s · achieved "
      << format_fixed(c.achieved_rate(), 1) << "/s · planned " << s.planned << " · started "
      << s.started << " · dropped " << s.total_dropped() << " ("
      << percent(s.total_dropped(), s.planned) << ")\n"
      << "  late starts (> " << ms(ScheduleStats::kLate) << "): " << s.late << " ("
      << percent(s.late, s.started) << ") · lateness " << spread(s.lateness) << '\n';
  std::string dropped;
  for (Scenario which : kAllScenarios) {
    const std::uint64_t d = s.dropped[static_cast<std::size_t>(which)];
    if (d > 0)
      dropped +=
          (dropped.empty() ? "" : " · ") + std::string(to_string(which)) + " " + std::to_string(d);
  }
  if (!dropped.empty()) out << "  dropped by scenario: " << dropped << '\n';

  const auto spans = c.curve().spans();
  if (spans.size() > 1 || ramping(e.kind)) {
    out << "  stage  span (s)        target (/s)    planned   started   dropped  achieved/s\n";
    for (std::size_t i = 0; i < spans.size(); ++i) {
      const StageCounts counts = i < s.stages.size() ? s.stages[i] : StageCounts{};
      const double length = spans[i].to_s - spans[i].from_s;
      char row[160];
      std::snprintf(row, sizeof row,
                    "  %5zu  %6.1f-%-6.1f  %6.0f->%-6.0f %9llu %9llu %9llu %11.1f\n", i + 1,
                    spans[i].from_s, spans[i].to_s, spans[i].from_target, spans[i].to_target,
                    static_cast<unsigned long long>(counts.planned),
                    static_cast<unsigned long long>(counts.started),
                    static_cast<unsigned long long>(counts.dropped),
                    length > 0 ? static_cast<double>(counts.started) / length : 0.0);
      out << row;
    }
    if (c.warmup_s > 0)
      out << "  (the first " << format_fixed(c.warmup_s, 1) << " s are warm-up: not counted)\n";
  }

  out << "\n── latency: raw (from the actual start) vs corrected (from the planned start) ──\n";
  for (Scenario which : kAllScenarios) {
    const ScenarioStats& stats = c.registry.stats(which);
    if (stats.runs == 0) continue;
    out << "  " << to_string(which) << "\n"
        << "    scenario    raw " << spread(stats.latency) << "\n"
        << "          corrected " << spread(stats.corrected) << "\n"
        << "    first step  raw " << spread(stats.first_step) << "\n"
        << "          corrected " << spread(stats.first_step_corrected) << '\n';
  }
}

}  // namespace multitier::report_text
