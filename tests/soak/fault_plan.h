// The faults element-sim injects during the soak: one rule per kind over every method ('*'), sharing the
// fault rate: retryable Element errors, HTTP 503, connection reset (nothing executed), dropped reply
// (executed, answer lost) and a latency longer than the host's short deadlines.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <element_sim/server.h>

namespace soak {

class FaultPlan {
 public:
  // `extra`: further rules in element-sim's grammar (simulator/src/faults.h), each counted on its own.
  FaultPlan(double rate, const std::vector<std::string>& extra);
  void install(element_sim::Server& server) const;
  // Reads how often each kind fired, then removes every rule (call once, when the traffic is over).
  void collect_and_clear(element_sim::Server& server);
  void print(std::ostream& out) const;
  uint64_t total_fired() const;

 private:
  struct Rule {
    std::string kind;
    std::string spec;
  };
  std::vector<Rule> rules_;
  std::map<std::string, uint64_t> fired_;
};

}  // namespace soak
