#include "state_snapshot.h"

#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "cluster_state.h"
#include "fabric.h"
#include "json.h"

namespace element_sim {

namespace {

// ---------------------------------------------------------------- writing

// Integers beyond 2^53 do not survive cJSON's doubles: those are written as decimal strings.
constexpr int64_t kExactDouble = int64_t{1} << 53;

void put_int(cJSON* o, const char* k, int64_t v) {
  if (v > -kExactDouble && v < kExactDouble) {
    json::add_int(o, k, v);
  } else {
    json::add_str(o, k, std::to_string(v));
  }
}

void push_int(cJSON* arr, int64_t v) {
  if (v > -kExactDouble && v < kExactDouble) {
    json::push_int(arr, v);
  } else {
    json::push_str(arr, std::to_string(v));
  }
}

std::string hex64(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

template <class Ids>
void put_ids(cJSON* o, const char* k, const Ids& ids) {
  cJSON* arr = json::add_arr(o, k);
  for (int64_t id : ids) push_int(arr, id);
}

void put_qos(cJSON* o, const Qos& q) {
  cJSON* arr = json::add_arr(o, "qos");
  push_int(arr, q.min_iops);
  push_int(arr, q.max_iops);
  push_int(arr, q.burst_iops);
}

// Volumes are by far the most numerous objects and are written while every cluster lock is held:
// written as text (json::ObjectWriter), without a cJSON tree (~5x faster at 100k volumes).
void put_int(json::ObjectWriter& w, std::string_view k, int64_t v) {
  if (v > -kExactDouble && v < kExactDouble) {
    w.num(k, v);
  } else {
    w.str(k, std::to_string(v));
  }
}

template <class Ids>
std::string ids_text(const Ids& ids) {
  std::string out = "[";
  for (int64_t id : ids) {
    if (out.size() > 1) out.push_back(',');
    if (id > -kExactDouble && id < kExactDouble) {
      out += std::to_string(id);
    } else {
      out += "\"" + std::to_string(id) + "\"";
    }
  }
  out.push_back(']');
  return out;
}

void append_volume_state(std::string& out, const Volume& v) {
  json::ObjectWriter w(512 + v.name.size() + v.attributes.size());
  put_int(w, "id", v.id);
  put_int(w, "account", v.account_id);
  put_int(w, "size", v.total_size);
  put_int(w, "created", v.create_time);
  put_int(w, "deleted", v.delete_time);
  put_int(w, "purge", v.purge_time);
  w.str("name", v.name).str("attributes", v.attributes);
  w.str("uuid", hex64(v.uuid.hi) + hex64(v.uuid.lo));
  w.str("cgUuid", hex64(v.consistency_group_uuid.hi) + hex64(v.consistency_group_uuid.lo));
  w.str("access", v.access.c_str());
  w.raw("qos", ids_text(std::initializer_list<int64_t>{v.qos.min_iops, v.qos.max_iops, v.qos.burst_iops}));
  w.str("status", to_string(v.status)).boolean("enable512e", v.enable512e).boolean("snapMirror", v.enable_snapmirror);
  put_int(w, "fifo", v.fifo_size);
  put_int(w, "minFifo", v.min_fifo_size);
  w.raw("accessGroups", ids_text(v.access_groups));
  put_int(w, "qosPolicy", v.qos_policy_id);
  w.raw("snapshots", ids_text(v.snapshots));
  put_int(w, "cloneSource", v.clone_source);
  put_int(w, "cloneDoneMs", v.clone_done_ms);
  w.str("pair", v.pair_uuid);
  put_int(w, "written", v.written_blocks);
  put_int(w, "writeBytes", v.write_bytes);
  out += w.done();
}

cJSON* account_state(const Account& a) {
  json::Ptr o = json::object();
  cJSON* p = o.get();
  put_int(p, "id", a.id);
  json::add_str(p, "username", a.username);
  json::add_str(p, "initiatorSecret", a.initiator_secret);
  json::add_str(p, "targetSecret", a.target_secret);
  json::add_str(p, "attributes", a.attributes);
  json::add_str(p, "status", a.status);
  json::add_bool(p, "enableChap", a.enable_chap);
  return o.release();
}

cJSON* snapshot_state(const Snapshot& s) {
  json::Ptr o = json::object();
  cJSON* p = o.get();
  put_int(p, "id", s.id);
  put_int(p, "volume", s.volume_id);
  put_int(p, "group", s.group_id);
  put_int(p, "size", s.total_size);
  put_int(p, "created", s.create_time);
  put_int(p, "expires", s.expiration_time);
  json::add_str(p, "name", s.name);
  json::add_str(p, "uuid", s.uuid);
  json::add_str(p, "groupUuid", s.group_uuid);
  json::add_str(p, "checksum", s.checksum);
  json::add_str(p, "volumeName", s.volume_name);
  json::add_str(p, "attributes", s.attributes);
  json::add_str(p, "snapMirrorLabel", s.snap_mirror_label);
  json::add_bool(p, "remoteReplication", s.enable_remote_replication);
  put_int(p, "written", s.written_blocks);
  return o.release();
}

cJSON* group_snapshot_state(const GroupSnapshot& g) {
  json::Ptr o = json::object();
  cJSON* p = o.get();
  put_int(p, "id", g.id);
  put_int(p, "created", g.create_time);
  json::add_str(p, "name", g.name);
  json::add_str(p, "uuid", g.uuid);
  json::add_str(p, "attributes", g.attributes);
  json::add_bool(p, "remoteReplication", g.enable_remote_replication);
  put_ids(p, "members", g.members);
  return o.release();
}

cJSON* access_group_state(const AccessGroup& g) {
  json::Ptr o = json::object();
  cJSON* p = o.get();
  put_int(p, "id", g.id);
  json::add_str(p, "name", g.name);
  json::add_str(p, "attributes", g.attributes);
  cJSON* inits = json::add_arr(p, "initiators");
  for (const auto& i : g.initiators) json::push_str(inits, i);
  put_ids(p, "volumes", g.volumes);
  return o.release();
}

cJSON* qos_policy_state(const QosPolicy& q) {
  json::Ptr o = json::object();
  cJSON* p = o.get();
  put_int(p, "id", q.id);
  json::add_str(p, "name", q.name);
  put_qos(p, q.qos);
  put_ids(p, "volumes", q.volumes);
  return o.release();
}

cJSON* async_result_state(const AsyncResult& a) {
  json::Ptr o = json::object();
  cJSON* p = o.get();
  put_int(p, "handle", a.handle);
  put_int(p, "clone", a.clone_id);
  put_int(p, "volume", a.volume_id);
  put_int(p, "sourceVolume", a.source_volume_id);
  put_int(p, "createMs", a.create_ms);
  put_int(p, "completeMs", a.complete_ms);
  return o.release();
}

cJSON* cluster_state(const Cluster& c) {
  json::Ptr o = json::object();
  cJSON* p = o.get();
  put_int(p, "index", c.index);
  json::add_str(p, "rng", hex64(c.rng.state()));
  cJSON* next = json::add_obj(p, "next");
  put_int(next, "volume", c.next_volume_id);
  put_int(next, "account", c.next_account_id);
  put_int(next, "snapshot", c.next_snapshot_id);
  put_int(next, "groupSnapshot", c.next_group_snapshot_id);
  put_int(next, "accessGroup", c.next_vag_id);
  put_int(next, "initiator", c.next_initiator_id);
  put_int(next, "qosPolicy", c.next_qos_policy_id);
  put_int(next, "asyncHandle", c.next_async_handle);
  put_int(next, "clone", c.next_clone_id);
  put_int(next, "clusterPair", c.next_cluster_pair_id);
  put_int(p, "snapshotNonZeroBlocks", c.snapshot_nonzero_blocks);  // rebuilt on load; kept for older readers

  cJSON* arr = json::add_arr(p, "accounts");
  for (const auto& [id, a] : c.accounts) json::push(arr, account_state(a));
  std::string vols = "[";
  for (const auto& [id, v] : c.volumes) {
    if (vols.size() > 1) vols.push_back(',');
    append_volume_state(vols, v);
  }
  vols.push_back(']');
  json::add_raw(p, "volumes", vols);
  arr = json::add_arr(p, "snapshots");
  for (const auto& [id, s] : c.snapshots) json::push(arr, snapshot_state(s));
  arr = json::add_arr(p, "groupSnapshots");
  for (const auto& [id, g] : c.group_snapshots) json::push(arr, group_snapshot_state(g));
  arr = json::add_arr(p, "accessGroups");
  for (const auto& [id, g] : c.access_groups) json::push(arr, access_group_state(g));
  arr = json::add_arr(p, "initiatorIDs");  // [name, id] pairs: ids outlive VAG membership
  for (const auto& [name, id] : c.initiator_ids) {
    json::Ptr pair = json::array();
    json::push_str(pair.get(), name);
    push_int(pair.get(), id);
    json::push(arr, pair.release());
  }
  arr = json::add_arr(p, "qosPolicies");
  for (const auto& [id, q] : c.qos_policies) json::push(arr, qos_policy_state(q));
  arr = json::add_arr(p, "asyncResults");
  for (const auto& [h, a] : c.async_results) json::push(arr, async_result_state(a));
  return o.release();
}

cJSON* fabric_state(const Fabric& f) {
  json::Ptr o = json::object();
  cJSON* arr = json::add_arr(o.get(), "clusterPairs");
  for (const auto& cp : f.cluster_pairs) {
    json::Ptr e = json::object();
    cJSON* p = e.get();
    json::add_str(p, "uuid", cp.uuid);
    put_int(p, "clusterA", cp.cluster_a);
    put_int(p, "clusterB", cp.cluster_b);
    put_int(p, "idA", cp.id_a);
    put_int(p, "idB", cp.id_b);
    put_int(p, "rpcConnection", cp.rpc_connection_id);
    json::add_bool(p, "removedA", cp.removed_a);
    json::add_bool(p, "removedB", cp.removed_b);
    json::push(arr, e.release());
  }
  arr = json::add_arr(o.get(), "volumePairs");
  for (const auto& [uuid, vp] : f.volume_pairs) {
    json::Ptr e = json::object();
    cJSON* p = e.get();
    json::add_str(p, "uuid", vp.uuid);
    cJSON* sides = json::add_arr(p, "sides");
    for (const auto& s : vp.side) {
      json::Ptr side = json::object();
      put_int(side.get(), "cluster", s.cluster);
      put_int(side.get(), "volume", s.volume_id);
      json::add_str(side.get(), "name", s.name);
      put_int(side.get(), "state", s.state);
      json::add_bool(side.get(), "removed", s.removed);
      json::push(sides, side.release());
    }
    json::add_str(p, "mode", vp.mode);
    json::add_bool(p, "completed", vp.completed);
    json::add_bool(p, "pausedManual", vp.paused_manual);
    put_int(p, "pauseLimit", vp.pause_limit);
    put_int(p, "completeMs", vp.complete_ms);
    json::push(arr, e.release());
  }
  return o.release();
}

// ---------------------------------------------------------------- reading

[[noreturn]] void corrupt(const std::string& why) { throw std::runtime_error(why); }

// Typed member access; every miss names the member and the object it belongs to.
class Obj {
 public:
  Obj(const cJSON* o, std::string where) : o_(o), where_(std::move(where)) {
    if (!cJSON_IsObject(o_)) corrupt(where_ + " is not an object");
  }
  const cJSON* member(const char* k) const {
    const cJSON* m = cJSON_GetObjectItemCaseSensitive(o_, k);
    if (m == nullptr) corrupt(where_ + ": missing member '" + k + "'");
    return m;
  }
  int64_t i64(const char* k) const { return to_int(member(k), k); }
  // Members added after format 1 was first written: absent = their value before they existed.
  int64_t i64_or(const char* k, int64_t absent) const {
    const cJSON* m = cJSON_GetObjectItemCaseSensitive(o_, k);
    return m == nullptr ? absent : to_int(m, k);
  }
  std::string str(const char* k) const {
    const cJSON* m = member(k);
    if (!cJSON_IsString(m)) corrupt(where_ + ": member '" + k + "' is not a string");
    return m->valuestring;
  }
  bool boolean(const char* k) const {
    const cJSON* m = member(k);
    if (!cJSON_IsBool(m)) corrupt(where_ + ": member '" + k + "' is not a boolean");
    return cJSON_IsTrue(m) != 0;
  }
  const cJSON* arr(const char* k) const {
    const cJSON* m = member(k);
    if (!cJSON_IsArray(m)) corrupt(where_ + ": member '" + k + "' is not an array");
    return m;
  }
  std::vector<int64_t> ids(const char* k) const {
    std::vector<int64_t> out;
    const cJSON* el = nullptr;
    cJSON_ArrayForEach(el, arr(k)) out.push_back(to_int(el, k));
    return out;
  }
  Qos qos() const {
    const std::vector<int64_t> q = ids("qos");
    if (q.size() != 3) corrupt(where_ + ": member 'qos' must hold 3 numbers");
    return Qos{q[0], q[1], q[2]};
  }
  uint64_t hex(const char* k, size_t offset = 0) const {
    const std::string s = str(k);
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data() + std::min(offset, s.size()),
                                     s.data() + std::min(offset + 16, s.size()), v, 16);
    if (ec != std::errc() || ptr != s.data() + offset + 16) corrupt(where_ + ": member '" + k + "' is not hex");
    return v;
  }
  Uuid uuid(const char* k) const {
    if (str(k).size() != 32) corrupt(where_ + ": member '" + k + "' is not a 32-digit uuid");
    return Uuid{hex(k, 0), hex(k, 16)};
  }
  const std::string& where() const { return where_; }

  int64_t to_int(const cJSON* m, const char* k) const {
    if (cJSON_IsNumber(m)) {
      const double d = m->valuedouble;
      if (std::floor(d) == d && d > -static_cast<double>(kExactDouble) && d < static_cast<double>(kExactDouble))
        return static_cast<int64_t>(d);
    } else if (cJSON_IsString(m)) {
      const std::string_view s = m->valuestring;
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc() && ptr == s.data() + s.size() && !s.empty()) return v;
    }
    corrupt(where_ + ": member '" + k + "' is not an integer");
  }

 private:
  const cJSON* o_;
  std::string where_;
};

template <class F>
void each(const Obj& parent, const char* k, const std::string& what, F&& f) {
  const cJSON* el = nullptr;
  size_t i = 0;
  cJSON_ArrayForEach(el, parent.arr(k)) f(Obj(el, parent.where() + " " + what + "[" + std::to_string(i++) + "]"));
}

VolumeStatus status_of(const Obj& o) {
  const std::string s = o.str("status");
  for (VolumeStatus v : {VolumeStatus::init, VolumeStatus::active, VolumeStatus::deleted}) {
    if (s == to_string(v)) return v;
  }
  corrupt(o.where() + ": unknown volume status '" + s + "'");
}

Access access_of(const Obj& o) {
  const std::string s = o.str("access");
  const Access a(s);
  if (s != a.c_str()) corrupt(o.where() + ": unknown access '" + s + "'");
  return a;
}

template <class Map, class T>
void insert_unique(Map& m, int64_t id, T&& value, const Obj& o) {
  if (!m.emplace(id, std::forward<T>(value)).second) corrupt(o.where() + ": duplicate id " + std::to_string(id));
}

void load_cluster(const Obj& o, Cluster& c) {
  if (o.i64("index") != c.index) corrupt(o.where() + ": clusters out of order");
  // Accounts first: insert_volume adds each volume to its account's list.
  each(o, "accounts", "account", [&](const Obj& e) {
    Account a;
    a.id = e.i64("id");
    a.username = e.str("username");
    a.initiator_secret = e.str("initiatorSecret");
    a.target_secret = e.str("targetSecret");
    a.attributes = e.str("attributes");
    a.status = e.str("status");
    a.enable_chap = e.boolean("enableChap");
    if (c.find_account(a.id) != nullptr) corrupt(e.where() + ": duplicate id " + std::to_string(a.id));
    if (!c.account_by_name.emplace(a.username, a.id).second) corrupt(e.where() + ": duplicate username");
    c.insert_account(std::move(a));
  });
  each(o, "volumes", "volume", [&](const Obj& e) {
    Volume v;
    v.id = e.i64("id");
    v.account_id = e.i64("account");
    v.total_size = e.i64("size");
    v.create_time = e.i64("created");
    v.delete_time = e.i64("deleted");
    v.purge_time = e.i64("purge");
    v.name = e.str("name");
    v.attributes = e.str("attributes");
    v.uuid = e.uuid("uuid");
    v.consistency_group_uuid = e.uuid("cgUuid");
    v.access = access_of(e);
    v.qos = e.qos();
    v.status = status_of(e);
    v.enable512e = e.boolean("enable512e");
    v.enable_snapmirror = e.boolean("snapMirror");
    v.fifo_size = e.i64("fifo");
    v.min_fifo_size = e.i64("minFifo");
    v.access_groups = e.ids("accessGroups");
    v.qos_policy_id = e.i64("qosPolicy");
    for (int64_t s : e.ids("snapshots")) v.snapshots.insert(s);
    v.clone_source = e.i64("cloneSource");
    v.clone_done_ms = e.i64("cloneDoneMs");
    v.pair_uuid = e.str("pair");
    v.written_blocks = e.i64_or("written", kModelWritten);
    v.write_bytes = e.i64_or("writeBytes", 0);
    if (v.written_blocks < kModelWritten || v.written_blocks > v.total_size / kBlockSize || v.write_bytes < 0)
      corrupt(e.where() + ": written data outside 0..totalSize");
    if (c.find_volume(v.id) != nullptr) corrupt(e.where() + ": duplicate id " + std::to_string(v.id));
    // insert_volume maintains the name/status/account indexes and the capacity sums; the queues
    // below are what CloneVolume, DeleteVolume and CompleteVolumePairing add besides.
    const Volume& stored = c.insert_volume(std::move(v));
    if (stored.status == VolumeStatus::deleted) c.purge_queue.insert({stored.purge_time, stored.id});
    if (stored.clone_source != 0) {
      c.clone_queue.insert({stored.clone_done_ms, stored.id});
      ++c.clones_in_flight[stored.clone_source];
      ++c.clones_running;
    }
    if (!stored.pair_uuid.empty()) c.paired_volumes.insert(stored.id);
  });
  each(o, "snapshots", "snapshot", [&](const Obj& e) {
    Snapshot s;
    s.id = e.i64("id");
    s.volume_id = e.i64("volume");
    s.group_id = e.i64("group");
    s.total_size = e.i64("size");
    s.create_time = e.i64("created");
    s.expiration_time = e.i64("expires");
    s.name = e.str("name");
    s.uuid = e.str("uuid");
    s.group_uuid = e.str("groupUuid");
    s.checksum = e.str("checksum");
    s.volume_name = e.str("volumeName");
    s.attributes = e.str("attributes");
    s.snap_mirror_label = e.str("snapMirrorLabel");
    s.enable_remote_replication = e.boolean("remoteReplication");
    s.written_blocks = e.i64_or("written", kModelWritten);
    if (s.written_blocks < kModelWritten || s.written_blocks > s.total_size / kBlockSize)
      corrupt(e.where() + ": written data outside 0..totalSize");
    if (c.snapshots.count(s.id) != 0) corrupt(e.where() + ": duplicate id " + std::to_string(s.id));
    c.insert_snapshot(std::move(s));  // adds to snapshot_nonzero_blocks
  });
  each(o, "groupSnapshots", "group snapshot", [&](const Obj& e) {
    GroupSnapshot g;
    g.id = e.i64("id");
    g.create_time = e.i64("created");
    g.name = e.str("name");
    g.uuid = e.str("uuid");
    g.attributes = e.str("attributes");
    g.enable_remote_replication = e.boolean("remoteReplication");
    g.members = e.ids("members");
    insert_unique(c.group_snapshots, g.id, std::move(g), e);
  });
  each(o, "accessGroups", "access group", [&](const Obj& e) {
    AccessGroup g;
    g.id = e.i64("id");
    g.name = e.str("name");
    g.attributes = e.str("attributes");
    const cJSON* el = nullptr;
    cJSON_ArrayForEach(el, e.arr("initiators")) {
      if (!cJSON_IsString(el)) corrupt(e.where() + ": initiators must be strings");
      g.initiators.emplace_back(el->valuestring);
      c.initiator_vag[el->valuestring] = g.id;  // an initiator belongs to one VAG at most
    }
    for (int64_t v : e.ids("volumes")) g.volumes.insert(v);
    insert_unique(c.access_groups, g.id, std::move(g), e);
  });
  {
    const cJSON* el = nullptr;
    cJSON_ArrayForEach(el, o.arr("initiatorIDs")) {
      const cJSON* name = cJSON_GetArrayItem(el, 0);
      if (!cJSON_IsArray(el) || cJSON_GetArraySize(el) != 2 || !cJSON_IsString(name))
        corrupt(o.where() + ": initiatorIDs entries must be [name, id]");
      c.initiator_ids[name->valuestring] = o.to_int(cJSON_GetArrayItem(el, 1), "initiatorIDs");
    }
  }
  each(o, "qosPolicies", "QoS policy", [&](const Obj& e) {
    QosPolicy q;
    q.id = e.i64("id");
    q.name = e.str("name");
    q.qos = e.qos();
    for (int64_t v : e.ids("volumes")) q.volumes.insert(v);
    insert_unique(c.qos_policies, q.id, std::move(q), e);
  });
  each(o, "asyncResults", "async result", [&](const Obj& e) {
    AsyncResult a;
    a.handle = e.i64("handle");
    a.clone_id = e.i64("clone");
    a.volume_id = e.i64("volume");
    a.source_volume_id = e.i64("sourceVolume");
    a.create_ms = e.i64("createMs");
    a.complete_ms = e.i64("completeMs");
    insert_unique(c.async_results, a.handle, a, e);
  });
  const Obj next(o.member("next"), o.where() + " next");
  c.next_volume_id = next.i64("volume");
  c.next_account_id = next.i64("account");
  c.next_snapshot_id = next.i64("snapshot");
  c.next_group_snapshot_id = next.i64("groupSnapshot");
  c.next_vag_id = next.i64("accessGroup");
  c.next_initiator_id = next.i64("initiator");
  c.next_qos_policy_id = next.i64("qosPolicy");
  c.next_async_handle = next.i64("asyncHandle");
  c.next_clone_id = next.i64("clone");
  c.next_cluster_pair_id = next.i64("clusterPair");
  c.rng.set_state(o.hex("rng"));
}

void load_fabric(const Obj& o, Fabric& f) {
  const int64_t n = static_cast<int64_t>(f.clusters.size());
  auto cluster_ref = [n](const Obj& e, const char* k, bool optional) {
    const int64_t i = e.i64(k);
    if (i >= n || i < (optional ? -1 : 0)) corrupt(e.where() + ": member '" + k + "' names no cluster");
    return static_cast<int>(i);
  };
  each(o, "clusterPairs", "cluster pair", [&](const Obj& e) {
    Fabric::ClusterPair cp;
    cp.uuid = e.str("uuid");
    cp.cluster_a = cluster_ref(e, "clusterA", false);
    cp.cluster_b = cluster_ref(e, "clusterB", true);
    cp.id_a = e.i64("idA");
    cp.id_b = e.i64("idB");
    cp.rpc_connection_id = e.i64("rpcConnection");
    cp.removed_a = e.boolean("removedA");
    cp.removed_b = e.boolean("removedB");
    f.cluster_pairs.push_back(std::move(cp));
  });
  each(o, "volumePairs", "volume pair", [&](const Obj& e) {
    Fabric::VolumePair vp;
    vp.uuid = e.str("uuid");
    size_t i = 0;
    each(e, "sides", "side", [&](const Obj& s) {
      if (i >= 2) corrupt(e.where() + ": more than 2 sides");
      Fabric::VolumeSide& side = vp.side[i++];
      side.cluster = cluster_ref(s, "cluster", true);
      side.volume_id = s.i64("volume");
      side.name = s.str("name");
      side.state = static_cast<int>(s.i64("state"));
      side.removed = s.boolean("removed");
    });
    if (i != 2) corrupt(e.where() + ": needs 2 sides");
    vp.mode = e.str("mode");
    vp.completed = e.boolean("completed");
    vp.paused_manual = e.boolean("pausedManual");
    vp.pause_limit = e.i64("pauseLimit");
    vp.complete_ms = e.i64("completeMs");
    const std::string key = vp.uuid;
    if (!f.volume_pairs.emplace(key, std::move(vp)).second) corrupt(e.where() + ": duplicate uuid");
  });
}

}  // namespace

std::string save_state(Fabric& fabric, const SnapshotCover& cover) {
  json::Ptr doc = json::object();
  cJSON* p = doc.get();
  json::add_str(p, "kind", "element-sim state");
  put_int(p, "format", kSnapshotFormat);
  const Options& opts = fabric.clusters.front()->opts;
  json::add_str(p, "seed", std::to_string(opts.seed));  // uint64: as text
  put_int(p, "journalGeneration", static_cast<int64_t>(cover.generation));
  put_int(p, "journalRecords", static_cast<int64_t>(cover.records));
  cJSON* arr = json::add_arr(p, "clusters");
  for (const Cluster* c : fabric.clusters) json::push(arr, cluster_state(*c));
  {
    std::lock_guard lk(fabric.mu);
    json::add(p, "fabric", fabric_state(fabric));
  }
  return json::print(p) + "\n";
}

SnapshotCover load_state(std::string_view text, Fabric& fabric) {
  json::Ptr doc = json::parse(text);
  if (!doc) corrupt("not valid JSON (truncated or damaged)");
  const Obj o(doc.get(), "snapshot");
  if (o.str("kind") != "element-sim state") corrupt("not an element-sim state snapshot");
  const int64_t format = o.i64("format");
  if (format != kSnapshotFormat)
    corrupt("format " + std::to_string(format) + " is not supported (this build reads format " +
            std::to_string(kSnapshotFormat) + ")");
  const Options& opts = fabric.clusters.front()->opts;
  if (o.str("seed") != std::to_string(opts.seed))
    corrupt("written with --seed " + o.str("seed") + ", not " + std::to_string(opts.seed) +
            " (restart with the same --seed)");
  const cJSON* clusters = o.arr("clusters");
  if (cJSON_GetArraySize(clusters) != static_cast<int>(fabric.clusters.size()))
    corrupt("holds " + std::to_string(cJSON_GetArraySize(clusters)) + " clusters, this server has " +
            std::to_string(fabric.clusters.size()) + " (restart with the same --clusters)");
  SnapshotCover cover;
  const int64_t gen = o.i64("journalGeneration"), records = o.i64("journalRecords");
  if (gen < 0 || records < 0) corrupt("negative journal position");
  cover.generation = static_cast<uint64_t>(gen);
  cover.records = static_cast<uint64_t>(records);
  size_t i = 0;
  const cJSON* el = nullptr;
  cJSON_ArrayForEach(el, clusters) {
    load_cluster(Obj(el, "cluster " + std::to_string(i)), *fabric.clusters[i]);
    ++i;
  }
  load_fabric(Obj(o.member("fabric"), "fabric"), fabric);
  return cover;
}

}  // namespace element_sim
