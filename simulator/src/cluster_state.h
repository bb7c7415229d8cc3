// In-memory state of one simulated cluster, with the indexes that keep filtered lookups O(result).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "element_sim/server.h"
#include "json.h"

namespace element_sim {

// A UUID kept as 16 bytes (volumes are many; the text form is made on output).
struct Uuid {
  uint64_t hi = 0, lo = 0;
  std::string str() const;
};

// Deterministic generator (splitmix64): ids, uuids and secrets depend only on the seed.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  std::string alnum(size_t n, std::string_view alphabet);
  Uuid uuid128();      // RFC 4122 version-4 layout
  std::string uuid();  // uuid128().str()
  // Persistence (state_snapshot.cpp) saves and restores the generator's position.
  uint64_t state() const { return state_; }
  void set_state(uint64_t s) { state_ = s; }

 private:
  uint64_t state_;
};

enum class VolumeStatus : uint8_t { init = 0, active = 1, deleted = 2 };
inline constexpr int kVolumeStatusCount = 3;
const char* to_string(VolumeStatus s);

struct Qos {
  int64_t min_iops = 50;
  int64_t max_iops = 15000;
  int64_t burst_iops = 15000;
};

// Volume access mode stored in one byte; converts from/to its Element spelling.
class Access {
 public:
  enum Value : uint8_t { readOnly, readWrite, locked, replicationTarget, snapMirrorTarget };
  Access(Value v = readWrite) : v_(v) {}  // NOLINT: implicit by design
  Access(std::string_view s);             // NOLINT; unknown text = readWrite (callers validate first)
  const char* c_str() const;
  operator std::string() const { return c_str(); }  // NOLINT
  bool operator==(std::string_view s) const { return s == c_str(); }
  bool operator==(Value v) const { return v_ == v; }

 private:
  Value v_;
};

inline constexpr int64_t kBlockSize = 4096;
inline constexpr int64_t kBurstTime = 60;
inline constexpr int64_t kModelWritten = -1;  // written_blocks of a volume never filled

struct Volume {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t total_size = 0;
  int64_t create_time = 0;
  int64_t delete_time = 0;  // 0 = not deleted
  int64_t purge_time = 0;
  std::string name;
  std::string attributes = "{}";  // compact JSON object text, returned verbatim
  Uuid uuid;
  Uuid consistency_group_uuid;
  Access access;
  Qos qos;
  VolumeStatus status = VolumeStatus::active;
  bool enable512e = false;
  bool enable_snapmirror = false;
  int64_t fifo_size = 24;
  int64_t min_fifo_size = 0;
  std::vector<int64_t> access_groups;  // sorted VAG ids
  int64_t qos_policy_id = 0;           // 0 = none
  std::set<int64_t> snapshots;         // snapshot ids of this volume
  int64_t clone_source = 0;            // source volume of an unfinished clone (status init)
  int64_t clone_done_ms = 0;           // when that clone completes
  std::string pair_uuid;               // volume pair (Fabric), empty = unpaired
  // Capacity model: blocks holding written data; kModelWritten = never filled, 1/8 of the size
  // (Cluster::written_blocks). Set by the fill control (Server::fill), inherited by clones and
  // snapshots, restored by rollbacks.
  int64_t written_blocks = kModelWritten;
  int64_t write_bytes = 0;  // bytes written by fills since creation (GetVolumeStats writeBytes)
};


struct Snapshot {
  int64_t id = 0;
  int64_t volume_id = 0;
  int64_t group_id = 0;
  int64_t total_size = 0;
  int64_t create_time = 0;
  int64_t expiration_time = 0;  // 0 = none (null)
  std::string name, uuid, group_uuid, checksum, volume_name;
  std::string attributes = "{}";
  std::string snap_mirror_label;  // empty = null
  bool enable_remote_replication = false;
  int64_t written_blocks = kModelWritten;  // the volume's written_blocks when taken (kModelWritten: 1/8 of total_size)
};

struct GroupSnapshot {
  int64_t id = 0;
  int64_t create_time = 0;
  std::string name, uuid;
  std::string attributes = "{}";
  bool enable_remote_replication = false;
  std::vector<int64_t> members;  // snapshot ids, in volume order
};

struct AccessGroup {
  int64_t id = 0;
  std::string name;
  std::string attributes = "{}";
  std::vector<std::string> initiators;  // lower-cased, insertion order
  std::set<int64_t> volumes;            // members, deleted ones included (reported as deletedVolumes)
};

struct QosPolicy {
  int64_t id = 0;
  std::string name;
  Qos qos;
  std::set<int64_t> volumes;
};

struct AsyncResult {
  int64_t handle = 0;
  int64_t clone_id = 0;
  int64_t volume_id = 0;  // the new volume
  int64_t source_volume_id = 0;
  int64_t create_ms = 0;
  int64_t complete_ms = 0;
};

// Simulated time shared by the clusters of one Server: wall clock (or a fixed start when manual)
// plus an offset that tests advance.
struct Clock {
  bool manual = false;
  int64_t base_ms = 0;
  std::atomic<int64_t> offset_ms{0};
  int64_t now_ms() const;
};

class Fabric;

// Ascending ids in one contiguous vector: cheaper and more cache-friendly than a std::set for the
// per-account volume lists (ids are allocated in increasing order, so inserts append).
class SortedIds {
 public:
  using const_iterator = std::vector<int64_t>::const_iterator;
  void insert(int64_t id);
  void erase(int64_t id);
  size_t size() const { return v_.size(); }
  bool empty() const { return v_.empty(); }
  size_t count(int64_t id) const;
  const_iterator begin() const { return v_.begin(); }
  const_iterator end() const { return v_.end(); }
  const_iterator lower_bound(int64_t id) const;

 private:
  std::vector<int64_t> v_;
};

// Ordered set of ids as a bitmap with summary levels (a bit per non-empty word of the level below):
// next(from) costs O(log64 ids) word reads however many ids are stored, where a std::set walk costs
// ~17 dependent cache misses at 100k. One bit per id per set; ids outside [0, 2^28) (never allocated
// in practice) go to a std::set.
class IdSet {
 public:
  static constexpr int64_t kNone = INT64_MAX;  // "no member": never an allocated id
  void insert(int64_t id);
  void erase(int64_t id);
  size_t count(int64_t id) const;
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear();
  int64_t next(int64_t from) const;  // smallest member >= from, or kNone

 private:
  int64_t next_bit(uint64_t from) const;
  void grow(size_t words);
  std::vector<std::vector<uint64_t>> levels_;  // levels_[0]: one bit per id; the last level is one word
  std::set<int64_t> outside_;
  size_t size_ = 0;
};

struct Account {
  int64_t id = 0;
  std::string username;
  std::string initiator_secret;
  std::string target_secret;
  std::string attributes = "{}";
  std::string status = "active";
  bool enable_chap = true;
  SortedIds volumes;  // including deleted-but-unpurged
};

class Cluster {
 public:
  Cluster(int index, const Options& opts, const std::string& address, Clock* clock = nullptr,
          Fabric* fabric = nullptr);

  // ---- identity (immutable after construction) ----
  const int index;
  const Options& opts;
  std::string name, unique_id, uuid, mvip, svip;
  std::string cluster_info_text;  // GetClusterInfo's clusterInfo, serialised on first use (under mu)

  Clock* clock;
  Fabric* fabric;  // shared by the clusters of one Server (pairing); may be null

  std::mutex mu;  // guards everything below except the counters

  // ---- volumes ----
  std::map<int64_t, Volume> volumes;  // ordered by id (listing uses the bitmap indexes below)
  // id -> volume in `volumes` (nullptr once purged): O(1) find_volume without walking the map's
  // tree (ids are allocated densely from 1; 8 bytes per id ever allocated).
  std::vector<Volume*> volume_slots;
  // Keys view the names stored in `volumes` (volumes are never renamed; the index entry is removed
  // before its volume).
  std::unordered_map<std::string_view, SortedIds> volumes_by_name;
  IdSet volumes_by_status[kVolumeStatusCount];
  IdSet live_volumes;  // every id in `volumes` (startVolumeID without other filters)
  std::set<int64_t> paired_volumes;
  std::set<std::pair<int64_t, int64_t>> purge_queue;  // (purgeTime, volumeID)
  int64_t next_volume_id = 1;
  int64_t provisioned_bytes = 0;  // sum of totalSize of non-purged volumes
  int64_t nonzero_blocks = 0;     // sum of written_blocks() over non-purged volumes (capacity model)

  // ---- accounts ----
  std::map<int64_t, Account> accounts;
  std::vector<Account*> account_slots;  // id -> account in `accounts` (nullptr once removed)
  std::unordered_map<std::string, int64_t> account_by_name;
  int64_t next_account_id = 1;

  // ---- snapshots / group snapshots ----
  std::map<int64_t, Snapshot> snapshots;
  int64_t next_snapshot_id = 1;
  int64_t snapshot_nonzero_blocks = 0;  // sum of written_blocks() over snapshots (taken at creation)
  std::map<int64_t, GroupSnapshot> group_snapshots;
  int64_t next_group_snapshot_id = 1;

  // ---- volume access groups ----
  std::map<int64_t, AccessGroup> access_groups;
  std::unordered_map<std::string, int64_t> initiator_vag;  // initiator -> its (only) VAG
  std::map<std::string, int64_t> initiator_ids;            // initiator -> initiatorID
  int64_t next_vag_id = 1;
  int64_t next_initiator_id = 1;

  // ---- QoS policies ----
  std::map<int64_t, QosPolicy> qos_policies;
  int64_t next_qos_policy_id = 1;

  // ---- async results / clone jobs ----
  std::map<int64_t, AsyncResult> async_results;
  std::set<std::pair<int64_t, int64_t>> clone_queue;  // (complete_ms, volumeID)
  std::unordered_map<int64_t, int64_t> clones_in_flight;  // source volumeID -> running clone jobs
  int64_t clones_running = 0;
  int64_t next_async_handle = 1;
  int64_t next_clone_id = 1;

  // ---- cluster pairs (local ids; shared records live in the Fabric) ----
  int64_t next_cluster_pair_id = 1;

  Rng rng;
  const uint64_t rng_seed;

  // Drops every object and restarts ids and the generator (identity unchanged).
  void reset_state();

  // Mutators that keep every index consistent.
  Volume& insert_volume(Volume v);
  Account& insert_account(Account a);
  void erase_account(int64_t id);
  void set_status(Volume& v, VolumeStatus s, int64_t now);
  void purge_volume(int64_t id);
  void auto_purge(int64_t now);
  // Time-driven transitions before each RPC: finished clones become active, auto-purge.
  void advance(int64_t now_ms);
  void complete_clone(Volume& v);
  void delete_snapshot(int64_t snapshot_id);
  void change_size(Volume& v, int64_t new_size);
  // Sets the volume's written blocks (kModelWritten = back to the 1/8 model), keeping the sum.
  void set_written(Volume& v, int64_t blocks);
  // Stores a snapshot and adds its written blocks to snapshot_nonzero_blocks (delete_snapshot
  // subtracts them). The caller links it to its volume.
  Snapshot& insert_snapshot(Snapshot s);
  // Effective access as reported: replicationTarget on an unpaired volume reads as locked.
  std::string reported_access(const Volume& v) const;

  Snapshot& snapshot_or_fail(int64_t id);              // xSnapshotIDDoesNotExist
  AccessGroup& access_group_or_fail(int64_t id);       // xVolumeAccessGroupIDDoesNotExist
  QosPolicy& qos_policy_or_fail(int64_t id);           // xQoSPolicyDoesNotExist
  GroupSnapshot& group_snapshot_or_fail(int64_t id);   // xGroupSnapshotIDDoesNotExist

  Volume* find_volume(int64_t id);
  Account* find_account(int64_t id);
  Volume& volume_or_fail(int64_t id);    // xVolumeIDDoesNotExist
  Account& account_or_fail(int64_t id);  // xAccountIDDoesNotExist

  // Serialisation (on demand; objects are stored as structs).
  std::string iqn(const Volume& v) const;
  cJSON* volume_json(const Volume& v) const;
  cJSON* account_json(const Account& a) const;
  cJSON* snapshot_json(const Snapshot& s) const;
  cJSON* group_snapshot_json(const GroupSnapshot& g) const;
  cJSON* access_group_json(const AccessGroup& g) const;
  cJSON* qos_policy_json(const QosPolicy& p) const;
  static cJSON* qos_json(const Qos& q);
  static std::string qos_text(const Qos& q);  // the same object as compact text
  static cJSON* curve_json();
  // Capacity model: a volume (or snapshot) that was never filled counts 1/8 of its blocks written.
  static int64_t model_nonzero_blocks(int64_t total_size);
  static int64_t written_blocks(const Volume& v);
  static int64_t written_blocks(const Snapshot& s);

  // ---- counters (own locks) ----
  void count_rpc(const std::string& method);
  uint64_t rpc_count(const std::string& method) const;
  uint64_t rpc_total() const;
  void reset_counts();
  mutable std::atomic<uint64_t> serialized{0};

 private:
  mutable std::mutex count_mu_;
  std::unordered_map<std::string, uint64_t> rpc_counts_;
  uint64_t rpc_total_ = 0;
};

// Appends the volumePairs entries of a paired volume (fabric.cpp).
void append_volume_pairs(const Cluster& c, const Volume& v, cJSON* arr);

std::string iso8601(int64_t unix_seconds);  // "2016-03-31T22:26:03Z"
int64_t now_seconds();

}  // namespace element_sim
