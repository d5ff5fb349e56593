// The seed's JSON summary (wall_sec, total_scenarios, failures, per_scenario.<name>.{runs,
// fails, p50_ms, p99_ms}) under the seed's names, extended with one object per case holding
// everything its registry knows, the thresholds and the settings.
#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include <chrono>
#include <cmath>

#include "multitier/report/reporter.h"
#include "open_model_text.h"

namespace multitier {

namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::OStreamWrapper>;

void put(Writer& w, std::string_view text) {
  const std::string clean = clean_text(text, TextTarget::json);
  w.String(clean.data(), static_cast<rapidjson::SizeType>(clean.size()));
}
void key(Writer& w, std::string_view name) { put(w, name); }
void member(Writer& w, std::string_view name, std::uint64_t value) {
  key(w, name), w.Uint64(value);
}
void member(Writer& w, std::string_view name, int value) { key(w, name), w.Int(value); }
// JSON has no NaN or infinity; they are written as null.
void member(Writer& w, std::string_view name, double value) {
  key(w, name);
  std::isfinite(value) ? w.Double(value) : w.Null();
}
void member(Writer& w, std::string_view name, bool value) { key(w, name), w.Bool(value); }
void member(Writer& w, std::string_view name, std::string_view value) {
  key(w, name), put(w, value);
}
void member_ms(Writer& w, std::string_view name, Nanos value) { member(w, name, to_ms(value)); }

void latencies(Writer& w, const LatencyHistogram& h) {
  member_ms(w, "p50_ms", h.percentile(0.50));
  member_ms(w, "p95_ms", h.percentile(0.95));
  member_ms(w, "p99_ms", h.percentile(0.99));
  member_ms(w, "max_ms", h.max());
}

// An object of the non-zero counts of an enum-indexed array, keyed by the enum's name.
template <class Enum, std::size_t N>
void nonzero_counts(Writer& w, std::string_view name, const std::array<std::uint64_t, N>& counts) {
  key(w, name);
  w.StartObject();
  for (std::size_t i = 0; i < N; ++i) {
    if (counts[i] > 0) member(w, to_string(static_cast<Enum>(i)), counts[i]);
  }
  w.EndObject();
}

void failures(Writer& w, const ScenarioStats& s) {
  key(w, "failed_at");
  w.StartObject();
  for (const NamedCount& at : s.failed_at) member(w, at.name, at.count);
  if (s.failed_at_other > 0) member(w, "(other)", s.failed_at_other);
  w.EndObject();
  nonzero_counts<FailureKind>(w, "failure_kinds", s.failure_kinds);
  key(w, "errors");
  w.StartArray();
  for (const ErrorSample& e : s.errors) {
    w.StartObject();
    member(w, "failed_at", std::string_view(e.failed_at));
    member(w, "kind", to_string(e.kind));
    member(w, "message", std::string_view(e.message));
    member(w, "count", e.count);
    w.EndObject();
  }
  w.EndArray();
  member(w, "errors_other", s.errors_other);
}

void scenario(Writer& w, Scenario which, const ScenarioStats& s) {
  key(w, to_string(which));
  w.StartObject();
  member(w, "runs", s.runs);
  member(w, "fails", s.failures);
  latencies(w, s.latency);
  member_ms(w, "mean_ms", s.latency.mean());
  failures(w, s);
  nonzero_counts<ValidationCategory>(w, "validator", s.validator);
  if (s.ratio_count > 0) {
    member(w, "first_to_rest_ratio_mean", s.ratio_mean());
    member(w, "first_to_rest_ratio_count", s.ratio_count);
  }
  if (s.corrected.count() > 0) {  // open model: corrected beside raw
    key(w, "corrected");
    w.StartObject();
    latencies(w, s.corrected);
    w.EndObject();
    key(w, "first_step");
    w.StartObject();
    key(w, "raw");
    w.StartObject();
    latencies(w, s.first_step);
    w.EndObject();
    key(w, "corrected");
    w.StartObject();
    latencies(w, s.first_step_corrected);
    w.EndObject();
    w.EndObject();
  }
  key(w, "steps");
  w.StartObject();
  for (const StepStats& step : s.steps) {
    key(w, step.name);
    w.StartObject();
    member(w, "http", step.http);
    member(w, "runs", step.runs);
    member(w, "fails", step.failures);
    latencies(w, step.latency);
    if (step.http) {
      member_ms(w, "p999_ms", step.latency.percentile(0.999));
      member_ms(w, "min_ms", step.latency.min());
    }
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
}

void weights(Writer& w, std::string_view name, const std::vector<std::pair<Scenario, int>>& list) {
  key(w, name);
  w.StartObject();
  for (const auto& [which, weight] : list) member(w, to_string(which), weight);
  w.EndObject();
}

void per_scenario(Writer& w, const Registry& registry) {
  key(w, "per_scenario");
  w.StartObject();
  for (Scenario which : kAllScenarios) {
    if (registry.stats(which).runs > 0) scenario(w, which, registry.stats(which));
  }
  w.EndObject();
}

// The executor and, for the open model, what it did with its planned starts, stage by stage.
void schedule(Writer& w, const CaseReport& c) {
  const ExecutorSettings& e = c.executor;
  key(w, "executor");
  w.StartObject();
  member(w, "name", to_string(e.kind));
  if (c.open()) {
    member(w, "max_vus", e.max_vus);
    member(w, "arrivals", to_string(e.arrivals));
    member(w, "when_busy", to_string(e.when_busy));
    member(w, "max_backlog", e.max_backlog);
    if (e.kind == ExecutorKind::constant_arrival_rate) member(w, "rate", e.rate);
  }
  w.EndObject();
  if (!c.open()) return;
  const ScheduleStats& s = c.registry.schedule();
  key(w, "schedule");
  w.StartObject();
  member(w, "target_rate", c.target_rate());
  member(w, "achieved_rate", c.achieved_rate());
  member(w, "planned", s.planned);
  member(w, "started", s.started);
  member(w, "dropped", s.total_dropped());
  nonzero_counts<Scenario>(w, "dropped_by_scenario", s.dropped);
  member(w, "late", s.late);
  member(w, "late_threshold_ms", to_ms(ScheduleStats::kLate));
  key(w, "lateness");
  w.StartObject();
  latencies(w, s.lateness);
  w.EndObject();
  key(w, "stages");
  w.StartArray();
  const auto spans = c.curve().spans();
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const StageCounts counts = i < s.stages.size() ? s.stages[i] : StageCounts{};
    const double length = spans[i].to_s - spans[i].from_s;
    w.StartObject();
    member(w, "from_s", spans[i].from_s);
    member(w, "to_s", spans[i].to_s);
    member(w, "target_from", spans[i].from_target);
    member(w, "target_to", spans[i].to_target);
    member(w, "planned", counts.planned);
    member(w, "started", counts.started);
    member(w, "dropped", counts.dropped);
    member(w, "achieved_rate", length > 0 ? static_cast<double>(counts.started) / length : 0.0);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

// Every HTTP exchange of the case together: requests, their rate and latency.
void http(Writer& w, const CaseReport& c) {
  const HttpTotals totals = http_totals(c.registry);
  key(w, "http");
  w.StartObject();
  member(w, "requests", totals.requests);
  member(w, "failures", totals.failures);
  member(w, "requests_per_s", c.wall_s > 0 ? static_cast<double>(totals.requests) / c.wall_s : 0.0);
  member_ms(w, "p50_ms", totals.latency.percentile(0.50));
  member_ms(w, "p95_ms", totals.latency.percentile(0.95));
  member_ms(w, "p99_ms", totals.latency.percentile(0.99));
  member_ms(w, "p999_ms", totals.latency.percentile(0.999));
  member_ms(w, "min_ms", totals.latency.min());
  member_ms(w, "max_ms", totals.latency.max());
  w.EndObject();
}

// The time series in brief (timeseries.csv and metrics.om hold it all) and the gateway's
// footprint.
void series(Writer& w, const CaseReport& c, const RunSettings& settings) {
  const TimeSeries& series = c.registry.series();
  key(w, "series");
  w.StartObject();
  member(w, "interval_s", std::chrono::duration<double>(series.interval()).count());
  member(w, "intervals", static_cast<std::uint64_t>(series.intervals().size()));
  member(w, "begin_unix_s", static_cast<double>(series.begin) / 1e9);
  member(w, "end_unix_s", static_cast<double>(series.end) / 1e9);
  member(w, "memory_bytes", static_cast<std::uint64_t>(series.memory_bytes()));
  member(w, "percentile_max_relative_error", IntervalHistogram::kMaxRelativeError);
  w.EndObject();
  const FootprintSummary footprint = footprint_summary(series);
  key(w, "gateway_footprint");
  w.StartObject();
  member(w, "sampled_intervals", static_cast<std::uint64_t>(footprint.samples));
  if (footprint.samples > 0) {
    member(w, "pid", settings.gateway_pid);
    member(w, "mean_cpu_percent", footprint.mean_cpu_percent);
    member(w, "peak_cpu_percent", footprint.peak_cpu_percent);
    member(w, "peak_rss_bytes", footprint.peak_rss_bytes);
  } else {
    member(w, "note",
           std::string_view(settings.gateway_pid > 0 ? "no interval was sampled"
                                                     : settings.footprint_note));
  }
  w.EndObject();
}

void one_case(Writer& w, const CaseReport& c, const RunSettings& settings) {
  w.StartObject();
  member(w, "name", std::string_view(c.name));
  member(w, "label", std::string_view(c.label));
  member(w, "mix", c.mix);
  member(w, "wall_sec", c.wall_s);
  member(w, "runs", c.registry.total_runs());
  member(w, "failures", c.registry.total_failures());
  member(w, "scenarios_per_s", c.rate());
  member(w, "vus", c.vus);
  member(w, "threads", c.threads);
  member(w, "interrupted", c.interrupted);
  member(w, "interrupted_after_s", c.interrupted_after_s);
  member(w, "error", std::string_view(c.error));
  member(w, "passed", c.passed());
  weights(w, "weights", c.weights);
  if (c.stress) schedule(w, c);
  http(w, c);
  per_scenario(w, c.registry);
  if (c.registry.series().enabled()) series(w, c, settings);
  key(w, "verdicts");
  w.StartArray();
  for (const Verdict& v : c.verdicts) {
    w.StartObject();
    member(w, "scenario", to_string(v.scenario));
    member(w, "passed", v.passed);
    member(w, "reason", std::string_view(v.reason));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void thresholds(Writer& w, const Thresholds& t) {
  key(w, "thresholds");
  w.StartObject();
  member(w, "max_failure_rate", t.max_failure_rate);
  // Open model; null when not set.
  member(w, "max_dropped_rate", t.max_dropped_rate >= 0 ? t.max_dropped_rate : NAN);
  member(w, "min_achieved_rate", t.min_achieved_rate >= 0 ? t.min_achieved_rate : NAN);
  key(w, "p99_budget_ms");
  w.StartObject();
  for (const auto& [which, budget] : t.p99_budget) member_ms(w, to_string(which), budget);
  w.EndObject();
  key(w, "p99_budget");
  w.StartObject();
  for (const auto& [which, budget] : t.p99_budget) {
    member(w, to_string(which), std::string_view(format_duration_exact(budget)));
  }
  w.EndObject();
  w.EndObject();
}

void settings(Writer& w, const RunSettings& s) {
  key(w, "settings");
  w.StartObject();
  member(w, "gateway", std::string_view(s.gateway));
  member(w, "corpus", std::string_view(s.corpus));
  member(w, "queries", std::string_view(s.queries));
  member(w, "roster", std::string_view(s.roster));
  if (!s.roster_file.empty()) member(w, "roster_file", std::string_view(s.roster_file));
  member(w, "mode", std::string_view(s.mode));
  member(w, "concurrency", s.concurrency);
  member(w, "duration_s", s.duration_s);
  member(w, "warmup_s", s.warmup_s);
  member(w, "seed", s.seed);
  member(w, "iterations", s.iterations);
  weights(w, "weights", s.weights);
  member(w, "timeout_s", s.timeout_s);
  member(w, "connect_timeout_s", s.connect_timeout_s);
  member(w, "threads", s.threads);
  key(w, "headers");
  w.StartArray();
  for (const std::string& h : s.headers) put(w, h);
  w.EndArray();
  member(w, "version", std::string_view(s.version));
  member(w, "interval_s", s.interval_s);
  member(w, "segment", s.segment);
  member(w, "segments", s.segments);
  member(w, "segment_source", std::string_view(s.segment_source));
  member(w, "allow_remote", s.allow_remote);
  member(w, "start_at", std::string_view(s.start_at));
  member(w, "start_late_s", s.start_late_s);
  w.EndObject();
}

class JsonReporter final : public Reporter {
 public:
  // The top level keeps the seed's fields, summed over the cases; "per_scenario" is there only
  // when exactly one case ran (no error), and is that case's, so a one-case run reads as the
  // seed's summary. Every case is in "cases".
  void write(const RunReport& report, std::ostream& out) const override {
    rapidjson::OStreamWrapper stream(out);
    Writer w(stream);
    w.SetIndent(' ', 2);
    w.StartObject();
    member(w, "wall_sec", report.wall_s());
    member(w, "total_scenarios", report.total_runs());
    member(w, "failures", report.total_failures());
    const CaseReport* only = nullptr;
    std::size_t ran = 0;
    for (const CaseReport& c : report.cases) {
      if (c.error.empty()) ++ran, only = &c;
    }
    if (ran == 1) per_scenario(w, only->registry);
    key(w, "cases");
    w.StartArray();
    for (const CaseReport& c : report.cases) one_case(w, c, report.settings);
    w.EndArray();
    thresholds(w, report.thresholds);
    settings(w, report.settings);
    member(w, "partial", report.partial);
    member(w, "partial_reason", std::string_view(report.partial_reason));
    member(w, "passed", report.passed());
    w.EndObject();
    out << '\n';
  }
  std::string_view file_name() const override { return "report.json"; }
};

}  // namespace

std::unique_ptr<Reporter> make_json_reporter() { return std::make_unique<JsonReporter>(); }

}  // namespace multitier
