// Helpers of the volume data operation integration tests (snapshots, clones, extend, retype): request
// builders with a chosen volume type and cluster-side views through the simulator.
#pragma once

#include <string>
#include <vector>

#include "support.h"

namespace it::data {

constexpr int64_t kGiB = int64_t{1} << 30;

inline const std::string kGoldSpecs =
    R"({"qos:minIOPS":"1000","qos:maxIOPS":"5000","qos:burstIOPS":"8000"})";

// A "volume" object: id, size, project, a type with `extra_specs` (JSON object text), optional model.
inline std::string volume_obj(const std::string& id, int64_t size_gib, const std::string& project,
                              const std::string& extra_specs = kGoldSpecs, const Json& model = Json(),
                              const std::string& more = "") {
  std::string v = "{\"id\":" + quote(id) + ",\"size\":" + std::to_string(size_gib) + ",\"project_id\":" +
                  quote(project) + R"(,"display_name":"data-op test","volume_type":{"id":"t","name":"t","extra_specs":)" +
                  extra_specs + "}";
  if (model.valid()) {
    for (const char* key : {"provider_id", "provider_location", "provider_auth"}) {
      if (model[key].is_string()) v += ",\"" + std::string(key) + "\":" + quote(model[key].str());
    }
  }
  return v + more + "}";
}

inline std::string snapshot_obj(const std::string& id, const std::string& volume_obj_json, const std::string& volume_id,
                                const std::string& project, const Json& model = Json()) {
  std::string s = "{\"id\":" + quote(id) + ",\"volume_id\":" + quote(volume_id) + ",\"project_id\":" + quote(project) +
                  ",\"volume\":" + volume_obj_json;
  if (model.valid() && model["provider_id"].is_string()) s += ",\"provider_id\":" + quote(model["provider_id"].str());
  return s + "}";
}

inline int64_t first_id(const Json& model) { return std::stoll(split(model["provider_id"].str()).at(0)); }

// Snapshots of a volume as the cluster sees them.
inline std::vector<Json> cluster_snapshots(Sim& sim, int64_t volume_id) {
  const Json r = sim.rpc("ListSnapshots", "{\"volumeID\":" + std::to_string(volume_id) + "}");
  std::vector<Json> out;
  for (size_t i = 0; i < r["snapshots"].size(); ++i) out.push_back(r["snapshots"].at(i));
  return out;
}

// Volumes (any state) named "UUID-<id>".
inline std::vector<Json> named(Sim& sim, const std::string& id) { return sim.volumes_named("UUID-" + id); }

}  // namespace it::data
