// Invariants of the cluster against the host's model, checked with no fault rule installed:
//  - every Cinder volume id names one active volume at most (no duplicate from a repeated create);
//  - no orphan: every volume and snapshot on the cluster is in the model (deleted volumes are purged);
//  - every model volume exists with the size, QoS and account it was given, and its snapshots exist;
//  - VAGs hold only existing volumes, exactly the connections the model has, and none is left empty;
//  - accounts are unique per project and hold their project's volumes.
// Objects whose operation ended in an error the host gave up on are skipped (each was a failure).
#pragma once

#include <set>
#include <string>

#include "cluster_view.h"
#include "host_model.h"
#include "stats.h"

namespace soak {

void check_against_model(const ClusterView& cluster, const HostModel& model, Stats& stats);
// After the cleanup deleted every model volume: nothing of ours is left but the accounts.
void check_cleaned(const ClusterView& cluster, const HostModel& model, Stats& stats);

}  // namespace soak
