#include "sabotage.h"

#include <random>
#include <stdexcept>

#include "support.h"

namespace soak {

namespace {

constexpr int64_t kGiB = int64_t{1} << 30;

void rpc(element_sim::Server& server, const std::string& method, const std::string& params) {
  const std::string reply = server.handle("{\"method\":\"" + method + "\",\"params\":" + params + ",\"id\":1}");
  if (!it::Json::parse(reply)["result"].is_object()) {
    throw std::runtime_error("sabotage: " + method + params + " answered " + reply);
  }
}

}  // namespace

std::vector<std::string> plant_violations(element_sim::Server& server, const HostModel& model) {
  std::vector<std::string> planted;
  const auto all = model.all();
  std::mt19937_64 rng(7);

  // An empty VAG as a lost reply would leave it.
  rpc(server, "CreateVolumeAccessGroup", R"({"name":"soak-sabotage-leftover","attributes":{"openstack":true}})");
  planted.push_back("no empty VAG left");
  if (all.empty()) return planted;

  // An orphan: a volume named like a Cinder volume the host never created.
  const VolumeRec& a = *all[0];
  rpc(server, "CreateVolume",
      "{\"name\":" + it::quote(element_name(uuid_from(rng))) + ",\"accountID\":" + std::to_string(a.account_id()) +
          ",\"totalSize\":" + std::to_string(kGiB) + ",\"enable512e\":true}");
  planted.push_back("no orphan volume");
  // A duplicate: a second active volume for a Cinder volume id, as a replayed CreateVolume would make.
  rpc(server, "CreateVolume",
      "{\"name\":" + it::quote(element_name(a.id)) + ",\"accountID\":" + std::to_string(a.account_id()) +
          ",\"totalSize\":" + std::to_string(a.size_gib * kGiB) +
          ",\"enable512e\":true,\"attributes\":{\"uuid\":" + it::quote(a.id) + "}}");
  planted.push_back("volume names unique");
  if (all.size() < 3) return planted;

  // QoS and size that differ from what the host was told.
  const VolumeRec& b = *all[1];
  const Qos q = b.qos();
  rpc(server, "ModifyVolume",
      "{\"volumeID\":" + std::to_string(b.cluster_id()) + ",\"qos\":{\"minIOPS\":" + std::to_string(q.min + 1) +
          ",\"maxIOPS\":" + std::to_string(q.max + 1) + ",\"burstIOPS\":" + std::to_string(q.burst + 1) + "}}");
  planted.push_back("qos as told");
  const VolumeRec& c = *all[2];
  rpc(server, "ModifyVolume",
      "{\"volumeID\":" + std::to_string(c.cluster_id()) + ",\"totalSize\":" + std::to_string((c.size_gib + 1) * kGiB) +
          "}");
  planted.push_back("size as told");

  // A snapshot the host believes in disappears.
  for (const auto& v : all) {
    if (v->snapshots.empty()) continue;
    const std::string pid = v->snapshots.front().provider_id;
    rpc(server, "DeleteSnapshot", "{\"snapshotID\":" + pid.substr(0, pid.find(' ')) + "}");
    planted.push_back("model snapshot exists");
    break;
  }
  return planted;
}

}  // namespace soak
