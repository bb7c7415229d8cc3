// The plugin's lifecycle functions and the operations it serves.
#pragma once

#include "slots.h"
#include "vdp/vdp.h"

namespace sfplugin {

vdp_status create(const vdp_host* host, vdp_config* cfg, vdp_driver** drv, char** out, size_t* out_len) noexcept;
void destroy(vdp_driver* drv) noexcept;
void free_string(char* s) noexcept;
vdp_status setup(vdp_driver*, vdp_context*, const char*, size_t, char**, size_t*) noexcept;

// Served operations (each defines Slot<Op::op>::call). Every other operation of VDP_OPERATIONS refuses
// (slots.h) and is left out of describe.

// operations.cpp
VDP_SERVED(create_volume);
VDP_SERVED(delete_volume);
VDP_SERVED(extend_volume);
VDP_SERVED(create_snapshot);
VDP_SERVED(delete_snapshot);
VDP_SERVED(create_volume_from_snapshot);
VDP_SERVED(create_cloned_volume);
VDP_SERVED(revert_to_snapshot);
VDP_SERVED(retype);
VDP_SERVED(migrate_volume);
VDP_SERVED(manage_existing);
VDP_SERVED(manage_existing_get_size);
VDP_SERVED(unmanage);
VDP_SERVED(accept_transfer);
VDP_SERVED(create_export);
VDP_SERVED(ensure_export);
VDP_SERVED(remove_export);
VDP_SERVED(initialize_connection);
VDP_SERVED(terminate_connection);
VDP_SERVED(attach_volume);
VDP_SERVED(detach_volume);
VDP_SERVED(get_volume_stats);
VDP_SERVED(update_provider_info);
VDP_SERVED(describe);

// group_operations.cpp: groups and the 2.0.6 consistency-group names, one code path.
VDP_SERVED(create_group);
VDP_SERVED(update_group);
VDP_SERVED(delete_group);
VDP_SERVED(create_group_from_src);
VDP_SERVED(create_group_snapshot);
VDP_SERVED(delete_group_snapshot);
VDP_SERVED(create_consistencygroup);
VDP_SERVED(update_consistencygroup);
VDP_SERVED(delete_consistencygroup);
VDP_SERVED(create_consistencygroup_from_src);
VDP_SERVED(create_cgsnapshot);
VDP_SERVED(delete_cgsnapshot);

// replication_operations.cpp
VDP_SERVED(freeze_backend);
VDP_SERVED(thaw_backend);
VDP_SERVED(failover_host);
VDP_SERVED(failover);
VDP_SERVED(failover_completed);

}  // namespace sfplugin
