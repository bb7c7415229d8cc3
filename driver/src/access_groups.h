// Element volume access groups (VAGs) as the driver reads them, and the pieces of the VAG grant and
// revoke (access_groups.cpp) that terminate_connection shares.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "element_client.h"
#include "json.h"

namespace solidfire::access {

struct Vag {
  int64_t id = 0;
  std::string name;
  std::vector<std::string> initiators;  // lower-cased
  std::vector<int64_t> volumes;
  std::vector<int64_t> deleted_volumes;
  bool openstack = false;  // attributes.openstack is truthy
  bool has_initiator(const std::string& iqn) const;
  bool has_volume(int64_t volume_id) const;
  bool empty_of_volumes() const { return volumes.empty() && deleted_volumes.empty(); }
};
std::optional<Vag> parse_vag(JsonView v);
std::vector<Vag> parse_vags(JsonView list);

// ListVolumeAccessGroups, of the given ids only when `ids` is not empty.
std::vector<Vag> list_vags(ElementClient& client, CallContext& ctx, const std::vector<int64_t>& ids = {});

// VAG name for an initiator: Cinder's (runs of non-alphanumerics -> '-'); over 64 characters, the
// first 47 characters, '-' and 16 hex digits of the FNV-1a 64 hash of the IQN (deterministic).
std::string vag_name_for(const std::string& initiator);

}  // namespace solidfire::access
