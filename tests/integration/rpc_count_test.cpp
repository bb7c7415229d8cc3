// RPCs per operation, counted by the simulator, and the proof that they do not grow with the cluster:
// the same sequence runs on an empty cluster and after seeding 10,000 volumes in 50 other accounts.
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support.h"

namespace it {
namespace {

using Row = RpcDelta;

// Row names, in table order.
const std::vector<std::string> kRows = {
    "create_volume, account on cluster, not cached",
    "create_volume, account cached",
    "create_volume, repeated (already exists)",
    "create_export",
    "ensure_export",
    "initialize_connection",
    "delete_volume with provider_id",
    "delete_volume, fresh driver",
    "delete_volume, already gone",
    "get_volume_stats refresh",
};

// One measured sequence on a project whose account exists on the cluster but in no driver's cache.
std::map<std::string, Row> run_sequence(Sim& sim) {
  std::map<std::string, Row> rows;
  const std::string project = unique_name("it-rpc");
  sim.add_account(project);
  auto drv = ready_driver(sim);
  const std::string id1 = new_uuid(), id2 = new_uuid();
  Json m1, m2;
  auto ok = [](const vh::CallResult& r, const char* what) {
    EXPECT_EQ(r.status, VDP_OK) << what << ": " << r.output;
    return Json::parse(r.output);
  };
  rows[kRows[0]] = measure_rpcs(sim, [&] { m1 = ok(drv->call("create_volume", create_request(id1, 1, project)), "create 1"); });
  rows[kRows[1]] = measure_rpcs(sim, [&] { m2 = ok(drv->call("create_volume", create_request(id2, 1, project)), "create 2"); });
  rows[kRows[2]] = measure_rpcs(sim, [&] { ok(drv->call("create_volume", create_request(id1, 1, project)), "create again"); });
  const std::string v1 = volume_object(id1, 1, project, m1);
  rows[kRows[3]] = measure_rpcs(sim, [&] {
    ok(drv->call("create_export", "{\"volume\":" + v1 + ",\"connector\":" + connector_json() + "}"), "create_export");
  });
  rows[kRows[4]] = measure_rpcs(sim, [&] { ok(drv->call("ensure_export", "{\"volume\":" + v1 + "}"), "ensure_export"); });
  rows[kRows[5]] = measure_rpcs(sim, [&] {
    ok(drv->call("initialize_connection", "{\"volume\":" + v1 + ",\"connector\":" + connector_json() + "}"),
       "initialize_connection");
  });
  rows[kRows[6]] = measure_rpcs(sim, [&] { ok(drv->call("delete_volume", "{\"volume\":" + v1 + "}"), "delete 1"); });
  auto fresh = ready_driver(sim);
  rows[kRows[7]] = measure_rpcs(sim, [&] {
    ok(fresh->call("delete_volume", volume_request(id2, 1, project, m2)), "delete 2 on a fresh driver");
  });
  rows[kRows[8]] = measure_rpcs(sim, [&] { ok(drv->call("delete_volume", "{\"volume\":" + v1 + "}"), "delete 1 again"); });
  rows[kRows[9]] = measure_rpcs(sim, [&] { ok(drv->call("get_volume_stats", R"({"refresh":true})"), "stats"); });
  return rows;
}

void expect_bounds(const std::map<std::string, Row>& rows, const std::string& label) {
  SCOPED_TRACE(label);
  const Row& uncached = rows.at(kRows[0]);
  EXPECT_LE(uncached.rpcs, 3u) << "account lookup + idempotency check + create at most; got " << uncached.methods;
  EXPECT_GE(uncached.rpcs, 1u);
  const Row& cached = rows.at(kRows[1]);
  EXPECT_LE(cached.rpcs, 2u) << "idempotency check + create at most with a cached account; got " << cached.methods;
  EXPECT_EQ(rows.at(kRows[6]).rpcs, 3u) << "lookup + DeleteVolume + PurgeDeletedVolume; got "
                                         << rows.at(kRows[6]).methods;
  EXPECT_EQ(rows.at(kRows[7]).rpcs, 3u) << "lookup + DeleteVolume + PurgeDeletedVolume; got "
                                         << rows.at(kRows[7]).methods;
  // A repeated create finds the volume and creates nothing; a repeated delete deletes nothing.
  EXPECT_EQ(rows.at(kRows[2]).methods.find("CreateVolume"), std::string::npos) << rows.at(kRows[2]).methods;
  EXPECT_EQ(rows.at(kRows[8]).methods.find("DeleteVolume"), std::string::npos) << rows.at(kRows[8]).methods;
}

// Small cluster only (also runs under Valgrind).
TEST(RpcCount, PerOperationBounds) {
  Sim& sim = shared_sim();
  const auto rows = run_sequence(sim);
  expect_bounds(rows, "shared cluster");
  for (const auto& name : kRows) std::cout << "  " << std::left << std::setw(48) << name << rows.at(name).rpcs
                                           << "  (" << rows.at(name).methods << ")\n";
}


TEST(RpcCountScale, SameCountsWithTenThousandVolumes) {
  Sim sim;  // a cluster of its own: "0 extra volumes" means exactly that
  const auto small = run_sequence(sim);
  expect_bounds(small, "empty cluster");

  constexpr int kExtra = 10000;
  sim.seed("seed", 50, kExtra);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const Json active = sim.rpc("ListActiveVolumes", "{\"startVolumeID\":0,\"limit\":20000}")["volumes"];
  ASSERT_GE(active.size(), static_cast<size_t>(kExtra));

  const auto big = run_sequence(sim);
  expect_bounds(big, "10,000 extra volumes");

  std::ostringstream table;
  table << "\nRPCs per operation (element-sim counts)\n"
        << std::left << std::setw(48) << "operation" << std::right << std::setw(12) << "0 extra" << std::setw(16)
        << "10,000 extra" << std::setw(18) << "vols serialised" << "  methods (10,000 extra)\n"
        << std::string(48 + 12 + 16 + 18 + 24, '-') << "\n";
  for (const auto& name : kRows) {
    table << std::left << std::setw(48) << name << std::right << std::setw(12) << small.at(name).rpcs
          << std::setw(16) << big.at(name).rpcs << std::setw(18)
          << (std::to_string(small.at(name).serialized) + " / " + std::to_string(big.at(name).serialized)) << "  "
          << big.at(name).methods << "\n";
  }
  std::cout << table.str() << std::flush;

  for (const auto& name : kRows) {
    if (name == "get_volume_stats refresh") continue;  // informational: capacity may legitimately page
    EXPECT_EQ(small.at(name).rpcs, big.at(name).rpcs)
        << name << ": RPCs grow with the cluster (" << small.at(name).methods << " vs " << big.at(name).methods << ")";
    EXPECT_EQ(small.at(name).methods, big.at(name).methods) << name;
    // Filtered lookups: the cluster serialises only the volumes asked for, never a listing of all.
    EXPECT_EQ(small.at(name).serialized, big.at(name).serialized) << name << ": payload grows with the cluster";
    EXPECT_LE(big.at(name).serialized, 4u) << name;
  }
}

}  // namespace
}  // namespace it
