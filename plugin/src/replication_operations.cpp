// Replication-family slots: freeze_backend, thaw_backend, failover_host, failover, failover_completed.
#include "guard.h"
#include "operations.h"
#include "request_types.h"
#include "result_json.h"

namespace sfplugin {

namespace {
std::string frozen_result(bool frozen) { return frozen ? R"({"frozen":true})" : R"({"frozen":false})"; }

// {"volumes": [volume...], "secondary_id": "dr"|"default"|null, "groups": [...] (ignored)}
struct FailoverRequest {
  std::vector<solidfire::Volume> volumes;
  std::optional<std::string> secondary_id;
};
FailoverRequest parse_failover(const JsonView& request) {
  FailoverRequest r;
  r.volumes = parse_volume_list(request, "volumes", false);
  if (auto id = request.member("secondary_id")) r.secondary_id = id->as_string();
  return r;
}
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

vdp_status Slot<Op::failover_host>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                         size_t* out_len) noexcept {
  return run_op(op_name(Op::failover_host), d, c, req, len, out, out_len, [](OpCall& call) {
    const FailoverRequest r = parse_failover(call.request);
    return to_json(call.driver().failover_host(call.ctx, r.volumes, r.secondary_id));
  });
}

vdp_status Slot<Op::failover>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                    size_t* out_len) noexcept {
  return run_op(op_name(Op::failover), d, c, req, len, out, out_len, [](OpCall& call) {
    const FailoverRequest r = parse_failover(call.request);
    return to_json(call.driver().failover(call.ctx, r.volumes, r.secondary_id));
  });
}

vdp_status Slot<Op::failover_completed>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,
                                              size_t* out_len) noexcept {
  return run_op(op_name(Op::failover_completed), d, c, req, len, out, out_len, [](OpCall& call) {
    std::string id;
    if (auto m = call.request.member("active_backend_id")) id = m->as_string();
    call.driver().failover_completed(call.ctx, id);
    return std::string("{}");
  });
}

}  // namespace sfplugin
