// Helpers shared by the volume data operations (volume_data_ops*.cpp): snapshots, clones, extend and
// retype. Internal to the driver.
#pragma once

#include <cstdint>
#include <string>

#include "json.h"
#include "qos.h"
#include "solidfire/call_context.h"
#include "solidfire/types.h"

namespace solidfire::data_ops {

inline constexpr int64_t kGiB = int64_t{1} << 30;
inline constexpr size_t kMaxAttributesBytes = 999;  // Element: attributes JSON under 1000 bytes
// Endpoint for every data-operation RPC (the driver needs Element >= 8 anyway).
inline constexpr const char* kApi = "8.0";

// A deep copy of a JSON view (an empty object when the view is not an object).
Json copy_object(JsonView v);

// The QoS an Element volume object carries ({} members absent when the object has none).
QosSpec qos_of(JsonView volume);

// Shortens "cinder-name" until the attributes fit Element's limit; false when they still do not fit.
bool fit_attributes(Json& attrs);

// GiB needed to hold `bytes` (rounded up).
int64_t gib_ceil(int64_t bytes);

// A new volume (clone target): id present, size 1..16384 GiB, Element name within 64 characters.
// INVALID_ARGUMENT naming `field`.id / `field`.size otherwise.
void validate_new_volume(const Volume& volume, const std::string& name, const std::string& field);

// Runs cleanup after the caller's deadline or cancellation: same host services, a fresh short deadline,
// never cancelled.
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

}  // namespace solidfire::data_ops
