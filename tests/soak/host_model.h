// The host's model of what it created, as a volume service keeps it: volumes with the size and QoS it
// asked for, their snapshots and their connection. Each volume carries the mutex a volume service
// would hold (exclusive for changes, shared for reading it as a clone source), so two callers never
// run conflicting operations on one volume while many operations run at once overall.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

namespace soak {

struct Qos {
  int64_t min = 0, max = 0, burst = 0;
  bool operator==(const Qos&) const = default;
};

// A volume type with QoS extra specs; scaled types grow by `scale` per GiB above the first.
struct VolumeType {
  std::string id;
  std::string name;
  Qos base;
  bool scaled = false;
  Qos scale;
  Qos qos_at(int64_t size_gib) const;
};
const std::vector<VolumeType>& volume_types();

struct SnapshotRec {
  std::string id;
  std::string provider_id;  // "<snapshotID> <volumeID> <cluster uuid>"
  int64_t size_gib = 0;     // the volume's size when taken
};

struct VolumeRec {
  std::string id;  // Cinder volume id
  std::string project;
  size_t type = 0;  // index into volume_types()
  int64_t size_gib = 0;
  bool vag = false;     // served by the drivers with sf_enable_vag
  bool shared = false;  // in the shared pool (any caller) or private to `owner`
  int owner = -1;
  std::string provider_id, provider_location, provider_auth;
  std::vector<SnapshotRec> snapshots;
  std::string attached_iqn;          // empty: no connection
  bool gone = false;                 // deleted or abandoned: callers holding a pointer skip it
  std::vector<std::string> history;  // the last operations on it, for the report of a failed check
  std::shared_mutex mu;

  void note(std::string event);
  std::string trail() const;  // history joined with " -> "

  int64_t cluster_id() const;  // volumeID from provider_id (0 when missing)
  int64_t account_id() const;  // accountID from provider_id (0 when missing)
  Qos qos() const { return volume_types().at(type).qos_at(size_gib); }
};
using VolumePtr = std::shared_ptr<VolumeRec>;

class HostModel {
 public:
  HostModel(int callers, int private_cap, int shared_cap);

  // A random live volume of the scope, or null.
  VolumePtr pick(bool shared, int caller, std::mt19937_64& rng) const;
  // Reserves room for one more volume in the scope (caps keep memory and the cluster bounded); every
  // successful reserve is followed by exactly one unreserve.
  bool reserve(bool shared, int caller);
  void unreserve(bool shared, int caller);
  void add(const VolumePtr& v);
  void remove(const VolumeRec& v);  // deleted on the cluster
  // The host lost track of a volume (its operation failed): it leaves the model, and the checks skip its
  // id. Each one is also a reported failure, so there should be none.
  void abandon(const VolumeRec& v);
  void abandon_volume_id(const std::string& id);
  void abandon_snapshot_id(const std::string& id);

  // The last connection events of an initiator (its VAG's story, for the report of a failed VAG check).
  void note_initiator(const std::string& iqn, std::string event);
  std::string initiator_trail(const std::string& iqn) const;

  // The history of a volume that left the model (the last few thousand), for the report of an orphan.
  std::string departed_trail(const std::string& id) const;

  std::vector<VolumePtr> all() const;  // every live volume (for the final checks and the cleanup)
  std::set<std::string> abandoned_volumes() const;
  std::set<std::string> abandoned_snapshots() const;

 private:
  std::vector<VolumePtr>& pool(bool shared, int caller) {
    return shared ? shared_ : private_.at(static_cast<size_t>(caller));
  }
  int& reserved(bool shared, int caller) {
    return shared ? shared_reserved_ : private_reserved_.at(static_cast<size_t>(caller));
  }

  mutable std::mutex mu_;
  int private_cap_, shared_cap_;
  std::vector<VolumePtr> shared_;
  std::vector<std::vector<VolumePtr>> private_;
  int shared_reserved_ = 0;
  std::vector<int> private_reserved_;
  std::set<std::string> abandoned_volumes_, abandoned_snapshots_;
  std::map<std::string, std::vector<std::string>> initiator_history_;
  std::map<std::string, std::string> departed_;
  std::deque<std::string> departed_order_;  // oldest first, bounded
  void depart(const VolumeRec& v);          // with mu_ held
};

// Cinder's names for Element objects ("UUID-<id>"), the default sf_volume_prefix.
inline std::string element_name(const std::string& cinder_id) { return "UUID-" + cinder_id; }

// A version-4 UUID from the caller's generator, so a seed reproduces the ids of a run.
std::string uuid_from(std::mt19937_64& rng);

}  // namespace soak
