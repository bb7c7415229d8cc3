// The demo's lifecycle as a table: one row per operation call, in order. The step count is the table's.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "json.h"

namespace vdp::host::cli::demo {

// How a step shows its result beyond the status line (the runner implements it).
class Output {
 public:
  virtual ~Output() = default;
  virtual void detail(const std::string& label, const std::string& value) = 0;
  virtual void fields(const cJSON* model_update) = 0;  // every member, secrets masked
  virtual void stats(const cJSON* stats) = 0;
  virtual void connection(const cJSON* connection_info) = 0;
};

// The objects the lifecycle works on. Ids are chosen up front; model updates are merged in as steps run.
struct Lifecycle {
  Lifecycle();
  Json volume;        // the first volume: created, exported, connected, snapshotted, ..., deleted twice
  Json snapshot;      // its snapshot
  Json from_snap;     // a volume made from the snapshot, later unmanaged
  Json clone;         // a clone of the first volume, later transferred
  Json group;         // a consistent group type
  std::string group_snapshot_id;
  std::string member_snapshot_ids[2];  // the group snapshot's members: the first volume and its clone
  Json adopted;       // from_snap managed back under a new id
  // The replication lifecycle (demo --replication):
  Json replicated;           // a replicated volume: snapshotted, extended, failed over and back
  Json replicated_snapshot;  // its snapshot
  Json made_failed_over;     // created while failed over, replicated back at failback
  Json migrating;            // a plain volume moved to the other cluster
  Json destination;          // the migration's destination host: {"host", "capabilities"}
};

// Which driver runs a step: the lifecycle's, one configured with sf_enable_vag, or one configured for
// the second cluster (the replication lifecycle's migration destination).
enum class On { kMain, kVag, kTarget };

struct Step {
  const char* op;
  std::string explanation;
  std::function<Json(Lifecycle&)> request;
  std::function<void(Lifecycle&, const cJSON* result, Output&)> after;  // may be empty
  On on = On::kMain;
};

// The whole lifecycle, setup first and stats last. Explanations name `lc`'s ids.
std::vector<Step> lifecycle_steps(const Lifecycle& lc);
// The replication lifecycle: two clusters paired at setup, a replicated volume, failover and failback,
// a migration to the other cluster, clean-up (demo_replication_steps.cpp).
std::vector<Step> replication_steps(const Lifecycle& lc);

}  // namespace vdp::host::cli::demo
