// Fault injection: rules parsed from `--fault SPEC` / POST /control/faults / Server::add_fault, and
// the seeded decision made for each JSON-RPC request.
//
//   SPEC   := [CLUSTER '/'] METHOD ':' ACTION (':' MOD)*
//   METHOD := an API method name, or '*' for every method
//   ACTION := 'error=' NAME      JSON-RPC error NAME (code 500, HTTP 200); nothing is executed
//           | 'http=' STATUS    HTTP STATUS (e.g. 500, 503) with an HTML body; nothing is executed
//           | 'reset'           connection closed with RST before anything is executed
//           | 'drop'            the request IS executed (committed), then the connection is closed
//                               without a reply
//           | 'latency=' MS     the reply is delayed by MS milliseconds (combines with the others)
//           | 'pause'           no answer (and no execution) until released (POST /control/release
//                               or Server::release_paused()); then executed and answered
//           | 'huge=' BYTES     nothing is executed; the answer is HTTP 200 with a valid-looking
//                               ListVolumes-style JSON body of exactly BYTES bytes (1 KiB .. 4 GiB),
//                               generated while it is sent (a client must bound what it reads)
//           | 'endless'         nothing is executed; HTTP 200 headers promising a 1 TiB body, then
//                               one body byte every 200 ms until the client disconnects
//   MOD    := 'count=' N        fire at most N times (default: unlimited)
//           | 'prob=' P         fire with probability P in [0,1] (default 1), drawn from a generator
//                               seeded with --seed, so a run is reproducible
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "cluster_state.h"

namespace element_sim {

struct FaultRule {
  enum class Kind { error, http, reset, drop, latency, pause, huge, endless };
  int cluster = -1;          // -1 = every cluster
  std::string method = "*";  // "*" = every method
  Kind kind = Kind::error;
  std::string error_name;
  int http_status = 0;
  int64_t latency_ms = 0;
  int64_t huge_bytes = 0;
  int64_t count = -1;  // remaining firings; -1 = unlimited
  double prob = 1.0;
  uint64_t fired = 0;
  std::string spec;  // normalised text
};

// Throws std::invalid_argument naming the problem.
FaultRule parse_fault(const std::string& spec);

class FaultInjector {
 public:
  explicit FaultInjector(uint64_t seed);

  struct Decision {
    bool fire = false;  // a non-latency rule fired
    FaultRule::Kind kind = FaultRule::Kind::error;
    std::string error_name;
    int http_status = 0;
    int64_t latency_ms = 0;  // sum of the latency rules that fired
    int64_t huge_bytes = 0;  // huge: the body size
  };

  void add(FaultRule r);
  void clear();
  bool active() const { return active_.load(std::memory_order_acquire); }
  Decision decide(int cluster, const std::string& method);
  // [{"spec":..., "remaining":N|-1, "fired":N}, ...]
  std::string rules_json() const;

 private:
  mutable std::mutex mu_;
  std::vector<FaultRule> rules_;
  Rng rng_;
  std::atomic<bool> active_{false};
};

}  // namespace element_sim
