// What a vdp_driver handle holds: the host table copy, the logger, the driver itself and the secrets it
// knows (scrubbed from every error object and log line the plugin writes).
#pragma once

#include <memory>

#include <spdlog/logger.h>

#include "host_adapter.h"
#include "solidfire/driver.h"
#include "solidfire/secrets.h"
#include "vdp/vdp.h"

struct vdp_driver {
  vdp_host host{};  // stable address: the log sink and call contexts point at it
  std::shared_ptr<solidfire::SecretSet> secrets = std::make_shared<solidfire::SecretSet>();
  std::shared_ptr<spdlog::logger> logger;
  std::unique_ptr<solidfire::SolidFireDriver> driver;
  std::shared_ptr<sfplugin::LocalLocks> locks = sfplugin::LocalLocks::process_wide();
};
