#include "journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <vector>

#include "durable_file.h"
#include "json.h"

namespace element_sim {

namespace {

std::string encode(const Journal::Record& r) {
  json::Ptr o = json::object();
  if (r.reset) {
    json::add_bool(o.get(), "reset", true);
  } else {
    json::add_int(o.get(), "c", r.cluster);
    json::add_str(o.get(), "v", r.version);
    json::add_int(o.get(), "t", r.now_ms);
    json::add_str(o.get(), "b", r.body);
  }
  return json::print(o.get()) + "\n";
}

std::string header(uint64_t generation) { return "{\"journal\":" + std::to_string(generation) + "}\n"; }

// The header line; false when `line` is not one (a record, or a file without header).
bool decode_header(const std::string& line, uint64_t& generation) {
  if (line.rfind("{\"journal\":", 0) != 0) return false;
  json::Ptr o = json::parse(line);
  const cJSON* g = o ? cJSON_GetObjectItemCaseSensitive(o.get(), "journal") : nullptr;
  if (!cJSON_IsNumber(g) || g->valuedouble < 0) return false;
  generation = static_cast<uint64_t>(g->valuedouble);
  return true;
}

bool decode(const std::string& line, Journal::Record& r) {
  json::Ptr o = json::parse(line);
  if (!o || !cJSON_IsObject(o.get())) return false;
  if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o.get(), "reset"))) {
    r.reset = true;
    return true;
  }
  const cJSON* c = cJSON_GetObjectItemCaseSensitive(o.get(), "c");
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(o.get(), "v");
  const cJSON* t = cJSON_GetObjectItemCaseSensitive(o.get(), "t");
  const cJSON* b = cJSON_GetObjectItemCaseSensitive(o.get(), "b");
  if (!cJSON_IsNumber(c) || !cJSON_IsString(v) || !cJSON_IsNumber(t) || !cJSON_IsString(b)) return false;
  r.cluster = static_cast<int>(c->valuedouble);
  r.version = v->valuestring;
  r.now_ms = static_cast<int64_t>(t->valuedouble);
  r.body = b->valuestring;
  return true;
}

}  // namespace

Journal::Journal(std::string path, const Position* covered, const std::function<void(const Record&)>& replay)
    : path_(std::move(path)) {
  std::string all;
  const bool exists = durable::read_file(path_, all);
  std::vector<std::string> lines;
  for (size_t start = 0; start < all.size();) {
    size_t nl = all.find('\n', start);
    if (nl == std::string::npos) break;  // torn tail: never acknowledged
    lines.push_back(all.substr(start, nl - start));
    start = nl + 1;
  }
  all.clear();
  uint64_t generation = 0;
  size_t first = 0;  // first record line
  if (!lines.empty() && decode_header(lines[0], generation)) first = 1;
  if (!exists && covered != nullptr) generation = covered->generation + 1;  // nothing after the snapshot

  std::vector<Record> records;
  for (size_t i = first; i < lines.size(); ++i) {
    Record r;
    if (!decode(lines[i], r)) {
      if (i + 1 == lines.size()) {  // torn last record
        lines.pop_back();
        break;
      }
      throw std::runtime_error("element-sim: state file '" + path_ + "' is corrupt at line " + std::to_string(i + 1));
    }
    records.push_back(std::move(r));
  }

  // Which records the snapshot already holds (see the header comment).
  const std::string where = "element-sim: state file '" + path_ + "' (journal generation " + std::to_string(generation);
  size_t skip = 0;
  uint64_t keep_generation = generation;
  if (covered == nullptr) {
    if (generation != 0)
      throw std::runtime_error(where + ") belongs to a compacted state but its snapshot '" + path_ +
                               ".snap' is missing");
  } else if (generation == covered->generation) {
    if (records.size() < covered->records)
      throw std::runtime_error(where + ", " + std::to_string(records.size()) + " records) is shorter than its snapshot (" +
                               std::to_string(covered->records) + " records)");
    skip = static_cast<size_t>(covered->records);
    keep_generation = generation + 1;  // the rotation the crash interrupted, done now
  } else if (generation != covered->generation + 1) {
    throw std::runtime_error(where + ") does not follow its snapshot (generation " +
                             std::to_string(covered->generation) + ")");
  }
  for (size_t i = skip; i < records.size(); ++i) replay(records[i]);

  // Atomic rewrite of the clean journal: temp file, fsync, rename, fsync the directory.
  std::string buf = header(keep_generation);
  for (size_t i = first + skip; i < lines.size(); ++i) {
    buf += lines[i];
    buf += '\n';
  }
  const std::string tmp = path_ + ".tmp";
  fd_ = durable::create_synced(tmp, buf);
  try {
    durable::rename_file(tmp, path_);
    durable::sync_dir(path_);
  } catch (...) {
    ::close(fd_);
    fd_ = -1;
    throw;
  }
  generation_ = keep_generation;
  bytes_ = buf.size();
  records_ = records.size() - skip;
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

void Journal::write_line(const std::string& line) {
  std::lock_guard lk(mu_);
  if (failed_)
    throw std::runtime_error("element-sim: state file '" + path_ +
                             "': an earlier append failed, so the state in memory holds a change the file does not; "
                             "changes are refused until a restart");
  try {
    if (dir_unsynced_) {  // the rotation's rename must be durable before a record in the new file is
      durable::sync_dir(path_);
      dir_unsynced_ = false;
      durable::step("journal.dir-synced");
    }
    durable::write_all(fd_, line, path_);
    durable::step("journal.written");
    if (::fdatasync(fd_) != 0) durable::sys_fail("fdatasync", path_);
  } catch (...) {
    // The request is already applied in memory: refuse the next ones (see append()), and drop a
    // partial or unsynced line so that a restart does not replay a change whose reply was an error.
    failed_ = true;
    const int rc = ::ftruncate(fd_, static_cast<off_t>(bytes_));  // best effort
    static_cast<void>(rc);
    throw;
  }
  bytes_ += line.size();
  records_.fetch_add(1, std::memory_order_relaxed);
}

void Journal::append(int cluster, std::string_view version, int64_t now_ms, std::string_view body) {
  Record r;
  r.cluster = cluster;
  r.version = std::string(version);
  r.now_ms = now_ms;
  r.body = std::string(body);
  write_line(encode(r));
}

void Journal::append_reset() {
  Record r;
  r.reset = true;
  write_line(encode(r));
}

Journal::Position Journal::position() const {
  std::lock_guard lk(mu_);
  return {generation_, records_.load(), bytes_};
}

bool Journal::failed() const {
  std::lock_guard lk(mu_);
  return failed_;
}

void Journal::rotate(const Position& covered) {
  std::lock_guard lk(mu_);
  if (failed_) throw std::runtime_error("element-sim: state file '" + path_ + "': not rotated after a failed append");
  if (covered.generation != generation_ || covered.bytes > bytes_ || covered.records > records_.load())
    throw std::logic_error("element-sim: journal rotation from a position of another generation");
  // The records appended since `covered` (the snapshot does not hold them) move to the new file.
  std::string tail(static_cast<size_t>(bytes_ - covered.bytes), '\0');
  {
    int rfd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (rfd < 0) durable::sys_fail("open", path_);
    size_t got = 0;
    while (got < tail.size()) {
      ssize_t r = ::pread(rfd, tail.data() + got, tail.size() - got, static_cast<off_t>(covered.bytes + got));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        ::close(rfd);
        durable::sys_fail("read", path_);
      }
      got += static_cast<size_t>(r);
    }
    ::close(rfd);
  }
  const std::string head = header(generation_ + 1);
  const std::string tmp = path_ + ".tmp";
  int nfd = durable::create_synced(tmp, head + tail);
  try {
    durable::step("journal.tmp-synced");
    durable::rename_file(tmp, path_);
  } catch (...) {
    ::close(nfd);  // the old file stays the journal
    throw;
  }
  // From here on the new file is the journal, whatever fails next.
  ::close(fd_);
  fd_ = nfd;
  ++generation_;
  bytes_ = head.size() + tail.size();
  records_ = records_.load() - covered.records;
  dir_unsynced_ = true;  // until the fsync below succeeds; else the next append retries it
  durable::step("journal.renamed");
  durable::sync_dir(path_);
  dir_unsynced_ = false;
  durable::step("journal.dir-synced");
}

}  // namespace element_sim
