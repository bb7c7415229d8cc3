// Named in-process locks with non-zero tokens, timeouts, and context deadline/cancellation.
#include <algorithm>

#include "vdp_host/services.h"

namespace vdp::host {
namespace {
// Waits are sliced so that cancellation is noticed within this period.
constexpr std::chrono::milliseconds kPollSlice{50};
}  // namespace

vdp_status LockTable::acquire(const std::string& name, int64_t timeout_ms, uint64_t* token, const CallContext* ctx) {
  if (!token) return VDP_E_INVALID_ARGUMENT;
  *token = 0;
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  std::optional<clock::time_point> own_deadline;
  if (timeout_ms >= 0) own_deadline = start + std::chrono::milliseconds(timeout_ms);
  std::optional<clock::time_point> ctx_deadline = ctx ? ctx->deadline() : std::nullopt;

  std::unique_lock lk(mu_);
  auto& slot = locks_[name];
  if (!slot) slot = std::make_unique<Entry>();
  Entry& e = *slot;
  ++e.waiters;
  vdp_status rc = VDP_OK;
  while (e.token != 0) {
    if (ctx && ctx->cancelled()) { rc = VDP_E_CANCELLED; break; }
    const auto now = clock::now();
    if ((own_deadline && now >= *own_deadline) || (ctx_deadline && now >= *ctx_deadline)) { rc = VDP_E_TIMEOUT; break; }
    auto until = now + kPollSlice;
    if (own_deadline) until = std::min(until, *own_deadline);
    if (ctx_deadline) until = std::min(until, *ctx_deadline);
    e.cv.wait_until(lk, until);
  }
  --e.waiters;
  if (rc != VDP_OK) {
    if (e.token == 0 && e.waiters == 0) locks_.erase(name);
    return rc;
  }
  uint64_t t = next_token_++;
  if (t == 0) t = next_token_++;  // never hand out 0, even after wrap-around
  e.token = t;
  by_token_.emplace(t, name);
  *token = t;
  return VDP_OK;
}

vdp_status LockTable::release(uint64_t token) {
  std::lock_guard lk(mu_);
  const auto it = by_token_.find(token);
  if (token == 0 || it == by_token_.end()) return VDP_E_NOT_FOUND;
  const auto lit = locks_.find(it->second);
  by_token_.erase(it);
  if (lit == locks_.end()) return VDP_E_INTERNAL;
  Entry& e = *lit->second;
  e.token = 0;
  if (e.waiters == 0) locks_.erase(lit);
  else e.cv.notify_all();
  return VDP_OK;
}

size_t LockTable::held() const {
  std::lock_guard lk(mu_);
  return by_token_.size();
}

}  // namespace vdp::host
