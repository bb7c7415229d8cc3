// Replication-family slots: freeze_backend and thaw_backend (failover and migration come with the
// driver's replication operations).
#include "guard.h"
#include "operations.h"

namespace sfplugin {

namespace {
std::string frozen_result(bool frozen) { return frozen ? R"({"frozen":true})" : R"({"frozen":false})"; }
}  // namespace

vdp_status Slot<Op::freeze_backend>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                          size_t* out_len) noexcept {
  return run_op(op_name(Op::freeze_backend), d, c, req, len, out, out_len, [](OpCall& call) {
    call.driver().freeze_backend(call.ctx);
    return frozen_result(call.driver().frozen());
  });
}

vdp_status Slot<Op::thaw_backend>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                        size_t* out_len) noexcept {
  return run_op(op_name(Op::thaw_backend), d, c, req, len, out, out_len, [](OpCall& call) {
    call.driver().thaw_backend(call.ctx);
    return frozen_result(call.driver().frozen());
  });
}

}  // namespace sfplugin
