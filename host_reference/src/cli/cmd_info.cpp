// vdp-host info: identity, versions and operations of a plugin.
#include <cstdio>

#include "commands.h"
#include "json.h"
#include "session.h"

namespace vdp::host::cli {

int cmd_info(const Options& o) {
  if (!o.args.empty()) throw UsageError("info takes no arguments");
  const auto plugin = load_plugin(o);
  const vdp_plugin& d = plugin->descriptor();
  const auto ops = plugin->operations();
  if (o.json) {
    Json j = make_object();
    set_string(j.get(), "path", plugin->path());
    set_string(j.get(), "name", plugin->name());
    set_string(j.get(), "vendor", plugin->vendor());
    set_string(j.get(), "driver_version", plugin->driver_version());
    set_string(j.get(), "abi_version", version_string(plugin->plugin_abi()));
    set_string(j.get(), "schema_version", version_string(d.schema_version));
    set_string(j.get(), "host_abi_version", version_string(VDP_ABI_VERSION));
    set_string(j.get(), "host_schema_version", version_string(VDP_SCHEMA_VERSION));
    set_number(j.get(), "descriptor_size", d.struct_size);
    Json arr(cJSON_CreateArray());
    for (const auto& op : ops) cJSON_AddItemToArray(arr.get(), cJSON_CreateString(op.c_str()));
    set(j.get(), "operations", std::move(arr));
    std::printf("%s\n", to_string(j.get(), false).c_str());
    return kExitOk;
  }
  std::printf("plugin:          %s\n", plugin->path().c_str());
  std::printf("name:            %s\n", plugin->name().c_str());
  std::printf("vendor:          %s\n", plugin->vendor().c_str());
  std::printf("driver version:  %s\n", plugin->driver_version().c_str());
  std::printf("ABI:             plugin %s, host %s\n", version_string(plugin->plugin_abi()).c_str(),
              version_string(VDP_ABI_VERSION).c_str());
  std::printf("schema:          plugin %s, host %s\n", version_string(d.schema_version).c_str(),
              version_string(VDP_SCHEMA_VERSION).c_str());
  std::printf("operations (%zu of %zu):\n", ops.size(), Plugin::known_operations().size());
  size_t width = 0;
  for (const auto& op : ops) {
    if (width > 0 && width + op.size() + 1 > 100) {
      std::printf("\n");
      width = 0;
    }
    std::printf("%s%s", width == 0 ? "   " : " ", op.c_str());
    width += op.size() + 1 + (width == 0 ? 2 : 0);
  }
  if (width > 0) std::printf("\n");
  return kExitOk;
}

}  // namespace vdp::host::cli
