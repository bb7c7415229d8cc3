// Driver: create/destroy and operation dispatch with output ownership handled.
#include <algorithm>
#include <cstring>

#include "vdp_host/driver.h"
#include "vdp_host/errors.h"

namespace vdp::host {
namespace {

// Copies the plugin's output and always hands it back to free_string, whatever happens.
std::string take_output(const vdp_plugin& p, char* out) {
  struct Freer {
    const vdp_plugin& p;
    char* s;
    ~Freer() { p.free_string(s); }
  } freer{p, out};
  return out ? std::string(out, std::strlen(out)) : std::string();
}

}  // namespace

Driver::Driver(std::shared_ptr<Plugin> plugin, ConfigMap config, LogSink log, std::shared_ptr<LockTable> locks)
    : plugin_(std::move(plugin)),
      services_(std::make_unique<HostServices>(std::move(config), std::move(log), std::move(locks))) {
  if (!plugin_) throw HostError("Driver: no plugin", VDP_E_INVALID_ARGUMENT);
  const vdp_plugin& p = plugin_->descriptor();
  char* out = nullptr;
  size_t out_len = 0;
  vdp_driver* drv = nullptr;
  const vdp_status rc = p.create(services_->table(), services_->config_handle(), &drv, &out, &out_len);
  std::string output = take_output(p, out);
  if (rc != VDP_OK) {
    if (drv) p.destroy(drv);  // a plugin should not hand one out on failure; never leak it
    if (output.empty()) output = make_error_json(rc, "create failed and returned no error object", "create");
    throw CreateError(rc, output,
                      "plugin '" + plugin_->name() + "' create failed (" + vdp_status_name(rc) + "): " + output);
  }
  if (!drv) throw HostError("plugin '" + plugin_->name() + "' create returned OK but no driver");
  drv_ = drv;
  create_output_ = std::move(output);
}

Driver::~Driver() {
  if (drv_) plugin_->descriptor().destroy(drv_);
}

CallResult Driver::call(const std::string& op, const std::string& request_json, const CallOptions& opts) {
  CallContext ctx(opts, op);
  CallResult result;
  result.request_id = ctx.request_id();
  const vdp_op_fn fn = plugin_->op(op);
  if (!fn) {
    result.status = VDP_E_NOT_SUPPORTED;
    const bool known = std::find(Plugin::known_operations().begin(), Plugin::known_operations().end(), op) !=
                       Plugin::known_operations().end();
    result.output = make_error_json(
        VDP_E_NOT_SUPPORTED,
        known ? "operation '" + op + "' is not supported by plugin '" + plugin_->name() + "'"
              : "unknown operation '" + op + "'",
        op, result.request_id);
    return result;
  }
  char* out = nullptr;
  size_t out_len = 0;
  result.status = fn(drv_, ctx.handle(), request_json.data(), request_json.size(), &out, &out_len);
  result.output = take_output(plugin_->descriptor(), out);
  return result;
}

CallResult Driver::setup(const CallOptions& opts) { return call("setup", "{}", opts); }

}  // namespace vdp::host
