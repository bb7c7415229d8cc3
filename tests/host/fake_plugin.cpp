// A small vdp plugin for testing the reference host: canned JSON, but it honours every host callback.
// Variants (compile definitions): FAKE_ABI_MAJOR=N (entry reports ABI N.0), FAKE_SHORT_DESCRIPTOR (struct_size
// ends before delete_volume, whose slot is nevertheless filled: the host must not see it).
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <thread>

#include <vdp/vdp.h>

#ifndef FAKE_ABI_MAJOR
#define FAKE_ABI_MAJOR 1
#endif

struct vdp_driver {
  const vdp_host* host;
  std::atomic<bool> set_up{false};
  std::string san_ip;
  std::string log_level;  // vdp_log_level as the host gave it ("" when absent)
  bool setup_fail = false;
};

namespace {

std::atomic<long> g_outstanding{0};  // strings handed out and not yet freed

char* dup_out(const std::string& s, size_t* out_len) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) return nullptr;
  std::memcpy(p, s.c_str(), s.size() + 1);
  if (out_len) *out_len = s.size();
  g_outstanding.fetch_add(1);
  return p;
}

std::string error_json(vdp_status rc, const std::string& message, const std::string& op) {
  return std::string("{\"status\":\"") + vdp_status_name(rc) + "\",\"code\":" + std::to_string(rc) +
         ",\"message\":\"" + message + "\",\"operation\":\"" + op + "\",\"retryable\":false,\"details\":{}}";
}

vdp_status fail(vdp_status rc, const std::string& message, const std::string& op, char** out, size_t* out_len) {
  *out = dup_out(error_json(rc, message, op), out_len);
  return rc;
}

vdp_status ok(const std::string& result, char** out, size_t* out_len) {
  *out = dup_out(result, out_len);
  return VDP_OK;
}

// Two-step getter use, as a plugin does it: ask for the size, then fetch.
bool get_value(const vdp_host* h, bool config, void* handle, const char* key, std::string& value) {
  size_t needed = 0;
  vdp_status rc = config ? h->config_get(h->host_data, static_cast<vdp_config*>(handle), key, nullptr, 0, &needed)
                         : h->context_get(h->host_data, static_cast<vdp_context*>(handle), key, nullptr, 0, &needed);
  if (rc != VDP_E_BUFFER_TOO_SMALL) return false;
  std::string buf(needed, '\0');
  rc = config ? h->config_get(h->host_data, static_cast<vdp_config*>(handle), key, buf.data(), buf.size(), &needed)
              : h->context_get(h->host_data, static_cast<vdp_context*>(handle), key, buf.data(), buf.size(), &needed);
  if (rc != VDP_OK) return false;
  value.assign(buf.c_str());
  return true;
}

bool contains(const char* req, size_t len, const char* needle) {
  return std::string(req, len).find(needle) != std::string::npos;
}

vdp_status fake_create(const vdp_host* host, vdp_config* cfg, vdp_driver** drv, char** out, size_t* out_len) {
  *drv = nullptr;
  *out = nullptr;
  if (!host || !VDP_HOST_HAS(host, config_get) || !VDP_HOST_HAS(host, lock_release))
    return fail(VDP_E_CONFIG, "host services missing", "create", out, out_len);
  std::string value;
  if (get_value(host, true, cfg, "fail_create", value))
    return fail(VDP_E_CONFIG, "fail_create is set to " + value, "create", out, out_len);
  auto* d = new (std::nothrow) vdp_driver{host, {}, {}, {}, false};
  if (!d) return VDP_E_INTERNAL;
  get_value(host, true, cfg, "san_ip", d->san_ip);
  get_value(host, true, cfg, "vdp_log_level", d->log_level);
  d->setup_fail = get_value(host, true, cfg, "setup_fail", value);
  *drv = d;
  if (get_value(host, true, cfg, "warn", value)) *out = dup_out("{\"warnings\":[\"" + value + "\"]}", out_len);
  return VDP_OK;
}

void fake_destroy(vdp_driver* drv) { delete drv; }

void fake_free_string(char* s) {
  if (!s) return;
  std::memset(s, 0, std::strlen(s));
  std::free(s);
  g_outstanding.fetch_sub(1);
}

vdp_status fake_setup(vdp_driver* drv, vdp_context*, const char*, size_t, char** out, size_t* out_len) {
  if (drv->setup_fail)
    return fail(VDP_E_UNAVAILABLE, "backend unreachable", "setup", out, out_len);
  drv->set_up = true;
  return ok("{\"setup\":true}", out, out_len);
}

vdp_status fake_create_volume(vdp_driver* drv, vdp_context* ctx, const char* req, size_t req_len, char** out,
                              size_t* out_len) {
  const vdp_host* h = drv->host;
  if (!drv->set_up) return fail(VDP_E_UNAVAILABLE, "not set up", "create_volume", out, out_len);
  if (contains(req, req_len, "\"null_out\"")) {
    *out = nullptr;
    return VDP_E_BACKEND;
  }
  if (contains(req, req_len, "\"fail\"")) return fail(VDP_E_NOT_FOUND, "no such thing", "create_volume", out, out_len);
  const int64_t remaining = h->context_remaining_ms(h->host_data, ctx);
  std::string request_id, project_id;
  get_value(h, false, ctx, "request_id", request_id);
  get_value(h, false, ctx, "project_id", project_id);
  h->context_progress(h->host_data, ctx, 1, 2, "creating");
  h->log(h->host_data, ctx, VDP_LOG_INFO, "create_volume called");
  if (contains(req, req_len, "\"wait\"")) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
      if (h->context_cancelled(h->host_data, ctx)) return fail(VDP_E_CANCELLED, "cancelled", "create_volume", out, out_len);
      if (remaining != VDP_NO_DEADLINE &&
          std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(remaining))
        return fail(VDP_E_TIMEOUT, "deadline exceeded", "create_volume", out, out_len);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  uint64_t token = 0;
  const vdp_status lrc = h->lock_acquire(h->host_data, ctx, "fake-volume", 5000, &token);
  if (lrc != VDP_OK || token == 0) return fail(VDP_E_ABORTED, "lock failed", "create_volume", out, out_len);
  h->lock_release(h->host_data, token);
  h->context_progress(h->host_data, ctx, 2, 2, "done");
  return ok("{\"provider_id\":\"fake-1\",\"provider_location\":\"127.0.0.1:3260 iqn.2010-01.com.example:fake 0\","
            "\"provider_auth\":\"CHAP fakeuser fakesecret\",\"request_id\":\"" +
                request_id + "\",\"project_id\":\"" + project_id + "\",\"remaining_ms\":" +
                std::to_string(remaining == VDP_NO_DEADLINE ? -1 : remaining) + ",\"req_len\":" +
                std::to_string(req_len) + ",\"san_ip\":\"" + drv->san_ip + "\",\"vdp_log_level\":\"" +
                drv->log_level + "\"}",
            out, out_len);
}

vdp_status fake_delete_volume(vdp_driver* drv, vdp_context*, const char*, size_t, char** out, size_t* out_len) {
  if (!drv->set_up) return fail(VDP_E_UNAVAILABLE, "not set up", "delete_volume", out, out_len);
  return ok("{}", out, out_len);
}

vdp_status fake_describe(vdp_driver*, vdp_context*, const char*, size_t, char** out, size_t* out_len) {
  return ok("{\"name\":\"fake\",\"operations\":[\"create_volume\",\"delete_volume\",\"describe\"]}", out, out_len);
}

vdp_plugin make_descriptor() {
  vdp_plugin p{};
#ifdef FAKE_SHORT_DESCRIPTOR
  p.struct_size = offsetof(vdp_plugin, delete_volume);
#else
  p.struct_size = sizeof(vdp_plugin);
#endif
  p.abi_version = VDP_MAKE_VERSION(FAKE_ABI_MAJOR, 0);
  p.schema_version = VDP_SCHEMA_VERSION;
  p.name = "fake";
  p.vendor = "vdp tests";
  p.driver_version = "0.0.1";
  p.create = fake_create;
  p.setup = fake_setup;
  p.destroy = fake_destroy;
  p.free_string = fake_free_string;
  p.create_volume = fake_create_volume;
  p.delete_volume = fake_delete_volume;
  p.describe = fake_describe;
  return p;
}

const vdp_plugin g_plugin = make_descriptor();

}  // namespace

extern "C" {

VDP_PLUGIN_EXPORT vdp_status vdp_plugin_entry(uint32_t host_abi, uint32_t* plugin_abi, const vdp_plugin** out) {
  if (!plugin_abi || !out) return VDP_E_INVALID_ARGUMENT;
  *plugin_abi = VDP_MAKE_VERSION(FAKE_ABI_MAJOR, 0);
  *out = nullptr;
  if (VDP_VERSION_MAJOR(host_abi) != FAKE_ABI_MAJOR) return VDP_E_ABI_MISMATCH;
  *out = &g_plugin;
  return VDP_OK;
}

// Test hook (a real plugin exports nothing else): strings returned and not yet freed.
VDP_PLUGIN_EXPORT long vdp_fake_outstanding(void) { return g_outstanding.load(); }

}  // extern "C"
