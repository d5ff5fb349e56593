// The pool choice: --queries and --roster as options, settings and reports name them, and how
// each scenario draws its text from ScenarioContext::pool (the generated pool's interface) or
// from the seed's 30: cold searches over the whole pool, the recording scenarios over its first
// kRecurringQueries, repeat_cache made unique per run only with a pool.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "multitier/pools/generated_queries.h"
#include "multitier/pools/pools.h"
#include "multitier/report/report.h"
#include "multitier/report/reporter.h"
#include "multitier/run/options.h"
#include "multitier/run/run_config.h"
#include "tests/unit/scenario_probe.h"
#include "tests/unit/temp_path.h"

namespace multitier {
namespace {

using unit::ProbeVu;
using unit::received;
using unit::ScriptedServer;
using unit::text;

ParseOutcome parse(std::vector<const char*> args, std::vector<const char*> env, Options& out) {
  args.insert(args.begin(), "multitier_suite");
  env.push_back(nullptr);
  return parse_options(static_cast<int>(args.size()), args.data(), env.data(), out);
}

TEST(QueriesOption, GeneratedIsTheDefaultAndSeedTheAlternative) {
  Options o;
  ASSERT_EQ(parse({}, {}, o).action, ParseOutcome::Action::run);
  EXPECT_EQ(o.queries, QuerySource::generated);
  EXPECT_EQ(o.roster, RosterSource::seed);
  ASSERT_EQ(parse({"--queries", "seed"}, {}, o).action, ParseOutcome::Action::run);
  EXPECT_EQ(o.queries, QuerySource::seed);
  ASSERT_EQ(parse({}, {"MULTITIER_QUERIES=seed"}, o).action, ParseOutcome::Action::run);
  EXPECT_EQ(o.queries, QuerySource::seed);
  ASSERT_EQ(parse({"--queries=generated"}, {"MULTITIER_QUERIES=seed"}, o).action,
            ParseOutcome::Action::run);
  EXPECT_EQ(o.queries, QuerySource::generated) << "the command line wins";
}

TEST(QueriesOption, ABadValueNamesWhereItCameFrom) {
  Options o;
  ParseOutcome flag = parse({"--queries", "all"}, {}, o);
  ASSERT_EQ(flag.action, ParseOutcome::Action::error);
  EXPECT_NE(flag.message.find("--queries: must be generated or seed, not 'all'"), std::string::npos)
      << flag.message;
  ParseOutcome env = parse({}, {"MULTITIER_QUERIES=Seed"}, o);
  ASSERT_EQ(env.action, ParseOutcome::Action::error);
  EXPECT_NE(env.message.find("MULTITIER_QUERIES: must be generated or seed"), std::string::npos)
      << env.message;
}

TEST(RosterOption, CorpusNeedsAReadableRosterFile) {
  Options o;
  ParseOutcome missing = parse({"--roster", "corpus"}, {}, o);
  ASSERT_EQ(missing.action, ParseOutcome::Action::error);
  EXPECT_NE(missing.message.find("--roster: corpus needs --roster-file PATH"), std::string::npos)
      << missing.message;
  ParseOutcome unreadable =
      parse({"--roster", "corpus", "--roster-file", "/nonexistent/workers.jsonl"}, {}, o);
  ASSERT_EQ(unreadable.action, ParseOutcome::Action::error);
  EXPECT_NE(unreadable.message.find("--roster-file: cannot read '/nonexistent/workers.jsonl'"),
            std::string::npos)
      << unreadable.message;
  ParseOutcome bad = parse({"--roster", "answers"}, {}, o);
  ASSERT_EQ(bad.action, ParseOutcome::Action::error);
  EXPECT_NE(bad.message.find("--roster: must be seed or corpus, not 'answers'"), std::string::npos)
      << bad.message;

  const std::string file = unit::private_temp_path("query-pool-workers", ".jsonl").string();
  std::ofstream(file) << R"({"id":"w-1","name":"Ana Diaz","status":"active"})" << '\n';
  ASSERT_EQ(
      parse({}, {"MULTITIER_ROSTER=corpus", ("MULTITIER_ROSTER_FILE=" + file).c_str()}, o).action,
      ParseOutcome::Action::run);
  EXPECT_EQ(o.roster, RosterSource::corpus);
  EXPECT_EQ(o.roster_file, file);
  std::remove(file.c_str());
  // With the seed's roster the file is not read (scripts/run.sh always names its corpus).
  ASSERT_EQ(parse({"--roster-file", "/nonexistent/workers.jsonl"}, {}, o).action,
            ParseOutcome::Action::run);
  EXPECT_EQ(o.roster, RosterSource::seed);
}

TEST(PoolSettings, TheReportsNameThePoolAndTheRoster) {
  Options o;
  o.queries = QuerySource::seed;
  RunSettings s = describe_settings(make_run_config(o));
  EXPECT_EQ(s.queries, "seed");
  EXPECT_EQ(s.roster, "seed");
  EXPECT_EQ(s.roster_file, "") << "no file shown for the seed's roster";
  o.queries = QuerySource::generated;
  o.roster = RosterSource::corpus;
  o.roster_file = "data/workers-100000.jsonl";
  s = describe_settings(make_run_config(o));
  EXPECT_EQ(s.queries, "generated");
  EXPECT_EQ(s.roster, "corpus");
  EXPECT_EQ(s.roster_file, "data/workers-100000.jsonl");
}

TEST(PoolSettings, EveryReporterShowsThem) {
  RunReport report;
  report.settings.mode = "stress";
  report.settings.queries = "generated";
  report.settings.roster = "corpus";
  report.settings.roster_file = "data/workers-100000.jsonl";
  const auto written = [&](std::string_view format) {
    std::ostringstream out;
    make_reporter(format)->write(report, out);
    return out.str();
  };
  const std::string console = written("console");
  EXPECT_NE(console.find("queries generated · roster corpus (data/workers-100000.jsonl)"),
            std::string::npos)
      << console;
  const std::string junit = written("junit");
  EXPECT_NE(junit.find(R"(<property name="queries" value="generated"/>)"), std::string::npos)
      << junit;
  EXPECT_NE(junit.find(R"(<property name="roster" value="corpus"/>)"), std::string::npos) << junit;
  EXPECT_NE(junit.find(R"(<property name="roster_file" value="data/workers-100000.jsonl"/>)"),
            std::string::npos);
  rapidjson::Document json;
  json.Parse(written("json").c_str());
  ASSERT_TRUE(json.IsObject() && json.HasMember("settings"));
  EXPECT_EQ(text(json["settings"], "queries"), "generated");
  EXPECT_EQ(text(json["settings"], "roster"), "corpus");
  EXPECT_EQ(text(json["settings"], "roster_file"), "data/workers-100000.jsonl");
  report.settings.roster = "seed";
  report.settings.roster_file.clear();
  json.Parse(written("json").c_str());
  EXPECT_FALSE(json["settings"].HasMember("roster_file")) << "no file with the seed's roster";
}

// A pool whose query i reads "Pooled query <i> Welder in Flint MI", so a sent text tells its index.
class NumberedPool final : public QueryPool {
 public:
  explicit NumberedPool(std::size_t size) : size_(size) {}
  std::size_t size() const override { return size_; }
  QuerySpec at(std::uint64_t index) const override {
    return {"Pooled query " + std::to_string(index) + " Welder in Flint MI",
            "Welder",
            "Flint",
            "MI",
            "",
            1};
  }

 private:
  std::size_t size_;
};

// The index a pooled text names, or -1 when the text is not the pool's.
long pooled_index(const std::string& sent) {
  long index = -1;
  if (std::sscanf(sent.c_str(), "Pooled query %ld Welder in Flint MI", &index) != 1) return -1;
  return index;
}

struct SeedPools {
  std::vector<QuerySpec> queries = pools::build_query_pool();
  std::vector<WorkerRecord> roster = pools::build_worker_pool();
  InMemoryWorkerLookup lookup{roster};
  EmailValidator email{lookup};
  FillValidator fill{lookup};
};

ScenarioContext context_with(const QueryPool* pool) {
  static const SeedPools seed;
  ScenarioContext c;
  c.queries = &seed.queries;
  c.pool = pool;
  c.roster = &seed.roster;
  c.email = &seed.email;
  c.fill = &seed.fill;
  return c;
}

const unit::ScriptStep kThree = unit::search_answer({"w-1", "w-2", "w-3"});
const unit::ScriptStep kOther = unit::search_answer({"w-4", "w-5", "w-6"});
const unit::ScriptStep kOneHit = unit::search_answer({"w-1"});

// The first query text of each of `runs` runs of `scenario` on one VU; `per_run` is the script
// of one run (one answer per request).
std::vector<std::string> first_texts(Scenario scenario, const ScenarioContext& c, int runs,
                                     const std::vector<unit::ScriptStep>& per_run) {
  std::vector<unit::ScriptStep> script;
  for (int i = 0; i < runs; ++i) script.insert(script.end(), per_run.begin(), per_run.end());
  const std::size_t requests_per_run = per_run.size();
  ScriptedServer server(std::move(script));
  ProbeVu vu(server);
  for (int i = 0; i < runs; ++i) {
    ScenarioResult r = vu.run(scenario, c);
    EXPECT_TRUE(r.success) << r.failed_at << ": " << r.failure.message;
  }
  std::vector<std::string> texts;
  const auto sent = received(server);
  for (std::size_t i = 0; i < sent.size(); i += requests_per_run)
    texts.push_back(text(sent[i].body, "query_text"));
  return texts;
}

TEST(PoolDraws, ColdSearchesDrawFromTheWholePool) {
  const NumberedPool pool(100'000);
  const ScenarioContext c = context_with(&pool);
  const std::vector<std::pair<Scenario, std::vector<unit::ScriptStep>>> cases = {
      {Scenario::cold_search_email, {kThree}},
      {Scenario::profile_swap, {kThree, kOther}},
      {Scenario::sms_validate, {kOneHit}}};
  for (const auto& [scenario, script] : cases) {
    const auto texts = first_texts(scenario, c, 40, script);
    ASSERT_EQ(texts.size(), 40u) << to_string(scenario);
    std::set<long> indices;
    for (const std::string& t : texts) {
      EXPECT_EQ(t, pool.at(static_cast<std::uint64_t>(pooled_index(t))).text)
          << to_string(scenario);
      indices.insert(pooled_index(t));
    }
    EXPECT_GT(indices.size(), 35u) << "40 draws over 100,000 texts rarely repeat";
    EXPECT_GT(*indices.rbegin(), 1000) << "not only the pool's head";
  }
}

TEST(PoolDraws, WithoutAPoolTheSeedsThirtyAreUsed) {
  const ScenarioContext c = context_with(nullptr);
  const auto& seed = *c.queries;
  for (const std::string& t : first_texts(Scenario::cold_search_email, c, 20, {kThree})) {
    EXPECT_NE(
        std::find_if(seed.begin(), seed.end(), [&](const QuerySpec& q) { return q.text == t; }),
        seed.end())
        << t;
  }
  // repeat_cache keeps the seed's plain text, as the seed harness sent it.
  for (const std::string& t :
       first_texts(Scenario::repeat_cache, c, 5, {kThree, kThree, kThree, kThree, kThree})) {
    EXPECT_NE(
        std::find_if(seed.begin(), seed.end(), [&](const QuerySpec& q) { return q.text == t; }),
        seed.end())
        << t;
  }
}

TEST(PoolDraws, TheRecordingScenariosDrawFromTheRecurringHead) {
  const NumberedPool pool(100'000);
  const ScenarioContext c = context_with(&pool);
  std::set<long> indices;
  for (const std::string& t :
       first_texts(Scenario::surge_fill_validate, c, 200, {kThree, unit::recorded()})) {
    const long index = pooled_index(t);
    EXPECT_GE(index, 0) << t;
    EXPECT_LT(index, static_cast<long>(kRecurringQueries)) << t;
    indices.insert(index);
  }
  EXPECT_GT(indices.size(), 40u) << "200 draws cover most of the 64";
}

TEST(PoolDraws, RepeatCacheMakesItsTextUniquePerRunWithAPool) {
  const NumberedPool pool(100'000);
  ScriptedServer server({kThree});
  ProbeVu vu(server);
  for (int run = 0; run < 2; ++run) {
    ScenarioResult r = vu.run(Scenario::repeat_cache, context_with(&pool));
    EXPECT_TRUE(r.success) << r.failed_at << ": " << r.failure.message;
  }
  const auto sent = received(server);
  ASSERT_EQ(sent.size(), 10u);
  // One text for the five searches of a run: search_0 misses a cache, search_1..4 hit it.
  for (int run = 0; run < 2; ++run) {
    const std::string first = text(sent[static_cast<std::size_t>(run) * 5].body, "query_text");
    const std::string tag = " [fresh-11-3-" + std::to_string(run + 1) + "]";
    ASSERT_TRUE(first.ends_with(tag)) << first;
    EXPECT_GE(pooled_index(first.substr(0, first.size() - tag.size())), 0) << first;
    for (int i = 1; i < 5; ++i)
      EXPECT_EQ(text(sent[static_cast<std::size_t>(run * 5 + i)].body, "query_text"), first);
  }
}

TEST(PoolDraws, ReplayTextsRecurPerVu) {
  const NumberedPool pool(100'000);
  const ScenarioContext c = context_with(&pool);
  const unit::ScriptStep warm = unit::search_answer({"w-1", "w-2"}, /*boosted=*/1);
  std::vector<unit::ScriptStep> script;
  for (int run = 0; run < 100; ++run) script.insert(script.end(), {kThree, unit::recorded(), warm});
  ScriptedServer server(std::move(script));
  ProbeVu vu(server);
  std::set<std::string> texts;
  for (int run = 0; run < 100; ++run) {
    ScenarioResult r = vu.run(Scenario::playbook_record_replay, c);
    ASSERT_TRUE(r.success) << r.failed_at << ": " << r.failure.message;
    const auto sent = received(server);
    ASSERT_EQ(sent.size(), 3u * static_cast<std::size_t>(run + 1));
    const std::string cold = text(sent[sent.size() - 3].body, "query_text");
    // The same text for the cold search, the record and the replay: the VU's own suffix.
    EXPECT_EQ(text(sent[sent.size() - 2].body, "query_text"), cold);
    EXPECT_EQ(text(sent[sent.size() - 1].body, "query_text"), cold);
    const std::string suffix = " [replay vu-3]";
    ASSERT_TRUE(cold.ends_with(suffix)) << cold;
    const long index = pooled_index(cold.substr(0, cold.size() - suffix.size()));
    EXPECT_GE(index, 0);
    EXPECT_LT(index, static_cast<long>(kRecurringQueries));
    texts.insert(cold);
  }
  EXPECT_LE(texts.size(), kRecurringQueries) << "100 runs, at most 64 distinct texts";
  EXPECT_LT(texts.size(), 100u) << "texts recur";
}

TEST(PoolDraws, TheGeneratedPoolServesThroughTheInterface) {
  // What the suite's environment does for --queries generated: the fixtures' pool behind
  // QueryPool; its head is the recurring set, led by the seed's first query.
  class Generated final : public QueryPool {
   public:
    std::size_t size() const override { return queries.size(); }
    QuerySpec at(std::uint64_t index) const override { return queries.at(index); }
    pools::GeneratedQueries queries;
  } pool;
  EXPECT_GT(pool.size(), 100'000u);
  EXPECT_EQ(pool.at(0).text, pools::build_query_pool().front().text);
  std::set<std::string> head;
  for (std::uint64_t i = 0; i < kRecurringQueries; ++i) head.insert(pool.at(i).text);
  EXPECT_EQ(head.size(), kRecurringQueries);
  const auto texts = first_texts(Scenario::cold_search_email, context_with(&pool), 10, {kThree});
  for (const std::string& t : texts) EXPECT_NE(t.find(" "), std::string::npos) << t;
}

}  // namespace
}  // namespace multitier
