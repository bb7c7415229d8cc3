#include "durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <atomic>
#include <mutex>
#include <stdexcept>

namespace element_sim::durable {

namespace {

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::mutex& hook_mu() {
  static std::mutex mu;
  return mu;
}

StepHook& hook() {
  static StepHook h;
  return h;
}

// step() runs on every journal append: skip the mutex while no hook is set (the normal case).
std::atomic<bool> hook_set{false};

}  // namespace

void sys_fail(const std::string& what, const std::string& path) {
  throw std::runtime_error("element-sim: state file " + what + " '" + path + "': " + std::strerror(errno));
}

void write_all(int fd, std::string_view data, const std::string& path) {
  const char* p = data.data();
  size_t n = data.size();
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

bool read_file(const std::string& path, std::string& out) {
  out.clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return false;
    sys_fail("open", path);
  }
  char buf[1 << 16];
  for (;;) {
    ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      errno = e;
      sys_fail("read", path);
    }
    if (r == 0) break;
    out.append(buf, static_cast<size_t>(r));
  }
  ::close(fd);
  return true;
}

int create_synced(const std::string& path, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) sys_fail("create", path);
  try {
    write_all(fd, data, path);
    if (::fsync(fd) != 0) sys_fail("fsync", path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  return fd;
}

void rename_file(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    const int e = errno;
    ::unlink(from.c_str());
    errno = e;
    sys_fail("rename", from);
  }
}

void sync_dir(const std::string& path) {
  const std::string dir = dir_of(path);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) sys_fail("open directory", dir);
  // Some file systems cannot fsync a directory (EINVAL); the rename is then as durable as it gets.
  if (::fsync(dfd) != 0 && errno != EINVAL) {
    const int e = errno;
    ::close(dfd);
    errno = e;
    sys_fail("fsync directory", dir);
  }
  ::close(dfd);
}

void set_step_hook(StepHook h) {
  std::lock_guard lk(hook_mu());
  hook_set.store(static_cast<bool>(h));
  hook() = std::move(h);
}

void step(std::string_view name) {
  if (!hook_set.load(std::memory_order_relaxed)) return;
  StepHook h;
  {
    std::lock_guard lk(hook_mu());
    if (!hook()) return;
    h = hook();
  }
  h(name);
}

}  // namespace element_sim::durable
