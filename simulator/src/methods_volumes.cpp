// Volume methods: CreateVolume, DeleteVolume, PurgeDeletedVolume, ListVolumes, ListActiveVolumes,
// ListDeletedVolumes, ListVolumesForAccount, GetVolumeStats; and the simulator's fill (simulated writes).
#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <set>

#include "cluster_state.h"
#include "common.h"
#include "rpc.h"

namespace element_sim {

namespace {

constexpr int64_t kListVolumesDefaultLimit = 10000;

// `volume` only from kVolumeInResultsSince: older endpoints answer with the id (and curve) alone.
json::Ptr volume_result(const Cluster& c, const Volume& v, bool with_id, ApiVersion version) {
  json::Ptr r = json::object();
  if (with_id) json::add_int(r.get(), "volumeID", v.id);
  if (version >= kVolumeInResultsSince) json::add(r.get(), "volume", c.volume_json(v));
  json::add(r.get(), "curve", Cluster::curve_json());
  return r;
}

// ------------------------------------------------------------------ CreateVolume

json::Ptr create_volume(Cluster& c, const Params& p, const CallInfo& call) {
  std::string name = p.req_string("name");
  const int64_t account_id = p.req_int("accountID");
  const int64_t requested = p.req_int("totalSize");
  const size_t name_len = utf8_length(name);
  if (name_len < 1 || name_len > 64) fail_invalid("name", "volume names must be 1 to 64 characters");
  Account& account = c.account_or_fail(account_id);
  const int64_t size = volume_size_param(requested, "totalSize");

  Volume v;
  v.qos = apply_qos(Qos{}, p.opt_object("qos"));
  v.attributes = attributes_text(p.opt_object("attributes"));
  v.enable512e = p.opt_bool("enable512e").value_or(false);
  v.enable_snapmirror = p.opt_bool("enableSnapMirrorReplication").value_or(false);
  if (std::string access = access_param(p); !access.empty()) {
    if (access != "readWrite" && access != "snapMirrorTarget")
      fail_invalid("access", "CreateVolume accepts only snapMirrorTarget");
    v.access = Access(access);
  }
  if (auto scheme = p.opt_string("protectionScheme", true)) {
    if (*scheme != "singleHelix" && *scheme != "doubleHelix" && *scheme != "tripleHelix")
      fail("xUnrecognizedEnumString", "Unrecognized enum string protectionScheme=" + *scheme);
    if (*scheme != "doubleHelix") fail_invalid("protectionScheme", *scheme + " is not enabled on this cluster");
  }
  if (auto fifo = p.opt_int("fifoSize", true)) {
    if (*fifo < 1 || *fifo > 32) fail_invalid("fifoSize", "must be 1..32");
    v.fifo_size = *fifo;
  }
  if (auto min_fifo = p.opt_int("minFifoSize")) {
    if (*min_fifo < 0 || *min_fifo > v.fifo_size) fail_invalid("minFifoSize", "must be 0..fifoSize");
    v.min_fifo_size = *min_fifo;
  }
  QosPolicy* policy = nullptr;
  if (auto pid = p.opt_int("qosPolicyID", true)) {
    policy = &c.qos_policy_or_fail(*pid);
    if (qos_specified(p.opt_object("qos")))
      fail_invalid("qos", "qos and qosPolicyID are mutually exclusive");
    v.qos = policy->qos;
    if (!p.opt_bool("associateWithQoSPolicy").value_or(true)) policy = nullptr;
  }

  // Limits. Deleted-but-unpurged volumes count against the per-account limit.
  check_new_volume_limits(c, account, size);

  v.id = c.next_volume_id++;
  v.name = std::move(name);
  v.account_id = account_id;
  v.total_size = size;
  v.create_time = call.now;
  v.uuid = c.rng.uuid128();
  v.consistency_group_uuid = c.rng.uuid128();
  v.status = VolumeStatus::active;
  if (policy != nullptr) v.qos_policy_id = policy->id;
  const Volume& stored = c.insert_volume(std::move(v));
  if (policy != nullptr) policy->volumes.insert(stored.id);
  return volume_result(c, stored, true, call.version);
}

// ------------------------------------------------------------------ ModifyVolume

json::Ptr modify_volume(Cluster& c, const Params& p, const CallInfo& call) {
  Volume& v = c.volume_or_fail(p.req_int("volumeID"));
  // Validate everything first, then apply (a failed call changes nothing). `name`, `sliceCount`,
  // `enable512e` and other unknown members are ignored: volumes cannot be renamed.
  Account* new_account = nullptr;
  if (auto a = p.opt_int("accountID", true); a && *a != v.account_id) {
    new_account = &c.account_or_fail(*a);
    if (static_cast<int64_t>(new_account->volumes.size()) >= c.opts.volumes_per_account_max)
      fail("xExceededLimit", "Exceeded max number of volumes per account. accountID=" + std::to_string(*a) +
                                 " limit=" + std::to_string(c.opts.volumes_per_account_max));
  }
  const std::string access = access_param(p);
  std::optional<int64_t> new_size;
  if (auto t = p.opt_int("totalSize", true)) {
    if (*t < v.total_size) fail("xVolumeShrinkProhibited", "Lowering a volume size is not allowed.");
    const int64_t size = volume_size_param(*t, "totalSize");
    const int64_t over_prov = static_cast<int64_t>(c.opts.max_provisioned_space) * 5;
    if (size > v.total_size && c.provisioned_bytes + (size - v.total_size) > over_prov)
      fail("xExceededLimit", "Exceeded maxOverProvisionableSpace: provisioned=" + std::to_string(c.provisioned_bytes) +
                                 " requested=" + std::to_string(size - v.total_size) +
                                 " max=" + std::to_string(over_prov));
    new_size = size;
  }
  const cJSON* qos_obj = p.opt_object("qos");
  Qos qos = apply_qos(v.qos, qos_obj);
  std::optional<std::string> attrs;
  if (const cJSON* a = p.opt_object("attributes")) attrs = attributes_text(a);
  QosPolicy* policy = nullptr;
  bool dissociate = false;
  if (auto pid = p.opt_int("qosPolicyID", true)) {
    policy = &c.qos_policy_or_fail(*pid);
    if (qos_specified(qos_obj)) fail_invalid("qos", "qos and qosPolicyID are mutually exclusive");
    qos = policy->qos;
    if (!p.opt_bool("associateWithQoSPolicy").value_or(true)) {
      policy = nullptr;
      dissociate = true;
    }
  } else if (qos_specified(qos_obj) || p.opt_bool("associateWithQoSPolicy") == std::optional<bool>(false)) {
    dissociate = true;  // explicit QoS values detach the volume from its policy
  }
  std::optional<int64_t> fifo = p.opt_int("fifoSize", true);
  if (fifo && (*fifo < 1 || *fifo > 32)) fail_invalid("fifoSize", "must be 1..32");
  std::optional<int64_t> min_fifo = p.opt_int("minFifoSize");
  if (min_fifo && (*min_fifo < 0 || *min_fifo > fifo.value_or(v.fifo_size)))
    fail_invalid("minFifoSize", "must be 0..fifoSize");
  std::optional<bool> snapmirror = p.opt_bool("enableSnapMirrorReplication");

  // ---- apply ----
  if (new_account != nullptr) {
    if (Account* old = c.find_account(v.account_id)) old->volumes.erase(v.id);
    new_account->volumes.insert(v.id);
    v.account_id = new_account->id;
  }
  if (!access.empty()) v.access = Access(access);
  if (new_size) c.change_size(v, *new_size);
  v.qos = qos;
  if ((policy != nullptr || dissociate) && v.qos_policy_id != 0) {
    if (auto it = c.qos_policies.find(v.qos_policy_id); it != c.qos_policies.end()) it->second.volumes.erase(v.id);
    v.qos_policy_id = 0;
  }
  if (policy != nullptr) {
    v.qos_policy_id = policy->id;
    policy->volumes.insert(v.id);
  }
  if (attrs) v.attributes = std::move(*attrs);
  if (fifo) v.fifo_size = *fifo;
  if (min_fifo) v.min_fifo_size = *min_fifo;
  if (snapmirror) v.enable_snapmirror = *snapmirror;
  return volume_result(c, v, false, call.version);
}

// ------------------------------------------------------------------ CloneVolume / async results

json::Ptr clone_volume(Cluster& c, const Params& p, const CallInfo& call) {
  Volume& src = c.volume_or_fail(p.req_int("volumeID"));
  std::string name = p.req_string("name");
  const size_t name_len = utf8_length(name);
  if (name_len < 1 || name_len > 64) fail_invalid("name", "volume names must be 1 to 64 characters");
  if (src.status == VolumeStatus::deleted)
    fail("xVolumeIDDoesNotExist", "VolumeID " + std::to_string(src.id) + " does not exist.");
  const Snapshot* snap = nullptr;
  if (auto sid = p.opt_int("snapshotID", true)) {  // 0 = none (Go zero value)
    snap = &c.snapshot_or_fail(*sid);
    if (snap->volume_id != src.id)
      fail("xSnapshotIDDoesNotExist",
           "SnapshotID " + std::to_string(*sid) + " does not exist on volumeID " + std::to_string(src.id) + ".");
  }
  Account& account = c.account_or_fail(p.opt_int("newAccountID", true).value_or(src.account_id));
  int64_t size = snap != nullptr ? snap->total_size : src.total_size;
  if (auto ns = p.opt_int("newSize", true)) size = volume_size_param(*ns, "newSize");  // smaller is allowed
  std::string access = access_param(p);
  Qos qos = apply_qos(src.qos, p.opt_object("qos"));
  std::string attrs = src.attributes;  // inherited unless given
  if (const cJSON* a = p.opt_object("attributes")) attrs = attributes_text(a);
  const bool e512 = p.opt_bool("enable512e").value_or(src.enable512e);
  const bool snapmirror = p.opt_bool("enableSnapMirrorReplication").value_or(false);

  auto in_flight = c.clones_in_flight.find(src.id);
  if (in_flight != c.clones_in_flight.end() && in_flight->second >= c.opts.clone_jobs_per_volume_max)
    fail("xMaxClonesPerVolumeExceeded", "Exceeded max number of concurrent clones per volume. volumeID=" +
                                            std::to_string(src.id) +
                                            " limit=" + std::to_string(c.opts.clone_jobs_per_volume_max));
  if (c.clones_running >= c.opts.clone_jobs_per_cluster_max)
    fail("xMaxClonesPerNodeExceeded",
         "Exceeded max number of concurrent clones. limit=" + std::to_string(c.opts.clone_jobs_per_cluster_max));
  check_new_volume_limits(c, account, size);

  Volume v;
  v.id = c.next_volume_id++;
  v.name = std::move(name);
  v.account_id = account.id;
  v.total_size = size;
  v.create_time = call.now;
  v.uuid = c.rng.uuid128();
  v.consistency_group_uuid = c.rng.uuid128();
  v.qos = qos;
  v.attributes = std::move(attrs);
  v.enable512e = e512;
  v.enable_snapmirror = snapmirror;
  if (!access.empty()) {
    v.access = Access(access);
  } else {
    v.access = src.access == Access::replicationTarget ? Access(Access::readWrite) : src.access;
  }
  v.fifo_size = src.fifo_size;
  v.min_fifo_size = src.min_fifo_size;
  // The clone holds the source's (or the snapshot's) data, cut to its size when newSize is smaller.
  v.written_blocks = snap != nullptr ? snap->written_blocks : src.written_blocks;
  if (v.written_blocks != kModelWritten) v.written_blocks = std::min(v.written_blocks, size / kBlockSize);
  const int64_t src_id = src.id;
  const int64_t done_ms = call.now_ms + std::max<int64_t>(0, c.opts.clone_delay_ms);
  if (c.opts.clone_delay_ms > 0) {
    v.status = VolumeStatus::init;
    v.clone_source = src_id;
    v.clone_done_ms = done_ms;
  }
  const Volume& stored = c.insert_volume(std::move(v));
  if (stored.status == VolumeStatus::init) {
    c.clone_queue.insert({done_ms, stored.id});
    ++c.clones_in_flight[src_id];
    ++c.clones_running;
  }
  AsyncResult ar;
  ar.handle = c.next_async_handle++;
  ar.clone_id = c.next_clone_id++;
  ar.volume_id = stored.id;
  ar.source_volume_id = src_id;
  ar.create_ms = call.now_ms;
  ar.complete_ms = done_ms;
  c.async_results.emplace(ar.handle, ar);

  json::Ptr r = json::object();
  json::add_int(r.get(), "volumeID", stored.id);
  json::add_int(r.get(), "cloneID", ar.clone_id);
  json::add_int(r.get(), "asyncHandle", ar.handle);
  if (call.version >= kVolumeInResultsSince) json::add(r.get(), "volume", c.volume_json(stored));
  json::add(r.get(), "curve", Cluster::curve_json());
  return r;
}

void add_async_body(cJSON* o, const AsyncResult& ar, int64_t now_ms, bool list_form) {
  const bool done = now_ms >= ar.complete_ms;
  const int64_t last = done ? ar.complete_ms : now_ms;
  if (list_form) {
    json::add_int(o, "asyncResultID", ar.handle);
    json::add_bool(o, "completed", done);
    json::add_str(o, "createTime", iso8601(ar.create_ms / 1000));
    json::add_str(o, "lastUpdateTime", iso8601(last / 1000));
    json::add_str(o, "resultType", "Clone");
    json::add_bool(o, "success", done);
    cJSON* d = json::add_obj(o, "data");
    json::add_int(d, "cloneID", ar.clone_id);
    json::add_str(d, "message", done ? "Clone complete." : "Clone in progress.");
    json::add_int(d, "volumeID", ar.volume_id);
    return;
  }
  json::add_str(o, "status", done ? "complete" : "running");
  json::add_str(o, "resultType", "Clone");
  json::add_str(o, "createTime", iso8601(ar.create_ms / 1000));
  json::add_str(o, "lastUpdateTime", iso8601(last / 1000));
  if (done) {
    cJSON* res = json::add_obj(o, "result");
    json::add_int(res, "cloneID", ar.clone_id);
    json::add_str(res, "message", "Clone complete.");
    json::add_int(res, "volumeID", ar.volume_id);
  } else {
    cJSON* det = json::add_obj(o, "details");
    json::add_int(det, "cloneID", ar.clone_id);
    json::add_str(det, "message", "Clone in progress.");
    json::add_int(det, "volumeID", ar.volume_id);
    json::add_int(det, "sourceVolumeID", ar.source_volume_id);
  }
}

json::Ptr get_async_result(Cluster& c, const Params& p, const CallInfo& call) {
  const int64_t handle = p.req_int("asyncHandle");
  const bool keep = p.opt_bool("keepResult").value_or(false);
  auto it = c.async_results.find(handle);
  if (it == c.async_results.end())
    fail("xAsyncHandleDoesNotExist", "Async handle " + std::to_string(handle) + " does not exist.");
  json::Ptr r = json::object();
  add_async_body(r.get(), it->second, call.now_ms, false);
  if (call.now_ms >= it->second.complete_ms && !keep) c.async_results.erase(it);  // purge on read
  return r;
}

json::Ptr list_async_results(Cluster& c, const Params& p, const CallInfo& call) {
  std::optional<std::set<std::string>> types;
  if (const cJSON* t = p.get("asyncResultTypes")) {
    if (!cJSON_IsArray(t)) fail_invalid("asyncResultTypes", "expected an array of strings");
    types.emplace();
    const cJSON* el = nullptr;
    cJSON_ArrayForEach(el, t) {
      if (cJSON_IsString(el)) types->insert(el->valuestring);
    }
    if (types->empty()) types.reset();  // [] = no filter
  }
  json::Ptr r = json::object();
  cJSON* arr = json::add_arr(r.get(), "asyncHandles");
  if (types && types->count("Clone") == 0) return r;
  for (const auto& [h, ar] : c.async_results) {
    json::Ptr o = json::object();
    add_async_body(o.get(), ar, call.now_ms, true);
    json::push(arr, o.release());
  }
  return r;
}

// ------------------------------------------------------------------ RestoreDeletedVolume

json::Ptr restore_deleted_volume(Cluster& c, const Params& p, const CallInfo& call) {
  Volume& v = c.volume_or_fail(p.req_int("volumeID"));
  if (v.status != VolumeStatus::deleted)
    fail("xVolumeNotDeleted", "VolumeID " + std::to_string(v.id) + " is not deleted.");
  c.set_status(v, VolumeStatus::active, call.now);
  return json::object();
}

// ------------------------------------------------------------------ DeleteVolume / PurgeDeletedVolume

json::Ptr delete_volume(Cluster& c, const Params& p, const CallInfo& call) {
  Volume& v = c.volume_or_fail(p.req_int("volumeID"));
  // Already deleted: idempotent success, deleteTime/purgeTime unchanged (README: GAP decisions).
  if (v.status != VolumeStatus::deleted) c.set_status(v, VolumeStatus::deleted, call.now);
  return volume_result(c, v, true, call.version);
}

json::Ptr purge_deleted_volume(Cluster& c, const Params& p, const CallInfo&) {
  Volume& v = c.volume_or_fail(p.req_int("volumeID"));
  if (v.status != VolumeStatus::deleted)
    fail("xVolumeNotDeleted", "VolumeID " + std::to_string(v.id) +
                                  " is not deleted; call DeleteVolume before PurgeDeletedVolume.");
  c.purge_volume(v.id);
  return json::object();
}

// ------------------------------------------------------------------ listing

// Visits ids >= start in ascending order from an ordered id container (std::set, SortedIds, sorted
// vector); stops when f returns false.
template <class Ids, class F>
void scan(const Ids& ids, int64_t start, F&& f) {
  for (auto it = std::lower_bound(ids.begin(), ids.end(), start); it != ids.end(); ++it) {
    if (!f(*it)) return;
  }
}
template <class F>
void scan(const std::set<int64_t>& ids, int64_t start, F&& f) {
  for (auto it = ids.lower_bound(start); it != ids.end(); ++it) {
    if (!f(*it)) return;
  }
}
// The bitmap indexes: each step is a find-next-set-bit, independent of how many volumes exist.
template <class F>
void scan(const IdSet& ids, int64_t start, F&& f) {
  for (int64_t id = ids.next(start); id != IdSet::kNone; id = ids.next(id + 1)) {
    if (!f(id)) return;
  }
}

// Ascending merge of several ordered id sets (ListVolumes with several accounts).
template <class F>
void scan_merged(const std::vector<const SortedIds*>& sets, int64_t start, F&& f) {
  std::vector<std::pair<SortedIds::const_iterator, SortedIds::const_iterator>> cur;
  for (const auto* s : sets) cur.emplace_back(s->lower_bound(start), s->end());
  for (;;) {
    size_t best = cur.size();
    for (size_t i = 0; i < cur.size(); ++i) {
      if (cur[i].first != cur[i].second && (best == cur.size() || *cur[i].first < *cur[best].first)) best = i;
    }
    if (best == cur.size()) return;
    const int64_t id = *cur[best].first;
    for (auto& [b, e] : cur) {
      if (b != e && *b == id) ++b;
    }
    if (!f(id)) return;
  }
}

struct ListFilter {
  int64_t start = 0;
  int64_t limit = 0;  // 0 = unlimited
  std::optional<std::string> status;
  std::optional<std::set<int64_t>> accounts;
  std::optional<std::vector<int64_t>> ids;
  std::optional<std::string> name;
  std::optional<bool> paired;
};

bool matches(const Cluster& c, const Volume& v, const ListFilter& f) {
  if (f.status && *f.status != to_string(v.status)) return false;
  if (f.accounts && f.accounts->count(v.account_id) == 0) return false;
  if (f.name && *f.name != v.name) return false;
  if (f.paired && (c.paired_volumes.count(v.id) != 0) != *f.paired) return false;
  return true;
}

// A volume's fields span several cache lines that serialisation reads one after the other; in a
// large cluster they are not cached, so request them together to overlap the misses.
void prefetch(const Volume& v) {
  const char* p = reinterpret_cast<const char*>(&v);
  for (size_t off = 64; off < sizeof(Volume); off += 64) __builtin_prefetch(p + off);
  __builtin_prefetch(v.name.data());
}

const IdSet* status_set(const Cluster& c, std::string_view s) {
  static const IdSet kEmpty;
  if (s == "init") return &c.volumes_by_status[static_cast<int>(VolumeStatus::init)];
  if (s == "active") return &c.volumes_by_status[static_cast<int>(VolumeStatus::active)];
  if (s == "deleted") return &c.volumes_by_status[static_cast<int>(VolumeStatus::deleted)];
  return &kEmpty;  // creating, snapshotting: never reported by the simulator
}

// Chooses the most selective index, walks it in ascending id order from `start` and applies the
// remaining filters; cost is O(returned + rejected candidates of that index), never O(volumes).
json::Ptr list(Cluster& c, const ListFilter& f) {
  json::Ptr r = json::object();
  cJSON* arr = json::add_arr(r.get(), "volumes");
  int64_t n = 0;
  auto visit = [&](int64_t id) {
    if (f.limit != 0 && n >= f.limit) return false;
    const Volume* v = c.find_volume(id);
    if (v != nullptr) prefetch(*v);
    if (v != nullptr && matches(c, *v, f)) {
      json::push(arr, c.volume_json(*v));
      ++n;
    }
    return f.limit == 0 || n < f.limit;
  };
  if (f.ids) {
    std::vector<int64_t> ids = *f.ids;  // ascending, duplicates once
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    scan(ids, f.start, visit);
  } else if (f.name) {
    auto it = c.volumes_by_name.find(std::string_view(*f.name));
    if (it != c.volumes_by_name.end()) scan(it->second, f.start, visit);
  } else if (f.accounts) {
    std::vector<const SortedIds*> sets;
    for (int64_t a : *f.accounts) {
      if (const Account* acc = c.find_account(a)) sets.push_back(&acc->volumes);
    }
    scan_merged(sets, f.start, visit);
  } else if (f.status) {
    scan(*status_set(c, *f.status), f.start, visit);
  } else if (f.paired && *f.paired) {
    scan(c.paired_volumes, f.start, visit);
  } else {
    scan(c.live_volumes, f.start, visit);
  }
  return r;
}

int64_t limit_param(const Params& p, int64_t dflt) {
  auto l = p.opt_int("limit", true);
  if (!l) return dflt;
  if (*l < 0) fail_invalid("limit", "must not be negative");
  return *l;
}

// ListVolumes `protectionSchemes`: an array of scheme names (a lone string is one name; [] = no
// filter). Names outside the enum are xUnrecognizedEnumString, like volumeStatus. True when the
// filter admits doubleHelix volumes.
bool protection_schemes_match(const Params& p) {
  const cJSON* item = p.get("protectionSchemes");
  if (item == nullptr) return true;
  std::vector<std::string> names;
  if (cJSON_IsString(item)) {
    names.emplace_back(item->valuestring);
  } else if (cJSON_IsArray(item)) {
    const cJSON* el = nullptr;
    cJSON_ArrayForEach(el, item) {
      if (cJSON_IsNull(el)) continue;
      if (!cJSON_IsString(el)) fail_invalid("protectionSchemes", "expected an array of strings");
      names.emplace_back(el->valuestring);
    }
  } else {
    fail_invalid("protectionSchemes", "expected an array of strings");
  }
  bool double_helix = names.empty();
  for (const auto& n : names) {
    if (n != "singleHelix" && n != "doubleHelix" && n != "tripleHelix")
      fail("xUnrecognizedEnumString", "Unrecognized enum string protectionSchemes=" + n);
    if (n == "doubleHelix") double_helix = true;
  }
  return double_helix;
}

json::Ptr list_volumes(Cluster& c, const Params& p, const CallInfo&) {
  ListFilter f;
  f.start = p.opt_int("startVolumeID").value_or(0);
  f.limit = limit_param(p, kListVolumesDefaultLimit);
  if (auto s = p.opt_string("volumeStatus", true)) {
    if (*s != "creating" && *s != "snapshotting" && *s != "active" && *s != "deleted" && *s != "init")
      fail("xUnrecognizedEnumString", "Unrecognized enum string volumeStatus=" + *s);
    f.status = *s;
  }
  // Empty arrays are Go zero values: no filter.
  if (auto a = p.opt_int_array("accounts"); a && !a->empty()) f.accounts.emplace(a->begin(), a->end());
  if (auto ids = p.opt_int_array("volumeIDs"); ids && !ids->empty()) f.ids = std::move(ids);
  f.name = p.opt_string("volumeName", true);
  f.paired = p.opt_bool("isPaired");
  // Every simulated volume is doubleHelix (the only scheme CreateVolume enables).
  if (!protection_schemes_match(p)) {
    json::Ptr r = json::object();
    json::add_arr(r.get(), "volumes");
    return r;
  }
  return list(c, f);
}

json::Ptr list_active_volumes(Cluster& c, const Params& p, const CallInfo&) {
  ListFilter f;
  f.start = p.opt_int("startVolumeID").value_or(0);
  f.limit = limit_param(p, 0);
  f.status = "active";
  return list(c, f);
}

json::Ptr list_deleted_volumes(Cluster& c, const Params& p, const CallInfo&) {
  ListFilter f;
  f.start = p.opt_int("startVolumeID").value_or(0);
  f.limit = limit_param(p, 0);
  f.status = "deleted";
  return list(c, f);
}

json::Ptr list_volumes_for_account(Cluster& c, const Params& p, const CallInfo&) {
  const int64_t account_id = p.req_int("accountID");
  c.account_or_fail(account_id);
  ListFilter f;
  f.start = p.opt_int("startVolumeID").value_or(0);
  f.limit = limit_param(p, 0);
  f.accounts.emplace(std::set<int64_t>{account_id});
  return list(c, f);
}

// ------------------------------------------------------------------ GetVolumeStats

cJSON* volume_stats_json(const Volume& v, int64_t now);

json::Ptr get_volume_stats(Cluster& c, const Params& p, const CallInfo& call) {
  const Volume& v = c.volume_or_fail(p.req_int("volumeID"));
  json::Ptr r = json::object();
  json::add(r.get(), "volumeStats", volume_stats_json(v, call.now));
  return r;
}

// ListVolumeStats: GetVolumeStats for each of `volumeIDs` (required), in the order given; an unknown
// id fails the whole call (xVolumeIDDoesNotExist).
json::Ptr list_volume_stats(Cluster& c, const Params& p, const CallInfo& call) {
  auto ids = p.opt_int_array("volumeIDs");
  if (!ids || ids->empty()) fail_missing("volumeIDs");
  std::vector<const Volume*> vols;
  for (int64_t id : *ids) vols.push_back(&c.volume_or_fail(id));
  json::Ptr r = json::object();
  cJSON* arr = json::add_arr(r.get(), "volumeStats");
  for (const Volume* v : vols) json::push(arr, volume_stats_json(*v, call.now));
  return r;
}

// GetVolumeEfficiency from the capacity model (written blocks, 2x dedup, 2x compression). An empty
// volume counts as one written block: the ratio stays finite and grows as the volume empties.
json::Ptr get_volume_efficiency(Cluster& c, const Params& p, const CallInfo& call) {
  const Volume& v = c.volume_or_fail(p.req_int("volumeID"));
  const int64_t blocks = v.total_size / kBlockSize;
  const int64_t nonzero = std::max<int64_t>(1, Cluster::written_blocks(v));
  json::Ptr r = json::object();
  json::add_double(r.get(), "compression", 2.0);
  json::add_double(r.get(), "deduplication", 2.0);
  json::add_arr(r.get(), "missingVolumes");
  json::add_double(r.get(), "thinProvisioning", static_cast<double>(blocks) / static_cast<double>(nonzero));
  json::add_str(r.get(), "timestamp", iso8601(call.now));
  return r;
}

// ListSyncJobs: the clone jobs in progress (volumes still "init"), from their async results.
json::Ptr list_sync_jobs(Cluster& c, const Params&, const CallInfo& call) {
  json::Ptr r = json::object();
  cJSON* arr = json::add_arr(r.get(), "syncJobs");
  for (const auto& [handle, ar] : c.async_results) {
    const Volume* v = c.find_volume(ar.volume_id);
    if (v == nullptr || v->status != VolumeStatus::init || ar.complete_ms <= call.now_ms) continue;
    const int64_t span = ar.complete_ms - ar.create_ms;
    const int64_t elapsed = std::max<int64_t>(0, call.now_ms - ar.create_ms);
    const int64_t pct = span > 0 ? std::min<int64_t>(99, elapsed * 100 / span) : 0;
    json::Ptr j = json::object();
    json::add_int(j.get(), "blocksPerSecond", 0);
    json::add_int(j.get(), "cloneID", ar.clone_id);
    json::add_int(j.get(), "currentBytes", v->total_size / 100 * pct);
    json::add_int(j.get(), "dstServiceID", 1);
    json::add_int(j.get(), "dstVolumeID", ar.volume_id);
    json::add_double(j.get(), "elapsedTime", static_cast<double>(elapsed) / 1000.0);
    json::add_int(j.get(), "groupCloneID", 0);
    json::add_int(j.get(), "nodeID", 1);
    json::add_int(j.get(), "percentComplete", pct);
    json::add_double(j.get(), "remainingTime", static_cast<double>(ar.complete_ms - call.now_ms) / 1000.0);
    json::add_int(j.get(), "sliceID", ar.volume_id);
    json::add_int(j.get(), "srcServiceID", 1);
    json::add_int(j.get(), "srcVolumeID", ar.source_volume_id);
    json::add_str(j.get(), "stage", "data");
    json::add_int(j.get(), "totalBytes", v->total_size);
    json::add_str(j.get(), "type", "clone");
    json::push(arr, j.release());
  }
  return r;
}

cJSON* volume_stats_json(const Volume& v, int64_t now) {
  const int64_t blocks = v.total_size / kBlockSize;
  const int64_t nonzero = Cluster::written_blocks(v);
  json::Ptr holder = json::object();
  cJSON* s = holder.get();
  json::add_int(s, "accountID", v.account_id);
  json::add_int(s, "actualIOPS", 0);
  json::add_null(s, "asyncDelay");
  json::add_int(s, "averageIOPSize", 0);
  json::add_int(s, "burstIOPSCredit", 0);
  json::add_int(s, "clientQueueDepth", 0);
  json::add_null(s, "desiredMetadataHosts");
  json::add_int(s, "latencyUSec", 0);
  json::add_int(s, "nonZeroBlocks", nonzero);
  json::add_int(s, "readBytes", 0);
  json::add_int(s, "readLatencyUSec", 0);
  json::add_int(s, "readOps", 0);
  json::add_double(s, "throttle", 0);
  json::add_str(s, "timestamp", iso8601(now));
  json::add_int(s, "totalLatencyUSec", 0);
  json::add_int(s, "unalignedReads", 0);
  json::add_int(s, "unalignedWrites", 0);
  cJSON* vags = json::add_arr(s, "volumeAccessGroups");
  for (int64_t g : v.access_groups) json::push_int(vags, g);
  json::add_int(s, "volumeID", v.id);
  json::add_int(s, "volumeSize", v.total_size);
  json::add_double(s, "volumeUtilization", 0);
  json::add_int(s, "writeBytes", v.write_bytes);
  json::add_int(s, "writeLatencyUSec", 0);
  json::add_int(s, "writeOps", v.write_bytes / kBlockSize);  // fills write 4 KiB blocks
  json::add_int(s, "zeroBlocks", blocks - nonzero);
  return holder.release();
}

// ------------------------------------------------------------------ fill (simulated writes)

// Not an Element method: the fill control (Server::fill, POST /control/fill) dispatches it as an
// internal call so that it is locked, journalled and replayed like every other change. `bytes`
// (or `percent` of totalSize) is the data the volume holds afterwards, not an increment.
json::Ptr fill_volume(Cluster& c, const Params& p, const CallInfo&) {
  const int64_t id = p.req_int("volumeID");
  Volume* v = c.find_volume(id);
  if (v == nullptr) fail("xVolumeIDDoesNotExist", "VolumeID " + std::to_string(id) + " does not exist.");
  if (v->status == VolumeStatus::deleted)
    fail("xVolumeDeleted", "VolumeID " + std::to_string(id) + " is deleted: writes are refused (restore it first).");
  const int64_t size_blocks = v->total_size / kBlockSize;
  const cJSON* percent = p.get("percent");
  const std::optional<int64_t> bytes = p.opt_int("bytes");
  int64_t blocks = 0;
  if (bytes && percent != nullptr) fail_invalid("percent", "give bytes or percent, not both");
  if (bytes) {
    if (*bytes < 0 || *bytes > v->total_size)
      fail_invalid("bytes", std::to_string(*bytes) + " is outside 0.." + std::to_string(v->total_size) +
                                " (totalSize of volumeID " + std::to_string(id) + ")");
    blocks = (*bytes + kBlockSize - 1) / kBlockSize;
  } else if (percent != nullptr) {
    if (!cJSON_IsNumber(percent) || !(percent->valuedouble >= 0 && percent->valuedouble <= 100))
      fail_invalid("percent", "must be a number in 0..100");
    blocks = static_cast<int64_t>(std::ceil(static_cast<double>(size_blocks) * percent->valuedouble / 100.0));
    blocks = std::min(blocks, size_blocks);
  } else {
    fail_missing("bytes");
  }
  const int64_t before = Cluster::written_blocks(*v);
  c.set_written(*v, blocks);
  if (blocks > before) v->write_bytes += (blocks - before) * kBlockSize;
  json::Ptr r = json::object();
  json::add_int(r.get(), "volumeID", v->id);
  json::add_int(r.get(), "totalSize", v->total_size);
  json::add_int(r.get(), "nonZeroBlocks", blocks);
  json::add_int(r.get(), "zeroBlocks", size_blocks - blocks);
  json::add_int(r.get(), "writeBytes", v->write_bytes);
  return r;
}

}  // namespace

void register_volume_methods(Registry& r) {
  r.add("CreateVolume", {1, 0}, create_volume, kMutating);
  r.add("ModifyVolume", {1, 0}, modify_volume, kMutating);
  r.add("CloneVolume", {1, 0}, clone_volume, kMutating);
  r.add("GetAsyncResult", {1, 0}, get_async_result, kMutating);  // purges completed results on read
  r.add("ListAsyncResults", {9, 0}, list_async_results);
  r.add("RestoreDeletedVolume", {1, 0}, restore_deleted_volume, kMutating);
  r.add("DeleteVolume", {1, 0}, delete_volume, kMutating);
  r.add("PurgeDeletedVolume", {1, 0}, purge_deleted_volume, kMutating);
  r.add("ListVolumes", {8, 0}, list_volumes);
  r.add("ListActiveVolumes", {1, 0}, list_active_volumes);
  r.add("ListDeletedVolumes", {1, 0}, list_deleted_volumes);
  r.add("ListVolumesForAccount", {1, 0}, list_volumes_for_account);
  r.add("GetVolumeStats", {1, 0}, get_volume_stats);
  r.add("ListVolumeStats", {7, 0}, list_volume_stats);
  r.add("GetVolumeEfficiency", {6, 0}, get_volume_efficiency);
  r.add("ListSyncJobs", {1, 0}, list_sync_jobs);
  r.add(kFillMethod, {1, 0}, fill_volume, kMutating | kInternal);
}

}  // namespace element_sim
