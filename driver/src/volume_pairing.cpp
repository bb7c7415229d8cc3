// Making and removing a volume's replication pair (volume_pairing.h).
#include "volume_pairing.h"

#include <functional>

#include <spdlog/spdlog.h>

#include "attributes.h"
#include "element_api.h"
#include "grace_context.h"
#include "poll.h"
#include "qos.h"
#include "util.h"
#include "volume_removal.h"

namespace solidfire {

namespace {

// Cinder 2.2.5 retries the whole pairing this often when the target calls a fresh key invalid.
constexpr int kPairingAttempts = 6;

constexpr std::chrono::seconds kCleanupGrace{30};

bool is_true_spec(const std::string& value) {
  const std::string v = util::to_lower(util::trim(value));
  return v == "<is> true" || v == "true";
}

}  // namespace

std::optional<std::string> requested_replication_mode(const std::optional<VolumeType>& type, const std::string& field) {
  if (!type) return std::nullopt;
  const StringMap& specs = type->extra_specs;
  bool wanted = false;
  if (auto it = specs.find("replication_enabled"); it != specs.end()) wanted = is_true_spec(it->second);
  if (auto it = specs.find("replication"); it != specs.end()) {
    wanted = wanted || util::to_lower(util::trim(it->second)) == "enabled";
  }
  if (!wanted) return std::nullopt;
  auto it = specs.find("solidfire:replication_mode");
  if (it == specs.end() || util::trim(it->second).empty()) return std::string("Async");
  const std::string given = util::to_lower(util::trim(it->second));
  for (const char* mode : kReplicationModes) {
    if (given == util::to_lower(mode)) return std::string(mode);
  }
  throw Error(ErrorCode::kInvalidArgument, field + ".solidfire:replication_mode: '" +
                                               util::clean_utf8(it->second, 64) +
                                               "' is not a replication mode (Async, Sync or SnapshotsOnly)")
      .with_field(field + ".solidfire:replication_mode");
}

VolumePairing::VolumePairing(PairSide source, PairSide target, int64_t cluster_pair_id, PairingLimits limits,
                             Clock& clock, spdlog::logger& log)
    : source_(source), target_(target), cluster_pair_id_(cluster_pair_id), limits_(limits), clock_(clock), log_(log) {}

std::vector<SfVolumePair> VolumePairing::pairs_to_target(const SfVolume& source_volume) const {
  std::vector<SfVolumePair> out;
  for (const auto& p : source_volume.pairs) {
    if (p.cluster_pair_id == cluster_pair_id_) out.push_back(p);
  }
  return out;
}

Json copy_create_params(const FoundVolume& source) {
  const JsonView raw = source.raw.view();
  Json params = Json::object();
  params.set("name", source.volume.name);
  params.set("totalSize", source.volume.total_size);
  params.set("enable512e", source.volume.enable512e);
  params.set("attributes", attributes::copy(raw["attributes"]));
  params.set("qos", qos_of_volume(raw).to_json());
  return params;
}

std::optional<SfVolume> VolumePairing::paired_copy(CallContext& ctx, const SfVolume& source_volume) {
  for (const auto& p : pairs_to_target(source_volume)) {
    if (auto target = target_.lookup.by_id(ctx, p.remote_volume_id); target && !target->volume.deleted()) {
      return target->volume;
    }
  }
  return std::nullopt;
}

SfVolume VolumePairing::replicate(CallContext& ctx, const Volume& volume, const SfVolume& source_volume,
                                  const SfAccount& account, const std::string& mode, const Json& create_params) {
  if (auto copy = paired_copy(ctx, source_volume)) {
    wait_active(ctx, source_volume.id, copy->id);
    return *copy;
  }
  const SfAccount target_account = target_.accounts.mirror(ctx, account);
  return replicate_into(ctx, volume, source_volume, target_account, mode, create_params);
}

SfVolume VolumePairing::replicate_into(CallContext& ctx, const Volume& volume, const SfVolume& source_volume,
                                       const SfAccount& target_account, const std::string& mode,
                                       const Json& create_params) {
  // Already paired with a volume on this target (an earlier attempt got this far): only wait.
  if (auto copy = paired_copy(ctx, source_volume)) {
    wait_active(ctx, source_volume.id, copy->id);
    return *copy;
  }
  if (!source_volume.pairs.empty()) {
    throw Error(ErrorCode::kFailedPrecondition,
                "volumeID " + std::to_string(source_volume.id) + " is already paired with remote volumeID " +
                    std::to_string(source_volume.pairs.front().remote_volume_id) +
                    " of another cluster; remove that pair first")
        .with_field("volume.id");
  }

  std::optional<SfVolume> target;
  try {
    target = ensure_target_volume(ctx, volume, target_account, create_params);
    if (target->access != "replicationTarget") set_access(ctx, target_.client, target->id, "replicationTarget");
    pair(ctx, source_volume, *target, mode);
    wait_active(ctx, source_volume.id, target->id);
  } catch (...) {
    discard(ctx, volume, source_volume.id, target);
    throw;
  }
  log_.info("volume {} replicates ({}) to volumeID {} on the {}", volume.id, mode, target->id, target_.label);
  return *target;
}

SfVolume VolumePairing::ensure_target_volume(CallContext& ctx, const Volume& volume, const SfAccount& target_account,
                                             const Json& create_params) {
  const std::string name = create_params.view().string_or("name", "");
  if (auto existing = target_.lookup.by_name(ctx, name, target_account.id, volume.id)) return *existing;
  Json params = create_params.clone();
  params.set("accountID", target_account.id);
  try {
    Json result = target_.client.call(ctx, element::kCreateVolume, params);
    if (auto v = parse_volume(result["volume"])) return *v;
    auto id = result.view().int64("volumeID");
    if (!id) throw Error(ErrorCode::kBackend, "unexpected reply from the " + target_.label + " to CreateVolume");
    return target_.lookup.require_by_id(ctx, *id);
  } catch (const OutcomeUnknownError& e) {
    log_.warn("CreateVolume on the {} for {} lost its answer ({}); looking for it", target_.label, volume.id,
              e.message());
    if (auto existing = target_.lookup.by_name(ctx, name, target_account.id, volume.id)) return *existing;
    throw;  // not there (yet): outcome unknown, the host repeats and the lookup above finds it
  }
}

void VolumePairing::set_access(CallContext& ctx, ElementClient& client, int64_t volume_id, const char* access) {
  Json params = Json::object();
  params.set("volumeID", volume_id);
  params.set("access", access);
  client.call_repeatable(ctx, element::kModifyVolume, params);
}

void VolumePairing::pair(CallContext& ctx, const SfVolume& source_volume, const SfVolume& target_volume,
                         const std::string& mode) {
  auto paired = [&]() {
    const SfVolume now = source_.lookup.require_by_id(ctx, source_volume.id);
    for (const auto& p : pairs_to_target(now)) {
      if (p.remote_volume_id == target_volume.id) return true;
    }
    return false;
  };
  for (int attempt = 1; attempt <= kPairingAttempts; ++attempt) {
    Json start = Json::object();
    start.set("volumeID", source_volume.id);
    start.set("mode", mode);
    std::string key;
    try {
      key = source_.client.call(ctx, element::kStartVolumePairing, start).view().string_or("volumePairingKey", "");
    } catch (const OutcomeUnknownError&) {
      continue;  // each start issues a new key and invalidates the last: just start again
    } catch (const Error& e) {
      if (e.backend_error() == "xVolumeAlreadyPaired" && paired()) return;
      throw;
    }
    if (key.empty()) throw Error(ErrorCode::kBackend, "unexpected reply to StartVolumePairing: no volumePairingKey");
    Json complete = Json::object();
    complete.set("volumeID", target_volume.id);
    complete.set("volumePairingKey", key);
    try {
      target_.client.call(ctx, element::kCompleteVolumePairing, complete);
      return;
    } catch (const OutcomeUnknownError&) {
      if (paired()) return;
    } catch (const Error& e) {
      if (e.backend_error() != element::err::kInvalidPairingKey) throw;
      log_.warn("the {} refused the pairing key of volumeID {} (attempt {}); pairing again", target_.label,
                source_volume.id, attempt);
    }
  }
  throw Error(ErrorCode::kBackend, "could not pair volumeID " + std::to_string(source_volume.id) + " with volumeID " +
                                       std::to_string(target_volume.id) + " on the " + target_.label + " after " +
                                       std::to_string(kPairingAttempts) + " attempts")
      .with_retryable(true);
}

void VolumePairing::wait_active(CallContext& ctx, int64_t source_volume_id, int64_t target_volume_id) {
  PollSpec spec;
  spec.what = "the replication pair of volumeID " + std::to_string(source_volume_id) + " to be Active";
  spec.option = "sf_volume_pairing_timeout";
  spec.window = limits_.pairing_timeout;
  spec.first_interval = std::chrono::milliseconds(100);
  spec.max_interval = std::chrono::milliseconds(5000);
  poll_until(ctx, clock_, spec, [&] {
    const SfVolume now = source_.lookup.require_by_id(ctx, source_volume_id);
    for (const auto& p : pairs_to_target(now)) {
      if (p.remote_volume_id != target_volume_id) continue;
      if (p.state == "Active") return true;
      if (util::starts_with(p.state, "Stopped")) {
        throw Error(ErrorCode::kBackend, "the replication pair of volumeID " + std::to_string(source_volume_id) +
                                             " stopped (" + p.state + ")");
      }
      return false;
    }
    throw Error(ErrorCode::kBackend, "the replication pair of volumeID " + std::to_string(source_volume_id) +
                                         " disappeared while waiting for it");
  });
}

void VolumePairing::remove_remote_pair(CallContext& ctx, int64_t remote_volume_id) {
  Json params = Json::object();
  params.set("volumeID", remote_volume_id);
  try {
    target_.client.call_repeatable(ctx, element::kRemoveVolumePair, params);
  } catch (const Error& e) {
    if (e.backend_error() != element::err::kVolumeIDDoesNotExist) throw;  // the copy is gone already
  }
}

void VolumePairing::remove_source_pair(CallContext& ctx, const SfVolume& source_volume) {
  if (source_volume.pairs.empty()) return;
  Json params = Json::object();
  params.set("volumeID", source_volume.id);
  source_.client.call_repeatable(ctx, element::kRemoveVolumePair, params);
}

void VolumePairing::unreplicate(CallContext& ctx, const SfVolume& source_volume) {
  // The source's side goes last: until then a repeated call still finds the copies through it.
  for (const auto& p : pairs_to_target(source_volume)) {
    remove_remote_pair(ctx, p.remote_volume_id);
    if (auto target = target_.lookup.by_id(ctx, p.remote_volume_id)) {
      remove_element_volume(ctx, target_.client, target_.lookup, target->volume, log_);
    }
    log_.info("removed the replication of volumeID {} (remote volumeID {} on the {})", source_volume.id,
              p.remote_volume_id, target_.label);
  }
  remove_source_pair(ctx, source_volume);
}

void VolumePairing::discard(CallContext& ctx, const Volume& volume, int64_t source_volume_id,
                            const std::optional<SfVolume>& copy) {
  // Each step on its own: a step that fails must not leave the next undone.
  GraceContext grace(ctx, clock_.now() + kCleanupGrace);
  const auto attempt = [&](const char* what, const std::function<void()>& step) {
    try {
      step();
    } catch (const Error& e) {
      log_.warn("cleaning up the failed replication of volume {}: {}: {}", volume.id, what, e.message());
    }
  };
  attempt("RemoveVolumePair on the source", [&] {
    Json params = Json::object();
    params.set("volumeID", source_volume_id);
    source_.client.call(grace, element::kRemoveVolumePair, params);
  });
  if (!copy) return;
  attempt("RemoveVolumePair on the copy", [&] { remove_remote_pair(grace, copy->id); });
  attempt("removing the copy", [&] { remove_element_volume(grace, target_.client, target_.lookup, *copy, log_); });
}

void VolumePairing::split(CallContext& ctx, const SfVolume& source_volume) {
  for (const auto& p : pairs_to_target(source_volume)) remove_remote_pair(ctx, p.remote_volume_id);
  remove_source_pair(ctx, source_volume);
}

void VolumePairing::extend_targets(CallContext& ctx, const SfVolume& source_volume, int64_t total_size) {
  for (const auto& p : pairs_to_target(source_volume)) {
    Json params = Json::object();
    params.set("volumeID", p.remote_volume_id);
    params.set("totalSize", total_size);
    target_.client.call_repeatable(ctx, element::kModifyVolume, params);
  }
}

void VolumePairing::move_targets(CallContext& ctx, const SfVolume& source_volume, const SfAccount& account) {
  const auto pairs = pairs_to_target(source_volume);
  if (pairs.empty()) return;
  const SfAccount target_account = target_.accounts.mirror(ctx, account);
  for (const auto& p : pairs) {
    Json params = Json::object();
    params.set("volumeID", p.remote_volume_id);
    params.set("accountID", target_account.id);
    target_.client.call_repeatable(ctx, element::kModifyVolume, params);
  }
}

void VolumePairing::change_mode(CallContext& ctx, const SfVolume& source_volume, const std::string& mode) {
  Json params = Json::object();
  params.set("volumeID", source_volume.id);
  params.set("mode", mode);
  source_.client.call_repeatable(ctx, element::kModifyVolumePair, params);
}

}  // namespace solidfire
