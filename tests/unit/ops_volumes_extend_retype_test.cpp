// extend_volume and retype on the fake cluster (exact RPCs, scaled QoS re-computed on extend, attributes
// and QoS of the new type, nothing changed on invalid input), and QoS completion against Element's
// defaults.
#include "qos.h"
#include "volume_fixture.h"

namespace sftest {
namespace {

using Modify = DataFixture;

VolumeType scaled_type() {
  return VolumeType{"t-s", "scaled",
                    {{"qos:minIOPS", "100"}, {"qos:maxIOPS", "200"}, {"qos:burstIOPS", "300"},
                     {"qos:scaledIOPS", "True"}, {"qos:scaleMin", "10"}, {"qos:scaleMax", "20"},
                     {"qos:scaleBurst", "30"}},
                    {}};
}

TEST_F(Modify, ExtendIsOneLookupAndOneModifyWithoutQosForAPlainType) {
  const int64_t vid = seed(kVolA, 10);
  Volume v = vol(kVolA, vid, 10);
  v.volume_type = VolumeType{"t", "gold", {{"qos:minIOPS", "1000"}}, {}};
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  h.driver->extend_volume(ctx, v, 20);
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListVolumes", "ModifyVolume"}));
  const Request p_req = of("ModifyVolume").at(0);
  const auto p = p_req.params.view();
  EXPECT_EQ(p.int64("volumeID"), vid);
  EXPECT_EQ(p.int64("totalSize"), int64_t{20} << 30);
  EXPECT_FALSE(p.has("qos")) << "QoS that does not scale is left alone";
}

TEST_F(Modify, ExtendRescalesScaledQosForTheNewSize) {
  const int64_t vid = seed(kVolA, 10);
  Volume v = vol(kVolA, vid, 10);
  v.volume_type = scaled_type();
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  h.driver->extend_volume(ctx, v, 21);
  const Request q_req = of("ModifyVolume").at(0);
  const auto q = q_req.params.view()["qos"];
  EXPECT_EQ(q.int64("minIOPS"), 100 + 10 * 20);
  EXPECT_EQ(q.int64("maxIOPS"), 200 + 20 * 20);
  EXPECT_EQ(q.int64("burstIOPS"), 300 + 30 * 20);
}

TEST_F(Modify, ExtendCannotShrinkAndChangesNothing) {
  const int64_t vid = seed(kVolA, 10);
  const Error e = error_of([&] { h.driver->extend_volume(ctx, vol(kVolA, vid, 10), 5); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "new_size");
  EXPECT_EQ(h.transport->count("ModifyVolume"), 0);
}

TEST_F(Modify, ExtendOfAMissingVolumeIsNotFound) {
  const Error e = error_of([&] { h.driver->extend_volume(ctx, vol(kVolA, 777, 10), 20); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(h.transport->count("ModifyVolume"), 0);
}

TEST_F(Modify, ExtendWithALostAnswerSendsTheSameModifyAgain) {
  const int64_t vid = seed(kVolA, 10);
  h.transport->expect_throw("ModifyVolume", TransportError::Kind::kTimeout);
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  h.driver->extend_volume(ctx, vol(kVolA, vid, 10), 20);
  ASSERT_EQ(of("ModifyVolume").size(), 2u);
  EXPECT_EQ(of("ModifyVolume").at(1).params.print(), of("ModifyVolume").at(0).params.print());
  EXPECT_EQ(of("ModifyVolume").at(1).params.view().int64("totalSize"), int64_t{20} << 30);
}

TEST_F(Modify, RetypeSetsQosAndAttributesOfTheNewTypeInOneModify) {
  const int64_t vid = seed(kVolA, 10);
  Volume v = vol(kVolA, vid, 10);
  v.volume_type = VolumeType{"old", "silver", {{"SFAttribute:tier", "silver"}, {"SFAttribute:keep", "x"}}, {}};
  VolumeType nt{"new", "gold",
                {{"qos:minIOPS", "1000"}, {"qos:maxIOPS", "20000"}, {"SFAttribute:tier", "gold"},
                 {"SFAttribute:keep", "x"}, {"SFAttribute:owner", "db-team"}},
                {}};
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  const RetypeResult r = h.driver->retype(ctx, v, nt);
  EXPECT_TRUE(r.retyped);
  EXPECT_FALSE(r.model_update);
  EXPECT_EQ(h.transport->methods(), (std::vector<std::string>{"ListVolumes", "ModifyVolume"}));
  const Request p_req = of("ModifyVolume").at(0);
  const auto p = p_req.params.view();
  EXPECT_EQ(p.int64("volumeID"), vid);
  EXPECT_EQ(p["qos"].int64("minIOPS"), 1000);
  EXPECT_EQ(p["qos"].int64("maxIOPS"), 20000);
  EXPECT_EQ(p["qos"].int64("burstIOPS"), 20000) << "burst lifted to max instead of the cluster refusing it";
  EXPECT_EQ(p["attributes"].string("uuid"), kVolA) << "existing attributes kept";
  EXPECT_EQ(p["attributes"].string("tier"), "gold");
  EXPECT_EQ(p["attributes"].string("owner"), "db-team");
  EXPECT_EQ(p["attributes"].string("keep"), "x");
  EXPECT_TRUE(p["attributes"].has("retyped_at"));
}

TEST_F(Modify, RetypeDropsTheOldTypesAttributesAndResetsQosForATypeWithoutQos) {
  const int64_t vid = seed(kVolA, 10);
  Volume v = vol(kVolA, vid, 10);
  v.volume_type = VolumeType{"old", "gold", {{"SFAttribute:tier", "gold"}, {"qos:minIOPS", "1000"}}, {}};
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  h.driver->retype(ctx, v, VolumeType{"plain", "plain", {}, {}});
  const Request p_req = of("ModifyVolume").at(0);
  const auto p = p_req.params.view();
  EXPECT_FALSE(p["attributes"].has("tier"));
  EXPECT_EQ(p["qos"].int64("minIOPS"), 50);
  EXPECT_EQ(p["qos"].int64("maxIOPS"), 15000);
  EXPECT_EQ(p["qos"].int64("burstIOPS"), 15000);
}

TEST_F(Modify, RetypeWithInvalidQosChangesNothingAndCostsNoRpc) {
  const int64_t vid = seed(kVolA, 10);
  VolumeType bad{"bad", "bad", {{"qos:minIOPS", "3000"}, {"qos:maxIOPS", "2000"}}, {}};
  const Error e = error_of([&] { h.driver->retype(ctx, vol(kVolA, vid, 10), bad); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "new_type.extra_specs.qos:minIOPS") << "retype's type arrives as new_type";
  VolumeType nan{"nan", "nan", {{"qos:maxIOPS", "fast"}}, {}};
  Volume unsized = vol(kVolA, vid, 10);
  unsized.size_gib = 0;
  EXPECT_EQ(error_of([&] { h.driver->retype(ctx, unsized, nan); }).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(h.transport->total(), 0u);
}

TEST_F(Modify, RetypeScalesQosWithTheVolumesSizeFromTheCluster) {
  const int64_t vid = seed(kVolA, 4);
  Volume v = vol(kVolA, vid, 4);
  v.size_gib = 0;  // not given: read from the cluster
  h.transport->expect_reply("ModifyVolume", ok("{}"));
  h.driver->retype(ctx, v, scaled_type());
  const Request q_req = of("ModifyVolume").at(0);
  const auto q = q_req.params.view()["qos"];
  EXPECT_EQ(q.int64("minIOPS"), 130);
  EXPECT_EQ(q.int64("maxIOPS"), 260);
  EXPECT_EQ(q.int64("burstIOPS"), 390);
}

TEST_F(Modify, RetypeOfAMissingVolumeIsNotFound) {
  const Error e = error_of([&] { h.driver->retype(ctx, vol(kVolA, 404, 10), VolumeType{"p", "p", {}, {}}); });
  EXPECT_EQ(e.code(), ErrorCode::kNotFound);
  EXPECT_EQ(h.transport->count("ModifyVolume"), 0);
}

TEST_F(Modify, RetypeRefusesAttributesOverElementsLimit) {
  const int64_t vid = seed(kVolA, 10);
  VolumeType big{"big", "big", {{"SFAttribute:blob", std::string(1200, 'x')}}, {}};
  const Error e = error_of([&] { h.driver->retype(ctx, vol(kVolA, vid, 10), big); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "new_type.extra_specs");
  EXPECT_EQ(h.transport->count("ModifyVolume"), 0);
}

TEST(QosCompletion, FillsMissingMembersKeepingTheOrder) {
  const QosSpec d = element_default_qos();
  EXPECT_EQ(complete_qos(QosSpec{}, d), d);
  const QosSpec max_only = complete_qos(QosSpec{std::nullopt, int64_t{20000}, std::nullopt}, d);
  EXPECT_EQ(max_only, (QosSpec{int64_t{50}, int64_t{20000}, int64_t{20000}}));
  const QosSpec burst_only = complete_qos(QosSpec{std::nullopt, std::nullopt, int64_t{800}}, d);
  EXPECT_EQ(burst_only, (QosSpec{int64_t{50}, int64_t{800}, int64_t{800}}));
  const QosSpec min_only = complete_qos(QosSpec{int64_t{15000}, std::nullopt, std::nullopt}, d);
  EXPECT_EQ(min_only, (QosSpec{int64_t{15000}, int64_t{15000}, int64_t{15000}}));
  // Against a volume's current QoS.
  const QosSpec cur{int64_t{1000}, int64_t{2000}, int64_t{4000}};
  EXPECT_EQ(complete_qos(QosSpec{std::nullopt, int64_t{500}, std::nullopt}, cur),
            (QosSpec{int64_t{500}, int64_t{500}, int64_t{4000}}));
}

TEST(QosCompletion, CreateSendsACompleteTriple) {
  Harness h;
  h.setup();
  FakeContext ctx(h.clock);
  h.transport->cluster.add_account("proj1");
  Volume v = make_volume();
  v.volume_type = VolumeType{"t", "fast", {{"qos:maxIOPS", "50000"}}, {}};
  h.driver->create_volume(ctx, v);
  for (const auto& r : h.transport->requests()) {
    if (r.method != "CreateVolume") continue;
    EXPECT_EQ(r.params.view()["qos"].int64("maxIOPS"), 50000);
    EXPECT_EQ(r.params.view()["qos"].int64("burstIOPS"), 50000);
    EXPECT_EQ(r.params.view()["qos"].int64("minIOPS"), 50);
  }
}

TEST(QosCompletion, SfAttributeSpecsAreCopiedOnCreate) {
  Harness h;
  h.setup();
  FakeContext ctx(h.clock);
  h.transport->cluster.add_account("proj1");
  Volume v = make_volume();
  v.volume_type = VolumeType{"t", "tagged", {{"SFAttribute:team", "storage"}}, {}};
  h.driver->create_volume(ctx, v);
  bool seen = false;
  for (const auto& r : h.transport->requests()) {
    if (r.method != "CreateVolume") continue;
    seen = true;
    EXPECT_EQ(r.params.view()["attributes"].string("team"), "storage");
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace sftest
