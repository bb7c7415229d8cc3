// Request builders shared by the scenario files: volumes made through the driver, and the JSON of the
// requests that act on them.
#pragma once

#include <string>
#include <vector>

#include "scenarios.h"
#include "volume_requests.h"

namespace faults::requests {

using it::Json;
using it::quote;
using it::data::first_id;
using it::data::kGoldSpecs;
using it::data::snapshot_obj;
using it::data::volume_obj;

inline const std::string kPlatinum = R"({"qos:minIOPS":"2000","qos:maxIOPS":"20000","SFAttribute:tier":"platinum"})";
inline const std::string kCgSpecs = R"({"consistent_group_snapshot_enabled":"<is> True"})";
inline const vh::ConfigMap kVagOff{{"sf_enable_vag", "false"}};
inline const vh::ConfigMap kVagOn{{"sf_enable_vag", "true"}};

inline std::string join(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "]";
}

// A volume the driver created, with its model update merged into the object later calls carry.
struct Vol {
  std::string id;
  std::string project;
  Json model;
  std::string obj;
};

inline Vol volume(Run& r, const std::string& label, const std::string& project, int64_t size_gib = 1) {
  Vol v;
  v.id = r.uuid(label);
  v.project = project;
  v.model = r.must("create_volume", "{\"volume\":" + volume_obj(v.id, size_gib, project) + "}");
  v.obj = volume_obj(v.id, size_gib, project, kGoldSpecs, v.model);
  return v;
}

inline std::string snapshot_request(const std::string& sid, const Vol& v, const Json& model = Json()) {
  return "{\"snapshot\":" + snapshot_obj(sid, v.obj, v.id, v.project, model) + "}";
}

inline std::string connection_request(const Vol& v, const std::string& iqn) {
  return "{\"volume\":" + v.obj + R"(,"connector":{"initiator":)" + quote(iqn) +
         R"(,"host":"h","ip":"127.0.0.1","multipath":false}})";
}

inline std::string attach_request(const Vol& v, const std::string& instance) {
  return "{\"volume\":" + v.obj + R"(,"instance_uuid":)" + quote(instance) +
         R"(,"host_name":"h","mountpoint":"/dev/vdb","attach_time":"2024-05-01T10:00:00Z"})";
}

// The driver names a VAG after its initiator, punctuation as '-'.
std::string vag_name(const std::string& iqn);

// The scenarios of each file.
std::vector<Scenario> volume_scenarios();
std::vector<Scenario> connection_scenarios();
std::vector<Scenario> admin_scenarios();
std::vector<Scenario> group_scenarios();

}  // namespace faults::requests
