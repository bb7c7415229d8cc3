// Element RPCs per replicated operation, on the primary and on the replication target, with 100 and then
// 10,000 other volumes on each cluster: every row must cost the same on both. The test prints the table
// the README quotes and fails while a row there differs. Pairs become Active at once here (replication_sync_delay_ms 0), so the wait for
// Active is one read; with a real cluster it polls until the initial sync is done.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "support.h"

namespace it {
namespace {

struct Cost {
  std::string label;
  vdp_status status = VDP_OK;
  RpcDelta primary;
  RpcDelta target;
};

const char* const kProject = "rpc-repl";
const char* const kA = "1a000000-0000-4000-8000-00000000001a";
const char* const kB = "1b000000-0000-4000-8000-00000000001b";
const char* const kC = "1c000000-0000-4000-8000-00000000001c";
const char* const kD = "1d000000-0000-4000-8000-00000000001d";
const char* const kE = "1e000000-0000-4000-8000-00000000001e";
const char* const kSnap = "15000000-0000-4000-8000-000000000015";

std::string type(const std::string& mode) {
  if (mode.empty()) return R"({"id":"plain","name":"plain","extra_specs":{}})";
  return R"({"id":"r-)" + mode + R"(","name":"r-)" + mode +
         R"(","extra_specs":{"replication_enabled":"<is> True","solidfire:replication_mode":)" + quote(mode) + "}}";
}

class ReplicatedScenario {
 public:
  explicit ReplicatedScenario(Sim& sim) : sim_(sim) {
    vh::ConfigMap cfg = sim_config(sim);
    cfg["replication_device"] = sim.replication_device(1, "dr");
    driver_ = make_driver(cfg);
    vh::CallOptions opts;
    opts.timeout = std::chrono::seconds(60);
    EXPECT_EQ(driver_->setup(opts).status, VDP_OK);
  }

  std::vector<Cost> run() {
    step("create_volume (replicated, new account)", "create_volume",
         [&] { return "{\"volume\":" + vol(kA, "Async", 1) + "}"; }, kA);
    step("create_volume (replicated, account cached)", "create_volume",
         [&] { return "{\"volume\":" + vol(kB, "Async", 1) + "}"; }, kB);
    step("create_volume (replicated, repeat)", "create_volume", [&] { return "{\"volume\":" + vol(kB, "Async", 1) + "}"; });
    step("create_snapshot (replicated volume)", "create_snapshot", [&] {
      return R"({"snapshot":{"id":")" + std::string(kSnap) + R"(","volume_id":")" + kB +
             R"(","volume_size":1,"volume":)" + vol(kB, "Async", 1) + "}}";
    });
    step("extend_volume (replicated)", "extend_volume",
         [&] { return "{\"volume\":" + vol(kB, "Async", 1) + ",\"new_size\":2}"; });
    step("create_cloned_volume (replicated)", "create_cloned_volume", [&] {
      return "{\"volume\":" + vol(kC, "Sync", 2, false) + ",\"src_vref\":" + vol(kB, "Async", 2) + "}";
    }, kC);
    step("create_volume (plain, for retype)", "create_volume", [&] { return "{\"volume\":" + vol(kD, "", 1) + "}"; }, kD);
    step("retype (into replication)", "retype",
         [&] { return "{\"volume\":" + vol(kD, "", 1) + ",\"new_type\":" + type("Async") + "}"; });
    step("retype (another mode)", "retype",
         [&] { return "{\"volume\":" + vol(kD, "Async", 1) + ",\"new_type\":" + type("Sync") + "}"; });
    step("retype (out of replication)", "retype",
         [&] { return "{\"volume\":" + vol(kD, "Sync", 1) + ",\"new_type\":" + type("") + "}"; });
    step("delete_volume (replicated)", "delete_volume", [&] { return "{\"volume\":" + vol(kA, "Async", 1) + "}"; });
    step("create_volume (plain, to migrate)", "create_volume", [&] { return "{\"volume\":" + vol(kE, "", 1) + "}"; }, kE);
    step("migrate_volume (to the target cluster)", "migrate_volume", [&] {
      return "{\"volume\":" + vol(kE, "", 1) + R"(,"host":{"host":"b@sf#sf","capabilities":{"location_info":"solidfire:)" +
             sim_.uuid_of(1) + R"(:UUID-:"}}})";
    });
    for (const char* id : {kB, kC, kD}) driver_->call("delete_volume", "{\"volume\":" + vol(id, "", 1) + "}");
    return rows_;
  }

 private:
  std::string vol(const std::string& id, const std::string& mode, int64_t size, bool with_model = true) {
    std::string v = R"({"id":")" + id + R"(","size":)" + std::to_string(size) + R"(,"project_id":")" + kProject +
                    R"(","volume_type":)" + type(mode);
    if (with_model && models_.count(id) && models_[id]["provider_id"].is_string()) {
      v += R"(,"provider_id":)" + quote(models_[id]["provider_id"].str());
    }
    return v + "}";
  }

  void step(const std::string& label, const std::string& op, const std::function<std::string()>& request,
            const std::string& remember_as = "") {
    const std::string req = request();
    vh::CallResult result;
    Cost row;
    row.label = label;
    row.target = measure_rpcs(sim_, [&] {
      row.primary = measure_rpcs(sim_, [&] { result = driver_->call(op, req); }, 0);
    }, 1);
    row.status = result.status;
    EXPECT_EQ(result.status, VDP_OK) << label << ": " << result.output;
    if (result.ok() && !remember_as.empty()) models_[remember_as] = Json::parse(result.output);
    rows_.push_back(row);
  }

  Sim& sim_;
  std::unique_ptr<vh::Driver> driver_;
  std::map<std::string, Json> models_;
  std::vector<Cost> rows_;
};

std::vector<Cost> run_with_background(int volumes) {
  element_sim::Options o = Sim::default_options();
  o.clusters = 2;
  o.replication_sync_delay_ms = 0;
  o.clone_delay_ms = 0;  // one GetAsyncResult: poll counts would otherwise depend on timing
  Sim sim(o);
  sim.seed("repl-seed", 50, volumes, 0);
  sim.seed("repl-seed", 50, volumes, 1);
  ReplicatedScenario scenario(sim);
  return scenario.run();
}

TEST(RpcTableScale, ReplicatedOperationsCostTheSameAt100And10000Volumes) {
  const std::vector<Cost> small = run_with_background(100);
  const std::vector<Cost> large = run_with_background(10000);
  ASSERT_EQ(small.size(), large.size());
  std::printf("\n");
  print_readme_row("| replicated operation | primary RPCs (100 / 10,000) | target RPCs (100 / 10,000) | "
                   "Element methods (primary; target) |");
  for (size_t i = 0; i < small.size(); ++i) {
    const Cost& s = small[i];
    const Cost& l = large[i];
    print_readme_row("| " + s.label + " | " + std::to_string(s.primary.rpcs) + " / " + std::to_string(l.primary.rpcs) +
                     " | " + std::to_string(s.target.rpcs) + " / " + std::to_string(l.target.rpcs) + " | " +
                     s.primary.methods + "; " + (s.target.methods.empty() ? "-" : s.target.methods) + " |");
    EXPECT_EQ(s.primary.rpcs, l.primary.rpcs) << s.label << ": primary cost grows with the cluster";
    EXPECT_EQ(s.target.rpcs, l.target.rpcs) << s.label << ": target cost grows with the cluster";
    EXPECT_EQ(s.primary.methods, l.primary.methods) << s.label;
    EXPECT_EQ(s.target.methods, l.target.methods) << s.label;
  }
  std::fflush(stdout);
}

}  // namespace
}  // namespace it
