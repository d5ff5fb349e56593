#include "multitier/workload/worker_lookup.h"

#include <fstream>
#include <stdexcept>
#include <unordered_map>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "validator_support.h"

namespace multitier {

using namespace validator_support;

struct InMemoryWorkerLookup::Impl {
  std::vector<WorkerRecord> workers;
  // Keys view the ids inside `workers`, which never changes after construction.
  std::unordered_map<std::string_view, const WorkerRecord*> by_id;
};

InMemoryWorkerLookup::InMemoryWorkerLookup(std::vector<WorkerRecord> workers) {
  auto impl = std::make_shared<Impl>();
  impl->workers = std::move(workers);
  impl->by_id.reserve(impl->workers.size());
  for (const WorkerRecord& w : impl->workers) {
    if (!impl->by_id.emplace(w.candidate_id, &w).second) {
      throw std::invalid_argument("duplicate candidate_id " + quoted(w.candidate_id));
    }
  }
  impl_ = std::move(impl);
}

const WorkerRecord* InMemoryWorkerLookup::find(std::string_view candidate_id) const {
  const auto it = impl_->by_id.find(candidate_id);
  return it == impl_->by_id.end() ? nullptr : it->second;
}

std::size_t InMemoryWorkerLookup::size() const { return impl_->workers.size(); }

std::unique_ptr<InMemoryWorkerLookup> load_worker_lookup_jsonl(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::vector<WorkerRecord> workers;
  std::unordered_map<std::string, std::size_t> line_of_id;
  std::string line;
  for (std::size_t line_no = 1; std::getline(in, line); ++line_no) {
    if (is_blank(line)) continue;
    const auto bad = [&](const std::string& why) {
      return std::runtime_error(path + ":" + std::to_string(line_no) + ": " + why);
    };
    rapidjson::Document doc;
    doc.Parse(line.data(), line.size());
    if (doc.HasParseError()) {
      throw bad(std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()));
    }
    if (!doc.IsObject()) throw bad("not a JSON object");
    const auto required = [&](const char* key) {
      const Value* v = string_member(doc, key);
      if (v == nullptr) throw bad(std::string(key) + ": missing or not a string");
      return std::string(view(*v));
    };
    const auto optional = [&](const char* key) -> std::optional<std::string> {
      const Value* v = member(doc, key);
      if (v == nullptr || v->IsNull()) return std::nullopt;
      if (!v->IsString()) throw bad(std::string(key) + ": not a string");
      return std::string(view(*v));
    };
    WorkerRecord w{required("id"),   required("name"),  required("status"),
                   optional("city"), optional("state"), optional("role")};
    if (w.candidate_id.empty()) throw bad("id: empty");
    const auto [it, inserted] = line_of_id.emplace(w.candidate_id, line_no);
    if (!inserted) {
      throw bad("id " + quoted(w.candidate_id) + " repeats line " + std::to_string(it->second));
    }
    workers.push_back(std::move(w));
  }
  if (in.bad()) throw std::runtime_error(path + ": read error");
  return std::make_unique<InMemoryWorkerLookup>(std::move(workers));
}

}  // namespace multitier
