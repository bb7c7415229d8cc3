#include "journal.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "json.h"

namespace element_sim {

namespace {

[[noreturn]] void sys_fail(const std::string& what, const std::string& path) {
  throw std::runtime_error("element-sim: state file " + what + " '" + path + "': " + std::strerror(errno));
}

void write_all(int fd, const char* p, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      sys_fail("write", path);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

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

Journal::Journal(std::string path, const std::function<void(const Record&)>& replay) : path_(std::move(path)) {
  std::vector<std::string> lines;
  {
    std::ifstream in(path_, std::ios::binary);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      const std::string all = ss.str();
      size_t start = 0;
      while (start < all.size()) {
        size_t nl = all.find('\n', start);
        if (nl == std::string::npos) break;  // torn tail: never acknowledged
        lines.push_back(all.substr(start, nl - start));
        start = nl + 1;
      }
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    Record r;
    if (!decode(lines[i], r)) {
      if (i + 1 == lines.size()) {  // torn last record
        lines.pop_back();
        break;
      }
      throw std::runtime_error("element-sim: state file '" + path_ + "' is corrupt at record " +
                               std::to_string(i + 1));
    }
    replay(r);
  }
  records_ = lines.size();

  // Atomic rewrite of the clean journal: temp file, fsync, rename, fsync the directory.
  const std::string tmp = path_ + ".tmp";
  int tfd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (tfd < 0) sys_fail("create", tmp);
  std::string buf;
  for (const auto& l : lines) {
    buf += l;
    buf += '\n';
    if (buf.size() > (1 << 20)) {
      write_all(tfd, buf.data(), buf.size(), tmp);
      buf.clear();
    }
  }
  write_all(tfd, buf.data(), buf.size(), tmp);
  if (::fsync(tfd) != 0) sys_fail("fsync", tmp);
  ::close(tfd);
  if (::rename(tmp.c_str(), path_.c_str()) != 0) sys_fail("rename", tmp);
  const std::string dir = dir_of(path_);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) sys_fail("open", path_);
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

void Journal::write_line(const std::string& line) {
  std::lock_guard lk(mu_);
  write_all(fd_, line.data(), line.size(), path_);
  if (::fdatasync(fd_) != 0) sys_fail("fdatasync", path_);
  ++records_;
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

uint64_t Journal::records() const {
  std::lock_guard lk(mu_);
  return records_;
}

}  // namespace element_sim
