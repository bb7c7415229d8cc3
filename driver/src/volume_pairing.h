// Volume replication between a source cluster and its target: which volumes a type asks to replicate,
// making a volume's pair (the tenant account on the target with the same CHAP secrets, the target volume
// as replicationTarget, StartVolumePairing + CompleteVolumePairing, the wait for Active) and removing it.
//
// Every step finds what an earlier attempt left before it writes (account by name, target volume by name
// and identity, the source's volumePairs), so a repeated call or a lost reply never makes a second target
// volume or a second pair. Source and target are parameters, not fixed clusters: after a failover the
// roles swap.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "accounts.h"
#include "element_client.h"
#include "solidfire/types.h"
#include "volume.h"
#include "volume_lookup.h"

namespace spdlog {
class logger;
}

namespace solidfire {

// Element's replication modes, as the solidfire:replication_mode extra spec names them.
inline constexpr const char* kReplicationModes[] = {"Async", "Sync", "SnapshotsOnly"};

// The mode a volume's type asks for: replication=enabled (2.0.6) or replication_enabled='<is> True'
// (2.2.x) with solidfire:replication_mode (default Async); nullopt when the type does not replicate.
// Throws kInvalidArgument naming the extra spec for an unknown mode.
std::optional<std::string> requested_replication_mode(const std::optional<VolumeType>& type,
                                                      const std::string& field = "volume.volume_type.extra_specs");

// One cluster as a side of a pair.
struct PairSide {
  ElementClient& client;
  AccountManager& accounts;
  VolumeLookup& lookup;
  std::string label;  // for messages: "primary", "replication target 'dr'"
};

struct PairingLimits {
  std::chrono::seconds pairing_timeout{3600};  // sf_volume_pairing_timeout
};

// The CreateVolume parameters of a copy of `source` (name, size, 512e, attributes, QoS), for another cluster.
Json copy_create_params(const FoundVolume& source);

class VolumePairing {
 public:
  // `cluster_pair_id`: the source's clusterPairID for the target.
  VolumePairing(PairSide source, PairSide target, int64_t cluster_pair_id, PairingLimits limits, Clock& clock,
                spdlog::logger& log);

  // Makes `source_volume` (of `account`, the Cinder volume `volume`) replicate to the target in `mode`
  // and waits until the pair is Active. `create_params` are the CreateVolume parameters of the source
  // (name, totalSize, enable512e, attributes, qos); the target copy gets the same in the mirrored
  // account. Returns the target volume. On failure nothing it made stays (pair removed, target volume
  // purged) and the error is rethrown; the caller removes the source volume if it made it.
  SfVolume replicate(CallContext& ctx, const Volume& volume, const SfVolume& source_volume, const SfAccount& account,
                     const std::string& mode, const Json& create_params);
  // The same with the copy in `target_account`, an account of the target taken as it is (migration:
  // the destination backend keeps its own CHAP secrets).
  SfVolume replicate_into(CallContext& ctx, const Volume& volume, const SfVolume& source_volume,
                          const SfAccount& target_account, const std::string& mode, const Json& create_params);

  // Undoes a pairing that failed half-way, within a short grace period even when `ctx` has expired:
  // RemoveVolumePair on both sides and the copy (when there is one) deleted and purged. Missing pieces
  // are not errors; a failing step is logged and the next one still runs (the caller reports its own error).
  void discard(CallContext& ctx, const Volume& volume, int64_t source_volume_id, const std::optional<SfVolume>& copy);

  // Removes every pair of `source_volume` to the target on both sides and leaves both volumes (the
  // copy keeps its access). Missing pairs are not errors.
  void split(CallContext& ctx, const SfVolume& source_volume);

  // Removes every pair of `source_volume` to the target: RemoveVolumePair on both sides and the target
  // volume deleted and purged. Missing pieces are not errors.
  void unreplicate(CallContext& ctx, const SfVolume& source_volume);

  // Grows the target copies of `source_volume` to `total_size` bytes (done before the source grows:
  // Element pauses a pair whose target is smaller than its source).
  void extend_targets(CallContext& ctx, const SfVolume& source_volume, int64_t total_size);

  // Moves the target copies of `source_volume` into the target's account mirroring `account` (transfer).
  void move_targets(CallContext& ctx, const SfVolume& source_volume, const SfAccount& account);

  // ModifyVolumePair{mode} on the source.
  void change_mode(CallContext& ctx, const SfVolume& source_volume, const std::string& mode);

  // The pairs of `source_volume` that lead to this target.
  std::vector<SfVolumePair> pairs_to_target(const SfVolume& source_volume) const;

 private:
  // The copy already paired with `source_volume` on this target (an earlier attempt got this far).
  std::optional<SfVolume> paired_copy(CallContext& ctx, const SfVolume& source_volume);
  // RemoveVolumePair on the target's side of a pair; a copy that is gone is not an error.
  void remove_remote_pair(CallContext& ctx, int64_t remote_volume_id);
  void remove_source_pair(CallContext& ctx, const SfVolume& source_volume);
  SfVolume ensure_target_volume(CallContext& ctx, const Volume& volume, const SfAccount& target_account,
                                const Json& create_params);
  void pair(CallContext& ctx, const SfVolume& source_volume, const SfVolume& target_volume, const std::string& mode);
  void wait_active(CallContext& ctx, int64_t source_volume_id, int64_t target_volume_id);
  void set_access(CallContext& ctx, ElementClient& client, int64_t volume_id, const char* access);

  PairSide source_;
  PairSide target_;
  int64_t cluster_pair_id_;
  PairingLimits limits_;
  Clock& clock_;
  spdlog::logger& log_;
};

}  // namespace solidfire
