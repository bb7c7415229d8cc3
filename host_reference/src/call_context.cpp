// Per-call context: request identity, deadline, cancellation and progress.
#include <array>
#include <cstdio>
#include <random>

#include "vdp_host/services.h"

namespace vdp::host {

std::string generate_request_id() {
  thread_local std::mt19937_64 rng{[] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }()};
  std::array<char, 17> hex{};
  std::snprintf(hex.data(), hex.size(), "%016llx", static_cast<unsigned long long>(rng()));
  return std::string("req-") + hex.data();
}

vdp_status copy_out(const std::string& value, char* buf, size_t buf_len, size_t* needed) noexcept {
  const size_t size = value.size() + 1;
  if (needed) *needed = size;
  if (!buf || buf_len < size) return VDP_E_BUFFER_TOO_SMALL;
  value.copy(buf, value.size());
  buf[value.size()] = '\0';
  return VDP_OK;
}

CallContext::CallContext(const CallOptions& opts, std::string operation)
    : opts_(&opts),
      operation_(std::move(operation)),
      request_id_(opts.request_id.empty() ? generate_request_id() : opts.request_id) {
  if (opts.timeout) deadline_ = std::chrono::steady_clock::now() + *opts.timeout;
}

std::optional<std::string> CallContext::get(const std::string& key) const {
  const std::string* value = nullptr;
  if (key == "request_id") value = &request_id_;
  else if (key == "project_id") value = &opts_->project_id;
  else if (key == "user_id") value = &opts_->user_id;
  else if (key == "operation") value = &operation_;
  if (!value || value->empty()) return std::nullopt;
  return *value;
}

int64_t CallContext::remaining_ms() const noexcept {
  if (!deadline_) return VDP_NO_DEADLINE;
  const auto left = *deadline_ - std::chrono::steady_clock::now();
  return std::chrono::duration_cast<std::chrono::milliseconds>(left).count();
}

bool CallContext::cancelled() const noexcept {
  return opts_->cancel_flag != nullptr && opts_->cancel_flag->load(std::memory_order_acquire);
}

void CallContext::progress(uint64_t done, uint64_t total, const std::string& message) const {
  if (opts_->on_progress) opts_->on_progress(done, total, message);
}

}  // namespace vdp::host
