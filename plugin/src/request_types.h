// Request JSON -> typed driver structs. Shapes follow Cinder's object model in snake_case
// (abi/docs/operations.md); unknown members are ignored, a known member of the wrong type is an
// INVALID_ARGUMENT naming its path.
#pragma once

#include "solidfire/types.h"
#include "strict_json.h"

namespace sfplugin {

enum class SizeRule { kOptional, kRequired };

solidfire::Volume parse_volume(const JsonView& v, SizeRule size_rule);
solidfire::Connector parse_connector(const JsonView& v, bool initiator_required);
solidfire::Snapshot parse_snapshot(const JsonView& v);
solidfire::VolumeType parse_volume_type(const JsonView& t);
// {"source-id": "<volumeID>" or <volumeID>} or {"name": "<Element volume name>"}.
solidfire::ExistingRef parse_existing_ref(const JsonView& v);

}  // namespace sfplugin
