// Facade construction and cluster setup. create() validates configuration without network I/O;
// setup() reads the cluster's identity (GetClusterInfo, GetClusterVersionInfo) and may be repeated.
#include "driver_impl.h"

#include <spdlog/spdlog.h>

#include "element_api.h"
#include "util.h"

namespace solidfire {

std::unique_ptr<SolidFireDriver> SolidFireDriver::create(const ConfigSource& source, DriverDeps deps) {
  std::vector<std::string> warnings;
  if (!deps.secrets) deps.secrets = std::make_shared<SecretSet>();
  DriverConfig config = parse_config(source, warnings, deps.secrets.get());
  return std::make_unique<SolidFireDriverImpl>(std::move(config), std::move(warnings), std::move(deps),
                                               ImplOptions{});
}

SolidFireDriverImpl::SolidFireDriverImpl(DriverConfig config, std::vector<std::string> warnings, DriverDeps deps,
                                         ImplOptions options)
    : config_(std::move(config)),
      warnings_(std::move(warnings)),
      clock_(deps.clock ? std::move(deps.clock) : system_clock()),
      log_(deps.logger ? std::move(deps.logger) : util::null_logger()) {
  const bool deps_had_transport = deps.transport != nullptr;
  if (deps.transport) {
    transport_ = std::shared_ptr<Transport>(std::move(deps.transport));
  } else {
    TlsOptions tls;
    tls.verify = config_.driver_ssl_cert_verify;
    tls.ca_path = config_.driver_ssl_cert_path;
    transport_ = std::shared_ptr<Transport>(make_curl_transport(tls));
  }
  ClientOptions copts;
  copts.base_url = config_.sf_api_scheme + "://" + util::url_host(config_.san_ip) + ":" +
                   std::to_string(config_.sf_api_port);
  copts.username = config_.san_login;
  copts.password = config_.san_password;
  copts.request_timeout = std::chrono::seconds(config_.sf_api_request_timeout);
  copts.retry = options.retry;
  primary_client_ = std::make_unique<ElementClient>(std::move(copts), transport_, clock_, log_);
  primary_accounts_ = std::make_unique<AccountManager>(*primary_client_, log_, deps.secrets);
  primary_lookup_ = std::make_unique<VolumeLookup>(*primary_client_, *primary_accounts_, config_,
                                                   [this] { return primary_scope(); }, log_);
  client_.set(primary_client_.get());
  accounts_.set(primary_accounts_.get());
  lookup_.set(primary_lookup_.get());
  if (!config_.replication_devices.empty()) {
    replica_ = std::make_unique<Replica>();
    replica_->target = config_.replication_devices.front();
    const ReplicationTarget& t = replica_->target;
    std::shared_ptr<Transport> transport = transport_;
    if (!deps_had_transport && (t.ssl_cert_verify != config_.driver_ssl_cert_verify ||
                                t.ssl_cert_path != config_.driver_ssl_cert_path)) {
      TlsOptions tls;
      tls.verify = t.ssl_cert_verify;
      tls.ca_path = t.ssl_cert_path;
      transport = std::shared_ptr<Transport>(make_curl_transport(tls));
    }
    ClientOptions ropts = primary_client_->options();
    ropts.base_url = config_.sf_api_scheme + "://" + util::url_host(t.mvip) + ":" + std::to_string(t.port);
    ropts.username = t.login;
    ropts.password = t.password;
    replica_->client = std::make_unique<ElementClient>(std::move(ropts), std::move(transport), clock_, log_);
    replica_->accounts = std::make_unique<AccountManager>(*replica_->client, log_, deps.secrets);
    replica_->lookup = std::make_unique<VolumeLookup>(
        *replica_->client, *replica_->accounts, config_,
        [this] {
          const auto state = replica_state();
          return identity::Scope{config_.sf_volume_prefix, state ? state->cluster.uuid : std::string()};
        },
        log_);
  }
  for (const auto& w : warnings_) log_->warn("{}", w);
}

ClusterInfo SolidFireDriverImpl::read_cluster_info(CallContext& ctx, ElementClient& client,
                                                   const std::optional<std::string>& svip_override) const {
  ClusterInfo info;
  Json result = client.call(ctx, element::kGetClusterInfo, Json::object(), CallMode::kSetup);
  const JsonView ci = result["clusterInfo"];
  if (!ci.is_object()) {
    throw Error(ErrorCode::kBackend, "unexpected reply from cluster to GetClusterInfo: no clusterInfo object");
  }
  info.name = ci.string_or("name", "");
  info.mvip = ci.string_or("mvip", "");
  info.svip = ci.string_or("svip", "");
  info.uuid = ci.string_or("uuid", "");
  info.unique_id = ci.string_or("uniqueID", "");
  if (svip_override) info.svip = *svip_override;
  if (info.svip.empty()) {
    throw Error(ErrorCode::kBackend,
                "the cluster reported no svip (storage virtual IP) and sf_svip is not configured; set sf_svip");
  }
  if (info.uuid.empty()) {
    throw Error(ErrorCode::kBackend, "unexpected reply from cluster to GetClusterInfo: no cluster uuid");
  }
  Json version = client.call(ctx, element::kGetClusterVersionInfo, Json::object(), CallMode::kSetup);
  info.api_version = version.view().string_or("clusterAPIVersion", "");
  return info;
}

void SolidFireDriverImpl::setup(CallContext& ctx) {
  if (config_.active_backend || failed_over()) {  // a repeated setup keeps serving the cluster it serves
    setup_failed_over(ctx);
    return;
  }
  ClusterInfo info;
  try {
    info = read_cluster_info(ctx, *primary_client_, config_.sf_svip);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kUnavailable) {
      throw Error(ErrorCode::kUnavailable, "cluster unreachable during setup: " + e.message())
          .with_backend_error(e.backend_error())
          .with_retryable(true);
    }
    throw;
  }
  log_->info("connected to Element cluster '{}' (mvip {}, svip {}, uuid {}, API {})", info.name, info.mvip, info.svip,
             info.uuid, info.api_version.empty() ? "unknown" : info.api_version);
  std::optional<ReplicaState> replica;
  if (replica_) replica = setup_replication(ctx, info);
  {
    std::lock_guard<std::mutex> lock(cluster_mutex_);
    primary_cluster_ = info;
    cluster_ = std::move(info);
    replica_state_ = std::move(replica);
    failed_over_ = false;
  }
  activate(false);
  setup_done_.store(true);
}

void SolidFireDriverImpl::activate(bool replica) {
  client_.set(replica ? replica_->client.get() : primary_client_.get());
  accounts_.set(replica ? replica_->accounts.get() : primary_accounts_.get());
  lookup_.set(replica ? replica_->lookup.get() : primary_lookup_.get());
}

identity::Scope SolidFireDriverImpl::primary_scope() const {
  std::lock_guard<std::mutex> lock(cluster_mutex_);
  return {config_.sf_volume_prefix, primary_cluster_ ? primary_cluster_->uuid : std::string()};
}

bool SolidFireDriverImpl::failed_over() const {
  std::lock_guard<std::mutex> lock(cluster_mutex_);
  return failed_over_;
}

ClusterInfo SolidFireDriverImpl::cluster() const {
  std::lock_guard<std::mutex> lock(cluster_mutex_);
  if (!cluster_ || !setup_done_.load()) {
    throw Error(ErrorCode::kUnavailable, "driver not set up").with_retryable(true);
  }
  return *cluster_;
}

std::string SolidFireDriverImpl::portal(const ClusterInfo& cluster) const {
  return util::iscsi_portal(config_.sf_svip ? *config_.sf_svip : cluster.svip);
}

ModelUpdate SolidFireDriverImpl::model_update(const ClusterInfo& cluster, const SfAccount& account,
                                              const SfVolume& volume) const {
  ModelUpdate m;
  m.provider_id = std::to_string(volume.id) + " " + std::to_string(account.id) + " " + cluster.uuid;
  m.provider_location = portal(cluster) + " " + volume.iqn + " 0";
  m.provider_auth = "CHAP " + account.username + " " + account.target_secret;
  if (!config_.sf_emulate_512) m.provider_geometry = "4096 4096";
  return m;
}

}  // namespace solidfire
