#include "host_adapter.h"

#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/details/null_mutex.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "solidfire/error.h"

namespace sfplugin {
namespace {

using solidfire::Error;
using solidfire::ErrorCode;
using solidfire::SteadyClock;

// Values larger than this are refused: no configuration or context value is legitimately this big.
constexpr size_t kMaxValueSize = 1 << 20;
// Longest deadline we represent; beyond it (short of VDP_NO_DEADLINE) the arithmetic could overflow.
constexpr int64_t kMaxRemainingMs = int64_t{10} * 365 * 24 * 3600 * 1000;

thread_local const vdp_host* tl_host = nullptr;
thread_local vdp_context* tl_ctx = nullptr;


// PKCS#11-style read: try a small buffer, grow to what the host says it needs on BUFFER_TOO_SMALL, retry if
// the value grew in between (a bounded number of times). Any other status (RESOURCE_EXHAUSTED included) is
// the getter failing. A getter that breaks the protocol fails with `code`, naming the key.
template <class Token, class Fn>
std::optional<std::string> read_value(const vdp_host& host, Fn getter, Token* token, const std::string& key,
                                      const char* what, ErrorCode code) {
  const auto broken = [&](const std::string& why) { return Error(code, std::string(what) + "(" + key + ")" + why).with_field(key); };
  if (getter == nullptr) return std::nullopt;
  std::vector<char> buf(256);
  for (int attempt = 0; attempt < 4; ++attempt) {
    size_t needed = 0;
    const vdp_status rc = getter(host.host_data, token, key.c_str(), buf.data(), buf.size(), &needed);
    if (rc == VDP_OK) {
      const size_t len = strnlen(buf.data(), buf.size());
      if (len == buf.size()) throw broken(": value not NUL-terminated");
      return std::string(buf.data(), len);
    }
    if (rc == VDP_E_NOT_FOUND) return std::nullopt;
    if (rc != VDP_E_BUFFER_TOO_SMALL || needed <= buf.size() || needed > kMaxValueSize) {
      throw broken(std::string(" failed with ") + vdp_status_name(rc));
    }
    buf.assign(needed, '\0');
  }
  throw broken(": value kept changing size");
}

class HostScopedLock final : public solidfire::ScopedLock {
 public:
  HostScopedLock(const vdp_host& host, uint64_t token) : host_(host), token_(token) {}
  ~HostScopedLock() override { host_.lock_release(host_.host_data, token_); }

 private:
  const vdp_host& host_;
  uint64_t token_;
};

class LocalScopedLock final : public solidfire::ScopedLock {
 public:
  LocalScopedLock(LocalLocks& locks, std::string name) : locks_(locks), name_(std::move(name)) {}
  ~LocalScopedLock() override { locks_.release(name_); }

 private:
  LocalLocks& locks_;
  std::string name_;
};

int32_t to_host_level(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return VDP_LOG_TRACE;
    case spdlog::level::debug: return VDP_LOG_DEBUG;
    case spdlog::level::info: return VDP_LOG_INFO;
    case spdlog::level::warn: return VDP_LOG_WARN;
    default: return VDP_LOG_ERROR;
  }
}

// Host log callbacks are thread-safe by contract, so the sink takes no lock of its own (and the plugin
// never calls the host while holding one).
class HostLogSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  HostLogSink(const vdp_host* host, std::shared_ptr<const solidfire::SecretSet> secrets)
      : host_(host), secrets_(std::move(secrets)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (host_->log == nullptr) return;
    const std::string text = secrets_->scrub(std::string(msg.payload.data(), msg.payload.size()));
    vdp_context* ctx = (tl_host == host_) ? tl_ctx : nullptr;
    host_->log(host_->host_data, ctx, to_host_level(msg.level), text.c_str());
  }
  void flush_() override {}

 private:
  const vdp_host* host_;
  std::shared_ptr<const solidfire::SecretSet> secrets_;
};

}  // namespace

vdp_host copy_host(const vdp_host* host) {
  vdp_host copy{};
  if (host != nullptr) {
    if (host->struct_size < offsetof(vdp_host, host_data) + sizeof(uintptr_t)) {
      throw Error(ErrorCode::kInvalidArgument, "host: struct_size too small").with_field("host.struct_size");
    }
    std::memcpy(&copy, host, std::min<size_t>(host->struct_size, sizeof(vdp_host)));
  }
  copy.struct_size = sizeof(vdp_host);
  if ((copy.lock_acquire == nullptr) != (copy.lock_release == nullptr)) {
    throw Error(ErrorCode::kConfig, "host: lock_acquire and lock_release must be given together")
        .with_field("host.lock_acquire");
  }
  return copy;
}

std::optional<std::string> config_value(const vdp_host& host, vdp_config* cfg, const std::string& key) {
  // A configuration source that breaks the getter protocol makes that option unusable: CONFIG, naming it.
  return read_value(host, host.config_get, cfg, key, "config_get", ErrorCode::kConfig);
}

std::optional<std::string> context_value(const vdp_host& host, vdp_context* ctx, const std::string& key) {
  if (ctx == nullptr) return std::nullopt;
  return read_value(host, host.context_get, ctx, key, "context_get", ErrorCode::kInternal);
}

std::shared_ptr<LocalLocks> LocalLocks::process_wide() {
  static const std::shared_ptr<LocalLocks> table = std::make_shared<LocalLocks>();
  return table;
}

void LocalLocks::acquire(const std::string& name, SteadyClock::time_point until,
                         const std::function<bool()>& cancelled) {
  for (;;) {
    {
      std::unique_lock<std::mutex> lk(mu_);
      const auto wake = std::min(until, SteadyClock::now() + std::chrono::milliseconds(100));
      cv_.wait_until(lk, wake, [&] { return held_.count(name) == 0; });
      if (held_.insert(name).second) return;
    }
    if (cancelled()) throw Error(ErrorCode::kCancelled, "cancelled while waiting for lock " + name);
    if (SteadyClock::now() >= until) throw Error(ErrorCode::kTimeout, "timed out waiting for lock " + name);
  }
}

void LocalLocks::release(const std::string& name) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    held_.erase(name);
  }
  cv_.notify_all();
}

PluginCallContext::PluginCallContext(const vdp_host& host, vdp_context* ctx, LocalLocks& locks)
    : host_(host), ctx_(ctx), locks_(locks), deadline_(SteadyClock::time_point::max()) {
  if (host_.context_remaining_ms != nullptr && ctx_ != nullptr) {
    const int64_t remaining = host_.context_remaining_ms(host_.host_data, ctx_);
    if (remaining != VDP_NO_DEADLINE) {
      deadline_ = SteadyClock::now() + std::chrono::milliseconds(std::clamp<int64_t>(remaining, 0, kMaxRemainingMs));
    }
  }
}

bool PluginCallContext::cancelled() {
  return host_.context_cancelled != nullptr && ctx_ != nullptr && host_.context_cancelled(host_.host_data, ctx_) != 0;
}

void PluginCallContext::progress(uint64_t done, uint64_t total, const std::string& message) {
  if (host_.context_progress != nullptr && ctx_ != nullptr) {
    host_.context_progress(host_.host_data, ctx_, done, total, message.c_str());
  }
}

std::optional<std::string> PluginCallContext::value(const std::string& key) { return context_value(host_, ctx_, key); }

std::unique_ptr<solidfire::ScopedLock> PluginCallContext::lock(const std::string& name,
                                                               std::chrono::milliseconds timeout) {
  const auto now = SteadyClock::now();
  const auto until = (timeout.count() < 0 || now + timeout > deadline_) ? deadline_ : now + timeout;
  if (until <= now) throw Error(ErrorCode::kTimeout, "no time left to acquire lock " + name);
  if (host_.lock_acquire != nullptr) {
    int64_t ms = -1;
    if (until != SteadyClock::time_point::max()) {
      ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
    }
    uint64_t token = 0;
    const vdp_status rc = host_.lock_acquire(host_.host_data, ctx_, name.c_str(), ms, &token);
    if (rc == VDP_OK && token != 0) return std::make_unique<HostScopedLock>(host_, token);
    if (rc == VDP_E_TIMEOUT) throw Error(ErrorCode::kTimeout, "timed out waiting for lock " + name);
    if (rc == VDP_E_CANCELLED) throw Error(ErrorCode::kCancelled, "cancelled while waiting for lock " + name);
    throw Error(ErrorCode::kUnavailable, "host lock service refused lock " + name + " (" + vdp_status_name(rc) + ")")
        .with_retryable(true);
  }
  locks_.acquire(name, until, [this] { return cancelled(); });
  return std::make_unique<LocalScopedLock>(locks_, name);
}

CurrentCall::CurrentCall(const vdp_host* host, vdp_context* ctx) : prev_host_(tl_host), prev_ctx_(tl_ctx) {
  tl_host = host;
  tl_ctx = ctx;
}

CurrentCall::~CurrentCall() {
  tl_host = prev_host_;
  tl_ctx = prev_ctx_;
}

std::shared_ptr<spdlog::logger> make_host_logger(const vdp_host* host, const std::string& level,
                                                 std::shared_ptr<const solidfire::SecretSet> secrets) {
  auto logger =
      std::make_shared<spdlog::logger>("vdp-solidfire", std::make_shared<HostLogSink>(host, std::move(secrets)));
  logger->set_level(spdlog::level::from_str(level));
  return logger;
}

}  // namespace sfplugin
