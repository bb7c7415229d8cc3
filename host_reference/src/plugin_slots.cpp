// Operation slots of the vdp_plugin descriptor, by name, in descriptor order.
#include "plugin_slots.h"

#include <cstddef>

namespace vdp::host::detail {

#define VDP_HOST_SLOT(field) OpSlot{#field, offsetof(vdp_plugin, field)}

const std::vector<OpSlot>& op_slots() {
  static const std::vector<OpSlot> slots = {
      VDP_HOST_SLOT(setup),
      VDP_HOST_SLOT(create_volume),
      VDP_HOST_SLOT(delete_volume),
      VDP_HOST_SLOT(extend_volume),
      VDP_HOST_SLOT(create_snapshot),
      VDP_HOST_SLOT(delete_snapshot),
      VDP_HOST_SLOT(create_volume_from_snapshot),
      VDP_HOST_SLOT(create_cloned_volume),
      VDP_HOST_SLOT(revert_to_snapshot),
      VDP_HOST_SLOT(retype),
      VDP_HOST_SLOT(migrate_volume),
      VDP_HOST_SLOT(manage_existing),
      VDP_HOST_SLOT(manage_existing_get_size),
      VDP_HOST_SLOT(unmanage),
      VDP_HOST_SLOT(accept_transfer),
      VDP_HOST_SLOT(create_export),
      VDP_HOST_SLOT(ensure_export),
      VDP_HOST_SLOT(remove_export),
      VDP_HOST_SLOT(initialize_connection),
      VDP_HOST_SLOT(terminate_connection),
      VDP_HOST_SLOT(attach_volume),
      VDP_HOST_SLOT(detach_volume),
      VDP_HOST_SLOT(get_volume_stats),
      VDP_HOST_SLOT(update_provider_info),
      VDP_HOST_SLOT(clone_image),
      VDP_HOST_SLOT(create_group),
      VDP_HOST_SLOT(update_group),
      VDP_HOST_SLOT(delete_group),
      VDP_HOST_SLOT(create_group_from_src),
      VDP_HOST_SLOT(create_group_snapshot),
      VDP_HOST_SLOT(delete_group_snapshot),
      VDP_HOST_SLOT(create_consistencygroup),
      VDP_HOST_SLOT(update_consistencygroup),
      VDP_HOST_SLOT(delete_consistencygroup),
      VDP_HOST_SLOT(create_consistencygroup_from_src),
      VDP_HOST_SLOT(create_cgsnapshot),
      VDP_HOST_SLOT(delete_cgsnapshot),
      VDP_HOST_SLOT(failover_host),
      VDP_HOST_SLOT(failover),
      VDP_HOST_SLOT(failover_completed),
      VDP_HOST_SLOT(freeze_backend),
      VDP_HOST_SLOT(thaw_backend),
      VDP_HOST_SLOT(describe),
  };
  return slots;
}

#undef VDP_HOST_SLOT

vdp_op_fn slot_fn(const vdp_plugin& p, const OpSlot& slot) noexcept {
  if (p.struct_size < slot.offset + sizeof(vdp_op_fn)) return nullptr;  // older, shorter descriptor
  vdp_op_fn fn = nullptr;
  std::memcpy(&fn, reinterpret_cast<const unsigned char*>(&p) + slot.offset, sizeof fn);
  return fn;
}

const OpSlot* find_slot(const std::string& name) noexcept {
  for (const auto& s : op_slots())
    if (name == s.name) return &s;
  return nullptr;
}

}  // namespace vdp::host::detail
