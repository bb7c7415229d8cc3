// Backend stats, computed like Cinder 2.2.5's _update_cluster_status (GetClusterCapacity 8.0 plus
// provisioned totals from ListVolumes), with two fixes:
// - provisioned totals page through ListVolumes{startVolumeID, limit:10000} until a short page
//   (Cinder's single call stopped at the default limit of 10,000 volumes);
// - a failed refresh neither zeroes capacity (2.2.5) nor serves stale figures forever (2.0.6): the
//   previous result is returned with stale_seconds set for up to 10 minutes, then the error is raised.
// Efficiency percentages fall back to 100 when a counter is zero (no division by zero).
#include <spdlog/spdlog.h>

#include "driver_impl.h"
#include "element_api.h"
#include "util.h"

namespace solidfire {

namespace {
double to_gib(int64_t bytes) { return static_cast<double>(bytes) / static_cast<double>(element::kGiB); }

int64_t require(JsonView cap, const char* key) {
  auto v = cap.int64(key);
  if (!v) {
    throw Error(ErrorCode::kBackend, std::string("unexpected reply from cluster to GetClusterCapacity: missing ") + key);
  }
  return *v;
}
}  // namespace

std::optional<BackendStats> SolidFireDriverImpl::cached_stats() const {
  std::lock_guard<std::mutex> lock(stats_mutex_);
  return stats_;
}

BackendStats SolidFireDriverImpl::fetch_stats(CallContext& ctx) {
  const ClusterInfo cl = cluster();
  Json result = client_->call(ctx, element::kGetClusterCapacity, Json::object());
  const JsonView cap = result["clusterCapacity"];
  if (!cap.is_object()) {
    throw Error(ErrorCode::kBackend, "unexpected reply from cluster to GetClusterCapacity: no clusterCapacity object");
  }
  const int64_t max_used = require(cap, "maxUsedSpace");
  const int64_t used = require(cap, "usedSpace");
  const int64_t max_provisioned = require(cap, "maxProvisionedSpace");
  const int64_t unique_used = cap.int64("uniqueBlocksUsedSpace").value_or(0);
  const int64_t unique_blocks = cap.int64("uniqueBlocks").value_or(0);
  const int64_t zero_blocks = cap.int64("zeroBlocks").value_or(0);
  const int64_t non_zero_blocks = cap.int64("nonZeroBlocks").value_or(0);

  // Provisioned bytes and minIOPS over every volume (deleted-but-unpurged ones included, as Element
  // still accounts for them), one page at a time.
  int64_t provisioned_bytes = 0;
  int64_t provisioned_iops = 0;
  lookup_->for_each_volume(ctx, std::nullopt, [&](JsonView v) {
    provisioned_bytes += v.int64("totalSize").value_or(0);
    provisioned_iops += v["qos"].int64("minIOPS").value_or(0);
  });

  BackendStats s;
  s.volume_backend_name = config_.volume_backend_name;
  s.driver_version = kDriverVersion;
  s.reserved_percentage = config_.reserved_percentage;
  s.max_over_subscription_ratio = config_.max_over_subscription_ratio;
  s.cluster_mvip = cl.mvip;
  s.cluster_uuid = cl.uuid;
  s.location_info = location_info(cl);
  add_replication_stats(s);
  s.shared_targets = false;

  int64_t free_bytes = 0;
  if (config_.sf_provisioning_calc == ProvisioningCalc::kUsedSpace) {
    free_bytes = max_used - used;
    s.total_capacity_gb = to_gib(max_used);
    s.thin_provisioning_support = true;
    s.provisioned_capacity_gb = to_gib(provisioned_bytes);
  } else {
    free_bytes = max_provisioned - used;
    s.total_capacity_gb = to_gib(max_provisioned);
    s.thin_provisioning_support = false;
  }
  s.free_capacity_gb = to_gib(free_bytes);

  if (unique_used == 0 || unique_blocks == 0 || zero_blocks == 0 || non_zero_blocks == 0) {
    s.compression_percent = 100;
    s.deduplication_percent = 100;
    s.thin_provision_percent = 100;
  } else {
    s.compression_percent = static_cast<double>(unique_blocks) * 4096.0 / static_cast<double>(unique_used) * 100.0;
    s.deduplication_percent = static_cast<double>(non_zero_blocks) / static_cast<double>(unique_blocks) * 100.0;
    s.thin_provision_percent = static_cast<double>(non_zero_blocks + zero_blocks) /
                               static_cast<double>(non_zero_blocks) * 100.0;
  }
  s.provisioned_iops = provisioned_iops;
  s.current_iops = cap.int64("currentIOPS").value_or(0);
  s.average_iops = cap.int64("averageIOPS").value_or(0);
  s.max_iops = cap.int64("maxIOPS").value_or(0);
  s.peak_iops = cap.int64("peakIOPS").value_or(0);
  return s;
}

BackendStats SolidFireDriverImpl::get_volume_stats(CallContext& ctx, bool refresh) {
  require_setup();
  if (!refresh) {
    std::lock_guard<std::mutex> lock(stats_mutex_);
    if (stats_) return *stats_;
  }
  try {
    BackendStats fresh = fetch_stats(ctx);
    std::lock_guard<std::mutex> lock(stats_mutex_);
    stats_ = fresh;
    stats_time_ = clock_->now();
    return fresh;
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kCancelled) throw;
    std::optional<BackendStats> previous;
    SteadyClock::time_point when;
    {
      std::lock_guard<std::mutex> lock(stats_mutex_);
      previous = stats_;
      when = stats_time_;
    }
    if (!previous) throw;
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(clock_->now() - when);
    if (age > kMaxStaleStats) {
      log_->error("stats refresh failed and the last good stats are {} s old: {}", age.count(), e.message());
      throw;
    }
    log_->warn("stats refresh failed ({}); serving stats from {} s ago", e.message(), age.count());
    previous->stale_seconds = age.count();
    return *previous;
  }
}

}  // namespace solidfire
