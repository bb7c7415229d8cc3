// Request builders and step helpers shared by the demo's lifecycles (demo_steps.cpp,
// demo_replication_steps.cpp).
#pragma once

#include <functional>
#include <string>

#include "demo_steps.h"
#include "json.h"

namespace vdp::host::cli::demo {

std::string random_uuid();
std::string id_of(const Json& obj);
Json connector_json();
// A volume type whose extra specs carry QoS (and one volume attribute).
Json volume_type_json(const char* name, const char* min, const char* max, const char* burst);
// A volume of type gold (QoS 1000/5000/8000) in demo-project.
Json volume_json(int size_gib, const char* display_name);
// The same with a replicated type (replication_enabled, solidfire:replication_mode Async).
Json replicated_volume_json(int size_gib, const char* display_name);
// A snapshot of `volume` (its provider_id locates the source).
Json snapshot_json(const std::string& id, const cJSON* volume);
Json group_json();
// {key: copy of value}; the caller adds further members.
Json with(const char* key, const cJSON* value);
Json volume_request(const Json& volume, bool with_connector);
Json stats_request(Lifecycle&);
// Copies every member of `update` into `target` (model updates between steps).
void merge(cJSON* target, const cJSON* update);
// An `after` that shows the model update and merges it into the object it belongs to.
std::function<void(Lifecycle&, const cJSON*, Output&)> shown_and_merged(Json Lifecycle::*object);
void show_stats(Lifecycle&, const cJSON* result, Output& out);
void show_connection(Lifecycle&, const cJSON* result, Output& out);
void show_if_any(Lifecycle&, const cJSON* result, Output& out);

}  // namespace vdp::host::cli::demo
