// The vdp_host callback table. Every callback is noexcept and catches everything: nothing unwinds into
// the plugin.
#include <cstring>

#include "vdp_host/services.h"

namespace vdp::host {
namespace {

HostServices* self(uintptr_t host_data) noexcept { return HostServices::from(host_data); }

vdp_status cb_config_get(uintptr_t host_data, vdp_config* cfg, const char* key, char* buf, size_t buf_len,
                         size_t* needed) noexcept {
  try {
    if (needed) *needed = 0;
    if (!key || !host_data) return VDP_E_INVALID_ARGUMENT;
    (void)cfg;  // one configuration per vdp_host: the token only identifies it
    const auto& config = self(host_data)->config();
    const auto it = config.find(key);
    if (it == config.end()) return VDP_E_NOT_FOUND;
    return copy_out(it->second, buf, buf_len, needed);
  } catch (...) {
    return VDP_E_INTERNAL;
  }
}

vdp_status cb_context_get(uintptr_t, vdp_context* ctx, const char* key, char* buf, size_t buf_len,
                          size_t* needed) noexcept {
  try {
    if (needed) *needed = 0;
    if (!key) return VDP_E_INVALID_ARGUMENT;
    if (!ctx) return VDP_E_NOT_FOUND;
    const auto value = CallContext::from(ctx)->get(key);
    if (!value) return VDP_E_NOT_FOUND;
    return copy_out(*value, buf, buf_len, needed);
  } catch (...) {
    return VDP_E_INTERNAL;
  }
}

int64_t cb_remaining_ms(uintptr_t, vdp_context* ctx) noexcept {
  return ctx ? CallContext::from(ctx)->remaining_ms() : VDP_NO_DEADLINE;
}

int32_t cb_cancelled(uintptr_t, vdp_context* ctx) noexcept {
  return ctx && CallContext::from(ctx)->cancelled() ? 1 : 0;
}

void cb_progress(uintptr_t, vdp_context* ctx, uint64_t done, uint64_t total, const char* message) noexcept {
  try {
    if (ctx) CallContext::from(ctx)->progress(done, total, message ? message : "");
  } catch (...) {
  }
}

void cb_log(uintptr_t host_data, vdp_context* ctx, int32_t level, const char* message) noexcept {
  try {
    if (!host_data || !message) return;
    std::string line;
    if (ctx) line = "[" + CallContext::from(ctx)->request_id() + "] ";
    line += message;
    self(host_data)->log(level, line);
  } catch (...) {
  }
}

vdp_status cb_lock_acquire(uintptr_t host_data, vdp_context* ctx, const char* name, int64_t timeout_ms,
                           uint64_t* token) noexcept {
  try {
    if (token) *token = 0;
    if (!host_data || !name || !token) return VDP_E_INVALID_ARGUMENT;
    return self(host_data)->locks().acquire(name, timeout_ms, token, ctx ? CallContext::from(ctx) : nullptr);
  } catch (...) {
    return VDP_E_INTERNAL;
  }
}

vdp_status cb_lock_release(uintptr_t host_data, uint64_t token) noexcept {
  try {
    if (!host_data) return VDP_E_INVALID_ARGUMENT;
    return self(host_data)->locks().release(token);
  } catch (...) {
    return VDP_E_INTERNAL;
  }
}

}  // namespace

HostServices::HostServices(ConfigMap config, LogSink log, std::shared_ptr<LockTable> locks)
    : config_(std::move(config)),
      log_(std::move(log)),
      locks_(locks ? std::move(locks) : std::make_shared<LockTable>()) {
  table_.struct_size = sizeof(vdp_host);
  table_.reserved0 = 0;
  table_.host_data = reinterpret_cast<uintptr_t>(this);
  table_.config_get = &cb_config_get;
  table_.context_get = &cb_context_get;
  table_.context_remaining_ms = &cb_remaining_ms;
  table_.context_cancelled = &cb_cancelled;
  table_.context_progress = &cb_progress;
  table_.log = &cb_log;
  table_.lock_acquire = &cb_lock_acquire;
  table_.lock_release = &cb_lock_release;
}

void HostServices::log(int level, const std::string& message) const {
  if (!log_) return;
  try {
    std::lock_guard lk(log_mu_);
    log_(level, message);
  } catch (...) {
  }
}

}  // namespace vdp::host
