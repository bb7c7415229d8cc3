// Volume methods: CreateVolume, DeleteVolume, PurgeDeletedVolume, ListVolumes, ListActiveVolumes,
// ListDeletedVolumes, ListVolumesForAccount, GetVolumeStats.
#include <algorithm>
#include <functional>
#include <set>

#include "cluster_state.h"
#include "common.h"
#include "rpc.h"

namespace element_sim {

namespace {

constexpr int64_t kMiB = 1048576;
constexpr int64_t kVolumeSizeMin = 1000000000;
constexpr int64_t kVolumeSizeMax = 17592186044416;
constexpr int64_t kListVolumesDefaultLimit = 10000;

struct QosLimits {
  const char* member;
  int64_t lo, hi;
};
constexpr QosLimits kMinIops{"minIOPS", 50, 15000};
constexpr QosLimits kMaxIops{"maxIOPS", 100, 200000};
constexpr QosLimits kBurstIops{"burstIOPS", 100, 200000};

// Applies a (possibly partial) qos request object onto `base` and validates the result.
Qos apply_qos(Qos base, const cJSON* qos) {
  if (qos == nullptr) return base;
  Params q(qos);
  auto one = [&](const QosLimits& l, int64_t& field) {
    auto v = q.opt_int(l.member, true);  // 0 = not specified (Go zero value)
    if (!v) return;
    if (*v < l.lo || *v > l.hi)
      fail_invalid(std::string("qos.") + l.member,
                   std::to_string(*v) + " is outside " + std::to_string(l.lo) + ".." + std::to_string(l.hi));
    field = *v;
  };
  one(kMinIops, base.min_iops);
  one(kMaxIops, base.max_iops);
  one(kBurstIops, base.burst_iops);
  if (base.min_iops > base.max_iops)
    fail_invalid("qos.minIOPS", "minIOPS (" + std::to_string(base.min_iops) + ") must not exceed maxIOPS (" +
                                    std::to_string(base.max_iops) + ")");
  if (base.max_iops > base.burst_iops)
    fail_invalid("qos.maxIOPS", "maxIOPS (" + std::to_string(base.max_iops) + ") must not exceed burstIOPS (" +
                                    std::to_string(base.burst_iops) + ")");
  return base;
}

bool valid_access(std::string_view a) {
  return a == "readOnly" || a == "readWrite" || a == "locked" || a == "replicationTarget" ||
         a == "snapMirrorTarget";
}

json::Ptr volume_result(const Cluster& c, const Volume& v, bool with_id) {
  json::Ptr r = json::object();
  if (with_id) json::add_int(r.get(), "volumeID", v.id);
  json::add(r.get(), "volume", c.volume_json(v));
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
  if (requested < kVolumeSizeMin || requested > kVolumeSizeMax)
    fail_invalid("totalSize", std::to_string(requested) + " is outside " + std::to_string(kVolumeSizeMin) + ".." +
                                  std::to_string(kVolumeSizeMax));
  const int64_t size = (requested + kMiB - 1) / kMiB * kMiB;

  Volume v;
  v.qos = apply_qos(Qos{}, p.opt_object("qos"));
  v.attributes = attributes_text(p.opt_object("attributes"));
  v.enable512e = p.opt_bool("enable512e").value_or(false);
  v.enable_snapmirror = p.opt_bool("enableSnapMirrorReplication").value_or(false);
  if (auto access = p.opt_string("access", true)) {
    if (!valid_access(*access)) fail("xUnrecognizedEnumString", "Unrecognized enum string access=" + *access);
    if (*access != "readWrite" && *access != "snapMirrorTarget")
      fail_invalid("access", "CreateVolume accepts only snapMirrorTarget");
    v.access = *access;
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
  if (auto policy = p.opt_int("qosPolicyID", true))
    fail("xQoSPolicyDoesNotExist", "QoSPolicyID " + std::to_string(*policy) + " does not exist.");

  // Limits. Deleted-but-unpurged volumes count against the per-account limit.
  if (static_cast<int64_t>(account.volumes.size()) >= c.opts.volumes_per_account_max)
    fail("xExceededLimit", "Exceeded max number of volumes per account. accountID=" + std::to_string(account_id) +
                               " limit=" + std::to_string(c.opts.volumes_per_account_max));
  if (c.opts.volume_count_max > 0 && static_cast<int64_t>(c.volumes.size()) >= c.opts.volume_count_max)
    fail("xExceededLimit", "Exceeded max number of volumes. limit=" + std::to_string(c.opts.volume_count_max));
  const int64_t over_prov = static_cast<int64_t>(c.opts.max_provisioned_space) * 5;
  if (c.provisioned_bytes + size > over_prov)
    fail("xExceededLimit", "Exceeded maxOverProvisionableSpace: provisioned=" + std::to_string(c.provisioned_bytes) +
                               " requested=" + std::to_string(size) + " max=" + std::to_string(over_prov));

  v.id = c.next_volume_id++;
  v.name = std::move(name);
  v.account_id = account_id;
  v.total_size = size;
  v.create_time = call.now;
  v.uuid = c.rng.uuid();
  v.consistency_group_uuid = c.rng.uuid();
  v.status = VolumeStatus::active;
  const Volume& stored = c.insert_volume(std::move(v));
  return volume_result(c, stored, true);
}

// ------------------------------------------------------------------ DeleteVolume / PurgeDeletedVolume

json::Ptr delete_volume(Cluster& c, const Params& p, const CallInfo& call) {
  Volume& v = c.volume_or_fail(p.req_int("volumeID"));
  // Already deleted: idempotent success, deleteTime/purgeTime unchanged (README: GAP decisions).
  if (v.status != VolumeStatus::deleted) c.set_status(v, VolumeStatus::deleted, call.now);
  return volume_result(c, v, true);
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

// Visits ids >= start in ascending order from an ordered id set; stops when f returns false.
template <class F>
void scan(const std::set<int64_t>& ids, int64_t start, F&& f) {
  for (auto it = ids.lower_bound(start); it != ids.end(); ++it) {
    if (!f(*it)) return;
  }
}

// Ascending merge of several ordered id sets (ListVolumes with several accounts).
template <class F>
void scan_merged(const std::vector<const std::set<int64_t>*>& sets, int64_t start, F&& f) {
  std::vector<std::pair<std::set<int64_t>::const_iterator, std::set<int64_t>::const_iterator>> cur;
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

const std::set<int64_t>* status_set(const Cluster& c, std::string_view s) {
  static const std::set<int64_t> kEmpty;
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
    if (v != nullptr && matches(c, *v, f)) {
      json::push(arr, c.volume_json(*v));
      ++n;
    }
    return f.limit == 0 || n < f.limit;
  };
  if (f.ids) {
    std::set<int64_t> ids(f.ids->begin(), f.ids->end());
    scan(ids, f.start, visit);
  } else if (f.name) {
    auto it = c.volumes_by_name.find(*f.name);
    if (it != c.volumes_by_name.end()) scan(it->second, f.start, visit);
  } else if (f.accounts) {
    std::vector<const std::set<int64_t>*> sets;
    for (int64_t a : *f.accounts) {
      if (const Account* acc = c.find_account(a)) sets.push_back(&acc->volumes);
    }
    scan_merged(sets, f.start, visit);
  } else if (f.status) {
    scan(*status_set(c, *f.status), f.start, visit);
  } else if (f.paired && *f.paired) {
    scan(c.paired_volumes, f.start, visit);
  } else {
    for (auto it = c.volumes.lower_bound(f.start); it != c.volumes.end(); ++it) {
      if (!visit(it->first)) break;
    }
  }
  return r;
}

int64_t limit_param(const Params& p, int64_t dflt) {
  auto l = p.opt_int("limit", true);
  if (!l) return dflt;
  if (*l < 0) fail_invalid("limit", "must not be negative");
  return *l;
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

json::Ptr get_volume_stats(Cluster& c, const Params& p, const CallInfo& call) {
  const Volume& v = c.volume_or_fail(p.req_int("volumeID"));
  const int64_t blocks = v.total_size / kBlockSize;
  const int64_t nonzero = Cluster::volume_nonzero_blocks(v.total_size);
  json::Ptr r = json::object();
  cJSON* s = json::add_obj(r.get(), "volumeStats");
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
  json::add_str(s, "timestamp", iso8601(call.now));
  json::add_int(s, "totalLatencyUSec", 0);
  json::add_int(s, "unalignedReads", 0);
  json::add_int(s, "unalignedWrites", 0);
  cJSON* vags = json::add_arr(s, "volumeAccessGroups");
  for (int64_t g : v.access_groups) json::push_int(vags, g);
  json::add_int(s, "volumeID", v.id);
  json::add_int(s, "volumeSize", v.total_size);
  json::add_double(s, "volumeUtilization", 0);
  json::add_int(s, "writeBytes", 0);
  json::add_int(s, "writeLatencyUSec", 0);
  json::add_int(s, "writeOps", 0);
  json::add_int(s, "zeroBlocks", blocks - nonzero);
  return r;
}

}  // namespace

void register_volume_methods(Registry& r) {
  r.add("CreateVolume", {1, 0}, create_volume);
  r.add("DeleteVolume", {1, 0}, delete_volume);
  r.add("PurgeDeletedVolume", {1, 0}, purge_deleted_volume);
  r.add("ListVolumes", {8, 0}, list_volumes);
  r.add("ListActiveVolumes", {1, 0}, list_active_volumes);
  r.add("ListDeletedVolumes", {1, 0}, list_deleted_volumes);
  r.add("ListVolumesForAccount", {1, 0}, list_volumes_for_account);
  r.add("GetVolumeStats", {1, 0}, get_volume_stats);
}

}  // namespace element_sim
