// Command line of vdp_soak.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace soak {

struct Options {
  uint64_t seed = 0;         // 0 on the command line = pick one (printed)
  double seconds = 60;       // how long callers keep starting operations
  int threads = 8;           // caller threads (16 under ThreadSanitizer)
  double fault_rate = 0.02;  // probability that one Element RPC meets an injected fault
  int drivers = 3;           // 1: one VAG driver; 2: + a driver without VAGs; 3: + a second VAG instance
  int private_cap = 4;       // live private volumes per caller
  int shared_cap = 12;       // live shared volumes
  int snapshot_cap = 3;      // snapshots per volume
  double check_every = 20;   // seconds between checkpoints (callers paused, faults off, full checks); 0 = end only
  int max_repeats = 8;       // repeats of one operation before the host gives up
  bool cleanup = true;       // delete everything at the end and check that nothing is left
  std::vector<std::string> extra_faults;  // --fault SPEC: more element-sim rules (to aim at one method)
  bool sabotage = false;                  // plant violations before the checks and expect exactly those (no cleanup)
  bool verbose = false;                   // print every failure (not only the first ones)
};

// Parses argv; prints usage and exits on --help or a bad argument.
Options parse_options(int argc, char** argv);

}  // namespace soak
