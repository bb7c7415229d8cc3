// Removing an Element volume for good (DeleteVolume + PurgeDeletedVolume), on whichever cluster the
// client talks to: the primary's volumes and a replication target's alike.
#pragma once

#include "element_client.h"
#include "volume.h"
#include "volume_lookup.h"

namespace spdlog {
class logger;
}

namespace solidfire {

// Deletes and purges `volume`, re-reading its state after a lost reply; a volume that is gone is
// success. Throws OutcomeUnknownError when every answer was lost.
void remove_element_volume(CallContext& ctx, ElementClient& client, VolumeLookup& lookup, const SfVolume& volume,
                           spdlog::logger& log);

}  // namespace solidfire
