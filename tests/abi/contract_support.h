// The SolidFire plugin seen as a host sees it: dlopen'ed, its vtable taken from vdp_plugin_entry, called
// through the C function pointers only. A configuration map host (with captured log lines) and an
// in-process element-sim for the calls that need a set-up driver.
#pragma once

#include <cjson/cJSON.h>
#include <dlfcn.h>
#include <element_sim/server.h>
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "solidfire/utf8.h"
#include "vdp/vdp.h"
#include "vdp/vdp_operations.h"

namespace contract {

// The descriptor of the built plugin module (loaded once; plugins are never unloaded).
inline const vdp_plugin& plugin() {
  static const vdp_plugin* p = [] {
    void* lib = dlopen(VDP_TEST_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) throw std::runtime_error(dlerror());
    const auto entry = reinterpret_cast<vdp_plugin_entry_fn>(dlsym(lib, VDP_PLUGIN_ENTRY_SYMBOL));
    uint32_t abi = 0;
    const vdp_plugin* d = nullptr;
    if (entry == nullptr || entry(VDP_ABI_VERSION, &abi, &d) != VDP_OK) throw std::runtime_error("no descriptor");
    return d;
  }();
  return *p;
}

struct NamedSlot {
  const char* name;
  vdp_op_fn fn;
};

inline std::vector<NamedSlot> every_slot() {
  const vdp_plugin& p = plugin();
  return {
#define CONTRACT_SLOT(op) {#op, p.op},
      VDP_OPERATIONS(CONTRACT_SLOT)
#undef CONTRACT_SLOT
  };
}

// Slots that served operations fill and that never contact the backend without a request member.
inline std::vector<NamedSlot> slots_without_required_members() {
  const vdp_plugin& p = plugin();
  return {{"setup", p.setup},
          {"get_volume_stats", p.get_volume_stats},
          {"update_provider_info", p.update_provider_info},
          {"describe", p.describe}};
}

using JsonPtr = std::unique_ptr<cJSON, decltype(&cJSON_Delete)>;
inline JsonPtr parse(const std::string& text) {
  return JsonPtr(cJSON_ParseWithLength(text.data(), text.size()), &cJSON_Delete);
}
inline std::string member(const std::string& object, const char* key) {
  const JsonPtr o = parse(object);
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(o.get(), key);
  return cJSON_IsString(v) ? v->valuestring : "";
}
inline std::string detail_field(const std::string& object) {
  const JsonPtr o = parse(object);
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o.get(), "details"), "field");
  return cJSON_IsString(v) ? v->valuestring : "";
}

// Configuration from a map; `getter` may replace the well-behaved config_get. Log lines are kept.
struct MapHost {
  std::map<std::string, std::string> config;
  std::function<vdp_status(const char* key, char* buf, size_t len, size_t* needed)> getter;
  std::mutex mu;
  std::vector<std::string> log_lines;

  static vdp_status config_get(uintptr_t data, vdp_config*, const char* key, char* buf, size_t len, size_t* needed) {
    auto& self = *reinterpret_cast<MapHost*>(data);
    if (self.getter) return self.getter(key, buf, len, needed);
    const auto it = self.config.find(key);
    if (it == self.config.end()) return VDP_E_NOT_FOUND;
    *needed = it->second.size() + 1;
    if (buf == nullptr || len < *needed) return VDP_E_BUFFER_TOO_SMALL;
    std::memcpy(buf, it->second.c_str(), *needed);
    return VDP_OK;
  }
  static void log(uintptr_t data, vdp_context*, int32_t, const char* message) {
    auto& self = *reinterpret_cast<MapHost*>(data);
    std::lock_guard<std::mutex> lock(self.mu);
    self.log_lines.emplace_back(message);
  }
  vdp_host table() {
    vdp_host h{};
    h.struct_size = sizeof(vdp_host);
    h.host_data = reinterpret_cast<uintptr_t>(this);
    h.config_get = &config_get;
    h.log = &log;
    return h;
  }
};

struct Answer {
  vdp_status status = VDP_E_INTERNAL;
  std::string out;
  bool has_out = false;
};

// One driver made and called through the vtable only.
class Driver {
 public:
  explicit Driver(MapHost& host) : table_(host.table()) {
    char* out = nullptr;
    size_t len = 0;
    created_.status = plugin().create(&table_, reinterpret_cast<vdp_config*>(uintptr_t{1}), &drv_, &out, &len);
    keep(created_, out, len);
  }
  ~Driver() { plugin().destroy(drv_); }
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  const Answer& created() const { return created_; }
  vdp_driver* handle() const { return drv_; }
  Answer call(vdp_op_fn fn, const std::string& request) const {
    char* out = nullptr;
    size_t len = 0;
    Answer a;
    a.status = fn(drv_, nullptr, request.data(), request.size(), &out, &len);
    keep(a, out, len);
    return a;
  }

 private:
  static void keep(Answer& a, char* out, size_t len) {
    a.has_out = out != nullptr;
    if (out != nullptr) a.out.assign(out, len);
    plugin().free_string(out);
  }
  vdp_host table_;
  vdp_driver* drv_ = nullptr;
  Answer created_;
};

// A plain-HTTP element-sim and the options that reach it.
struct Cluster {
  Cluster() {
    element_sim::Options opts;
    opts.tls = false;
    opts.log_level = "off";
    sim = std::make_unique<element_sim::Server>(opts);
    sim->start();
    config = {{"san_ip", "127.0.0.1"},
              {"sf_api_port", std::to_string(sim->port())},
              {"sf_api_scheme", "http"},
              {"san_login", opts.user},
              {"san_password", opts.password}};
  }
  std::unique_ptr<element_sim::Server> sim;
  std::map<std::string, std::string> config;
};

inline bool valid_json_object(const std::string& text) {
  return solidfire::is_valid_utf8(text) && cJSON_IsObject(parse(text).get());
}

}  // namespace contract
