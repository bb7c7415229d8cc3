// --sabotage: after the traffic, the cluster is changed behind the host's back, one planted violation
// per invariant, to show that the checks catch what they claim to (a check that cannot fail proves
// nothing). The run then passes only if every planted violation, and nothing else, is reported.
#pragma once

#include <string>
#include <vector>

#include <element_sim/server.h>

#include "host_model.h"

namespace soak {

// Returns the invariant categories (invariants.cpp) that must now fail.
std::vector<std::string> plant_violations(element_sim::Server& server, const HostModel& model);

}  // namespace soak
