/*
 * shim.h - C helpers of the Go binding (declarations only; definitions in shim.c).
 *
 * Go cannot call C function pointers, and the plugin's callbacks take const pointers and opaque tokens
 * that Go should only ever see as integers. These helpers sit between the two:
 *  - dlopen/dlsym and the calls through the descriptor's function pointers;
 *  - the vdp_host table (allocated in C memory: the plugin keeps a pointer to it until destroy), whose
 *    callbacks are trampolines into the exported Go functions of host.go;
 *  - the operation slots by index (0 = setup, then VDP_OPERATIONS in descriptor order).
 * Tokens (vdp_config *, vdp_context *) are cgo handles: integers cast to pointers here, back to integers
 * before Go sees them.
 */
#ifndef VDP_GO_SHIM_H
#define VDP_GO_SHIM_H

#include <stddef.h>
#include <stdint.h>

#include <vdp/vdp.h>
#include <vdp/vdp_operations.h>

/* dlopen(path, RTLD_NOW | RTLD_LOCAL); on failure NULL, with dlerror()'s text copied into errbuf. */
void *vdp_go_dlopen(const char *path, char *errbuf, size_t errlen);
/* dlclose(handle). */
void vdp_go_dlclose(void *handle);
/* Looks up vdp_plugin_entry and calls it with this header's VDP_ABI_VERSION. Returns the entry's status,
 * or -1 (errbuf filled) when the symbol is missing. */
vdp_status vdp_go_entry(void *handle, uint32_t *plugin_abi, const vdp_plugin **out, char *errbuf,
                        size_t errlen);
/* Non-zero when the descriptor is long enough to hold every member up to free_string and those
 * lifecycle slots are set. */
int vdp_go_has_core(const vdp_plugin *p);

/* Operation slots by index: 0 = setup, 1.. = VDP_OPERATIONS in descriptor order. */
int vdp_go_op_count(void);
const char *vdp_go_op_name(int index);
/* Non-zero when the plugin serves slot `index` (VDP_PLUGIN_HAS). */
int vdp_go_has_op(const vdp_plugin *p, int index);
/* Calls slot `index`; VDP_E_NOT_SUPPORTED with *out NULL when the slot is absent. */
vdp_status vdp_go_call(const vdp_plugin *p, int index, vdp_driver *drv, uintptr_t ctx, const char *req,
                       size_t req_len, char **out, size_t *out_len);

/* A calloc'd vdp_host whose callbacks forward to Go. with_log / with_locks choose whether the log and
 * the two lock callbacks are set (NULL otherwise: the plugin then falls back, see vdp.h). Release with
 * vdp_go_free_host after destroy. */
vdp_host *vdp_go_new_host(uintptr_t host_data, int with_log, int with_locks);
void vdp_go_free_host(vdp_host *host);

vdp_status vdp_go_create(const vdp_plugin *p, const vdp_host *host, uintptr_t cfg, vdp_driver **drv,
                         char **out, size_t *out_len);
void vdp_go_destroy(const vdp_plugin *p, vdp_driver *drv);
void vdp_go_free_string(const vdp_plugin *p, char *s);

#endif /* VDP_GO_SHIM_H */
