// Operation slots of the vdp_plugin descriptor, by name, in descriptor order.
#include "plugin_slots.h"

#include <cstddef>

#include <vdp/vdp_operations.h>

namespace vdp::host::detail {

#define VDP_HOST_SLOT(field) OpSlot{#field, offsetof(vdp_plugin, field)},

const std::vector<OpSlot>& op_slots() {
  // setup has the operation signature but sits among the lifecycle slots, before VDP_OPERATIONS.
  static const std::vector<OpSlot> slots = {VDP_HOST_SLOT(setup) VDP_OPERATIONS(VDP_HOST_SLOT)};
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
