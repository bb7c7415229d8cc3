// shim.c - definitions of the C helpers declared in shim.h: dlopen, calls through the descriptor's
// function pointers, the operation slot table and the vdp_host trampolines into Go (host.go).
#include "shim.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "_cgo_export.h"

static void copy_error(char *errbuf, size_t errlen, const char *text) {
  if (errbuf == NULL || errlen == 0) return;
  snprintf(errbuf, errlen, "%s", text != NULL ? text : "unknown error");
}

void *vdp_go_dlopen(const char *path, char *errbuf, size_t errlen) {
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL) copy_error(errbuf, errlen, dlerror());
  return handle;
}

void vdp_go_dlclose(void *handle) {
  if (handle != NULL) dlclose(handle);
}

vdp_status vdp_go_entry(void *handle, uint32_t *plugin_abi, const vdp_plugin **out, char *errbuf,
                        size_t errlen) {
  dlerror(); /* clear */
  void *sym = dlsym(handle, VDP_PLUGIN_ENTRY_SYMBOL);
  if (sym == NULL) {
    copy_error(errbuf, errlen, dlerror());
    return -1;
  }
  vdp_plugin_entry_fn entry;
  memcpy(&entry, &sym, sizeof entry); /* object pointer to function pointer, as POSIX allows */
  return entry(VDP_ABI_VERSION, plugin_abi, out);
}

int vdp_go_has_core(const vdp_plugin *p) {
  return p != NULL && VDP_PLUGIN_HAS(p, create) && VDP_PLUGIN_HAS(p, destroy) && VDP_PLUGIN_HAS(p, free_string);
}

/* ---- operation slots ---- */

#define VDP_GO_NAME(op) #op,
#define VDP_GO_OFFSET(op) offsetof(vdp_plugin, op),
static const char *const op_names[] = {"setup", VDP_OPERATIONS(VDP_GO_NAME)};
static const size_t op_offsets[] = {offsetof(vdp_plugin, setup), VDP_OPERATIONS(VDP_GO_OFFSET)};
#undef VDP_GO_NAME
#undef VDP_GO_OFFSET

enum { OP_COUNT = (int)(sizeof op_names / sizeof op_names[0]) };

int vdp_go_op_count(void) { return OP_COUNT; }

const char *vdp_go_op_name(int index) { return (index >= 0 && index < OP_COUNT) ? op_names[index] : NULL; }

static vdp_op_fn op_slot(const vdp_plugin *p, int index) {
  if (p == NULL || index < 0 || index >= OP_COUNT) return NULL;
  const size_t off = op_offsets[index];
  if (p->struct_size < off + sizeof(vdp_op_fn)) return NULL; /* an older, shorter descriptor */
  vdp_op_fn fn;
  memcpy(&fn, (const char *)p + off, sizeof fn);
  return fn;
}

int vdp_go_has_op(const vdp_plugin *p, int index) { return op_slot(p, index) != NULL; }

vdp_status vdp_go_call(const vdp_plugin *p, int index, vdp_driver *drv, uintptr_t ctx, const char *req,
                       size_t req_len, char **out, size_t *out_len) {
  vdp_op_fn fn = op_slot(p, index);
  *out = NULL;
  if (out_len != NULL) *out_len = 0;
  if (fn == NULL) return VDP_E_NOT_SUPPORTED;
  return fn(drv, (vdp_context *)ctx, req, req_len, out, out_len);
}

/* ---- host callbacks: trampolines into Go (exported in host.go) ---- */

static vdp_status tr_config_get(uintptr_t hd, vdp_config *cfg, const char *key, char *buf, size_t buf_len,
                                size_t *needed) {
  return vdpGoConfigGet(hd, (uintptr_t)cfg, (char *)key, buf, buf_len, needed);
}

static vdp_status tr_context_get(uintptr_t hd, vdp_context *ctx, const char *key, char *buf, size_t buf_len,
                                 size_t *needed) {
  return vdpGoContextGet(hd, (uintptr_t)ctx, (char *)key, buf, buf_len, needed);
}

static int64_t tr_context_remaining_ms(uintptr_t hd, vdp_context *ctx) {
  return vdpGoContextRemainingMs(hd, (uintptr_t)ctx);
}

static int32_t tr_context_cancelled(uintptr_t hd, vdp_context *ctx) {
  return vdpGoContextCancelled(hd, (uintptr_t)ctx);
}

static void tr_context_progress(uintptr_t hd, vdp_context *ctx, uint64_t done, uint64_t total,
                                const char *message) {
  vdpGoContextProgress(hd, (uintptr_t)ctx, done, total, (char *)message);
}

static void tr_log(uintptr_t hd, vdp_context *ctx, int32_t level, const char *message) {
  vdpGoLog(hd, (uintptr_t)ctx, level, (char *)message);
}

static vdp_status tr_lock_acquire(uintptr_t hd, vdp_context *ctx, const char *name, int64_t timeout_ms,
                                  uint64_t *token) {
  return vdpGoLockAcquire(hd, (uintptr_t)ctx, (char *)name, timeout_ms, token);
}

static vdp_status tr_lock_release(uintptr_t hd, uint64_t token) { return vdpGoLockRelease(hd, token); }

vdp_host *vdp_go_new_host(uintptr_t host_data, int with_log, int with_locks) {
  vdp_host *h = (vdp_host *)calloc(1, sizeof(vdp_host));
  if (h == NULL) return NULL;
  h->struct_size = (uint32_t)sizeof(vdp_host);
  h->reserved0 = 0;
  h->host_data = host_data;
  h->config_get = tr_config_get;
  h->context_get = tr_context_get;
  h->context_remaining_ms = tr_context_remaining_ms;
  h->context_cancelled = tr_context_cancelled;
  h->context_progress = tr_context_progress;
  if (with_log) h->log = tr_log;
  if (with_locks) {
    h->lock_acquire = tr_lock_acquire;
    h->lock_release = tr_lock_release;
  }
  return h;
}

void vdp_go_free_host(vdp_host *host) { free(host); }

vdp_status vdp_go_create(const vdp_plugin *p, const vdp_host *host, uintptr_t cfg, vdp_driver **drv,
                         char **out, size_t *out_len) {
  *drv = NULL;
  *out = NULL;
  if (out_len != NULL) *out_len = 0;
  return p->create(host, (vdp_config *)cfg, drv, out, out_len);
}

void vdp_go_destroy(const vdp_plugin *p, vdp_driver *drv) { p->destroy(drv); }

void vdp_go_free_string(const vdp_plugin *p, char *s) { p->free_string(s); }
