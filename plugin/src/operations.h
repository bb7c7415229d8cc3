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
vdp_status extend_volume(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status create_snapshot(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status delete_snapshot(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status revert_to_snapshot(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status create_volume_from_snapshot(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status create_cloned_volume(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status retype(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status terminate_connection(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status attach_volume(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status detach_volume(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status manage_existing(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status manage_existing_get_size(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status unmanage(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status accept_transfer(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status update_provider_info(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;

// Groups and the 2.0.6 consistency-group names (group_operations.cpp).
vdp_status create_group(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status update_group(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status delete_group(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status create_group_from_src(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status create_group_snapshot(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status delete_group_snapshot(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status create_consistencygroup(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status update_consistencygroup(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status delete_consistencygroup(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status create_consistencygroup_from_src(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status create_cgsnapshot(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;
vdp_status delete_cgsnapshot(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;


}  // namespace sfplugin
