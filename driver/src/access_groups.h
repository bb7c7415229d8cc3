// Helpers shared by the access and administration operations (access_ops*.cpp): Element volume
// access groups as plain structs, attribute manipulation under Element's 1000-byte limit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "json.h"

namespace solidfire::access {

inline constexpr size_t kMaxAttributesBytes = 999;  // Element: attributes JSON under 1000 bytes
inline constexpr int64_t kGiB = int64_t{1} << 30;
inline constexpr const char* kVagVersion = "7.0";

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

std::vector<int64_t> int_list(JsonView array);

// A deep copy of `v` when it is an object, else an empty object.
Json object_copy(JsonView v);
size_t printed_size(const Json& j);

// Drops the named members, in order, until `attrs` fits; true when it fits.
bool fit_attributes(Json& attrs, const std::vector<const char*>& droppable);

// True when a truthy JSON value (true, "true"/"True", non-zero number).
bool truthy(JsonView v);

}  // namespace solidfire::access
