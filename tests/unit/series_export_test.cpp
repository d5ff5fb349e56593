// timeseries.csv and metrics.om from a hand-made series: each file is parsed back (an RFC 4180
// reader, an OpenMetrics sample reader) and its rows and samples are checked against the
// figures put in, and against the format's rules (contiguous families and metrics, increasing
// timestamps, monotonic counters, "# EOF").
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "multitier/report/reporter.h"

namespace multitier {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kSecond = 1'000'000'000;
// 2025-12-01T11:00:00Z, as a 1 s interval index.
constexpr std::int64_t kI0 = 1'764'586'800;

LatencyHistogram fine(std::initializer_list<Nanos> samples) {
  LatencyHistogram h;
  for (Nanos s : samples) h.record(s);
  return h;
}

// The mix case of a closed-model run over [kI0 + 0.25 s, kI0 + 2.5 s) with 1 s intervals:
// interval kI0 (0.75 s covered) and kI0 + 2 (0.5 s) hold traffic, kI0 + 1 is missing (nothing
// happened) and must read as an empty interval.
CaseReport mix_case() {
  CaseReport c;
  c.name = "Mix.WeightedWorkload";
  c.label = "mix";
  c.mix = true;
  c.weights = {{Scenario::cold_search_email, 50}, {Scenario::sms_validate, 50}};
  TimeSeries series(1s);
  const std::uint16_t search = series.step_id("search");
  const std::uint16_t validate = series.step_id("email_validate");
  series.begin = kI0 * kSecond + 250'000'000;
  series.end = (kI0 + 2) * kSecond + 500'000'000;

  SeriesInterval& a = series.at_index(kI0);
  ScenarioPoint& cold = a.scenarios[static_cast<std::size_t>(Scenario::cold_search_email)];
  cold.starts = 3;
  cold.completions = 2;
  cold.failures = 1;
  cold.failure_kinds[static_cast<std::size_t>(FailureKind::http_status)] = 1;
  cold.latency = IntervalHistogram::from(fine({2ms, 6ms}));
  a.busy_ns = 8'000'000;
  a.target = 16;
  a.gateway_cpu_percent = 150;
  a.gateway_rss_bytes = 123'456'789;
  a.steps.push_back({Scenario::cold_search_email, search, true, 4, 1,
                     IntervalHistogram::from(fine({1ms, 1ms, 1ms, 3ms}))});
  a.steps.push_back(
      {Scenario::cold_search_email, validate, false, 1, 0, IntervalHistogram::from(fine({20us}))});

  SeriesInterval& b = series.at_index(kI0 + 2);
  ScenarioPoint& sms = b.scenarios[static_cast<std::size_t>(Scenario::sms_validate)];
  sms.starts = 1;
  sms.completions = 1;
  sms.latency = IntervalHistogram::from(fine({4ms}));
  ScenarioPoint& cold2 = b.scenarios[static_cast<std::size_t>(Scenario::cold_search_email)];
  cold2.completions = 1;
  cold2.latency = IntervalHistogram::from(fine({10ms}));
  b.busy_ns = 14'000'000;
  b.target = 16;
  b.steps.push_back(
      {Scenario::sms_validate, search, true, 2, 0, IntervalHistogram::from(fine({1ms, 2ms}))});
  b.steps.push_back(
      {Scenario::cold_search_email, search, true, 1, 0, IntervalHistogram::from(fine({9ms}))});
  c.registry.series() = std::move(series);
  return c;
}

RunReport report_of(std::vector<CaseReport> cases) {
  RunReport report;
  report.cases = std::move(cases);
  return report;
}

std::string render(const char* format, const RunReport& report) {
  std::ostringstream out;
  make_reporter(format)->write(report, out);
  return out.str();
}

// ---- timeseries.csv ----------------------------------------------------------------------

// An RFC 4180 reader: CRLF records, quoted fields with doubled quotes. Fails the test on a bare
// LF or an unterminated quote.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool was_quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      EXPECT_TRUE(field.empty() && !was_quoted) << "a quote inside an unquoted field at " << i;
      quoted = was_quoted = true;
    } else if (c == ',') {
      row.push_back(field), field.clear(), was_quoted = false;
    } else if (c == '\r') {
      EXPECT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "CR without LF at " << i;
      row.push_back(field), field.clear(), was_quoted = false;
      rows.push_back(row), row.clear();
      ++i;
    } else {
      EXPECT_NE(c, '\n') << "a bare LF ends a record at " << i;
      field += c;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quoted field";
  EXPECT_TRUE(row.empty() && field.empty()) << "the last record has no CRLF";
  return rows;
}

struct Csv {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;

  // The row of `series` whose time is `time`.
  const std::map<std::string, std::string>& row(const std::string& series,
                                                const std::string& time) const {
    for (const auto& r : rows) {
      if (r.at("series") == series && r.at("time") == time) return r;
    }
    ADD_FAILURE() << "no row " << series << " at " << time;
    static const std::map<std::string, std::string> kNone;
    return kNone;
  }
};

Csv read_csv(const std::string& text) {
  Csv csv;
  const auto records = parse_csv(text);
  if (records.empty()) {
    ADD_FAILURE() << "no header";
    return csv;
  }
  csv.header = records.front();
  for (std::size_t r = 1; r < records.size(); ++r) {
    EXPECT_EQ(records[r].size(), csv.header.size()) << "record " << r;
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < csv.header.size() && i < records[r].size(); ++i) {
      row[csv.header[i]] = records[r][i];
    }
    csv.rows.push_back(row);
  }
  return csv;
}

double number(const std::string& text) {
  EXPECT_FALSE(text.empty()) << "an empty cell where a number was expected";
  return text.empty() ? std::nan("") : std::stod(text);
}

TEST(SeriesExportCsv, HeaderNamesEveryColumnOnce) {
  const Csv csv = read_csv(render("csv", report_of({mix_case()})));
  const std::vector<std::string> first = {"case", "time", "unix_s", "covered_s", "series", "kind"};
  ASSERT_GE(csv.header.size(), first.size());
  EXPECT_EQ(std::vector<std::string>(csv.header.begin(), csv.header.begin() + 6), first);
  std::set<std::string> names(csv.header.begin(), csv.header.end());
  EXPECT_EQ(names.size(), csv.header.size()) << "a column name repeats";
  for (const char* name : {"scenario",
                           "step",
                           "starts",
                           "completions",
                           "failures",
                           "failures_connect",
                           "failures_timeout",
                           "failures_transport",
                           "failures_http_status",
                           "failures_bad_json",
                           "failures_oversize",
                           "failures_contract",
                           "failures_validator",
                           "requests",
                           "dropped",
                           "planned",
                           "started",
                           "late",
                           "active_vus",
                           "target",
                           "achieved_rate",
                           "count",
                           "p50_ms",
                           "p90_ms",
                           "p95_ms",
                           "p99_ms",
                           "p999_ms",
                           "min_ms",
                           "max_ms",
                           "mean_ms",
                           "corrected_p50_ms",
                           "corrected_p90_ms",
                           "corrected_p95_ms",
                           "corrected_p99_ms",
                           "gateway_cpu_percent",
                           "gateway_rss_bytes"}) {
    EXPECT_TRUE(names.count(name)) << name;
  }
  EXPECT_FALSE(names.count("failures_none"));
}

TEST(SeriesExportCsv, OneRowPerIntervalAndSeriesWithMissingIntervalsEmpty) {
  const Csv csv = read_csv(render("csv", report_of({mix_case()})));
  // total, http, two scenarios, cold_search_email's search and email_validate, sms's search.
  const std::vector<std::string> order = {"total",
                                          "http",
                                          "scenario:cold_search_email",
                                          "step:cold_search_email/search",
                                          "step:cold_search_email/email_validate",
                                          "scenario:sms_validate",
                                          "step:sms_validate/search"};
  ASSERT_EQ(csv.rows.size(), 3 * order.size());
  const std::vector<std::string> times = {"2025-12-01T11:00:00Z", "2025-12-01T11:00:01Z",
                                          "2025-12-01T11:00:02Z"};
  const std::vector<std::string> covered = {"0.75", "1", "0.5"};
  for (std::size_t i = 0; i < csv.rows.size(); ++i) {
    const auto& row = csv.rows[i];
    EXPECT_EQ(row.at("case"), "mix");
    EXPECT_EQ(row.at("series"), order[i % order.size()]) << "row " << i;
    EXPECT_EQ(row.at("time"), times[i / order.size()]) << "row " << i;
    EXPECT_EQ(row.at("unix_s"), std::to_string(kI0 + static_cast<std::int64_t>(i / order.size())));
    EXPECT_EQ(row.at("covered_s"), covered[i / order.size()]);
  }
  // The missing interval: zeros, no latency, no rates beyond 0, no gauges.
  const auto& gap = csv.row("total", times[1]);
  EXPECT_EQ(gap.at("kind"), "run");
  EXPECT_EQ(gap.at("starts"), "0");
  EXPECT_EQ(gap.at("completions"), "0");
  EXPECT_EQ(gap.at("count"), "0");
  EXPECT_EQ(gap.at("p50_ms"), "");
  EXPECT_EQ(gap.at("active_vus"), "0");
  EXPECT_EQ(gap.at("target"), "");
  EXPECT_EQ(gap.at("gateway_cpu_percent"), "");
  EXPECT_EQ(gap.at("gateway_rss_bytes"), "");
  EXPECT_EQ(csv.row("step:sms_validate/search", times[1]).at("completions"), "0");
}

TEST(SeriesExportCsv, RowsCarryTheIntervalsFigures) {
  const Csv csv = read_csv(render("csv", report_of({mix_case()})));
  const std::string t0 = "2025-12-01T11:00:00Z";
  const std::string t2 = "2025-12-01T11:00:02Z";

  const auto& total = csv.row("total", t0);
  EXPECT_EQ(total.at("starts"), "3");
  EXPECT_EQ(total.at("completions"), "2");
  EXPECT_EQ(total.at("failures"), "1");
  EXPECT_EQ(total.at("failures_http_status"), "1");
  EXPECT_EQ(total.at("failures_connect"), "0");
  EXPECT_EQ(total.at("requests"), "4") << "HTTP steps only, not the validator";
  EXPECT_DOUBLE_EQ(number(total.at("achieved_rate")), 4.0) << "3 starts in 0.75 s";
  EXPECT_NEAR(number(total.at("active_vus")), 8e-3 / 0.75, 1e-6);
  EXPECT_EQ(total.at("target"), "16");
  EXPECT_EQ(total.at("gateway_cpu_percent"), "150");
  EXPECT_EQ(total.at("gateway_rss_bytes"), "123456789");
  EXPECT_EQ(total.at("count"), "2");
  EXPECT_EQ(total.at("min_ms"), "2");
  EXPECT_EQ(total.at("max_ms"), "6");
  EXPECT_EQ(total.at("mean_ms"), "4");
  EXPECT_EQ(total.at("p99_ms"), "6");
  // A closed-model case: no open-model figures, no corrected latency.
  EXPECT_EQ(total.at("planned"), "");
  EXPECT_EQ(total.at("dropped"), "");
  EXPECT_EQ(total.at("corrected_p50_ms"), "");

  const auto& http = csv.row("http", t0);
  EXPECT_EQ(http.at("kind"), "http");
  EXPECT_EQ(http.at("requests"), "4");
  EXPECT_EQ(http.at("failures"), "1");
  EXPECT_EQ(http.at("count"), "4");
  EXPECT_EQ(http.at("max_ms"), "3");
  EXPECT_NEAR(number(http.at("p50_ms")), 1.0, 1.0 * IntervalHistogram::kMaxRelativeError);
  EXPECT_EQ(http.at("starts"), "");
  EXPECT_EQ(http.at("gateway_cpu_percent"), "");

  const auto& cold = csv.row("scenario:cold_search_email", t2);
  EXPECT_EQ(cold.at("kind"), "scenario");
  EXPECT_EQ(cold.at("scenario"), "cold_search_email");
  EXPECT_EQ(cold.at("starts"), "0");
  EXPECT_EQ(cold.at("completions"), "1");
  EXPECT_EQ(cold.at("requests"), "1");
  EXPECT_EQ(cold.at("max_ms"), "10");
  EXPECT_NEAR(number(cold.at("active_vus")), 0.010 / 0.5, 1e-6);

  const auto& validator = csv.row("step:cold_search_email/email_validate", t0);
  EXPECT_EQ(validator.at("kind"), "validator_step");
  EXPECT_EQ(validator.at("step"), "email_validate");
  EXPECT_EQ(validator.at("completions"), "1");
  EXPECT_EQ(validator.at("requests"), "");
  EXPECT_EQ(validator.at("max_ms"), "0.02");

  const auto& step = csv.row("step:sms_validate/search", t2);
  EXPECT_EQ(step.at("kind"), "http_step");
  EXPECT_EQ(step.at("requests"), "2");
  EXPECT_DOUBLE_EQ(number(step.at("achieved_rate")), 4.0) << "2 requests in 0.5 s";

  // The sum of the http rows is every HTTP request of the run.
  std::uint64_t requests = 0;
  for (const auto& row : csv.rows) {
    if (row.at("series") == "http") requests += std::stoull(row.at("requests"));
  }
  EXPECT_EQ(requests, 7u);
}

TEST(SeriesExportCsv, OpenModelRowsCarryTheScheduleAndCorrectedLatency) {
  CaseReport c = mix_case();
  c.stress = true;
  c.executor.kind = ExecutorKind::constant_arrival_rate;
  SeriesInterval& a = c.registry.series().at_index(kI0);
  a.planned = 5;
  a.started = 3;
  a.late = 1;
  ScenarioPoint& cold = a.scenarios[static_cast<std::size_t>(Scenario::cold_search_email)];
  cold.dropped = 2;
  cold.corrected = IntervalHistogram::from(fine({12ms, 16ms}));
  const Csv csv = read_csv(render("csv", report_of({std::move(c)})));
  const auto& total = csv.row("total", "2025-12-01T11:00:00Z");
  EXPECT_EQ(total.at("planned"), "5");
  EXPECT_EQ(total.at("started"), "3");
  EXPECT_EQ(total.at("late"), "1");
  EXPECT_EQ(total.at("dropped"), "2");
  EXPECT_EQ(total.at("corrected_p99_ms"), "16");
  const auto& scenario = csv.row("scenario:cold_search_email", "2025-12-01T11:00:00Z");
  EXPECT_EQ(scenario.at("dropped"), "2");
  EXPECT_NEAR(number(scenario.at("corrected_p50_ms")), 12.0,
              12.0 * IntervalHistogram::kMaxRelativeError);
  EXPECT_EQ(csv.row("total", "2025-12-01T11:00:01Z").at("dropped"), "0");
}

TEST(SeriesExportCsv, QuotesFieldsThatNeedItAndWritesMillisecondsForShortIntervals) {
  CaseReport c;
  c.label = "a,\"b\"";
  TimeSeries series(100ms);
  const std::int64_t index = kI0 * 10 + 1;  // 11:00:00.100
  series.begin = index * 100'000'000;
  series.end = series.begin + 100'000'000;
  series.at_index(index).scenarios[0].starts = 1;
  c.registry.series() = std::move(series);
  const std::string text = render("csv", report_of({std::move(c)}));
  EXPECT_NE(text.find("\r\n\"a,\"\"b\"\"\",2025-12-01T11:00:00.100Z,1764586800.1,0.1,total,"),
            std::string::npos)
      << text;
  const Csv csv = read_csv(text);
  ASSERT_FALSE(csv.rows.empty());
  EXPECT_EQ(csv.rows.front().at("case"), "a,\"b\"");
  EXPECT_DOUBLE_EQ(number(csv.rows.front().at("achieved_rate")), 10.0);
}

TEST(SeriesExportCsv, WithoutASeriesTheFileIsTheHeaderAlone) {
  CaseReport c = mix_case();
  c.registry.series() = TimeSeries();
  const std::string text = render("csv", report_of({std::move(c)}));
  const auto records = parse_csv(text);
  ASSERT_EQ(records.size(), 1u) << text;
  EXPECT_EQ(records.front().front(), "case");
}

// ---- metrics.om --------------------------------------------------------------------------

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string value;
  std::string timestamp;
  std::size_t line = 0;

  double v() const { return std::stod(value); }
  // The labels without `quantile`, as text: the metric (label set) the sample belongs to.
  std::string metric() const {
    std::string text;
    for (const auto& [key, value] : labels) {
      if (key != "quantile") text += key + "=" + value + ";";
    }
    return text;
  }
};

struct FamilyText {
  std::string name, type, unit, help;
  std::vector<Sample> samples;
};

struct OpenMetrics {
  std::vector<FamilyText> families;
  const FamilyText* family(const std::string& name) const {
    for (const auto& f : families) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }
};

// The suffixes a family's sample names may add, by type.
bool belongs(const FamilyText& family, const std::string& sample) {
  auto is = [&](const std::string& suffix) { return sample == family.name + suffix; };
  // Counter families carry their _total suffix (docs/exports.md: what promtool check metrics
  // lints against), so their samples are named as the family.
  if (family.type == "counter")
    return family.name.ends_with("_total") && (is("") || is("_created"));
  if (family.type == "summary") return is("") || is("_count") || is("_sum") || is("_created");
  return is("");
}

// Reads an exposition, failing the test on any line that is not metadata, a sample or the
// final "# EOF", on a sample outside its family, and on a family that appears twice.
OpenMetrics read_om(const std::string& text) {
  OpenMetrics om;
  std::istringstream in(text);
  std::string line;
  std::size_t number = 0;
  bool eof = false;
  std::set<std::string> seen;
  while (std::getline(in, line)) {
    ++number;
    EXPECT_FALSE(eof) << "line " << number << " after # EOF";
    if (line == "# EOF") {
      eof = true;
      continue;
    }
    if (line.rfind("# ", 0) == 0) {
      std::istringstream words(line.substr(2));
      std::string what, name;
      words >> what >> name;
      std::string rest;
      std::getline(words, rest);
      if (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
      if (om.families.empty() || om.families.back().name != name) {
        EXPECT_TRUE(seen.insert(name).second) << "family " << name << " interleaved";
        EXPECT_EQ(what, "TYPE") << "TYPE comes first, line " << number;
        om.families.push_back({name, "", "", "", {}});
      }
      FamilyText& f = om.families.back();
      if (what == "TYPE") {
        EXPECT_TRUE(f.type.empty()) << "second TYPE, line " << number;
        f.type = rest;
      } else if (what == "UNIT") {
        f.unit = rest;
      } else if (what == "HELP") {
        f.help = rest;
      } else {
        ADD_FAILURE() << "a comment line (not allowed in OpenMetrics): " << line;
      }
      continue;
    }
    Sample s;
    s.line = number;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const std::size_t eq = line.find('=', i);
        const std::string key = line.substr(i, eq - i);
        EXPECT_EQ(line[eq + 1], '"');
        std::string value;
        for (i = eq + 2; i < line.size() && line[i] != '"'; ++i) {
          if (line[i] == '\\') {
            ++i;
            value += line[i] == 'n' ? '\n' : line[i];
          } else {
            value += line[i];
          }
        }
        s.labels[key] = value;
        ++i;  // the closing quote
        if (i < line.size() && line[i] == ',') ++i;
      }
      ++i;  // the brace
    }
    std::istringstream rest(line.substr(i));
    rest >> s.value >> s.timestamp;
    EXPECT_FALSE(s.timestamp.empty()) << "every sample has a timestamp, line " << number;
    if (om.families.empty() || !belongs(om.families.back(), s.name)) {
      ADD_FAILURE() << "sample " << s.name << " outside its family, line " << number;
      continue;
    }
    om.families.back().samples.push_back(s);
  }
  EXPECT_TRUE(eof && text.size() >= 6 && text.compare(text.size() - 6, 6, "# EOF\n") == 0)
      << "no # EOF at the end";
  return om;
}

// The format's ordering rules, family by family: metrics not interleaved, points of a metric
// in increasing timestamp order and not interleaved, counters monotonic from 0.
void check_rules(const OpenMetrics& om) {
  for (const FamilyText& f : om.families) {
    EXPECT_FALSE(f.help.empty()) << f.name;
    if (!f.unit.empty()) {
      EXPECT_TRUE(
          f.name.size() > f.unit.size() &&
          f.name.compare(f.name.size() - f.unit.size() - 1, std::string::npos, "_" + f.unit) == 0)
          << f.name << " does not end in its unit " << f.unit;
    }
    std::set<std::string> done;
    std::string metric;
    std::map<std::string, double> last_value;  // per sample name, of the current metric
    double last_ts = -1e300;
    std::string point_ts;
    for (const Sample& s : f.samples) {
      if (s.metric() != metric) {
        EXPECT_TRUE(done.insert(s.metric()).second)
            << f.name << ": metric " << s.metric() << " interleaved, line " << s.line;
        metric = s.metric();
        last_value.clear();
        last_ts = -1e300;
        point_ts.clear();
        if (f.type == "counter") {
          EXPECT_EQ(s.value, "0") << "counters start at 0: " << s.line;
        }
      }
      const double ts = std::stod(s.timestamp);
      if (s.timestamp != point_ts) {
        EXPECT_GT(ts, last_ts) << f.name << ": timestamps must increase, line " << s.line;
        last_ts = ts;
        point_ts = s.timestamp;
      }
      const bool cumulative = f.type == "counter" || (f.type == "summary" && s.name != f.name);
      if (cumulative) {
        auto [it, fresh] = last_value.emplace(s.name, s.v());
        if (!fresh) {
          EXPECT_GE(s.v(), it->second) << s.name << " decreased, line " << s.line;
          it->second = s.v();
        }
      }
    }
  }
}

// The last value of each metric of `sample_name`, keyed by its labels.
std::map<std::string, std::string> finals(const OpenMetrics& om, const std::string& family,
                                          const std::string& sample_name) {
  std::map<std::string, std::string> out;
  const FamilyText* f = om.family(family);
  if (!f) return out;
  for (const Sample& s : f->samples) {
    if (s.name == sample_name) out[s.metric()] = s.value;
  }
  return out;
}

std::vector<const Sample*> samples_of(const OpenMetrics& om, const std::string& family,
                                      const std::string& name,
                                      const std::map<std::string, std::string>& labels) {
  std::vector<const Sample*> out;
  const FamilyText* f = om.family(family);
  if (!f) return out;
  for (const Sample& s : f->samples) {
    bool match = s.name == name;
    for (const auto& [key, value] : labels) {
      auto it = s.labels.find(key);
      match = match && it != s.labels.end() && it->second == value;
    }
    if (match) out.push_back(&s);
  }
  return out;
}

TEST(SeriesExportOpenMetrics, FollowsTheFormatsRules) {
  const std::string text = render("openmetrics", report_of({mix_case()}));
  const OpenMetrics om = read_om(text);
  check_rules(om);
  for (const char* name :
       {"multitier_scenario_starts_total", "multitier_scenarios_total",
        "multitier_scenario_failures_total", "multitier_http_requests_total",
        "multitier_http_request_failures_total", "multitier_validations_total",
        "multitier_validation_failures_total", "multitier_scenario_duration_seconds",
        "multitier_http_request_duration_seconds", "multitier_active_vus", "multitier_target",
        "multitier_gateway_cpu_ratio", "multitier_gateway_resident_memory_bytes"}) {
    EXPECT_TRUE(om.family(name)) << name;
  }
  // A closed-model case has no open-model families.
  EXPECT_FALSE(om.family("multitier_planned_starts_total"));
  EXPECT_FALSE(om.family("multitier_dropped_starts_total"));
  EXPECT_FALSE(om.family("multitier_scenario_corrected_duration_seconds"));
  EXPECT_EQ(om.family("multitier_scenarios_total")->type, "counter");
  EXPECT_EQ(om.family("multitier_scenario_duration_seconds")->unit, "seconds");
  EXPECT_EQ(om.family("multitier_gateway_resident_memory_bytes")->unit, "bytes");
}

TEST(SeriesExportOpenMetrics, CountersAreCumulativeAndTimestampedAtIntervalEnds) {
  const OpenMetrics om = read_om(render("openmetrics", report_of({mix_case()})));
  const auto points =
      samples_of(om, "multitier_http_requests_total", "multitier_http_requests_total",
                 {{"case", "mix"}, {"scenario", "cold_search_email"}, {"step", "search"}});
  ASSERT_EQ(points.size(), 4u) << "a zero point and one per interval";
  // The zero point at the start of the measured phase (rounded down to the second), then each
  // interval's end; the last interval ends with the measured phase (rounded up to the second).
  EXPECT_EQ(points[0]->timestamp, std::to_string(kI0));
  EXPECT_EQ(points[0]->value, "0");
  EXPECT_EQ(points[1]->timestamp, std::to_string(kI0 + 1));
  EXPECT_EQ(points[1]->value, "4");
  EXPECT_EQ(points[2]->timestamp, std::to_string(kI0 + 2));
  EXPECT_EQ(points[2]->value, "4") << "the missing interval adds nothing";
  EXPECT_EQ(points[3]->timestamp, std::to_string(kI0 + 3));
  EXPECT_EQ(points[3]->value, "5");

  std::uint64_t requests = 0;
  for (const auto& [metric, value] :
       finals(om, "multitier_http_requests_total", "multitier_http_requests_total")) {
    requests += std::stoull(value);
  }
  EXPECT_EQ(requests, 7u);
  const auto runs = finals(om, "multitier_scenarios_total", "multitier_scenarios_total");
  EXPECT_EQ(runs.at("case=mix;scenario=cold_search_email;"), "3");
  EXPECT_EQ(runs.at("case=mix;scenario=sms_validate;"), "1");
  const auto failures =
      finals(om, "multitier_scenario_failures_total", "multitier_scenario_failures_total");
  ASSERT_EQ(failures.size(), 1u) << "only the kinds that occurred";
  EXPECT_EQ(failures.at("case=mix;kind=http_status;scenario=cold_search_email;"), "1");
  EXPECT_EQ(finals(om, "multitier_validations_total", "multitier_validations_total")
                .at("case=mix;scenario=cold_search_email;step=email_validate;"),
            "1");
}

TEST(SeriesExportOpenMetrics, SummariesGiveIntervalQuantilesAndCumulativeCountAndSum) {
  const OpenMetrics om = read_om(render("openmetrics", report_of({mix_case()})));
  const std::string family = "multitier_scenario_duration_seconds";
  const std::map<std::string, std::string> cold = {{"scenario", "cold_search_email"}};
  const auto counts = samples_of(om, family, family + "_count", cold);
  const auto sums = samples_of(om, family, family + "_sum", cold);
  ASSERT_EQ(counts.size(), 4u);
  ASSERT_EQ(sums.size(), 4u);
  EXPECT_EQ(counts[1]->value, "2");
  EXPECT_EQ(counts[3]->value, "3");
  EXPECT_DOUBLE_EQ(sums[1]->v(), 0.008);
  EXPECT_DOUBLE_EQ(sums[3]->v(), 0.018);
  auto quantile = [&](const std::string& q) {
    auto labels = cold;
    labels["quantile"] = q;
    return samples_of(om, family, family, labels);
  };
  const auto p99 = quantile("0.99");
  ASSERT_EQ(p99.size(), 3u) << "no quantiles at the zero point";
  EXPECT_DOUBLE_EQ(p99[0]->v(), 0.006);
  EXPECT_EQ(p99[1]->value, "NaN") << "no event in the interval";
  EXPECT_DOUBLE_EQ(p99[2]->v(), 0.010);
  for (const char* q : {"0.5", "0.9", "0.95", "0.999"}) EXPECT_EQ(quantile(q).size(), 3u) << q;
  const auto http_p50 = samples_of(om, "multitier_http_request_duration_seconds",
                                   "multitier_http_request_duration_seconds",
                                   {{"scenario", "cold_search_email"}, {"quantile", "0.5"}});
  ASSERT_EQ(http_p50.size(), 3u);
  EXPECT_NEAR(http_p50[0]->v(), 0.001, 0.001 * IntervalHistogram::kMaxRelativeError);
}

TEST(SeriesExportOpenMetrics, GaugesOnlyWhereMeasured) {
  const OpenMetrics om = read_om(render("openmetrics", report_of({mix_case()})));
  const auto cpu = samples_of(om, "multitier_gateway_cpu_ratio", "multitier_gateway_cpu_ratio", {});
  ASSERT_EQ(cpu.size(), 1u);
  EXPECT_EQ(cpu[0]->value, "1.5");
  EXPECT_EQ(cpu[0]->timestamp, std::to_string(kI0 + 1));
  const auto rss = samples_of(om, "multitier_gateway_resident_memory_bytes",
                              "multitier_gateway_resident_memory_bytes", {});
  ASSERT_EQ(rss.size(), 1u);
  EXPECT_EQ(rss[0]->value, "123456789");
  const auto vus = samples_of(om, "multitier_active_vus", "multitier_active_vus", {});
  ASSERT_EQ(vus.size(), 3u);
  EXPECT_NEAR(vus[0]->v(), 0.008 / 0.75, 1e-6);
  EXPECT_EQ(vus[1]->value, "0");
  EXPECT_NEAR(vus[2]->v(), 0.014 / 0.5, 1e-6);
  EXPECT_EQ(samples_of(om, "multitier_target", "multitier_target", {}).size(), 2u)
      << "no target for the interval that has none";
}

TEST(SeriesExportOpenMetrics, OpenModelFamiliesAndEscapedLabels) {
  CaseReport c = mix_case();
  c.label = "x\"y\\z\nw";
  c.stress = true;
  c.executor.kind = ExecutorKind::constant_arrival_rate;
  SeriesInterval& a = c.registry.series().at_index(kI0);
  a.planned = 5;
  a.late = 1;
  a.scenarios[static_cast<std::size_t>(Scenario::cold_search_email)].dropped = 2;
  a.scenarios[static_cast<std::size_t>(Scenario::cold_search_email)].corrected =
      IntervalHistogram::from(fine({12ms}));
  const std::string text = render("openmetrics", report_of({std::move(c)}));
  EXPECT_NE(text.find("{case=\"x\\\"y\\\\z\\nw\""), std::string::npos);
  const OpenMetrics om = read_om(text);
  check_rules(om);
  EXPECT_EQ(finals(om, "multitier_planned_starts_total", "multitier_planned_starts_total")
                .begin()
                ->second,
            "5");
  EXPECT_EQ(
      finals(om, "multitier_late_starts_total", "multitier_late_starts_total").begin()->second,
      "1");
  const auto dropped =
      samples_of(om, "multitier_dropped_starts_total", "multitier_dropped_starts_total",
                 {{"case", "x\"y\\z\nw"}, {"scenario", "cold_search_email"}});
  ASSERT_EQ(dropped.size(), 4u);
  EXPECT_EQ(dropped.back()->value, "2");
  const auto corrected = samples_of(om, "multitier_scenario_corrected_duration_seconds",
                                    "multitier_scenario_corrected_duration_seconds",
                                    {{"scenario", "cold_search_email"}, {"quantile", "0.5"}});
  ASSERT_EQ(corrected.size(), 3u);
  EXPECT_DOUBLE_EQ(corrected[0]->v(), 0.012);
}

TEST(SeriesExportOpenMetrics, TimestampsOfLongAndShortIntervals) {
  // 10 s intervals, the phase over [t + 3 s, t + 12.5 s): the zero point at t + 3 s, the first
  // interval's end at t + 10 s, the last at the phase's end rounded up to the second.
  CaseReport c;
  c.label = "long";
  TimeSeries series(10s);
  const std::int64_t t = kI0 * kSecond;
  series.begin = t + 3 * kSecond;
  series.end = t + 12 * kSecond + 500'000'000;
  series.at_index(kI0 / 10).scenarios[0].starts = 1;
  series.at_index(kI0 / 10 + 1).scenarios[0].starts = 2;
  c.registry.series() = std::move(series);
  // 100 ms intervals, the phase over [t + 0.15 s, t + 0.3125 s): millisecond timestamps.
  CaseReport d;
  d.label = "short";
  TimeSeries fast(100ms);
  fast.begin = t + 150'000'000;
  fast.end = t + 312'500'000;
  fast.at_index(kI0 * 10 + 1).scenarios[0].starts = 1;
  fast.at_index(kI0 * 10 + 3).scenarios[0].starts = 1;
  d.registry.series() = std::move(fast);

  const OpenMetrics om = read_om(render("openmetrics", report_of({std::move(c), std::move(d)})));
  check_rules(om);
  const auto slow = samples_of(om, "multitier_scenario_starts_total",
                               "multitier_scenario_starts_total", {{"case", "long"}});
  ASSERT_EQ(slow.size(), 3u);
  EXPECT_EQ(slow[0]->timestamp, std::to_string(kI0 + 3));
  EXPECT_EQ(slow[1]->timestamp, std::to_string(kI0 + 10));
  EXPECT_EQ(slow[2]->timestamp, std::to_string(kI0 + 13));
  EXPECT_EQ(slow[2]->value, "3");
  const auto quick = samples_of(om, "multitier_scenario_starts_total",
                                "multitier_scenario_starts_total", {{"case", "short"}});
  ASSERT_EQ(quick.size(), 4u) << "zero point, .2, .3 and the last one";
  const std::string s = std::to_string(kI0);
  EXPECT_EQ(quick[0]->timestamp, s + ".15");
  EXPECT_EQ(quick[1]->timestamp, s + ".2");
  EXPECT_EQ(quick[2]->timestamp, s + ".3");
  EXPECT_EQ(quick[3]->timestamp, s + ".313");
  EXPECT_EQ(quick[3]->value, "2");
}

TEST(SeriesExportOpenMetrics, CasesOfOneLabelStayDistinctMetrics) {
  const OpenMetrics om = read_om(render("openmetrics", report_of({mix_case(), mix_case()})));
  check_rules(om);
  const auto runs = finals(om, "multitier_scenarios_total", "multitier_scenarios_total");
  EXPECT_TRUE(runs.count("case=mix;scenario=sms_validate;"));
  EXPECT_TRUE(runs.count("case=mix#2;scenario=sms_validate;"));
}

TEST(SeriesExportOpenMetrics, AnIntervalBeforeThePhaseKeepsTimestampsIncreasing) {
  CaseReport c = mix_case();
  c.registry.series().at_index(kI0 - 1).scenarios[0].starts = 1;  // before the phase began
  const OpenMetrics om = read_om(render("openmetrics", report_of({std::move(c)})));
  check_rules(om);
  const auto starts =
      samples_of(om, "multitier_scenario_starts_total", "multitier_scenario_starts_total",
                 {{"scenario", "cold_search_email"}});
  ASSERT_EQ(starts.size(), 5u);
  EXPECT_EQ(starts[0]->timestamp, std::to_string(kI0 - 1));
  EXPECT_EQ(starts[1]->timestamp, std::to_string(kI0));
  EXPECT_EQ(starts.back()->value, "4");
}

// The checks above catch what they claim to.
TEST(SeriesExportOpenMetrics, TheRuleCheckCatchesViolations) {
  EXPECT_NONFATAL_FAILURE(check_rules(read_om("# TYPE a gauge\n# HELP a x\n"
                                              "a{k=\"1\"} 1 20\na{k=\"1\"} 2 10\n# EOF\n")),
                          "timestamps must increase");
  EXPECT_NONFATAL_FAILURE(check_rules(read_om("# TYPE a gauge\n# HELP a x\n"
                                              "a{k=\"1\"} 1 10\na{k=\"2\"} 1 10\n"
                                              "a{k=\"1\"} 1 20\n# EOF\n")),
                          "interleaved");
  EXPECT_NONFATAL_FAILURE(check_rules(read_om("# TYPE a_total counter\n# HELP a_total x\n"
                                              "a_total 0 10\na_total 5 20\na_total 4 30\n"
                                              "# EOF\n")),
                          "decreased");
  EXPECT_NONFATAL_FAILURE(read_om("# TYPE a gauge\n# HELP a x\na 1 10\n"), "no # EOF");
  EXPECT_NONFATAL_FAILURE(read_om("# TYPE a gauge\n# HELP a x\nb 1 10\n# EOF\n"),
                          "outside its family");
}

TEST(SeriesExportOpenMetrics, WithoutASeriesTheFileIsEofAlone) {
  CaseReport c = mix_case();
  c.registry.series() = TimeSeries();
  EXPECT_EQ(render("openmetrics", report_of({std::move(c)})), "# EOF\n");
  EXPECT_EQ(render("openmetrics", report_of({})), "# EOF\n");
}

}  // namespace
}  // namespace multitier
