// Typed driver results -> result JSON (abi/docs/operations.md).
#pragma once

#include <string>
#include <vector>

#include "solidfire/types.h"

namespace sfplugin {

std::string to_json(const solidfire::ModelUpdate& update);
std::string to_json(const solidfire::IscsiConnectionInfo& info);
std::string to_json(const solidfire::BackendStats& stats);
std::string to_json(const solidfire::RetypeResult& result);
std::string to_json(const solidfire::MigrateResult& result);
std::string to_json(const solidfire::ProviderInfoResult& result);
std::string to_json(const solidfire::FailoverResult& result);
std::string size_json(int64_t size_gib);

// Group results: {"model_update": {"status"} or null, "<members key>": [{id, status, provider_*...}]}.
enum class GroupMembers { kNone, kVolumes, kSnapshots };
std::string to_json(const solidfire::GroupResult& result, GroupMembers members);
// update_group: membership is model-only for SolidFire (Cinder's None, None, None).
std::string update_group_json();
std::string warnings_json(const std::vector<std::string>& warnings);

struct Description {
  const char* name;
  const char* vendor;
  const char* driver_version;
  unsigned abi_version;
  unsigned schema_version;
  std::vector<std::string> operations;  // operations this plugin serves (served_operations())
};
std::string to_json(const Description& d);

}  // namespace sfplugin
