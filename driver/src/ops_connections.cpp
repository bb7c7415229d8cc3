// Exports and iSCSI connection info. CHAP credentials come from the volume's tenant account (cached);
// connection info is built from the stored provider_location/provider_auth without any RPC when they
// are present, otherwise from the volume found by its provider_id. With sf_enable_vag the volume is
// first put into the initiator's volume access group (access_ops_vag.cpp).
#include <spdlog/spdlog.h>

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

ModelUpdate SolidFireDriverImpl::ensure_export(CallContext& ctx, const Volume& volume) {
  (void)cluster();
  Volume located = volume;
  if (!provider_account_id(volume)) {
    // Without a provider_id the owning account is unknown, and the volume may live in the project's
    // secondary "<name>_" account, whose CHAP secret differs: find the volume first.
    for (const SfVolume& v : find_in_accounts(ctx, volume)) {
      if (v.deleted()) continue;
      located.provider_id = std::to_string(v.id) + " " + std::to_string(v.account_id);
      break;
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
    // The volume (identity verified) goes into the initiator's access group (access_ops_vag.cpp).
    auto av = access_find(ctx, volume);
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
    auto v = located ? located : find_by_provider_id(ctx, volume);
    if (!v) {
      auto found = find_in_accounts(ctx, volume);
      for (const auto& f : found) {
        if (!f.deleted()) {
          v = f;
          break;
        }
      }
    }
    if (!v || v->deleted()) {
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

}  // namespace solidfire
