// Element RPCs per operation, on a cluster holding 100 and then 10,000 other volumes. Every operation
// must cost the same on both (only the listing operations, update_provider_info and get_volume_stats,
// may grow), create_volume and delete_volume at most 3. The test prints the table the README quotes and
// fails while a row there differs. Clones complete at once (clone_delay_ms 0): one GetAsyncResult each.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "support.h"

namespace it {
namespace {

struct Row {
  std::string label;
  bool listing = false;  // allowed to grow with the cluster
  vdp_status status = VDP_OK;
  uint64_t rpcs = 0;
  std::string methods;   // Element methods called (see measure_rpcs)
};

// The scenario's volumes: fixed ids so that both runs issue identical requests.
const char* const kVolA = "0a000000-0000-4000-8000-00000000000a";
const char* const kVolB = "0b000000-0000-4000-8000-00000000000b";
const char* const kVolC = "0c000000-0000-4000-8000-00000000000c";
const char* const kVolD = "0d000000-0000-4000-8000-00000000000d";
const char* const kVolE = "0e000000-0000-4000-8000-00000000000e";
const char* const kSnap = "05000000-0000-4000-8000-000000000005";
const char* const kProject = "rpc-table";


class Scenario {
 public:
  explicit Scenario(Sim& sim) : sim_(sim) {
    driver_ = ready_driver(sim, nullptr, {{"sf_enable_vag", "true"}});
    plain_ = ready_driver(sim);
  }

  std::vector<Row> run() {
    // An unmanaged volume for manage_existing, made directly on the cluster.
    const int64_t legacy_account = sim_.add_account("rpc-table-legacy");
    const Json legacy = sim_.rpc("CreateVolume", "{\"name\":\"legacy-db\",\"accountID\":" + std::to_string(legacy_account) +
                                                     ",\"totalSize\":1610612736,\"enable512e\":true}");
    const std::string legacy_id = std::to_string(legacy["volumeID"].i64());
    const std::string connector = connector_json();

    step("create_volume (new account)", "create_volume", [&] { return create_request(kVolA, 1, kProject); }, kVolA);
    step("create_volume (account cached)", "create_volume", [&] { return create_request(kVolB, 2, kProject); }, kVolB);
    step("create_volume (repeat, idempotent)", "create_volume", [&] { return create_request(kVolB, 2, kProject); });
    step("create_export", "create_export", [&] { return "{\"volume\":" + vol(kVolB) + ",\"connector\":" + connector + "}"; });
    step("ensure_export", "ensure_export", [&] { return "{\"volume\":" + vol(kVolB) + "}"; });
    step("initialize_connection (CHAP)", "initialize_connection",
         [&] { return "{\"volume\":" + vol(kVolB) + ",\"connector\":" + connector + "}"; }, "", plain_.get());
    step("initialize_connection (VAG)", "initialize_connection",
         [&] { return "{\"volume\":" + vol(kVolB) + ",\"connector\":" + connector + "}"; });
    step("terminate_connection (VAG)", "terminate_connection",
         [&] { return "{\"volume\":" + vol(kVolB) + ",\"connector\":" + connector + "}"; });
    step("attach_volume", "attach_volume", [&] {
      return "{\"volume\":" + vol(kVolB) + ",\"instance_uuid\":\"inst-1\",\"host_name\":\"h1\",\"mountpoint\":\"/dev/vdb\"}";
    });
    step("detach_volume", "detach_volume", [&] { return "{\"volume\":" + vol(kVolB) + "}"; });
    step("extend_volume", "extend_volume", [&] { return "{\"volume\":" + vol(kVolB) + ",\"new_size\":3}"; });
    sizes_[kVolB] = 3;
    step("create_snapshot", "create_snapshot", [&] { return "{\"snapshot\":" + snapshot() + "}"; }, kSnap);
    step("create_volume_from_snapshot", "create_volume_from_snapshot", [&] {
      return "{\"volume\":" + fresh(kVolC, 3) + ",\"snapshot\":" + snapshot() + "}";
    }, kVolC);
    step("create_cloned_volume", "create_cloned_volume",
         [&] { return "{\"volume\":" + fresh(kVolD, 4) + ",\"src_vref\":" + vol(kVolB) + "}"; }, kVolD);
    step("revert_to_snapshot", "revert_to_snapshot",
         [&] { return "{\"volume\":" + vol(kVolB) + ",\"snapshot\":" + snapshot() + "}"; });
    step("retype", "retype", [&] {
      return "{\"volume\":" + vol(kVolB) +
             ",\"new_type\":{\"id\":\"t2\",\"name\":\"silver\",\"extra_specs\":{\"qos:minIOPS\":\"500\",\"qos:maxIOPS\":\"2000\",\"qos:burstIOPS\":\"4000\"}}}";
    });
    step("delete_snapshot", "delete_snapshot", [&] { return "{\"snapshot\":" + snapshot() + "}"; });
    step("manage_existing_get_size", "manage_existing_get_size", [&] {
      return "{\"volume\":" + fresh(kVolE, 2) + ",\"existing_ref\":{\"source-id\":\"" + legacy_id + "\"}}";
    });
    step("manage_existing", "manage_existing", [&] {
      return "{\"volume\":" + fresh(kVolE, 2) + ",\"existing_ref\":{\"source-id\":\"" + legacy_id + "\"}}";
    }, kVolE);
    step("unmanage", "unmanage", [&] { return "{\"volume\":" + vol(kVolE) + "}"; });
    step("accept_transfer", "accept_transfer",
         [&] { return "{\"volume\":" + vol(kVolD) + ",\"new_user\":\"u2\",\"new_project\":\"rpc-table-2\"}"; }, kVolD);
    projects_[kVolD] = "rpc-table-2";
    step("update_provider_info (listing)", "update_provider_info",
         [&] { return "{\"volumes\":[" + vol(kVolA) + "," + vol(kVolB) + "],\"snapshots\":[]}"; }, "", nullptr, true);
    step("get_volume_stats refresh (listing)", "get_volume_stats", [] { return std::string("{\"refresh\":true}"); }, "",
         nullptr, true);
    step("delete_volume", "delete_volume", [&] { return "{\"volume\":" + vol(kVolA) + "}"; });
    step("delete_volume (already gone)", "delete_volume", [&] { return "{\"volume\":" + vol(kVolA) + "}"; });
    for (const char* id : {kVolB, kVolC, kVolD}) call_quietly("delete_volume", "{\"volume\":" + vol(id) + "}");
    return rows_;
  }

 private:
  // The "volume" object of a created volume, with its model update merged in.
  std::string vol(const std::string& id) {
    return volume_object(id, sizes_.count(id) ? sizes_[id] : 1, projects_.count(id) ? projects_[id] : kProject,
                         models_[id]);
  }
  std::string fresh(const std::string& id, int64_t size) {
    sizes_[id] = size;
    return volume_object(id, size, kProject, Json());
  }
  std::string snapshot() {
    std::string s = "{\"id\":\"" + std::string(kSnap) + "\",\"volume_id\":\"" + kVolB + "\",\"volume_size\":3,\"project_id\":\"" +
                    kProject + "\",\"volume\":" + vol(kVolB);
    if (models_[kSnap].has("provider_id")) s += ",\"provider_id\":" + quote(models_[kSnap]["provider_id"].str());
    return s + "}";
  }

  void step(const std::string& label, const std::string& op, const std::function<std::string()>& request,
            const std::string& remember_as = "", vh::Driver* driver = nullptr, bool listing = false) {
    vh::Driver& d = driver != nullptr ? *driver : *driver_;
    const std::string req = request();
    vh::CallResult result;
    const RpcDelta cost = measure_rpcs(sim_, [&] { result = d.call(op, req); });
    Row row;
    row.label = label;
    row.listing = listing;
    row.status = result.status;
    row.rpcs = cost.rpcs;
    row.methods = cost.methods;
    if (result.ok() && !remember_as.empty()) models_[remember_as] = Json::parse(result.output);
    rows_.push_back(row);
  }

  void call_quietly(const std::string& op, const std::string& req) { driver_->call(op, req); }

  Sim& sim_;
  std::unique_ptr<vh::Driver> driver_;
  std::unique_ptr<vh::Driver> plain_;
  std::map<std::string, Json> models_;
  std::map<std::string, int64_t> sizes_;
  std::map<std::string, std::string> projects_;
  std::vector<Row> rows_;
};

std::vector<Row> run_with_background(int volumes) {
  element_sim::Options o = Sim::default_options();
  o.clone_delay_ms = 0;  // one GetAsyncResult per clone: poll counts would otherwise depend on timing
  Sim sim(o);
  sim.seed("table-seed", 50, volumes);
  Scenario scenario(sim);
  return scenario.run();
}

TEST(RpcTableScale, EqualCostAt100And10000Volumes) {
  const std::vector<Row> small = run_with_background(100);
  const std::vector<Row> large = run_with_background(10000);
  ASSERT_EQ(small.size(), large.size());

  std::printf("\n");
  print_readme_row("| operation | RPCs at 100 volumes | RPCs at 10,000 volumes | Element methods |");
  for (size_t i = 0; i < small.size(); ++i) {
    const Row& s = small[i];
    const Row& l = large[i];
    const bool served = s.status == VDP_OK;
    print_readme_row("| " + s.label + " | " + (served ? std::to_string(s.rpcs) : "-") + " | " +
                     (served ? std::to_string(l.rpcs) : "-") + " | " +
                     (served ? s.methods : std::string(vdp_status_name(s.status))) + " |");
    EXPECT_EQ(s.status, l.status) << s.label;
    EXPECT_TRUE(s.status == VDP_OK || s.status == VDP_E_NOT_SUPPORTED) << s.label << ": " << vdp_status_name(s.status);
    if (!served) continue;  // an operation not served yet appears as NOT_SUPPORTED and costs nothing
    if (!s.listing) {
      EXPECT_EQ(s.rpcs, l.rpcs) << s.label << ": cost grows with the cluster";
    }
    const bool bounded_op = s.label.rfind("create_volume (", 0) == 0 || s.label.rfind("delete_volume", 0) == 0;
    if (bounded_op && s.label.find("new account") == std::string::npos) {
      EXPECT_LE(s.rpcs, 3u) << s.label;
      EXPECT_LE(l.rpcs, 3u) << s.label;
    }
  }
  std::fflush(stdout);
}

}  // namespace
}  // namespace it
