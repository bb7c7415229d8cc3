#include "descriptor.h"

#include <array>
#include <type_traits>

#include "operations.h"
#include "solidfire/driver.h"

namespace sfplugin {
namespace {

template <Op op>
constexpr bool kServed = !std::is_base_of_v<Refusing, Slot<op>>;

constexpr std::array<bool, kOpCount> kServedByOp = {
#define VDP_OP_SERVED(op) kServed<Op::op>,
    VDP_OPERATIONS(VDP_OP_SERVED)
#undef VDP_OP_SERVED
};

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
#define VDP_OP_SLOT(op) .op = &Slot<Op::op>::call,
    VDP_OPERATIONS(VDP_OP_SLOT)
#undef VDP_OP_SLOT
};

}  // namespace

const vdp_plugin& descriptor() noexcept { return kDescriptor; }

std::vector<std::string> served_operations() {
  std::vector<std::string> ops = {"setup"};
  for (size_t i = 0; i < kOpCount; ++i)
    if (kServedByOp[i]) ops.emplace_back(kOpNames[i]);
  return ops;
}

}  // namespace sfplugin
