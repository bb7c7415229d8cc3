// Locating snapshots. A snapshot is found by its provider_id ("<snapshotID> <volumeID> <cluster uuid>")
// with ListSnapshots{volumeID, snapshotID}, verified by id, volume and name; then by name
// ("<sf_volume_prefix><snapshot id>") among its volume's snapshots (at most 32). A member of a group
// snapshot is named after the group snapshot ("<sf_volume_prefix><group_snapshot_id>"). The parent
// volume is found through the SNAPSHOT's own volume and project, never another tenant's.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "driver_impl.h"
#include "element_api.h"
#include "util.h"

namespace solidfire {

Volume SolidFireDriverImpl::snapshot_parent(const Snapshot& snapshot) const {
  Volume parent;
  if (snapshot.volume) parent = *snapshot.volume;
  if (parent.id.empty()) parent.id = snapshot.volume_id;
  if (parent.project_id.empty()) parent.project_id = snapshot.project_id;
  return parent;
}

std::vector<SfSnapshot> SolidFireDriverImpl::list_snapshots(CallContext& ctx, int64_t volume_id) {
  Json params = Json::object();
  params.set("volumeID", volume_id);
  Json result;
  try {
    result = client_->call(ctx, element::kListSnapshots, params);
  } catch (const Error& e) {
    if (e.backend_error() == element::err::kVolumeIDDoesNotExist) return {};
    throw;
  }
  std::vector<SfSnapshot> out;
  for (const JsonView item : result["snapshots"].items()) {
    if (auto s = parse_snapshot(item)) out.push_back(*s);
  }
  return out;
}

std::optional<SfSnapshot> SolidFireDriverImpl::find_snapshot(CallContext& ctx, const Snapshot& snapshot,
                                                             std::optional<int64_t> volume_id) {
  // A member of a group snapshot carries the group snapshot's name (Element names members after it).
  const std::string name = volume_name(snapshot.id);
  const bool member = snapshot.group_snapshot_id && !snapshot.group_snapshot_id->empty();
  const std::string group_name = member ? volume_name(*snapshot.group_snapshot_id) : name;
  auto named = [&](const std::string& n) { return n == name || n == group_name; };
  if (snapshot.provider_id) {
    const auto tokens = util::split_ws(*snapshot.provider_id);
    // 0 = absent or unusable.
    const int64_t sid = tokens.empty() ? 0 : std::max<int64_t>(0, util::parse_int64(tokens[0]).value_or(0));
    const int64_t vid = tokens.size() < 2 ? 0 : std::max<int64_t>(0, util::parse_int64(tokens[1]).value_or(0));
    const bool other_cluster = tokens.size() >= 3 && tokens[2] != cluster().uuid;
    if (sid > 0 && !other_cluster) {
      Json params = Json::object();
      if (vid > 0) params.set("volumeID", vid);
      params.set("snapshotID", sid);
      Json result;
      try {
        result = client_->call(ctx, element::kListSnapshots, params);
      } catch (const Error& e) {
        // The snapshot's volume is gone (purged): so is the snapshot.
        if (e.backend_error() != element::err::kVolumeIDDoesNotExist) throw;
        return std::nullopt;
      }
      for (const JsonView item : result["snapshots"].items()) {
        auto s = parse_snapshot(item);
        if (!s || s->id != sid) continue;
        if (named(s->name) && (vid == 0 || s->volume_id == vid) && (!volume_id || s->volume_id == *volume_id)) return s;
        log_->warn("snapshotID {} from provider_id of snapshot {} is named '{}' on volumeID {}; not using it", sid,
                   snapshot.id, util::clean_utf8(s->name, 128), s->volume_id);
      }
    }
  }
  std::optional<int64_t> parent_id = volume_id;
  if (!parent_id) {
    auto parent = lookup_->find(ctx, snapshot_parent(snapshot));
    if (!parent) return std::nullopt;
    parent_id = parent->volume.id;
  }
  for (const auto& s : list_snapshots(ctx, *parent_id)) {
    if (named(s.name)) return s;
  }
  return std::nullopt;
}

}  // namespace solidfire
