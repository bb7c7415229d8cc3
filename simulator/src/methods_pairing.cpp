// Cluster and volume pairing (replication) between the clusters of one Server: StartClusterPairing,
// CompleteClusterPairing, ListClusterPairs, RemoveClusterPair, StartVolumePairing,
// CompleteVolumePairing, RemoveVolumePair, ListActivePairedVolumes, ModifyVolumePair.
//
// Pairing keys are, like Element's, the hex encoding of a compact JSON object. The records behind
// them live in the Fabric shared by the clusters; Complete* calls run with every cluster locked.
#include <algorithm>
#include <optional>

#include "api_version.h"
#include "cluster_state.h"
#include "common.h"
#include "fabric.h"
#include "rpc.h"

namespace element_sim {

// ------------------------------------------------------------------ Fabric helpers

Fabric::ClusterPair* Fabric::pair_between(int x, int y) {
  for (auto& p : cluster_pairs) {
    if (p.cluster_b < 0) continue;
    if (p.cluster_a == x && p.cluster_b == y && !p.removed_a) return &p;
    if (p.cluster_b == x && p.cluster_a == y && !p.removed_b) return &p;
  }
  return nullptr;
}

int64_t Fabric::local_pair_id(int x, int y) {
  const ClusterPair* p = pair_between(x, y);
  if (p == nullptr) return 0;
  return p->cluster_a == x ? p->id_a : p->id_b;
}

namespace {

std::string hex_encode(const std::string& s) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char ch : s) {
    out.push_back(kHex[ch >> 4]);
    out.push_back(kHex[ch & 15]);
  }
  return out;
}

std::optional<std::string> hex_decode(const std::string& s) {
  if (s.size() % 2 != 0) return std::nullopt;
  auto val = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = val(s[i]), lo = val(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

// Decodes a pairing key and returns the member `uuid_member` (xInvalidPairingKey when impossible).
std::string key_uuid(const std::string& key, const char* uuid_member, const char* key_member) {
  auto text = hex_decode(key);
  json::Ptr j = text ? json::parse(*text) : json::Ptr();
  const cJSON* u = j ? cJSON_GetObjectItemCaseSensitive(j.get(), uuid_member) : nullptr;
  if (!cJSON_IsString(u))
    fail("xInvalidPairingKey", std::string("Invalid ") + key_member + ": not a pairing key issued by a cluster.");
  return u->valuestring;
}

const char* state_name(const Fabric::VolumePair& vp, int side, int64_t now_ms, int64_t sync_ms) {
  const auto& me = vp.side[side];
  const auto& other = vp.side[1 - side];
  if (other.state == Fabric::kPurged || other.removed) return "StoppedMisconfigured";
  if (other.state == Fabric::kDeleted || me.state == Fabric::kDeleted) return "PausedMisconfigured";
  if (vp.paused_manual) return "PausedManual";
  if (now_ms < vp.complete_ms + sync_ms) return "ResumingDataTransfer";
  return "Active";
}

json::Ptr cluster_pair_json(Cluster& c, const Fabric::ClusterPair& p, bool side_a, int64_t now_ms) {
  json::Ptr o = json::object();
  const int other = side_a ? p.cluster_b : p.cluster_a;
  const Cluster* oc = other >= 0 ? c.fabric->clusters[static_cast<size_t>(other)] : nullptr;
  json::add_str(o.get(), "clusterName", oc ? oc->name : "");
  json::add_int(o.get(), "clusterPairID", side_a ? p.id_a : p.id_b);
  json::add_str(o.get(), "clusterPairUUID", p.uuid);
  json::add_str(o.get(), "clusterUUID", oc ? oc->uuid : "");
  json::add_int(o.get(), "latency", oc ? 1 : 0);
  json::add_str(o.get(), "mvip", oc ? oc->mvip : "");
  const bool other_removed = side_a ? p.removed_b : p.removed_a;
  const bool connecting = now_ms < p.complete_ms + c.opts.cluster_pair_connect_delay_ms;
  json::add_str(o.get(), "status",
                oc == nullptr ? "Unconfigured" : (other_removed || connecting ? "Misconfigured" : "Connected"));
  json::add_str(o.get(), "version", oc ? kClusterVersion : "");
  return o;
}

// ------------------------------------------------------------------ cluster pairing

json::Ptr start_cluster_pairing(Cluster& c, const Params&, const CallInfo&) {
  if (c.fabric == nullptr) fail("xNotSupported", "Cluster pairing is not available.");
  std::lock_guard lk(c.fabric->mu);
  int64_t count = 0;
  for (const auto& p : c.fabric->cluster_pairs) {
    count += (p.cluster_a == c.index && !p.removed_a) || (p.cluster_b == c.index && !p.removed_b);
  }
  if (count >= c.opts.cluster_pairs_max)
    fail("xExceededLimit", "Exceeded max number of cluster pairs. limit=" + std::to_string(c.opts.cluster_pairs_max));
  Fabric::ClusterPair p;
  p.uuid = c.rng.uuid();
  p.cluster_a = c.index;
  p.id_a = c.next_cluster_pair_id++;
  p.rpc_connection_id = static_cast<int64_t>(c.rng.next() % 1000000000);
  json::Ptr key = json::object();
  json::add_int(key.get(), "clusterPairID", p.id_a);
  json::add_str(key.get(), "clusterPairUUID", p.uuid);
  json::add_str(key.get(), "clusterUniqueID", c.unique_id);
  json::add_str(key.get(), "mvip", c.mvip);
  json::add_str(key.get(), "name", c.name);
  json::add_str(key.get(), "password", c.rng.alnum(16, "abcdefghijklmnopqrstuvwxyz0123456789"));
  json::add_int(key.get(), "rpcConnectionID", p.rpc_connection_id);
  json::add_str(key.get(), "username", "__SF_pair_" + c.unique_id + "_" + std::to_string(p.id_a));
  json::Ptr r = json::object();
  json::add_str(r.get(), "clusterPairingKey", hex_encode(json::print(key.get())));
  json::add_int(r.get(), "clusterPairID", p.id_a);
  c.fabric->cluster_pairs.push_back(std::move(p));
  return r;
}

json::Ptr complete_cluster_pairing(Cluster& c, const Params& p, const CallInfo& call) {
  if (c.fabric == nullptr) fail("xNotSupported", "Cluster pairing is not available.");
  const std::string uuid = key_uuid(p.req_string("clusterPairingKey"), "clusterPairUUID", "clusterPairingKey");
  std::lock_guard lk(c.fabric->mu);
  auto& pairs = c.fabric->cluster_pairs;
  auto it = std::find_if(pairs.begin(), pairs.end(), [&](const auto& x) { return x.uuid == uuid; });
  if (it == pairs.end() || it->cluster_a == c.index)
    fail("xInvalidPairingKey", "Invalid clusterPairingKey: no pending pairing with this key.");
  if (it->cluster_b >= 0 || c.fabric->pair_between(c.index, it->cluster_a) != nullptr)
    fail("xPairingAlreadyExists", "Clusters are already paired.");
  it->cluster_b = c.index;
  it->id_b = c.next_cluster_pair_id++;
  it->complete_ms = call.now_ms;
  json::Ptr r = json::object();
  json::add_int(r.get(), "clusterPairID", it->id_b);
  return r;
}

json::Ptr list_cluster_pairs(Cluster& c, const Params&, const CallInfo& call) {
  json::Ptr r = json::object();
  cJSON* arr = json::add_arr(r.get(), "clusterPairs");
  if (c.fabric == nullptr) return r;
  std::lock_guard lk(c.fabric->mu);
  std::vector<std::pair<int64_t, json::Ptr>> out;
  for (const auto& p : c.fabric->cluster_pairs) {
    if (p.cluster_a == c.index && !p.removed_a) out.emplace_back(p.id_a, cluster_pair_json(c, p, true, call.now_ms));
    if (p.cluster_b == c.index && !p.removed_b) out.emplace_back(p.id_b, cluster_pair_json(c, p, false, call.now_ms));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [id, o] : out) json::push(arr, o.release());
  return r;
}

json::Ptr remove_cluster_pair(Cluster& c, const Params& p, const CallInfo&) {
  const int64_t id = p.req_int("clusterPairID");
  if (c.fabric == nullptr) fail("xPairingDoesNotExist", "ClusterPairID " + std::to_string(id) + " does not exist.");
  std::lock_guard lk(c.fabric->mu);
  auto& pairs = c.fabric->cluster_pairs;
  auto it = std::find_if(pairs.begin(), pairs.end(), [&](const auto& x) {
    return (x.cluster_a == c.index && x.id_a == id && !x.removed_a) ||
           (x.cluster_b == c.index && x.id_b == id && !x.removed_b);
  });
  if (it == pairs.end()) fail("xPairingDoesNotExist", "ClusterPairID " + std::to_string(id) + " does not exist.");
  const int other = it->cluster_a == c.index ? it->cluster_b : it->cluster_a;
  for (const auto& [uuid, vp] : c.fabric->volume_pairs) {
    if (!vp.completed) continue;
    for (int s = 0; s < 2; ++s) {
      if (vp.side[s].cluster == c.index && vp.side[1 - s].cluster == other && !vp.side[s].removed &&
          vp.side[s].state != Fabric::kPurged)
        fail("xPairingHasVolumePairs", "ClusterPairID " + std::to_string(id) +
                                           " still has paired volumes; remove the volume pairs first.");
    }
  }
  if (it->cluster_a == c.index) {
    it->removed_a = true;
  } else {
    it->removed_b = true;
  }
  if (it->cluster_b < 0 || (it->removed_a && it->removed_b)) pairs.erase(it);
  return json::object();
}

// ------------------------------------------------------------------ volume pairing

Volume& live_volume(Cluster& c, int64_t id) {
  Volume& v = c.volume_or_fail(id);
  if (v.status == VolumeStatus::deleted)
    fail("xVolumeIDDoesNotExist", "VolumeID " + std::to_string(id) + " does not exist.");
  return v;
}

void drop_pending(Fabric& f, int cluster, int64_t volume_id) {
  for (auto it = f.volume_pairs.begin(); it != f.volume_pairs.end();) {
    const auto& vp = it->second;
    if (!vp.completed && vp.side[0].cluster == cluster && vp.side[0].volume_id == volume_id) {
      it = f.volume_pairs.erase(it);
    } else {
      ++it;
    }
  }
}

json::Ptr start_volume_pairing(Cluster& c, const Params& p, const CallInfo&) {
  Volume& v = live_volume(c, p.req_int("volumeID"));
  std::string mode = p.opt_string("mode", true).value_or("Async");
  if (mode != "Async" && mode != "Sync" && mode != "SnapshotsOnly")
    fail("xUnrecognizedEnumString", "Unrecognized enum string mode=" + mode);
  if (c.fabric == nullptr) fail("xNotSupported", "Volume pairing is not available.");
  if (!v.pair_uuid.empty()) fail("xVolumeAlreadyPaired", "VolumeID " + std::to_string(v.id) + " is already paired.");
  std::lock_guard lk(c.fabric->mu);
  drop_pending(*c.fabric, c.index, v.id);  // only the newest key of a volume stays valid
  Fabric::VolumePair vp;
  vp.uuid = c.rng.uuid();
  vp.mode = mode;
  vp.side[0].cluster = c.index;
  vp.side[0].volume_id = v.id;
  vp.side[0].name = v.name;
  json::Ptr key = json::object();
  json::add_str(key.get(), "mvip", c.mvip);
  json::add_int(key.get(), "volumeID", v.id);
  json::add_str(key.get(), "volumeName", v.name);
  json::add_str(key.get(), "volumePairUUID", vp.uuid);
  json::add_str(key.get(), "clusterUniqueID", c.unique_id);
  json::Ptr r = json::object();
  json::add_str(r.get(), "volumePairingKey", hex_encode(json::print(key.get())));
  c.fabric->volume_pairs.emplace(vp.uuid, std::move(vp));
  return r;
}

json::Ptr complete_volume_pairing(Cluster& c, const Params& p, const CallInfo& call) {
  Volume& v = live_volume(c, p.req_int("volumeID"));
  const std::string key = p.req_string("volumePairingKey");
  if (c.fabric == nullptr) fail("xInvalidPairingKey", "Invalid volumePairingKey.");
  const std::string uuid = key_uuid(key, "volumePairUUID", "volumePairingKey");
  std::lock_guard lk(c.fabric->mu);
  auto it = c.fabric->volume_pairs.find(uuid);
  if (it == c.fabric->volume_pairs.end() || it->second.completed || it->second.side[0].cluster == c.index)
    fail("xInvalidPairingKey", "Invalid volumePairingKey: no pending volume pairing with this key.");
  Fabric::VolumePair& vp = it->second;
  Cluster& src_cluster = *c.fabric->clusters[static_cast<size_t>(vp.side[0].cluster)];
  Volume* src = src_cluster.find_volume(vp.side[0].volume_id);
  if (src == nullptr || src->status == VolumeStatus::deleted || !src->pair_uuid.empty())
    fail("xInvalidPairingKey", "Invalid volumePairingKey: the source volume is gone or already paired.");
  if (c.fabric->pair_between(c.index, vp.side[0].cluster) == nullptr)
    fail("xPairingDoesNotExist", "The clusters of this volume pairing are not paired.");
  if (!v.pair_uuid.empty()) fail("xVolumeAlreadyPaired", "VolumeID " + std::to_string(v.id) + " is already paired.");
  vp.side[1].cluster = c.index;
  vp.side[1].volume_id = v.id;
  vp.side[1].name = v.name;
  vp.completed = true;
  vp.complete_ms = call.now_ms;
  v.pair_uuid = uuid;
  c.paired_volumes.insert(v.id);
  src->pair_uuid = uuid;
  src_cluster.paired_volumes.insert(src->id);
  return json::object();
}

json::Ptr remove_volume_pair(Cluster& c, const Params& p, const CallInfo&) {
  Volume& v = c.volume_or_fail(p.req_int("volumeID"));
  // Unpaired: success (modern Cinder calls this before every pairing). Extra params (mode) ignored.
  if (c.fabric == nullptr) return json::object();
  std::lock_guard lk(c.fabric->mu);
  drop_pending(*c.fabric, c.index, v.id);
  if (v.pair_uuid.empty()) return json::object();
  auto it = c.fabric->volume_pairs.find(v.pair_uuid);
  if (it != c.fabric->volume_pairs.end()) {
    bool gone = true;
    for (auto& side : it->second.side) {
      if (side.cluster == c.index && side.volume_id == v.id) side.removed = true;
      gone = gone && (side.removed || side.state == Fabric::kPurged);
    }
    if (gone) c.fabric->volume_pairs.erase(it);
  }
  v.pair_uuid.clear();
  c.paired_volumes.erase(v.id);
  return json::object();
}

json::Ptr list_active_paired_volumes(Cluster& c, const Params& p, const CallInfo&) {
  const int64_t start = p.opt_int("startVolumeID").value_or(0);
  const int64_t limit = p.opt_int("limit", true).value_or(0);
  json::Ptr r = json::object();
  cJSON* arr = json::add_arr(r.get(), "volumes");
  int64_t n = 0;
  for (auto it = c.paired_volumes.lower_bound(start); it != c.paired_volumes.end() && (limit == 0 || n < limit);
       ++it) {
    const Volume* v = c.find_volume(*it);
    if (v == nullptr || v->status != VolumeStatus::active) continue;
    json::push(arr, c.volume_json(*v));
    ++n;
  }
  return r;
}

json::Ptr modify_volume_pair(Cluster& c, const Params& p, const CallInfo&) {
  Volume& v = c.volume_or_fail(p.req_int("volumeID"));
  auto paused = p.opt_bool("pausedManual");
  auto mode = p.opt_string("mode", true);
  if (mode && *mode != "Async" && *mode != "Sync" && *mode != "SnapshotsOnly")
    fail("xUnrecognizedEnumString", "Unrecognized enum string mode=" + *mode);
  auto limit = p.opt_int("pauseLimit", true);
  if (v.pair_uuid.empty() || c.fabric == nullptr) fail("xVolumeNotPaired", "Volume not paired.");
  std::lock_guard lk(c.fabric->mu);
  auto it = c.fabric->volume_pairs.find(v.pair_uuid);
  if (it == c.fabric->volume_pairs.end()) fail("xVolumeNotPaired", "Volume not paired.");
  if (paused) it->second.paused_manual = *paused;
  if (mode) it->second.mode = *mode;
  if (limit) it->second.pause_limit = *limit;
  return json::object();
}

}  // namespace

void append_volume_pairs(const Cluster& c, const Volume& v, cJSON* arr) {
  if (c.fabric == nullptr) return;
  const int64_t now_ms = c.clock != nullptr ? c.clock->now_ms() : now_seconds() * 1000;
  std::lock_guard lk(c.fabric->mu);
  auto it = c.fabric->volume_pairs.find(v.pair_uuid);
  if (it == c.fabric->volume_pairs.end() || !it->second.completed) return;
  const Fabric::VolumePair& vp = it->second;
  const int me = vp.side[0].cluster == c.index && vp.side[0].volume_id == v.id ? 0 : 1;
  const auto& other = vp.side[1 - me];
  json::Ptr o = json::object();
  json::add_int(o.get(), "clusterPairID", c.fabric->local_pair_id(c.index, other.cluster));
  json::add_int(o.get(), "remoteVolumeID", other.volume_id);
  json::add_int(o.get(), "remoteSliceID", other.volume_id);
  json::add_str(o.get(), "remoteVolumeName", other.name);
  json::add_str(o.get(), "volumePairUUID", vp.uuid);
  cJSON* rr = json::add_obj(o.get(), "remoteReplication");
  json::add_str(rr, "mode", vp.mode);
  json::add_int(rr, "pauseLimit", vp.pause_limit);
  json::add_int(rr, "remoteServiceID", 1);
  json::add_str(rr, "resumeDetails", "");
  cJSON* sr = json::add_obj(rr, "snapshotReplication");
  json::add_str(sr, "state", "Idle");
  json::add_str(sr, "stateDetails", "");
  json::add_str(rr, "state", state_name(vp, me, now_ms, c.opts.replication_sync_delay_ms));
  json::add_str(rr, "stateDetails", "");
  json::push(arr, o.release());
}

void register_pairing_methods(Registry& r) {
  r.add("StartClusterPairing", {6, 0}, start_cluster_pairing, kMutating);
  r.add("CompleteClusterPairing", {6, 0}, complete_cluster_pairing, kMutating | kCrossCluster);
  r.add("ListClusterPairs", {6, 0}, list_cluster_pairs);
  // Cross-cluster: whether volume pairs remain depends on the peer's (time-driven) state.
  r.add("RemoveClusterPair", {6, 0}, remove_cluster_pair, kMutating | kCrossCluster);
  r.add("StartVolumePairing", {6, 0}, start_volume_pairing, kMutating);
  r.add("CompleteVolumePairing", {6, 0}, complete_volume_pairing, kMutating | kCrossCluster);
  r.add("RemoveVolumePair", {6, 0}, remove_volume_pair, kMutating);
  r.add("ListActivePairedVolumes", {6, 0}, list_active_paired_volumes);
  r.add("ModifyVolumePair", {6, 0}, modify_volume_pair, kMutating);
}

}  // namespace element_sim
