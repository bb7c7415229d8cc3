// Several clusters in one process: cluster pairing, volume pairing, replication states.
#include "sim_test_util.h"

using namespace simtest;

namespace {

element_sim::Options two_clusters() {
  element_sim::Options o = plain_options();
  o.clusters = 2;
  o.manual_clock = true;
  o.replication_sync_delay_ms = 500;
  return o;
}

class Pairing : public ::testing::Test {
 protected:
  Json c0(const std::string& m, const std::string& p = "{}") { return call(sim, m, p, "8.0", 0); }
  Json c1(const std::string& m, const std::string& p = "{}") { return call(sim, m, p, "8.0", 1); }
  // Pairs the clusters; returns {id on 0, id on 1}.
  std::pair<int64_t, int64_t> pair_clusters() {
    Json s = c0("StartClusterPairing");
    EXPECT_TRUE(result(s)) << print(s.get());
    Json c = c1("CompleteClusterPairing", "{\"clusterPairingKey\":\"" + str(result(s), "clusterPairingKey") + "\"}");
    EXPECT_TRUE(result(c)) << print(c.get());
    return {num(result(s), "clusterPairID"), num(result(c), "clusterPairID")};
  }
  const cJSON* first_pair(const Json& list) { return cJSON_GetArrayItem(get(result(list), "clusterPairs"), 0); }
  Json vol_of(int cluster, int64_t id) {
    return call(sim, "ListVolumes", "{\"volumeIDs\":[" + std::to_string(id) + "]}", "8.0", cluster);
  }
  static const cJSON* vpair(const Json& j) {
    return cJSON_GetArrayItem(get(cJSON_GetArrayItem(get(result(j), "volumes"), 0), "volumePairs"), 0);
  }
  static std::string state(const Json& j) { return str(get(vpair(j), "remoteReplication"), "state"); }
  // Source volume on cluster 0, target on cluster 1 (replicationTarget), paired.
  void pair_volumes(const std::string& mode = "Async") {
    pair_clusters();
    a0 = add_account(sim, "t", 0);
    a1 = add_account(sim, "t", 1);
    src = create_volume(sim, "src", a0, "", 0);
    tgt = create_volume(sim, "tgt", a1, "", 1);
    c1("ModifyVolume", "{\"volumeID\":" + std::to_string(tgt) + ",\"access\":\"replicationTarget\"}");
    EXPECT_TRUE(result(c0("RemoveVolumePair", "{\"volumeID\":" + std::to_string(src) + ",\"mode\":\"" + mode + "\"}")));
    Json k = c0("StartVolumePairing", "{\"volumeID\":" + std::to_string(src) + ",\"mode\":\"" + mode + "\"}");
    ASSERT_TRUE(result(k)) << print(k.get());
    Json done = c1("CompleteVolumePairing", "{\"volumeID\":" + std::to_string(tgt) + ",\"volumePairingKey\":\"" +
                                                str(result(k), "volumePairingKey") + "\"}");
    ASSERT_EQ(print(result(done)), "{}") << print(done.get());
  }
  element_sim::Server sim{two_clusters()};
  int64_t a0 = 0, a1 = 0, src = 0, tgt = 0;
};

TEST(MultiCluster, DistinctIdentitiesAndPorts) {
  element_sim::Options o = plain_options();
  o.clusters = 3;
  element_sim::Server s(o);
  s.start();
  std::set<std::string> names, uids, uuids;
  std::set<uint16_t> ports;
  for (int i = 0; i < 3; ++i) {
    Json j = call(s, "GetClusterInfo", "{}", "12.3", i);
    const cJSON* ci = get(result(j), "clusterInfo");
    names.insert(str(ci, "name"));
    uids.insert(str(ci, "uniqueID"));
    uuids.insert(str(ci, "uuid"));
    // Own loopback address per cluster (127/8 is routable on Linux loopback): own MVIP/SVIP, and
    // the cluster listens on it.
    const std::string addr = "127.0.0." + std::to_string(1 + i);
    EXPECT_EQ(str(ci, "mvip"), addr);
    EXPECT_EQ(str(ci, "svip"), addr);
    EXPECT_EQ(s.url(i), "http://" + addr + ":" + std::to_string(s.port(i)));
    ports.insert(s.port(i));
  }
  EXPECT_EQ(names.size(), 3u);
  EXPECT_EQ(uids.size(), 3u);
  EXPECT_EQ(uuids.size(), 3u);
  EXPECT_EQ(ports.size(), 3u);
  // state is per cluster
  add_account(s, "only-on-0", 0);
  EXPECT_EQ(error_name(call(s, "GetAccountByName", R"({"username":"only-on-0"})", "12.3", 1)), "xUnknownAccount");
}

TEST(MultiCluster, SharedAddressWhenAsked) {
  element_sim::Options o = plain_options();
  o.clusters = 2;
  o.distinct_cluster_addresses = false;
  element_sim::Server s(o);
  s.start();
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(str(get(result(call(s, "GetClusterInfo", "{}", "12.3", i)), "clusterInfo"), "mvip"), "127.0.0.1");
    EXPECT_EQ(s.url(i), "http://127.0.0.1:" + std::to_string(s.port(i)));
  }
  // A non-loopback advertised address is shared by every cluster (nothing to derive distinct ones from).
  element_sim::Options w = plain_options();
  w.clusters = 2;
  w.advertise_address = "sim.example";
  element_sim::Server ws(w);
  EXPECT_EQ(str(get(result(call(ws, "GetClusterInfo", "{}", "12.3", 1)), "clusterInfo"), "mvip"), "sim.example");
}

TEST_F(Pairing, ClusterPairingKeyAndStatuses) {
  Json s = c0("StartClusterPairing");
  const std::string key = str(result(s), "clusterPairingKey");
  ASSERT_FALSE(key.empty());
  EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);
  // hex-encoded JSON like the real one
  std::string decoded;
  for (size_t i = 0; i + 1 < key.size(); i += 2) decoded.push_back(static_cast<char>(std::stoi(key.substr(i, 2), nullptr, 16)));
  Json k = parse(decoded);
  ASSERT_TRUE(k);
  for (const char* f : {"clusterPairUUID", "clusterUniqueID", "mvip", "name", "password", "username"})
    EXPECT_TRUE(cJSON_IsString(get(k.get(), f))) << f;
  EXPECT_EQ(num(k.get(), "clusterPairID"), num(result(s), "clusterPairID"));
  EXPECT_EQ(str(first_pair(c0("ListClusterPairs")), "status"), "Unconfigured");

  Json c = c1("CompleteClusterPairing", "{\"clusterPairingKey\":\"" + key + "\"}");
  ASSERT_TRUE(result(c)) << print(c.get());
  Json l0 = c0("ListClusterPairs"), l1 = c1("ListClusterPairs");
  const cJSON* p0 = first_pair(l0);
  const cJSON* p1 = first_pair(l1);
  EXPECT_EQ(str(p0, "status"), "Connected");
  EXPECT_EQ(str(p1, "status"), "Connected");
  EXPECT_EQ(num(p1, "clusterPairID"), num(result(c), "clusterPairID"));
  EXPECT_EQ(str(p0, "clusterName"), "element-sim-1");  // the OTHER cluster
  EXPECT_EQ(str(p1, "clusterName"), "element-sim-0");
  // Each side lists the OTHER cluster's MVIP, equal to what that cluster's GetClusterInfo reports
  // (Cinder matches pairs by mvip).
  EXPECT_EQ(str(p0, "mvip"), "127.0.0.2");
  EXPECT_EQ(str(p1, "mvip"), "127.0.0.1");
  EXPECT_EQ(str(p0, "mvip"), str(get(result(c1("GetClusterInfo")), "clusterInfo"), "mvip"));
  EXPECT_EQ(str(p0, "clusterPairUUID"), str(p1, "clusterPairUUID"));
  EXPECT_TRUE(cJSON_IsString(get(p0, "version")));
  EXPECT_TRUE(cJSON_IsNumber(get(p0, "latency")));

  // again: already paired
  Json s2 = c0("StartClusterPairing");
  Json again = c1("CompleteClusterPairing", "{\"clusterPairingKey\":\"" + str(result(s2), "clusterPairingKey") + "\"}");
  EXPECT_EQ(error_name(again), "xPairingAlreadyExists");
  EXPECT_EQ(error_name(c1("CompleteClusterPairing", R"({"clusterPairingKey":"zz"})")), "xInvalidPairingKey");
  EXPECT_EQ(error_name(c1("CompleteClusterPairing", "{}")), "xMissingParameter");
  EXPECT_EQ(error_name(call(sim, "StartClusterPairing", "{}", "5.0")), "xUnknownAPIMethod");
}

TEST_F(Pairing, RemoveClusterPair) {
  auto [id0, id1] = pair_clusters();
  EXPECT_EQ(error_name(c0("RemoveClusterPair", R"({"clusterPairID":99})")), "xPairingDoesNotExist");
  EXPECT_EQ(print(result(c0("RemoveClusterPair", "{\"clusterPairID\":" + std::to_string(id0) + "}"))), "{}");
  EXPECT_EQ(cJSON_GetArraySize(get(result(c0("ListClusterPairs")), "clusterPairs")), 0);
  EXPECT_EQ(str(first_pair(c1("ListClusterPairs")), "status"), "Misconfigured");
  c1("RemoveClusterPair", "{\"clusterPairID\":" + std::to_string(id1) + "}");
  EXPECT_EQ(cJSON_GetArraySize(get(result(c1("ListClusterPairs")), "clusterPairs")), 0);
  pair_clusters();  // can pair again
}

TEST_F(Pairing, VolumePairingBothSidesAndStateProgression) {
  pair_volumes("Sync");
  Json v0 = vol_of(0, src), v1 = vol_of(1, tgt);
  const cJSON* p0 = vpair(v0);
  const cJSON* p1 = vpair(v1);
  ASSERT_TRUE(p0) << print(v0.get());
  ASSERT_TRUE(p1) << print(v1.get());
  const int64_t pair_on_0 = num(first_pair(c0("ListClusterPairs")), "clusterPairID");
  EXPECT_EQ(num(p0, "clusterPairID"), pair_on_0);
  EXPECT_EQ(num(p0, "remoteVolumeID"), tgt);
  EXPECT_EQ(num(p1, "remoteVolumeID"), src);
  EXPECT_EQ(str(p0, "remoteVolumeName"), "tgt");
  EXPECT_EQ(str(p0, "volumePairUUID"), str(p1, "volumePairUUID"));
  EXPECT_EQ(str(get(p0, "remoteReplication"), "mode"), "Sync");
  EXPECT_TRUE(cJSON_IsObject(get(get(p0, "remoteReplication"), "snapshotReplication")));
  EXPECT_EQ(state(v0), "ResumingDataTransfer");
  sim.advance_clock(500);
  EXPECT_EQ(state(vol_of(0, src)), "Active");
  EXPECT_EQ(state(vol_of(1, tgt)), "Active");
  // access: the target now reports replicationTarget (it read "locked" while unpaired)
  EXPECT_EQ(str(cJSON_GetArrayItem(get(result(vol_of(1, tgt)), "volumes"), 0), "access"), "replicationTarget");
  // isPaired and ListActivePairedVolumes
  EXPECT_EQ(volume_ids(c0("ListVolumes", R"({"isPaired":"true"})")), std::vector<int64_t>{src});
  EXPECT_EQ(volume_ids(call(sim, "ListActivePairedVolumes", "{}", "6.0", 1)), std::vector<int64_t>{tgt});
  // pausedManual
  c0("ModifyVolumePair", "{\"volumeID\":" + std::to_string(src) + ",\"pausedManual\":true}");
  EXPECT_EQ(state(vol_of(1, tgt)), "PausedManual");
  c0("ModifyVolumePair", "{\"volumeID\":" + std::to_string(src) + ",\"pausedManual\":false}");
  EXPECT_EQ(state(vol_of(1, tgt)), "Active");
}

TEST_F(Pairing, DeleteAndPurgeMoveThePartnerToMisconfigured) {
  pair_volumes();
  sim.advance_clock(500);
  c1("DeleteVolume", "{\"volumeID\":" + std::to_string(tgt) + "}");
  EXPECT_EQ(state(vol_of(0, src)), "PausedMisconfigured");
  c1("RestoreDeletedVolume", "{\"volumeID\":" + std::to_string(tgt) + "}");
  EXPECT_EQ(state(vol_of(0, src)), "Active");
  c1("DeleteVolume", "{\"volumeID\":" + std::to_string(tgt) + "}");
  c1("PurgeDeletedVolume", "{\"volumeID\":" + std::to_string(tgt) + "}");
  EXPECT_EQ(state(vol_of(0, src)), "StoppedMisconfigured");
  EXPECT_EQ(print(result(c0("RemoveVolumePair", "{\"volumeID\":" + std::to_string(src) + "}"))), "{}");
  Json v = vol_of(0, src);
  EXPECT_EQ(cJSON_GetArraySize(get(cJSON_GetArrayItem(get(result(v), "volumes"), 0), "volumePairs")), 0);
}

TEST_F(Pairing, VolumePairingErrors) {
  pair_clusters();
  a0 = add_account(sim, "t", 0);
  a1 = add_account(sim, "t", 1);
  src = create_volume(sim, "src", a0, "", 0);
  tgt = create_volume(sim, "tgt", a1, "", 1);
  // RemoveVolumePair on an unpaired volume succeeds
  EXPECT_EQ(print(result(c1("RemoveVolumePair", "{\"volumeID\":" + std::to_string(tgt) + "}"))), "{}");
  EXPECT_EQ(error_name(c1("RemoveVolumePair", R"({"volumeID":999})")), "xVolumeIDDoesNotExist");
  EXPECT_EQ(error_name(c1("CompleteVolumePairing", "{\"volumeID\":" + std::to_string(tgt) +
                                                       R"(,"volumePairingKey":"not-a-key"})")),
            "xInvalidPairingKey");
  EXPECT_EQ(error_name(c1("CompleteVolumePairing", "{\"volumeID\":" + std::to_string(tgt) +
                                                       R"(,"volumePairingKey":"7b7d"})")),  // "{}"
            "xInvalidPairingKey");
  EXPECT_EQ(error_name(c0("StartVolumePairing", "{\"volumeID\":" + std::to_string(src) + R"(,"mode":"Fast"})")),
            "xUnrecognizedEnumString");
  EXPECT_EQ(error_name(c0("StartVolumePairing", R"({"volumeID":999})")), "xVolumeIDDoesNotExist");
  EXPECT_EQ(error_name(c0("ModifyVolumePair", "{\"volumeID\":" + std::to_string(src) + ",\"pausedManual\":true}")),
            "xVolumeNotPaired");
  // a key is single-use and not valid on its own cluster
  Json k = c0("StartVolumePairing", "{\"volumeID\":" + std::to_string(src) + "}");
  const std::string key = str(result(k), "volumePairingKey");
  const int64_t other0 = create_volume(sim, "x", a0, "", 0);
  EXPECT_EQ(error_name(c0("CompleteVolumePairing", "{\"volumeID\":" + std::to_string(other0) +
                                                       ",\"volumePairingKey\":\"" + key + "\"}")),
            "xInvalidPairingKey");
  EXPECT_TRUE(result(c1("CompleteVolumePairing", "{\"volumeID\":" + std::to_string(tgt) + ",\"volumePairingKey\":\"" +
                                                     key + "\"}")));
  const int64_t other1 = create_volume(sim, "y", a1, "", 1);
  EXPECT_EQ(error_name(c1("CompleteVolumePairing", "{\"volumeID\":" + std::to_string(other1) +
                                                       ",\"volumePairingKey\":\"" + key + "\"}")),
            "xInvalidPairingKey");
  EXPECT_EQ(error_name(c0("StartVolumePairing", "{\"volumeID\":" + std::to_string(src) + "}")),
            "xVolumeAlreadyPaired");
}

TEST_F(Pairing, VolumePairingNeedsClusterPair) {
  a0 = add_account(sim, "t", 0);
  a1 = add_account(sim, "t", 1);
  src = create_volume(sim, "src", a0, "", 0);
  tgt = create_volume(sim, "tgt", a1, "", 1);
  Json k = c0("StartVolumePairing", "{\"volumeID\":" + std::to_string(src) + "}");
  EXPECT_EQ(error_name(c1("CompleteVolumePairing", "{\"volumeID\":" + std::to_string(tgt) + ",\"volumePairingKey\":\"" +
                                                       str(result(k), "volumePairingKey") + "\"}")),
            "xPairingDoesNotExist");
}

}  // namespace
