// The callers: each thread draws operations from a seeded mix and runs them on shared volumes (any
// caller, under the volume's mutex) and on its private ones, keeping the host model up to date with
// what each successful call told it. Any error the scenario does not expect is a failure, and the
// object it touched leaves the model (abandoned).
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <vdp_host/host.h>

#include "host_calls.h"
#include "host_model.h"
#include "options.h"
#include "stats.h"

namespace soak {

// Lets a checkpoint stop the callers between operations: close() waits for the operations in flight,
// open() lets the callers go on.
class Gate {
 public:
  void enter();
  void leave();
  void close();
  void open();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int active_ = 0;
  bool closed_ = false;
};

// The drivers on the cluster: those with sf_enable_vag (two instances = two volume services serving
// one backend) and those without. A volume is served by one kind for its whole life.
struct Drivers {
  std::vector<vh::Driver*> vag;
  std::vector<vh::Driver*> plain;
};

class Workload {
 public:
  Workload(const Options& opts, Drivers drivers, HostModel& model, Stats& stats, HostCaller& host,
           std::vector<std::string> projects);
  // Runs operations until `stop` is raised; `caller` selects the private pool and the generator.
  void run(int caller, const std::atomic<bool>& stop, Gate& gate);
  // Deletes every `shares`-th volume of `all` from index `share` (connections and snapshots first).
  // `all` is one listing of the model taken before the cleaners start, so the shares do not overlap.
  void cleanup(const std::vector<VolumePtr>& all, int share, int shares);

 private:
  enum class Op {
    create_volume,
    delete_volume,
    extend_volume,
    extend_shrink,
    retype,
    create_snapshot,
    delete_snapshot,
    clone,
    from_snapshot,
    connect,
    disconnect
  };
  void run_one(Op op, bool shared, int caller, std::mt19937_64& rng);

  void create_volume(bool shared, int caller, std::mt19937_64& rng);
  // Each of these holds `v`'s mutex (exclusive, or shared for a clone source) while it runs.
  void delete_volume(const VolumePtr& v, std::mt19937_64& rng, bool quiet = false);
  void extend_volume(VolumeRec& v, std::mt19937_64& rng);
  void extend_shrink(VolumeRec& v, std::mt19937_64& rng);
  void retype(VolumeRec& v, std::mt19937_64& rng);
  void create_snapshot(VolumeRec& v, std::mt19937_64& rng);
  void delete_snapshot(VolumeRec& v, size_t index, std::mt19937_64& rng, bool quiet = false);
  void clone(VolumeRec& src, int caller, std::mt19937_64& rng);
  void from_snapshot(VolumeRec& parent, int caller, std::mt19937_64& rng);
  void connect(VolumeRec& v, std::mt19937_64& rng);
  void disconnect(VolumeRec& v, std::mt19937_64& rng, bool quiet = false);
  // Runs a create-like call for a new volume and adds it to the model (or abandons its id).
  void create_new(const std::string& op, const std::string& request, VolumePtr nv, std::mt19937_64& rng);

  // Calls `op` on one of the drivers serving `v` and notes the outcome in v's history.
  CallOutcome call_on(VolumeRec& v, const std::string& op, const std::string& request, std::mt19937_64& rng,
                      bool quiet = false, const std::string& detail = "");
  // Records an unexpected error of `op` on `v` and takes `v` out of the model.
  void lost(VolumeRec& v, const std::string& op, const CallOutcome& r);

  const Options& opts_;
  Drivers drivers_;
  HostModel& model_;
  Stats& stats_;
  HostCaller& host_;
  std::vector<std::string> projects_;
  std::vector<std::string> busy_iqns_;   // few initiators: many volumes race on their VAGs
  std::vector<std::string> quiet_iqns_;  // many: a VAG emptied by mistake stays empty until a check
};

}  // namespace soak
