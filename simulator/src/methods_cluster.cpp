// Cluster-wide read-only methods: GetClusterInfo, GetClusterVersionInfo, GetClusterCapacity, GetAPI,
// GetLimits, GetDefaultQoS.
#include <algorithm>
#include <cstdio>

#include "cluster_state.h"
#include "rpc.h"

namespace element_sim {

namespace {

constexpr int kNodeCount = 4;

cJSON* build_cluster_info(const Cluster& c);

json::Ptr get_cluster_info(Cluster& c, const Params&, const CallInfo&) {
  // The identity never changes after the Server is constructed: serialise it once (the cluster
  // lock is held here) and reuse the text — GetClusterInfo is the most frequent call of every
  // client (connection checks).
  if (c.cluster_info_text.empty()) {
    json::Ptr ci(build_cluster_info(c));
    c.cluster_info_text = json::print(ci.get());
  }
  json::Ptr r = json::object();
  json::add_raw(r.get(), "clusterInfo", c.cluster_info_text);
  return r;
}

cJSON* build_cluster_info(const Cluster& c) {
  json::Ptr holder = json::object();
  cJSON* ci = holder.get();
  json::add_raw(ci, "attributes", "{}");
  json::add_str(ci, "defaultProtectionScheme", "doubleHelix");
  cJSON* en = json::add_arr(ci, "enabledProtectionSchemes");
  json::push_str(en, "doubleHelix");
  json::add_str(ci, "encryptionAtRestState", "disabled");
  cJSON* ens = json::add_arr(ci, "ensemble");
  json::push_str(ens, c.mvip);
  json::add_str(ci, "mvip", c.mvip);
  json::add_str(ci, "mvipInterface", "team1G");
  json::add_int(ci, "mvipNodeID", 1);
  json::add_str(ci, "mvipVlanTag", "0");
  json::add_str(ci, "name", c.name);
  json::add_int(ci, "repCount", 2);
  json::add_str(ci, "softwareEncryptionAtRestState", "enabled");
  cJSON* sup = json::add_arr(ci, "supportedProtectionSchemes");
  json::push_str(sup, "doubleHelix");
  json::add_str(ci, "svip", c.svip);
  json::add_str(ci, "svipInterface", "team10G");
  json::add_int(ci, "svipNodeID", 1);
  json::add_str(ci, "svipVlanTag", "0");
  json::add_str(ci, "uniqueID", c.unique_id);
  json::add_str(ci, "uuid", c.uuid);
  return holder.release();
}

json::Ptr get_cluster_version_info(Cluster&, const Params&, const CallInfo&) {
  json::Ptr r = json::object();
  json::add_str(r.get(), "clusterAPIVersion", kCurrentApiVersion.str());
  json::add_str(r.get(), "clusterVersion", kClusterVersion);
  cJSON* nodes = json::add_arr(r.get(), "clusterVersionInfo");
  for (int n = 1; n <= kNodeCount; ++n) {
    json::Ptr node = json::object();
    json::add_int(node.get(), "nodeID", n);
    json::add_str(node.get(), "nodeInternalRevision", std::string("BuildType=Release Element=sodium Release=sodium "
                                                                  "ReleaseShort=sodium Version=") +
                                                          kClusterVersion);
    json::add_str(node.get(), "nodeVersion", kClusterVersion);
    json::push(nodes, node.release());
  }
  cJSON* sw = json::add_obj(r.get(), "softwareVersionInfo");
  json::add_str(sw, "currentVersion", kClusterVersion);
  json::add_int(sw, "nodeID", 0);
  json::add_str(sw, "packageName", "");
  json::add_str(sw, "pendingVersion", kClusterVersion);
  json::add_str(sw, "startTime", "");
  return r;
}

// Capacity model (documented in README.md): provisionedSpace is the sum of totalSize of non-purged
// volumes; written blocks per volume (1/8 of it until filled, see Server::fill); 2x deduplication,
// 2x compression, double helix; a fixed 1 GiB baseline of system data keeps every ratio's
// denominator non-zero.
json::Ptr get_cluster_capacity(Cluster& c, const Params&, const CallInfo& call) {
  constexpr int64_t kBaselineBlocks = (int64_t{1} << 30) / kBlockSize;
  const int64_t max_prov = static_cast<int64_t>(c.opts.max_provisioned_space);
  const int64_t provisioned = c.provisioned_bytes;
  const int64_t total_blocks = provisioned / kBlockSize;
  const int64_t nonzero = c.nonzero_blocks + kBaselineBlocks;
  const int64_t zero = std::max<int64_t>(0, total_blocks - c.nonzero_blocks);
  const int64_t unique = (nonzero + 1) / 2;                // 2x dedupe
  const int64_t unique_used = unique * kBlockSize / 2;     // 2x compression
  const int64_t used = unique_used * 2;                    // double helix
  const int64_t max_used = max_prov * 2;
  const int64_t active = static_cast<int64_t>(c.volumes_by_status[static_cast<int>(VolumeStatus::active)].size());
  const int64_t current_iops = 100 + 10 * active;

  json::Ptr r = json::object();
  cJSON* cc = json::add_obj(r.get(), "clusterCapacity");
  json::add_int(cc, "activeBlockSpace", used);
  json::add_int(cc, "activeSessions", 0);
  json::add_int(cc, "averageIOPS", current_iops);
  json::add_int(cc, "clusterRecentIOSize", kBlockSize);
  json::add_int(cc, "currentIOPS", current_iops);
  json::add_int(cc, "maxIOPS", 200000);
  json::add_int(cc, "maxOverProvisionableSpace", max_prov * 5);
  json::add_int(cc, "maxProvisionedSpace", max_prov);
  json::add_int(cc, "maxUsedMetadataSpace", max_used / 10);
  json::add_int(cc, "maxUsedSpace", max_used);
  json::add_int(cc, "nonZeroBlocks", nonzero);
  json::add_int(cc, "peakActiveSessions", 0);
  json::add_int(cc, "peakIOPS", current_iops * 2);
  json::add_int(cc, "provisionedSpace", provisioned);
  json::add_int(cc, "snapshotNonZeroBlocks", c.snapshot_nonzero_blocks);
  json::add_str(cc, "timestamp", iso8601(call.now));
  json::add_int(cc, "totalOps", 1000 + 100 * active);
  json::add_int(cc, "uniqueBlocks", unique);
  json::add_int(cc, "uniqueBlocksUsedSpace", unique_used);
  json::add_int(cc, "usedMetadataSpace", nonzero * 64);
  json::add_int(cc, "usedMetadataSpaceInSnapshots", c.snapshot_nonzero_blocks * 64);
  json::add_int(cc, "usedSpace", used);
  json::add_int(cc, "zeroBlocks", zero);
  // Legacy members read by the Newton-era driver on the 1.0 endpoint (percentages as integers).
  json::add_int(cc, "compressionPercent", 200);
  json::add_int(cc, "deDuplicationPercent", 200);
  json::add_int(cc, "thinProvisioningPercent", (nonzero + zero) * 100 / nonzero);
  return r;
}

json::Ptr get_api(Cluster&, const Params&, const CallInfo& call) {
  json::Ptr r = json::object();
  json::add_str(r.get(), "currentVersion", kCurrentApiVersion.str());
  cJSON* sv = json::add_arr(r.get(), "supportedVersions");
  for (const auto& v : supported_versions()) json::push_str(sv, v.str());
  cJSON* methods = json::add_arr(r.get(), kCurrentApiVersion.str().c_str());
  for (const auto& n : call.registry->names(kCurrentApiVersion)) json::push_str(methods, n);
  return r;
}

json::Ptr get_limits(Cluster& c, const Params&, const CallInfo&) {
  static const std::pair<const char*, int64_t> kLimits[] = {
      {"accountCountMax", 5000},
      {"accountNameLengthMax", 64},
      {"accountNameLengthMin", 1},
      {"bulkVolumeJobsPerNodeMax", 8},
      {"bulkVolumeJobsPerVolumeMax", 2},
      {"chapCredentialsCountMax", 15000},
      {"cloneJobsPerNodeMax", 8},
      {"cloneJobsPerVolumeMax", 2},
      {"clusterPairsCountMax", 4},
      {"initiatorAliasLengthMax", 224},
      {"initiatorCountMax", 10000},
      {"initiatorNameLengthMax", 224},
      {"initiatorsPerVolumeAccessGroupCountMax", 128},
      {"qosPolicyCountMax", 500},
      {"secretLengthMax", 16},
      {"secretLengthMin", 12},
      {"snapshotNameLengthMax", 255},
      {"snapshotsPerVolumeMax", 32},
      {"volumeAccessGroupCountMax", 1000},
      {"volumeAccessGroupLunMax", 16383},
      {"volumeAccessGroupNameLengthMax", 64},
      {"volumeAccessGroupNameLengthMin", 1},
      {"volumeAccessGroupsPerInitiatorCountMax", 1},
      {"volumeAccessGroupsPerVolumeCountMax", 64},
      {"volumeBurstIOPSMax", 200000},
      {"volumeBurstIOPSMin", 100},
      {"volumeMaxIOPSMax", 200000},
      {"volumeMaxIOPSMin", 100},
      {"volumeMinIOPSMax", 15000},
      {"volumeMinIOPSMin", 50},
      {"volumeNameLengthMax", 64},
      {"volumeNameLengthMin", 1},
      {"volumeSizeMax", 17592186044416},
      {"volumeSizeMin", 1000000000},
      {"volumesPerGroupSnapshotMax", 32},
      {"volumesPerVolumeAccessGroupCountMax", 2000},
  };
  json::Ptr r = json::object();
  for (const auto& [k, v] : kLimits) json::add_int(r.get(), k, v);
  json::add_int(r.get(), "volumeCountMax", c.opts.volume_count_max > 0 ? c.opts.volume_count_max : 4000);
  json::add_int(r.get(), "volumesPerAccountCountMax", c.opts.volumes_per_account_max);
  return r;
}

// Trident reads clusterHardwareInfo.nodes as an object of node objects and collects their "serial".
json::Ptr get_cluster_hardware_info(Cluster& c, const Params& p, const CallInfo&) {
  const std::string type = p.opt_string("type", true).value_or("all");
  if (type != "all" && type != "nodes" && type != "drives")
    fail("xUnrecognizedEnumString", "Unrecognized enum string type=" + type);
  json::Ptr r = json::object();
  cJSON* hw = json::add_obj(r.get(), "clusterHardwareInfo");
  if (type != "nodes") {
    cJSON* drives = json::add_obj(hw, "drives");
    for (int n = 1; n <= kNodeCount; ++n) {
      cJSON* list = json::add_arr(drives, std::to_string(n).c_str());
      for (int d = 1; d <= 2; ++d) {
        json::Ptr drive = json::object();
        json::add_int(drive.get(), "driveID", (n - 1) * 2 + d);
        json::add_int(drive.get(), "nodeID", n);
        json::add_str(drive.get(), "serial", "SIMDRV" + c.unique_id + std::to_string(n * 10 + d));
        json::add_int(drive.get(), "size", int64_t{960197124096});
        json::add_str(drive.get(), "status", "active");
        json::push(list, drive.release());
      }
    }
  }
  if (type != "drives") {
    cJSON* nodes = json::add_obj(hw, "nodes");
    for (int n = 1; n <= kNodeCount; ++n) {
      cJSON* node = json::add_obj(nodes, std::to_string(n).c_str());
      json::add_int(node, "nodeID", n);
      char serial[32];
      std::snprintf(serial, sizeof serial, "SIM%s%04d", c.unique_id.c_str(), c.index * 100 + n);
      json::add_str(node, "serial", serial);
      json::add_str(node, "chassisSerial", serial);
      json::add_str(node, "platform", "H610S");
      json::add_str(node, "nodeVersion", kClusterVersion);
    }
  }
  return r;
}

json::Ptr get_default_qos(Cluster&, const Params&, const CallInfo&) {
  json::Ptr r(Cluster::qos_json(Qos{}));
  return r;
}

}  // namespace

void register_cluster_methods(Registry& r) {
  r.add("GetClusterInfo", {1, 0}, get_cluster_info);
  r.add("GetClusterVersionInfo", {1, 0}, get_cluster_version_info);
  r.add("GetClusterCapacity", {1, 0}, get_cluster_capacity);
  r.add("GetAPI", {1, 0}, get_api);
  r.add("GetLimits", {1, 0}, get_limits);
  r.add("GetDefaultQoS", {1, 0}, get_default_qos);
  r.add("GetClusterHardwareInfo", {1, 0}, get_cluster_hardware_info);
}

}  // namespace element_sim
