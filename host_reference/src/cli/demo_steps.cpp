#include "demo_steps.h"

#include "demo_requests.h"

namespace vdp::host::cli::demo {
namespace {

// {"group_snapshot": ..., "snapshots": [...]}: create and delete take the same request.
Json group_snapshot_request(const Lifecycle& lc) {
  Json group_snapshot = make_object();
  set_string(group_snapshot.get(), "id", lc.group_snapshot_id);
  set_string(group_snapshot.get(), "group_id", id_of(lc.group));
  set(group_snapshot.get(), "group_specs", duplicate(cJSON_GetObjectItemCaseSensitive(lc.group.get(), "group_specs")));
  Json members(cJSON_CreateArray());
  const Json* member_volumes[] = {&lc.volume, &lc.clone};
  for (size_t i = 0; i < 2; ++i) {
    Json member = snapshot_json(lc.member_snapshot_ids[i], member_volumes[i]->get());
    set_string(member.get(), "group_snapshot_id", lc.group_snapshot_id);
    cJSON_AddItemToArray(members.get(), member.release());
  }
  Json req = with("group_snapshot", group_snapshot.get());
  set(req.get(), "snapshots", std::move(members));
  return req;
}

// {"volume": adopted, "existing_ref": {"source-id": <Element id of from_snap>}}.
Json manage_request(const Lifecycle& lc) {
  const std::string provider_id = get_string(lc.from_snap.get(), "provider_id").value_or("0");
  Json ref = make_object();
  set_string(ref.get(), "source-id", provider_id.substr(0, provider_id.find(' ')));
  Json req = with("volume", lc.adopted.get());
  set(req.get(), "existing_ref", std::move(ref));
  return req;
}

}  // namespace

Lifecycle::Lifecycle()
    : volume(volume_json(10, "demo-volume")),
      snapshot(make_object()),
      from_snap(volume_json(12, "from-snapshot")),
      clone(volume_json(10, "clone")),
      group(group_json()),
      group_snapshot_id(random_uuid()),
      member_snapshot_ids{random_uuid(), random_uuid()},
      adopted(volume_json(12, "adopted")),
      replicated(replicated_volume_json(10, "replicated")),
      replicated_snapshot(make_object()),
      made_failed_over(replicated_volume_json(5, "made-while-failed-over")),
      migrating(volume_json(4, "migrating")),
      destination(make_object()) {
  set_string(snapshot.get(), "id", random_uuid());
  set_string(replicated_snapshot.get(), "id", random_uuid());
}

std::vector<Step> lifecycle_steps(const Lifecycle& lc) {
  const std::string volume_id = id_of(lc.volume);
  std::vector<Step> steps;
  // --- setup and capacity ---
  steps.push_back({"setup", "connect to the cluster, check credentials and the API version",
                   [](Lifecycle&) { return make_object(); }, {}});
  steps.push_back({"get_volume_stats", "capacity and capabilities as a scheduler sees them", stats_request,
                   show_stats});

  // --- volumes, exports, CHAP connection ---
  steps.push_back({"create_volume", "a 10 GiB volume " + volume_id + " of type gold (QoS 1000/5000/8000 IOPS)",
                   [](Lifecycle& s) { return volume_request(s.volume, false); }, shown_and_merged(&Lifecycle::volume)});
  steps.push_back({"create_export", "make the volume reachable for the connector's host",
                   [](Lifecycle& s) { return volume_request(s.volume, true); }, shown_and_merged(&Lifecycle::volume)});
  steps.push_back({"initialize_connection", "iSCSI target and CHAP credentials for the initiator",
                   [](Lifecycle& s) { return volume_request(s.volume, true); }, show_connection});

  // --- snapshots and clones ---
  steps.push_back({"create_snapshot", "a point-in-time snapshot " + id_of(lc.snapshot),
                   [](Lifecycle& s) {
                     // The snapshot carries its volume as it is now (with the provider_id of the create).
                     Json snap = snapshot_json(id_of(s.snapshot), s.volume.get());
                     merge(snap.get(), s.snapshot.get());
                     s.snapshot = std::move(snap);
                     return with("snapshot", s.snapshot.get());
                   },
                   shown_and_merged(&Lifecycle::snapshot)});
  steps.push_back({"create_volume_from_snapshot", "a 12 GiB volume from the snapshot (grown while cloning)",
                   [](Lifecycle& s) {
                     Json req = with("volume", s.from_snap.get());
                     set(req.get(), "snapshot", duplicate(s.snapshot.get()));
                     return req;
                   },
                   shown_and_merged(&Lifecycle::from_snap)});
  steps.push_back({"create_cloned_volume", "a clone of the first volume; the wait reports progress",
                   [](Lifecycle& s) {
                     Json req = with("volume", s.clone.get());
                     set(req.get(), "src_vref", duplicate(s.volume.get()));
                     return req;
                   },
                   shown_and_merged(&Lifecycle::clone)});
  steps.push_back({"revert_to_snapshot", "roll the first volume back to its snapshot",
                   [](Lifecycle& s) {
                     Json req = with("volume", s.volume.get());
                     set(req.get(), "snapshot", duplicate(s.snapshot.get()));
                     return req;
                   },
                   {}});

  // --- a consistency group: one crash-consistent snapshot of two volumes ---
  steps.push_back({"create_group", "a consistent group type: the backend snapshots its members together",
                   [](Lifecycle& s) { return with("group", s.group.get()); }, {}});
  steps.push_back({"create_group_snapshot", "one Element group snapshot of the first volume and its clone",
                   group_snapshot_request, [](Lifecycle&, const cJSON* result, Output& out) {
                     const cJSON* updates = cJSON_GetObjectItemCaseSensitive(result, "snapshots_model_update");
                     for (const cJSON* u = cJSON_IsArray(updates) ? updates->child : nullptr; u; u = u->next)
                       out.detail("member snapshot", get_string(u, "provider_id").value_or("?") + " (" +
                                                         get_string(u, "status").value_or("?") + ")");
                   }});
  steps.push_back({"delete_group_snapshot", "delete the group snapshot and its member snapshots",
                   group_snapshot_request, {}});

  // --- resize and retype ---
  steps.push_back({"extend_volume", "grow the first volume to 20 GiB (QoS re-scaled when the type scales it)",
                   [](Lifecycle& s) {
                     Json req = with("volume", s.volume.get());
                     set_number(req.get(), "new_size", 20);
                     return req;
                   },
                   [](Lifecycle& s, const cJSON*, Output&) { set_number(s.volume.get(), "size", 20); }});
  steps.push_back({"retype", "change its type to silver (QoS 500/2000/4000) in place",
                   [](Lifecycle& s) {
                     Json req = with("volume", s.volume.get());
                     set(req.get(), "new_type", volume_type_json("silver", "500", "2000", "4000"));
                     return req;
                   },
                   show_if_any});

  // --- bookkeeping, VAG access, transfer, manage ---
  steps.push_back({"attach_volume", "record the attachment in the volume's attributes",
                   [](Lifecycle& s) {
                     Json req = with("volume", s.volume.get());
                     set_string(req.get(), "instance_uuid", random_uuid());
                     set_string(req.get(), "host_name", "demo-host");
                     set_string(req.get(), "mountpoint", "/dev/vdb");
                     return req;
                   },
                   {}});
  steps.push_back({"detach_volume", "and remove it again", [](Lifecycle& s) { return volume_request(s.volume, false); },
                   {}});
  steps.push_back({"initialize_connection", "with sf_enable_vag: the initiator's volume access group grants access",
                   [](Lifecycle& s) { return volume_request(s.volume, true); }, show_connection, On::kVag});
  steps.push_back({"terminate_connection", "remove the volume from the access group (and the empty group)",
                   [](Lifecycle& s) { return volume_request(s.volume, true); }, {}, On::kVag});
  steps.push_back({"accept_transfer", "hand the clone over to project demo-project-2",
                   [](Lifecycle& s) {
                     Json req = with("volume", s.clone.get());
                     set_string(req.get(), "new_user", "demo-user-2");
                     set_string(req.get(), "new_project", "demo-project-2");
                     return req;
                   },
                   [](Lifecycle& s, const cJSON* result, Output& out) {
                     out.fields(result);
                     merge(s.clone.get(), result);
                     set_string(s.clone.get(), "project_id", "demo-project-2");
                   }});
  steps.push_back({"unmanage", "stop managing the volume made from the snapshot (it stays on the cluster)",
                   [](Lifecycle& s) { return volume_request(s.from_snap, false); }, {}});
  steps.push_back({"manage_existing_get_size", "how big is that volume, in GiB?", manage_request, show_if_any});
  steps.push_back({"manage_existing", "bring it back under management as a new volume", manage_request,
                   shown_and_merged(&Lifecycle::adopted)});

  // --- clean up ---
  steps.push_back({"delete_snapshot", "delete the snapshot",
                   [](Lifecycle& s) { return with("snapshot", s.snapshot.get()); }, {}});
  steps.push_back({"delete_volume", "delete clone", [](Lifecycle& s) { return volume_request(s.clone, false); }, {}});
  steps.push_back({"delete_volume", "delete adopted", [](Lifecycle& s) { return volume_request(s.adopted, false); },
                   {}});
  steps.push_back({"delete_volume", "delete the first volume",
                   [](Lifecycle& s) { return volume_request(s.volume, false); }, {}});
  steps.push_back({"delete_volume", "delete it again: deletion is idempotent, so this is still OK",
                   [](Lifecycle& s) { return volume_request(s.volume, false); },
                   [](Lifecycle& s, const cJSON*, Output& out) {
                     out.detail("volume", id_of(s.volume) + " already gone: OK");
                   }});
  steps.push_back({"get_volume_stats", "capacity again, refreshed from the cluster", stats_request, show_stats});
  return steps;
}

}  // namespace vdp::host::cli::demo
