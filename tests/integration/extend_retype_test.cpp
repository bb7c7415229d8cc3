// extend_volume, retype and QoS in its forms through the ABI against element-sim: sizes, scaled QoS
// re-computed on extend, the new type's QoS and SFAttribute: specs on retype, tenant QoS from metadata,
// and the error paths (not found, shrink, invalid QoS leaves the volume unchanged).
#include "volume_requests.h"

namespace it {
namespace {

using namespace data;  // NOLINT(google-build-using-namespace)

const std::string kScaled =
    R"({"qos:minIOPS":"100","qos:maxIOPS":"200","qos:burstIOPS":"300","qos:scaledIOPS":"True",)"
    R"("qos:scaleMin":"10","qos:scaleMax":"20","qos:scaleBurst":"30"})";

class DataModify : public ::testing::Test {
 protected:
  Sim& sim = shared_sim();
};

TEST_F(DataModify, ExtendGrowsTheVolumeAndRepeatsSafely) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-ext");
  const std::string id = new_uuid();
  const Json m = ok_json(drv->call("create_volume", "{\"volume\":" + volume_obj(id, 2, project) + "}"), "create");
  const std::string vobj = volume_obj(id, 2, project, kGoldSpecs, m);
  const uint64_t before = sim.total();
  ok_json(drv->call("extend_volume", "{\"volume\":" + vobj + ",\"new_size\":4}"), "extend");
  EXPECT_EQ(sim.total() - before, 2u) << "ListVolumes + ModifyVolume";
  auto v = sim.volume_by_id(first_id(m));
  EXPECT_EQ((*v)["totalSize"].i64(), 4 * kGiB);
  EXPECT_EQ((*v)["qos"]["minIOPS"].i64(), 1000) << "QoS that does not scale is left alone";
  ok_json(drv->call("extend_volume", "{\"volume\":" + vobj + ",\"new_size\":4}"), "extend again");
  EXPECT_EQ((*sim.volume_by_id(first_id(m)))["totalSize"].i64(), 4 * kGiB);

  const auto shrink = drv->call("extend_volume", "{\"volume\":" + vobj + ",\"new_size\":3}");
  EXPECT_TRUE(IsError(shrink, VDP_E_INVALID_ARGUMENT, "extend_volume", "new_size"));
  EXPECT_EQ((*sim.volume_by_id(first_id(m)))["totalSize"].i64(), 4 * kGiB);
  ok_json(drv->call("delete_volume", "{\"volume\":" + vobj + "}"), "delete");
  const auto gone = drv->call("extend_volume", "{\"volume\":" + vobj + ",\"new_size\":8}");
  EXPECT_TRUE(IsError(gone, VDP_E_NOT_FOUND, "extend_volume", "volume"));
}

TEST_F(DataModify, ExtendRescalesScaledQos) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-extq");
  const std::string id = new_uuid();
  const Json m = ok_json(drv->call("create_volume", "{\"volume\":" + volume_obj(id, 2, project, kScaled) + "}"), "create");
  auto v = sim.volume_by_id(first_id(m));
  EXPECT_EQ((*v)["qos"]["minIOPS"].i64(), 110);
  const std::string vobj = volume_obj(id, 2, project, kScaled, m);
  ok_json(drv->call("extend_volume", "{\"volume\":" + vobj + ",\"new_size\":11}"), "extend");
  v = sim.volume_by_id(first_id(m));
  EXPECT_EQ((*v)["qos"]["minIOPS"].i64(), 200);
  EXPECT_EQ((*v)["qos"]["maxIOPS"].i64(), 400);
  EXPECT_EQ((*v)["qos"]["burstIOPS"].i64(), 600);
  ok_json(drv->call("delete_volume", "{\"volume\":" + vobj + "}"), "delete");
}

TEST_F(DataModify, RetypeAppliesQosAndAttributesOfTheNewType) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-retype");
  const std::string id = new_uuid();
  const std::string silver = R"({"qos:minIOPS":"500","SFAttribute:tier":"silver"})";
  const Json m = ok_json(drv->call("create_volume", "{\"volume\":" + volume_obj(id, 3, project, silver) + "}"), "create");
  EXPECT_EQ((*sim.volume_by_id(first_id(m)))["attributes"]["tier"].str(), "silver") << "SFAttribute: on create";
  const std::string vobj = volume_obj(id, 3, project, silver, m);
  const std::string req = "{\"volume\":" + vobj +
                          R"(,"new_type":{"id":"p","name":"platinum","extra_specs":{"SFAttribute:owner":"dba"},)"
                          R"("qos_specs":{"consumer":"back-end","specs":{"minIOPS":"3000","maxIOPS":"6000","burstIOPS":"9000"}}}})";
  const Json r = ok_json(drv->call("retype", req), "retype");
  EXPECT_TRUE(r["retyped"].boolean());
  EXPECT_TRUE(r["model_update"].is_null()) << r.dump();
  auto v = sim.volume_by_id(first_id(m));
  EXPECT_EQ((*v)["qos"]["minIOPS"].i64(), 3000);
  EXPECT_EQ((*v)["qos"]["maxIOPS"].i64(), 6000);
  EXPECT_EQ((*v)["qos"]["burstIOPS"].i64(), 9000);
  EXPECT_EQ((*v)["attributes"]["owner"].str(), "dba");
  EXPECT_FALSE((*v)["attributes"].has("tier")) << "the old type's SFAttribute: is removed";
  EXPECT_TRUE((*v)["attributes"]["retyped_at"].is_string());
  EXPECT_EQ((*v)["attributes"]["uuid"].str(), id);
  ok_json(drv->call("retype", req), "retype again");

  // An invalid QoS spec changes nothing.
  const auto bad = drv->call("retype", "{\"volume\":" + vobj +
                                           R"(,"new_type":{"id":"b","name":"bad","extra_specs":{"qos:minIOPS":"5000","qos:maxIOPS":"1000"}}})");
  EXPECT_TRUE(IsError(bad, VDP_E_INVALID_ARGUMENT, "retype", "new_type.extra_specs.qos:minIOPS"));
  const auto nonint = drv->call("retype", "{\"volume\":" + vobj +
                                              R"(,"new_type":{"id":"b","name":"bad","extra_specs":{"qos:maxIOPS":"lots"}}})");
  EXPECT_TRUE(IsError(nonint, VDP_E_INVALID_ARGUMENT, "retype", "new_type.extra_specs.qos:maxIOPS"));
  v = sim.volume_by_id(first_id(m));
  EXPECT_EQ((*v)["qos"]["minIOPS"].i64(), 3000);
  EXPECT_EQ((*v)["attributes"]["owner"].str(), "dba");

  ok_json(drv->call("delete_volume", "{\"volume\":" + vobj + "}"), "delete");
  const auto gone = drv->call("retype", req);
  EXPECT_TRUE(IsError(gone, VDP_E_NOT_FOUND, "retype", "volume"));
}

TEST_F(DataModify, TenantQosFromMetadataWhenAllowed) {
  auto drv = ready_driver(sim, nullptr, {{"sf_allow_tenant_qos", "true"}});
  const std::string project = unique_name("it-tqos");
  const std::string a = new_uuid();
  const Json ma = ok_json(drv->call("create_volume", "{\"volume\":" + volume_obj(a, 1, project, "{}", Json(),
                                                                                 R"(,"metadata":{"sf-qos":"fast"})") +
                                                         "}"),
                          "create with sf-qos");
  auto v = sim.volume_by_id(first_id(ma));
  EXPECT_EQ((*v)["qos"]["minIOPS"].i64(), 500);
  EXPECT_EQ((*v)["qos"]["maxIOPS"].i64(), 1000);
  EXPECT_EQ((*v)["qos"]["burstIOPS"].i64(), 1000);
  const std::string b = new_uuid();
  const Json mb = ok_json(drv->call("create_volume", "{\"volume\":" + volume_obj(b, 1, project, "{}", Json(),
                                                                                 R"(,"metadata":{"minIOPS":"700","maxIOPS":"900","burstIOPS":"1200"})") +
                                                         "}"),
                          "create with explicit keys");
  v = sim.volume_by_id(first_id(mb));
  EXPECT_EQ((*v)["qos"]["minIOPS"].i64(), 700);
  EXPECT_EQ((*v)["qos"]["burstIOPS"].i64(), 1200);
  const auto bad = drv->call("create_volume", "{\"volume\":" + volume_obj(new_uuid(), 1, project, "{}", Json(),
                                                                         R"(,"metadata":{"sf-qos":"ludicrous"})") +
                                                  "}");
  EXPECT_TRUE(IsError(bad, VDP_E_INVALID_ARGUMENT, "create_volume", "volume.metadata.sf-qos"));
  // A type with QoS keys wins over metadata.
  const std::string c = new_uuid();
  const Json mc = ok_json(drv->call("create_volume", "{\"volume\":" + volume_obj(c, 1, project, kGoldSpecs, Json(),
                                                                                 R"(,"metadata":{"sf-qos":"slow"})") +
                                                         "}"),
                          "create typed");
  EXPECT_EQ((*sim.volume_by_id(first_id(mc)))["qos"]["minIOPS"].i64(), 1000);
  for (const auto& [id, model] : {std::make_pair(a, ma), std::make_pair(b, mb), std::make_pair(c, mc)}) {
    ok_json(drv->call("delete_volume", "{\"volume\":" + volume_obj(id, 1, project, "{}", model) + "}"), "delete");
  }
}

// Out-of-range values are refused (bad_input_test.cpp); a partial QoS is completed against Element's
// defaults so that min <= max <= burst holds.
TEST_F(DataModify, QosIsCompleted) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-qcomplete");
  const std::string id = new_uuid();
  const std::string vol = volume_obj(id, 1, project, R"({"minIOPS":"50","maxIOPS":"200000"})");
  const Json m = ok_json(drv->call("create_volume", "{\"volume\":" + vol + "}"), "create");
  auto v = sim.volume_by_id(first_id(m));
  EXPECT_EQ((*v)["qos"]["minIOPS"].i64(), 50);
  EXPECT_EQ((*v)["qos"]["maxIOPS"].i64(), 200000);
  EXPECT_EQ((*v)["qos"]["burstIOPS"].i64(), 200000) << "burst lifted so that max <= burst holds";
  ok_json(drv->call("delete_volume", "{\"volume\":" + volume_obj(id, 1, project, "{}", m) + "}"), "delete");
}

}  // namespace
}  // namespace it
