// Snapshot methods: CreateSnapshot, DeleteSnapshot, ListSnapshots, ModifySnapshot, RollbackToSnapshot,
// CreateGroupSnapshot, DeleteGroupSnapshot, ListGroupSnapshots, RollbackToGroupSnapshot.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <optional>
#include <set>

#include "cluster_state.h"
#include "common.h"
#include "rpc.h"

namespace element_sim {

namespace {

constexpr size_t kSnapshotNameMax = 255;

// A live (not deleted) volume, else xVolumeIDDoesNotExist.
Volume& live_volume(Cluster& c, int64_t id) {
  Volume& v = c.volume_or_fail(id);
  if (v.status == VolumeStatus::deleted)
    fail("xVolumeIDDoesNotExist", "VolumeID " + std::to_string(id) + " does not exist.");
  return v;
}

std::string checksum(Rng& rng) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(rng.next() & 0xFFFFFFFFFFFFULL));
  return buf;
}

// expirationTime (ISO string) or retention ("HH:mm:ss"); 0 = none.
int64_t expiration_param(const Params& p, int64_t now) {
  if (auto r = p.opt_string("retention", true)) {
    unsigned h = 0, m = 0, s = 0;
    char tail = 0;
    if (std::sscanf(r->c_str(), "%u:%u:%u%c", &h, &m, &s, &tail) != 3 || m > 59 || s > 59)
      fail_invalid("retention", "expected HH:mm:ss");
    return now + static_cast<int64_t>(h) * 3600 + m * 60 + s;
  }
  if (auto e = p.opt_string("expirationTime", true)) {
    std::tm tm{};
    const char* end = strptime(e->c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (end == nullptr) fail_invalid("expirationTime", "expected an ISO-8601 UTC time");
    return static_cast<int64_t>(timegm(&tm));
  }
  return 0;
}

std::string snapshot_name_param(const Params& p, const char* member, int64_t now) {
  auto n = p.opt_string(member, true);  // "" = not specified (Go zero value)
  if (!n) return default_snapshot_name(now);
  if (utf8_length(*n) > kSnapshotNameMax) fail_invalid(member, "snapshot names must be at most 255 characters");
  return *n;
}

void check_snapshot_room(const Cluster& c, const Volume& v, int64_t extra = 1) {
  if (static_cast<int64_t>(v.snapshots.size()) + extra > c.opts.snapshots_per_volume_max)
    fail("xMaxSnapshotsPerVolumeExceeded", "Exceeded max number of snapshots per volume. volumeID=" +
                                               std::to_string(v.id) +
                                               " limit=" + std::to_string(c.opts.snapshots_per_volume_max));
}

Snapshot& make_snapshot(Cluster& c, Volume& v, std::string name, int64_t now) {
  Snapshot s;
  s.id = c.next_snapshot_id++;
  s.volume_id = v.id;
  s.total_size = v.total_size;
  s.create_time = now;
  s.name = std::move(name);
  s.uuid = c.rng.uuid();
  s.checksum = checksum(c.rng);
  s.volume_name = v.name;
  s.written_blocks = v.written_blocks;  // the data it holds: the volume's written blocks now
  v.snapshots.insert(s.id);
  return c.insert_snapshot(std::move(s));
}

// Restores the volume to the snapshot's image (size and written data included).
void rollback(Cluster& c, Volume& v, const Snapshot& s) {
  if (s.total_size != v.total_size) c.change_size(v, s.total_size);
  c.set_written(v, s.written_blocks);
}

// ------------------------------------------------------------------ snapshots

json::Ptr create_snapshot(Cluster& c, const Params& p, const CallInfo& call) {
  Volume& v = live_volume(c, p.req_int("volumeID"));
  if (auto sid = p.opt_int("snapshotID", true)) {  // 0 = active branch (Go zero value)
    const Snapshot& base = c.snapshot_or_fail(*sid);
    if (base.volume_id != v.id)
      fail("xSnapshotIDDoesNotExist",
           "SnapshotID " + std::to_string(*sid) + " does not exist on volumeID " + std::to_string(v.id) + ".");
  }
  std::string name = snapshot_name_param(p, "name", call.now);
  const bool repl = p.opt_bool("enableRemoteReplication").value_or(false);
  const int64_t expires = expiration_param(p, call.now);
  std::string attrs = attributes_text(p.opt_object("attributes"));
  auto label = p.opt_string("snapMirrorLabel", true);
  check_snapshot_room(c, v);

  Snapshot& s = make_snapshot(c, v, std::move(name), call.now);
  s.enable_remote_replication = repl;
  s.expiration_time = expires;
  s.attributes = std::move(attrs);
  if (label) s.snap_mirror_label = *label;
  json::Ptr r = json::object();
  json::add_int(r.get(), "snapshotID", s.id);
  json::add_str(r.get(), "checksum", s.checksum);
  json::add(r.get(), "snapshot", c.snapshot_json(s));
  return r;
}

json::Ptr delete_snapshot(Cluster& c, const Params& p, const CallInfo&) {
  const Snapshot& s = c.snapshot_or_fail(p.req_int("snapshotID"));
  c.delete_snapshot(s.id);
  return json::object();
}

json::Ptr list_snapshots(Cluster& c, const Params& p, const CallInfo&) {
  json::Ptr r = json::object();
  cJSON* arr = json::add_arr(r.get(), "snapshots");
  const auto vol = p.opt_int("volumeID", true);
  const auto sid = p.opt_int("snapshotID", true);
  if (sid) {
    auto it = c.snapshots.find(*sid);
    if (it != c.snapshots.end() && (!vol || it->second.volume_id == *vol)) json::push(arr, c.snapshot_json(it->second));
    return r;
  }
  if (vol) {
    const Volume& v = c.volume_or_fail(*vol);
    for (int64_t id : v.snapshots) json::push(arr, c.snapshot_json(c.snapshots.at(id)));
    return r;
  }
  for (const auto& [id, s] : c.snapshots) json::push(arr, c.snapshot_json(s));
  return r;
}

json::Ptr modify_snapshot(Cluster& c, const Params& p, const CallInfo& call) {
  Snapshot& s = c.snapshot_or_fail(p.req_int("snapshotID"));
  const bool has_exp = p.has("expirationTime") || p.has("retention");
  const int64_t expires = has_exp ? expiration_param(p, call.now) : s.expiration_time;
  auto repl = p.opt_bool("enableRemoteReplication");
  auto label = p.opt_string("snapMirrorLabel");
  std::optional<std::string> name;
  if (p.opt_string("name", true)) name = snapshot_name_param(p, "name", call.now);
  s.expiration_time = expires;
  if (repl) s.enable_remote_replication = *repl;
  if (label) s.snap_mirror_label = *label;
  if (name) s.name = *name;
  json::Ptr r = json::object();
  json::add(r.get(), "snapshot", c.snapshot_json(s));
  return r;
}

json::Ptr rollback_to_snapshot(Cluster& c, const Params& p, const CallInfo& call) {
  Volume& v = live_volume(c, p.req_int("volumeID"));
  const Snapshot& target = c.snapshot_or_fail(p.req_int("snapshotID"));
  if (target.volume_id != v.id)
    fail("xSnapshotIDDoesNotExist", "SnapshotID " + std::to_string(target.id) + " does not exist on volumeID " +
                                        std::to_string(v.id) + ".");
  // "false"/false/absent = discard the current image; true = snapshot it first.
  const bool save = p.opt_bool("saveCurrentState").value_or(false);
  json::Ptr r = json::object();
  if (save) {
    auto n = p.opt_string("name", true);
    std::string name = n ? *n : target.name + "-copy";
    std::string attrs = attributes_text(p.opt_object("attributes"));
    check_snapshot_room(c, v);
    Snapshot& s = make_snapshot(c, v, std::move(name), call.now);  // std::map: `target` stays valid
    s.attributes = std::move(attrs);
    rollback(c, v, target);
    json::add_str(r.get(), "checksum", target.checksum);
    json::add_int(r.get(), "snapshotID", s.id);
    json::add(r.get(), "snapshot", c.snapshot_json(s));
  } else {
    rollback(c, v, target);
    json::add_str(r.get(), "checksum", target.checksum);
    json::add_null(r.get(), "snapshotID");
    json::add_null(r.get(), "snapshot");
  }
  return r;
}

// ------------------------------------------------------------------ group snapshots

std::vector<int64_t> group_volume_ids(const Cluster& c, const Params& p) {
  auto ids = p.opt_int_array("volumes");
  if (!ids || ids->empty()) fail_missing("volumes");
  std::vector<int64_t> out;
  std::set<int64_t> seen;
  for (int64_t id : *ids) {
    if (seen.insert(id).second) out.push_back(id);
  }
  if (static_cast<int64_t>(out.size()) > c.opts.volumes_per_group_snapshot_max)
    fail("xExceededLimit", "Exceeded max number of volumes per group snapshot. limit=" +
                               std::to_string(c.opts.volumes_per_group_snapshot_max));
  return out;
}

json::Ptr group_result(Cluster& c, const GroupSnapshot& g) {
  json::Ptr r = json::object();
  json::add_int(r.get(), "groupSnapshotID", g.id);
  json::add(r.get(), "groupSnapshot", c.group_snapshot_json(g));
  cJSON* members = json::add_arr(r.get(), "members");
  for (int64_t sid : g.members) {
    const Snapshot& s = c.snapshots.at(sid);
    json::Ptr m = json::object();
    json::add_int(m.get(), "volumeID", s.volume_id);
    json::add_int(m.get(), "snapshotID", s.id);
    json::add_str(m.get(), "checksum", s.checksum);
    json::add_str(m.get(), "snapshotUUID", s.uuid);
    json::push(members, m.release());
  }
  return r;
}

GroupSnapshot& make_group(Cluster& c, const std::vector<Volume*>& vols, std::string name, std::string attrs,
                          bool repl, int64_t expires, int64_t now) {
  GroupSnapshot g;
  g.id = c.next_group_snapshot_id++;
  g.uuid = c.rng.uuid();
  g.name = name;
  g.attributes = attrs;
  g.create_time = now;
  g.enable_remote_replication = repl;
  for (Volume* v : vols) {
    Snapshot& s = make_snapshot(c, *v, name, now);  // members carry the group's name
    s.group_id = g.id;
    s.group_uuid = g.uuid;
    s.enable_remote_replication = repl;
    s.expiration_time = expires;
    s.attributes = attrs;
    g.members.push_back(s.id);
  }
  return c.group_snapshots.emplace(g.id, std::move(g)).first->second;
}

json::Ptr create_group_snapshot(Cluster& c, const Params& p, const CallInfo& call) {
  const std::vector<int64_t> ids = group_volume_ids(c, p);
  std::vector<Volume*> vols;
  for (int64_t id : ids) vols.push_back(&live_volume(c, id));
  std::string name = snapshot_name_param(p, "name", call.now);
  const bool repl = p.opt_bool("enableRemoteReplication").value_or(false);
  const int64_t expires = expiration_param(p, call.now);
  std::string attrs = attributes_text(p.opt_object("attributes"));
  for (Volume* v : vols) check_snapshot_room(c, *v);
  const GroupSnapshot& g = make_group(c, vols, std::move(name), std::move(attrs), repl, expires, call.now);
  return group_result(c, g);
}

json::Ptr delete_group_snapshot(Cluster& c, const Params& p, const CallInfo&) {
  GroupSnapshot& g = c.group_snapshot_or_fail(p.req_int("groupSnapshotID"));
  // Absent saveMembers (Cinder) = false: the member snapshots go too.
  const bool save = p.opt_bool("saveMembers").value_or(false);
  const std::vector<int64_t> members = g.members;
  const int64_t gid = g.id;
  for (int64_t sid : members) {
    if (save) {
      Snapshot& s = c.snapshots.at(sid);
      s.group_id = 0;
      s.group_uuid.clear();
    } else {
      c.delete_snapshot(sid);
    }
  }
  c.group_snapshots.erase(gid);
  return json::object();
}

json::Ptr list_group_snapshots(Cluster& c, const Params& p, const CallInfo&) {
  json::Ptr r = json::object();
  cJSON* arr = json::add_arr(r.get(), "groupSnapshots");
  std::optional<std::set<int64_t>> vols;
  if (auto v = p.opt_int_array("volumes"); v && !v->empty()) vols.emplace(v->begin(), v->end());
  auto emit = [&](const GroupSnapshot& g) {
    if (vols) {
      bool any = false;
      for (int64_t sid : g.members) any = any || vols->count(c.snapshots.at(sid).volume_id) != 0;
      if (!any) return;
    }
    json::push(arr, c.group_snapshot_json(g));
  };
  if (auto gid = p.opt_int("groupSnapshotID", true)) {
    emit(c.group_snapshot_or_fail(*gid));
    return r;
  }
  for (const auto& [id, g] : c.group_snapshots) emit(g);
  return r;
}

json::Ptr rollback_to_group_snapshot(Cluster& c, const Params& p, const CallInfo& call) {
  GroupSnapshot& g = c.group_snapshot_or_fail(p.req_int("groupSnapshotID"));
  const bool save = p.opt_bool("saveCurrentState").value_or(false);
  std::vector<Volume*> vols;
  for (int64_t sid : g.members) vols.push_back(&live_volume(c, c.snapshots.at(sid).volume_id));
  const std::vector<int64_t> members = g.members;
  json::Ptr r;
  if (save) {
    for (Volume* v : vols) check_snapshot_room(c, *v);
    auto n = p.opt_string("name", true);
    std::string name = n ? *n : g.name + "-copy";
    std::string attrs = attributes_text(p.opt_object("attributes"));
    const GroupSnapshot& saved = make_group(c, vols, std::move(name), std::move(attrs), false, 0, call.now);
    r = group_result(c, saved);
  } else {
    r = json::object();
  }
  for (size_t i = 0; i < members.size(); ++i) rollback(c, *vols[i], c.snapshots.at(members[i]));
  return r;
}

}  // namespace

void register_snapshot_methods(Registry& r) {
  r.add("CreateSnapshot", {6, 0}, create_snapshot, kMutating);
  r.add("DeleteSnapshot", {6, 0}, delete_snapshot, kMutating);
  r.add("ListSnapshots", {6, 0}, list_snapshots);
  r.add("ModifySnapshot", {8, 0}, modify_snapshot, kMutating);
  r.add("RollbackToSnapshot", {6, 0}, rollback_to_snapshot, kMutating);
  r.add("CreateGroupSnapshot", {7, 0}, create_group_snapshot, kMutating);
  r.add("DeleteGroupSnapshot", {7, 0}, delete_group_snapshot, kMutating);
  r.add("ListGroupSnapshots", {7, 0}, list_group_snapshots);
  r.add("RollbackToGroupSnapshot", {7, 0}, rollback_to_group_snapshot, kMutating);
}

}  // namespace element_sim
