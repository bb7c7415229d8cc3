// freeze_backend / thaw_backend: control-plane changes refused with FAILED_PRECONDITION before any RPC,
// connections and reads still served, and the freeze lifted by thaw.
#include <gtest/gtest.h>

#include "fakes.h"

namespace sftest {
namespace {

Error failure_of(const std::function<void()>& op) {
  try {
    op();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "operation succeeded while frozen";
  return Error(ErrorCode::kOk, "");
}

TEST(Freeze, RefusesControlPlaneChangesBeforeAnyRpc) {
  Harness h;
  h.setup();
  FakeContext ctx(h.clock);
  EXPECT_FALSE(h.driver->frozen());
  h.driver->freeze_backend(ctx);
  h.driver->freeze_backend(ctx);  // idempotent
  EXPECT_TRUE(h.driver->frozen());

  const Volume v = make_volume();
  Snapshot snap;
  snap.id = "5d1c3a9e-0000-4000-8000-000000000001";
  snap.volume_id = v.id;
  Group group;
  group.id = "6e2d4b0f-0000-4000-8000-000000000001";
  const std::vector<std::pair<std::string, std::function<void()>>> ops = {
      {"create_volume", [&] { h.driver->create_volume(ctx, v); }},
      {"delete_volume", [&] { h.driver->delete_volume(ctx, v); }},
      {"extend_volume", [&] { h.driver->extend_volume(ctx, v, 20); }},
      {"retype", [&] { h.driver->retype(ctx, v, VolumeType{}); }},
      {"create_snapshot", [&] { h.driver->create_snapshot(ctx, snap); }},
      {"delete_snapshot", [&] { h.driver->delete_snapshot(ctx, snap); }},
      {"revert_to_snapshot", [&] { h.driver->revert_to_snapshot(ctx, v, snap); }},
      {"create_volume_from_snapshot", [&] { h.driver->create_volume_from_snapshot(ctx, v, snap); }},
      {"create_cloned_volume", [&] { h.driver->create_cloned_volume(ctx, v, v); }},
      {"manage_existing", [&] { h.driver->manage_existing(ctx, v, ExistingRef{}); }},
      {"unmanage", [&] { h.driver->unmanage(ctx, v); }},
      {"accept_transfer", [&] { h.driver->accept_transfer(ctx, v, "u", "p"); }},
      {"create_group", [&] { h.driver->create_group(ctx, group, GroupFlavor::kGeneric); }},
      {"update_group", [&] { h.driver->update_group(ctx, group, {}, {}, GroupFlavor::kGeneric); }},
      {"delete_group", [&] { h.driver->delete_group(ctx, group, {}, GroupFlavor::kGeneric); }},
      {"create_group_from_src",
       [&] { h.driver->create_group_from_src(ctx, group, {}, GroupSource{}, GroupFlavor::kGeneric); }},
      {"create_group_snapshot",
       [&] { h.driver->create_group_snapshot(ctx, GroupSnapshot{}, {}, GroupFlavor::kGeneric); }},
      {"delete_group_snapshot",
       [&] { h.driver->delete_group_snapshot(ctx, GroupSnapshot{}, {}, GroupFlavor::kGeneric); }},
  };
  for (const auto& [name, op] : ops) {
    SCOPED_TRACE(name);
    const Error e = failure_of(op);
    EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition);
    EXPECT_NE(e.message().find(name), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("frozen"), std::string::npos) << e.message();
  }
  EXPECT_TRUE(h.transport->requests().empty()) << "a frozen backend sent RPCs";

  // Reads and stats still work.
  EXPECT_NO_THROW(h.driver->get_volume_stats(ctx, true));

  h.driver->thaw_backend(ctx);
  h.driver->thaw_backend(ctx);
  EXPECT_FALSE(h.driver->frozen());
  EXPECT_NO_THROW(h.driver->create_volume(ctx, v));
}

TEST(Freeze, NeedsSetupLikeEveryOperation) {
  Harness h;
  FakeContext ctx(h.clock);
  try {
    h.driver->freeze_backend(ctx);
    ADD_FAILURE() << "freeze before setup succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
}

}  // namespace
}  // namespace sftest
