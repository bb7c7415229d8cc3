// The fault matrix: a scenario's fault-free baseline (the write methods its operation sends and the
// cluster it leaves), one cell per (write method, fault), and the printed table.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "scenarios.h"

namespace faults {

// One injected fault, armed with count=1 on one method.
struct Fault {
  std::string name;    // the table's column
  std::string action;  // the element-sim action: error=..., drop, reset, latency=..., http=503
  bool lost_reply;     // the write may have been applied without its answer reaching the driver
};
const std::vector<Fault>& fault_kinds();

// Write methods of driver/src/element_api.h (writes=true), read from the header itself.
const std::vector<std::string>& write_methods();

struct Baseline {
  std::vector<std::string> writes;  // write methods the operation sent, in element_api.h order
  std::string counts;               // e.g. "CreateVolume AddAccount" with xN for repeats
  std::string dump;                 // the cluster afterwards
};

struct Cell {
  std::string scenario, method, fault;
  bool pass = false;
  std::string statuses;  // e.g. "OK", "TIMEOUT->OK"
  std::string why;       // what failed (empty on PASS)
  double seconds = 0;    // the whole cell: starting state, faulted call, repeat, dump
};

// Runs the scenario twice without faults on a reset cluster; throws SetupError when a run fails or the
// two dumps differ (the normalisation would then hide nothing reliably).
Baseline run_baseline(it::Sim& sim, const Scenario& s);
Cell run_cell(it::Sim& sim, const Scenario& s, const std::string& method, const Fault& fault, const Baseline& base);

void print_table(std::ostream& out, const std::vector<Cell>& cells);

}  // namespace faults
