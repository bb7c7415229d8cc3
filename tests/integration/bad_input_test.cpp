// Bad input and hostile backends through the ABI against element-sim: invalid QoS in a volume type is
// INVALID_ARGUMENT naming the key and changes nothing on the cluster; every length limit names its request
// field; replies over the 64 MiB bound and replies that never end are BACKEND/TIMEOUT errors within bounded
// time, after which the driver keeps working.
#include <chrono>

#include "volume_requests.h"

namespace it {
namespace {

using namespace data;  // NOLINT(google-build-using-namespace)
using Clock = std::chrono::steady_clock;

class BadInput : public ::testing::Test {
 protected:
  void TearDown() override { sim.server().clear_faults(); }
  Sim& sim = shared_sim();
};

// One invalid QoS value of each kind the rule in driver/src/qos.h refuses.
struct BadSpec {
  const char* key;
  const char* value;
};
constexpr BadSpec kBadSpecs[] = {
    {"qos:minIOPS", "-5"},       {"qos:minIOPS", "0"},        {"qos:maxIOPS", "abc"},
    {"qos:burstIOPS", "1e3x"},   {"qos:minIOPS", ""},         {"qos:maxIOPS", "1500.5"},
    {"qos:minIOPS", "15001"},    {"qos:maxIOPS", "200001"},   {"qos:burstIOPS", "250000"},
    {"minIOPS", "49"},           {"qos:scaleMin", "-2"},
};

std::string spec_json(const std::string& key, const std::string& value) {
  return "{" + quote(key) + ":" + quote(value) + "}";
}

TEST_F(BadInput, CreateWithInvalidQosIsRefusedNamingTheKeyAndCreatesNothing) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-badqos");
  const uint64_t creates = sim.count("CreateVolume");
  for (const auto& bad : kBadSpecs) {
    const std::string id = new_uuid();
    const std::string vol = volume_obj(id, 1, project, spec_json(bad.key, bad.value));
    const auto r = drv->call("create_volume", "{\"volume\":" + vol + "}");
    EXPECT_TRUE(IsError(r, VDP_E_INVALID_ARGUMENT, "create_volume",
                        std::string("volume.volume_type.extra_specs.") + bad.key))
        << bad.key << "=" << bad.value;
    EXPECT_TRUE(named(sim, id).empty()) << bad.key << "=" << bad.value;
  }
  // Ordering: min > max and max > burst name the lower key's field.
  const auto order = drv->call("create_volume", "{\"volume\":" +
                                                    volume_obj(new_uuid(), 1, project,
                                                               R"({"qos:maxIOPS":"3000","qos:burstIOPS":"2000"})") +
                                                    "}");
  EXPECT_TRUE(IsError(order, VDP_E_INVALID_ARGUMENT, "create_volume", "volume.volume_type.extra_specs.qos:maxIOPS"));
  const auto order2 = drv->call("create_volume", "{\"volume\":" +
                                                     volume_obj(new_uuid(), 1, project,
                                                                R"({"qos:minIOPS":"3000","qos:maxIOPS":"2000"})") +
                                                     "}");
  EXPECT_TRUE(IsError(order2, VDP_E_INVALID_ARGUMENT, "create_volume", "volume.volume_type.extra_specs.qos:minIOPS"));
  // QoS specs associated with the type are named under qos_specs.
  const auto qs = drv->call("create_volume", "{\"volume\":{\"id\":" + quote(new_uuid()) +
                                                 ",\"size\":1,\"project_id\":" + quote(project) +
                                                 R"(,"volume_type":{"id":"q","qos_specs":{"minIOPS":"-5"}}}})");
  EXPECT_TRUE(IsError(qs, VDP_E_INVALID_ARGUMENT, "create_volume", "volume.volume_type.qos_specs.minIOPS"));
  EXPECT_EQ(sim.count("CreateVolume"), creates) << "an invalid QoS reached the cluster";
  EXPECT_FALSE(sim.account_by_name(project).has_value()) << "refused before any write, the account included";
}

TEST_F(BadInput, RetypeToAnInvalidQosTypeIsRefusedAndLeavesTheVolumeAlone) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-badretype");
  const std::string id = new_uuid();
  const Json m = ok_json(drv->call("create_volume", "{\"volume\":" + volume_obj(id, 2, project) + "}"), "create");
  const std::string vobj = volume_obj(id, 2, project, kGoldSpecs, m);
  const Json before = *sim.volume_by_id(first_id(m));
  const uint64_t modifies = sim.count("ModifyVolume");
  for (const auto& bad : kBadSpecs) {
    const auto r = drv->call("retype", "{\"volume\":" + vobj + R"(,"new_type":{"id":"b","name":"bad","extra_specs":)" +
                                           spec_json(bad.key, bad.value) + "}}");
    EXPECT_TRUE(IsError(r, VDP_E_INVALID_ARGUMENT, "retype", std::string("new_type.extra_specs.") + bad.key))
        << bad.key << "=" << bad.value;
  }
  EXPECT_EQ(sim.count("ModifyVolume"), modifies) << "an invalid QoS reached the cluster";
  const Json after = *sim.volume_by_id(first_id(m));
  EXPECT_EQ(after["qos"].dump(), before["qos"].dump());
  EXPECT_EQ(after["attributes"].dump(), before["attributes"].dump());
  // A valid retype still works.
  ok_json(drv->call("retype", "{\"volume\":" + vobj +
                                  R"(,"new_type":{"id":"g","name":"g","extra_specs":{"qos:minIOPS":"50"}}})"),
          "retype to Element's lowest minIOPS");
  EXPECT_EQ((*sim.volume_by_id(first_id(m)))["qos"]["minIOPS"].i64(), 50);
  ok_json(drv->call("delete_volume", "{\"volume\":" + vobj + "}"), "delete");
}

TEST_F(BadInput, LengthLimitsNameTheRequestField) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-len");
  const uint64_t writes_before = sim.count("CreateVolume") + sim.count("AddAccount");

  // project_id: the field, not the account name made from it.
  const std::string long_project(5000, 'p');
  const auto p = drv->call("create_volume", create_request(new_uuid(), 1, long_project));
  EXPECT_TRUE(IsError(p, VDP_E_INVALID_ARGUMENT, "create_volume", "volume.project_id"));
  EXPECT_EQ(Json::parse(p.output)["message"].str().rfind("volume.project_id", 0), 0u) << p.output;
  // volume.id: "UUID-" + 60 characters exceeds Element's 64-character volume names.
  const auto i = drv->call("create_volume", create_request(std::string(60, 'a'), 1, project));
  EXPECT_TRUE(IsError(i, VDP_E_INVALID_ARGUMENT, "create_volume", "volume.id"));
  // volume.id beyond the plugin's 255 characters.
  const auto i2 = drv->call("create_volume", create_request(std::string(300, 'a'), 1, project));
  EXPECT_TRUE(IsError(i2, VDP_E_INVALID_ARGUMENT, "create_volume", "volume.id"));
  // volume.size beyond Element's 16 TiB.
  const auto s = drv->call("create_volume", create_request(new_uuid(), 16385, project));
  EXPECT_TRUE(IsError(s, VDP_E_INVALID_ARGUMENT, "create_volume", "volume.size"));
  EXPECT_EQ(sim.count("CreateVolume") + sim.count("AddAccount"), writes_before);

  const std::string id = new_uuid();
  const Json m = ok_json(drv->call("create_volume", create_request(id, 1, project)), "create");
  const std::string vobj = volume_object(id, 1, project, m);
  // extend: new_size beyond 16 TiB.
  const auto e = drv->call("extend_volume", "{\"volume\":" + vobj + ",\"new_size\":16385}");
  EXPECT_TRUE(IsError(e, VDP_E_INVALID_ARGUMENT, "extend_volume", "new_size"));
  // create_snapshot: "UUID-" + 253 characters exceeds Element's 255-character snapshot names.
  const auto sn = drv->call("create_snapshot", "{\"snapshot\":" +
                                                   snapshot_obj(std::string(253, 's'), vobj, id, project) + "}");
  EXPECT_TRUE(IsError(sn, VDP_E_INVALID_ARGUMENT, "create_snapshot", "snapshot.id"));
  EXPECT_TRUE(cluster_snapshots(sim, first_id(m)).empty());
  // accept_transfer: the new project's account name would not fit.
  const auto t = drv->call("accept_transfer", "{\"volume\":" + vobj + R"(,"new_user":"u","new_project":)" +
                                                  quote(std::string(100, 'n')) + "}");
  EXPECT_TRUE(IsError(t, VDP_E_INVALID_ARGUMENT, "accept_transfer", "new_project"));
  // initialize_connection: an initiator name over Element's 224 characters.
  const std::string iqn = "iqn.2024-01.org.example:" + std::string(220, 'i');
  const auto c = drv->call("initialize_connection", "{\"volume\":" + vobj + R"(,"connector":{"initiator":)" +
                                                        quote(iqn) + R"(,"host":"h"}})");
  EXPECT_TRUE(IsError(c, VDP_E_INVALID_ARGUMENT, "initialize_connection", "connector.initiator"));
  ok_json(drv->call("delete_volume", "{\"volume\":" + vobj + "}"), "delete");
}

// A reply over the 64 MiB bound (valid JSON otherwise) is BACKEND, not a crash or a multi-GiB parse; the
// create that read it stops before CreateVolume; the driver works afterwards.
TEST_F(BadInput, HugeReplyIsABackendErrorAndTheDriverRecovers) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-huge");
  const std::string id = new_uuid();
  // Account first, so that the next ListVolumes is the duplicate check of the create below.
  const Json warm = ok_json(drv->call("create_volume", create_request(new_uuid(), 1, project)), "warm-up");
  (void)warm;
  const uint64_t creates = sim.count("CreateVolume");
  sim.server().add_fault("ListVolumes:huge=70000000:count=1");
  const auto started = Clock::now();
  const auto r = drv->call("create_volume", create_request(id, 1, project));
  EXPECT_TRUE(IsError(r, VDP_E_BACKEND, "create_volume"));
  EXPECT_NE(Json::parse(r.output)["message"].str().find("ListVolumes"), std::string::npos) << r.output;
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(under_valgrind() ? 240 : 60));
  EXPECT_EQ(sim.count("CreateVolume"), creates);
  EXPECT_TRUE(named(sim, id).empty());
  const Json m = ok_json(drv->call("create_volume", create_request(id, 1, project)), "create after the huge reply");
  EXPECT_EQ(named(sim, id).size(), 1u);
  ok_json(drv->call("delete_volume", volume_request(id, 1, project, m)), "delete");
}

// A reply whose body never ends is cut off by the call's deadline: TIMEOUT (or BACKEND), nothing created,
// well within bounded time; the same driver then works.
TEST_F(BadInput, EndlessReplyEndsByTheDeadlineAndTheDriverRecovers) {
  auto drv = ready_driver(sim);
  const std::string project = unique_name("it-endless");
  const std::string id = new_uuid();
  ok_json(drv->call("create_volume", create_request(new_uuid(), 1, project)), "warm-up");
  const uint64_t creates = sim.count("CreateVolume");
  sim.server().add_fault("ListVolumes:endless");
  vh::CallOptions opts;
  opts.timeout = std::chrono::milliseconds(3000);
  opts.request_id = "req-endless";
  const auto started = Clock::now();
  const auto r = drv->call("create_volume", create_request(id, 1, project), opts);
  const auto took = Clock::now() - started;
  const vdp_status st = r.status;
  EXPECT_TRUE(st == VDP_E_TIMEOUT || st == VDP_E_BACKEND) << r.output;
  EXPECT_TRUE(IsError(r, st, "create_volume", {}, opts.request_id));
  EXPECT_LT(took, std::chrono::seconds(under_valgrind() ? 60 : 15));
  EXPECT_GE(took, std::chrono::milliseconds(2500)) << "the body was waited for until the deadline";
  sim.server().clear_faults();
  EXPECT_EQ(sim.count("CreateVolume"), creates);
  EXPECT_TRUE(named(sim, id).empty());
  const Json m = ok_json(drv->call("create_volume", create_request(id, 1, project)), "create after the endless reply");
  ok_json(drv->call("delete_volume", volume_request(id, 1, project, m)), "delete");
}

}  // namespace
}  // namespace it
