#include "volume_identity.h"

#include "volume.h"
#include "util.h"

namespace solidfire::identity {

std::optional<ProviderRef> parse_provider_id(const std::optional<std::string>& provider_id) {
  if (!provider_id) return std::nullopt;
  const auto tokens = util::split_ws(*provider_id);
  if (tokens.empty()) return std::nullopt;
  const auto id = util::parse_int64(tokens[0]);
  if (!id || *id <= 0) return std::nullopt;
  ProviderRef ref;
  ref.volume_id = *id;
  if (tokens.size() >= 2) ref.account_id = util::parse_int64(tokens[1]);
  if (tokens.size() >= 3) ref.cluster_uuid = tokens[2];
  return ref;
}

std::optional<int64_t> provider_volume_id(const Volume& volume, const std::string& cluster_uuid) {
  const auto ref = parse_provider_id(volume.provider_id);
  if (!ref || (!ref->cluster_uuid.empty() && ref->cluster_uuid != cluster_uuid)) return std::nullopt;
  return ref->volume_id;
}

const std::string& cinder_key(const Volume& volume) {
  return volume.name_id && !volume.name_id->empty() ? *volume.name_id : volume.id;
}

const std::string& element_key(const SfVolume& v) { return v.migration_uuid.empty() ? v.uuid_attr : v.migration_uuid; }

Match match(const SfVolume& v, const Volume& volume, const Scope& scope, Deleted deleted) {
  const std::string& key = cinder_key(volume);
  if (key.empty() || v.id <= 0) return Match::kNone;
  if (v.deleted() && deleted == Deleted::kNeverMatch) return Match::kNone;
  const std::string& attr = element_key(v);
  if (!attr.empty() && attr != key) return Match::kNone;  // another volume's identity
  if (const auto ref = parse_provider_id(volume.provider_id)) {
    const bool here = ref->cluster_uuid.empty() || ref->cluster_uuid == scope.cluster_uuid;
    if (here && ref->volume_id == v.id && (!ref->account_id || *ref->account_id == v.account_id)) {
      return Match::kProviderId;
    }
  }
  if (!attr.empty()) return Match::kAttribute;
  return v.name == scope.prefix + key ? Match::kName : Match::kNone;
}

}  // namespace solidfire::identity
