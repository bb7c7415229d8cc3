// Host services handed to a plugin (vdp_host): configuration and context getters, deadline,
// cancellation, progress, logging and named locks. Everything here is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <vdp/vdp.h>

#include "vdp_host/config.h"

namespace vdp::host {

// Receives the plugin's log lines (level is VDP_LOG_*). Calls are serialised by the host.
using LogSink = std::function<void(int level, const std::string& message)>;

struct CallOptions {
  std::optional<std::chrono::milliseconds> timeout;  // deadline = call start + timeout; none => VDP_NO_DEADLINE
  std::string request_id;                            // empty => "req-<random hex>"
  std::string project_id;
  std::string user_id;
  std::function<void(uint64_t done, uint64_t total, const std::string& msg)> on_progress;
  std::atomic<bool>* cancel_flag = nullptr;  // context_cancelled reports it
};

struct CallResult {
  vdp_status status = VDP_OK;
  std::string output;      // result or error JSON ("" when the plugin returned NULL)
  std::string request_id;  // the request id the call carried
  bool ok() const { return status == VDP_OK; }
};

// "req-" followed by 16 random hex digits.
std::string generate_request_id();

// Copies value + NUL into buf following the getter contract of vdp.h: *needed = size with the NUL;
// VDP_OK when it fits, VDP_E_BUFFER_TOO_SMALL (nothing written) when buf is NULL or too small.
vdp_status copy_out(const std::string& value, char* buf, size_t buf_len, size_t* needed) noexcept;

// State of one call. Its address is the vdp_context token handed to the plugin (never dereferenced there).
// It keeps a pointer to `opts`, which must outlive it.
class CallContext {
 public:
  explicit CallContext(const CallOptions& opts, std::string operation = {});
  CallContext(const CallContext&) = delete;
  CallContext& operator=(const CallContext&) = delete;

  vdp_context* handle() noexcept { return reinterpret_cast<vdp_context*>(this); }
  static CallContext* from(vdp_context* ctx) noexcept { return reinterpret_cast<CallContext*>(ctx); }

  const std::string& request_id() const noexcept { return request_id_; }
  const std::string& operation() const noexcept { return operation_; }
  // request_id, project_id, user_id, operation; nullopt when absent or empty.
  std::optional<std::string> get(const std::string& key) const;
  int64_t remaining_ms() const noexcept;  // VDP_NO_DEADLINE without a timeout, <= 0 once expired
  std::optional<std::chrono::steady_clock::time_point> deadline() const noexcept { return deadline_; }
  bool cancelled() const noexcept;
  void progress(uint64_t done, uint64_t total, const std::string& message) const;

 private:
  const CallOptions* opts_;
  std::string operation_;
  std::string request_id_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
};

// Named in-process locks. Tokens are non-zero and unique for the table's life. Drivers that serve one
// backend share one table (as hosts on several machines share a distributed lock service): the locks
// keep their changes to shared cluster objects, such as a host's volume access group, apart.
class LockTable {
 public:
  LockTable() = default;
  LockTable(const LockTable&) = delete;
  LockTable& operator=(const LockTable&) = delete;

  // Waits up to timeout_ms (< 0: no limit of its own), further bounded by ctx's deadline and cancellation
  // when ctx is given. VDP_OK with *token != 0, VDP_E_TIMEOUT, VDP_E_CANCELLED or VDP_E_INVALID_ARGUMENT.
  vdp_status acquire(const std::string& name, int64_t timeout_ms, uint64_t* token,
                     const CallContext* ctx = nullptr);
  // VDP_OK, or VDP_E_NOT_FOUND for a token that is not held (0, unknown or already released).
  vdp_status release(uint64_t token);
  size_t held() const;  // number of locks currently held

 private:
  struct Entry {
    uint64_t token = 0;  // 0 = free
    int waiters = 0;
    std::condition_variable cv;
  };
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Entry>> locks_;
  std::map<uint64_t, std::string> by_token_;
  uint64_t next_token_ = 1;
};

// The vdp_host table and what backs it. host_data is `this`, so it is neither copyable nor movable.
class HostServices {
 public:
  // `locks` shared with other drivers of the same backend; nullptr: a table of this driver's own.
  explicit HostServices(ConfigMap config, LogSink log = {}, std::shared_ptr<LockTable> locks = nullptr);
  HostServices(const HostServices&) = delete;
  HostServices& operator=(const HostServices&) = delete;

  const vdp_host* table() const noexcept { return &table_; }
  vdp_config* config_handle() noexcept { return reinterpret_cast<vdp_config*>(&config_); }
  const ConfigMap& config() const noexcept { return config_; }
  LockTable& locks() noexcept { return *locks_; }
  void log(int level, const std::string& message) const;  // serialised; never throws

  static HostServices* from(uintptr_t host_data) noexcept { return reinterpret_cast<HostServices*>(host_data); }

 private:
  ConfigMap config_;
  LogSink log_;
  mutable std::mutex log_mu_;
  std::shared_ptr<LockTable> locks_;
  vdp_host table_{};
};

}  // namespace vdp::host
