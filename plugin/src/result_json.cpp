#include "result_json.h"

#include "json_out.h"

namespace sfplugin {
namespace {

std::string version_text(unsigned v) { return std::to_string(v >> 16) + "." + std::to_string(v & 0xffffu); }

void add_model_update(cJSON* o, const solidfire::ModelUpdate& u) {
  JsonOut::opt_str(o, "status", u.status);
  JsonOut::opt_str(o, "provider_id", u.provider_id);
  JsonOut::opt_str(o, "provider_location", u.provider_location);
  JsonOut::opt_str(o, "provider_auth", u.provider_auth);
  JsonOut::opt_str(o, "provider_geometry", u.provider_geometry);
  JsonOut::opt_str(o, "replication_status", u.replication_status);
  JsonOut::opt_str(o, "replication_driver_data", u.replication_driver_data);
}

}  // namespace

std::string to_json(const solidfire::ModelUpdate& u) {
  JsonOut out;
  add_model_update(out.get(), u);
  return out.print();
}

std::string to_json(const solidfire::FailoverResult& result) {
  JsonOut out;
  JsonOut::str(out.get(), "active_backend_id", result.active_backend_id);
  cJSON* list = JsonOut::child_array(out.get(), "volume_updates");
  for (const auto& v : result.volume_updates) {
    cJSON* item = JsonOut::check(cJSON_CreateObject());
    JsonOut::push(list, item);
    JsonOut::str(item, "volume_id", v.volume_id);
    add_model_update(JsonOut::child_object(item, "updates"), v.updates);
  }
  JsonOut::child_array(out.get(), "group_updates");  // groups fail over with their volumes
  return out.print();
}

std::string to_json(const solidfire::GroupResult& result, GroupMembers members) {
  JsonOut out;
  if (result.status) {
    JsonOut::str(JsonOut::child_object(out.get(), "model_update"), "status", *result.status);
  } else {
    JsonOut::null(out.get(), "model_update");
  }
  if (members == GroupMembers::kNone) return out.print();
  cJSON* list = JsonOut::child_array(out.get(), members == GroupMembers::kVolumes ? "volumes_model_update"
                                                                                  : "snapshots_model_update");
  for (const auto& m : result.members) {
    cJSON* item = JsonOut::check(cJSON_CreateObject());
    JsonOut::push(list, item);
    JsonOut::str(item, "id", m.id);
    JsonOut::str(item, "status", m.status);
    add_model_update(item, m.model);
  }
  return out.print();
}

std::string update_group_json() {
  JsonOut out;
  JsonOut::null(out.get(), "model_update");
  JsonOut::null(out.get(), "add_volumes_update");
  JsonOut::null(out.get(), "remove_volumes_update");
  return out.print();
}

std::string to_json(const solidfire::IscsiConnectionInfo& info) {
  JsonOut out;
  JsonOut::str(out.get(), "driver_volume_type", "iscsi");
  cJSON* d = JsonOut::child_object(out.get(), "data");
  JsonOut::boolean(d, "target_discovered", info.target_discovered);
  JsonOut::str(d, "target_portal", info.target_portal);
  JsonOut::str(d, "target_iqn", info.target_iqn);
  JsonOut::num(d, "target_lun", static_cast<double>(info.target_lun));
  JsonOut::str(d, "volume_id", info.volume_id);
  if (!info.auth_method.empty()) {
    JsonOut::str(d, "auth_method", info.auth_method);
    JsonOut::str(d, "auth_username", info.auth_username);
    JsonOut::str(d, "auth_password", info.auth_password);
  }
  JsonOut::boolean(d, "discard", info.discard);
  JsonOut::boolean(d, "encrypted", info.encrypted);
  if (info.physical_block_size) JsonOut::num(d, "physical_block_size", static_cast<double>(*info.physical_block_size));
  if (info.logical_block_size) JsonOut::num(d, "logical_block_size", static_cast<double>(*info.logical_block_size));
  if (!info.target_portals.empty()) {
    cJSON* portals = JsonOut::child_array(d, "target_portals");
    for (const auto& p : info.target_portals) JsonOut::push(portals, cJSON_CreateString(p.c_str()));
    cJSON* iqns = JsonOut::child_array(d, "target_iqns");
    for (const auto& q : info.target_iqns) JsonOut::push(iqns, cJSON_CreateString(q.c_str()));
    cJSON* luns = JsonOut::child_array(d, "target_luns");
    for (auto l : info.target_luns) JsonOut::push(luns, cJSON_CreateNumber(static_cast<double>(l)));
  }
  return out.print();
}

std::string to_json(const solidfire::BackendStats& s) {
  JsonOut out;
  cJSON* o = out.get();
  JsonOut::str(o, "volume_backend_name", s.volume_backend_name);
  JsonOut::str(o, "vendor_name", s.vendor_name);
  JsonOut::str(o, "driver_version", s.driver_version);
  JsonOut::str(o, "storage_protocol", s.storage_protocol);
  JsonOut::num(o, "total_capacity_gb", s.total_capacity_gb);
  JsonOut::num(o, "free_capacity_gb", s.free_capacity_gb);
  if (s.provisioned_capacity_gb) JsonOut::num(o, "provisioned_capacity_gb", *s.provisioned_capacity_gb);
  JsonOut::num(o, "reserved_percentage", static_cast<double>(s.reserved_percentage));
  JsonOut::num(o, "max_over_subscription_ratio", s.max_over_subscription_ratio);
  JsonOut::boolean(o, "thin_provisioning_support", s.thin_provisioning_support);
  JsonOut::boolean(o, "QoS_support", s.QoS_support);
  JsonOut::boolean(o, "multiattach", s.multiattach);
  JsonOut::boolean(o, "consistencygroup_support", s.consistencygroup_support);
  JsonOut::boolean(o, "consistent_group_snapshot_enabled", s.consistent_group_snapshot_enabled);
  JsonOut::boolean(o, "replication_enabled", s.replication_enabled);
  if (s.replication) JsonOut::str(o, "replication", *s.replication);
  auto strings = [&](const char* key, const std::vector<std::string>& values) {
    if (values.empty()) return;
    cJSON* a = JsonOut::child_array(o, key);
    for (const auto& v : values) JsonOut::push(a, cJSON_CreateString(v.c_str()));
  };
  strings("replication_targets", s.replication_targets);
  strings("replication_modes", s.replication_modes);
  strings("replication_type", s.replication_type);
  JsonOut::boolean(o, "shared_targets", s.shared_targets);
  JsonOut::boolean(o, "online_extend_support", s.online_extend_support);
  JsonOut::num(o, "compression_percent", s.compression_percent);
  JsonOut::num(o, "deduplication_percent", s.deduplication_percent);
  JsonOut::num(o, "thin_provision_percent", s.thin_provision_percent);
  JsonOut::num(o, "provisioned_iops", static_cast<double>(s.provisioned_iops));
  JsonOut::num(o, "current_iops", static_cast<double>(s.current_iops));
  JsonOut::num(o, "average_iops", static_cast<double>(s.average_iops));
  JsonOut::num(o, "max_iops", static_cast<double>(s.max_iops));
  JsonOut::num(o, "peak_iops", static_cast<double>(s.peak_iops));
  if (!s.cluster_mvip.empty()) JsonOut::str(o, "active_cluster_mvip", s.cluster_mvip);
  if (!s.cluster_uuid.empty()) JsonOut::str(o, "cluster_uuid", s.cluster_uuid);
  if (!s.location_info.empty()) JsonOut::str(o, "location_info", s.location_info);
  // Present only when the last refresh failed and these figures are an earlier result.
  if (s.stale_seconds) JsonOut::num(o, "stale_seconds", static_cast<double>(*s.stale_seconds));
  return out.print();
}

namespace {
// "model_update": the update, or null.
void add_model_update(cJSON* o, const std::optional<solidfire::ModelUpdate>& update) {
  if (!update) {
    JsonOut::null(o, "model_update");
    return;
  }
  JsonOut parsed(cJSON_Parse(to_json(*update).c_str()));
  cJSON_AddItemToObject(o, "model_update", parsed.release());
}
}  // namespace

std::string to_json(const solidfire::RetypeResult& result) {
  JsonOut out;
  JsonOut::boolean(out.get(), "retyped", result.retyped);
  add_model_update(out.get(), result.model_update);
  return out.print();
}

std::string to_json(const solidfire::MigrateResult& result) {
  JsonOut out;
  JsonOut::boolean(out.get(), "migrated", result.migrated);
  add_model_update(out.get(), result.model_update);
  if (!result.migrated) JsonOut::str(out.get(), "reason", result.reason);
  return out.print();
}

std::string to_json(const solidfire::ProviderInfoResult& result) {
  JsonOut out;
  const auto add_list = [&](const char* key, const std::vector<solidfire::ProviderIdUpdate>& updates) {
    cJSON* list = JsonOut::child_array(out.get(), key);
    for (const auto& u : updates) {
      cJSON* item = JsonOut::check(cJSON_CreateObject());
      JsonOut::push(list, item);
      JsonOut::str(item, "id", u.id);
      JsonOut::str(item, "provider_id", u.provider_id);
    }
  };
  add_list("volumes", result.volumes);
  add_list("snapshots", result.snapshots);
  return out.print();
}

std::string size_json(int64_t size_gib) {
  JsonOut out;
  JsonOut::num(out.get(), "size", static_cast<double>(size_gib));
  return out.print();
}

std::string warnings_json(const std::vector<std::string>& warnings) {
  JsonOut out;
  cJSON* list = JsonOut::child_array(out.get(), "warnings");
  for (const auto& w : warnings) JsonOut::push(list, cJSON_CreateString(w.c_str()));
  return out.print();
}

std::string to_json(const Description& d) {
  JsonOut out;
  cJSON* o = out.get();
  JsonOut::str(o, "name", d.name);
  JsonOut::str(o, "vendor", d.vendor);
  JsonOut::str(o, "driver_version", d.driver_version);
  JsonOut::str(o, "abi_version", version_text(d.abi_version));
  JsonOut::str(o, "schema_version", version_text(d.schema_version));
  cJSON* ops = JsonOut::child_array(o, "operations");
  for (const auto& op : d.operations) JsonOut::push(ops, cJSON_CreateString(op.c_str()));
  cJSON* caps = JsonOut::child_object(o, "capabilities");
  JsonOut::str(caps, "storage_protocol", "iSCSI");
  JsonOut::boolean(caps, "idempotent_operations", true);
  JsonOut::boolean(caps, "deadlines", true);
  JsonOut::boolean(caps, "cancellation", true);
  return out.print();
}

}  // namespace sfplugin
