// Volume access groups through the ABI against element-sim (sf_enable_vag=true): create/reuse, an
// initiator registered in a foreign VAG, the VAG limit (purge of empty OpenStack VAGs, nothing
// purgeable), a VAG deleted underneath, a lost CreateVolumeAccessGroup answer, multiattach kept until
// deletion, terminate_connection with and without a connector, and the no-op without sf_enable_vag.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support.h"

namespace it {
namespace {

std::string unique_iqn() { return "iqn.2024-01.org.vdp:" + unique_name("host"); }

std::string connector_for(const std::string& iqn) {
  return R"({"initiator":)" + quote(iqn) + R"(,"host":"h","ip":"127.0.0.1","multipath":false})";
}

// Every VAG of the cluster (ListVolumeAccessGroups through handle()).
std::vector<Json> vags(Sim& sim) {
  const Json r = sim.rpc("ListVolumeAccessGroups");
  std::vector<Json> out;
  for (size_t i = 0; i < r["volumeAccessGroups"].size(); ++i) out.push_back(r["volumeAccessGroups"].at(i));
  return out;
}

std::optional<Json> vag_of(Sim& sim, const std::string& iqn) {
  for (const auto& g : vags(sim)) {
    for (size_t i = 0; i < g["initiators"].size(); ++i) {
      if (g["initiators"].at(i).str() == iqn) return g;
    }
  }
  return std::nullopt;
}

bool has_volume(const Json& vag, int64_t volume_id) {
  for (size_t i = 0; i < vag["volumes"].size(); ++i) {
    if (vag["volumes"].at(i).i64() == volume_id) return true;
  }
  return false;
}

struct Created {
  std::string id;
  std::string project;
  Json model;
  int64_t volume_id = 0;
  std::string object(bool multiattach = false) const {
    std::string o = volume_object(id, 1, project, model);
    if (multiattach) o.insert(o.size() - 1, R"(,"multiattach":true)");
    return o;
  }
};

class Vags : public ::testing::Test {
 protected:
  Created create(vh::Driver& drv, const std::string& project = "it-vag") {
    Created c;
    c.id = new_uuid();
    c.project = project;
    c.model = ok_json(drv.call("create_volume", create_request(c.id, 1, project)), "create_volume");
    c.volume_id = std::stoll(split(c.model["provider_id"].str()).at(0));
    return c;
  }
  vh::CallResult connect(vh::Driver& drv, const Created& c, const std::string& iqn, bool multiattach = false) {
    return drv.call("initialize_connection",
                    "{\"volume\":" + c.object(multiattach) + ",\"connector\":" + connector_for(iqn) + "}");
  }
  vh::CallResult disconnect(vh::Driver& drv, const Created& c, const std::string& iqn, bool multiattach = false) {
    return drv.call("terminate_connection",
                    "{\"volume\":" + c.object(multiattach) + ",\"connector\":" + connector_for(iqn) + "}");
  }
  const vh::ConfigMap vag_on{{"sf_enable_vag", "true"}};
};

TEST_F(Vags, ConnectCreatesReusesAndTerminateRemovesTheVag) {
  Sim& sim = shared_sim();
  auto drv = ready_driver(sim, nullptr, vag_on);
  const std::string iqn = unique_iqn();
  const Created a = create(*drv);
  const Created b = create(*drv);

  const Json conn = ok_json(connect(*drv, a, iqn), "initialize_connection");
  EXPECT_EQ(conn["data"]["auth_method"].str(), "CHAP") << "CHAP info is still returned";
  auto g = vag_of(sim, iqn);
  ASSERT_TRUE(g.has_value()) << "no VAG holds " << iqn;
  std::string expected_name = iqn;
  std::replace_if(
      expected_name.begin(), expected_name.end(), [](char ch) { return !std::isalnum(ch); }, '-');
  EXPECT_EQ((*g)["name"].str(), expected_name);
  EXPECT_TRUE((*g)["attributes"]["openstack"].boolean()) << g->dump();
  EXPECT_TRUE(has_volume(*g, a.volume_id));
  const int64_t vag_id = (*g)["volumeAccessGroupID"].i64();

  // Repeating is harmless; a second volume joins the same VAG.
  const size_t before = vags(sim).size();
  ok_json(connect(*drv, a, iqn), "initialize_connection again");
  ok_json(connect(*drv, b, iqn), "initialize_connection of b");
  EXPECT_EQ(vags(sim).size(), before) << "no second VAG for the same initiator";
  g = vag_of(sim, iqn);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ((*g)["volumeAccessGroupID"].i64(), vag_id);
  EXPECT_TRUE(has_volume(*g, a.volume_id) && has_volume(*g, b.volume_id)) << g->dump();
  const auto vol = sim.volume_by_id(b.volume_id);
  ASSERT_TRUE(vol.has_value());
  EXPECT_EQ((*vol)["volumeAccessGroups"].at(0).i64(), vag_id);

  // terminate: a leaves, the VAG stays for b; then b leaves and the emptied OpenStack VAG goes.
  ok_json(disconnect(*drv, a, iqn), "terminate_connection a");
  g = vag_of(sim, iqn);
  ASSERT_TRUE(g.has_value());
  EXPECT_FALSE(has_volume(*g, a.volume_id));
  EXPECT_TRUE(has_volume(*g, b.volume_id));
  ok_json(disconnect(*drv, b, iqn), "terminate_connection b");
  EXPECT_FALSE(vag_of(sim, iqn).has_value()) << "the emptied VAG carrying attributes.openstack is deleted";
  ok_json(disconnect(*drv, b, iqn), "terminate_connection repeated");

  ok_json(drv->call("delete_volume", "{\"volume\":" + a.object() + "}"), "delete a");
  ok_json(drv->call("delete_volume", "{\"volume\":" + b.object() + "}"), "delete b");
}

TEST_F(Vags, InitiatorAlreadyInAForeignVagIsReusedAndTheVagKept) {
  Sim& sim = shared_sim();
  auto drv = ready_driver(sim, nullptr, vag_on);
  const std::string iqn = unique_iqn();
  const Json made = sim.rpc("CreateVolumeAccessGroup", R"({"name":"made-by-hand","initiators":[)" + quote(iqn) + "]}");
  const int64_t foreign = made["volumeAccessGroupID"].i64();
  const Created a = create(*drv);
  const uint64_t creates = sim.count("CreateVolumeAccessGroup");
  ok_json(connect(*drv, a, iqn), "initialize_connection");
  EXPECT_EQ(sim.count("CreateVolumeAccessGroup"), creates) << "no VAG created: the foreign one is reused";
  auto g = vag_of(sim, iqn);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ((*g)["volumeAccessGroupID"].i64(), foreign);
  EXPECT_TRUE(has_volume(*g, a.volume_id));
  ok_json(disconnect(*drv, a, iqn), "terminate_connection");
  g = vag_of(sim, iqn);
  ASSERT_TRUE(g.has_value()) << "a VAG without attributes.openstack is never deleted";
  EXPECT_FALSE(has_volume(*g, a.volume_id));
  sim.rpc("DeleteVolumeAccessGroup", R"({"volumeAccessGroupID":)" + std::to_string(foreign) + "}");
  ok_json(drv->call("delete_volume", "{\"volume\":" + a.object() + "}"), "delete");
}

TEST_F(Vags, VagLimitPurgesEmptyOpenstackVagsOrFailsClearly) {
  element_sim::Options o = Sim::default_options();
  o.volume_access_group_count_max = 3;
  Sim sim(o);
  auto drv = ready_driver(sim, nullptr, vag_on);
  const Created a = create(*drv);
  // The cluster is full of empty VAGs: two OpenStack leftovers and one a user made.
  sim.rpc("CreateVolumeAccessGroup", R"({"name":"leftover-1","attributes":{"openstack":true}})");
  sim.rpc("CreateVolumeAccessGroup", R"({"name":"leftover-2","attributes":{"openstack":true}})");
  sim.rpc("CreateVolumeAccessGroup", R"({"name":"users-own"})");
  const std::string iqn1 = unique_iqn();
  ok_json(connect(*drv, a, iqn1), "initialize_connection at the VAG limit");
  const auto all = vags(sim);
  EXPECT_EQ(all.size(), 2u) << "both leftovers purged, ours created";
  bool users_kept = false;
  for (const auto& g : all) users_kept = users_kept || g["name"].str() == "users-own";
  EXPECT_TRUE(users_kept) << "a VAG without attributes.openstack is never purged";
  ASSERT_TRUE(vag_of(sim, iqn1).has_value());

  // Full again with nothing purgeable: RESOURCE_EXHAUSTED, bounded (one create attempt).
  sim.rpc("CreateVolumeAccessGroup", R"({"name":"users-2"})");
  const uint64_t creates = sim.count("CreateVolumeAccessGroup");
  const auto r = connect(*drv, a, unique_iqn());
  EXPECT_TRUE(IsError(r, VDP_E_RESOURCE_EXHAUSTED, "initialize_connection"));
  EXPECT_EQ(Json::parse(r.output)["backend_error"].str(), "xExceededLimit") << r.output;
  EXPECT_EQ(sim.count("CreateVolumeAccessGroup") - creates, 1u);
}

TEST_F(Vags, VagDeletedUnderneathIsRecreated) {
  Sim sim;
  auto drv = ready_driver(sim, nullptr, vag_on);
  const std::string iqn = unique_iqn();
  const Created a = create(*drv);
  const Created b = create(*drv);
  ok_json(connect(*drv, a, iqn), "initialize_connection a");
  const auto g = vag_of(sim, iqn);
  ASSERT_TRUE(g.has_value());
  sim.rpc("DeleteVolumeAccessGroup",
          R"({"volumeAccessGroupID":)" + std::to_string((*g)["volumeAccessGroupID"].i64()) + "}");
  ok_json(connect(*drv, b, iqn), "initialize_connection b after the VAG vanished");
  const auto again = vag_of(sim, iqn);
  ASSERT_TRUE(again.has_value());
  EXPECT_NE((*again)["volumeAccessGroupID"].i64(), (*g)["volumeAccessGroupID"].i64());
  EXPECT_TRUE(has_volume(*again, b.volume_id));

  // The VAG disappears between the listing and AddVolumesToVolumeAccessGroup (the cluster says so once).
  sim.server().add_fault("AddVolumesToVolumeAccessGroup:error=xVolumeAccessGroupIDDoesNotExist:count=1");
  ok_json(connect(*drv, a, iqn), "initialize_connection a with the VAG reported gone");
  sim.server().clear_faults();
  const auto last = vag_of(sim, iqn);
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(has_volume(*last, a.volume_id));
  EXPECT_EQ(vags(sim).size(), 1u);
}

TEST_F(Vags, LostCreateAnswerNeverDuplicatesTheVag) {
  Sim sim;
  auto drv = ready_driver(sim, nullptr, vag_on);
  const std::string iqn = unique_iqn();
  const Created a = create(*drv);
  sim.server().add_fault("CreateVolumeAccessGroup:drop:count=1");
  ok_json(connect(*drv, a, iqn), "initialize_connection with a lost CreateVolumeAccessGroup answer");
  sim.server().clear_faults();
  EXPECT_EQ(vags(sim).size(), 1u);
  const auto g = vag_of(sim, iqn);
  ASSERT_TRUE(g.has_value());
  EXPECT_TRUE(has_volume(*g, a.volume_id));
}

TEST_F(Vags, MultiattachStaysUntilDeleteWhichLeavesEveryVag) {
  Sim sim;
  auto drv = ready_driver(sim, nullptr, vag_on);
  const std::string h1 = unique_iqn();
  const std::string h2 = unique_iqn();
  const Created a = create(*drv);
  ok_json(connect(*drv, a, h1, true), "connect h1");
  ok_json(connect(*drv, a, h2, true), "connect h2");
  ok_json(disconnect(*drv, a, h1, true), "terminate h1");
  auto g1 = vag_of(sim, h1);
  ASSERT_TRUE(g1.has_value());
  EXPECT_TRUE(has_volume(*g1, a.volume_id)) << "multiattach volumes stay in their VAGs until deletion";
  const uint64_t vag_deletes = sim.count("DeleteVolumeAccessGroup");
  ok_json(drv->call("delete_volume", "{\"volume\":" + a.object(true) + "}"), "delete_volume");
  EXPECT_EQ(sim.count("DeleteVolumeAccessGroup") - vag_deletes, 2u)
      << "it was the last volume of both VAGs: each went with it, before DeleteVolume";
  EXPECT_FALSE(sim.volume_by_id(a.volume_id).has_value());
  EXPECT_TRUE(vags(sim).empty()) << "OpenStack VAGs left empty are deleted";
}

TEST_F(Vags, TerminateWithoutConnectorLeavesEveryVag) {
  Sim sim;
  auto drv = ready_driver(sim, nullptr, vag_on);
  const std::string h1 = unique_iqn();
  const std::string h2 = unique_iqn();
  const Created a = create(*drv);
  const Created keep = create(*drv);
  ok_json(connect(*drv, a, h1), "connect h1");
  ok_json(connect(*drv, keep, h1), "connect keep");
  ok_json(connect(*drv, a, h2), "connect h2");
  ok_json(drv->call("terminate_connection", "{\"volume\":" + a.object() + ",\"force\":true}"), "force detach");
  const auto vol = sim.volume_by_id(a.volume_id);
  ASSERT_TRUE(vol.has_value());
  EXPECT_EQ((*vol)["volumeAccessGroups"].size(), 0u) << vol->dump();
  ASSERT_TRUE(vag_of(sim, h1).has_value()) << "h1's VAG still serves another volume";
  EXPECT_TRUE(has_volume(*vag_of(sim, h1), keep.volume_id));
  EXPECT_FALSE(vag_of(sim, h2).has_value()) << "h2's emptied VAG is gone";
}

// Eight connections of eight volumes for one initiator at once, through two drivers (two hosts'
// lock services do not know each other): one VAG ends up holding all eight; then concurrent
// terminations empty and delete it.
TEST_F(Vags, ConcurrentConnectionsForOneInitiatorShareOneVag) {
  Sim sim;
  auto d1 = ready_driver(sim, nullptr, vag_on);
  auto d2 = ready_driver(sim, nullptr, vag_on);
  const std::string iqn = unique_iqn();
  constexpr int kVolumes = 8;
  std::vector<Created> vols;
  for (int i = 0; i < kVolumes; ++i) vols.push_back(create(*d1));
  std::mutex mu;
  std::vector<std::string> failures;
  auto run = [&](bool connect_op) {
    std::latch start(kVolumes);
    std::vector<std::thread> threads;
    for (int i = 0; i < kVolumes; ++i) {
      threads.emplace_back([&, i] {
        vh::Driver& d = (i % 2 == 0) ? *d1 : *d2;
        start.arrive_and_wait();
        const auto r = connect_op ? connect(d, vols[static_cast<size_t>(i)], iqn)
                                  : disconnect(d, vols[static_cast<size_t>(i)], iqn);
        if (!r.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          failures.push_back(r.output);
        }
      });
    }
    for (auto& t : threads) t.join();
  };
  run(true);
  EXPECT_TRUE(failures.empty()) << failures.front();
  const auto all = vags(sim);
  ASSERT_EQ(all.size(), 1u) << "one VAG per initiator, whatever the races";
  for (const auto& v : vols) EXPECT_TRUE(has_volume(all.front(), v.volume_id)) << v.volume_id;
  run(false);
  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_TRUE(vags(sim).empty()) << "the emptied VAG is deleted";
}

TEST_F(Vags, WithoutVagOptionTerminateIsANoOp) {
  Sim& sim = shared_sim();
  auto drv = ready_driver(sim);
  const Created a = create(*drv);
  const uint64_t before = sim.total();
  ok_json(disconnect(*drv, a, unique_iqn()), "terminate_connection");
  ok_json(drv->call("terminate_connection", "{\"volume\":" + a.object() + "}"), "terminate without connector");
  EXPECT_EQ(sim.total(), before) << "no RPC without sf_enable_vag";
  ok_json(drv->call("delete_volume", "{\"volume\":" + a.object() + "}"), "delete");
}

TEST_F(Vags, ConnectingAMissingVolumeIsNotFound) {
  Sim& sim = shared_sim();
  auto drv = ready_driver(sim, nullptr, vag_on);
  Created ghost;
  ghost.id = new_uuid();
  ghost.project = "it-vag-ghost";
  ghost.model = Json::parse(R"({"provider_id":"999999 1 )" + sim.cluster_info()["uuid"].str() + "\"}");
  const uint64_t creates = sim.count("CreateVolumeAccessGroup");
  EXPECT_TRUE(IsError(connect(*drv, ghost, unique_iqn()), VDP_E_NOT_FOUND, "initialize_connection", "volume.id"));
  EXPECT_EQ(sim.count("CreateVolumeAccessGroup"), creates);
}

}  // namespace
}  // namespace it
