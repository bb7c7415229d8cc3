#include "requests.h"

#include "support.h"

namespace soak {

using it::quote;

namespace {
std::string specs(const VolumeType& t) {
  auto kv = [](const char* key, int64_t value) {
    return std::string("\"") + key + "\":\"" + std::to_string(value) + "\"";
  };
  std::string s = "{" + kv("qos:minIOPS", t.base.min) + "," + kv("qos:maxIOPS", t.base.max) + "," +
                  kv("qos:burstIOPS", t.base.burst);
  if (t.scaled) {
    s += ",\"qos:scaledIOPS\":\"True\"," + kv("qos:scaleMin", t.scale.min) + "," + kv("qos:scaleMax", t.scale.max) +
         "," + kv("qos:scaleBurst", t.scale.burst);
  }
  return s + "}";
}
}  // namespace

std::string type_json(const VolumeType& type) {
  return "{\"id\":" + quote(type.id) + ",\"name\":" + quote(type.name) + ",\"extra_specs\":" + specs(type) +
         ",\"qos_specs\":{}}";
}

std::string new_volume_json(const std::string& id, int64_t size_gib, const std::string& project, size_t type) {
  return "{\"id\":" + quote(id) + ",\"size\":" + std::to_string(size_gib) + ",\"project_id\":" + quote(project) +
         ",\"display_name\":\"soak\",\"volume_type\":" + type_json(volume_types().at(type)) + ",\"metadata\":{}}";
}

std::string volume_json(const VolumeRec& v) {
  std::string o = new_volume_json(v.id, v.size_gib, v.project, v.type);
  o.pop_back();
  if (!v.provider_id.empty()) o += ",\"provider_id\":" + quote(v.provider_id);
  if (!v.provider_location.empty()) o += ",\"provider_location\":" + quote(v.provider_location);
  if (!v.provider_auth.empty()) o += ",\"provider_auth\":" + quote(v.provider_auth);
  return o + "}";
}

std::string snapshot_json(const SnapshotRec& s, const VolumeRec& parent, bool with_provider_id) {
  std::string o = "{\"id\":" + quote(s.id) + ",\"volume_id\":" + quote(parent.id) +
                  ",\"volume_size\":" + std::to_string(s.size_gib) + ",\"project_id\":" + quote(parent.project) +
                  ",\"volume\":" + volume_json(parent);
  if (with_provider_id && !s.provider_id.empty()) o += ",\"provider_id\":" + quote(s.provider_id);
  return o + "}";
}

std::string connector_json(const std::string& iqn) {
  return "{\"initiator\":" + quote(iqn) + ",\"host\":\"soak-host\",\"ip\":\"127.0.0.1\",\"multipath\":false}";
}

bool store_model_update(VolumeRec& v, const std::string& result_json) {
  const it::Json m = it::Json::parse(result_json);
  if (!m["provider_id"].is_string()) return false;
  v.provider_id = m["provider_id"].str();
  v.provider_location = m["provider_location"].str();
  v.provider_auth = m["provider_auth"].str();
  return true;
}

}  // namespace soak
