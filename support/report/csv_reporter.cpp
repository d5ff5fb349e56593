// timeseries.csv: the run over time, one row per case, interval and series (the run's total,
// every HTTP request together, each scenario, each step), RFC 4180 (CRLF, a header row, fields
// quoted only when they hold a comma, a quote or a line break). docs/exports.md documents the
// columns. A cell that does not apply to its row, or a figure that was not measured, is empty.
//
// With --interval 0 there is no series: the file is the header row alone.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "multitier/report/reporter.h"
#include "multitier/run/start_time.h"
#include "series_view.h"

namespace multitier {
namespace {

using namespace report_series;

// The failure kinds with a column of their own (every kind but none).
constexpr int kFirstKind = 1;

constexpr std::array<double, 5> kQuantiles = {0.50, 0.90, 0.95, 0.99, 0.999};
constexpr std::array<const char*, 5> kQuantileNames = {"p50", "p90", "p95", "p99", "p999"};
constexpr std::array<double, 4> kCorrected = {0.50, 0.90, 0.95, 0.99};

// Milliseconds at microsecond resolution, as report.json gives them ("2.214").
std::string ms(Nanos value) { return format_shortest(to_ms(value)); }

std::string csv_field(std::string_view text) {
  const std::string clean = clean_text(text, TextTarget::json);
  if (clean.find_first_of(",\"\r\n") == std::string::npos) return clean;
  std::string quoted = "\"";
  for (char c : clean) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

enum Column {
  c_case,
  c_time,
  c_unix_s,
  c_covered_s,
  c_series,
  c_kind,
  c_scenario,
  c_step,
  c_starts,
  c_completions,
  c_failures,
  c_failure_kinds,  // kFailureKindCount - 1 columns
  c_requests = c_failure_kinds + kFailureKindCount - kFirstKind,
  c_dropped,
  c_planned,
  c_started,
  c_late,
  c_active_vus,
  c_target,
  c_achieved_rate,
  c_count,
  c_quantiles,  // kQuantiles.size() columns
  c_min_ms = c_quantiles + static_cast<int>(kQuantiles.size()),
  c_max_ms,
  c_mean_ms,
  c_corrected,  // kCorrected.size() columns
  c_gateway_cpu_percent = c_corrected + static_cast<int>(kCorrected.size()),
  c_gateway_rss_bytes,
  c_columns
};

std::vector<std::string> header() {
  std::vector<std::string> names(c_columns);
  names[c_case] = "case";
  names[c_time] = "time";
  names[c_unix_s] = "unix_s";
  names[c_covered_s] = "covered_s";
  names[c_series] = "series";
  names[c_kind] = "kind";
  names[c_scenario] = "scenario";
  names[c_step] = "step";
  names[c_starts] = "starts";
  names[c_completions] = "completions";
  names[c_failures] = "failures";
  for (int k = kFirstKind; k < kFailureKindCount; ++k) {
    names[c_failure_kinds + k - kFirstKind] =
        "failures_" + std::string(to_string(static_cast<FailureKind>(k)));
  }
  names[c_requests] = "requests";
  names[c_dropped] = "dropped";
  names[c_planned] = "planned";
  names[c_started] = "started";
  names[c_late] = "late";
  names[c_active_vus] = "active_vus";
  names[c_target] = "target";
  names[c_achieved_rate] = "achieved_rate";
  names[c_count] = "count";
  for (std::size_t q = 0; q < kQuantiles.size(); ++q) {
    names[c_quantiles + q] = std::string(kQuantileNames[q]) + "_ms";
  }
  names[c_min_ms] = "min_ms";
  names[c_max_ms] = "max_ms";
  names[c_mean_ms] = "mean_ms";
  for (std::size_t q = 0; q < kCorrected.size(); ++q) {
    names[c_corrected + q] = "corrected_" + std::string(kQuantileNames[q]) + "_ms";
  }
  names[c_gateway_cpu_percent] = "gateway_cpu_percent";
  names[c_gateway_rss_bytes] = "gateway_rss_bytes";
  return names;
}

// One row being filled; written and cleared per row, so the writer holds one row at a time.
class Row {
 public:
  Row() : cells_(c_columns) {}
  std::string& operator[](int column) { return cells_[static_cast<std::size_t>(column)]; }
  void set(int column, std::uint64_t value) { (*this)[column] = std::to_string(value); }
  void write(std::ostream& out) {
    std::string line;
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      if (i) line += ',';
      line += cells_[i];
      cells_[i].clear();
    }
    line += "\r\n";
    out << line;
  }

 private:
  std::vector<std::string> cells_;
};

void latency(Row& row, const IntervalHistogram& h) {
  row.set(c_count, h.count());
  if (h.count() == 0) return;
  for (std::size_t q = 0; q < kQuantiles.size(); ++q) {
    row[c_quantiles + static_cast<int>(q)] = ms(h.percentile(kQuantiles[q]));
  }
  row[c_min_ms] = ms(h.min());
  row[c_max_ms] = ms(h.max());
  row[c_mean_ms] = ms(h.mean());
}

void corrected(Row& row, const IntervalHistogram& h) {
  if (h.count() == 0) return;
  for (std::size_t q = 0; q < kCorrected.size(); ++q) {
    row[c_corrected + static_cast<int>(q)] = ms(h.percentile(kCorrected[q]));
  }
}

void failure_kinds(Row& row, const std::array<std::uint64_t, kFailureKindCount>& kinds) {
  for (int k = kFirstKind; k < kFailureKindCount; ++k) {
    row.set(c_failure_kinds + k - kFirstKind, kinds[static_cast<std::size_t>(k)]);
  }
}

// `count` per second of the covered time; empty without covered time.
std::string per_second(std::uint64_t count, double covered) {
  return covered > 0 ? six(static_cast<double>(count) / covered) : std::string();
}

// One case's series and its CSV-quoted label.
struct CaseSeries : SeriesSpan {
  std::string label;
  // The open-model columns apply: its start counts, or corrected latency.
  bool open_columns() const { return open || corrected; }
};

CaseSeries describe(const CaseReport& c) {
  CaseSeries view;
  static_cast<SeriesSpan&>(view) = span_of(c);
  view.label = csv_field(c.label);
  return view;
}

class CsvReporter final : public Reporter {
 public:
  void write(const RunReport& report, std::ostream& out) const override {
    Row row;
    const std::vector<std::string> names = header();
    for (int i = 0; i < c_columns; ++i) row[i] = names[static_cast<std::size_t>(i)];
    row.write(out);
    for (const CaseReport& c : report.cases) {
      if (!c.registry.series().enabled()) continue;
      write_case(describe(c), row, out);
    }
  }
  std::string_view file_name() const override { return "timeseries.csv"; }

 private:
  static void write_case(const CaseSeries& view, Row& row, std::ostream& out) {
    const TimeSeries& series = *view.series;
    const std::int64_t length = series.interval().count();
    const bool millis = length % kSecond != 0;
    each_interval(view, [&](std::int64_t index, const SeriesInterval& interval) {
      const WallNanos start = index * length;
      const double covered = series.covered_s(index);
      const std::string time = format_rfc3339(start, millis);
      const std::string unix_s = unix_seconds(start);
      const std::string covered_s = format_shortest(covered);
      auto begin_row = [&](std::string_view name, std::string_view kind) {
        row[c_case] = view.label;
        row[c_time] = time;
        row[c_unix_s] = unix_s;
        row[c_covered_s] = covered_s;
        row[c_series] = csv_field(name);
        row[c_kind] = std::string(kind);
      };
      total_row(view, interval, covered, row, begin_row);
      row.write(out);
      http_row(interval, covered, row, begin_row);
      row.write(out);
      for (Scenario which : view.scenarios) {
        scenario_row(view, interval, which, covered, row, begin_row);
        row.write(out);
        for (const StepKey& key : view.steps) {
          if (key.scenario != which) continue;
          step_row(series, interval, key, covered, row, begin_row);
          row.write(out);
        }
      }
    });
  }

  template <class Begin>
  static void total_row(const CaseSeries& view, const SeriesInterval& interval, double covered,
                        Row& row, Begin& begin_row) {
    begin_row("total", "run");
    std::uint64_t starts = 0;
    std::array<std::uint64_t, kFailureKindCount> kinds{};
    IntervalHistogram corrected_all;
    for (const ScenarioPoint& p : interval.scenarios) {
      starts += p.starts;
      for (std::size_t k = 0; k < kinds.size(); ++k) kinds[k] += p.failure_kinds[k];
      corrected_all.merge(p.corrected);
    }
    row.set(c_starts, starts);
    row.set(c_completions, interval.completions());
    row.set(c_failures, interval.failures());
    failure_kinds(row, kinds);
    row.set(c_requests, interval.requests());
    if (view.open_columns()) {
      row.set(c_dropped, interval.dropped());
      row.set(c_planned, interval.planned);
      row.set(c_started, interval.started);
      row.set(c_late, interval.late);
    }
    if (covered > 0) {
      row[c_active_vus] = six(static_cast<double>(interval.busy_ns) / (covered * 1e9));
    }
    if (std::isfinite(interval.target)) row[c_target] = six(interval.target);
    row[c_achieved_rate] = per_second(starts, covered);
    latency(row, interval.total_latency());
    corrected(row, corrected_all);
    if (std::isfinite(interval.gateway_cpu_percent)) {
      row[c_gateway_cpu_percent] = six(interval.gateway_cpu_percent);
    }
    if (interval.gateway_rss_bytes) row.set(c_gateway_rss_bytes, interval.gateway_rss_bytes);
  }

  template <class Begin>
  static void http_row(const SeriesInterval& interval, double covered, Row& row, Begin& begin_row) {
    begin_row("http", "http");
    const std::uint64_t requests = interval.requests();
    row.set(c_completions, requests);
    row.set(c_failures, interval.request_failures());
    row.set(c_requests, requests);
    row[c_achieved_rate] = per_second(requests, covered);
    latency(row, interval.http_latency());
  }

  template <class Begin>
  static void scenario_row(const CaseSeries& view, const SeriesInterval& interval, Scenario which,
                           double covered, Row& row, Begin& begin_row) {
    const std::string name(to_string(which));
    begin_row("scenario:" + name, "scenario");
    row[c_scenario] = name;
    const ScenarioPoint& p = interval.scenarios[static_cast<std::size_t>(which)];
    row.set(c_starts, p.starts);
    row.set(c_completions, p.completions);
    row.set(c_failures, p.failures);
    failure_kinds(row, p.failure_kinds);
    std::uint64_t requests = 0;
    for (const StepPoint& step : interval.steps) {
      if (step.http && step.scenario == which) requests += step.runs;
    }
    row.set(c_requests, requests);
    if (view.open_columns()) row.set(c_dropped, p.dropped);
    if (covered > 0) {
      row[c_active_vus] = six(static_cast<double>(p.latency.sum().count()) / (covered * 1e9));
    }
    row[c_achieved_rate] = per_second(p.starts, covered);
    latency(row, p.latency);
    corrected(row, p.corrected);
  }

  template <class Begin>
  static void step_row(const TimeSeries& series, const SeriesInterval& interval, const StepKey& key,
                       double covered, Row& row, Begin& begin_row) {
    const std::string scenario(to_string(key.scenario));
    const std::string& name =
        key.name < series.step_names().size() ? series.step_names()[key.name] : std::string("?");
    begin_row("step:" + scenario + "/" + name, key.http ? "http_step" : "validator_step");
    row[c_scenario] = scenario;
    row[c_step] = csv_field(name);
    const StepPoint* step = find_step(interval, key);
    const std::uint64_t runs = step ? step->runs : 0;
    row.set(c_completions, runs);
    row.set(c_failures, step ? step->failures : 0);
    if (key.http) row.set(c_requests, runs);
    row[c_achieved_rate] = per_second(runs, covered);
    latency(row, step ? step->latency : IntervalHistogram{});
  }
};

}  // namespace

std::unique_ptr<Reporter> make_csv_reporter() { return std::make_unique<CsvReporter>(); }

}  // namespace multitier
