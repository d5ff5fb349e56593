// The workers the validators check against: a record per worker and a lookup by candidate id,
// in memory or loaded from a corpus file. Immutable after construction, so safe to read from
// many threads at once.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace multitier {

struct WorkerRecord {
  std::string candidate_id;
  std::string name;
  std::string status;  // "active", "inactive", "placed"
  std::optional<std::string> city;
  std::optional<std::string> state;
  std::optional<std::string> role;
};

class WorkerLookup {
 public:
  virtual ~WorkerLookup() = default;
  // The worker with this id, or nullptr. The pointer stays valid for the lookup's lifetime.
  virtual const WorkerRecord* find(std::string_view candidate_id) const = 0;
  virtual std::size_t size() const = 0;
};

// Hash map by candidate_id. Throws std::invalid_argument naming the id when two workers share
// one. Copies share the (immutable) table, so a copy's pointers stay valid as long as any copy
// lives.
class InMemoryWorkerLookup final : public WorkerLookup {
 public:
  explicit InMemoryWorkerLookup(std::vector<WorkerRecord> workers);
  const WorkerRecord* find(std::string_view candidate_id) const override;
  std::size_t size() const override;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

// Loads a corpus JSON Lines file (one worker per line: id, name, status, city, state, role, ...)
// as a lookup keyed by "id". "id", "name" and "status" are required strings ("id" non-empty);
// "city", "state" and "role" are optional strings (null counts as absent); other members are
// ignored; blank lines are skipped. Throws std::runtime_error naming "file:line" on a line that
// is not such an object or repeats an earlier id, and naming the file when it cannot be read.
std::unique_ptr<InMemoryWorkerLookup> load_worker_lookup_jsonl(const std::string& path);

}  // namespace multitier
