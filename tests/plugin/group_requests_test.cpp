// The group slots' request parsing through the descriptor's slots, on a driver set up against an
// in-process element-sim (before setup every slot answers UNAVAILABLE first, vdp.h): a missing or
// mistyped member is INVALID_ARGUMENT naming its dotted path, before the driver is reached; a well-formed
// request gets past parsing.
#include <cjson/cJSON.h>
#include <element_sim/server.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "descriptor.h"
#include "operations.h"

namespace sfplugin {
namespace {

// The slots under test, as the descriptor holds them.
const vdp_plugin& sf = descriptor();

vdp_status config_get(uintptr_t data, vdp_config*, const char* key, char* buf, size_t len, size_t* needed) {
  const auto& config = *reinterpret_cast<const std::map<std::string, std::string>*>(data);
  const auto it = config.find(key);
  if (it == config.end()) return VDP_E_NOT_FOUND;
  *needed = it->second.size() + 1;
  if (buf == nullptr || len < *needed) return VDP_E_BUFFER_TOO_SMALL;
  std::memcpy(buf, it->second.c_str(), *needed);
  return VDP_OK;
}

struct Outcome {
  vdp_status status = VDP_OK;
  std::string field;
};

class GroupRequests : public ::testing::Test {
 protected:
  void SetUp() override {
    element_sim::Options opts;
    opts.tls = false;
    opts.log_level = "off";
    sim_ = std::make_unique<element_sim::Server>(opts);
    sim_->start();
    config_ = {{"san_ip", "127.0.0.1"},
               {"sf_api_port", std::to_string(sim_->port())},
               {"sf_api_scheme", "http"},
               {"san_login", opts.user},
               {"san_password", opts.password}};
    host_.struct_size = sizeof(vdp_host);
    host_.host_data = reinterpret_cast<uintptr_t>(&config_);
    host_.config_get = &config_get;
    char* out = nullptr;
    size_t len = 0;
    ASSERT_EQ(create(&host_, reinterpret_cast<vdp_config*>(uintptr_t{1}), &drv_, &out, &len), VDP_OK);
    free_string(out);
    ASSERT_EQ(call(sf.setup, "{}").status, VDP_OK);
  }
  void TearDown() override { destroy(drv_); }

  Outcome call(vdp_op_fn fn, const std::string& request) {
    char* out = nullptr;
    size_t len = 0;
    Outcome o;
    o.status = fn(drv_, reinterpret_cast<vdp_context*>(uintptr_t{1}), request.data(), request.size(), &out, &len);
    std::unique_ptr<cJSON, decltype(&cJSON_Delete)> doc(cJSON_ParseWithLength(out, len), &cJSON_Delete);
    free_string(out);
    const cJSON* field =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc.get(), "details"), "field");
    if (cJSON_IsString(field)) o.field = field->valuestring;
    return o;
  }
  void expect_invalid(vdp_op_fn fn, const std::string& request, const std::string& field) {
    const Outcome o = call(fn, request);
    EXPECT_EQ(o.status, VDP_E_INVALID_ARGUMENT) << request;
    EXPECT_EQ(o.field, field) << request;
  }

  std::unique_ptr<element_sim::Server> sim_;
  std::map<std::string, std::string> config_;
  vdp_host host_{};
  vdp_driver* drv_ = nullptr;
};

const std::string kGroup = R"({"id":"g1","group_specs":{"consistent_group_snapshot_enabled":"<is> True"}})";
const std::string kGs = R"({"id":"gs1","group_id":"g1"})";
const std::string kSnap = R"({"id":"s1","volume_id":"v1"})";
const std::string kVol = R"({"id":"v1","size":1})";

TEST_F(GroupRequests, MissingAndMistypedMembersAreNamed) {
  for (vdp_op_fn fn : {sf.create_group, sf.create_consistencygroup, sf.update_group, sf.delete_group}) {
    expect_invalid(fn, "{}", "group");
    expect_invalid(fn, R"({"group":{"group_specs":{}}})", "group.id");
    expect_invalid(fn, R"({"group":{"id":"g","group_specs":[1]}})", "group.group_specs");
  }
  expect_invalid(sf.update_group, R"({"group":)" + kGroup + R"(,"add_volumes":{}})", "add_volumes");
  expect_invalid(sf.update_consistencygroup, R"({"group":)" + kGroup + R"(,"remove_volumes":[{"size":1}]})",
                 "remove_volumes[0].id");
  expect_invalid(sf.delete_consistencygroup, R"({"group":)" + kGroup + R"(,"volumes":[)" + kVol + R"(,{"id":7}]})",
                 "volumes[1].id");

  for (vdp_op_fn fn : {sf.create_group_snapshot, sf.create_cgsnapshot}) {
    expect_invalid(fn, R"({"snapshots":[]})", "group_snapshot");
    expect_invalid(fn, R"({"group_snapshot":{"id":"gs1"},"snapshots":[]})", "group_snapshot.group_id");
    expect_invalid(fn, R"({"group_snapshot":)" + kGs + "}", "snapshots");
    expect_invalid(fn, R"({"group_snapshot":)" + kGs + R"(,"snapshots":[{"id":"s1"}]})", "snapshots[0].volume_id");
  }
  expect_invalid(sf.delete_group_snapshot, R"({"group_snapshot":{"group_id":"g1"}})", "group_snapshot.id");
  expect_invalid(sf.delete_cgsnapshot, R"({"group_snapshot":)" + kGs + R"(,"snapshots":"s1"})", "snapshots");

  for (vdp_op_fn fn : {sf.create_group_from_src, sf.create_consistencygroup_from_src}) {
    expect_invalid(fn, R"({"group":)" + kGroup + "}", "volumes");
    expect_invalid(fn, R"({"group":)" + kGroup + R"(,"volumes":[{"id":"n1"}]})", "volumes[0].size");
    expect_invalid(fn, R"({"group":)" + kGroup + R"(,"volumes":[)" + kVol + R"(],"group_snapshot":)" + kGs + "}",
                   "snapshots");
    expect_invalid(fn, R"({"group":)" + kGroup + R"(,"volumes":[)" + kVol + R"(],"source_group":)" + kGroup + "}",
                   "source_vols");
    expect_invalid(
        fn, R"({"group":)" + kGroup + R"(,"volumes":[)" + kVol + R"(],"source_group":{"id":3},"source_vols":[]})",
        "source_group.id");
  }
}

TEST_F(GroupRequests, WellFormedRequestsReachTheDriver) {
  const std::string from_snap = R"({"group":)" + kGroup + R"(,"volumes":[)" + kVol + R"(],"group_snapshot":)" + kGs +
                                R"(,"snapshots":[)" + kSnap + "]}";
  const std::string snap = R"({"group_snapshot":)" + kGs + R"(,"snapshots":[)" + kSnap + "]}";
  for (const auto& [fn, request] : std::initializer_list<std::pair<vdp_op_fn, std::string>>{
           {sf.create_group, R"({"group":)" + kGroup + "}"},
           {sf.update_consistencygroup, R"({"group":)" + kGroup + R"(,"add_volumes":[)" + kVol + "]}"},
           {sf.delete_group, R"({"group":)" + kGroup + "}"},
           {sf.create_group_from_src, from_snap},
           {sf.create_cgsnapshot, snap},
           {sf.delete_group_snapshot, R"({"group_snapshot":)" + kGs + "}"}}) {
    EXPECT_NE(call(fn, request).status, VDP_E_INVALID_ARGUMENT) << request;
  }
}

}  // namespace
}  // namespace sfplugin
