// The group and consistency-group slots. The 2.0.6 names (create_consistencygroup, ..., create_cgsnapshot)
// take the same request shapes and run the same code; only the flavor differs: a generic group whose
// type is not consistent answers NOT_SUPPORTED (the host handles it generically), a consistency group
// is always served.
#include "guard.h"
#include "operations.h"
#include "request_types.h"
#include "result_json.h"

namespace sfplugin {
namespace {

using solidfire::GroupFlavor;
constexpr GroupFlavor kGeneric = GroupFlavor::kGeneric;
constexpr GroupFlavor kCg = GroupFlavor::kConsistencyGroup;

// One slot body per group operation, parameterised by the slot's name and flavor.
vdp_status create_group_as(const char* op, GroupFlavor flavor, vdp_driver* d, vdp_context* c, const char* req,
                           size_t len, char** out, size_t* out_len) noexcept {
  return run_op(op, d, c, req, len, out, out_len, [flavor](OpCall& call) {
    const auto group = parse_group(call.request.required("group"));
    return to_json(call.driver().create_group(call.ctx, group, flavor), GroupMembers::kNone);
  });
}

vdp_status update_group_as(const char* op, GroupFlavor flavor, vdp_driver* d, vdp_context* c, const char* req,
                           size_t len, char** out, size_t* out_len) noexcept {
  return run_op(op, d, c, req, len, out, out_len, [flavor](OpCall& call) {
    const auto group = parse_group(call.request.required("group"));
    const auto add = parse_volume_list(call.request, "add_volumes", false);
    const auto remove = parse_volume_list(call.request, "remove_volumes", false);
    call.driver().update_group(call.ctx, group, add, remove, flavor);
    return update_group_json();
  });
}

vdp_status delete_group_as(const char* op, GroupFlavor flavor, vdp_driver* d, vdp_context* c, const char* req,
                           size_t len, char** out, size_t* out_len) noexcept {
  return run_op(op, d, c, req, len, out, out_len, [flavor](OpCall& call) {
    const auto group = parse_group(call.request.required("group"));
    const auto volumes = parse_volume_list(call.request, "volumes", false);
    return to_json(call.driver().delete_group(call.ctx, group, volumes, flavor), GroupMembers::kVolumes);
  });
}

vdp_status create_group_from_src_as(const char* op, GroupFlavor flavor, vdp_driver* d, vdp_context* c, const char* req,
                                    size_t len, char** out, size_t* out_len) noexcept {
  return run_op(op, d, c, req, len, out, out_len, [flavor](OpCall& call) {
    const auto group = parse_group(call.request.required("group"));
    const auto volumes = parse_volume_list(call.request, "volumes", true, SizeRule::kRequired);
    solidfire::GroupSource source;
    if (auto gs = call.request.member("group_snapshot")) {
      source.group_snapshot = parse_group_snapshot(*gs);
      source.snapshots = parse_snapshot_list(call.request, "snapshots", true);
    }
    if (auto sg = call.request.member("source_group")) {
      source.source_group = parse_group(*sg);
      source.source_volumes = parse_volume_list(call.request, "source_vols", true);
    }
    return to_json(call.driver().create_group_from_src(call.ctx, group, volumes, source, flavor),
                   GroupMembers::kVolumes);
  });
}

// create and delete of a group snapshot: the same request shape; delete may omit the snapshots.
using SnapshotOp = solidfire::GroupResult (solidfire::SolidFireDriver::*)(solidfire::CallContext&,
                                                                          const solidfire::GroupSnapshot&,
                                                                          const std::vector<solidfire::Snapshot>&,
                                                                          GroupFlavor);
template <SnapshotOp Op, bool kSnapshotsRequired>
vdp_status group_snapshot_as(const char* op, GroupFlavor flavor, vdp_driver* d, vdp_context* c, const char* req,
                             size_t len, char** out, size_t* out_len) noexcept {
  return run_op(op, d, c, req, len, out, out_len, [flavor](OpCall& call) {
    const auto group_snapshot = parse_group_snapshot(call.request.required("group_snapshot"));
    const auto snapshots = parse_snapshot_list(call.request, "snapshots", kSnapshotsRequired);
    return to_json((call.driver().*Op)(call.ctx, group_snapshot, snapshots, flavor), GroupMembers::kSnapshots);
  });
}
constexpr auto create_group_snapshot_as = &group_snapshot_as<&solidfire::SolidFireDriver::create_group_snapshot, true>;
constexpr auto delete_group_snapshot_as = &group_snapshot_as<&solidfire::SolidFireDriver::delete_group_snapshot, false>;

}  // namespace

#define VDP_GROUP_SLOT(op, body, flavor)                                                                   \
  vdp_status Slot<Op::op>::call(vdp_driver* d, vdp_context* c, const char* req, size_t len, char** out,    \
                                size_t* out_len) noexcept {                                                \
    return body(op_name(Op::op), flavor, d, c, req, len, out, out_len);                                    \
  }

VDP_GROUP_SLOT(create_group, create_group_as, kGeneric)
VDP_GROUP_SLOT(update_group, update_group_as, kGeneric)
VDP_GROUP_SLOT(delete_group, delete_group_as, kGeneric)
VDP_GROUP_SLOT(create_group_from_src, create_group_from_src_as, kGeneric)
VDP_GROUP_SLOT(create_group_snapshot, create_group_snapshot_as, kGeneric)
VDP_GROUP_SLOT(delete_group_snapshot, delete_group_snapshot_as, kGeneric)
VDP_GROUP_SLOT(create_consistencygroup, create_group_as, kCg)
VDP_GROUP_SLOT(update_consistencygroup, update_group_as, kCg)
VDP_GROUP_SLOT(delete_consistencygroup, delete_group_as, kCg)
VDP_GROUP_SLOT(create_consistencygroup_from_src, create_group_from_src_as, kCg)
VDP_GROUP_SLOT(create_cgsnapshot, create_group_snapshot_as, kCg)
VDP_GROUP_SLOT(delete_cgsnapshot, delete_group_snapshot_as, kCg)
#undef VDP_GROUP_SLOT

}  // namespace sfplugin
