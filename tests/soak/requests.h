// Request objects as a volume service sends them, built from the host model (abi/docs/operations.md).
// Callers hold the volume's mutex while a builder reads it.
#pragma once

#include <string>

#include "host_model.h"

namespace soak {

std::string type_json(const VolumeType& type);
// The "volume" object of a volume the host created (type, size and the model update it stored).
std::string volume_json(const VolumeRec& v);
// The "volume" object of a volume about to be created.
std::string new_volume_json(const std::string& id, int64_t size_gib, const std::string& project, size_t type);
std::string snapshot_json(const SnapshotRec& s, const VolumeRec& parent, bool with_provider_id);
std::string connector_json(const std::string& iqn);

// Stores provider_id/location/auth from a create-like result; false when provider_id is missing.
bool store_model_update(VolumeRec& v, const std::string& result_json);

}  // namespace soak
