/*
 * vdp_operations.h - the operation slots of vdp_plugin (vdp.h), as one list.
 *
 * VDP_OPERATIONS(X) expands X(name) once for every vdp_op_fn member of vdp_plugin that follows
 * free_string, in descriptor order, from create_volume to describe. `setup` is not in the list: it is a
 * lifecycle slot (it sits between create and destroy) although it has the vdp_op_fn signature.
 *
 * Code that needs the operations by name (descriptor tables, dispatch tables, name lists) expands this
 * list instead of spelling the names out, e.g.
 *
 *   #define NAME(op) #op,
 *   static const char *const names[] = {VDP_OPERATIONS(NAME)};
 *   #undef NAME
 *
 * Rules:
 *  - Plain C preprocessor; includes nothing. The list follows vdp_plugin exactly (same members, same
 *    order); a compile-time test (tests/abi/operations_list_test.cpp) proves it.
 *  - A new operation is appended to vdp_plugin (before the "later minors" line) and at the end of this
 *    list, in the same change. Nothing is ever removed or reordered.
 */
#ifndef VDP_VDP_OPERATIONS_H
#define VDP_VDP_OPERATIONS_H

#define VDP_OPERATIONS(X)                \
  X(create_volume)                       \
  X(delete_volume)                       \
  X(extend_volume)                       \
  X(create_snapshot)                     \
  X(delete_snapshot)                     \
  X(create_volume_from_snapshot)         \
  X(create_cloned_volume)                \
  X(revert_to_snapshot)                  \
  X(retype)                              \
  X(migrate_volume)                      \
  X(manage_existing)                     \
  X(manage_existing_get_size)            \
  X(unmanage)                            \
  X(accept_transfer)                     \
  X(create_export)                       \
  X(ensure_export)                       \
  X(remove_export)                       \
  X(initialize_connection)               \
  X(terminate_connection)                \
  X(attach_volume)                       \
  X(detach_volume)                       \
  X(get_volume_stats)                    \
  X(update_provider_info)                \
  X(clone_image)                         \
  X(create_group)                        \
  X(update_group)                        \
  X(delete_group)                        \
  X(create_group_from_src)               \
  X(create_group_snapshot)               \
  X(delete_group_snapshot)               \
  X(create_consistencygroup)             \
  X(update_consistencygroup)             \
  X(delete_consistencygroup)             \
  X(create_consistencygroup_from_src)    \
  X(create_cgsnapshot)                   \
  X(delete_cgsnapshot)                   \
  X(failover_host)                       \
  X(failover)                            \
  X(failover_completed)                  \
  X(freeze_backend)                      \
  X(thaw_backend)                        \
  X(describe)

#endif /* VDP_VDP_OPERATIONS_H */
