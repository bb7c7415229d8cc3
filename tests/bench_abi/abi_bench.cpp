// Google Benchmark for the ABI layer (docs/benchmarks.md): dispatch through the plugin's descriptor,
// request parsing, result marshalling and an end-to-end create+delete against element-sim over HTTPS.
// Figures only; nothing here asserts timings. Each benchmark does check that its call succeeded (a
// "benchmark" of an error path would be meaningless), and reports the failure through SkipWithError,
// which makes the process exit non-zero.
//
//   vdp_abi_bench                          full run
//   vdp_abi_bench --benchmark_min_time=0.01   what CTest runs (label "bench")
#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "element_sim/server.h"
#include "error_object.h"
#include "out_string.h"
#include "request_types.h"
#include "result_json.h"
#include "strict_json.h"
#include "vdp/vdp.h"

namespace {

constexpr std::string_view kCreateVolumeRequest =
    R"({"volume":{"id":"8c0e8f4a-2d1b-4a8e-9a51-0f6a7c1d2e3f","size":10,"project_id":"proj1",)"
    R"("user_id":"user1","display_name":"my volume","created_at":"2024-01-02T03:04:05",)"
    R"("volume_type":{"id":"t1","name":"gold","extra_specs":{"qos:minIOPS":"1000","qos:maxIOPS":"5000"}},)"
    R"("metadata":{"team":"storage","tier":"1"}}})";
constexpr std::string_view kInitializeConnectionRequest =
    R"({"volume":{"id":"8c0e8f4a-2d1b-4a8e-9a51-0f6a7c1d2e3f","size":10,"project_id":"proj1",)"
    R"("provider_id":"17 3 11111111-2222-3333-4444-555555555555",)"
    R"("provider_location":"10.0.0.2:3260 iqn.2010-01.com.solidfire:abcd.uuid-8c0e8f4a.17 0"},)"
    R"("connector":{"initiator":"iqn.1993-08.org.debian:01:abcdef","host":"compute-1","ip":"192.0.2.10",)"
    R"("multipath":false}})";

// ------------------------------------------------------------------------------------------ the plugin

// A host table whose configuration is a map and whose calls have a minute left.
struct Host {
  std::map<std::string, std::string> config;
  static vdp_status config_get(uintptr_t d, vdp_config*, const char* key, char* buf, size_t len, size_t* needed) {
    const auto& m = reinterpret_cast<Host*>(d)->config;
    auto it = m.find(key);
    if (it == m.end()) return VDP_E_NOT_FOUND;
    *needed = it->second.size() + 1;
    if (buf == nullptr || len < *needed) return VDP_E_BUFFER_TOO_SMALL;
    std::memcpy(buf, it->second.c_str(), *needed);
    return VDP_OK;
  }
  static int64_t remaining(uintptr_t, vdp_context*) { return 60000; }
  vdp_host table() {
    vdp_host h{};
    h.struct_size = sizeof(vdp_host);
    h.host_data = reinterpret_cast<uintptr_t>(this);
    h.config_get = &config_get;
    h.context_remaining_ms = &remaining;
    return h;
  }
};

// The built plugin (dlopen'ed like a host does) and element-sim over HTTPS, shared by the benchmarks.
class World {
 public:
  static World& get() {
    static World w;
    return w;
  }
  const vdp_plugin* plugin = nullptr;
  vdp_driver* driver = nullptr;
  std::string error;  // why the world is unusable; empty when fine

  // Calls one slot; returns the status and the output text.
  vdp_status call(vdp_op_fn fn, std::string_view request, std::string* text = nullptr) {
    char* out = nullptr;
    size_t out_len = 0;
    const vdp_status st = fn(driver, reinterpret_cast<vdp_context*>(uintptr_t{1}), request.data(), request.size(), &out, &out_len);
    if (text != nullptr) text->assign(out != nullptr ? out : "", out != nullptr ? out_len : 0);
    plugin->free_string(out);
    return st;
  }

 private:
  World() {
    try {
      element_sim::Options o;
      o.log_level = "off";
      o.user = "admin";
      o.password = "bench-password";
      o.io_threads = 2;
      sim_ = std::make_unique<element_sim::Server>(o);
      sim_->start();
      char tmpl[] = "/tmp/vdp-abi-bench-cert-XXXXXX";
      const int fd = mkstemp(tmpl);
      if (fd < 0) throw std::runtime_error("mkstemp failed");
      ::close(fd);
      pem_path_ = tmpl;
      std::ofstream(pem_path_, std::ios::binary | std::ios::trunc) << sim_->certificate_pem();

      handle_ = dlopen(VDP_BENCH_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
      if (handle_ == nullptr) throw std::runtime_error(std::string("dlopen: ") + dlerror());
      auto entry = reinterpret_cast<vdp_plugin_entry_fn>(dlsym(handle_, VDP_PLUGIN_ENTRY_SYMBOL));
      if (entry == nullptr) throw std::runtime_error("vdp_plugin_entry not found");
      uint32_t abi = 0;
      if (entry(VDP_ABI_VERSION, &abi, &plugin) != VDP_OK) throw std::runtime_error("vdp_plugin_entry failed");

      host_.config = {{"san_ip", "127.0.0.1"},
                      {"sf_api_port", std::to_string(sim_->port())},
                      {"san_login", "admin"},
                      {"san_password", "bench-password"},
                      {"driver_ssl_cert_path", pem_path_},
                      {"vdp_log_level", "off"}};
      table_ = host_.table();
      char* out = nullptr;
      size_t out_len = 0;
      if (plugin->create(&table_, nullptr, &driver, &out, &out_len) != VDP_OK) {
        const std::string text = out != nullptr ? out : "";
        plugin->free_string(out);
        throw std::runtime_error("create failed: " + text);
      }
      plugin->free_string(out);
      std::string text;
      if (call(plugin->setup, "{}", &text) != VDP_OK) throw std::runtime_error("setup failed: " + text);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  ~World() {
    if (driver != nullptr) plugin->destroy(driver);
    if (sim_) sim_->stop();
    if (!pem_path_.empty()) std::remove(pem_path_.c_str());
    // The plugin is linked -z nodelete; dlclose only drops the reference.
    if (handle_ != nullptr) dlclose(handle_);
  }

  std::unique_ptr<element_sim::Server> sim_;
  std::string pem_path_;
  void* handle_ = nullptr;
  Host host_;
  vdp_host table_{};
};

// ------------------------------------------------------------------------------------------ dispatch

void BM_Dispatch_EntryPoint(benchmark::State& state) {
  World& w = World::get();
  if (!w.error.empty()) return state.SkipWithError(w.error.c_str());
  void* self = dlopen(VDP_BENCH_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  auto entry = reinterpret_cast<vdp_plugin_entry_fn>(dlsym(self, VDP_PLUGIN_ENTRY_SYMBOL));
  for (auto _ : state) {
    uint32_t abi = 0;
    const vdp_plugin* p = nullptr;
    benchmark::DoNotOptimize(entry(VDP_ABI_VERSION, &abi, &p));
    benchmark::DoNotOptimize(p);
  }
  dlclose(self);
}
BENCHMARK(BM_Dispatch_EntryPoint);

// describe through the descriptor: argument checks, strict parse of "{}", a small result, free_string.
void BM_Dispatch_Describe(benchmark::State& state) {
  World& w = World::get();
  if (!w.error.empty()) return state.SkipWithError(w.error.c_str());
  for (auto _ : state) {
    if (w.call(w.plugin->describe, "{}") != VDP_OK) return state.SkipWithError("describe failed");
  }
}
BENCHMARK(BM_Dispatch_Describe);

// The cheapest failing call: an unserved slot answers NOT_SUPPORTED with an error object.
void BM_Dispatch_NotSupported(benchmark::State& state) {
  World& w = World::get();
  if (!w.error.empty()) return state.SkipWithError(w.error.c_str());
  for (auto _ : state) {
    if (w.call(w.plugin->clone_image, "{}") != VDP_E_NOT_SUPPORTED) return state.SkipWithError("unexpected status");
  }
}
BENCHMARK(BM_Dispatch_NotSupported);

// A request rejected by strict parsing before the driver is involved (INVALID_ARGUMENT + error object).
void BM_Dispatch_InvalidRequest(benchmark::State& state) {
  World& w = World::get();
  if (!w.error.empty()) return state.SkipWithError(w.error.c_str());
  for (auto _ : state) {
    if (w.call(w.plugin->create_volume, R"({"volume":{"id":"x"}})") != VDP_E_INVALID_ARGUMENT) {
      return state.SkipWithError("unexpected status");
    }
  }
}
BENCHMARK(BM_Dispatch_InvalidRequest);

// ------------------------------------------------------------------------------------------ parsing

void BM_Parse_StrictJson_CreateVolume(benchmark::State& state) {
  for (auto _ : state) {
    auto doc = sfplugin::JsonDocument::parse(kCreateVolumeRequest.data(), kCreateVolumeRequest.size());
    benchmark::DoNotOptimize(doc);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kCreateVolumeRequest.size()));
}
BENCHMARK(BM_Parse_StrictJson_CreateVolume);

void BM_Parse_Typed_CreateVolume(benchmark::State& state) {
  for (auto _ : state) {
    auto doc = sfplugin::JsonDocument::parse(kCreateVolumeRequest.data(), kCreateVolumeRequest.size());
    auto volume = sfplugin::parse_volume(doc.root().required("volume"), sfplugin::SizeRule::kRequired);
    benchmark::DoNotOptimize(volume);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kCreateVolumeRequest.size()));
}
BENCHMARK(BM_Parse_Typed_CreateVolume);

void BM_Parse_Typed_InitializeConnection(benchmark::State& state) {
  for (auto _ : state) {
    auto doc = sfplugin::JsonDocument::parse(kInitializeConnectionRequest.data(), kInitializeConnectionRequest.size());
    auto volume = sfplugin::parse_volume(doc.root().required("volume"), sfplugin::SizeRule::kOptional);
    auto connector = sfplugin::parse_connector(doc.root().required("connector"), true);
    benchmark::DoNotOptimize(volume);
    benchmark::DoNotOptimize(connector);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kInitializeConnectionRequest.size()));
}
BENCHMARK(BM_Parse_Typed_InitializeConnection);

// ------------------------------------------------------------------------------------------ marshalling

// Result JSON into a plugin-owned out string and back, as the guard does.
void emit_and_free(const std::string& json) {
  char* out = nullptr;
  size_t len = 0;
  sfplugin::emit(json, &out, &len);
  benchmark::DoNotOptimize(out);
  sfplugin::free_out_string(out);
}

void BM_Marshal_ModelUpdate(benchmark::State& state) {
  solidfire::ModelUpdate u;
  u.provider_id = "17 3 11111111-2222-3333-4444-555555555555";
  u.provider_location = "10.0.0.2:3260 iqn.2010-01.com.solidfire:abcd.uuid-8c0e8f4a.17 0";
  u.provider_auth = "CHAP proj1 Xy7Tz9Qw3Rt5Yu8I";
  u.provider_geometry = "4096 512";
  for (auto _ : state) emit_and_free(sfplugin::to_json(u));
}
BENCHMARK(BM_Marshal_ModelUpdate);

void BM_Marshal_IscsiConnectionInfo(benchmark::State& state) {
  solidfire::IscsiConnectionInfo info;
  info.target_portal = "10.0.0.2:3260";
  info.target_iqn = "iqn.2010-01.com.solidfire:abcd.uuid-8c0e8f4a.17";
  info.target_lun = 0;
  info.volume_id = "8c0e8f4a-2d1b-4a8e-9a51-0f6a7c1d2e3f";
  info.auth_method = "CHAP";
  info.auth_username = "proj1";
  info.auth_password = "Xy7Tz9Qw3Rt5Yu8I";
  for (auto _ : state) emit_and_free(sfplugin::to_json(info));
}
BENCHMARK(BM_Marshal_IscsiConnectionInfo);

void BM_Marshal_ErrorObject(benchmark::State& state) {
  const solidfire::Error e = solidfire::Error(solidfire::ErrorCode::kNotFound, "volume 8c0e8f4a-... not found")
                                 .with_backend_error("xVolumeIDDoesNotExist");
  for (auto _ : state) {
    sfplugin::ErrorInfo info = sfplugin::error_info(e, "delete_volume");
    info.request_id = "req-0001";
    emit_and_free(sfplugin::error_json(info));
  }
}
BENCHMARK(BM_Marshal_ErrorObject);

// ------------------------------------------------------------------------------------------ end to end

// create_volume + delete_volume through the descriptor, the driver and libcurl against element-sim
// (HTTPS on loopback, keep-alive). Each iteration creates a fresh volume and deletes it.
void BM_EndToEnd_CreateDeleteVolume(benchmark::State& state) {
  World& w = World::get();
  if (!w.error.empty()) return state.SkipWithError(w.error.c_str());
  int64_t n = 0;
  std::string text;
  for (auto _ : state) {
    char id[64];
    std::snprintf(id, sizeof id, "0000bench-0000-4000-8000-%012lld", static_cast<long long>(++n));
    const std::string vol = std::string(R"({"volume":{"id":")") + id + R"(","size":1,"project_id":"bench"}})";
    if (w.call(w.plugin->create_volume, vol, &text) != VDP_OK) return state.SkipWithError(("create: " + text).c_str());
    if (w.call(w.plugin->delete_volume, vol, &text) != VDP_OK) return state.SkipWithError(("delete: " + text).c_str());
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_EndToEnd_CreateDeleteVolume)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
