// metrics.om: the run over time as OpenMetrics 1.0 text, every sample timestamped, for
// Prometheus's backfill (`promtool tsdb create-blocks-from openmetrics metrics.om DIR`) and any
// other OpenMetrics reader. docs/exports.md documents the families.
//
// Layout, as the format requires: each family (# TYPE, # UNIT when it has one, # HELP) holds
// all its metrics; each metric (one label set) holds all its points, in increasing timestamp
// order; the file ends with "# EOF". Timestamps are each interval's end, the last one the end
// of the measured phase; counters and summary counts and sums are cumulative from 0 at the
// start of the measured phase (a point there), quantiles and gauges belong to one interval.
// Timestamps are whole seconds when the interval is whole seconds (then even a reader of the
// older Prometheus text format parses the file), else whole milliseconds.
//
// With --interval 0 there is no series and the file is "# EOF" alone.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "multitier/report/reporter.h"
#include "series_view.h"

namespace multitier {
namespace {

using namespace report_series;

// multitier_late_starts's help text names the threshold.
static_assert(ScheduleStats::kLate == std::chrono::milliseconds(1));

constexpr std::array<double, 5> kQuantiles = {0.5, 0.9, 0.95, 0.99, 0.999};
// Their label values, in OpenMetrics's canonical rendering.
constexpr std::array<const char*, 5> kQuantileLabels = {"0.5", "0.9", "0.95", "0.99", "0.999"};

// A label value: valid UTF-8, with backslash, double quote and line feed escaped.
std::string label_value(std::string_view text) {
  std::string out;
  for (char c : clean_text(text, TextTarget::json)) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Exact seconds of a nanosecond sum (cumulative: keeps every digit it has).
std::string seconds_exact(std::uint64_t ns) {
  return format_shortest(static_cast<double>(ns) / 1e9);
}

// A quantile in seconds at microsecond resolution (an interval's quantile is within ~3 %).
std::string seconds_rounded(Nanos value) {
  return format_shortest(std::round(static_cast<double>(value.count()) / 1e3) / 1e6);
}

// One case's series as the writer walks it: its span, its label sets, its timestamps.
struct CaseSeries : SeriesSpan {
  std::string label;  // escaped
  std::int64_t resolution = kSecond;
  WallNanos baseline = 0;  // the counters' zero point

  // The end of interval `index`, or of the measured phase when it ends inside it, rounded up
  // to the resolution (never beyond the interval's end, never at or before its start).
  std::string end_of(std::int64_t index) const {
    const std::int64_t length = series->interval().count();
    const WallNanos start = index * length;
    WallNanos end = start + length;
    if (series->end > start && series->end < end) {
      end = std::min(end, (floor_div(series->end - 1, resolution) + 1) * resolution);
    }
    return unix_seconds(end);
  }
};

CaseSeries describe(const CaseReport& c, std::string label) {
  CaseSeries view;
  static_cast<SeriesSpan&>(view) = span_of(c);
  view.label = std::move(label);
  const TimeSeries& series = *view.series;
  const std::int64_t length = series.interval().count();
  view.resolution = length % kSecond == 0 ? kSecond : kMilli;
  const WallNanos first_start = view.first * length;
  view.baseline = first_start;
  if (series.begin > first_start && series.begin < first_start + length) {
    view.baseline =
        std::max(first_start, floor_div(series.begin, view.resolution) * view.resolution);
  }
  return view;
}

struct Family {
  const char* name;
  const char* type;
  const char* unit;  // empty: none
  const char* help;
};

void metadata(std::ostream& out, const Family& family) {
  std::string text;
  text += "# TYPE ";
  text += family.name;
  text += ' ';
  text += family.type;
  text += '\n';
  if (*family.unit) {
    text += "# UNIT ";
    text += family.name;
    text += ' ';
    text += family.unit;
    text += '\n';
  }
  text += "# HELP ";
  text += family.name;
  text += ' ';
  text += family.help;
  text += '\n';
  out << text;
}

// A label set: `{case="mix",scenario="cold_search_email"`, left open for more labels.
std::string labels(const CaseSeries& view, const Scenario* scenario = nullptr,
                   const std::string* step = nullptr, std::string_view kind = {}) {
  std::string text = "{case=\"" + view.label + "\"";
  if (scenario) text += ",scenario=\"" + std::string(to_string(*scenario)) + "\"";
  if (step) text += ",step=\"" + label_value(*step) + "\"";
  if (!kind.empty()) text += ",kind=\"" + std::string(kind) + "\"";
  return text;
}

void sample(std::string& buffer, std::string_view name, std::string_view open_labels,
            std::string_view extra, std::string_view value, std::string_view at) {
  buffer += name;
  buffer += open_labels;
  buffer += extra;
  buffer += "} ";
  buffer += value;
  buffer += ' ';
  buffer += at;
  buffer += '\n';
}

// Writes the buffer when it has grown, so the writer holds a few KB, not the file.
void flush(std::string& buffer, std::ostream& out, bool always = false) {
  if (always || buffer.size() > 64 * 1024) {
    out << buffer;
    buffer.clear();
  }
}

// A counter: `increment(interval)` per interval, summed from 0 at the baseline.
void counter(std::ostream& out, std::string& buffer, const CaseSeries& view,
             std::string_view sample_name, const std::string& open_labels,
             const std::function<std::uint64_t(const SeriesInterval&)>& increment) {
  std::uint64_t total = 0;
  sample(buffer, sample_name, open_labels, "", "0", unix_seconds(view.baseline));
  each_interval(view, [&](std::int64_t index, const SeriesInterval& interval) {
    total += increment(interval);
    sample(buffer, sample_name, open_labels, "", std::to_string(total), view.end_of(index));
    flush(buffer, out);
  });
}

// A summary: the interval's quantiles (NaN when it had no sample), count and sum cumulative.
void summary(std::ostream& out, std::string& buffer, const CaseSeries& view,
             const std::string& name, const std::string& open_labels,
             const std::function<const IntervalHistogram*(const SeriesInterval&)>& pick) {
  const std::string count_name = name + "_count";
  const std::string sum_name = name + "_sum";
  std::uint64_t count = 0;
  std::uint64_t sum_ns = 0;
  const std::string at0 = unix_seconds(view.baseline);
  sample(buffer, count_name, open_labels, "", "0", at0);
  sample(buffer, sum_name, open_labels, "", "0", at0);
  each_interval(view, [&](std::int64_t index, const SeriesInterval& interval) {
    const IntervalHistogram* h = pick(interval);
    const std::string at = view.end_of(index);
    for (std::size_t q = 0; q < kQuantiles.size(); ++q) {
      const std::string value =
          h && h->count() ? seconds_rounded(h->percentile(kQuantiles[q])) : std::string("NaN");
      sample(buffer, name, open_labels, std::string(",quantile=\"") + kQuantileLabels[q] + "\"",
             value, at);
    }
    if (h) {
      count += h->count();
      sum_ns += static_cast<std::uint64_t>(h->sum().count());
    }
    sample(buffer, count_name, open_labels, "", std::to_string(count), at);
    sample(buffer, sum_name, open_labels, "", seconds_exact(sum_ns), at);
    flush(buffer, out);
  });
}

// A gauge: `value(index, interval)` per interval, no point where it gives an empty string.
void gauge(std::ostream& out, std::string& buffer, const CaseSeries& view, std::string_view name,
           const std::string& open_labels,
           const std::function<std::string(std::int64_t, const SeriesInterval&)>& value) {
  each_interval(view, [&](std::int64_t index, const SeriesInterval& interval) {
    const std::string text = value(index, interval);
    if (text.empty()) return;
    sample(buffer, name, open_labels, "", text, view.end_of(index));
    flush(buffer, out);
  });
}

const std::string& step_name(const CaseSeries& view, const StepKey& key) {
  static const std::string kUnknown = "?";
  const auto& names = view.series->step_names();
  return key.name < names.size() ? names[key.name] : kUnknown;
}

const ScenarioPoint& point(const SeriesInterval& interval, Scenario which) {
  return interval.scenarios[static_cast<std::size_t>(which)];
}

class OpenMetricsReporter final : public Reporter {
 public:
  void write(const RunReport& report, std::ostream& out) const override {
    std::vector<CaseSeries> cases;
    std::vector<std::string> taken;
    for (const CaseReport& c : report.cases) {
      if (!c.registry.series().enabled()) continue;
      // A label no earlier case has: a second case of the same label gets "#2", "#3"...
      std::string label = c.label;
      for (int n = 2; std::find(taken.begin(), taken.end(), label) != taken.end(); ++n) {
        label = c.label + "#" + std::to_string(n);
      }
      taken.push_back(label);
      CaseSeries view = describe(c, label_value(label));
      if (!view.empty()) cases.push_back(std::move(view));
    }
    std::string buffer;
    write_families(cases, out, buffer);
    buffer += "# EOF\n";
    flush(buffer, out, true);
  }
  std::string_view file_name() const override { return "metrics.om"; }

 private:
  static void write_families(const std::vector<CaseSeries>& cases, std::ostream& out,
                             std::string& buffer) {
    // Runs `each(view)` under the family's metadata, when `has(view)` holds for some case.
    auto family = [&](const Family& f, const std::function<bool(const CaseSeries&)>& has,
                      const std::function<void(const CaseSeries&)>& each) {
      bool any = false;
      for (const CaseSeries& view : cases) any = any || has(view);
      if (!any) return;
      flush(buffer, out, true);
      metadata(out, f);
      for (const CaseSeries& view : cases) {
        if (has(view)) each(view);
      }
    };
    auto has_scenarios = [](const CaseSeries& v) { return !v.scenarios.empty(); };
    auto has_steps = [](bool http) {
      return [http](const CaseSeries& v) {
        for (const StepKey& key : v.steps) {
          if (key.http == http) return true;
        }
        return false;
      };
    };
    auto per_scenario = [&](const char* sample_name,
                            std::uint64_t (*increment)(const ScenarioPoint&)) {
      return [&buffer, &out, sample_name, increment](const CaseSeries& view) {
        for (Scenario which : view.scenarios) {
          counter(
              out, buffer, view, sample_name, labels(view, &which),
              [which, increment](const SeriesInterval& i) { return increment(point(i, which)); });
        }
      };
    };
    auto per_run = [&](const char* sample_name, std::uint64_t (*increment)(const SeriesInterval&)) {
      return [&buffer, &out, sample_name, increment](const CaseSeries& view) {
        counter(out, buffer, view, sample_name, labels(view), increment);
      };
    };
    auto per_step = [&](bool http, const char* sample_name, bool failures) {
      return [&buffer, &out, http, sample_name, failures](const CaseSeries& view) {
        for (const StepKey& key : view.steps) {
          if (key.http != http) continue;
          counter(out, buffer, view, sample_name,
                  labels(view, &key.scenario, &step_name(view, key)),
                  [key, failures](const SeriesInterval& i) -> std::uint64_t {
                    const StepPoint* step = find_step(i, key);
                    return step ? (failures ? step->failures : step->runs) : 0;
                  });
        }
      };
    };

    family({"multitier_scenario_starts_total", "counter", "",
            "Scenario runs begun in the measured phase, cumulative."},
           has_scenarios,
           per_scenario("multitier_scenario_starts_total",
                        [](const ScenarioPoint& p) { return p.starts; }));
    family({"multitier_scenarios_total", "counter", "",
            "Scenario runs ended in the measured phase (passed or failed), cumulative."},
           has_scenarios, per_scenario("multitier_scenarios_total", [](const ScenarioPoint& p) {
             return p.completions;
           }));
    family(
        {"multitier_scenario_failures_total", "counter", "",
         "Failed scenario runs by failure kind, cumulative; a kind is present from the start "
         "when it occurred at least once in the case."},
        [](const CaseSeries& v) {
          for (const auto& kinds : v.kinds) {
            for (bool k : kinds) {
              if (k) return true;
            }
          }
          return false;
        },
        [&](const CaseSeries& view) {
          for (Scenario which : view.scenarios) {
            const auto s = static_cast<std::size_t>(which);
            for (std::size_t k = 0; k < kFailureKindCount; ++k) {
              if (!view.kinds[s][k]) continue;
              const std::string_view kind = to_string(static_cast<FailureKind>(k));
              counter(out, buffer, view, "multitier_scenario_failures_total",
                      labels(view, &which, nullptr, kind), [which, k](const SeriesInterval& i) {
                        return point(i, which).failure_kinds[k];
                      });
            }
          }
        });
    family({"multitier_http_requests_total", "counter", "",
            "HTTP requests to the gateway ended in the measured phase, per scenario and step, "
            "cumulative."},
           has_steps(true), per_step(true, "multitier_http_requests_total", false));
    family({"multitier_http_request_failures_total", "counter", "",
            "HTTP requests that failed (any failure kind), per scenario and step, cumulative."},
           has_steps(true), per_step(true, "multitier_http_request_failures_total", true));
    family({"multitier_validations_total", "counter", "",
            "In-process validator runs, per scenario and step, cumulative."},
           has_steps(false), per_step(false, "multitier_validations_total", false));
    family({"multitier_validation_failures_total", "counter", "",
            "In-process validator runs that rejected their artifact, per scenario and step, "
            "cumulative."},
           has_steps(false), per_step(false, "multitier_validation_failures_total", true));
    auto open = [](const CaseSeries& v) { return v.open; };
    family({"multitier_planned_starts_total", "counter", "",
            "Open model: scenario starts the schedule planned, cumulative."},
           open, per_run("multitier_planned_starts_total", [](const SeriesInterval& i) {
             return i.planned;
           }));
    family({"multitier_late_starts_total", "counter", "",
            "Open model: starts that began on a VU more than 1 ms after their planned time, "
            "cumulative."},
           open,
           per_run("multitier_late_starts_total", [](const SeriesInterval& i) { return i.late; }));
    family({"multitier_dropped_starts_total", "counter", "",
            "Open model: planned starts dropped (no VU free, backlog full or the run over), "
            "cumulative."},
           open, per_scenario("multitier_dropped_starts_total", [](const ScenarioPoint& p) {
             return p.dropped;
           }));

    family({"multitier_scenario_duration_seconds", "summary", "seconds",
            "Scenario run latency, end to end; quantiles over the interval, count and sum "
            "cumulative."},
           has_scenarios, [&](const CaseSeries& view) {
             for (Scenario which : view.scenarios) {
               summary(out, buffer, view, "multitier_scenario_duration_seconds",
                       labels(view, &which),
                       [which](const SeriesInterval& i) { return &point(i, which).latency; });
             }
           });
    family(
        {"multitier_scenario_corrected_duration_seconds", "summary", "seconds",
         "Open model: scenario run latency from its planned start (coordinated omission "
         "corrected); quantiles over the interval, count and sum cumulative."},
        [](const CaseSeries& v) { return v.corrected; },
        [&](const CaseSeries& view) {
          for (Scenario which : view.scenarios) {
            summary(out, buffer, view, "multitier_scenario_corrected_duration_seconds",
                    labels(view, &which),
                    [which](const SeriesInterval& i) { return &point(i, which).corrected; });
          }
        });
    family({"multitier_http_request_duration_seconds", "summary", "seconds",
            "HTTP request latency per scenario and step; quantiles over the interval, count and "
            "sum cumulative."},
           has_steps(true), [&](const CaseSeries& view) {
             for (const StepKey& key : view.steps) {
               if (!key.http) continue;
               summary(out, buffer, view, "multitier_http_request_duration_seconds",
                       labels(view, &key.scenario, &step_name(view, key)),
                       [key](const SeriesInterval& i) -> const IntervalHistogram* {
                         const StepPoint* step = find_step(i, key);
                         return step ? &step->latency : nullptr;
                       });
             }
           });

    family(
        {"multitier_active_vus", "gauge", "",
         "Mean number of virtual users busy running a scenario over the interval."},
        [](const CaseSeries&) { return true; },
        [&](const CaseSeries& view) {
          gauge(out, buffer, view, "multitier_active_vus", labels(view),
                [&view](std::int64_t index, const SeriesInterval& i) {
                  const double covered = view.series->covered_s(index);
                  return covered > 0 ? six(static_cast<double>(i.busy_ns) / (covered * 1e9))
                                     : std::string();
                });
        });
    family(
        {"multitier_target", "gauge", "",
         "The executor's target over the interval: starts per second for the arrival-rate "
         "executors, VUs for constant-vus and ramping-vus."},
        [](const CaseSeries& v) { return v.target; },
        [&](const CaseSeries& view) {
          gauge(out, buffer, view, "multitier_target", labels(view),
                [](std::int64_t, const SeriesInterval& i) {
                  return std::isfinite(i.target) ? six(i.target) : std::string();
                });
        });
    family(
        {"multitier_gateway_cpu_ratio", "gauge", "ratio",
         "CPU time the gateway process used over the interval per second of wall time "
         "(1 = one core busy)."},
        [](const CaseSeries& v) { return v.cpu; },
        [&](const CaseSeries& view) {
          gauge(out, buffer, view, "multitier_gateway_cpu_ratio", labels(view),
                [](std::int64_t, const SeriesInterval& i) {
                  return std::isfinite(i.gateway_cpu_percent) ? six(i.gateway_cpu_percent / 100)
                                                              : std::string();
                });
        });
    family(
        {"multitier_gateway_resident_memory_bytes", "gauge", "bytes",
         "Resident set size of the gateway process when it was sampled in the interval."},
        [](const CaseSeries& v) { return v.rss; },
        [&](const CaseSeries& view) {
          gauge(out, buffer, view, "multitier_gateway_resident_memory_bytes", labels(view),
                [](std::int64_t, const SeriesInterval& i) {
                  return i.gateway_rss_bytes ? std::to_string(i.gateway_rss_bytes) : std::string();
                });
        });
  }
};

}  // namespace

std::unique_ptr<Reporter> make_openmetrics_reporter() {
  return std::make_unique<OpenMetricsReporter>();
}

}  // namespace multitier
