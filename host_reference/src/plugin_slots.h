// Internal: the table of vdp_op_fn slots of vdp_plugin.
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include <vdp/vdp.h>

namespace vdp::host::detail {

struct OpSlot {
  const char* name;
  size_t offset;
};

const std::vector<OpSlot>& op_slots();
const OpSlot* find_slot(const std::string& name) noexcept;
// The function in `slot`, or nullptr when the descriptor is too short to have it or the slot is NULL.
vdp_op_fn slot_fn(const vdp_plugin& p, const OpSlot& slot) noexcept;

}  // namespace vdp::host::detail
