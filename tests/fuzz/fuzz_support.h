// Shared pieces of the libFuzzer harnesses: a clock whose sleeps are jumps (retries and polls cost no
// wall time, yet deadlines still bound them), a Transport that answers from an in-process element-sim, and
// a minimal host table. Test code only; built with the fuzz preset (tests/fuzz/CMakeLists.txt).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <string_view>

#include "element_sim/server.h"
#include "solidfire/driver.h"
#include "solidfire/transport.h"
#include "vdp/vdp.h"

namespace vdpfuzz {

// Prints `what` and aborts: libFuzzer records the input as a crash.
[[noreturn]] inline void violated(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz property violated: %s\n%.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// Real steady time plus everything "slept" so far: sleep_for returns at once but moves now() forward, so
// a deadline computed from SteadyClock::now() still ends every retry loop and poll.
class JumpClock final : public solidfire::Clock {
 public:
  solidfire::SteadyClock::time_point now() const override {
    return solidfire::SteadyClock::now() + std::chrono::milliseconds(skew_ms_.load());
  }
  void sleep_for(std::chrono::milliseconds d) override { skew_ms_ += d.count() > 0 ? d.count() : 1; }

 private:
  std::atomic<int64_t> skew_ms_{0};
};

// Element JSON-RPC served by Server::handle (no sockets, no TLS, no auth).
class SimTransport final : public solidfire::Transport {
 public:
  explicit SimTransport(element_sim::Server& sim) : sim_(sim) {}
  solidfire::HttpResponse post(const solidfire::HttpRequest& request) override {
    std::string version = "12.3";
    const std::string marker = "/json-rpc/";
    const size_t pos = request.url.find(marker);
    if (pos != std::string::npos) {
      version = request.url.substr(pos + marker.size());
      if (!version.empty() && version.back() == '/') version.pop_back();
    }
    return solidfire::HttpResponse{200, sim_.handle(request.body, version)};
  }

 private:
  element_sim::Server& sim_;
};

inline element_sim::Options quiet_sim_options() {
  element_sim::Options o;
  o.tls = false;
  o.log_level = "off";
  o.manual_clock = true;  // simulated time moves only when asked: no sleeping in the simulator
  o.clone_delay_ms = 0;
  o.replication_sync_delay_ms = 0;
  return o;
}

// A vdp_host whose configuration comes from a map and whose calls have `remaining_ms` left.
struct Host {
  std::map<std::string, std::string> config;
  int64_t remaining_ms = 60000;

  static Host& self(uintptr_t data) { return *reinterpret_cast<Host*>(data); }
  static vdp_status get(const std::map<std::string, std::string>& m, const char* key, char* buf, size_t len,
                        size_t* needed) {
    auto it = m.find(key);
    if (it == m.end()) return VDP_E_NOT_FOUND;
    *needed = it->second.size() + 1;
    if (buf == nullptr || len < *needed) return VDP_E_BUFFER_TOO_SMALL;
    std::memcpy(buf, it->second.c_str(), *needed);
    return VDP_OK;
  }
  static vdp_status config_get(uintptr_t d, vdp_config*, const char* k, char* b, size_t l, size_t* n) {
    return get(self(d).config, k, b, l, n);
  }
  static vdp_status context_get(uintptr_t, vdp_context*, const char* k, char* b, size_t l, size_t* n) {
    static const std::map<std::string, std::string> values = {{"request_id", "req-fuzz"}, {"project_id", "proj1"}};
    return get(values, k, b, l, n);
  }
  static int64_t remaining(uintptr_t d, vdp_context*) { return self(d).remaining_ms; }
  static int32_t cancelled(uintptr_t, vdp_context*) { return 0; }

  vdp_host table() {
    vdp_host h{};
    h.struct_size = sizeof(vdp_host);
    h.host_data = reinterpret_cast<uintptr_t>(this);
    h.config_get = &config_get;
    h.context_get = &context_get;
    h.context_remaining_ms = &remaining;
    h.context_cancelled = &cancelled;
    return h;
  }
};

}  // namespace vdpfuzz
