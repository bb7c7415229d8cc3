// Malformed requests for every served operation: INVALID_ARGUMENT naming the exact field, a well-formed
// error object, no RPC reaches the cluster, and the process keeps serving.
#include <string>
#include <vector>

#include "support.h"

namespace it {
namespace {

const std::vector<std::string> kServed = {"setup",         "describe",      "create_volume",
                                          "delete_volume", "get_volume_stats", "create_export",
                                          "ensure_export", "remove_export", "initialize_connection",
                                          // access and administration operations
                                          "terminate_connection", "attach_volume", "detach_volume",
                                          "manage_existing", "manage_existing_get_size", "unmanage",
                                          "accept_transfer", "update_provider_info",
                                          // volume data operations
                                          "create_snapshot", "delete_snapshot", "revert_to_snapshot",
                                          "create_volume_from_snapshot", "create_cloned_volume", "extend_volume",
                                          "retype"};

struct BadRequest {
  std::string name;
  std::string bytes;  // may hold NULs and invalid UTF-8
  std::string field;
};

std::string deep(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "{\"a\":";
  s += "1";
  for (int i = 0; i < depth; ++i) s += "}";
  return s;
}

std::string with_nul(const std::string& a, const std::string& b) { return a + std::string(1, '\0') + b; }

// Requests every operation must reject before doing anything, all with details.field "request".
std::vector<BadRequest> generic_bad_requests() {
  const std::string id = new_uuid();
  return {
      {"empty", "", "request"},
      {"not json", "not json", "request"},
      {"truncated", "{\"volume\":{\"id\":", "request"},
      {"array", "[]", "request"},
      {"string", "\"volume\"", "request"},
      {"null literal", "null", "request"},
      {"trailing data", "{} {}", "request"},
      {"embedded NUL inside a string", with_nul("{\"volume\":{\"id\":\"" + id.substr(0, 8), id.substr(8) + "\",\"size\":1}}"),
       "request"},
      {"NUL after the object", with_nul("{}", ""), "request"},
      {"invalid UTF-8 (0xff)", "{\"volume\":{\"id\":\"\xff\xfe\",\"size\":1}}", "request"},
      {"overlong UTF-8", "{\"x\":\"\xc0\xaf\"}", "request"},
      {"UTF-16 surrogate in UTF-8", "{\"x\":\"\xed\xa0\x80\"}", "request"},
      {"truncated UTF-8 sequence", "{\"x\":\"\xe2\x82\"}", "request"},
      {"nesting depth 100", deep(100), "request"},
      {"nesting depth 65", deep(65), "request"},
  };
}

class Malformed : public ::testing::Test {
 protected:
  void SetUp() override {
    drv = ready_driver(sim);
    raw = std::make_unique<RawDriver>(plugin()->descriptor(), sim_config(sim));
    ASSERT_EQ(raw->create_status(), VDP_OK) << raw->create_output();
    const auto r = raw->call(plugin()->descriptor().setup, "{}");
    ASSERT_EQ(r.status, VDP_OK) << r.out;
  }
  Sim& sim = shared_sim();
  std::unique_ptr<vh::Driver> drv;
  std::unique_ptr<RawDriver> raw;
};

TEST_F(Malformed, GenericBadRequestsForEveryServedOperation) {
  auto p = plugin();
  const uint64_t before = sim.total();
  for (const auto& op : kServed) {
    const vdp_op_fn fn = p->op(op);
    ASSERT_NE(fn, nullptr) << op << " slot is NULL";
    SCOPED_TRACE("operation " + op);

    // NULL request (with and without a length).
    for (size_t len : {size_t{0}, size_t{2}}) {
      const auto r = raw->call(fn, nullptr, len);
      EXPECT_FALSE(r.out_null);
      EXPECT_EQ(r.out_len, r.out.size());
      EXPECT_TRUE(IsErrorJson(r.status, r.out, VDP_E_INVALID_ARGUMENT, op, "request")) << "NULL req, len " << len;
    }
    // NULL out: no crash, INVALID_ARGUMENT.
    size_t out_len = 12345;
    EXPECT_EQ(fn(raw->handle(), nullptr, "{}", 2, nullptr, &out_len), VDP_E_INVALID_ARGUMENT);
    EXPECT_EQ(fn(raw->handle(), nullptr, nullptr, 0, nullptr, nullptr), VDP_E_INVALID_ARGUMENT);

    for (const auto& bad : generic_bad_requests()) {
      const auto r = raw->call(fn, bad.bytes.data(), bad.bytes.size());
      EXPECT_TRUE(IsErrorJson(r.status, r.out, VDP_E_INVALID_ARGUMENT, op, bad.field)) << bad.name;
      // The same through the host library, which must echo the request id.
      if (bad.bytes.find('\0') == std::string::npos) {
        vh::CallOptions opts;
        opts.request_id = "req-bad-" + op;
        EXPECT_TRUE(IsError(drv->call(op, bad.bytes, opts), VDP_E_INVALID_ARGUMENT, op, bad.field, opts.request_id))
            << bad.name << " via Driver::call";
      }
    }
  }
  EXPECT_EQ(sim.total(), before) << "malformed requests reached the cluster";

  // req_len is authoritative, not a NUL: the first 2 bytes of "{}garbage" are the request {}.
  const std::string valid_then_garbage = "{}garbage";
  for (const auto& name : kServed) {
    const auto r = raw->call(p->op(name), valid_then_garbage.data(), 2);
    if (name == "setup" || name == "describe" || name == "get_volume_stats" ||
        name == "update_provider_info") {  // {} is a complete request for these
      EXPECT_EQ(r.status, VDP_OK) << name << ": req_len 2 of \"{}garbage\" must read as {}: " << r.out;
    } else {
      // The first required member: "snapshot" for the snapshot operations, "volume" for the others.
      const char* first = (name == "create_snapshot" || name == "delete_snapshot") ? "snapshot" : "volume";
      EXPECT_TRUE(IsErrorJson(r.status, r.out, VDP_E_INVALID_ARGUMENT, name, first)) << name << ": {} by req_len";
    }
  }
}

struct Case {
  std::string op;
  std::string request;
  std::string field;
};

std::vector<Case> typed_cases() {
  const std::string id = new_uuid();
  const std::string qid = quote(id);
  const std::string vol = "{\"id\":" + qid + ",\"project_id\":\"it-bad\"}";
  const std::string conn = connector_json();
  auto cv = [&](const std::string& members) { return "{\"volume\":{\"id\":" + qid + ",\"project_id\":\"it-bad\"," + members + "}}"; };
  std::vector<Case> cases = {
      // create_volume
      {"create_volume", "{}", "volume"},
      {"create_volume", R"({"volume":null})", "volume"},
      {"create_volume", R"({"volume":5})", "volume"},
      {"create_volume", R"({"volume":"x"})", "volume"},
      {"create_volume", R"({"volume":{"size":1,"project_id":"it-bad"}})", "volume.id"},
      {"create_volume", R"({"volume":{"id":null,"size":1,"project_id":"it-bad"}})", "volume.id"},
      {"create_volume", R"({"volume":{"id":5,"size":1,"project_id":"it-bad"}})", "volume.id"},
      {"create_volume", R"({"volume":{"id":"","size":1,"project_id":"it-bad"}})", "volume.id"},
      {"create_volume", cv(R"("size":"10")"), "volume.size"},
      {"create_volume", cv(R"("size":-1)"), "volume.size"},
      {"create_volume", cv(R"("size":0)"), "volume.size"},
      {"create_volume", cv(R"("size":1.5)"), "volume.size"},
      {"create_volume", cv(R"("size":1e300)"), "volume.size"},
      {"create_volume", cv(R"("size":1e400)"), "volume.size"},
      {"create_volume", cv(R"("size":9007199254740992)"), "volume.size"},
      {"create_volume", cv(R"("size":-9007199254740992)"), "volume.size"},
      {"create_volume", cv(R"("size":16385)"), "volume.size"},
      {"create_volume", cv(R"("size":true)"), "volume.size"},
      {"create_volume", cv(R"("size":null)"), "volume.size"},
      {"create_volume", "{\"volume\":{\"id\":" + qid + ",\"project_id\":\"it-bad\"}}", "volume.size"},
      {"create_volume", cv(R"("size":1,"multiattach":"yes")"), "volume.multiattach"},
      {"create_volume", cv(R"("size":1,"metadata":5)"), "volume.metadata"},
      {"create_volume", cv(R"("size":1,"volume_type":"gold")"), "volume.volume_type"},
      {"create_volume", cv(R"("size":1,"display_name":7)"), "volume.display_name"},
      {"create_volume", cv(R"("size":1,"provider_id":7)"), "volume.provider_id"},
      {"create_volume", cv(R"("size":1,"size":2)"), "volume.size"},  // duplicate key
      {"create_volume", "{\"volume\":{\"id\":" + qid + ",\"size\":1},\"volume\":{\"id\":" + qid + ",\"size\":1}}",
       "volume"},
      // delete_volume
      {"delete_volume", "{}", "volume"},
      {"delete_volume", R"({"volume":[]})", "volume"},
      {"delete_volume", R"({"volume":{"project_id":"it-bad"}})", "volume.id"},
      {"delete_volume", R"({"volume":{"id":5}})", "volume.id"},
      {"delete_volume", cv(R"("provider_id":5)"), "volume.provider_id"},
      {"delete_volume", cv(R"("size":"10")"), "volume.size"},
      {"delete_volume", cv(R"("multiattach":"yes")"), "volume.multiattach"},
      {"delete_volume", cv(R"("size":9007199254740993)"), "volume.size"},
      // get_volume_stats
      {"get_volume_stats", R"({"refresh":"yes"})", "refresh"},
      {"get_volume_stats", R"({"refresh":1})", "refresh"},
      {"get_volume_stats", R"({"refresh":true,"refresh":false})", "refresh"},
      // create_export
      {"create_export", "{}", "volume"},
      {"create_export", "{\"connector\":" + conn + "}", "volume"},
      {"create_export", R"({"volume":{"id":5},"connector":{}})", "volume.id"},
      {"create_export", "{\"volume\":" + vol + ",\"connector\":5}", "connector"},
      {"create_export", "{\"volume\":" + vol + R"(,"connector":{"initiator":5}})", "connector.initiator"},
      {"create_export", "{\"volume\":" + vol + R"(,"connector":{"initiator":"iqn.x","multipath":"no"}})",
       "connector.multipath"},
      // ensure_export
      {"ensure_export", "{}", "volume"},
      {"ensure_export", R"({"volume":{"id":5}})", "volume.id"},
      {"ensure_export", R"({"volume":{}})", "volume.id"},
      {"ensure_export", cv(R"("provider_auth":["CHAP"])"), "volume.provider_auth"},
      // remove_export
      {"remove_export", "{}", "volume"},
      {"remove_export", R"({"volume":true})", "volume"},
      {"remove_export", R"({"volume":{"id":5}})", "volume.id"},
      // initialize_connection
      {"initialize_connection", "{\"connector\":" + conn + "}", "volume"},
      {"initialize_connection", "{\"volume\":" + vol + "}", "connector"},
      {"initialize_connection", "{\"volume\":" + vol + ",\"connector\":null}", "connector"},
      {"initialize_connection", "{\"volume\":" + vol + ",\"connector\":\"iqn\"}", "connector"},
      {"initialize_connection", "{\"volume\":" + vol + R"(,"connector":{"host":"h"}})", "connector.initiator"},
      {"initialize_connection", "{\"volume\":" + vol + R"(,"connector":{"initiator":5}})", "connector.initiator"},
      {"initialize_connection", "{\"volume\":" + vol + R"(,"connector":{"initiator":"iqn.x","multipath":"yes"}})",
       "connector.multipath"},
      {"initialize_connection", "{\"volume\":{\"id\":5},\"connector\":" + conn + "}", "volume.id"},
      {"initialize_connection", "{\"volume\":" + vol + ",\"connector\":" + conn + ",\"connector\":" + conn + "}",
       "connector"},
      // access and administration operations
      {"terminate_connection", "{}", "volume"},
      {"terminate_connection", "{\"volume\":" + vol + ",\"connector\":5}", "connector"},
      {"terminate_connection", "{\"volume\":" + vol + R"(,"connector":{"host":"h"}})", "connector.initiator"},
      {"terminate_connection", "{\"volume\":" + vol + R"(,"force":"yes"})", "force"},
      {"attach_volume", "{}", "volume"},
      {"attach_volume", "{\"volume\":" + vol + R"(,"instance_uuid":5})", "instance_uuid"},
      {"attach_volume", "{\"volume\":" + vol + R"(,"attach_time":[]})", "attach_time"},
      {"detach_volume", "{}", "volume"},
      {"detach_volume", "{\"volume\":" + vol + R"(,"attachment":{}})", "attachment.id"},
      {"detach_volume", "{\"volume\":" + vol + R"(,"attachment":"a"})", "attachment"},
      {"detach_volume", "{\"volume\":" + vol + R"(,"attachment":{"id":"a","instance_uuid":5}})",
       "attachment.instance_uuid"},
      {"manage_existing", "{\"volume\":" + vol + "}", "existing_ref"},
      {"manage_existing", "{\"volume\":" + vol + R"(,"existing_ref":{}})", "existing_ref"},
      {"manage_existing", "{\"volume\":" + vol + R"(,"existing_ref":{"source-id":0}})", "existing_ref.source-id"},
      {"manage_existing", "{\"volume\":" + vol + R"(,"existing_ref":{"source-id":"12x"}})",
       "existing_ref.source-id"},
      {"manage_existing", "{\"volume\":" + vol + R"(,"existing_ref":{"name":""}})", "existing_ref.name"},
      {"manage_existing_get_size", R"({"existing_ref":{"name":"x"}})", "volume"},
      {"manage_existing_get_size", "{\"volume\":" + vol + R"(,"existing_ref":{"name":5}})", "existing_ref.name"},
      {"unmanage", "{}", "volume"},
      {"unmanage", R"({"volume":{"id":5}})", "volume.id"},
      {"accept_transfer", "{\"volume\":" + vol + R"(,"new_user":"u"})", "new_project"},
      {"accept_transfer", "{\"volume\":" + vol + R"(,"new_user":"u","new_project":5})", "new_project"},
      {"accept_transfer", R"({"new_user":"u","new_project":"p"})", "volume"},
      {"update_provider_info", R"({"volumes":{}})", "volumes"},
      {"update_provider_info", R"({"volumes":[{"size":1}]})", "volumes[0].id"},
      {"update_provider_info", R"({"snapshots":[{"id":"s"}]})", "snapshots[0].volume_id"},
      // volume data operations
      {"create_snapshot", "{}", "snapshot"},
      {"create_snapshot", R"({"snapshot":5})", "snapshot"},
      {"create_snapshot", R"({"snapshot":{"volume_id":"v"}})", "snapshot.id"},
      {"create_snapshot", R"({"snapshot":{"id":"s"}})", "snapshot.volume_id"},
      {"create_snapshot", R"({"snapshot":{"id":"s","volume_id":"v","volume_size":0}})", "snapshot.volume_size"},
      {"create_snapshot", R"({"snapshot":{"id":"s","volume_id":"v","volume":{"size":1}}})", "snapshot.volume.id"},
      {"delete_snapshot", R"({"snapshot":{"id":5,"volume_id":"v"}})", "snapshot.id"},
      {"delete_snapshot", R"({"snapshot":{"id":"s","volume_id":"v","provider_id":7}})", "snapshot.provider_id"},
      {"revert_to_snapshot", "{\"volume\":" + vol + "}", "snapshot"},
      {"revert_to_snapshot", R"({"snapshot":{"id":"s","volume_id":"v"}})", "volume"},
      {"create_volume_from_snapshot", "{\"volume\":" + vol + R"(,"snapshot":{"id":"s","volume_id":"v"}})",
       "volume.size"},
      {"create_volume_from_snapshot", "{\"volume\":{\"id\":" + qid + ",\"size\":1}}", "snapshot"},
      {"create_cloned_volume", "{\"volume\":{\"id\":" + qid + ",\"size\":1}}", "src_vref"},
      {"create_cloned_volume", "{\"volume\":{\"id\":" + qid + R"(,"size":1},"src_vref":{"id":5}})", "src_vref.id"},
      {"extend_volume", "{\"volume\":" + vol + "}", "new_size"},
      {"extend_volume", "{\"volume\":" + vol + R"(,"new_size":"2"})", "new_size"},
      {"extend_volume", "{\"volume\":" + vol + R"(,"new_size":0})", "new_size"},
      {"retype", "{\"volume\":" + vol + "}", "new_type"},
      {"retype", "{\"volume\":" + vol + R"(,"new_type":"gold"})", "new_type"},
      {"retype", "{\"volume\":" + vol + R"(,"new_type":{"id":"t","qos_specs":{"consumer":"x","specs":{}}}})",
       "new_type.qos_specs.consumer"},
  };
  return cases;
}

TEST_F(Malformed, WrongTypesAndMissingFieldsNameTheField) {
  const uint64_t before = sim.total();
  int n = 0;
  for (const auto& c : typed_cases()) {
    vh::CallOptions opts;
    opts.request_id = "req-typed-" + std::to_string(n++);
    const auto r = drv->call(c.op, c.request, opts);
    EXPECT_TRUE(IsError(r, VDP_E_INVALID_ARGUMENT, c.op, c.field, opts.request_id))
        << c.op << " " << c.request;
  }
  EXPECT_EQ(sim.total(), before) << "invalid requests reached the cluster";
  // Still serving.
  ok_json(drv->call("describe", "{}"), "describe after malformed requests");
  ok_json(drv->call("get_volume_stats", R"({"refresh":true})"), "stats after malformed requests");
}

// Numbers outside +/-(2^53-1) are invalid anywhere in a request (vdp.h), not only in known fields.
TEST_F(Malformed, OutOfRangeIntegerInUnknownMember) {
  const std::string id = new_uuid();
  const std::string project = unique_name("it-big");
  const uint64_t before = sim.total();
  const std::string req =
      "{\"volume\":{\"id\":" + quote(id) + ",\"size\":1,\"project_id\":" + quote(project) +
      ",\"x_extra\":9007199254740993}}";
  const auto r = drv->call("create_volume", req);
  if (r.ok()) {  // clean up before failing
    drv->call("delete_volume", volume_request(id, 1, project, Json::parse(r.output)));
  }
  EXPECT_TRUE(IsError(r, VDP_E_INVALID_ARGUMENT, "create_volume"));
  const std::string field = Json::parse(r.output)["details"]["field"].str();
  EXPECT_TRUE(field == "volume.x_extra" || field == "request") << "details.field: " << field;
  if (!r.ok()) {
    EXPECT_EQ(sim.total(), before);
  }
}

// Unknown members are ignored whatever their type, and null equals absent.
TEST_F(Malformed, UnknownMembersIgnoredAndNullIsAbsent) {
  const std::string id = new_uuid();
  const std::string project = unique_name("it-unk");
  const std::string req = "{\"volume\":{\"id\":" + quote(id) + ",\"size\":1,\"project_id\":" + quote(project) +
                          R"(,"x_obj":{"a":[1,2,{"b":null}]},"x_str":"s","multiattach":null,"metadata":null},)"
                          R"("x_top":[true,false,null])" + "}";
  const Json model = ok_json(drv->call("create_volume", req), "create_volume with unknown members");
  ok_json(drv->call("delete_volume", volume_request(id, 1, project, model)), "delete_volume");
}

}  // namespace
}  // namespace it
