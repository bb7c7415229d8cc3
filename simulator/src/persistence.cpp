#include "persistence.h"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "cluster_state.h"
#include "durable_file.h"
#include "fabric.h"
#include "state_snapshot.h"

namespace element_sim {

Persistence::Persistence(std::string path, uint64_t compact_records, Fabric& fabric,
                         const std::function<void(const Journal::Record&)>& replay, spdlog::logger* log)
    : path_(std::move(path)),
      snap_path_(path_ + ".snap"),
      compact_records_(compact_records),
      fabric_(fabric),
      log_(log) {
  ::unlink((snap_path_ + ".tmp").c_str());  // an interrupted compaction's leftover, never renamed
  std::string text;
  Journal::Position covered;
  const bool have_snapshot = durable::read_file(snap_path_, text);
  if (have_snapshot) {
    try {
      const SnapshotCover c = load_state(text, fabric_);
      covered.generation = c.generation;
      covered.records = c.records;
    } catch (const std::runtime_error& e) {
      throw std::runtime_error("element-sim: state snapshot '" + snap_path_ + "' is corrupt: " + e.what());
    }
  }
  text.clear();
  text.shrink_to_fit();
  journal_ = std::make_unique<Journal>(path_, have_snapshot ? &covered : nullptr, replay);
  compact_at_ = compact_records_;
  maybe_compact();
}

Persistence::~Persistence() = default;

void Persistence::maybe_compact() noexcept {
  if (compact_records_ == 0 || journal_->records() < compact_at_.load(std::memory_order_relaxed)) return;
  std::unique_lock lk(compact_mu_, std::try_to_lock);
  if (!lk.owns_lock()) return;  // another thread is compacting
  if (journal_->records() < compact_at_.load()) return;
  // Requests made meanwhile (this thread's included, e.g. from a test hook) skip the check above.
  compact_at_ = UINT64_MAX;
  try {
    compact();
  } catch (const std::exception& e) {
    if (log_ != nullptr) log_->error("state compaction failed (the journal stays in use): {}", e.what());
  }
  compact_at_ = journal_->records() + compact_records_;
}

void Persistence::compact() {
  using Steady = std::chrono::steady_clock;
  const auto t0 = Steady::now();
  std::string text;
  Journal::Position pos;
  {
    // Step 1: a consistent cut. Requests and journal appends happen under cluster mutexes
    // (ascending index when several, see fabric.h), so with all of them held nothing is in flight.
    std::vector<std::unique_lock<std::mutex>> locks;
    for (Cluster* c : fabric_.clusters) locks.emplace_back(c->mu);
    // After a failed append the memory holds a change the journal does not: never snapshot it.
    if (journal_->failed()) throw std::runtime_error("element-sim: not compacted: an append to the journal failed");
    pos = journal_->position();
    text = save_state(fabric_, SnapshotCover{pos.generation, pos.records});
  }
  const auto t1 = Steady::now();
  durable::step("snapshot.serialised");
  // Step 2: the snapshot, atomically. Until the rename the old snapshot + journal G hold everything.
  const std::string tmp = snap_path_ + ".tmp";
  {
    const int fd = durable::create_synced(tmp, text);
    ::close(fd);
  }
  durable::step("snapshot.tmp-synced");
  durable::rename_file(tmp, snap_path_);
  durable::step("snapshot.renamed");
  durable::sync_dir(snap_path_);
  durable::step("snapshot.dir-synced");
  // Step 3: drop the covered records from the journal.
  journal_->rotate(pos);
  if (log_ != nullptr) {
    auto ms = [](Steady::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
    log_->info("state compacted: journal generation {} ({} records) into {} bytes; {} ms under the cluster locks, "
               "{} ms in all",
               pos.generation, pos.records, text.size(), ms(t1 - t0), ms(Steady::now() - t0));
  }
}

}  // namespace element_sim
