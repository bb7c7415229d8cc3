// Persistence (--state FILE): an append-only journal of the mutating requests, replayed at start.
//
// Every request to a mutating method (successful or not) is appended as one JSON line
// {"c":cluster,"v":"12.3","t":now_ms,"b":"<request body>"} and fdatasync'd while the cluster lock is
// still held and BEFORE the reply is sent, so an acknowledged change is always on disk. Request
// handling is deterministic given the journalled time (ids, uuids and secrets come from seeded
// generators), so replaying the journal in order rebuilds the exact state, ids included.
// A torn last line (crash in the middle of an append, never acknowledged) is dropped on load, and
// the cleaned file is then written atomically: temp file, fsync, rename, fsync of the directory.
#pragma once

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

  // Reads `path` (missing = empty), calls `replay` for every complete record in order, rewrites the
  // file atomically without a torn tail and opens it for appending. Throws std::runtime_error.
  Journal(std::string path, const std::function<void(const Record&)>& replay);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Appends one record and makes it durable (write + fdatasync). Throws std::runtime_error.
  void append(int cluster, std::string_view version, int64_t now_ms, std::string_view body);
  void append_reset();
  uint64_t records() const;

 private:
  void write_line(const std::string& line);
  std::string path_;
  int fd_ = -1;
  mutable std::mutex mu_;
  uint64_t records_ = 0;
};

}  // namespace element_sim
