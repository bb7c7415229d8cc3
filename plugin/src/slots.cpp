#include "slots.h"

#include <string>

#include "guard.h"

namespace sfplugin {

vdp_status refuse(Op op, vdp_driver* drv, vdp_context* ctx, const char* req, char** out, size_t* out_len) noexcept {
  const char* name = op_name(op);
  // Precedence (vdp.h): the pointer contract first; then NOT_SUPPORTED, whatever the state or request.
  if (auto refused = check_call_arguments(name, drv, ctx, req, out, out_len)) return *refused;
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
