// The scenarios of the fault matrix: for each mutating operation, a starting state built through the
// driver on an empty cluster, and the call under test as a host sends it. Every run makes fresh
// objects with unique names and registers them as placeholders, so the cluster dumps of two runs
// compare as strings.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cluster_dump.h"
#include "support.h"

namespace faults {

namespace vh = vdp::host;

// Thrown when the fault-free part of a run (the starting state) fails.
struct SetupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One scenario run: the cluster, a driver configured for the scenario, and the run's placeholders.
struct Run {
  it::Sim& sim;
  vh::Driver& driver;
  Tokens& tokens;

  std::string uuid(const std::string& label);  // a fresh uuid, known as <label>
  std::string name(const std::string& label);  // a fresh unique name, known as <label>
  std::string iqn(const std::string& label);   // a fresh initiator IQN, and the VAG name made of it
  // Runs a setup call without faults; throws SetupError unless it succeeds.
  it::Json must(const std::string& op, const std::string& request);
};

// The operation under test, as the host sends it (and repeats it).
struct Call {
  std::string op;
  std::string request;
};

struct Scenario {
  std::string name;      // the table's row, e.g. "terminate_connection(vag)"
  vh::ConfigMap config;  // driver configuration on top of the simulator's
  std::function<Call(Run&)> prepare;
};

const std::vector<Scenario>& scenarios();

}  // namespace faults
