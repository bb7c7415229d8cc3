// The one rule that decides whether an Element volume is the Cinder volume X (README, "Where vdp
// departs from Cinder"). The lookup (volume_lookup.h) applies it everywhere.
//   1. provider_id: the Element volume named by it (same volumeID, same accountID when given, this
//      cluster) is the strongest match;
//   2. the identity attribute Cinder writes: attributes.migration_uuid when present (a migration target
//      is named after its source and carries the source's uuid), else attributes.uuid;
//   3. only for Element volumes without either attribute: the exact name "<sf_volume_prefix><key>".
// The Cinder side is keyed by name_id when set (after a migration the record serves the other volume's
// backend object), else by id: never both, or a retried delete of a migration's leftover record could
// match the live volume. An Element volume whose identity attribute names another volume never
// matches, whatever its provider_id or name. Names are compared exactly, never as substrings.
// Deleted-but-unpurged volumes never match, except for delete, which purges its own leftovers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "solidfire/types.h"

namespace solidfire {

struct SfVolume;

namespace identity {

// How an Element volume is the Cinder volume; lookups prefer the strongest candidate.
enum class Match { kNone = 0, kName = 1, kAttribute = 2, kProviderId = 3 };

enum class Deleted { kNeverMatch, kPurgeLeftovers };

// "<volumeID> <accountID> <clusterUUID>" (2.0.6 wrote only the first two).
struct ProviderRef {
  int64_t volume_id = 0;
  std::optional<int64_t> account_id;
  std::string cluster_uuid;  // empty when absent
};
// nullopt when absent or without a positive volumeID.
std::optional<ProviderRef> parse_provider_id(const std::optional<std::string>& provider_id);

// The provider_id's volumeID when it names a volume on the cluster `cluster_uuid`; else nullopt.
std::optional<int64_t> provider_volume_id(const Volume& volume, const std::string& cluster_uuid);

// Cinder side: name_id when set, else id.
const std::string& cinder_key(const Volume& volume);
// Element side: attributes.migration_uuid, else attributes.uuid; empty when neither is set.
const std::string& element_key(const SfVolume& v);

struct Scope {
  std::string prefix;        // sf_volume_prefix
  std::string cluster_uuid;  // a provider_id naming another cluster counts for nothing
};

Match match(const SfVolume& v, const Volume& volume, const Scope& scope, Deleted deleted = Deleted::kNeverMatch);

inline bool is(const SfVolume& v, const Volume& volume, const Scope& scope, Deleted deleted = Deleted::kNeverMatch) {
  return match(v, volume, scope, deleted) != Match::kNone;
}

}  // namespace identity
}  // namespace solidfire
