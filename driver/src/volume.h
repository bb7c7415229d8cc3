// An Element volume as the driver reads it. Finding one is the lookup's job (volume_lookup.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "json.h"

namespace solidfire {

// An Element volume as the driver reads it (only the members it uses).
struct SfVolume {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string name;
  std::string status;
  std::string iqn;
  std::string uuid_attr;       // attributes.uuid, empty when absent
  std::string migration_uuid;  // attributes.migration_uuid (migration targets), empty when absent
  int64_t total_size = 0;
  bool enable512e = true;
  bool deleted() const { return status == "deleted"; }
};
// nullopt without a volumeID.
std::optional<SfVolume> parse_volume(JsonView v);

}  // namespace solidfire
