// A context for cleanup that must run after the caller's deadline or cancellation (removing an
// unfinished clone, a temporary group snapshot): same host services, a short deadline of its own,
// never cancelled.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "solidfire/call_context.h"

namespace solidfire {

class GraceContext final : public CallContext {
 public:
  GraceContext(CallContext& inner, SteadyClock::time_point deadline) : inner_(inner), deadline_(deadline) {}
  SteadyClock::time_point deadline() const override { return deadline_; }
  bool cancelled() override { return false; }
  void progress(uint64_t done, uint64_t total, const std::string& message) override {
    inner_.progress(done, total, message);
  }
  std::optional<std::string> value(const std::string& key) override { return inner_.value(key); }
  std::unique_ptr<ScopedLock> lock(const std::string& name, std::chrono::milliseconds timeout) override {
    return inner_.lock(name, timeout);
  }

 private:
  CallContext& inner_;
  SteadyClock::time_point deadline_;
};

}  // namespace solidfire
