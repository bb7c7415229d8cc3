// The SolidFire driver facade: one typed method per operation. Plain C++, knows nothing about vdp.h.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "solidfire/call_context.h"
#include "solidfire/error.h"
#include "solidfire/secrets.h"
#include "solidfire/transport.h"
#include "solidfire/types.h"

namespace spdlog {
class logger;
}

namespace solidfire {

// The plugin's one version (the project's, set by the build): descriptor, describe and stats report it.
inline constexpr const char* kDriverVersion = VDP_SOLIDFIRE_DRIVER_VERSION;

// Reads one configuration option by its Cinder name; nullopt when unset.
using ConfigSource = std::function<std::optional<std::string>(const std::string& key)>;

// Time source for retries and polling; tests inject a fake that advances instantly.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyClock::time_point now() const = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;  // tolerates EINTR
};
std::shared_ptr<Clock> system_clock();

struct DriverDeps {
  std::unique_ptr<Transport> transport;     // null => make_curl_transport from the TLS options
  std::shared_ptr<spdlog::logger> logger;   // null => a logger that drops everything
  std::shared_ptr<Clock> clock;             // null => system_clock()
  // Filled with every secret the driver learns (configuration, CHAP secrets of accounts it sees), from
  // create() on, so the caller can scrub what it writes; null => a private set.
  std::shared_ptr<SecretSet> secrets;
};

class SolidFireDriver {
 public:
  // Validates configuration (throws Error(kConfig) naming the option). No network I/O.
  static std::unique_ptr<SolidFireDriver> create(const ConfigSource& config, DriverDeps deps);
  virtual ~SolidFireDriver() = default;

  // Non-fatal findings of create (retired options, risky settings).
  virtual const std::vector<std::string>& warnings() const = 0;

  // Contacts the cluster (cluster info, version). Throws kUnavailable/kAuth; may be called again.
  virtual void setup(CallContext& ctx) = 0;
  virtual bool is_setup() const = 0;

  // Every operation the driver serves, by family (each family lives in driver/src/ops_<family>.cpp).
  // An operation missing here is not served: the plugin answers NOT_SUPPORTED for it in one place.

  // Volumes.
  virtual ModelUpdate create_volume(CallContext& ctx, const Volume& volume) = 0;
  virtual void delete_volume(CallContext& ctx, const Volume& volume) = 0;
  virtual void extend_volume(CallContext& ctx, const Volume& volume, int64_t new_size_gib) = 0;
  virtual RetypeResult retype(CallContext& ctx, const Volume& volume, const VolumeType& new_type) = 0;
  // Storage-assisted migration (Cinder 2.2.x): moves the volume to the cluster the destination's
  // location_info names when this driver can reach it (its replication target); otherwise answers
  // migrated=false with the reason, and the host copies the data itself.
  virtual MigrateResult migrate_volume(CallContext& ctx, const Volume& volume,
                                       const MigrationDestination& destination) = 0;

  // Snapshots.
  virtual ModelUpdate create_snapshot(CallContext& ctx, const Snapshot& snapshot) = 0;
  virtual void delete_snapshot(CallContext& ctx, const Snapshot& snapshot) = 0;
  virtual void revert_to_snapshot(CallContext& ctx, const Volume& volume, const Snapshot& snapshot) = 0;

  // Clones.
  virtual ModelUpdate create_volume_from_snapshot(CallContext& ctx, const Volume& volume, const Snapshot& snapshot) = 0;
  virtual ModelUpdate create_cloned_volume(CallContext& ctx, const Volume& volume, const Volume& source) = 0;

  // Connections.
  virtual ModelUpdate create_export(CallContext& ctx, const Volume& volume, const std::optional<Connector>& connector) = 0;
  virtual ModelUpdate ensure_export(CallContext& ctx, const Volume& volume) = 0;
  virtual void remove_export(CallContext& ctx, const Volume& volume) = 0;
  virtual IscsiConnectionInfo initialize_connection(CallContext& ctx, const Volume& volume, const Connector& connector) = 0;
  // connector nullopt: detach from every initiator (Cinder's force-detach).
  virtual void terminate_connection(CallContext& ctx, const Volume& volume, const std::optional<Connector>& connector,
                                    bool force) = 0;

  // Attachments.
  virtual void attach_volume(CallContext& ctx, const Volume& volume, const AttachRequest& attach) = 0;
  virtual void detach_volume(CallContext& ctx, const Volume& volume, const std::optional<std::string>& attachment_id) = 0;

  // Manage, unmanage, transfer.
  virtual ModelUpdate manage_existing(CallContext& ctx, const Volume& volume, const ExistingRef& ref) = 0;
  virtual int64_t manage_existing_get_size(CallContext& ctx, const Volume& volume, const ExistingRef& ref) = 0;
  virtual void unmanage(CallContext& ctx, const Volume& volume) = 0;
  virtual ModelUpdate accept_transfer(CallContext& ctx, const Volume& volume, const std::string& new_user,
                                      const std::string& new_project) = 0;

  // Provider info and stats.
  virtual ProviderInfoResult update_provider_info(CallContext& ctx, const std::vector<Volume>& volumes,
                                                  const std::vector<Snapshot>& snapshots) = 0;
  virtual BackendStats get_volume_stats(CallContext& ctx, bool refresh) = 0;

  // Groups (generic and 2.0.6 consistency groups). A generic group whose type is not consistent is
  // refused with kNotSupported: the host then handles it generically (Cinder's NotImplementedError).
  virtual GroupResult create_group(CallContext& ctx, const Group& group, GroupFlavor flavor) = 0;
  // Members are model-only for SolidFire: the added volumes are verified to exist, nothing changes.
  virtual void update_group(CallContext& ctx, const Group& group, const std::vector<Volume>& add_volumes,
                            const std::vector<Volume>& remove_volumes, GroupFlavor flavor) = 0;
  virtual GroupResult delete_group(CallContext& ctx, const Group& group, const std::vector<Volume>& volumes,
                                   GroupFlavor flavor) = 0;
  virtual GroupResult create_group_from_src(CallContext& ctx, const Group& group, const std::vector<Volume>& volumes,
                                            const GroupSource& source, GroupFlavor flavor) = 0;
  virtual GroupResult create_group_snapshot(CallContext& ctx, const GroupSnapshot& group_snapshot,
                                            const std::vector<Snapshot>& snapshots, GroupFlavor flavor) = 0;
  virtual GroupResult delete_group_snapshot(CallContext& ctx, const GroupSnapshot& group_snapshot,
                                            const std::vector<Snapshot>& snapshots, GroupFlavor flavor) = 0;

  // Freeze and thaw (Cinder's freeze_backend / thaw_backend, used around a failover). While frozen,
  // every operation that changes the control plane (create, delete, extend, retype, snapshots, clones,
  // manage, unmanage, transfer, groups) fails with kFailedPrecondition naming the freeze; connections,
  // exports, attachments, stats and reads keep working. Both are idempotent. The state lives in this
  // driver object only: the host owns it (as Cinder's database does) and a new driver starts thawed.
  virtual void freeze_backend(CallContext& ctx) = 0;
  virtual void thaw_backend(CallContext& ctx) = 0;
  virtual bool frozen() const = 0;

  // Failover to the replication target and failback ("default"), Cinder's failover_host; and the same
  // work split for active-active hosts: failover does the per-volume flips and returns the updates,
  // failover_completed switches the cluster this driver serves. secondary_id nullopt/"" means the
  // configured target; an unknown one is kInvalidArgument naming "secondary_id".
  virtual FailoverResult failover_host(CallContext& ctx, const std::vector<Volume>& volumes,
                                       const std::optional<std::string>& secondary_id) = 0;
  virtual FailoverResult failover(CallContext& ctx, const std::vector<Volume>& volumes,
                                  const std::optional<std::string>& secondary_id) = 0;
  virtual void failover_completed(CallContext& ctx, const std::string& active_backend_id) = 0;
};

}  // namespace solidfire
