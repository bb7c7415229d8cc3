// update_provider_info (service start): ONE listing of active volumes (ListVolumes{volumeStatus:
// "active"}, paged by startVolumeID/limit 10,000) and ONE ListSnapshots{} — each only when the host
// passed volumes / snapshots. Volumes match by the keys of the identity rule (volume_identity.h): name_id
// or id against attributes.migration_uuid, else attributes.uuid, else the exact name "<prefix><id>";
// snapshots by attributes.uuid or the exact name "<prefix><snapshot id>". Only ids whose provider_id
// CHANGED are returned (Cinder 2.2.5 compares a string with an integer and so reports every volume).
// Several candidates: the one the current provider_id names wins; otherwise the volume is left alone
// and a warning logged.
#include <spdlog/spdlog.h>

#include <map>
#include <unordered_map>

#include "element_api.h"
#include "driver_impl.h"
#include "util.h"

namespace solidfire {

namespace {

struct Found {
  int64_t id = 0;
  int64_t parent = 0;  // accountID for volumes, volumeID for snapshots
};

std::optional<int64_t> provider_first_id(const std::optional<std::string>& provider_id) {
  if (!provider_id) return std::nullopt;
  const auto tokens = util::split_ws(*provider_id);
  if (tokens.empty()) return std::nullopt;
  return util::parse_int64(tokens[0]);
}

// Picks among candidates; nullopt when ambiguous.
std::optional<Found> choose(const std::vector<Found>& candidates, const std::optional<std::string>& provider_id) {
  if (candidates.size() == 1) return candidates.front();
  const auto current = provider_first_id(provider_id);
  for (const auto& c : candidates) {
    if (current && c.id == *current) return c;
  }
  return std::nullopt;
}

void add(std::unordered_map<std::string, std::vector<Found>>& index, const std::string& key, Found f) {
  auto& list = index[key];
  for (const auto& existing : list) {
    if (existing.id == f.id) return;
  }
  list.push_back(f);
}

}  // namespace

ProviderInfoResult SolidFireDriverImpl::update_provider_info(CallContext& ctx, const std::vector<Volume>& volumes,
                                                             const std::vector<Snapshot>& snapshots) {
  const ClusterInfo cl = cluster();
  ProviderInfoResult out;
  const std::string& prefix = config_.sf_volume_prefix;

  if (!volumes.empty()) {
    std::unordered_map<std::string, std::vector<Found>> by_uuid;  // attributes.uuid -> volumes
    std::unordered_map<std::string, std::vector<Found>> by_name;  // name of volumes without uuid
    lookup_->for_each_volume(ctx, std::string("active"), [&](JsonView item) {
      auto v = parse_volume(item);
      if (!v || v->status != "active") return;
      if (const std::string& key = identity::element_key(*v); !key.empty()) {
        add(by_uuid, key, Found{v->id, v->account_id});
      } else {
        add(by_name, v->name, Found{v->id, v->account_id});
      }
    });
    for (const Volume& vol : volumes) {
      std::vector<Found> candidates;
      const std::string& key = identity::cinder_key(vol);
      if (auto it = by_uuid.find(key); it != by_uuid.end()) candidates = it->second;
      if (auto it = by_name.find(prefix + key); it != by_name.end()) {
        for (const auto& f : it->second) candidates.push_back(f);
      }
      if (candidates.empty()) continue;
      auto chosen = choose(candidates, vol.provider_id);
      if (!chosen) {
        log_->warn("update_provider_info: {} active Element volumes belong to volume {}; left unchanged",
                   candidates.size(), vol.id);
        continue;
      }
      const std::string pid = std::to_string(chosen->id) + " " + std::to_string(chosen->parent) + " " + cl.uuid;
      if (vol.provider_id != pid) out.volumes.push_back({vol.id, pid});
    }
  }

  if (!snapshots.empty()) {
    std::unordered_map<std::string, std::vector<Found>> index;  // uuid attribute and name -> snapshots
    Json result = client_->call(ctx, element::kListSnapshots, Json::object());
    for (const JsonView item : result["snapshots"].items()) {
      auto id = item.int64("snapshotID");
      auto volume_id = item.int64("volumeID");
      if (!id || !volume_id) continue;
      const Found f{*id, *volume_id};
      const JsonView attrs = item["attributes"];
      const std::string uuid = attrs.is_object() ? attrs.string_or("uuid", "") : "";
      if (!uuid.empty()) add(index, "uuid:" + uuid, f);
      add(index, "name:" + item.string_or("name", ""), f);
    }
    for (const Snapshot& snap : snapshots) {
      std::vector<Found> candidates;
      if (auto it = index.find("uuid:" + snap.id); it != index.end()) candidates = it->second;
      if (candidates.empty()) {
        if (auto it = index.find("name:" + prefix + snap.id); it != index.end()) candidates = it->second;
      }
      if (candidates.empty()) continue;
      auto chosen = choose(candidates, snap.provider_id);
      if (!chosen) {
        log_->warn("update_provider_info: {} Element snapshots belong to snapshot {}; left unchanged",
                   candidates.size(), snap.id);
        continue;
      }
      const std::string pid = std::to_string(chosen->id) + " " + std::to_string(chosen->parent) + " " + cl.uuid;
      if (snap.provider_id != pid) out.snapshots.push_back({snap.id, pid});
    }
  }
  return out;
}

}  // namespace solidfire
