// A driver made by a plugin's create, with the host services behind it.
#pragma once

#include <memory>
#include <string>

#include <vdp/vdp.h>

#include "vdp_host/config.h"
#include "vdp_host/plugin.h"
#include "vdp_host/services.h"

namespace vdp::host {

class Driver {
 public:
  // Calls plugin.create with a vdp_host whose config_get reads `config`. Throws CreateError (a HostError)
  // carrying the plugin's error JSON when create fails; keeps create's result (warnings) in create_output().
  // Drivers serving one backend pass the same `locks` (see LockTable); nullptr gives this driver its own.
  Driver(std::shared_ptr<Plugin> plugin, ConfigMap config, LogSink log = {},
         std::shared_ptr<LockTable> locks = nullptr);
  ~Driver();  // plugin.destroy; not concurrent with call()
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  // Thread-safe. Copies the plugin's output and always frees it with free_string. An operation the plugin
  // does not provide yields VDP_E_NOT_SUPPORTED with a host-made error JSON.
  CallResult call(const std::string& op, const std::string& request_json, const CallOptions& opts = {});
  CallResult setup(const CallOptions& opts = {});  // call("setup", "{}", opts)

  const std::string& create_output() const { return create_output_; }
  const Plugin& plugin() const { return *plugin_; }
  HostServices& services() { return *services_; }

 private:
  std::shared_ptr<Plugin> plugin_;
  std::unique_ptr<HostServices> services_;
  vdp_driver* drv_ = nullptr;
  std::string create_output_;
};

}  // namespace vdp::host
