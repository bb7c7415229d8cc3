// What the driver may ask of its caller during one operation: deadline, cancellation, progress,
// request-scoped values and named locks. The plugin implements it over the host's callbacks.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace solidfire {

using SteadyClock = std::chrono::steady_clock;

// Held while alive; releases the lock in its destructor.
class ScopedLock {
 public:
  virtual ~ScopedLock() = default;
};

class CallContext {
 public:
  virtual ~CallContext() = default;
  // Absolute deadline on the steady clock; time_point::max() means none.
  virtual SteadyClock::time_point deadline() const = 0;
  // True once the host asked to stop. Cheap enough to poll every ~100 ms.
  virtual bool cancelled() = 0;
  // Progress of a long wait (total 0 = unknown).
  virtual void progress(uint64_t done, uint64_t total, const std::string& message) = 0;
  // Request-scoped values: "request_id", "project_id", "user_id".
  virtual std::optional<std::string> value(const std::string& key) = 0;
  // Acquires a named lock (host-provided or in-process), waiting at most `timeout` and never past the
  // deadline. Throws Error(kTimeout / kCancelled) when it cannot.
  virtual std::unique_ptr<ScopedLock> lock(const std::string& name, std::chrono::milliseconds timeout) = 0;

  // Set by the Element client when a write succeeded or its reply was lost. From then on, running out
  // of time or being cancelled leaves the operation's outcome unknown (the error object says so).
  void mark_cluster_changed() { cluster_changed_ = true; }
  bool cluster_changed() const { return cluster_changed_; }

 private:
  bool cluster_changed_ = false;  // one context per call, used by one thread
};

}  // namespace solidfire
