// The cluster as the simulator reports it over its own JSON-RPC (in process, no HTTP): every volume in
// any state, every snapshot, volume access group and account. Read with no fault rule installed.
#pragma once

#include <string>
#include <vector>

#include <element_sim/server.h>

#include "support.h"

namespace soak {

struct ClusterView {
  std::vector<it::Json> volumes;  // active, deleted (not yet purged) and cloning
  std::vector<it::Json> snapshots;
  std::vector<it::Json> vags;
  std::vector<it::Json> accounts;
  std::string error;  // non-empty when a listing failed: nothing else can be trusted
};

ClusterView read_cluster(element_sim::Server& server);

}  // namespace soak
