// Exports and connections: create/ensure/remove_export, initialize_connection, terminate_connection.
// - CHAP credentials come from the volume's tenant account (cached); Element exports need no teardown.
// - Connection info is built from the stored provider_location/provider_auth without any RPC when they
//   are present, otherwise from the volume found by the lookup (volume_lookup.h).
// - With sf_enable_vag the volume is first put into the initiator's volume access group
//   (access_groups.cpp).
// - terminate_connection removes the volume from the connector's VAG (found among the volume's own
//   volumeAccessGroups, not by a cluster-wide search), or from every VAG of the volume without a
//   connector; a VAG left without volumes is deleted when it carries attributes.openstack (re-checked
//   under the VAG lock). Multiattach volumes stay in their VAGs until deleted (another attachment on the
//   same host shares the initiator); delete_volume removes them first (LP#1817611). Without
//   sf_enable_vag terminate_connection is a no-op.
#include <spdlog/spdlog.h>

#include "access_groups.h"
#include "driver_impl.h"
#include "util.h"

namespace solidfire {

namespace {
std::optional<int64_t> provider_account_id(const Volume& volume) {
  if (!volume.provider_id) return std::nullopt;
  const auto tokens = util::split_ws(*volume.provider_id);
  if (tokens.size() < 2) return std::nullopt;
  return util::parse_int64(tokens[1]);
}

SfAccount account_for_volume(AccountManager& accounts, CallContext& ctx, const DriverConfig& config,
                             const Volume& volume) {
  const std::string primary = account_username(config, volume.project_id);
  const auto wanted = provider_account_id(volume);
  auto account = accounts.find(ctx, primary);
  if (account && (!wanted || account->id == *wanted)) return *account;
  if (wanted) {
    if (auto secondary = accounts.find(ctx, primary + "_"); secondary && secondary->id == *wanted) return *secondary;
  }
  if (account) return *account;
  throw Error(ErrorCode::kNotFound, "no Element account " + primary + " for project " + volume.project_id)
      .with_field("volume.project_id");
}
}  // namespace

ModelUpdate SolidFireDriverImpl::create_export(CallContext& ctx, const Volume& volume,
                                               const std::optional<Connector>& /*connector*/) {
  return ensure_export(ctx, volume);
}

// Element exports need no teardown; like every operation it still answers kUnavailable before setup.
void SolidFireDriverImpl::remove_export(CallContext& /*ctx*/, const Volume& /*volume*/) { require_setup(); }

ModelUpdate SolidFireDriverImpl::ensure_export(CallContext& ctx, const Volume& volume) {
  require_setup();
  Volume located = volume;
  if (!provider_account_id(volume)) {
    // Without a provider_id the owning account is unknown, and the volume may live in the project's
    // secondary "<name>_" account, whose CHAP secret differs: find the volume first.
    if (auto v = lookup_->find(ctx, volume)) {
      located.provider_id = std::to_string(v->volume.id) + " " + std::to_string(v->volume.account_id);
    }
  }
  const SfAccount account = account_for_volume(*accounts_, ctx, config_, located);
  ModelUpdate m;
  m.provider_auth = "CHAP " + account.username + " " + account.target_secret;
  return m;
}

IscsiConnectionInfo SolidFireDriverImpl::initialize_connection(CallContext& ctx, const Volume& volume,
                                                               const Connector& connector) {
  const ClusterInfo cl = cluster();
  std::optional<SfVolume> located;  // found for the VAG grant: not looked up twice
  if (config_.sf_enable_vag) {
    // The volume (identity verified) goes into the initiator's access group (access_groups.cpp).
    auto av = lookup_->find(ctx, volume);
    if (!av) {
      throw Error(ErrorCode::kNotFound, "volume " + volume.id + " was not found on the cluster")
          .with_field("volume.id");
    }
    vag_grant(ctx, *av, connector.initiator);
    located = av->volume;
  }
  IscsiConnectionInfo info;
  info.volume_id = volume.id;
  info.target_lun = 0;
  info.discard = true;
  info.encrypted = false;
  info.target_discovered = false;
  bool block_4k = !config_.sf_emulate_512;

  const auto location = volume.provider_location ? util::split_ws(*volume.provider_location)
                                                 : std::vector<std::string>{};
  const auto auth = volume.provider_auth ? util::split_ws(*volume.provider_auth) : std::vector<std::string>{};
  if (location.size() >= 2 && auth.size() >= 3) {
    info.target_portal = location[0];
    info.target_iqn = location[1];
    if (location.size() >= 3) {
      auto lun = util::parse_int64(location[2]);
      if (!lun || *lun < 0) {
        throw Error(ErrorCode::kInvalidArgument, "volume.provider_location has an invalid LUN")
            .with_field("volume.provider_location");
      }
      info.target_lun = *lun;
    }
    info.auth_method = auth[0];
    info.auth_username = auth[1];
    info.auth_password = auth[2];
  } else {
    if (!located) {
      if (auto found = lookup_->find(ctx, volume)) located = found->volume;
    }
    const auto& v = located;
    if (!v) {
      throw Error(ErrorCode::kNotFound, "volume " + volume.id + " was not found on the cluster")
          .with_field("volume.id");
    }
    const SfAccount account = account_for_volume(*accounts_, ctx, config_, volume);
    info.target_portal = portal(cl);
    info.target_iqn = v->iqn;
    info.auth_method = "CHAP";
    info.auth_username = account.username;
    info.auth_password = account.target_secret;
    block_4k = block_4k || !v->enable512e;
  }
  if (block_4k) {
    info.physical_block_size = 4096;
    info.logical_block_size = 4096;
  }
  if (connector.multipath) {
    info.target_portals = {info.target_portal};
    info.target_iqns = {info.target_iqn};
    info.target_luns = {info.target_lun};
  }
  log_->debug("connection info for volume {}: portal {} iqn {}", volume.id, info.target_portal, info.target_iqn);
  return info;
}

void SolidFireDriverImpl::terminate_connection(CallContext& ctx, const Volume& volume,
                                               const std::optional<Connector>& connector, bool /*force*/) {
  require_setup();
  if (!config_.sf_enable_vag) return;  // CHAP-only access: nothing to undo
  if (volume.id.empty()) throw Error(ErrorCode::kInvalidArgument, "volume.id is required").with_field("volume.id");
  auto av = lookup_->find(ctx, volume);
  if (!av) {
    log_->info("terminate_connection: volume {} not found on the cluster; nothing to remove", volume.id);
    return;
  }
  if (av->access_groups.empty()) return;
  if (connector && volume.multiattach) {
    log_->info("volume {} is multiattach: kept in its VAGs until it is deleted", volume.id);
    return;
  }
  std::vector<access::Vag> vags = access::list_vags(*client_, ctx, av->access_groups);
  if (connector) {  // only the VAGs that give this initiator access
    std::erase_if(vags, [&](const access::Vag& g) { return !g.has_initiator(connector->initiator); });
  }
  vag_revoke(ctx, av->volume.id, vags);
}


}  // namespace solidfire
