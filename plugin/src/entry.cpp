// vdp_plugin_entry: the plugin's only exported symbol. The descriptor it hands out is descriptor.cpp's.
#include "descriptor.h"
#include "vdp/vdp.h"

extern "C" VDP_PLUGIN_EXPORT vdp_status vdp_plugin_entry(uint32_t host_abi, uint32_t* plugin_abi,
                                                          const vdp_plugin** out) {
  if (out != nullptr) *out = nullptr;
  if (plugin_abi == nullptr || out == nullptr) {
    if (plugin_abi != nullptr) *plugin_abi = VDP_ABI_VERSION;
    return VDP_E_INVALID_ARGUMENT;
  }
  *plugin_abi = VDP_ABI_VERSION;
  if (VDP_VERSION_MAJOR(host_abi) != VDP_VERSION_MAJOR(VDP_ABI_VERSION)) return VDP_E_ABI_MISMATCH;
  *out = &sfplugin::descriptor();
  return VDP_OK;
}
