// The facade's implementation class. Split across files by concern: driver_impl.cpp (create, setup),
// volumes.cpp (create/delete and lookups), stats.cpp, connection.cpp (exports, iSCSI info).
// Thread-safety: all members are either immutable after construction or guarded by a mutex; no lock
// is held while calling the cluster (or the host, through CallContext).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "accounts.h"
#include "config.h"
#include "element_client.h"
#include "solidfire/driver.h"

namespace solidfire {

inline constexpr const char* kDriverVersion = "2.2.5-vdp.0.1";
inline constexpr int64_t kMaxVolumeSizeGib = 16384;
// Served instead of failing when a stats refresh fails, but never older than this.
inline constexpr std::chrono::seconds kMaxStaleStats{600};

struct ClusterInfo {
  std::string name;
  std::string mvip;
  std::string svip;
  std::string uuid;
  std::string unique_id;
  std::string api_version;
};

// A volume as read from the cluster (only the members the driver uses).
struct SfVolume {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string name;
  std::string status;
  std::string iqn;
  std::string uuid_attr;  // attributes.uuid, empty when absent
  int64_t total_size = 0;
  bool enable512e = true;
  bool deleted() const { return status == "deleted"; }
};
std::optional<SfVolume> parse_volume(JsonView v);

struct ImplOptions {
  RetryPolicy retry;  // tests shorten or lengthen it
};

class SolidFireDriverImpl final : public SolidFireDriver {
 public:
  SolidFireDriverImpl(DriverConfig config, std::vector<std::string> warnings, DriverDeps deps, ImplOptions options);

  const std::vector<std::string>& warnings() const override { return warnings_; }
  void setup(CallContext& ctx) override;
  bool is_setup() const override { return setup_done_.load(); }

  ModelUpdate create_volume(CallContext& ctx, const Volume& volume) override;
  void delete_volume(CallContext& ctx, const Volume& volume) override;
  BackendStats get_volume_stats(CallContext& ctx, bool refresh) override;
  ModelUpdate create_export(CallContext& ctx, const Volume& volume, const std::optional<Connector>& connector) override;
  ModelUpdate ensure_export(CallContext& ctx, const Volume& volume) override;
  IscsiConnectionInfo initialize_connection(CallContext& ctx, const Volume& volume, const Connector& connector) override;
  std::vector<std::string> supported_operations() const override;

  // --- volume data operations (snapshots, clones, extend, retype): volume_data_ops*.cpp ---
  // --- end volume data operations ---

  // --- access and administration operations (VAGs, attach, manage, transfer, provider info): access_ops*.cpp ---
  // --- end access and administration operations ---

  // For tests and diagnostics.
  ElementClient& client() { return *client_; }
  const DriverConfig& config() const { return config_; }
  std::optional<BackendStats> cached_stats() const;

 private:
  ClusterInfo cluster() const;          // throws kUnavailable before setup
  std::string volume_name(const std::string& id) const { return config_.sf_volume_prefix + id; }
  std::string portal(const ClusterInfo& cluster) const;
  ModelUpdate model_update(const ClusterInfo& cluster, const SfAccount& account, const SfVolume& volume) const;
  Json volume_attributes(const Volume& volume) const;

  SfAccount create_account_for(CallContext& ctx, const std::string& project_id);
  std::optional<SfVolume> find_by_name(CallContext& ctx, const std::string& name, int64_t account_id,
                                       const std::string& uuid);
  std::optional<SfVolume> find_by_provider_id(CallContext& ctx, const Volume& volume);
  std::vector<SfVolume> find_in_accounts(CallContext& ctx, const Volume& volume);
  SfVolume volume_by_id(CallContext& ctx, int64_t volume_id);
  SfVolume create_with_recovery(CallContext& ctx, const Volume& volume, const SfAccount& account, const Json& params);
  void remove_volume(CallContext& ctx, const SfVolume& sf_volume);
  BackendStats fetch_stats(CallContext& ctx);

  DriverConfig config_;
  std::vector<std::string> warnings_;
  std::shared_ptr<Clock> clock_;
  std::shared_ptr<spdlog::logger> log_;
  std::shared_ptr<Transport> transport_;
  std::unique_ptr<ElementClient> client_;
  std::unique_ptr<AccountManager> accounts_;

  std::atomic<bool> setup_done_{false};
  mutable std::mutex cluster_mutex_;
  std::optional<ClusterInfo> cluster_;

  mutable std::mutex stats_mutex_;
  std::optional<BackendStats> stats_;
  SteadyClock::time_point stats_time_{};
};

}  // namespace solidfire
