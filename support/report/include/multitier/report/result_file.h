// The result file (result.json): a run's RunReport written losslessly, so the result files of a
// run's segments (--segment i/n, run on several machines) can be read back and merged into the
// report one process running the whole load would have made (multitier-merge). The format is
// documented in docs/result-format.md.
//
// Lossless: read_result(write_result(r)) == r for every field of r: counts exactly, histograms
// bin for bin, doubles bit for bit (NaN as NaN), strings byte for byte (text that is not valid
// UTF-8 is written hex-encoded).
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "multitier/report/report.h"

namespace multitier {

// The format's version, written in every result file. A reader accepts its own version only:
// any change to the format that an older reader would misread increments it.
inline constexpr int kResultFormatVersion = 1;

// Writes `report` as a result file (compact JSON, UTF-8). Never throws for any content of the
// report; stream errors are left in the stream's state. What the "result" reporter writes.
void write_result(const RunReport& report, std::ostream& out);

// Reads a result file back. Throws std::runtime_error naming `name_for_errors` (the file's
// path) and what is wrong: not JSON, not a result file, a format version this build does not
// read, a missing or malformed field (named by its path, e.g. "cases[0].registry...").
RunReport read_result(std::istream& in, const std::string& name_for_errors);

// Which refusals a merge may ignore.
struct MergeOptions {
  // Merge even when some segments of i/n are missing: the merged report is then partial (its
  // reason names the missing segments), so it fails.
  bool allow_missing_segments = false;
};

// The fields of `a` and `b` that must agree between segments and do not, each with both values
// ("duration_s 10.0 in a.json, 20.0 in b.json; seed 1 in a.json, 2 in b.json"); empty when they
// agree. The merge's refusals use them.
std::string result_differences(const RunSettings& a, const std::string& a_name,
                               const RunSettings& b, const std::string& b_name);
std::string result_differences(const Thresholds& a, const std::string& a_name, const Thresholds& b,
                               const std::string& b_name);
std::string result_differences(const CaseReport& a, const std::string& a_name, const CaseReport& b,
                               const std::string& b_name);

// Merges the results of one run's segments, given one at a time, into the report of the whole
// run: case by case, the registries merged (counts exact, histograms bin for bin), the wall
// time the longest, VUs and threads summed, and every case judged again on the merged figures.
// The merged settings are the segments' with segment 1/1. Only the merged report is kept
// between parts, so the memory a merge needs does not grow with the number of parts.
class ResultMerge {
 public:
  explicit ResultMerge(MergeOptions options = {}) : options_(options) {}

  // Adds the result of one segment (`name` names it in messages). Throws std::runtime_error
  // naming the files when `part` is not a segment of the first part's run: a different suite
  // version, settings (naming each differing setting and both values) or thresholds, a
  // different segment count, a segment out of range or given twice, different case lists.
  // After a throw the merge is unusable.
  void add(RunReport part, const std::string& name);

  // The merged run. Throws std::runtime_error for missing segments (unless allowed: the
  // merged report is then partial) and std::invalid_argument when nothing was added.
  RunReport finish();

 private:
  struct Given {
    std::string name;
    int segment = 0;
    int segments = 0;
  };
  MergeOptions options_;
  RunReport merged_;
  RunSettings first_;         // the first part's settings, as it gave them
  std::vector<Given> given_;  // the parts added, in order
  std::vector<int> holder_;   // by segment index (1-based): which given_ holds it, -1 none
  std::string partial_reasons_;
  bool sampled_ = false;  // a part added so far sampled the gateway
};

// ResultMerge over `parts` in order (`names[k]` names `parts[k]` in messages). Throws as
// ResultMerge does, and std::invalid_argument when parts is empty or the sizes differ.
RunReport merge_results(const std::vector<RunReport>& parts, const std::vector<std::string>& names,
                        const MergeOptions& options = {});

// Reads the result files `paths` one after the other into a ResultMerge: at most one file's
// parsed text and report are held beside the merged report. Throws std::runtime_error naming
// the file that cannot be opened or read (as read_result), and as ResultMerge does.
RunReport merge_result_files(const std::vector<std::string>& paths,
                             const MergeOptions& options = {});

}  // namespace multitier
