// The replication lifecycle of `vdp-host demo --replication` (demo_steps.h): two clusters paired at
// setup, a replicated volume snapshotted and extended, a freeze around a failover, work on the target,
// failback (replicating back what was made meanwhile), a migration to the other cluster, clean-up.
#include "demo_requests.h"
#include "demo_steps.h"

namespace vdp::host::cli::demo {
namespace {

constexpr const char* kTargetHost = "demo@demo-target#demo-target";

Json failover_request(const std::vector<const Json*>& volumes, const char* secondary_id) {
  Json req = make_object();
  Json list(cJSON_CreateArray());
  for (const Json* v : volumes) cJSON_AddItemToArray(list.get(), duplicate(v->get()).release());
  set(req.get(), "volumes", std::move(list));
  set_string(req.get(), "secondary_id", secondary_id);
  return req;
}

// Shows each volume's update and merges it into the lifecycle's object of that id.
void apply_failover(Lifecycle& lc, const cJSON* result, Output& out) {
  out.detail("active backend", get_string(result, "active_backend_id").value_or("?").empty()
                                   ? std::string("the primary cluster")
                                   : get_string(result, "active_backend_id").value_or("?"));
  const cJSON* updates = cJSON_GetObjectItemCaseSensitive(result, "volume_updates");
  for (const cJSON* u = cJSON_IsArray(updates) ? updates->child : nullptr; u; u = u->next) {
    const std::string id = get_string(u, "volume_id").value_or("");
    const cJSON* model = cJSON_GetObjectItemCaseSensitive(u, "updates");
    out.detail("volume", id);
    out.fields(model);
    for (Json* v : {&lc.replicated, &lc.made_failed_over}) {
      if (id_of(*v) == id) merge(v->get(), model);
    }
  }
}

void show_replication_stats(Lifecycle&, const cJSON* result, Output& out) {
  out.stats(result);
  out.detail("serving", get_string(result, "active_cluster_mvip").value_or("?"));
  const cJSON* targets = cJSON_GetObjectItemCaseSensitive(result, "replication_targets");
  if (cJSON_IsArray(targets) && targets->child && cJSON_IsString(targets->child))
    out.detail("replicates to", targets->child->valuestring);
}

}  // namespace

std::vector<Step> replication_steps(const Lifecycle& lc) {
  std::vector<Step> steps;
  steps.push_back({"setup", "connect to both clusters and pair them (waits until the pair is Connected)",
                   [](Lifecycle&) { return make_object(); }, {}});
  steps.push_back({"get_volume_stats", "capabilities: replication to 'dr-site' in Async, Sync or SnapshotsOnly",
                   stats_request, show_replication_stats});
  steps.push_back({"create_volume",
                   "a 10 GiB replicated volume " + id_of(lc.replicated) +
                       ": its copy on the target, the pair, the wait for Active",
                   [](Lifecycle& s) { return volume_request(s.replicated, false); },
                   shown_and_merged(&Lifecycle::replicated)});
  steps.push_back({"create_snapshot", "a snapshot that Element replicates with the volume",
                   [](Lifecycle& s) {
                     Json snap = snapshot_json(id_of(s.replicated_snapshot), s.replicated.get());
                     s.replicated_snapshot = std::move(snap);
                     return with("snapshot", s.replicated_snapshot.get());
                   },
                   shown_and_merged(&Lifecycle::replicated_snapshot)});
  steps.push_back({"extend_volume", "grow it to 20 GiB: the copy first, then the volume",
                   [](Lifecycle& s) {
                     Json req = with("volume", s.replicated.get());
                     set_number(req.get(), "new_size", 20);
                     return req;
                   },
                   [](Lifecycle& s, const cJSON*, Output&) { set_number(s.replicated.get(), "size", 20); }});
  steps.push_back({"freeze_backend", "the host freezes the backend around the failover: no control-plane changes",
                   [](Lifecycle&) { return make_object(); }, show_if_any});
  steps.push_back({"failover_host", "fail over to 'dr-site': the copy becomes readWrite, the ids point at it",
                   [](Lifecycle& s) { return failover_request({&s.replicated}, "dr-site"); }, apply_failover});
  steps.push_back({"thaw_backend", "and thaws it", [](Lifecycle&) { return make_object(); }, show_if_any});
  steps.push_back({"get_volume_stats", "the driver now serves the replication target", stats_request,
                   show_replication_stats});
  steps.push_back({"initialize_connection", "the failed-over volume is reached on the target's portal",
                   [](Lifecycle& s) { return volume_request(s.replicated, true); }, show_connection});
  steps.push_back({"create_volume",
                   "a replicated volume " + id_of(lc.made_failed_over) + " made while failed over (target only)",
                   [](Lifecycle& s) { return volume_request(s.made_failed_over, false); },
                   shown_and_merged(&Lifecycle::made_failed_over)});
  steps.push_back({"failover_host", "fail back: access flipped back, the volume made meanwhile replicated back first",
                   [](Lifecycle& s) { return failover_request({&s.replicated, &s.made_failed_over}, "default"); },
                   apply_failover});
  steps.push_back({"create_volume", "a 4 GiB plain volume " + id_of(lc.migrating) + " to migrate",
                   [](Lifecycle& s) { return volume_request(s.migrating, false); },
                   shown_and_merged(&Lifecycle::migrating)});
  steps.push_back({"get_volume_stats", "the second cluster's own backend: its location_info says where it is",
                   stats_request,
                   [](Lifecycle& s, const cJSON* result, Output& out) {
                     out.detail("location_info", get_string(result, "location_info").value_or("?"));
                     s.destination = make_object();
                     set_string(s.destination.get(), "host", kTargetHost);
                     set(s.destination.get(), "capabilities", duplicate(result));
                   },
                   On::kTarget});
  steps.push_back({"migrate_volume", std::string("move the plain volume to ") + kTargetHost +
                                         " (a Sync pair, then the source removed)",
                   [](Lifecycle& s) {
                     Json req = with("volume", s.migrating.get());
                     set(req.get(), "host", duplicate(s.destination.get()));
                     return req;
                   },
                   [](Lifecycle& s, const cJSON* result, Output& out) {
                     const bool moved = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(result, "migrated"));
                     out.detail("migrated", moved ? "yes" : "no: " + get_string(result, "reason").value_or("?"));
                     const cJSON* model = cJSON_GetObjectItemCaseSensitive(result, "model_update");
                     if (cJSON_IsObject(model)) {
                       out.fields(model);
                       merge(s.migrating.get(), model);
                     }
                   }});
  steps.push_back({"delete_volume", "the destination backend serves the migrated volume: delete it there",
                   [](Lifecycle& s) { return volume_request(s.migrating, false); }, {}, On::kTarget});
  steps.push_back({"delete_snapshot", "delete the replicated snapshot",
                   [](Lifecycle& s) { return with("snapshot", s.replicated_snapshot.get()); }, {}});
  steps.push_back({"delete_volume", "delete the volume made while failed over: its pair and copy go too",
                   [](Lifecycle& s) { return volume_request(s.made_failed_over, false); }, {}});
  steps.push_back({"delete_volume", "delete the replicated volume, its pair and its copy",
                   [](Lifecycle& s) { return volume_request(s.replicated, false); }, {}});
  steps.push_back({"get_volume_stats", "capacity again, refreshed from the cluster", stats_request, show_stats});
  return steps;
}

}  // namespace vdp::host::cli::demo
