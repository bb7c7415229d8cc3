// The plugin's operation slots (one function per vdp_plugin member) and its lifecycle functions.
#pragma once

#include <string>
#include <vector>

#include "vdp/vdp.h"

namespace sfplugin {

vdp_status create(const vdp_host* host, vdp_config* cfg, vdp_driver** drv, char** out, size_t* out_len) noexcept;
void destroy(vdp_driver* drv) noexcept;
void free_string(char* s) noexcept;

vdp_status setup(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status describe(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status create_volume(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status delete_volume(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status get_volume_stats(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status create_export(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status ensure_export(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status remove_export(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status initialize_connection(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;

// Names of the operations this plugin really serves (for describe).
const std::vector<std::string>& served_operations();

}  // namespace sfplugin
