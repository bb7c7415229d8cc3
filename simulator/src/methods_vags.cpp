// Volume access group methods: CreateVolumeAccessGroup, ModifyVolumeAccessGroup,
// ListVolumeAccessGroups, AddInitiatorsToVolumeAccessGroup, RemoveInitiatorsFromVolumeAccessGroup,
// AddVolumesToVolumeAccessGroup, RemoveVolumesFromVolumeAccessGroup, DeleteVolumeAccessGroup.
#include <algorithm>
#include <optional>
#include <set>

#include "cluster_state.h"
#include "common.h"
#include "rpc.h"

namespace element_sim {

namespace {

constexpr size_t kInitiatorNameMax = 224;

bool all_of_class(std::string_view s, bool (*ok)(char)) {
  return !s.empty() && std::all_of(s.begin(), s.end(), ok);
}
bool is_hex(char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'); }
bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }
bool is_iqn_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || is_digit(ch) || ch == '.' || ch == ':' || ch == '-';
}

// Initiator names Element accepts (already lower-cased): iqn.yyyy-mm<digits, letters, '.', ':', '-'>,
// eui.<16 hex>, naa.<16|32 hex>, or a Fibre Channel WWPN (16 hex digits, optionally colon-separated).
bool valid_initiator_name(std::string_view n) {
  if (n.starts_with("iqn.")) {
    return n.size() > 11 && all_of_class(n.substr(4, 4), is_digit) && n[8] == '-' &&
           all_of_class(n.substr(9, 2), is_digit) && all_of_class(n.substr(11), is_iqn_char);
  }
  if (n.starts_with("eui.")) return n.size() == 20 && all_of_class(n.substr(4), is_hex);
  if (n.starts_with("naa.")) return (n.size() == 20 || n.size() == 36) && all_of_class(n.substr(4), is_hex);
  std::string wwpn;
  for (size_t i = 0; i < n.size(); ++i) {
    if (n[i] == ':' && i % 3 == 2) continue;  // xx:xx:...:xx
    wwpn.push_back(n[i]);
  }
  const bool colons = n.find(':') != std::string_view::npos;
  return wwpn.size() == 16 && all_of_class(wwpn, is_hex) && (!colons || n.size() == 23);
}

// `initiators`: names (lower-cased; duplicates dropped; nulls skipped) or initiator IDs.
std::optional<std::vector<std::string>> initiators_param(const Cluster& c, const Params& p) {
  const cJSON* arr = p.get("initiators");
  if (arr == nullptr) return std::nullopt;
  if (!cJSON_IsArray(arr)) fail_invalid("initiators", "expected an array of initiator names or IDs");
  std::vector<std::string> out;
  std::set<std::string> seen;
  const cJSON* el = nullptr;
  cJSON_ArrayForEach(el, arr) {
    std::string name;
    if (cJSON_IsNull(el)) continue;
    std::optional<int64_t> id;
    if (cJSON_IsString(el)) {
      name = ascii_lower(el->valuestring);
      // A short decimal string is an initiator ID (lenient typing); 16 digits can be a WWPN.
      if (name.size() < 16 && all_of_class(name, is_digit)) {
        id = std::stoll(name);
      } else {
        if (name.empty() || name.size() > kInitiatorNameMax)
          fail_invalid("initiators", "initiator names must be 1 to 224 characters");
        if (!valid_initiator_name(name))
          fail_invalid("initiators", "'" + name + "' is not an IQN (iqn.yyyy-mm...), EUI, NAA or WWPN initiator name");
      }
    } else if (cJSON_IsNumber(el)) {
      const double d = el->valuedouble;
      if (!(d >= 0 && d < 9.0e15) || d != static_cast<double>(static_cast<int64_t>(d)))
        fail_invalid("initiators", "initiator IDs must be non-negative integers");
      id = static_cast<int64_t>(el->valuedouble);
    } else {
      fail_invalid("initiators", "expected an array of initiator names or IDs");
    }
    if (id) {
      name.clear();
      for (const auto& [n, i] : c.initiator_ids) {
        if (i == *id) name = n;
      }
      if (name.empty()) fail("xInitiatorIDDoesNotExist", "InitiatorID " + std::to_string(*id) + " does not exist.");
    }
    if (seen.insert(name).second) out.push_back(std::move(name));
  }
  return out;
}

// `volumes`: ids that must exist; nulls skipped (Cinder may send [null]); duplicates dropped.
std::optional<std::vector<int64_t>> volumes_param(Cluster& c, const Params& p) {
  auto ids = p.opt_int_array("volumes");
  if (!ids) return std::nullopt;
  std::vector<int64_t> out;
  std::set<int64_t> seen;
  for (int64_t id : *ids) {
    c.volume_or_fail(id);
    if (seen.insert(id).second) out.push_back(id);
  }
  return out;
}

std::string name_param(const Params& p, bool required) {
  auto n = required ? std::optional<std::string>(p.req_string("name")) : p.opt_string("name", true);
  if (!n) return {};
  const size_t len = utf8_length(*n);
  if (len < 1 || len > 64) fail_invalid("name", "volume access group names must be 1 to 64 characters");
  return *n;
}

// An initiator may belong to one VAG only (xExceededLimit naming the initiator); at most
// initiators_per_volume_access_group_max per VAG (message without an IQN, like Element's).
void check_initiators(const Cluster& c, int64_t vag_id, const std::vector<std::string>& final_list,
                      const std::vector<std::string>& added) {
  for (const auto& i : added) {
    auto it = c.initiator_vag.find(i);
    if (it != c.initiator_vag.end() && it->second != vag_id)
      fail("xExceededLimit", "Exceeded maximum number of VolumeAccessGroups per Initiator. initiator=" + i +
                                 " volumeAccessGroupID=" + std::to_string(it->second) + " limit=1");
  }
  if (static_cast<int64_t>(final_list.size()) > c.opts.initiators_per_volume_access_group_max)
    fail("xExceededLimit", "Exceeded max number of initiators per volumeAccessGroup. volumeAccessGroupID=" +
                               std::to_string(vag_id) +
                               " limit=" + std::to_string(c.opts.initiators_per_volume_access_group_max));
}

void check_volumes(const Cluster& c, int64_t vag_id, size_t final_count, const std::vector<int64_t>& added) {
  if (static_cast<int64_t>(final_count) > c.opts.volumes_per_volume_access_group_max)
    fail("xExceededLimit", "Exceeded max number of volumes per volumeAccessGroup. volumeAccessGroupID=" +
                               std::to_string(vag_id) +
                               " limit=" + std::to_string(c.opts.volumes_per_volume_access_group_max));
  for (int64_t vid : added) {
    const Volume& v = c.volumes.at(vid);
    const bool member = std::binary_search(v.access_groups.begin(), v.access_groups.end(), vag_id);
    if (!member && static_cast<int64_t>(v.access_groups.size()) >= c.opts.volume_access_groups_per_volume_max)
      fail("xExceededLimit", "Exceeded max number of volumeAccessGroups per volume. volumeID=" + std::to_string(vid) +
                                 " limit=" + std::to_string(c.opts.volume_access_groups_per_volume_max));
  }
}

void attach_volume(Cluster& c, AccessGroup& g, int64_t vid) {
  g.volumes.insert(vid);
  auto& list = c.volumes.at(vid).access_groups;
  auto pos = std::lower_bound(list.begin(), list.end(), g.id);
  if (pos == list.end() || *pos != g.id) list.insert(pos, g.id);
}

void detach_volume(Cluster& c, AccessGroup& g, int64_t vid) {
  g.volumes.erase(vid);
  if (Volume* v = c.find_volume(vid)) {
    auto& list = v->access_groups;
    list.erase(std::remove(list.begin(), list.end(), g.id), list.end());
  }
}

void attach_initiator(Cluster& c, AccessGroup& g, const std::string& i) {
  g.initiators.push_back(i);
  c.initiator_vag[i] = g.id;
  if (c.initiator_ids.find(i) == c.initiator_ids.end()) c.initiator_ids.emplace(i, c.next_initiator_id++);
}

void detach_initiator(Cluster& c, AccessGroup& g, const std::string& i) {
  g.initiators.erase(std::remove(g.initiators.begin(), g.initiators.end(), i), g.initiators.end());
  auto it = c.initiator_vag.find(i);
  if (it != c.initiator_vag.end() && it->second == g.id) c.initiator_vag.erase(it);
}

json::Ptr vag_result(const Cluster& c, const AccessGroup& g) {
  json::Ptr r = json::object();
  json::add(r.get(), "volumeAccessGroup", c.access_group_json(g));
  return r;
}

// ------------------------------------------------------------------ methods

json::Ptr create_vag(Cluster& c, const Params& p, const CallInfo&) {
  std::string name = name_param(p, true);
  const auto vols = volumes_param(c, p).value_or(std::vector<int64_t>{});
  const auto inits = initiators_param(c, p).value_or(std::vector<std::string>{});
  std::string attrs = attributes_text(p.opt_object("attributes"));
  const int64_t id = c.next_vag_id;
  check_initiators(c, id, inits, inits);
  check_volumes(c, id, vols.size(), vols);
  if (static_cast<int64_t>(c.access_groups.size()) >= c.opts.volume_access_group_count_max)
    fail("xExceededLimit", "Exceeded max number of volumeAccessGroups. limit=" +
                               std::to_string(c.opts.volume_access_group_count_max));
  AccessGroup& g = c.access_groups[id];
  ++c.next_vag_id;
  g.id = id;
  g.name = std::move(name);
  g.attributes = std::move(attrs);
  for (const auto& i : inits) attach_initiator(c, g, i);
  for (int64_t v : vols) attach_volume(c, g, v);
  json::Ptr r = vag_result(c, g);
  json::add_int(r.get(), "volumeAccessGroupID", id);
  return r;
}

json::Ptr modify_vag(Cluster& c, const Params& p, const CallInfo&) {
  AccessGroup& g = c.access_group_or_fail(p.req_int("volumeAccessGroupID"));
  std::string name = name_param(p, false);
  const auto vols = volumes_param(c, p);
  const auto inits = initiators_param(c, p);
  std::optional<std::string> attrs;
  if (const cJSON* a = p.opt_object("attributes")) attrs = attributes_text(a);
  if (inits) {
    std::vector<std::string> added;
    for (const auto& i : *inits) {
      if (std::find(g.initiators.begin(), g.initiators.end(), i) == g.initiators.end()) added.push_back(i);
    }
    check_initiators(c, g.id, *inits, added);
  }
  if (vols) check_volumes(c, g.id, vols->size(), *vols);

  if (!name.empty()) g.name = std::move(name);
  if (attrs) g.attributes = std::move(*attrs);
  if (inits) {
    for (const auto& i : std::vector<std::string>(g.initiators)) detach_initiator(c, g, i);
    for (const auto& i : *inits) attach_initiator(c, g, i);
  }
  if (vols) {
    for (int64_t v : std::set<int64_t>(g.volumes)) detach_volume(c, g, v);
    for (int64_t v : *vols) attach_volume(c, g, v);
  }
  return vag_result(c, g);
}

json::Ptr list_vags(Cluster& c, const Params& p, const CallInfo&) {
  json::Ptr r = json::object();
  cJSON* arr = json::add_arr(r.get(), "volumeAccessGroups");
  if (auto ids = p.opt_int_array("volumeAccessGroups"); ids && !ids->empty()) {
    std::set<int64_t> wanted(ids->begin(), ids->end());
    cJSON* missing = nullptr;
    for (int64_t id : wanted) {
      auto it = c.access_groups.find(id);
      if (it != c.access_groups.end()) {
        json::push(arr, c.access_group_json(it->second));
      } else {
        if (missing == nullptr) missing = json::add_arr(r.get(), "volumeAccessGroupsNotFound");
        json::push_int(missing, id);
      }
    }
    return r;
  }
  const int64_t start = p.opt_int("startVolumeAccessGroupID").value_or(0);
  const int64_t limit = p.opt_int("limit", true).value_or(0);
  if (limit < 0) fail_invalid("limit", "must not be negative");
  int64_t n = 0;
  for (auto it = c.access_groups.lower_bound(start); it != c.access_groups.end() && (limit == 0 || n < limit);
       ++it, ++n) {
    json::push(arr, c.access_group_json(it->second));
  }
  return r;
}

json::Ptr add_initiators(Cluster& c, const Params& p, const CallInfo&) {
  AccessGroup& g = c.access_group_or_fail(p.req_int("volumeAccessGroupID"));
  const auto inits = initiators_param(c, p);
  if (!inits) fail_missing("initiators");
  std::vector<std::string> final_list = g.initiators;
  for (const auto& i : *inits) {
    if (std::find(g.initiators.begin(), g.initiators.end(), i) != g.initiators.end())
      fail("xAlreadyInVolumeAccessGroup", "Initiator " + i + " is already in volumeAccessGroupID=" +
                                              std::to_string(g.id) + ".");
    final_list.push_back(i);
  }
  check_initiators(c, g.id, final_list, *inits);
  for (const auto& i : *inits) attach_initiator(c, g, i);
  return vag_result(c, g);
}

json::Ptr remove_initiators(Cluster& c, const Params& p, const CallInfo&) {
  AccessGroup& g = c.access_group_or_fail(p.req_int("volumeAccessGroupID"));
  const auto inits = initiators_param(c, p);
  if (!inits) fail_missing("initiators");
  for (const auto& i : *inits) {
    if (std::find(g.initiators.begin(), g.initiators.end(), i) == g.initiators.end())
      fail("xNotInVolumeAccessGroup", "Initiator " + i + " is not in volumeAccessGroupID=" + std::to_string(g.id) +
                                          ".");
  }
  for (const auto& i : *inits) detach_initiator(c, g, i);
  return vag_result(c, g);
}

json::Ptr add_volumes(Cluster& c, const Params& p, const CallInfo&) {
  AccessGroup& g = c.access_group_or_fail(p.req_int("volumeAccessGroupID"));
  // volumes: null / [] (Trident's nil slice) = nothing to add.
  const auto vols = volumes_param(c, p).value_or(std::vector<int64_t>{});
  for (int64_t v : vols) {
    if (g.volumes.count(v) != 0)
      fail("xAlreadyInVolumeAccessGroup", "VolumeID " + std::to_string(v) + " is already in volumeAccessGroupID=" +
                                              std::to_string(g.id) + ".");
  }
  check_volumes(c, g.id, g.volumes.size() + vols.size(), vols);
  for (int64_t v : vols) attach_volume(c, g, v);
  return vag_result(c, g);
}

json::Ptr remove_volumes(Cluster& c, const Params& p, const CallInfo&) {
  AccessGroup& g = c.access_group_or_fail(p.req_int("volumeAccessGroupID"));
  auto ids = p.opt_int_array("volumes").value_or(std::vector<int64_t>{});
  for (int64_t v : ids) {
    if (g.volumes.count(v) == 0)
      fail("xNotInVolumeAccessGroup", "VolumeID " + std::to_string(v) + " is not in volumeAccessGroupID=" +
                                          std::to_string(g.id) + ".");
  }
  for (int64_t v : ids) detach_volume(c, g, v);
  return vag_result(c, g);
}

json::Ptr delete_vag(Cluster& c, const Params& p, const CallInfo&) {
  AccessGroup& g = c.access_group_or_fail(p.req_int("volumeAccessGroupID"));
  const bool orphans = p.opt_bool("deleteOrphanInitiators").value_or(false);
  for (const auto& i : std::vector<std::string>(g.initiators)) {
    detach_initiator(c, g, i);
    if (orphans) c.initiator_ids.erase(i);
  }
  for (int64_t v : std::set<int64_t>(g.volumes)) detach_volume(c, g, v);
  c.access_groups.erase(g.id);
  return json::object();
}

}  // namespace

void register_access_group_methods(Registry& r) {
  r.add("CreateVolumeAccessGroup", {5, 0}, create_vag, kMutating);
  r.add("ModifyVolumeAccessGroup", {5, 0}, modify_vag, kMutating);
  r.add("ListVolumeAccessGroups", {5, 0}, list_vags);
  r.add("AddInitiatorsToVolumeAccessGroup", {5, 0}, add_initiators, kMutating);
  r.add("RemoveInitiatorsFromVolumeAccessGroup", {5, 0}, remove_initiators, kMutating);
  r.add("AddVolumesToVolumeAccessGroup", {5, 0}, add_volumes, kMutating);
  r.add("RemoveVolumesFromVolumeAccessGroup", {5, 0}, remove_volumes, kMutating);
  r.add("DeleteVolumeAccessGroup", {5, 0}, delete_vag, kMutating);
}

}  // namespace element_sim
