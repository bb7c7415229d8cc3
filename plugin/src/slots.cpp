#include "slots.h"

#include <string>

#include "guard.h"

namespace sfplugin {

vdp_status refuse(Op op, vdp_driver* drv, vdp_context* ctx, char** out, size_t* out_len) noexcept {
  if (out == nullptr) return VDP_E_INVALID_ARGUMENT;
  const char* name = op_name(op);
  try {
    return fail(simple_error(VDP_E_NOT_SUPPORTED, std::string(name) + " is not supported by this version of the plugin",
                             name),
                drv, ctx, out, out_len);
  } catch (...) {  // no memory for the message: the status alone still answers
    *out = nullptr;
    if (out_len != nullptr) *out_len = 0;
    return VDP_E_NOT_SUPPORTED;
  }
}

}  // namespace sfplugin
