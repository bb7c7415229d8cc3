// The host's vdp_host callbacks adapted to the driver's small C++ interfaces: configuration and context
// getters, the per-call CallContext (deadline, cancellation, progress, locks) and a spdlog sink that
// forwards log lines to the host.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include "solidfire/call_context.h"
#include "solidfire/secrets.h"
#include "vdp/vdp.h"

namespace spdlog {
class logger;
}

namespace sfplugin {

// A private, zero-extended copy of the host's table (an older host's shorter struct reads as NULLs).
// Throws Error(kConfig) when exactly one of lock_acquire/lock_release is given.
vdp_host copy_host(const vdp_host* host);

std::optional<std::string> config_value(const vdp_host& host, vdp_config* cfg, const std::string& key);
std::optional<std::string> context_value(const vdp_host& host, vdp_context* ctx, const std::string& key);

// In-process named locks, used when the host offers none.
class LocalLocks {
 public:
  // One table for every driver of the process: drivers of one backend must share a lock namespace
  // (vdp.h, lock_acquire), and without host locks the process is all they can share.
  static std::shared_ptr<LocalLocks> process_wide();

  // Waits until `name` is free, `until` passes (kTimeout) or `cancelled()` is true (kCancelled).
  // cancelled() is called without holding the table's mutex (it may call the host).
  void acquire(const std::string& name, solidfire::SteadyClock::time_point until,
               const std::function<bool()>& cancelled);
  void release(const std::string& name);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_set<std::string> held_;
};

// One operation's view of the host. Reads the remaining time once, at construction.
class PluginCallContext final : public solidfire::CallContext {
 public:
  PluginCallContext(const vdp_host& host, vdp_context* ctx, LocalLocks& locks);
  solidfire::SteadyClock::time_point deadline() const override { return deadline_; }
  bool cancelled() override;
  void progress(uint64_t done, uint64_t total, const std::string& message) override;
  std::optional<std::string> value(const std::string& key) override;
  std::unique_ptr<solidfire::ScopedLock> lock(const std::string& name, std::chrono::milliseconds timeout) override;

 private:
  const vdp_host& host_;
  vdp_context* ctx_;
  LocalLocks& locks_;
  solidfire::SteadyClock::time_point deadline_;
};

// Marks the calling thread as inside a call on `host` with `ctx`, so log lines carry the context.
class CurrentCall {
 public:
  CurrentCall(const vdp_host* host, vdp_context* ctx);
  ~CurrentCall();
  CurrentCall(const CurrentCall&) = delete;
  CurrentCall& operator=(const CurrentCall&) = delete;

 private:
  const vdp_host* prev_host_;
  vdp_context* prev_ctx_;
};

// A logger (never registered in spdlog's global registry) whose lines go to host->log, scrubbed of
// `secrets`. `level` is trace|debug|info|warn|error|off.
std::shared_ptr<spdlog::logger> make_host_logger(const vdp_host* host, const std::string& level,
                                                 std::shared_ptr<const solidfire::SecretSet> secrets);

}  // namespace sfplugin
