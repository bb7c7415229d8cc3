// update_provider_info: one listing each, paging, only changes returned.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>

#include "access_fixture.h"

namespace sftest {
namespace {

TEST_F(AdminFixture, ProviderInfoOneListingEachAndOnlyChanges) {
  VolSpec same;  // volume 100 in account 10: provider_id unchanged
  VolSpec moved;
  moved.id = 200;
  moved.account = 11;
  moved.uuid = "22222222-aaaa-4bbb-8ccc-222222222222";
  moved.name = "UUID-" + moved.uuid;
  VolSpec noattr;
  noattr.id = 300;
  noattr.uuid = "";
  noattr.name = "UUID-33333333-aaaa-4bbb-8ccc-222222222222";
  h.transport->expect_reply("ListVolumes", volumes_reply({same, moved, noattr}));
  h.transport->expect_reply("ListSnapshots",
                            ok(R"({"snapshots":[{"snapshotID":7,"volumeID":100,"name":"UUID-snap-1","attributes":{}},)"
                               R"({"snapshotID":8,"volumeID":100,"name":"other","attributes":{"uuid":"snap-2"}}]})"));
  const std::string u = h.transport->cluster.uuid;
  std::vector<Volume> vols;
  vols.push_back(managed());
  Volume m2 = make_volume(moved.uuid);
  m2.provider_id = "150 10 " + u;
  vols.push_back(m2);
  vols.push_back(make_volume("33333333-aaaa-4bbb-8ccc-222222222222"));
  vols.push_back(make_volume("44444444-aaaa-4bbb-8ccc-222222222222"));  // not on the cluster
  std::vector<Snapshot> snaps(3);
  snaps[0].id = "snap-1";
  snaps[0].provider_id = "7 100 " + u;
  snaps[1].id = "snap-2";
  snaps[2].id = "snap-3";
  const ProviderInfoResult r = h.driver->update_provider_info(ctx, vols, snaps);
  EXPECT_EQ(h.transport->methods(), (Methods{"ListVolumes", "ListSnapshots"}));
  EXPECT_EQ(requests_of(*h.transport, "ListVolumes")[0].params.view().string_or("volumeStatus", ""), "active");
  ASSERT_EQ(r.volumes.size(), 2u);
  EXPECT_EQ(r.volumes[0].id, moved.uuid);
  EXPECT_EQ(r.volumes[0].provider_id, "200 11 " + u);
  EXPECT_EQ(r.volumes[1].provider_id, "300 10 " + u);
  ASSERT_EQ(r.snapshots.size(), 1u);
  EXPECT_EQ(r.snapshots[0].id, "snap-2");
  EXPECT_EQ(r.snapshots[0].provider_id, "8 100 " + u);
}

TEST_F(AdminFixture, ProviderInfoPagesTheVolumeListing) {
  Json page = Json::array();
  for (int64_t i = 1; i <= 10000; ++i) {
    Json v = Json::object();
    v.set("volumeID", i).set("accountID", int64_t{10}).set("name", "x").set("status", "active");
    page.push(std::move(v));
  }
  Json r1 = Json::object();
  r1.set("volumes", std::move(page));
  h.transport->expect_reply("ListVolumes", ok(r1.print()));
  VolSpec last;
  last.id = 10005;
  h.transport->expect_reply("ListVolumes", volumes_reply({last}));
  const ProviderInfoResult r = h.driver->update_provider_info(ctx, {make_volume(kAccVol)}, {});
  EXPECT_EQ(h.transport->methods(), (Methods{"ListVolumes", "ListVolumes"}));
  EXPECT_EQ(requests_of(*h.transport, "ListVolumes")[1].params.view().int64("startVolumeID"), 10001);
  ASSERT_EQ(r.volumes.size(), 1u);
  EXPECT_EQ(r.volumes[0].provider_id, "10005 10 " + h.transport->cluster.uuid);
}

TEST_F(AdminFixture, ProviderInfoWithNothingAskedCostsNothing) {
  const ProviderInfoResult r = h.driver->update_provider_info(ctx, {}, {});
  EXPECT_EQ(h.transport->total(), 0u);
  EXPECT_TRUE(r.volumes.empty());
}

}  // namespace
}  // namespace sftest
