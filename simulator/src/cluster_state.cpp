#include "cluster_state.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "rpc.h"

namespace element_sim {

uint64_t Rng::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::string Rng::alnum(size_t n, std::string_view alphabet) {
  std::string s;
  s.reserve(n);
  for (size_t i = 0; i < n; ++i) s.push_back(alphabet[next() % alphabet.size()]);
  return s;
}

std::string Rng::uuid() {
  uint64_t hi = next(), lo = next();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

const char* to_string(VolumeStatus s) {
  switch (s) {
    case VolumeStatus::init: return "init";
    case VolumeStatus::active: return "active";
    case VolumeStatus::deleted: return "deleted";
  }
  return "active";
}

std::string iso8601(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {
constexpr std::string_view kLowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
}

Cluster::Cluster(int idx, const Options& o, const std::string& address)
    : index(idx), opts(o), rng(o.seed * 0x2545F4914F6CDD1DULL + static_cast<uint64_t>(idx) + 1) {
  Rng identity(o.seed ^ (0xA5A5A5A55A5A5A5AULL + static_cast<uint64_t>(idx) * 0x100000001B3ULL));
  unique_id = identity.alnum(4, kLowerAlnum);
  uuid = identity.uuid();
  name = "element-sim-" + std::to_string(idx);
  mvip = address;
  svip = address;
}

Volume& Cluster::insert_volume(Volume v) {
  const int64_t id = v.id;
  volumes_by_name[v.name].insert(id);
  volumes_by_status[static_cast<int>(v.status)].insert(id);
  if (auto* a = find_account(v.account_id)) a->volumes.insert(id);
  provisioned_bytes += v.total_size;
  nonzero_blocks += volume_nonzero_blocks(v.total_size);
  return volumes.emplace(id, std::move(v)).first->second;
}

void Cluster::set_status(Volume& v, VolumeStatus s, int64_t now) {
  if (v.status == s) return;
  volumes_by_status[static_cast<int>(v.status)].erase(v.id);
  if (v.status == VolumeStatus::deleted) purge_queue.erase({v.purge_time, v.id});
  v.status = s;
  volumes_by_status[static_cast<int>(s)].insert(v.id);
  if (s == VolumeStatus::deleted) {
    v.delete_time = now;
    v.purge_time = now + opts.purge_delay_seconds;
    purge_queue.insert({v.purge_time, v.id});
  } else {
    v.delete_time = 0;
    v.purge_time = 0;
  }
}

void Cluster::purge_volume(int64_t id) {
  auto it = volumes.find(id);
  if (it == volumes.end()) return;
  Volume& v = it->second;
  auto n = volumes_by_name.find(v.name);
  if (n != volumes_by_name.end()) {
    n->second.erase(id);
    if (n->second.empty()) volumes_by_name.erase(n);
  }
  volumes_by_status[static_cast<int>(v.status)].erase(id);
  paired_volumes.erase(id);
  if (v.status == VolumeStatus::deleted) purge_queue.erase({v.purge_time, id});
  if (auto* a = find_account(v.account_id)) a->volumes.erase(id);
  provisioned_bytes -= v.total_size;
  nonzero_blocks -= volume_nonzero_blocks(v.total_size);
  volumes.erase(it);
}

void Cluster::auto_purge(int64_t now) {
  while (!purge_queue.empty() && purge_queue.begin()->first <= now) {
    purge_volume(purge_queue.begin()->second);
  }
}

Volume* Cluster::find_volume(int64_t id) {
  auto it = volumes.find(id);
  return it == volumes.end() ? nullptr : &it->second;
}

Account* Cluster::find_account(int64_t id) {
  auto it = accounts.find(id);
  return it == accounts.end() ? nullptr : &it->second;
}

Volume& Cluster::volume_or_fail(int64_t id) {
  if (auto* v = find_volume(id)) return *v;
  fail("xVolumeIDDoesNotExist", "VolumeID " + std::to_string(id) + " does not exist.");
}

Account& Cluster::account_or_fail(int64_t id) {
  if (auto* a = find_account(id)) return *a;
  fail("xAccountIDDoesNotExist", "AccountID " + std::to_string(id) + " does not exist.");
}

std::string Cluster::iqn(const Volume& v) const {
  std::string lower = v.name;
  for (auto& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return "iqn.2010-01.com.solidfire:" + unique_id + "." + lower + "." + std::to_string(v.id);
}

int64_t Cluster::volume_nonzero_blocks(int64_t total_size) {
  // Capacity model: every volume is 1/8 written.
  return (total_size / kBlockSize + 7) / 8;
}

cJSON* Cluster::curve_json() {
  static const std::pair<const char*, int64_t> kCurve[] = {
      {"4096", 100},    {"8192", 160},     {"16384", 270},    {"32768", 500},     {"65536", 1000},
      {"131072", 1950}, {"262144", 3900},  {"524288", 7600},  {"1048576", 15000},
  };
  json::Ptr c = json::object();
  for (const auto& [k, v] : kCurve) json::add_int(c.get(), k, v);
  return c.release();
}

cJSON* Cluster::qos_json(const Qos& q) {
  json::Ptr o = json::object();
  json::add_int(o.get(), "minIOPS", q.min_iops);
  json::add_int(o.get(), "maxIOPS", q.max_iops);
  json::add_int(o.get(), "burstIOPS", q.burst_iops);
  json::add_int(o.get(), "burstTime", kBurstTime);
  json::add(o.get(), "curve", curve_json());
  return o.release();
}

cJSON* Cluster::volume_json(const Volume& v) const {
  serialized.fetch_add(1, std::memory_order_relaxed);
  char u[9], vid[9];
  std::snprintf(u, sizeof u, "%02x%02x%02x%02x", static_cast<unsigned char>(unique_id[0]),
                static_cast<unsigned char>(unique_id[1]), static_cast<unsigned char>(unique_id[2]),
                static_cast<unsigned char>(unique_id[3]));
  std::snprintf(vid, sizeof vid, "%08llx", static_cast<unsigned long long>(v.id) & 0xFFFFFFFFULL);

  json::Ptr o = json::object();
  cJSON* p = o.get();
  json::add_int(p, "volumeID", v.id);
  json::add_str(p, "name", v.name);
  json::add_int(p, "accountID", v.account_id);
  json::add_str(p, "createTime", iso8601(v.create_time));
  json::add_str(p, "volumeUUID", v.uuid);
  json::add_str(p, "volumeConsistencyGroupUUID", v.consistency_group_uuid);
  json::add_bool(p, "enableSnapMirrorReplication", v.enable_snapmirror);
  json::add_str(p, "status", to_string(v.status));
  json::add_str(p, "access", v.access);
  json::add_bool(p, "enable512e", v.enable512e);
  json::add_str(p, "iqn", iqn(v));
  json::add_str(p, "scsiEUIDeviceID", std::string(u) + vid + "f47acc01" + "00000000");
  json::add_str(p, "scsiNAADeviceID", std::string("6f47acc1") + "00000000" + u + vid);
  json::add(p, "qos", qos_json(v.qos));
  json::add_null(p, "qosPolicyID");
  cJSON* vags = json::add_arr(p, "volumeAccessGroups");
  for (int64_t g : v.access_groups) json::push_int(vags, g);
  json::add_arr(p, "volumePairs");
  json::add_str(p, "deleteTime", v.delete_time ? iso8601(v.delete_time) : "");
  json::add_str(p, "purgeTime", v.purge_time ? iso8601(v.purge_time) : "");
  json::add_null(p, "lastAccessTime");
  json::add_null(p, "lastAccessTimeIO");
  json::add_int(p, "sliceCount", 1);
  json::add_int(p, "totalSize", v.total_size);
  json::add_int(p, "blockSize", kBlockSize);
  json::add_null(p, "virtualVolumeID");
  json::add_raw(p, "attributes", v.attributes);
  json::add_str(p, "currentProtectionScheme", v.protection_scheme);
  json::add_null(p, "previousProtectionScheme");
  json::add_int(p, "fifoSize", v.fifo_size);
  json::add_int(p, "minFifoSize", v.min_fifo_size);
  return o.release();
}

cJSON* Cluster::account_json(const Account& a) const {
  json::Ptr o = json::object();
  cJSON* p = o.get();
  json::add_int(p, "accountID", a.id);
  json::add_str(p, "username", a.username);
  json::add_str(p, "status", a.status);
  cJSON* vols = json::add_arr(p, "volumes");
  for (int64_t id : a.volumes) json::push_int(vols, id);
  json::add_str(p, "initiatorSecret", a.initiator_secret);
  json::add_str(p, "targetSecret", a.target_secret);
  json::add_raw(p, "attributes", a.attributes);
  json::add_str(p, "storageContainerID", "00000000-0000-0000-0000-000000000000");
  json::add_bool(p, "enableChap", a.enable_chap);
  return o.release();
}

void Cluster::count_rpc(const std::string& method) {
  std::lock_guard lk(count_mu_);
  ++rpc_total_;
  if (!method.empty()) ++rpc_counts_[method];
}

uint64_t Cluster::rpc_count(const std::string& method) const {
  std::lock_guard lk(count_mu_);
  auto it = rpc_counts_.find(method);
  return it == rpc_counts_.end() ? 0 : it->second;
}

uint64_t Cluster::rpc_total() const {
  std::lock_guard lk(count_mu_);
  return rpc_total_;
}

void Cluster::reset_counts() {
  std::lock_guard lk(count_mu_);
  rpc_counts_.clear();
  rpc_total_ = 0;
  serialized.store(0);
}

}  // namespace element_sim
