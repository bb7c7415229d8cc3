// Persistence (--state FILE, README "Persistence"): FILE.snap (a full-state snapshot, optional) plus
// FILE (the journal of the requests after it), and compaction, which folds the journal into a new
// snapshot once it holds Options::state_compact_records records.
//
// Compaction, in this order (a crash between any two steps recovers every acknowledged change
// exactly once; the README lists the windows):
//   1. with every cluster mutex held (no request half-applied, no append in progress): serialise
//      the state and note the journal position (generation G, N records) it covers;
//   2. without those locks (requests go on, appending to journal G): write FILE.snap.tmp, fsync,
//      rename it to FILE.snap, fsync the directory;
//   3. Journal::rotate: FILE.tmp = header G+1 + the records appended after the N, fsync, rename it
//      to FILE, fsync the directory (appends wait for this step only).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "journal.h"

namespace spdlog {
class logger;
}

namespace element_sim {

class Fabric;

class Persistence {
 public:
  // Loads FILE.snap into the (fresh) clusters of `fabric` if it exists, then replays the journal
  // records after it through `replay`. Throws std::runtime_error (unreadable, corrupt, or files that
  // do not belong together). Compacts at once when the journal already holds enough records.
  Persistence(std::string path, uint64_t compact_records, Fabric& fabric,
              const std::function<void(const Journal::Record&)>& replay, spdlog::logger* log);
  ~Persistence();
  Persistence(const Persistence&) = delete;
  Persistence& operator=(const Persistence&) = delete;

  Journal* journal() { return journal_.get(); }

  // Compacts when the journal holds at least `compact_records` records (0 = never). Call with no
  // cluster mutex held. Never throws: a failed compaction is logged and the journal stays in use
  // (the files stay consistent); the next attempt waits for another `compact_records` records.
  void maybe_compact() noexcept;

 private:
  void compact();
  std::string path_, snap_path_;
  uint64_t compact_records_;
  Fabric& fabric_;
  spdlog::logger* log_;
  std::unique_ptr<Journal> journal_;
  std::mutex compact_mu_;                 // one compaction at a time
  std::atomic<uint64_t> compact_at_{0};  // journal record count that triggers the next one
};

}  // namespace element_sim
