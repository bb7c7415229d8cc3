// DeleteVolume + PurgeDeletedVolume with lost-reply recovery (volume_removal.h).
#include "volume_removal.h"

#include <spdlog/spdlog.h>

namespace solidfire {

void remove_element_volume(CallContext& ctx, ElementClient& client, VolumeLookup& lookup, const SfVolume& volume,
                           spdlog::logger& log) {
  SfVolume v = volume;
  for (int round = 0; round < 3; ++round) {
    Json params = Json::object();
    params.set("volumeID", v.id);
    try {
      if (!v.deleted()) client.call(ctx, element::kDeleteVolume, params);
      client.call(ctx, element::kPurgeDeletedVolume, params);
      log.info("deleted and purged volumeID {}", v.id);
      return;
    } catch (const OutcomeUnknownError& e) {
      log.warn("removing volumeID {}: {}; re-reading its state", v.id, e.message());
    } catch (const Error& e) {
      if (e.backend_error() == element::err::kVolumeIDDoesNotExist) {
        log.info("volumeID {} disappeared while deleting it; nothing left to do", v.id);
        return;
      }
      throw;
    }
    auto now = lookup.by_id(ctx, v.id);
    if (!now) return;  // purged
    v = now->volume;
  }
  throw OutcomeUnknownError("could not confirm the deletion of volumeID " + std::to_string(v.id) +
                            ": every answer was lost; outcome unknown");
}

}  // namespace solidfire
