// The merge of a run's segments (result_file.h): each part checked against the first as it
// arrives, merged, then dropped; the segments' completeness checked at the end.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <stdexcept>

#include "multitier/report/result_file.h"

namespace multitier {

namespace {

// "a.json and b.json": the two files a refusal is about.
std::string both(const std::string& a, const std::string& b) { return a + " and " + b; }

std::string case_names(const RunReport& report) {
  std::string text;
  for (const CaseReport& c : report.cases) text += (text.empty() ? "" : ", ") + c.name;
  return text.empty() ? "no case" : text;
}

std::string segment_of(const RunSettings& s) {
  return std::to_string(s.segment) + "/" + std::to_string(s.segments);
}

// The measured time a case was planned to run, as RunConfig::planned_s computes it.
double planned_s(const RunSettings& settings, const CaseReport& c) {
  if (settings.mode != "stress") return 0.0;
  if (!ramping(c.executor.kind)) return settings.duration_s;
  const auto timeline = std::chrono::duration_cast<Nanos>(
      std::chrono::duration<double>(settings.warmup_s + settings.duration_s));
  return executor_curve(c.executor, settings.concurrency, timeline).duration_s() -
         settings.warmup_s;
}

}  // namespace

void ResultMerge::add(RunReport part, const std::string& name) {
  const RunSettings& s = part.settings;
  const bool first = given_.empty();
  if (first) {
    first_ = s;
    holder_.assign(static_cast<std::size_t>(std::max(s.segments, 0)) + 1, -1);
  }
  const std::string first_name = first ? name : given_.front().name;  // given_ grows below
  if (s.version != first_.version) {
    throw std::runtime_error(both(first_name, name) +
                             " were written by different suite versions: " + first_.version +
                             " and " + s.version);
  }
  if (s.segments != first_.segments) {
    throw std::runtime_error(both(first_name, name) +
                             " split their run into different numbers of segments: " + first_name +
                             " is segment " + segment_of(first_) + ", " + name + " is segment " +
                             segment_of(s));
  }
  if (s.segment < 1 || s.segment > s.segments) {
    throw std::runtime_error(name + ": segment " + segment_of(s) + " is out of range");
  }
  int& held = holder_[static_cast<std::size_t>(s.segment)];
  if (held >= 0) {
    throw std::runtime_error(both(given_[static_cast<std::size_t>(held)].name, name) +
                             " are both segment " + segment_of(s) + " (the same file twice?)");
  }
  if (!first) {
    const std::string files = both(first_name, name);
    if (std::string d = result_differences(first_, first_name, s, name); !d.empty()) {
      throw std::runtime_error(files + " are not segments of one run: their settings differ: " + d);
    }
    if (std::string d = result_differences(merged_.thresholds, first_name, part.thresholds, name);
        !d.empty()) {
      throw std::runtime_error(files +
                               " are not segments of one run: their thresholds differ: " + d);
    }
    // The merged cases still hold the first part's settings of each case (a merge changes
    // only the figures).
    bool same_cases = merged_.cases.size() == part.cases.size();
    for (std::size_t c = 0; same_cases && c < part.cases.size(); ++c)
      same_cases = merged_.cases[c].name == part.cases[c].name;
    if (!same_cases) {
      throw std::runtime_error(files + " ran different cases: " + first_name + ": " +
                               case_names(merged_) + "; " + name + ": " + case_names(part));
    }
    for (std::size_t c = 0; c < part.cases.size(); ++c) {
      if (std::string d = result_differences(merged_.cases[c], first_name, part.cases[c], name);
          !d.empty()) {
        throw std::runtime_error(files + " ran case " + part.cases[c].name + " differently: " + d);
      }
    }
  }
  held = static_cast<int>(given_.size());
  given_.push_back({name, s.segment, s.segments});

  if (part.partial) {
    if (!partial_reasons_.empty()) partial_reasons_ += "; ";
    partial_reasons_ += "segment " + segment_of(s) + " (" + name + ") is partial: ";
    partial_reasons_ += part.partial_reason;
  }
  if (first) {
    merged_.settings = s;
    merged_.thresholds = part.thresholds;
    merged_.started_at = part.started_at;
    sampled_ = s.gateway_pid > 0;
    merged_.cases = std::move(part.cases);
    for (CaseReport& m : merged_.cases) m.segments = 1;
    return;
  }
  // The earliest known start; a part that knows none (the epoch) does not count.
  if (part.started_at.time_since_epoch().count() != 0 &&
      (merged_.started_at.time_since_epoch().count() == 0 || part.started_at < merged_.started_at))
    merged_.started_at = part.started_at;
  // The latest start; a segment that never began (negative) wins.
  double& late = merged_.settings.start_late_s;
  const double theirs = s.start_late_s;
  late = (late < 0 || theirs < 0) ? std::min(late, theirs) : std::max(late, theirs);
  // The gateway's footprint comes from whichever segment could sample it.
  if (!sampled_ && s.gateway_pid > 0) {
    merged_.settings.gateway_pid = s.gateway_pid;
    merged_.settings.footprint_note = s.footprint_note;
    sampled_ = true;
  }
  for (std::size_t c = 0; c < merged_.cases.size(); ++c) {
    CaseReport& m = merged_.cases[c];
    const CaseReport& theirs_case = part.cases[c];
    try {
      m.registry.merge(theirs_case.registry);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(both(first_name, name) + ": case " + m.name + ": " + e.what());
    }
    m.wall_s = std::max(m.wall_s, theirs_case.wall_s);
    m.vus += theirs_case.vus;
    m.threads += theirs_case.threads;
    if (theirs_case.interrupted) {
      m.interrupted_after_s = m.interrupted
                                  ? std::min(m.interrupted_after_s, theirs_case.interrupted_after_s)
                                  : theirs_case.interrupted_after_s;
      m.interrupted = true;
    }
    if (m.error.empty()) m.error = theirs_case.error;
  }
}

RunReport ResultMerge::finish() {
  if (given_.empty()) throw std::invalid_argument("no result files to merge");
  const int n = first_.segments;
  std::string missing;
  int missing_count = 0;
  for (int i = 1; i <= n; ++i) {
    if (holder_[static_cast<std::size_t>(i)] >= 0) continue;
    if (!missing.empty()) missing += ", ";
    missing += std::to_string(i);
    ++missing_count;
  }
  RunReport merged = std::move(merged_);
  merged_ = RunReport{};
  merged.settings.segment = 1;
  merged.settings.segments = 1;
  merged.settings.segment_source = "merged from " + std::to_string(given_.size()) +
                                   (given_.size() == 1 ? " segment" : " segments");
  if (missing_count > 0) {
    std::string note = missing_count == 1 ? "segment " : "segments ";
    note += missing;
    note += " of " + std::to_string(n) + (missing_count == 1 ? " is" : " are") + " missing";
    if (!options_.allow_missing_segments) {
      std::string given;
      for (const Given& g : given_) {
        given += (given.empty() ? "" : ", ") + g.name + " (" + std::to_string(g.segment) + "/" +
                 std::to_string(g.segments) + ")";
      }
      throw std::runtime_error(note + "; the files given: " + given);
    }
    merged.partial = true;
    merged.partial_reason = note + ": the figures cover the others only";
  }
  if (!partial_reasons_.empty()) {
    if (!merged.partial_reason.empty()) merged.partial_reason += "; ";
    merged.partial = true;
    merged.partial_reason += partial_reasons_;
  }
  for (CaseReport& m : merged.cases) {
    m.verdicts.clear();
    judge(m, merged.thresholds, planned_s(merged.settings, m));
  }
  return merged;
}

RunReport merge_results(const std::vector<RunReport>& parts, const std::vector<std::string>& names,
                        const MergeOptions& options) {
  if (parts.empty()) throw std::invalid_argument("no result files to merge");
  if (names.size() != parts.size())
    throw std::invalid_argument("merge_results: one name per part, please");
  ResultMerge merge(options);
  for (std::size_t k = 0; k < parts.size(); ++k) merge.add(parts[k], names[k]);
  return merge.finish();
}

RunReport merge_result_files(const std::vector<std::string>& paths, const MergeOptions& options) {
  ResultMerge merge(options);
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path + ": cannot be opened");
    merge.add(read_result(in, path), path);
  }
  return merge.finish();
}

}  // namespace multitier
