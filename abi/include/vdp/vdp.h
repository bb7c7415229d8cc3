/*
 * vdp.h - the volume driver plugin ABI, version 1.
 *
 * A vdp plugin is a shared object that exports exactly one symbol, vdp_plugin_entry. Through it a host
 * obtains a static descriptor (vdp_plugin) whose function pointers create a driver and run operations.
 * Every operation takes a UTF-8 JSON request and returns a UTF-8 JSON result or error object.
 *
 * Rules that hold for every declaration below:
 *  - Plain C (C99/C11 and C++), LP64. Structs use fixed-width integers and pointers only; every struct
 *    starts with `uint32_t struct_size` so it can grow by appending members (check with VDP_*_HAS).
 *  - Return codes are authoritative. A failed call still returns an error object in *out (see
 *    "Error object") unless the plugin could not allocate, in which case *out is NULL.
 *  - Memory: strings the plugin returns through `out` belong to the plugin until the host passes them to
 *    plugin->free_string. Requests are borrowed for the duration of the call only. Host callbacks never
 *    return memory for the plugin to free: getters copy into a caller-provided buffer.
 *  - No exception, panic, longjmp or abort crosses this boundary in either direction.
 *
 * Nothing in this header is specific to one storage backend.
 */
#ifndef VDP_VDP_H
#define VDP_VDP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------------
 * Versions
 * ------------------------------------------------------------------------------------------------ */

/* A version is major << 16 | minor. Same major = compatible; a higher minor only appends. */
/* (Written without casts so C++ users compiling with -Wold-style-cast stay warning-free.) */
#define VDP_MAKE_VERSION(major, minor) (((((major) + 0u) & 0xffffu) << 16) | (((minor) + 0u) & 0xffffu))
#define VDP_VERSION_MAJOR(v) ((((v) + 0u) >> 16) & 0xffffu)
#define VDP_VERSION_MINOR(v) (((v) + 0u) & 0xffffu)

/* Version of the struct/function ABI in this header. */
#define VDP_ABI_VERSION VDP_MAKE_VERSION(1, 0)
/* Version of the JSON request/result shapes (abi/docs/operations.md). Minors only add fields. */
#define VDP_SCHEMA_VERSION VDP_MAKE_VERSION(1, 0)

/* ---------------------------------------------------------------------------------------------------
 * Status codes. Numbers are stable and never reused. A host that meets a number it does not know
 * treats it as VDP_E_INTERNAL and keeps the number for its logs.
 *
 * Outcome of a failed operation. Every operation is idempotent, and a failure says which of two cases
 * the host is in:
 *  - "outcome unknown": a change may have been applied on the backend (a write's reply was lost, or
 *    the deadline or a cancellation stopped the operation after it had changed something). The status
 *    is VDP_E_TIMEOUT or VDP_E_CANCELLED and the error object has "outcome_unknown": true. Repeat the
 *    same request: its result is the outcome (success, or the error it really meets). Do not assume
 *    the object is absent, and do not issue a different request for it meanwhile.
 *  - every other failure ("outcome_unknown": false): no request of this call is in doubt. Nothing was
 *    changed, except steps the operation had completed (an account created for a new volume, ...),
 *    which a repeat reuses. VDP_E_UNAVAILABLE and VDP_E_ABORTED are worth retrying later;
 *    VDP_E_TIMEOUT / VDP_E_CANCELLED with "outcome_unknown": false stopped before any change.
 *
 * Precedence: when several refusals apply to one call, the first of these wins: VDP_E_INVALID_ARGUMENT
 * for a broken pointer contract (NULL drv, req or out; with out NULL there is no error object), then
 * VDP_E_NOT_SUPPORTED for a slot the plugin does not serve (it can never succeed, whatever the state or
 * request), then VDP_E_UNAVAILABLE before a successful setup (for every operation but setup and describe,
 * whatever the request: nothing the backend serves is reachable yet, and a retry after setup meets the
 * request checks), then VDP_E_INVALID_ARGUMENT for a request that is not valid JSON or lacks a member.
 * ------------------------------------------------------------------------------------------------ */

typedef int32_t vdp_status;

#define VDP_OK                    0  /* success */
#define VDP_E_INVALID_ARGUMENT    1  /* malformed request or bad value; details.field names it (see below) */
#define VDP_E_NOT_FOUND           2  /* the object does not exist */
#define VDP_E_ALREADY_EXISTS      3  /* a conflicting object exists */
#define VDP_E_FAILED_PRECONDITION 4  /* state forbids it (has snapshots, busy, not set up) */
#define VDP_E_RESOURCE_EXHAUSTED  5  /* cluster or account limits */
#define VDP_E_ABORTED             6  /* lost a race; the operation may be retried */
#define VDP_E_NOT_SUPPORTED       7  /* operation or option not implemented by this plugin */
#define VDP_E_CONFIG              8  /* configuration invalid; the message names the option */
#define VDP_E_AUTH                9  /* the backend rejected the credentials */
#define VDP_E_BACKEND            10  /* the backend returned an error not covered above */
#define VDP_E_UNAVAILABLE        11  /* backend unreachable, busy or not set up yet: not done, retry later */
#define VDP_E_TIMEOUT            12  /* deadline passed or a reply was lost; see "outcome_unknown" above */
#define VDP_E_CANCELLED          13  /* cancelled by the host; see "outcome_unknown" above */
#define VDP_E_ABI_MISMATCH       14  /* host and plugin majors differ */
#define VDP_E_INTERNAL           15  /* bug or unexpected condition inside the plugin */
#define VDP_E_BUFFER_TOO_SMALL   16  /* host getters only: buf is NULL or shorter than *needed; retry */

/* Name of a status as used in the error object's "status" member; "INTERNAL" for unknown numbers. */
static inline const char *vdp_status_name(vdp_status s) {
  switch (s) {
    case VDP_OK: return "OK";
    case VDP_E_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case VDP_E_NOT_FOUND: return "NOT_FOUND";
    case VDP_E_ALREADY_EXISTS: return "ALREADY_EXISTS";
    case VDP_E_FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case VDP_E_RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case VDP_E_ABORTED: return "ABORTED";
    case VDP_E_NOT_SUPPORTED: return "NOT_SUPPORTED";
    case VDP_E_CONFIG: return "CONFIG";
    case VDP_E_AUTH: return "AUTH";
    case VDP_E_BACKEND: return "BACKEND";
    case VDP_E_UNAVAILABLE: return "UNAVAILABLE";
    case VDP_E_TIMEOUT: return "TIMEOUT";
    case VDP_E_CANCELLED: return "CANCELLED";
    case VDP_E_ABI_MISMATCH: return "ABI_MISMATCH";
    case VDP_E_BUFFER_TOO_SMALL: return "BUFFER_TOO_SMALL";
    default: return "INTERNAL";
  }
}

/*
 * Error object (UTF-8 JSON, returned in *out when a call fails):
 *   {"status":"NOT_FOUND","code":2,"message":"volume 5f0c... not found","operation":"delete_volume",
 *    "backend_error":"xVolumeIDDoesNotExist","retryable":false,"outcome_unknown":false,
 *    "request_id":"req-1","details":{}}
 * "status" equals vdp_status_name(rc) and "code" equals rc. "outcome_unknown" is true only with
 * VDP_E_TIMEOUT or VDP_E_CANCELLED (see the status codes); "retryable" is then true as well. For VDP_E_INVALID_ARGUMENT and VDP_E_CONFIG,
 * details.field names the offending request field (dotted path) or configuration option; an
 * INVALID_ARGUMENT the backend raised (backend_error set, e.g. "xInvalidParameter") has none when the
 * backend does not say which field it refused. Messages never
 * contain secrets: configured passwords and the CHAP secrets the plugin has seen are replaced by "***" in
 * error objects and log lines, even when a host hands a password out under another option's name.
 */

/* ---------------------------------------------------------------------------------------------------
 * Opaque handles
 * ------------------------------------------------------------------------------------------------ */

/* Owned by the plugin: made by create, released by destroy. */
typedef struct vdp_driver vdp_driver;
/* Owned by the host. The plugin never dereferences these: it only hands them back to host callbacks,
 * so a host may pass any non-NULL token (an index, a cgo.Handle cast to a pointer, ...). */
typedef struct vdp_config vdp_config;
typedef struct vdp_context vdp_context;

/* ---------------------------------------------------------------------------------------------------
 * Host services, handed to create and valid until destroy returns.
 *
 * Every callback may be NULL; the plugin then falls back (no configuration beyond defaults, no
 * logging, no deadline, never cancelled, one in-process lock table for all its drivers). Callbacks:
 *  - are called only on the thread that is inside a plugin call, during that call;
 *  - must not re-enter the plugin, unwind, panic or longjmp;
 *  - must be thread-safe (a driver serves concurrent calls);
 *  - never receive or return memory the other side must free.
 * The plugin never calls the host while holding one of its own locks.
 * ------------------------------------------------------------------------------------------------ */

#define VDP_LOG_TRACE 0
#define VDP_LOG_DEBUG 1
#define VDP_LOG_INFO  2
#define VDP_LOG_WARN  3
#define VDP_LOG_ERROR 4

/* "No deadline" value of context_remaining_ms. */
#define VDP_NO_DEADLINE INT64_MAX

typedef struct vdp_host {
  uint32_t struct_size; /* sizeof(vdp_host) as the host was compiled */
  uint32_t reserved0;   /* must be 0 */
  uintptr_t host_data;  /* passed back verbatim as the first argument of every callback */

  /*
   * Getters (PKCS#11 style). Copy the NUL-terminated UTF-8 value into buf when buf_len >= its size and
   * return VDP_OK; always set *needed to the size including the NUL. If buf is NULL or too small, return
   * VDP_E_BUFFER_TOO_SMALL (nothing written; call again with a buffer of *needed bytes); if the key is
   * absent, VDP_E_NOT_FOUND. Any other status is a failure of the getter, never a request to retry.
   * config_get keys are the backend's option names (for SolidFire, Cinder's: "san_ip", ...).
   * context_get keys: "request_id", "project_id", "user_id" (hosts may offer more). A plugin documents
   * which it reads (SolidFire: "request_id" only, echoed in error objects and log lines); an error
   * object's "operation" is the plugin's own, never read from the host.
   */
  vdp_status (*config_get)(uintptr_t host_data, vdp_config *cfg, const char *key, char *buf, size_t buf_len,
                           size_t *needed); /* VDP_OK, VDP_E_BUFFER_TOO_SMALL or VDP_E_NOT_FOUND */
  /* VDP_OK, VDP_E_BUFFER_TOO_SMALL or VDP_E_NOT_FOUND, exactly as config_get. */
  vdp_status (*context_get)(uintptr_t host_data, vdp_context *ctx, const char *key, char *buf,
                            size_t buf_len, size_t *needed);

  /* Milliseconds left before the call's deadline: VDP_NO_DEADLINE = none, <= 0 = expired. Read once at
   * the start of a call; the plugin keeps time with its own monotonic clock from there. */
  int64_t (*context_remaining_ms)(uintptr_t host_data, vdp_context *ctx);
  /* Non-zero once the host wants the call to stop. Polled about every 100 ms during waits. */
  int32_t (*context_cancelled)(uintptr_t host_data, vdp_context *ctx);
  /* Progress of a long wait; total 0 = unknown. message is borrowed for the duration of the callback. */
  void (*context_progress)(uintptr_t host_data, vdp_context *ctx, uint64_t done, uint64_t total,
                           const char *message);

  /* One log line (UTF-8, no trailing newline, never a secret). ctx may be NULL outside a call. */
  void (*log)(uintptr_t host_data, vdp_context *ctx, int32_t level, const char *message);

  /*
   * Named locks the host may back with a distributed lock service. The lock is held only when
   * lock_acquire returns VDP_OK and sets *token != 0; release it exactly once with that token.
   * timeout_ms < 0 waits without limit (still bounded by the context); 0 tries once without waiting.
   * On timeout return VDP_E_TIMEOUT; when the context is cancelled while waiting, VDP_E_CANCELLED (the
   * operation then fails with those statuses). Any other status is a refusal: the operation fails with
   * VDP_E_UNAVAILABLE, retryable, and has changed nothing. lock_release's status is not looked at: the
   * operation's result stands, so a host whose release can fail must let the lock lapse itself (a lease).
   * Provide both callbacks or neither (one alone makes create fail with VDP_E_CONFIG).
   * Every driver that manages the same backend, in this process or on other machines, must see the same
   * lock namespace: the locks are what keep their changes to shared cluster objects apart.
   */
  vdp_status (*lock_acquire)(uintptr_t host_data, vdp_context *ctx, const char *name, int64_t timeout_ms,
                             uint64_t *token);
  vdp_status (*lock_release)(uintptr_t host_data, uint64_t token);
} vdp_host;

/* True when the struct behind `ptr`, as its producer compiled it, is long enough to hold `field`. */
#define VDP_STRUCT_HAS(ptr, type, field) ((ptr)->struct_size >= offsetof(type, field) + sizeof((ptr)->field))
#define VDP_HOST_HAS(h, field) (VDP_STRUCT_HAS((h), vdp_host, field) && (h)->field != NULL)

/* ---------------------------------------------------------------------------------------------------
 * Operations
 *
 * Every operation (setup included) has this signature.
 *   drv      the driver made by create; never NULL.
 *   ctx      the host's context token for this call (request id, deadline, cancellation); may be NULL.
 *   req      UTF-8 JSON object, req_len bytes, borrowed for the call; need not be NUL-terminated; never
 *            NULL. Anything outside RFC 8259's grammar (leading zeros, "1.", ".5", raw control characters
 *            in strings, invalid escapes, trailing data, ...), an embedded NUL or "\u0000", invalid UTF-8,
 *            unpaired surrogate escapes, duplicate keys, nesting deeper than 64 or numbers outside
 *            +/-(2^53-1) are VDP_E_INVALID_ARGUMENT (details.field "request"). Unknown members are
 *            ignored; null equals absent.
 *   out      receives the result object (success) or the error object (failure), NUL-terminated;
 *            release with plugin->free_string. NULL only if the plugin could not allocate.
 *   out_len  receives strlen(*out); may be NULL.
 * Operations on one driver may run concurrently from any threads, including a different OS thread for
 * every call. Before a successful setup, operations (describe excepted) return VDP_E_UNAVAILABLE; see
 * "Precedence" at the status codes for which refusal wins. Results and error objects are valid UTF-8
 * whatever the backend or configuration held (invalid sequences become U+FFFD). Operations are
 * idempotent: after "outcome_unknown": true (status codes above), repeating the request tells.
 * Request and result shapes: abi/docs/operations.md.
 * ------------------------------------------------------------------------------------------------ */

typedef vdp_status (*vdp_op_fn)(vdp_driver *drv, vdp_context *ctx, const char *req, size_t req_len, char **out,
                                size_t *out_len);

/*
 * Validates configuration (read through host->config_get with cfg) and makes a driver. No network I/O.
 * On failure *drv is NULL and *out holds an error object (VDP_E_CONFIG names the option in its message
 * and details.field). A value that is not valid UTF-8, or a config_get that breaks its protocol for a key
 * (a status other than OK/BUFFER_TOO_SMALL/NOT_FOUND, no NUL, a size that keeps changing), is VDP_E_CONFIG
 * naming that key. On success
 * *out is a result object such as {"warnings":[...]} (may be NULL). host must stay valid, and its
 * callbacks callable, until destroy returns; cfg is only used during create.
 */
typedef vdp_status (*vdp_create_fn)(const vdp_host *host, vdp_config *cfg, vdp_driver **drv, char **out,
                                    size_t *out_len);
/* Releases a driver. Not concurrent with any other call on it; NULL is ignored. Never call it from a
 * forked child on a driver inherited from the parent: the child creates its own driver. */
typedef void (*vdp_destroy_fn)(vdp_driver *drv);
/* Releases a string returned through `out`, wiping it first (it may hold secrets). Accepts NULL,
 * thread-safe, valid even after destroy. */
typedef void (*vdp_free_string_fn)(char *s);

/*
 * The plugin descriptor: static, immutable, valid for the life of the process (plugins are linked with
 * -z nodelete and are never unloaded). Slots are only ever appended; a NULL slot means "not supported".
 * Test for a slot with VDP_PLUGIN_HAS(p, slot) before calling it. vdp_operations.h lists the operation
 * slots after free_string as an X-macro (VDP_OPERATIONS); a new slot goes at the end of both.
 */
typedef struct vdp_plugin {
  uint32_t struct_size;    /* sizeof(vdp_plugin) as the plugin was compiled */
  uint32_t abi_version;    /* VDP_ABI_VERSION of the plugin */
  uint32_t schema_version; /* VDP_SCHEMA_VERSION of the plugin's JSON shapes */
  uint32_t reserved0;      /* 0 */
  const char *name;           /* e.g. "solidfire" (static, UTF-8) */
  const char *vendor;         /* static, UTF-8 */
  const char *driver_version; /* static, UTF-8 */

  vdp_create_fn create;
  vdp_op_fn setup; /* contacts the backend; may fail with VDP_E_UNAVAILABLE/AUTH and be called again */
  vdp_destroy_fn destroy;
  vdp_free_string_fn free_string;

  /* ---- v1.0 operations ---- */
  vdp_op_fn create_volume;
  vdp_op_fn delete_volume;
  vdp_op_fn extend_volume;
  vdp_op_fn create_snapshot;
  vdp_op_fn delete_snapshot;
  vdp_op_fn create_volume_from_snapshot;
  vdp_op_fn create_cloned_volume;
  vdp_op_fn revert_to_snapshot;
  vdp_op_fn retype;
  vdp_op_fn migrate_volume;
  vdp_op_fn manage_existing;
  vdp_op_fn manage_existing_get_size;
  vdp_op_fn unmanage;
  vdp_op_fn accept_transfer;
  vdp_op_fn create_export;
  vdp_op_fn ensure_export;
  vdp_op_fn remove_export;
  vdp_op_fn initialize_connection;
  vdp_op_fn terminate_connection;
  vdp_op_fn attach_volume;
  vdp_op_fn detach_volume;
  vdp_op_fn get_volume_stats;
  vdp_op_fn update_provider_info;
  vdp_op_fn clone_image;
  vdp_op_fn create_group;
  vdp_op_fn update_group;
  vdp_op_fn delete_group;
  vdp_op_fn create_group_from_src;
  vdp_op_fn create_group_snapshot;
  vdp_op_fn delete_group_snapshot;
  vdp_op_fn create_consistencygroup; /* 2.0.6 names: same code as the group operations */
  vdp_op_fn update_consistencygroup;
  vdp_op_fn delete_consistencygroup;
  vdp_op_fn create_consistencygroup_from_src;
  vdp_op_fn create_cgsnapshot;
  vdp_op_fn delete_cgsnapshot;
  vdp_op_fn failover_host;
  vdp_op_fn failover;
  vdp_op_fn failover_completed;
  vdp_op_fn freeze_backend;
  vdp_op_fn thaw_backend;
  vdp_op_fn describe; /* operations, capabilities and schema version of this plugin */
  /* ---- later minors append here (and at the end of VDP_OPERATIONS) ---- */
} vdp_plugin;

#define VDP_PLUGIN_HAS(p, field) (VDP_STRUCT_HAS((p), vdp_plugin, field) && (p)->field != NULL)

/* ---------------------------------------------------------------------------------------------------
 * Entry point: the only symbol a plugin exports. It can never change.
 *
 * host_abi    the host's VDP_ABI_VERSION.
 * plugin_abi  always receives the plugin's VDP_ABI_VERSION (also on mismatch, so hosts can log both).
 * out         receives the static descriptor when the majors match; NULL otherwise.
 * Returns VDP_OK, VDP_E_ABI_MISMATCH (different major) or VDP_E_INVALID_ARGUMENT (NULL pointers).
 * Pure, thread-safe and repeatable: no global initialisation happens here.
 * ------------------------------------------------------------------------------------------------ */

#define VDP_PLUGIN_ENTRY_SYMBOL "vdp_plugin_entry"

typedef vdp_status (*vdp_plugin_entry_fn)(uint32_t host_abi, uint32_t *plugin_abi, const vdp_plugin **out);

#if defined(__GNUC__)
#define VDP_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define VDP_PLUGIN_EXPORT
#endif

VDP_PLUGIN_EXPORT vdp_status vdp_plugin_entry(uint32_t host_abi, uint32_t *plugin_abi, const vdp_plugin **out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* VDP_VDP_H */
