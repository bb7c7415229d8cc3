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

// Deterministic generator (splitmix64): ids, uuids and secrets depend only on the seed.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  std::string alnum(size_t n, std::string_view alphabet);
  std::string uuid();  // RFC 4122 version-4 layout

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

inline constexpr int64_t kBlockSize = 4096;
inline constexpr int64_t kBurstTime = 60;

struct Volume {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t total_size = 0;
  int64_t create_time = 0;
  int64_t delete_time = 0;  // 0 = not deleted
  int64_t purge_time = 0;
  std::string name;
  std::string attributes = "{}";  // compact JSON object text, returned verbatim
  std::string uuid;
  std::string consistency_group_uuid;
  std::string access = "readWrite";
  std::string protection_scheme = "doubleHelix";
  Qos qos;
  VolumeStatus status = VolumeStatus::active;
  bool enable512e = false;
  bool enable_snapmirror = false;
  int64_t fifo_size = 24;
  int64_t min_fifo_size = 0;
  std::vector<int64_t> access_groups;  // sorted VAG ids
};

struct Account {
  int64_t id = 0;
  std::string username;
  std::string initiator_secret;
  std::string target_secret;
  std::string attributes = "{}";
  std::string status = "active";
  bool enable_chap = true;
  std::set<int64_t> volumes;  // including deleted-but-unpurged
};

class Cluster {
 public:
  Cluster(int index, const Options& opts, const std::string& address);

  // ---- identity (immutable after construction) ----
  const int index;
  const Options& opts;
  std::string name, unique_id, uuid, mvip, svip;

  std::mutex mu;  // guards everything below except the counters

  // ---- volumes ----
  std::map<int64_t, Volume> volumes;  // ordered: startVolumeID is a lower_bound
  std::unordered_map<std::string, std::set<int64_t>> volumes_by_name;
  std::set<int64_t> volumes_by_status[kVolumeStatusCount];
  std::set<int64_t> paired_volumes;
  std::set<std::pair<int64_t, int64_t>> purge_queue;  // (purgeTime, volumeID)
  int64_t next_volume_id = 1;
  int64_t provisioned_bytes = 0;  // sum of totalSize of non-purged volumes
  int64_t nonzero_blocks = 0;     // sum over non-purged volumes (capacity model)

  // ---- accounts ----
  std::map<int64_t, Account> accounts;
  std::unordered_map<std::string, int64_t> account_by_name;
  int64_t next_account_id = 1;

  Rng rng;

  // Mutators that keep every index consistent.
  Volume& insert_volume(Volume v);
  void set_status(Volume& v, VolumeStatus s, int64_t now);
  void purge_volume(int64_t id);
  void auto_purge(int64_t now);

  Volume* find_volume(int64_t id);
  Account* find_account(int64_t id);
  Volume& volume_or_fail(int64_t id);    // xVolumeIDDoesNotExist
  Account& account_or_fail(int64_t id);  // xAccountIDDoesNotExist

  // Serialisation (on demand; objects are stored as structs).
  std::string iqn(const Volume& v) const;
  cJSON* volume_json(const Volume& v) const;
  cJSON* account_json(const Account& a) const;
  static cJSON* qos_json(const Qos& q);
  static cJSON* curve_json();
  static int64_t volume_nonzero_blocks(int64_t total_size);

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

std::string iso8601(int64_t unix_seconds);  // "2016-03-31T22:26:03Z"
int64_t now_seconds();

}  // namespace element_sim
