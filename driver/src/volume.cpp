#include "volume.h"

#include <array>

#include "element_api.h"

namespace solidfire {

namespace {

constexpr int64_t kMaxExactInteger = int64_t{1} << 53;  // beyond it a JSON number is not exact

using Problem = std::optional<std::string>;

// `key` of `obj`: absent (allowed unless required) or a whole number in [0, 2^53].
Problem count_member(JsonView obj, const char* key, const std::string& where, bool required = false) {
  const JsonView v = obj[key];
  if (!v.valid()) return required ? Problem(where + " has no " + key) : std::nullopt;
  const auto n = v.as_int64();
  if (!n) {
    // Show a scalar; never print an arbitrarily large array or object into the message.
    const bool scalar = !v.is_array() && !v.is_object();
    return where + "." + key + " is not an integer: " + (scalar ? v.print().substr(0, 64) : "an array or object");
  }
  if (*n < 0 || *n > kMaxExactInteger) return where + "." + key + " is out of range: " + std::to_string(*n);
  return std::nullopt;
}

Problem string_member(JsonView obj, const char* key, const std::string& where) {
  const JsonView v = obj[key];
  if (v.valid() && !v.is_string()) return where + "." + key + " is not a string";
  return std::nullopt;
}

Problem volume_shape(JsonView v, const std::string& where) {
  if (!v.is_object()) return where + " is not an object";
  for (const char* key : {"volumeID"}) {
    if (auto p = count_member(v, key, where, /*required=*/true)) return p;
  }
  for (const char* key : {"accountID", "totalSize"}) {
    if (auto p = count_member(v, key, where)) return p;
  }
  for (const char* key : {"name", "status", "iqn"}) {
    if (auto p = string_member(v, key, where)) return p;
  }
  if (const JsonView a = v["attributes"]; a.valid() && !a.is_object()) return where + ".attributes is not an object";
  if (const JsonView q = v["qos"]; q.valid()) {
    if (!q.is_object()) return where + ".qos is not an object";
    for (const char* key : {"minIOPS", "maxIOPS", "burstIOPS"}) {
      if (auto p = count_member(q, key, where + ".qos")) return p;
    }
  }
  if (const JsonView g = v["volumeAccessGroups"]; g.valid() && !g.is_array()) {
    return where + ".volumeAccessGroups is not an array";
  }
  return std::nullopt;
}

Problem snapshot_shape(JsonView s, const std::string& where) {
  if (!s.is_object()) return where + " is not an object";
  if (auto p = count_member(s, "snapshotID", where, /*required=*/true)) return p;
  for (const char* key : {"volumeID", "totalSize"}) {
    if (auto p = count_member(s, key, where)) return p;
  }
  return string_member(s, "name", where);
}

Problem group_snapshot_shape(JsonView g, const std::string& where) {
  if (!g.is_object()) return where + " is not an object";
  if (auto p = count_member(g, "groupSnapshotID", where, /*required=*/true)) return p;
  const JsonView members = g["members"];
  if (!members.valid()) return std::nullopt;
  if (!members.is_array()) return where + ".members is not an array";
  size_t i = 0;
  for (const JsonView m : members.items()) {
    if (auto p = snapshot_shape(m, where + ".members[" + std::to_string(i++) + "]")) return p;
  }
  return std::nullopt;
}

Problem access_group_shape(JsonView g, const std::string& where) {
  if (!g.is_object()) return where + " is not an object";
  if (auto p = count_member(g, "volumeAccessGroupID", where, /*required=*/true)) return p;
  for (const char* key : {"volumes", "initiators"}) {
    if (const JsonView a = g[key]; a.valid() && !a.is_array()) return where + "." + key + " is not an array";
  }
  return string_member(g, "name", where);
}

Problem account_shape(JsonView a, const std::string& where) {
  if (!a.is_object()) return where + " is not an object";
  if (auto p = count_member(a, "accountID", where, /*required=*/true)) return p;
  if (!a["username"].is_string()) return where + ".username is not a string";
  if (const JsonView v = a["volumes"]; v.valid() && !v.is_array()) return where + ".volumes is not an array";
  return std::nullopt;
}

using Shape = Problem (*)(JsonView, const std::string&);

// A list member: required for the method that returns it, checked whenever present.
struct ListMember {
  const char* key;
  Shape item;
  std::array<std::string_view, 2> required_for;
};
const std::array<ListMember, 4> kLists = {{
    {"volumes", volume_shape, {element::kListVolumes.name, element::kListVolumesForAccount.name}},
    {"snapshots", snapshot_shape, {element::kListSnapshots.name, {}}},
    {"groupSnapshots", group_snapshot_shape, {element::kListGroupSnapshots.name, {}}},
    {"volumeAccessGroups", access_group_shape, {element::kListVolumeAccessGroups.name, {}}},
}};

// A single-object member, checked whenever present.
struct ObjectMember {
  const char* key;
  Shape shape;
};
const std::array<ObjectMember, 3> kObjects = {{
    {"volume", volume_shape},
    {"snapshot", snapshot_shape},
    {"account", account_shape},
}};

}  // namespace

std::optional<std::string> reply_shape_problem(std::string_view method, JsonView result) {
  if (!result.is_object()) return std::string("result is not an object");
  for (const auto& list : kLists) {
    const JsonView items = result[list.key];
    const bool required = !method.empty() && (method == list.required_for[0] || method == list.required_for[1]);
    if (!items.valid()) {
      if (required) return std::string("result has no ") + list.key + " list";
      continue;
    }
    if (!items.is_array()) return std::string("result.") + list.key + " is not an array";
    size_t i = 0;
    for (const JsonView item : items.items()) {
      if (auto p = list.item(item, std::string(list.key) + "[" + std::to_string(i++) + "]")) return p;
    }
  }
  for (const auto& obj : kObjects) {
    const JsonView v = result[obj.key];
    if (!v.valid()) {
      if (obj.key == std::string_view("account") && method == element::kGetAccountByName.name) {
        return std::string("result has no account");
      }
      continue;
    }
    if (auto p = obj.shape(v, obj.key)) return p;
  }
  // Ids a write returns at the top level.
  for (const char* key : {"volumeID", "snapshotID", "cloneID", "groupSnapshotID", "volumeAccessGroupID",
                          "accountID", "asyncHandle"}) {
    if (auto p = count_member(result, key, "result")) return p;
  }
  return std::nullopt;
}

std::optional<SfVolume> parse_volume(JsonView v) {
  auto id = v.int64("volumeID");
  if (!id) return std::nullopt;
  SfVolume out;
  out.id = *id;
  out.account_id = v.int64("accountID").value_or(0);
  out.name = v.string_or("name", "");
  out.status = v.string_or("status", "");
  out.iqn = v.string_or("iqn", "");
  out.total_size = v.int64("totalSize").value_or(0);
  out.enable512e = v.boolean("enable512e").value_or(true);
  out.access = v.string_or("access", "");
  for (const JsonView p : v["volumePairs"].items()) {
    SfVolumePair pair;
    pair.cluster_pair_id = p.int64("clusterPairID").value_or(0);
    pair.remote_volume_id = p.int64("remoteVolumeID").value_or(0);
    pair.uuid = p.string_or("volumePairUUID", "");
    pair.mode = p["remoteReplication"].string_or("mode", "");
    pair.state = p["remoteReplication"].string_or("state", "");
    out.pairs.push_back(std::move(pair));
  }
  const JsonView attrs = v["attributes"];
  if (attrs.is_object()) {
    out.uuid_attr = attrs.string_or("uuid", "");
    out.migration_uuid = attrs.string_or("migration_uuid", "");
  }
  return out;
}

}  // namespace solidfire
