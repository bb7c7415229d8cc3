#include "cluster_state.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <type_traits>

#include "fabric.h"
#include "rpc.h"

namespace element_sim {

namespace {

// Dense id -> object slot tables (Cluster::volume_slots / account_slots). Ids are allocated in
// increasing order, so an id beyond kMaxSlot is never followed by a smaller new one: such ids stay
// out of the table and are found through the map (find_* falls back for ids >= size()).
constexpr int64_t kMaxSlot = int64_t{1} << 28;

template <class T>
void set_slot(std::vector<T*>& slots, int64_t id, std::type_identity_t<T>* p) {
  if (id < 0 || id >= kMaxSlot) return;
  const auto i = static_cast<size_t>(id);
  if (i >= slots.size()) {
    if (p == nullptr) return;
    slots.resize(i + 1, nullptr);
  }
  slots[i] = p;
}

}  // namespace

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

Uuid Rng::uuid128() {
  Uuid u;
  u.hi = next();
  u.lo = next();
  u.hi = (u.hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  u.lo = (u.lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  return u;
}

std::string Rng::uuid() { return uuid128().str(); }

void SortedIds::insert(int64_t id) {
  if (v_.empty() || v_.back() < id) {
    v_.push_back(id);
    return;
  }
  auto it = std::lower_bound(v_.begin(), v_.end(), id);
  if (it == v_.end() || *it != id) v_.insert(it, id);
}

void SortedIds::erase(int64_t id) {
  auto it = std::lower_bound(v_.begin(), v_.end(), id);
  if (it != v_.end() && *it == id) v_.erase(it);
}

size_t SortedIds::count(int64_t id) const { return std::binary_search(v_.begin(), v_.end(), id) ? 1 : 0; }

SortedIds::const_iterator SortedIds::lower_bound(int64_t id) const { return std::lower_bound(v_.begin(), v_.end(), id); }

// Level k+1 has a bit per word of level k, set while that word is non-zero. The id bitmap grows
// geometrically and the (64x smaller) summary levels are rebuilt then: amortised O(1) per insert.
void IdSet::grow(size_t words) {
  if (!levels_.empty() && words <= levels_[0].size()) return;
  const size_t cap = static_cast<size_t>(kMaxSlot) / 64;
  size_t n = levels_.empty() ? 16 : levels_[0].size() * 2;
  n = std::min(std::max(n, words), cap);
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].resize(n, 0);
  levels_.resize(1);
  while (levels_.back().size() > 1) {
    const std::vector<uint64_t>& below = levels_.back();
    std::vector<uint64_t> up((below.size() + 63) / 64, 0);
    for (size_t w = 0; w < below.size(); ++w) {
      if (below[w] != 0) up[w >> 6] |= uint64_t{1} << (w & 63);
    }
    levels_.push_back(std::move(up));
  }
}

void IdSet::insert(int64_t id) {
  if (id < 0 || id >= kMaxSlot) {
    if (outside_.insert(id).second) ++size_;
    return;
  }
  auto bit = static_cast<uint64_t>(id);
  grow(static_cast<size_t>(bit >> 6) + 1);
  uint64_t& w = levels_[0][bit >> 6];
  const uint64_t mask = uint64_t{1} << (bit & 63);
  if ((w & mask) != 0) return;
  ++size_;
  bool was_empty = w == 0;
  w |= mask;
  for (size_t k = 1; was_empty && k < levels_.size(); ++k) {
    bit >>= 6;
    uint64_t& up = levels_[k][bit >> 6];
    was_empty = up == 0;
    up |= uint64_t{1} << (bit & 63);
  }
}

void IdSet::erase(int64_t id) {
  if (id < 0 || id >= kMaxSlot) {
    size_ -= outside_.erase(id);
    return;
  }
  auto bit = static_cast<uint64_t>(id);
  if (levels_.empty() || (bit >> 6) >= levels_[0].size()) return;
  uint64_t& w = levels_[0][bit >> 6];
  const uint64_t mask = uint64_t{1} << (bit & 63);
  if ((w & mask) == 0) return;
  --size_;
  w &= ~mask;
  bool now_empty = w == 0;
  for (size_t k = 1; now_empty && k < levels_.size(); ++k) {
    bit >>= 6;
    uint64_t& up = levels_[k][bit >> 6];
    up &= ~(uint64_t{1} << (bit & 63));
    now_empty = up == 0;
  }
}

size_t IdSet::count(int64_t id) const {
  if (id < 0 || id >= kMaxSlot) return outside_.count(id);
  const auto bit = static_cast<uint64_t>(id);
  if (levels_.empty() || (bit >> 6) >= levels_[0].size()) return 0;
  return (levels_[0][bit >> 6] >> (bit & 63)) & 1;
}

void IdSet::clear() {
  levels_.clear();
  outside_.clear();
  size_ = 0;
}

int64_t IdSet::next_bit(uint64_t from) const {
  // Up: find a set bit at or after the position in some level; down: take the lowest set bit of
  // each word below it.
  size_t k = 0;
  uint64_t pos = from;
  for (;;) {
    if (k == levels_.size() || (pos >> 6) >= levels_[k].size()) return kNone;
    const uint64_t m = levels_[k][pos >> 6] & (~uint64_t{0} << (pos & 63));
    if (m != 0) {
      pos = (pos & ~uint64_t{63}) | static_cast<uint64_t>(__builtin_ctzll(m));
      break;
    }
    pos = (pos >> 6) + 1;
    ++k;
  }
  while (k > 0) {
    --k;
    pos = (pos << 6) | static_cast<uint64_t>(__builtin_ctzll(levels_[k][pos]));
  }
  return static_cast<int64_t>(pos);
}

int64_t IdSet::next(int64_t from) const {
  int64_t best = kNone;
  if (from < kMaxSlot) best = next_bit(static_cast<uint64_t>(std::max<int64_t>(from, 0)));
  if (!outside_.empty()) {
    auto it = outside_.lower_bound(from);
    // Negative ids sort before the bitmap, large ones after it.
    if (it != outside_.end() && (best == kNone || *it < best)) best = *it;
  }
  return best;
}

Access::Access(std::string_view s) : v_(readWrite) {
  if (s == "readOnly") v_ = readOnly;
  if (s == "locked") v_ = locked;
  if (s == "replicationTarget") v_ = replicationTarget;
  if (s == "snapMirrorTarget") v_ = snapMirrorTarget;
}

const char* Access::c_str() const {
  switch (v_) {
    case readOnly: return "readOnly";
    case readWrite: return "readWrite";
    case locked: return "locked";
    case replicationTarget: return "replicationTarget";
    case snapMirrorTarget: return "snapMirrorTarget";
  }
  return "readWrite";
}

std::string Uuid::str() const {
  // 8-4-4-4-12 lower-case hex digits (snprintf made this a tenth of a volume's serialisation).
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(36, '-');
  size_t o = 0;
  for (int nibble = 0; nibble < 32; ++nibble) {
    if (o == 8 || o == 13 || o == 18 || o == 23) ++o;
    const uint64_t word = nibble < 16 ? hi : lo;
    out[o++] = kHex[(word >> (60 - 4 * (nibble % 16))) & 0xF];
  }
  return out;
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

int64_t Clock::now_ms() const {
  int64_t base = base_ms;
  if (!manual) {
    base = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
               .count();
  }
  return base + offset_ms.load(std::memory_order_relaxed);
}

Cluster::Cluster(int idx, const Options& o, const std::string& address, Clock* clk, Fabric* fab)
    : index(idx),
      opts(o),
      clock(clk),
      fabric(fab),
      rng(o.seed * 0x2545F4914F6CDD1DULL + static_cast<uint64_t>(idx) + 1),
      rng_seed(o.seed * 0x2545F4914F6CDD1DULL + static_cast<uint64_t>(idx) + 1) {
  Rng identity(o.seed ^ (0xA5A5A5A55A5A5A5AULL + static_cast<uint64_t>(idx) * 0x100000001B3ULL));
  unique_id = identity.alnum(4, kLowerAlnum);
  uuid = identity.uuid();
  name = "element-sim-" + std::to_string(idx);
  mvip = address;
  svip = address;
}

void Cluster::reset_state() {
  volumes.clear();
  volume_slots.clear();
  account_slots.clear();
  volumes_by_name.clear();
  for (auto& s : volumes_by_status) s.clear();
  live_volumes.clear();
  paired_volumes.clear();
  purge_queue.clear();
  next_volume_id = 1;
  provisioned_bytes = 0;
  nonzero_blocks = 0;
  accounts.clear();
  account_by_name.clear();
  next_account_id = 1;
  snapshots.clear();
  next_snapshot_id = 1;
  snapshot_nonzero_blocks = 0;
  group_snapshots.clear();
  next_group_snapshot_id = 1;
  access_groups.clear();
  initiator_vag.clear();
  initiator_ids.clear();
  next_vag_id = 1;
  next_initiator_id = 1;
  qos_policies.clear();
  next_qos_policy_id = 1;
  async_results.clear();
  clone_queue.clear();
  clones_in_flight.clear();
  clones_running = 0;
  next_async_handle = 1;
  next_clone_id = 1;
  next_cluster_pair_id = 1;
  rng = Rng(rng_seed);
}

Volume& Cluster::insert_volume(Volume v) {
  const int64_t id = v.id;
  Volume& stored = volumes.emplace(id, std::move(v)).first->second;
  set_slot(volume_slots, id, &stored);
  volumes_by_name[std::string_view(stored.name)].insert(id);  // key views the stored name
  volumes_by_status[static_cast<int>(stored.status)].insert(id);
  live_volumes.insert(id);
  if (auto* a = find_account(stored.account_id)) a->volumes.insert(id);
  provisioned_bytes += stored.total_size;
  nonzero_blocks += written_blocks(stored);
  return stored;
}

void Cluster::set_status(Volume& v, VolumeStatus s, int64_t now) {
  if (v.status == s) return;
  if (!v.pair_uuid.empty() && fabric != nullptr && (s == VolumeStatus::deleted || v.status == VolumeStatus::deleted)) {
    std::lock_guard lk(fabric->mu);
    auto p = fabric->volume_pairs.find(v.pair_uuid);
    if (p != fabric->volume_pairs.end()) {
      for (auto& side : p->second.side) {
        if (side.cluster == index && side.volume_id == v.id)
          side.state = s == VolumeStatus::deleted ? Fabric::kDeleted : Fabric::kLive;
      }
    }
  }
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
  auto n = volumes_by_name.find(std::string_view(v.name));
  if (n != volumes_by_name.end()) {
    n->second.erase(id);
    if (n->second.empty()) {
      volumes_by_name.erase(n);
    } else if (n->first.data() == v.name.data()) {
      // The key views this volume's name: re-key it on a volume that stays.
      SortedIds ids = std::move(n->second);
      volumes_by_name.erase(n);
      const Volume& other = volumes.at(*ids.begin());
      volumes_by_name.emplace(std::string_view(other.name), std::move(ids));
    }
  }
  volumes_by_status[static_cast<int>(v.status)].erase(id);
  live_volumes.erase(id);
  paired_volumes.erase(id);
  if (v.status == VolumeStatus::deleted) purge_queue.erase({v.purge_time, id});
  if (auto* a = find_account(v.account_id)) a->volumes.erase(id);
  // Snapshots go with the volume (and leave their group snapshots).
  while (!v.snapshots.empty()) delete_snapshot(*v.snapshots.begin());
  for (int64_t g : v.access_groups) {
    if (auto it2 = access_groups.find(g); it2 != access_groups.end()) it2->second.volumes.erase(id);
  }
  if (v.qos_policy_id != 0) {
    if (auto it2 = qos_policies.find(v.qos_policy_id); it2 != qos_policies.end()) it2->second.volumes.erase(id);
  }
  if (v.clone_source != 0) {  // unfinished clone (possibly deleted meanwhile): end its job
    clone_queue.erase({v.clone_done_ms, id});
    if (--clones_in_flight[v.clone_source] <= 0) clones_in_flight.erase(v.clone_source);
    --clones_running;
  }
  if (!v.pair_uuid.empty() && fabric != nullptr) {
    std::lock_guard lk(fabric->mu);
    auto p = fabric->volume_pairs.find(v.pair_uuid);
    if (p != fabric->volume_pairs.end()) {
      for (auto& side : p->second.side) {
        if (side.cluster == index && side.volume_id == id) side.state = Fabric::kPurged;
      }
    }
  }
  provisioned_bytes -= v.total_size;
  nonzero_blocks -= written_blocks(v);
  set_slot(volume_slots, id, nullptr);
  volumes.erase(it);
}

Account& Cluster::insert_account(Account a) {
  const int64_t id = a.id;
  Account& stored = accounts.emplace(id, std::move(a)).first->second;
  set_slot(account_slots, id, &stored);
  return stored;
}

void Cluster::erase_account(int64_t id) {
  set_slot(account_slots, id, nullptr);
  accounts.erase(id);
}

void Cluster::auto_purge(int64_t now) {
  while (!purge_queue.empty() && purge_queue.begin()->first <= now) {
    purge_volume(purge_queue.begin()->second);
  }
}

void Cluster::advance(int64_t now_ms) {
  while (!clone_queue.empty() && clone_queue.begin()->first <= now_ms) {
    const int64_t id = clone_queue.begin()->second;
    clone_queue.erase(clone_queue.begin());
    if (Volume* v = find_volume(id)) complete_clone(*v);
  }
  auto_purge(now_ms / 1000);
}

void Cluster::complete_clone(Volume& v) {
  if (v.clone_source != 0) {
    if (--clones_in_flight[v.clone_source] <= 0) clones_in_flight.erase(v.clone_source);
    --clones_running;
    v.clone_source = 0;
  }
  if (v.status == VolumeStatus::init) {
    volumes_by_status[static_cast<int>(VolumeStatus::init)].erase(v.id);
    v.status = VolumeStatus::active;
    volumes_by_status[static_cast<int>(VolumeStatus::active)].insert(v.id);
  }
}

void Cluster::delete_snapshot(int64_t snapshot_id) {
  auto it = snapshots.find(snapshot_id);
  if (it == snapshots.end()) return;
  Snapshot& s = it->second;
  if (Volume* v = find_volume(s.volume_id)) v->snapshots.erase(snapshot_id);
  snapshot_nonzero_blocks -= written_blocks(s);
  if (s.group_id != 0) {
    if (auto g = group_snapshots.find(s.group_id); g != group_snapshots.end()) {
      auto& m = g->second.members;
      m.erase(std::remove(m.begin(), m.end(), snapshot_id), m.end());
    }
  }
  snapshots.erase(it);
}

void Cluster::change_size(Volume& v, int64_t new_size) {
  // A filled volume keeps its written blocks (growing writes nothing; a rollback to a smaller
  // snapshot sets them afterwards); an unfilled one follows the 1/8 model of its new size.
  const int64_t before = written_blocks(v);
  provisioned_bytes += new_size - v.total_size;
  v.total_size = new_size;
  if (v.written_blocks != kModelWritten) v.written_blocks = std::min(v.written_blocks, new_size / kBlockSize);
  nonzero_blocks += written_blocks(v) - before;
}

void Cluster::set_written(Volume& v, int64_t blocks) {
  const int64_t before = written_blocks(v);
  v.written_blocks = blocks < 0 ? kModelWritten : std::min(blocks, v.total_size / kBlockSize);
  nonzero_blocks += written_blocks(v) - before;
}

Snapshot& Cluster::insert_snapshot(Snapshot s) {
  const int64_t id = s.id;
  Snapshot& stored = snapshots.emplace(id, std::move(s)).first->second;
  snapshot_nonzero_blocks += written_blocks(stored);
  return stored;
}

std::string Cluster::reported_access(const Volume& v) const {
  if (v.access == Access::replicationTarget && v.pair_uuid.empty()) return "locked";
  return v.access;
}

Snapshot& Cluster::snapshot_or_fail(int64_t id) {
  auto it = snapshots.find(id);
  if (it == snapshots.end()) fail("xSnapshotIDDoesNotExist", "SnapshotID " + std::to_string(id) + " does not exist.");
  return it->second;
}

AccessGroup& Cluster::access_group_or_fail(int64_t id) {
  auto it = access_groups.find(id);
  if (it == access_groups.end())
    fail("xVolumeAccessGroupIDDoesNotExist", "VolumeAccessGroupID " + std::to_string(id) + " does not exist.");
  return it->second;
}

QosPolicy& Cluster::qos_policy_or_fail(int64_t id) {
  auto it = qos_policies.find(id);
  if (it == qos_policies.end())
    fail("xQoSPolicyDoesNotExist", "QoSPolicyID " + std::to_string(id) + " does not exist.");
  return it->second;
}

GroupSnapshot& Cluster::group_snapshot_or_fail(int64_t id) {
  auto it = group_snapshots.find(id);
  if (it == group_snapshots.end())
    fail("xGroupSnapshotIDDoesNotExist", "GroupSnapshotID " + std::to_string(id) + " does not exist.");
  return it->second;
}

Volume* Cluster::find_volume(int64_t id) {
  if (id >= 0 && static_cast<uint64_t>(id) < volume_slots.size()) return volume_slots[static_cast<size_t>(id)];
  auto it = volumes.find(id);  // ids beyond the slot table (never allocated, or absurdly large)
  return it == volumes.end() ? nullptr : &it->second;
}

Account* Cluster::find_account(int64_t id) {
  if (id >= 0 && static_cast<uint64_t>(id) < account_slots.size()) return account_slots[static_cast<size_t>(id)];
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

int64_t Cluster::model_nonzero_blocks(int64_t total_size) { return (total_size / kBlockSize + 7) / 8; }

int64_t Cluster::written_blocks(const Volume& v) {
  return v.written_blocks == kModelWritten ? model_nonzero_blocks(v.total_size) : v.written_blocks;
}

int64_t Cluster::written_blocks(const Snapshot& s) {
  return s.written_blocks == kModelWritten ? model_nonzero_blocks(s.total_size) : s.written_blocks;
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

std::string Cluster::qos_text(const Qos& q) {
  static const std::string kCurveText = [] {
    json::Ptr c(curve_json());
    return json::print(c.get());
  }();
  json::ObjectWriter w(300);
  w.num("minIOPS", q.min_iops)
      .num("maxIOPS", q.max_iops)
      .num("burstIOPS", q.burst_iops)
      .num("burstTime", kBurstTime)
      .raw("curve", kCurveText);
  return w.done();
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
  // eui = hex(uniqueID bytes) hex(id, 8 digits) "f47acc0100000000"; naa = "6f47acc100000000" u vid.
  static constexpr char kHex[] = "0123456789abcdef";
  char u[8], vid[8];
  for (size_t i = 0; i < 4; ++i) {
    const auto b = static_cast<unsigned char>(unique_id[i]);
    u[2 * i] = kHex[b >> 4];
    u[2 * i + 1] = kHex[b & 0xF];
  }
  for (size_t i = 0; i < 8; ++i) vid[i] = kHex[(static_cast<uint64_t>(v.id) >> (28 - 4 * i)) & 0xF];
  std::string eui, naa;
  eui.reserve(32);
  naa.reserve(32);
  eui.append(u, 8).append(vid, 8).append("f47acc0100000000");
  naa.append("6f47acc100000000").append(u, 8).append(vid, 8);

  // Written as text (one raw node in the reply tree): a volume is the most frequent object in
  // replies and a cJSON tree of it costs ~150 allocations (callgrind, ListVolumes).
  json::ObjectWriter w(1200 + v.name.size() * 2 + v.attributes.size());
  w.num("volumeID", v.id)
      .str("name", v.name)
      .num("accountID", v.account_id)
      .str("createTime", iso8601(v.create_time))
      .str("volumeUUID", v.uuid.str())
      .str("volumeConsistencyGroupUUID", v.consistency_group_uuid.str())
      .boolean("enableSnapMirrorReplication", v.enable_snapmirror)
      .str("status", to_string(v.status))
      .str("access", reported_access(v))
      .boolean("enable512e", v.enable512e)
      .str("iqn", iqn(v))
      .str("scsiEUIDeviceID", eui)
      .str("scsiNAADeviceID", naa)
      .raw("qos", qos_text(v.qos));
  if (v.qos_policy_id != 0) {
    w.num("qosPolicyID", v.qos_policy_id);
  } else {
    w.null("qosPolicyID");
  }
  std::string vags = "[";
  for (int64_t g : v.access_groups) {
    if (vags.size() > 1) vags.push_back(',');
    vags += std::to_string(g);
  }
  vags.push_back(']');
  w.raw("volumeAccessGroups", vags);
  if (!v.pair_uuid.empty()) {
    json::Ptr pairs = json::array();
    append_volume_pairs(*this, v, pairs.get());
    w.raw("volumePairs", json::print(pairs.get()));
  } else {
    w.raw("volumePairs", "[]");
  }
  w.str("deleteTime", v.delete_time ? iso8601(v.delete_time) : "")
      .str("purgeTime", v.purge_time ? iso8601(v.purge_time) : "")
      .null("lastAccessTime")
      .null("lastAccessTimeIO")
      .num("sliceCount", 1)
      .num("totalSize", v.total_size)
      .num("blockSize", kBlockSize)
      .null("virtualVolumeID")
      .raw("attributes", v.attributes)
      .str("currentProtectionScheme", "doubleHelix")
      .null("previousProtectionScheme")
      .num("fifoSize", v.fifo_size)
      .num("minFifoSize", v.min_fifo_size);
  return json::make_raw(w.done());
}

cJSON* Cluster::snapshot_json(const Snapshot& s) const {
  json::Ptr o = json::object();
  cJSON* p = o.get();
  json::add_int(p, "snapshotID", s.id);
  json::add_int(p, "volumeID", s.volume_id);
  json::add_str(p, "name", s.name);
  json::add_str(p, "checksum", s.checksum);
  json::add_bool(p, "enableRemoteReplication", s.enable_remote_replication);
  json::add_str(p, "expirationReason", s.expiration_time != 0 ? "Api" : "None");
  if (s.expiration_time != 0) {
    json::add_str(p, "expirationTime", iso8601(s.expiration_time));
  } else {
    json::add_null(p, "expirationTime");
  }
  json::add_arr(p, "remoteStatuses");
  json::add_str(p, "status", "done");
  json::add_str(p, "snapshotUUID", s.uuid);
  json::add_int(p, "totalSize", s.total_size);
  json::add_int(p, "groupID", s.group_id);
  json::add_str(p, "groupSnapshotUUID", s.group_id != 0 ? s.group_uuid : "00000000-0000-0000-0000-000000000000");
  json::add_str(p, "createTime", iso8601(s.create_time));
  json::add_str(p, "instanceCreateTime", iso8601(s.create_time));
  json::add_str(p, "instanceSnapshotUUID", s.uuid);
  json::add_str(p, "volumeName", s.volume_name);
  json::add_null(p, "virtualVolumeID");
  json::add_raw(p, "attributes", s.attributes);
  if (s.snap_mirror_label.empty()) {
    json::add_null(p, "snapMirrorLabel");
  } else {
    json::add_str(p, "snapMirrorLabel", s.snap_mirror_label);
  }
  return o.release();
}

cJSON* Cluster::group_snapshot_json(const GroupSnapshot& g) const {
  json::Ptr o = json::object();
  cJSON* p = o.get();
  json::add_int(p, "groupSnapshotID", g.id);
  json::add_str(p, "groupSnapshotUUID", g.uuid);
  cJSON* members = json::add_arr(p, "members");
  for (int64_t sid : g.members) {
    if (auto it = snapshots.find(sid); it != snapshots.end()) json::push(members, snapshot_json(it->second));
  }
  json::add_str(p, "name", g.name);
  json::add_str(p, "createTime", iso8601(g.create_time));
  json::add_str(p, "status", "done");
  json::add_bool(p, "enableRemoteReplication", g.enable_remote_replication);
  json::add_arr(p, "remoteStatuses");
  json::add_raw(p, "attributes", g.attributes);
  return o.release();
}

cJSON* Cluster::access_group_json(const AccessGroup& g) const {
  json::Ptr o = json::object();
  cJSON* p = o.get();
  json::add_int(p, "volumeAccessGroupID", g.id);
  json::add_str(p, "name", g.name);
  cJSON* inits = json::add_arr(p, "initiators");
  cJSON* init_ids = json::add_arr(p, "initiatorIDs");
  for (const auto& i : g.initiators) {
    json::push_str(inits, i);
    auto id = initiator_ids.find(i);
    json::push_int(init_ids, id == initiator_ids.end() ? 0 : id->second);
  }
  cJSON* vols = json::add_arr(p, "volumes");
  cJSON* deleted = json::add_arr(p, "deletedVolumes");
  for (int64_t vid : g.volumes) {
    auto it = volumes.find(vid);
    if (it == volumes.end()) continue;
    json::push_int(it->second.status == VolumeStatus::deleted ? deleted : vols, vid);
  }
  json::add_raw(p, "attributes", g.attributes);
  return o.release();
}

cJSON* Cluster::qos_policy_json(const QosPolicy& q) const {
  json::Ptr o = json::object();
  cJSON* p = o.get();
  json::add_int(p, "qosPolicyID", q.id);
  json::add_str(p, "name", q.name);
  cJSON* vols = json::add_arr(p, "volumeIDs");
  for (int64_t v : q.volumes) json::push_int(vols, v);
  json::add(p, "qos", qos_json(q.qos));
  return o.release();
}

cJSON* Cluster::account_json(const Account& a) const {
  // With thousands of accounts the record and its heap parts (secrets, volume list) are rarely
  // cached: request them all at once instead of one miss after the other while serialising.
  const char* rec = reinterpret_cast<const char*>(&a);
  for (size_t off = 64; off < sizeof(Account); off += 64) __builtin_prefetch(rec + off);
  __builtin_prefetch(a.initiator_secret.data());
  __builtin_prefetch(a.target_secret.data());
  if (!a.volumes.empty()) __builtin_prefetch(&*a.volumes.begin());
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
