// Persistence (--state FILE): the journal of the mutating requests made after the last snapshot.
//
// Every request to a mutating method (successful or not) is appended as one JSON line
// {"c":cluster,"v":"12.3","t":now_ms,"b":"<request body>"} and fdatasync'd while the cluster lock is
// still held and BEFORE the reply is sent, so an acknowledged change is always on disk. Request
// handling is deterministic given the journalled time (ids, uuids and secrets come from seeded
// generators), so replaying the records in order rebuilds the exact state, ids included.
//
// The first line is a header {"journal":G}: the journal's generation. Compaction (persistence.h)
// writes a snapshot covering the first N records of generation G, then rotate() replaces the file
// by generation G+1 holding only the records after those N. At start the journal is matched with
// the snapshot's (generation, records): generation G = skip the N covered records, G+1 = replay all.
// A file without header is generation 0 (journals written before compaction existed).
// A torn last line (crash in the middle of an append, never acknowledged) is dropped on load, and
// the cleaned file is then written atomically: temp file, fsync, rename, fsync of the directory.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace element_sim {

class Journal {
 public:
  struct Record {
    int cluster = 0;
    std::string version;
    int64_t now_ms = 0;
    std::string body;
    bool reset = false;  // Server::reset_state()
  };

  // Where the journal stands: its generation, how many records it holds and its size in bytes
  // (header included). A snapshot stores the generation and record count it covers.
  struct Position {
    uint64_t generation = 0;
    uint64_t records = 0;
    uint64_t bytes = 0;
  };

  // Reads `path` (missing = empty, generation covered->generation + 1), calls `replay` for every
  // complete record not covered by the snapshot, rewrites the file atomically without a torn tail
  // or covered records and opens it for appending. `covered` = the loaded snapshot's position
  // (nullptr = no snapshot). Throws std::runtime_error (corrupt, or not the snapshot's journal).
  Journal(std::string path, const Position* covered, const std::function<void(const Record&)>& replay);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Appends one record and makes it durable (write + fdatasync). Throws std::runtime_error. The
  // request was applied in memory before its append, so after a failed append the memory is ahead
  // of the file: the journal then refuses every later append (failed() = true) until a restart
  // rebuilds the state from the file, and no later request is acknowledged on top of a change the
  // file does not hold (its id, say, would go to another object at replay).
  void append(int cluster, std::string_view version, int64_t now_ms, std::string_view body);
  void append_reset();
  uint64_t records() const { return records_.load(std::memory_order_relaxed); }  // lock-free
  Position position() const;
  bool failed() const;

  // Starts generation covered.generation + 1 holding the records appended after `covered` (a
  // position of the current generation, already saved in a durable snapshot): temp file, fsync,
  // rename, fsync of the directory. Appends wait meanwhile. On failure before the rename the current
  // file stays in use (and stays consistent with the snapshot). When only the directory fsync after
  // the rename fails, the next append retries it before its record counts as durable (records
  // acknowledged in a file whose name is not yet durable would be lost with the rename on power loss).
  // Throws std::runtime_error.
  void rotate(const Position& covered);

 private:
  void write_line(const std::string& line);
  std::string path_;
  int fd_ = -1;
  mutable std::mutex mu_;
  uint64_t generation_ = 0;
  uint64_t bytes_ = 0;
  bool failed_ = false;        // an append failed: see append()
  bool dir_unsynced_ = false;  // rotate() renamed the file but its directory fsync failed
  std::atomic<uint64_t> records_{0};
};

}  // namespace element_sim
