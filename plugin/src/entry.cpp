// vdp_plugin_entry and the static descriptor: the plugin's only exported symbol.
#include "guard.h"
#include "operations.h"
#include "vdp/vdp.h"

namespace sfplugin {
namespace {

// A slot whose operation is not built yet: NOT_SUPPORTED with a message naming the operation.
template <const char* Name>
vdp_status not_supported(vdp_driver* d, vdp_context* c, const char*, size_t, char** out, size_t* out_len) noexcept {
  if (out == nullptr) return VDP_E_INVALID_ARGUMENT;
  return fail(simple_error(VDP_E_NOT_SUPPORTED, std::string(Name) + " is not supported by this version of the plugin",
                           Name),
              d, c, out, out_len);
}

#define VDP_PENDING(op)                 \
  constexpr char k_##op[] = #op;        \
  constexpr vdp_op_fn pending_##op = &not_supported<k_##op>;

VDP_PENDING(migrate_volume)
VDP_PENDING(clone_image)
VDP_PENDING(failover_host)
VDP_PENDING(failover)
VDP_PENDING(failover_completed)
VDP_PENDING(freeze_backend)
VDP_PENDING(thaw_backend)
#undef VDP_PENDING

constexpr vdp_plugin kDescriptor = {
    .struct_size = sizeof(vdp_plugin),
    .abi_version = VDP_ABI_VERSION,
    .schema_version = VDP_SCHEMA_VERSION,
    .reserved0 = 0,
    .name = "solidfire",
    .vendor = "NetApp SolidFire (vdp)",
    .driver_version = solidfire::kDriverVersion,
    .create = &create,
    .setup = &setup,
    .destroy = &destroy,
    .free_string = &free_string,
    .create_volume = &create_volume,
    .delete_volume = &delete_volume,
    .extend_volume = &extend_volume,
    .create_snapshot = &create_snapshot,
    .delete_snapshot = &delete_snapshot,
    .create_volume_from_snapshot = &create_volume_from_snapshot,
    .create_cloned_volume = &create_cloned_volume,
    .revert_to_snapshot = &revert_to_snapshot,
    .retype = &retype,
    .migrate_volume = pending_migrate_volume,
    .manage_existing = &manage_existing,
    .manage_existing_get_size = &manage_existing_get_size,
    .unmanage = &unmanage,
    .accept_transfer = &accept_transfer,
    .create_export = &create_export,
    .ensure_export = &ensure_export,
    .remove_export = &remove_export,
    .initialize_connection = &initialize_connection,
    .terminate_connection = &terminate_connection,
    .attach_volume = &attach_volume,
    .detach_volume = &detach_volume,
    .get_volume_stats = &get_volume_stats,
    .update_provider_info = &update_provider_info,
    .clone_image = pending_clone_image,
    .create_group = &create_group,
    .update_group = &update_group,
    .delete_group = &delete_group,
    .create_group_from_src = &create_group_from_src,
    .create_group_snapshot = &create_group_snapshot,
    .delete_group_snapshot = &delete_group_snapshot,
    .create_consistencygroup = &create_consistencygroup,
    .update_consistencygroup = &update_consistencygroup,
    .delete_consistencygroup = &delete_consistencygroup,
    .create_consistencygroup_from_src = &create_consistencygroup_from_src,
    .create_cgsnapshot = &create_cgsnapshot,
    .delete_cgsnapshot = &delete_cgsnapshot,
    .failover_host = pending_failover_host,
    .failover = pending_failover,
    .failover_completed = pending_failover_completed,
    .freeze_backend = pending_freeze_backend,
    .thaw_backend = pending_thaw_backend,
    .describe = &describe,
};

}  // namespace
}  // namespace sfplugin

extern "C" VDP_PLUGIN_EXPORT vdp_status vdp_plugin_entry(uint32_t host_abi, uint32_t* plugin_abi,
                                                          const vdp_plugin** out) {
  if (out != nullptr) *out = nullptr;
  if (plugin_abi == nullptr || out == nullptr) {
    if (plugin_abi != nullptr) *plugin_abi = VDP_ABI_VERSION;
    return VDP_E_INVALID_ARGUMENT;
  }
  *plugin_abi = VDP_ABI_VERSION;
  if (VDP_VERSION_MAJOR(host_abi) != VDP_VERSION_MAJOR(VDP_ABI_VERSION)) return VDP_E_ABI_MISMATCH;
  *out = &sfplugin::kDescriptor;
  return VDP_OK;
}
