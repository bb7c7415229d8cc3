// RPCs per access/administration operation, counted by the simulator, on an empty cluster and after
// seeding 10,000 volumes in 50 other accounts: equal for every operation except update_provider_info
// (a listing by design), and the payload (volume objects serialised) does not grow either.
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

const std::vector<std::string> kRows = {
    "initialize_connection, VAG created",
    "initialize_connection, VAG reused (2nd volume)",
    "initialize_connection, repeated",
    "terminate_connection, VAG kept",
    "terminate_connection, VAG emptied and deleted",
    "attach_volume",
    "detach_volume",
    "accept_transfer, new project",
    "unmanage",
    "manage_existing_get_size by source-id",
    "manage_existing by source-id",
    "manage_existing_get_size by name",
    "delete_volume in a VAG",
    "update_provider_info (2 volumes)",
};

std::map<std::string, Row> run_sequence(Sim& sim) {
  std::map<std::string, Row> rows;
  const std::string project = unique_name("it-arpc");
  const std::string iqn = "iqn.2024-01.org.vdp:" + unique_name("rpc");
  const std::string conn = R"({"initiator":)" + quote(iqn) + R"(,"host":"h","ip":"127.0.0.1"})";
  sim.add_account(project);
  auto drv = ready_driver(sim, nullptr, {{"sf_enable_vag", "true"}});
  auto ok = [](const vh::CallResult& r, const std::string& what) {
    EXPECT_EQ(r.status, VDP_OK) << what << ": " << r.output;
    return Json::parse(r.output);
  };
  const std::string a = new_uuid(), b = new_uuid();
  const Json ma = ok(drv->call("create_volume", create_request(a, 1, project)), "create a");
  const Json mb = ok(drv->call("create_volume", create_request(b, 1, project)), "create b");
  const std::string va = volume_object(a, 1, project, ma);
  const std::string vb = volume_object(b, 1, project, mb);
  auto connect = [&](const std::string& v) {
    ok(drv->call("initialize_connection", "{\"volume\":" + v + ",\"connector\":" + conn + "}"), "connect");
  };
  auto disconnect = [&](const std::string& v) {
    ok(drv->call("terminate_connection", "{\"volume\":" + v + ",\"connector\":" + conn + "}"), "disconnect");
  };
  rows[kRows[0]] = measure_rpcs(sim, [&] { connect(va); });
  rows[kRows[1]] = measure_rpcs(sim, [&] { connect(vb); });
  rows[kRows[2]] = measure_rpcs(sim, [&] { connect(vb); });
  rows[kRows[3]] = measure_rpcs(sim, [&] { disconnect(va); });
  rows[kRows[4]] = measure_rpcs(sim, [&] { disconnect(vb); });
  rows[kRows[5]] = measure_rpcs(sim, [&] {
    ok(drv->call("attach_volume",
                 "{\"volume\":" + va + R"(,"instance_uuid":"i-1","attach_time":"2024-01-01T00:00:00Z"})"),
       "attach");
  });
  rows[kRows[6]] = measure_rpcs(sim, [&] {
    ok(drv->call("detach_volume", "{\"volume\":" + va + R"(,"attachment":{"id":"x","instance_uuid":"i-1"}})"),
       "detach");
  });
  const std::string to = unique_name("it-arpc-to");
  Json moved;
  rows[kRows[7]] = measure_rpcs(sim, [&] {
    moved =
        ok(drv->call("accept_transfer", "{\"volume\":" + va + R"(,"new_user":"u","new_project":)" + quote(to) + "}"),
           "transfer");
  });
  const std::string va2 = volume_object(a, 1, to, moved);
  rows[kRows[8]] = measure_rpcs(sim, [&] { ok(drv->call("unmanage", "{\"volume\":" + va2 + "}"), "unmanage"); });
  const std::string vid = split(moved["provider_id"].str()).at(0);
  const std::string c = new_uuid();
  const std::string vc = R"({"id":)" + quote(c) + R"(,"size":1,"project_id":)" + quote(project) + "}";
  rows[kRows[9]] = measure_rpcs(sim, [&] {
    ok(drv->call("manage_existing_get_size", "{\"volume\":" + vc + R"(,"existing_ref":{"source-id":)" + vid + "}}"),
       "get_size");
  });
  Json mc;
  rows[kRows[10]] = measure_rpcs(sim, [&] {
    mc = ok(drv->call("manage_existing", "{\"volume\":" + vc + R"(,"existing_ref":{"source-id":)" + vid + "}}"),
            "manage");
  });
  rows[kRows[11]] = measure_rpcs(sim, [&] {
    ok(drv->call("manage_existing_get_size",
                 "{\"volume\":" + vc + R"(,"existing_ref":{"name":)" + quote("UUID-" + a) + "}}"),
       "get_size by name");
  });
  connect(vb);
  rows[kRows[12]] = measure_rpcs(sim, [&] { ok(drv->call("delete_volume", "{\"volume\":" + vb + "}"), "delete b"); });
  rows[kRows[13]] = measure_rpcs(sim, [&] {
    ok(drv->call("update_provider_info", "{\"volumes\":[" + volume_object(c, 1, project, mc) + "," + vb + "]}"), "upi");
  });
  ok(drv->call("delete_volume", volume_request(c, 1, project, mc)), "delete c");
  return rows;
}


TEST(AccessRpcCount, Bounds) {
  Sim sim;
  const auto rows = run_sequence(sim);
  EXPECT_LE(rows.at(kRows[0]).rpcs, 3u) << rows.at(kRows[0]).methods;
  EXPECT_LE(rows.at(kRows[1]).rpcs, 3u) << rows.at(kRows[1]).methods;
  EXPECT_EQ(rows.at(kRows[2]).methods, "ListVolumes ListVolumeAccessGroups") << "a repeat writes nothing";
  EXPECT_EQ(rows.at(kRows[5]).rpcs, 2u) << rows.at(kRows[5]).methods;
  EXPECT_EQ(rows.at(kRows[6]).rpcs, 2u) << rows.at(kRows[6]).methods;
  EXPECT_EQ(rows.at(kRows[9]).rpcs, 1u) << rows.at(kRows[9]).methods;
  EXPECT_EQ(rows.at(kRows[13]).methods, "ListVolumes") << "one listing (no snapshots asked)";
  for (const auto& name : kRows)
    std::cout << "  " << std::left << std::setw(50) << name << rows.at(name).rpcs << "  (" << rows.at(name).methods
              << ")\n";
}

TEST(AccessRpcCountScale, SameCountsWithTenThousandVolumes) {
  Sim sim;
  const auto small = run_sequence(sim);
  sim.seed("aseed", 50, 10000);
  const auto big = run_sequence(sim);
  std::ostringstream table;
  table << "\nRPCs per access/administration operation (element-sim counts)\n"
        << std::left << std::setw(50) << "operation" << std::right << std::setw(10) << "0 extra" << std::setw(14)
        << "10,000 extra" << std::setw(18) << "vols serialised"
        << "  methods (10,000 extra)\n"
        << std::string(50 + 10 + 14 + 18 + 24, '-') << "\n";
  for (const auto& name : kRows) {
    table << std::left << std::setw(50) << name << std::right << std::setw(10) << small.at(name).rpcs << std::setw(14)
          << big.at(name).rpcs << std::setw(18)
          << (std::to_string(small.at(name).serialized) + " / " + std::to_string(big.at(name).serialized)) << "  "
          << big.at(name).methods << "\n";
  }
  std::cout << table.str() << std::flush;
  for (const auto& name : kRows) {
    if (name.rfind("update_provider_info", 0) == 0) continue;  // a listing by design
    EXPECT_EQ(small.at(name).rpcs, big.at(name).rpcs)
        << name << ": " << small.at(name).methods << " vs " << big.at(name).methods;
    EXPECT_EQ(small.at(name).methods, big.at(name).methods) << name;
    EXPECT_EQ(small.at(name).serialized, big.at(name).serialized) << name << ": payload grows with the cluster";
  }
}

}  // namespace
}  // namespace it
