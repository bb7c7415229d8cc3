// Request JSON -> typed driver structs. Shapes follow Cinder's object model in snake_case
// (abi/docs/operations.md); unknown members are ignored, a known member of the wrong type is an
// INVALID_ARGUMENT naming its path.
#pragma once

#include <vector>

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
// {id, group_type_id?, group_specs?, project_id?}; the 2.0.6 consistency group has the same shape.
solidfire::Group parse_group(const JsonView& v);
// {id, group_id, group_type_id?, group_specs?, project_id?}; also the 2.0.6 cgsnapshot.
solidfire::GroupSnapshot parse_group_snapshot(const JsonView& v);
// Arrays of objects; absent (or null) is an empty list unless `required`.
std::vector<solidfire::Volume> parse_volume_list(const JsonView& request, const char* key, bool required,
                                                SizeRule size_rule = SizeRule::kOptional);
std::vector<solidfire::Snapshot> parse_snapshot_list(const JsonView& request, const char* key, bool required);

}  // namespace sfplugin
