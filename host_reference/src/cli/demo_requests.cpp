// Request builders and step helpers shared by the demo's lifecycles (demo_requests.h).
#include "demo_requests.h"

#include <cstdio>
#include <random>

namespace vdp::host::cli::demo {

std::string random_uuid() {
  // Seeded once per thread: a random_device and a fresh engine per id were ~1.4% of the bench's CPU.
  thread_local std::mt19937_64 rng{[] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }()};
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;              // version 4
  lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);  // variant 10xx
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xFFFF), static_cast<unsigned long long>(hi & 0xFFFF),
                static_cast<unsigned long long>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

std::string id_of(const Json& obj) { return get_string(obj.get(), "id").value_or(""); }

Json connector_json() {
  Json c = make_object();
  set_string(c.get(), "initiator", "iqn.1993-08.org.debian:01:demo");
  set_string(c.get(), "host", "demo-host");
  set_string(c.get(), "ip", "127.0.0.1");
  return c;
}

// A volume type whose extra specs carry QoS (and one volume attribute).
Json volume_type_json(const char* name, const char* min, const char* max, const char* burst) {
  Json type = make_object();
  set_string(type.get(), "id", random_uuid());
  set_string(type.get(), "name", name);
  Json specs = make_object();
  set_string(specs.get(), "qos:minIOPS", min);
  set_string(specs.get(), "qos:maxIOPS", max);
  set_string(specs.get(), "qos:burstIOPS", burst);
  set_string(specs.get(), "SFAttribute:tier", name);
  set(type.get(), "extra_specs", std::move(specs));
  set(type.get(), "qos_specs", make_object());
  return type;
}

Json volume_json(int size_gib, const char* display_name) {
  Json v = make_object();
  set_string(v.get(), "id", random_uuid());
  set_number(v.get(), "size", size_gib);
  set_string(v.get(), "project_id", "demo-project");
  set_string(v.get(), "user_id", "demo-user");
  set_string(v.get(), "display_name", display_name);
  set(v.get(), "volume_type", volume_type_json("gold", "1000", "5000", "8000"));
  return v;
}

Json replicated_volume_json(int size_gib, const char* display_name) {
  Json v = volume_json(size_gib, display_name);
  cJSON* type = cJSON_GetObjectItemCaseSensitive(v.get(), "volume_type");
  set_string(type, "name", "replicated");
  cJSON* specs = cJSON_GetObjectItemCaseSensitive(type, "extra_specs");
  set_string(specs, "replication_enabled", "<is> True");
  set_string(specs, "solidfire:replication_mode", "Async");
  return v;
}

// A snapshot of `volume` (its provider_id locates the source).
Json snapshot_json(const std::string& id, const cJSON* volume) {
  Json snap = make_object();
  set_string(snap.get(), "id", id);
  set_string(snap.get(), "volume_id", get_string(volume, "id").value_or(""));
  const cJSON* size = cJSON_GetObjectItemCaseSensitive(volume, "size");
  set_number(snap.get(), "volume_size", cJSON_IsNumber(size) ? size->valuedouble : 1);
  set_string(snap.get(), "project_id", "demo-project");
  set(snap.get(), "volume", duplicate(volume));
  return snap;
}

Json group_json() {
  Json group = make_object();
  set_string(group.get(), "id", random_uuid());
  set_string(group.get(), "group_type_id", "consistent");
  Json specs = make_object();
  set_string(specs.get(), "consistent_group_snapshot_enabled", "<is> True");
  set(group.get(), "group_specs", std::move(specs));
  set_string(group.get(), "project_id", "demo-project");
  return group;
}

// {key: copy of value} plus further members set by the caller.
Json with(const char* key, const cJSON* value) {
  Json req = make_object();
  set(req.get(), key, duplicate(value));
  return req;
}

Json volume_request(const Json& volume, bool with_connector) {
  Json req = with("volume", volume.get());
  if (with_connector) set(req.get(), "connector", connector_json());
  return req;
}

Json stats_request(Lifecycle&) {
  Json req = make_object();
  cJSON_AddBoolToObject(req.get(), "refresh", 1);
  return req;
}

// Copies every member of `update` into `target` (model updates between steps).
void merge(cJSON* target, const cJSON* update) {
  if (!cJSON_IsObject(update)) return;
  for (const cJSON* c = update->child; c; c = c->next)
    if (c->string) set(target, c->string, duplicate(c));
}

// An `after` that shows the model update and merges it into the object it belongs to.
std::function<void(Lifecycle&, const cJSON*, Output&)> shown_and_merged(Json Lifecycle::*object) {
  return [object](Lifecycle& lc, const cJSON* result, Output& out) {
    out.fields(result);
    merge((lc.*object).get(), result);
  };
}

void show_stats(Lifecycle&, const cJSON* result, Output& out) { out.stats(result); }
void show_connection(Lifecycle&, const cJSON* result, Output& out) { out.connection(result); }
void show_if_any(Lifecycle&, const cJSON* result, Output& out) {
  if (cJSON_IsObject(result) && result->child) out.fields(result);
}

}  // namespace vdp::host::cli::demo
