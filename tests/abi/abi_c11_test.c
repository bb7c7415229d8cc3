/*
 * abi_c11_test.c - a strict C11 consumer of the vdp ABI.
 *
 * Compiled with -std=c11 -pedantic -Wall -Wextra -Werror. It pins the struct layout at compile time
 * (offsetof/sizeof of every member of vdp_host and vdp_plugin on LP64), checks the status numbers, names
 * and version macros, and then, at run time:
 *   - dlopen()s the plugin (argv[1]) with RTLD_NOW | RTLD_LOCAL and negotiates the ABI (matching major,
 *     foreign major -> ABI_MISMATCH with *plugin_abi still written and *out NULL, NULL args);
 *   - starts element-sim (argv[2]) as a child process and drives create / setup / create_volume /
 *     delete_volume / destroy through C host callbacks;
 *   - sends malformed requests and checks INVALID_ARGUMENT with an error object naming the field;
 *   - reloads the plugin (dlopen -> create -> destroy -> dlclose -> dlopen -> create -> destroy).
 *
 * Usage: abi_c11_test <plugin.so> <element-sim>
 */
#define _POSIX_C_SOURCE 200809L

#include <vdp/vdp.h>

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------------------------------------------
 * Compile-time layout (LP64 Linux). A failure here means the ABI changed shape.
 * ------------------------------------------------------------------------------------------------ */

_Static_assert(sizeof(void *) == 8 && sizeof(size_t) == 8 && sizeof(uintptr_t) == 8, "LP64 only");
_Static_assert(sizeof(vdp_status) == 4, "vdp_status is int32_t");
_Static_assert((vdp_status)-1 < 0, "vdp_status is signed");
_Static_assert(sizeof(vdp_op_fn) == 8, "function pointers are 8 bytes");

/* vdp_host */
_Static_assert(offsetof(vdp_host, struct_size) == 0, "vdp_host.struct_size");
_Static_assert(sizeof(((vdp_host *)0)->struct_size) == 4, "vdp_host.struct_size size");
_Static_assert(offsetof(vdp_host, reserved0) == 4, "vdp_host.reserved0");
_Static_assert(sizeof(((vdp_host *)0)->reserved0) == 4, "vdp_host.reserved0 size");
_Static_assert(offsetof(vdp_host, host_data) == 8, "vdp_host.host_data");
_Static_assert(sizeof(((vdp_host *)0)->host_data) == 8, "vdp_host.host_data size");
_Static_assert(offsetof(vdp_host, config_get) == 16, "vdp_host.config_get");
_Static_assert(offsetof(vdp_host, context_get) == 24, "vdp_host.context_get");
_Static_assert(offsetof(vdp_host, context_remaining_ms) == 32, "vdp_host.context_remaining_ms");
_Static_assert(offsetof(vdp_host, context_cancelled) == 40, "vdp_host.context_cancelled");
_Static_assert(offsetof(vdp_host, context_progress) == 48, "vdp_host.context_progress");
_Static_assert(offsetof(vdp_host, log) == 56, "vdp_host.log");
_Static_assert(offsetof(vdp_host, lock_acquire) == 64, "vdp_host.lock_acquire");
_Static_assert(offsetof(vdp_host, lock_release) == 72, "vdp_host.lock_release");
_Static_assert(sizeof(vdp_host) == 80, "sizeof(vdp_host)");
_Static_assert(_Alignof(vdp_host) == 8, "alignof(vdp_host)");

/* vdp_plugin: header */
_Static_assert(offsetof(vdp_plugin, struct_size) == 0, "vdp_plugin.struct_size");
_Static_assert(sizeof(((vdp_plugin *)0)->struct_size) == 4, "vdp_plugin.struct_size size");
_Static_assert(offsetof(vdp_plugin, abi_version) == 4, "vdp_plugin.abi_version");
_Static_assert(sizeof(((vdp_plugin *)0)->abi_version) == 4, "vdp_plugin.abi_version size");
_Static_assert(offsetof(vdp_plugin, schema_version) == 8, "vdp_plugin.schema_version");
_Static_assert(sizeof(((vdp_plugin *)0)->schema_version) == 4, "vdp_plugin.schema_version size");
_Static_assert(offsetof(vdp_plugin, reserved0) == 12, "vdp_plugin.reserved0");
_Static_assert(sizeof(((vdp_plugin *)0)->reserved0) == 4, "vdp_plugin.reserved0 size");
_Static_assert(offsetof(vdp_plugin, name) == 16, "vdp_plugin.name");
_Static_assert(offsetof(vdp_plugin, vendor) == 24, "vdp_plugin.vendor");
_Static_assert(offsetof(vdp_plugin, driver_version) == 32, "vdp_plugin.driver_version");
_Static_assert(offsetof(vdp_plugin, create) == 40, "vdp_plugin.create");
_Static_assert(offsetof(vdp_plugin, setup) == 48, "vdp_plugin.setup");
_Static_assert(offsetof(vdp_plugin, destroy) == 56, "vdp_plugin.destroy");
_Static_assert(offsetof(vdp_plugin, free_string) == 64, "vdp_plugin.free_string");

/* vdp_plugin: v1.0 operation slots, 8 bytes each from offset 72, in this exact order. */
#define VDP_OP_SLOT(field, index) \
  _Static_assert(offsetof(vdp_plugin, field) == 72 + 8 * (index), "vdp_plugin." #field); \
  _Static_assert(sizeof(((vdp_plugin *)0)->field) == 8, "vdp_plugin." #field " size");
VDP_OP_SLOT(create_volume, 0)
VDP_OP_SLOT(delete_volume, 1)
VDP_OP_SLOT(extend_volume, 2)
VDP_OP_SLOT(create_snapshot, 3)
VDP_OP_SLOT(delete_snapshot, 4)
VDP_OP_SLOT(create_volume_from_snapshot, 5)
VDP_OP_SLOT(create_cloned_volume, 6)
VDP_OP_SLOT(revert_to_snapshot, 7)
VDP_OP_SLOT(retype, 8)
VDP_OP_SLOT(migrate_volume, 9)
VDP_OP_SLOT(manage_existing, 10)
VDP_OP_SLOT(manage_existing_get_size, 11)
VDP_OP_SLOT(unmanage, 12)
VDP_OP_SLOT(accept_transfer, 13)
VDP_OP_SLOT(create_export, 14)
VDP_OP_SLOT(ensure_export, 15)
VDP_OP_SLOT(remove_export, 16)
VDP_OP_SLOT(initialize_connection, 17)
VDP_OP_SLOT(terminate_connection, 18)
VDP_OP_SLOT(attach_volume, 19)
VDP_OP_SLOT(detach_volume, 20)
VDP_OP_SLOT(get_volume_stats, 21)
VDP_OP_SLOT(update_provider_info, 22)
VDP_OP_SLOT(clone_image, 23)
VDP_OP_SLOT(create_group, 24)
VDP_OP_SLOT(update_group, 25)
VDP_OP_SLOT(delete_group, 26)
VDP_OP_SLOT(create_group_from_src, 27)
VDP_OP_SLOT(create_group_snapshot, 28)
VDP_OP_SLOT(delete_group_snapshot, 29)
VDP_OP_SLOT(create_consistencygroup, 30)
VDP_OP_SLOT(update_consistencygroup, 31)
VDP_OP_SLOT(delete_consistencygroup, 32)
VDP_OP_SLOT(create_consistencygroup_from_src, 33)
VDP_OP_SLOT(create_cgsnapshot, 34)
VDP_OP_SLOT(delete_cgsnapshot, 35)
VDP_OP_SLOT(failover_host, 36)
VDP_OP_SLOT(failover, 37)
VDP_OP_SLOT(failover_completed, 38)
VDP_OP_SLOT(freeze_backend, 39)
VDP_OP_SLOT(thaw_backend, 40)
VDP_OP_SLOT(describe, 41)
#undef VDP_OP_SLOT
_Static_assert(sizeof(vdp_plugin) == 72 + 8 * 42, "sizeof(vdp_plugin) (v1.0: 42 operation slots)");
_Static_assert(_Alignof(vdp_plugin) == 8, "alignof(vdp_plugin)");

/* Status numbers are stable. */
_Static_assert(VDP_OK == 0, "OK");
_Static_assert(VDP_E_INVALID_ARGUMENT == 1, "INVALID_ARGUMENT");
_Static_assert(VDP_E_NOT_FOUND == 2, "NOT_FOUND");
_Static_assert(VDP_E_ALREADY_EXISTS == 3, "ALREADY_EXISTS");
_Static_assert(VDP_E_FAILED_PRECONDITION == 4, "FAILED_PRECONDITION");
_Static_assert(VDP_E_RESOURCE_EXHAUSTED == 5, "RESOURCE_EXHAUSTED");
_Static_assert(VDP_E_ABORTED == 6, "ABORTED");
_Static_assert(VDP_E_NOT_SUPPORTED == 7, "NOT_SUPPORTED");
_Static_assert(VDP_E_CONFIG == 8, "CONFIG");
_Static_assert(VDP_E_AUTH == 9, "AUTH");
_Static_assert(VDP_E_BACKEND == 10, "BACKEND");
_Static_assert(VDP_E_UNAVAILABLE == 11, "UNAVAILABLE");
_Static_assert(VDP_E_TIMEOUT == 12, "TIMEOUT");
_Static_assert(VDP_E_CANCELLED == 13, "CANCELLED");
_Static_assert(VDP_E_ABI_MISMATCH == 14, "ABI_MISMATCH");
_Static_assert(VDP_E_INTERNAL == 15, "INTERNAL");
_Static_assert(VDP_E_BUFFER_TOO_SMALL == 16, "BUFFER_TOO_SMALL");

/* Versions. */
_Static_assert(VDP_MAKE_VERSION(1, 0) == 0x00010000u, "VDP_MAKE_VERSION(1,0)");
_Static_assert(VDP_MAKE_VERSION(2, 3) == 0x00020003u, "VDP_MAKE_VERSION(2,3)");
_Static_assert(VDP_MAKE_VERSION(1, 0x1ffff) == 0x0001ffffu, "minor is masked to 16 bits");
_Static_assert(VDP_VERSION_MAJOR(VDP_MAKE_VERSION(7, 9)) == 7, "VDP_VERSION_MAJOR");
_Static_assert(VDP_VERSION_MINOR(VDP_MAKE_VERSION(7, 9)) == 9, "VDP_VERSION_MINOR");
_Static_assert(VDP_ABI_VERSION == VDP_MAKE_VERSION(1, 0), "this test is written for ABI 1.0");
_Static_assert(VDP_VERSION_MAJOR(VDP_SCHEMA_VERSION) == 1, "schema major 1");
_Static_assert(VDP_LOG_TRACE == 0 && VDP_LOG_DEBUG == 1 && VDP_LOG_INFO == 2 && VDP_LOG_WARN == 3 &&
                   VDP_LOG_ERROR == 4,
               "log levels");
_Static_assert(VDP_NO_DEADLINE == INT64_MAX, "VDP_NO_DEADLINE");

/* ---------------------------------------------------------------------------------------------------
 * Test harness
 * ------------------------------------------------------------------------------------------------ */

static pid_t g_sim_pid = -1;
static int g_failures = 0;
static int g_checks = 0;

static void stop_simulator(void) {
  if (g_sim_pid > 0) {
    int status = 0;
    kill(g_sim_pid, SIGTERM);
    for (int i = 0; i < 50; ++i) { /* up to 5 s, then SIGKILL */
      pid_t r = waitpid(g_sim_pid, &status, WNOHANG);
      if (r == g_sim_pid || (r < 0 && errno != EINTR)) {
        g_sim_pid = -1;
        return;
      }
      struct timespec ts = {0, 100 * 1000 * 1000};
      nanosleep(&ts, NULL);
    }
    kill(g_sim_pid, SIGKILL);
    waitpid(g_sim_pid, &status, 0);
    g_sim_pid = -1;
  }
}

static void on_signal(int sig) {
  if (g_sim_pid > 0) kill(g_sim_pid, SIGKILL);
  signal(sig, SIG_DFL);
  raise(sig);
}

static void fatal(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("FATAL: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  stop_simulator();
  exit(1);
}

#define CHECK(cond, ...)                                                   \
  do {                                                                     \
    ++g_checks;                                                            \
    if (!(cond)) {                                                         \
      ++g_failures;                                                        \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);      \
      fprintf(stderr, __VA_ARGS__);                                        \
      fputc('\n', stderr);                                                 \
    }                                                                      \
  } while (0)

/* Minimal lookup of "key": value in a JSON text. Good enough for the flat error objects and model
 * updates the plugin prints; returns the value's first character or NULL. Nested objects are searched
 * too, which is what we want for details.field. */
static const char *json_find(const char *json, const char *key) {
  if (json == NULL) return NULL;
  char pat[128];
  snprintf(pat, sizeof pat, "\"%s\"", key);
  const char *p = json;
  while ((p = strstr(p, pat)) != NULL) {
    const char *q = p + strlen(pat);
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') ++q;
    if (*q == ':') {
      ++q;
      while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r') ++q;
      return q;
    }
    p = q;
  }
  return NULL;
}

/* Copies the string value of key into buf (no unescaping beyond \" and \\). Returns 1 if found. */
static int json_string(const char *json, const char *key, char *buf, size_t buf_len) {
  const char *v = json_find(json, key);
  if (v == NULL || *v != '"' || buf_len == 0) return 0;
  ++v;
  size_t n = 0;
  while (*v && *v != '"') {
    char c = *v++;
    if (c == '\\' && *v) c = *v++;
    if (n + 1 < buf_len) buf[n++] = c;
  }
  buf[n] = '\0';
  return *v == '"';
}

static int json_int(const char *json, const char *key, long long *value) {
  const char *v = json_find(json, key);
  if (v == NULL) return 0;
  char *end = NULL;
  *value = strtoll(v, &end, 10);
  return end != v;
}

/* Prints a result with the CHAP secret of "provider_auth":"CHAP <user> <secret>" masked. */
static void print_result(const char *what, vdp_status rc, const char *out) {
  char copy[4096];
  snprintf(copy, sizeof copy, "%s", out != NULL ? out : "(null)");
  char *auth = strstr(copy, "\"provider_auth\":\"CHAP ");
  if (auth != NULL) {
    char *user = auth + strlen("\"provider_auth\":\"CHAP ");
    char *secret = strchr(user, ' ');
    char *end = secret != NULL ? strchr(secret, '"') : NULL;
    if (end != NULL) memset(secret + 1, '*', (size_t)(end - secret - 1));
  }
  fprintf(stderr, "%s -> %s %s\n", what, vdp_status_name(rc), copy);
}

/* ---------------------------------------------------------------------------------------------------
 * Host services in C
 * ------------------------------------------------------------------------------------------------ */

/* The cluster password: distinctive, so the test can prove it never shows up in logs or results. */
#define SIM_PASSWORD "ffi-C11-pw-7f3a9b"
#define WRONG_PASSWORD "ffi-C11-wrong-4d2c"

struct host_state {
  char port[16];
  char logs[65536]; /* every log line, to search for secrets at the end */
  size_t logs_used;
  int omit_san_ip;       /* make create fail with CONFIG */
  int wrong_password;    /* make setup fail with AUTH */
  unsigned config_calls; /* how often config_get ran */
  unsigned log_calls;
};

static vdp_status host_config_get(uintptr_t host_data, vdp_config *cfg, const char *key, char *buf,
                                  size_t buf_len, size_t *needed) {
  struct host_state *hs = (struct host_state *)host_data;
  if (hs == NULL || cfg == NULL || key == NULL) return VDP_E_INVALID_ARGUMENT;
  ++hs->config_calls;
  const char *value = NULL;
  if (strcmp(key, "san_ip") == 0 && !hs->omit_san_ip) value = "127.0.0.1";
  else if (strcmp(key, "sf_api_port") == 0) value = hs->port;
  else if (strcmp(key, "san_login") == 0) value = "admin";
  else if (strcmp(key, "san_password") == 0) value = hs->wrong_password ? WRONG_PASSWORD : SIM_PASSWORD;
  else if (strcmp(key, "sf_api_scheme") == 0) value = "http";
  else if (strcmp(key, "volume_backend_name") == 0) value = "ffi";
  if (value == NULL) return VDP_E_NOT_FOUND;
  size_t size = strlen(value) + 1;
  if (needed != NULL) *needed = size;
  if (buf == NULL || buf_len < size) return VDP_E_BUFFER_TOO_SMALL;
  memcpy(buf, value, size);
  return VDP_OK;
}

static void host_log(uintptr_t host_data, vdp_context *ctx, int32_t level, const char *message) {
  struct host_state *hs = (struct host_state *)host_data;
  (void)ctx;
  if (hs != NULL) {
    ++hs->log_calls;
    size_t n = message != NULL ? strlen(message) : 0;
    if (hs->logs_used + n + 2 < sizeof hs->logs) {
      memcpy(hs->logs + hs->logs_used, message, n);
      hs->logs_used += n;
      hs->logs[hs->logs_used++] = '\n';
      hs->logs[hs->logs_used] = '\0';
    }
  }
  static const char *const names[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR"};
  const char *name = (level >= 0 && level <= 4) ? names[level] : "?";
  fprintf(stderr, "[plugin %s] %s\n", name, message != NULL ? message : "(null)");
}

static vdp_host make_host(struct host_state *hs) {
  vdp_host h;
  memset(&h, 0, sizeof h);
  h.struct_size = (uint32_t)sizeof(vdp_host);
  h.host_data = (uintptr_t)hs;
  h.config_get = host_config_get;
  h.log = host_log;
  /* context_get, deadlines, cancellation, progress and locks: NULL -> plugin falls back. */
  return h;
}

/* Tokens: the plugin never dereferences these. */
static char g_cfg_token_storage;
static char g_ctx_token_storage;
#define CFG_TOKEN ((vdp_config *)(void *)&g_cfg_token_storage)
#define CTX_TOKEN ((vdp_context *)(void *)&g_ctx_token_storage)

/* ---------------------------------------------------------------------------------------------------
 * Plugin loading
 * ------------------------------------------------------------------------------------------------ */

static vdp_plugin_entry_fn load_entry(const char *path, void **handle) {
  dlerror();
  *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (*handle == NULL) fatal("dlopen(%s): %s", path, dlerror());
  void *sym = dlsym(*handle, VDP_PLUGIN_ENTRY_SYMBOL);
  if (sym == NULL) fatal("dlsym(%s): %s", VDP_PLUGIN_ENTRY_SYMBOL, dlerror());
  vdp_plugin_entry_fn fn;
  _Static_assert(sizeof fn == sizeof sym, "function and object pointers have the same size");
  memcpy(&fn, &sym, sizeof fn); /* ISO C has no cast from void * to a function pointer */
  return fn;
}

static const vdp_plugin *negotiate(vdp_plugin_entry_fn entry) {
  uint32_t plugin_abi = 0xdeadbeefu;
  const vdp_plugin *p = NULL;
  vdp_status rc = entry(VDP_ABI_VERSION, &plugin_abi, &p);
  if (rc != VDP_OK || p == NULL) fatal("vdp_plugin_entry(1.0) = %d (%s), plugin_abi=%#x", rc, vdp_status_name(rc), plugin_abi);
  CHECK(VDP_VERSION_MAJOR(plugin_abi) == 1, "plugin_abi=%#x", plugin_abi);
  return p;
}

/* ---------------------------------------------------------------------------------------------------
 * element-sim child
 * ------------------------------------------------------------------------------------------------ */

static int g_sim_stdout = -1; /* kept open for the simulator's lifetime so it never gets SIGPIPE */

static void start_simulator(const char *exe, char *port, size_t port_len) {
  int fds[2];
  if (pipe(fds) != 0) fatal("pipe: %s", strerror(errno));
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) fatal("fork: %s", strerror(errno));
  if (pid == 0) {
    /* Die with the test, even if it is SIGKILLed by a ctest timeout. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execl(exe, exe, "--port", "0", "--no-tls", "--password", SIM_PASSWORD, (char *)NULL);
    fprintf(stderr, "exec %s: %s\n", exe, strerror(errno));
    _exit(127);
  }
  g_sim_pid = pid;
  close(fds[1]);
  g_sim_stdout = fds[0];

  char line[4096];
  size_t used = 0;
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long elapsed_ms = (long)(now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
    if (elapsed_ms > 30000) fatal("element-sim did not print its URL within 30 s");
    struct pollfd pfd = {g_sim_stdout, POLLIN, 0};
    int pr = poll(&pfd, 1, 500);
    if (pr < 0 && errno != EINTR) fatal("poll: %s", strerror(errno));
    if (pr <= 0) continue;
    if (used + 1 >= sizeof line) fatal("element-sim printed an overlong line");
    ssize_t n = read(g_sim_stdout, line + used, sizeof line - 1 - used);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fatal("element-sim exited before printing its URL");
    used += (size_t)n;
    line[used] = '\0';
    char *nl;
    while ((nl = strchr(line, '\n')) != NULL) {
      *nl = '\0';
      fprintf(stderr, "element-sim: %s\n", line);
      const char *url = strstr(line, "url=");
      if (strstr(line, "listening") != NULL && url != NULL) {
        const char *colon = strrchr(url, ':');
        if (colon == NULL) fatal("no port in '%s'", line);
        size_t k = 0;
        for (const char *c = colon + 1; *c >= '0' && *c <= '9' && k + 1 < port_len; ++c) port[k++] = *c;
        port[k] = '\0';
        if (k == 0) fatal("no port in '%s'", line);
        return;
      }
      size_t rest = used - (size_t)(nl + 1 - line);
      memmove(line, nl + 1, rest + 1);
      used = rest;
    }
  }
}

/* ---------------------------------------------------------------------------------------------------
 * Checks
 * ------------------------------------------------------------------------------------------------ */

static void check_error_object(const vdp_plugin *p, const char *what, vdp_status rc, vdp_status want_rc,
                               char *out, const char *want_field, const char *want_op) {
  CHECK(rc == want_rc, "%s: rc=%d (%s), want %d (%s); out=%s", what, rc, vdp_status_name(rc), want_rc,
        vdp_status_name(want_rc), out ? out : "(null)");
  CHECK(out != NULL, "%s: no error object", what);
  if (out != NULL) {
    CHECK(strstr(out, SIM_PASSWORD) == NULL && strstr(out, WRONG_PASSWORD) == NULL,
          "%s: error object contains a password", what);
    char status[64] = "";
    long long code = -1;
    CHECK(json_string(out, "status", status, sizeof status) && strcmp(status, vdp_status_name(rc)) == 0,
          "%s: error status '%s' != vdp_status_name(rc) '%s': %s", what, status, vdp_status_name(rc), out);
    CHECK(json_int(out, "code", &code) && code == rc, "%s: error code %lld != rc %d: %s", what, code, rc, out);
    CHECK(json_find(out, "message") != NULL, "%s: error object has no message: %s", what, out);
    if (want_op != NULL) {
      char op[64] = "";
      CHECK(json_string(out, "operation", op, sizeof op) && strcmp(op, want_op) == 0,
            "%s: operation '%s', want '%s': %s", what, op, want_op, out);
    }
    if (want_field != NULL) {
      char field[128] = "";
      CHECK(json_string(out, "field", field, sizeof field) && strcmp(field, want_field) == 0,
            "%s: details.field '%s', want '%s': %s", what, field, want_field, out);
    }
    fprintf(stderr, "  %-34s -> %s %s\n", what, vdp_status_name(rc), out);
  }
  p->free_string(out);
}

static vdp_status call_op(const vdp_plugin *p, vdp_op_fn op, vdp_driver *drv, const char *req, size_t len,
                          char **out) {
  size_t out_len = (size_t)-1;
  *out = NULL;
  vdp_status rc = op(drv, CTX_TOKEN, req, len, out, &out_len);
  if (*out != NULL) CHECK(out_len == strlen(*out), "out_len %zu != strlen %zu", out_len, strlen(*out));
  (void)p;
  return rc;
}

static void check_malformed(const vdp_plugin *p, vdp_driver *drv) {
  fprintf(stderr, "malformed requests (create_volume):\n");
  char *out = NULL;
  vdp_status rc;
  const char *id = "\"11111111-2222-4333-8444-555555555555\"";
  char req[512];

  rc = call_op(p, p->create_volume, drv, NULL, 0, &out);
  check_error_object(p, "NULL request, len 0", rc, VDP_E_INVALID_ARGUMENT, out, NULL, "create_volume");

  rc = call_op(p, p->create_volume, drv, "", 0, &out);
  check_error_object(p, "empty request", rc, VDP_E_INVALID_ARGUMENT, out, NULL, "create_volume");

  rc = call_op(p, p->create_volume, drv, "not json", 8, &out);
  check_error_object(p, "not json", rc, VDP_E_INVALID_ARGUMENT, out, NULL, "create_volume");

  rc = call_op(p, p->create_volume, drv, "[1,2]", 5, &out);
  check_error_object(p, "array instead of object", rc, VDP_E_INVALID_ARGUMENT, out, NULL, "create_volume");

  static const char wrong_type[] = "{\"volume\":{\"id\":5,\"size\":1}}";
  rc = call_op(p, p->create_volume, drv, wrong_type, sizeof wrong_type - 1, &out);
  check_error_object(p, "volume.id is a number", rc, VDP_E_INVALID_ARGUMENT, out, "volume.id", "create_volume");

  static const char missing_id[] = "{\"volume\":{\"size\":1,\"project_id\":\"ffi-c\"}}";
  rc = call_op(p, p->create_volume, drv, missing_id, sizeof missing_id - 1, &out);
  check_error_object(p, "volume.id missing", rc, VDP_E_INVALID_ARGUMENT, out, "volume.id", "create_volume");

  /* Out of range or wrong type. A number beyond 2^53-1 may be refused by the parser before the field is
   * known, so its field is not required. */
  static const struct {
    const char *size;
    const char *field;
  } bad_sizes[] = {{"-1", "volume.size"},  {"1e300", "volume.size"}, {"\"10\"", "volume.size"},
                   {"0", "volume.size"},   {"1.5", "volume.size"},   {"true", "volume.size"},
                   {"9007199254740993", NULL}};
  for (size_t i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; ++i) {
    snprintf(req, sizeof req, "{\"volume\":{\"id\":%s,\"size\":%s,\"project_id\":\"ffi-c\"}}", id,
             bad_sizes[i].size);
    char what[64];
    snprintf(what, sizeof what, "volume.size = %s", bad_sizes[i].size);
    rc = call_op(p, p->create_volume, drv, req, strlen(req), &out);
    check_error_object(p, what, rc, VDP_E_INVALID_ARGUMENT, out, bad_sizes[i].field, "create_volume");
  }

  /* A valid request with an embedded NUL inside req_len: the whole length counts. */
  snprintf(req, sizeof req, "{\"volume\":{\"id\":%s,\"size\":1,\"project_id\":\"ffi-c\"}}", id);
  size_t n = strlen(req);
  req[n] = '\0';
  memcpy(req + n + 1, " {}", 4);
  rc = call_op(p, p->create_volume, drv, req, n + 4, &out);
  check_error_object(p, "embedded NUL after the object", rc, VDP_E_INVALID_ARGUMENT, out, NULL, "create_volume");

  static const char nul_in_string[] = "{\"volume\":{\"id\":\"abc\0def\",\"size\":1}}";
  rc = call_op(p, p->create_volume, drv, nul_in_string, sizeof nul_in_string - 1, &out);
  check_error_object(p, "embedded NUL inside a string", rc, VDP_E_INVALID_ARGUMENT, out, NULL, "create_volume");

  static const char dup[] = "{\"volume\":{},\"volume\":{}}";
  rc = call_op(p, p->create_volume, drv, dup, sizeof dup - 1, &out);
  check_error_object(p, "duplicate keys", rc, VDP_E_INVALID_ARGUMENT, out, NULL, "create_volume");

  static const char bad_utf8[] = "{\"volume\":{\"id\":\"\xff\xfe\",\"size\":1}}";
  rc = call_op(p, p->create_volume, drv, bad_utf8, sizeof bad_utf8 - 1, &out);
  check_error_object(p, "invalid UTF-8", rc, VDP_E_INVALID_ARGUMENT, out, NULL, "create_volume");

  /* Nesting depth 100 (the limit is 64), inside an otherwise unknown member. */
  char deep[512];
  size_t k = 0;
  k += (size_t)snprintf(deep + k, sizeof deep - k, "{\"x\":");
  for (int i = 0; i < 100; ++i) deep[k++] = '[';
  for (int i = 0; i < 100; ++i) deep[k++] = ']';
  k += (size_t)snprintf(deep + k, sizeof deep - k, ",\"volume\":{\"id\":%s,\"size\":1}}", id);
  rc = call_op(p, p->create_volume, drv, deep, k, &out);
  check_error_object(p, "nesting depth 100", rc, VDP_E_INVALID_ARGUMENT, out, NULL, "create_volume");

  /* Truncated request: req_len shorter than the text. */
  snprintf(req, sizeof req, "{\"volume\":{\"id\":%s,\"size\":1}}", id);
  rc = call_op(p, p->create_volume, drv, req, strlen(req) - 1, &out);
  check_error_object(p, "truncated by req_len", rc, VDP_E_INVALID_ARGUMENT, out, NULL, "create_volume");

  /* NULL out pointer: nowhere to put anything; must return INVALID_ARGUMENT, not crash. */
  rc = p->create_volume(drv, CTX_TOKEN, req, strlen(req), NULL, NULL);
  CHECK(rc == VDP_E_INVALID_ARGUMENT, "NULL out: rc=%d (%s)", rc, vdp_status_name(rc));
  fprintf(stderr, "  %-34s -> %s\n", "NULL out pointer", vdp_status_name(rc));
}

static void check_negotiation(vdp_plugin_entry_fn entry) {
  uint32_t plugin_abi = 0;
  const vdp_plugin *p = (const vdp_plugin *)(uintptr_t)1; /* poison: must become NULL */
  vdp_status rc = entry(VDP_MAKE_VERSION(2, 0), &plugin_abi, &p);
  CHECK(rc == VDP_E_ABI_MISMATCH, "host 2.0: rc=%d (%s)", rc, vdp_status_name(rc));
  CHECK(plugin_abi == VDP_ABI_VERSION, "host 2.0: plugin_abi=%#x not written", plugin_abi);
  CHECK(p == NULL, "host 2.0: *out not NULL on mismatch");

  plugin_abi = 0;
  p = (const vdp_plugin *)(uintptr_t)1;
  rc = entry(VDP_MAKE_VERSION(0, 9), &plugin_abi, &p);
  CHECK(rc == VDP_E_ABI_MISMATCH, "host 0.9: rc=%d (%s)", rc, vdp_status_name(rc));
  CHECK(plugin_abi == VDP_ABI_VERSION, "host 0.9: plugin_abi=%#x", plugin_abi);
  CHECK(p == NULL, "host 0.9: *out not NULL on mismatch");

  /* A newer minor of the same major is compatible. */
  plugin_abi = 0;
  p = NULL;
  rc = entry(VDP_MAKE_VERSION(1, 7), &plugin_abi, &p);
  CHECK(rc == VDP_OK && p != NULL, "host 1.7: rc=%d (%s)", rc, vdp_status_name(rc));

  plugin_abi = 0;
  rc = entry(VDP_ABI_VERSION, &plugin_abi, NULL);
  CHECK(rc == VDP_E_INVALID_ARGUMENT, "out NULL: rc=%d (%s)", rc, vdp_status_name(rc));
  p = NULL;
  rc = entry(VDP_ABI_VERSION, NULL, &p);
  CHECK(rc == VDP_E_INVALID_ARGUMENT, "plugin_abi NULL: rc=%d (%s)", rc, vdp_status_name(rc));
  rc = entry(VDP_ABI_VERSION, NULL, NULL);
  CHECK(rc == VDP_E_INVALID_ARGUMENT, "both NULL: rc=%d (%s)", rc, vdp_status_name(rc));

  /* Repeatable and pure: the same static descriptor every time. */
  const vdp_plugin *a = NULL, *b = NULL;
  uint32_t va = 0, vb = 0;
  CHECK(entry(VDP_ABI_VERSION, &va, &a) == VDP_OK && entry(VDP_ABI_VERSION, &vb, &b) == VDP_OK && a == b &&
            va == vb,
        "entry is not repeatable");
}

static void check_descriptor(const vdp_plugin *p) {
  fprintf(stderr, "plugin: name=%s vendor=%s version=%s abi=%u.%u schema=%u.%u struct_size=%u\n",
          p->name ? p->name : "(null)", p->vendor ? p->vendor : "(null)",
          p->driver_version ? p->driver_version : "(null)", VDP_VERSION_MAJOR(p->abi_version),
          VDP_VERSION_MINOR(p->abi_version), VDP_VERSION_MAJOR(p->schema_version),
          VDP_VERSION_MINOR(p->schema_version), p->struct_size);
  CHECK(p->struct_size >= sizeof(vdp_plugin), "struct_size %u < %zu", p->struct_size, sizeof(vdp_plugin));
  CHECK(VDP_VERSION_MAJOR(p->abi_version) == 1, "abi_version %#x", p->abi_version);
  CHECK(VDP_VERSION_MAJOR(p->schema_version) == 1, "schema_version %#x", p->schema_version);
  CHECK(p->reserved0 == 0, "reserved0 %u", p->reserved0);
  CHECK(p->name != NULL && p->vendor != NULL && p->driver_version != NULL, "descriptor strings");
  CHECK(p->create != NULL && p->setup != NULL && p->destroy != NULL && p->free_string != NULL,
        "lifecycle slots must be set");
  CHECK(VDP_PLUGIN_HAS(p, create_volume) && VDP_PLUGIN_HAS(p, delete_volume), "create/delete_volume slots");
  CHECK(VDP_PLUGIN_HAS(p, describe), "describe slot");
}

static vdp_driver *create_driver(const vdp_plugin *p, const vdp_host *host) {
  vdp_driver *drv = NULL;
  char *out = NULL;
  size_t out_len = 0;
  vdp_status rc = p->create(host, CFG_TOKEN, &drv, &out, &out_len);
  if (rc != VDP_OK || drv == NULL) {
    fprintf(stderr, "create: rc=%d (%s) out=%s\n", rc, vdp_status_name(rc), out ? out : "(null)");
    p->free_string(out);
    fatal("create failed");
  }
  if (out != NULL) fprintf(stderr, "create: %s\n", out);
  p->free_string(out);
  return drv;
}

static void check_reload(const char *path, struct host_state *hs) {
  fprintf(stderr, "reload: dlopen -> create -> destroy -> dlclose -> dlopen -> create -> destroy\n");
  for (int round = 0; round < 2; ++round) {
    void *h = NULL;
    vdp_plugin_entry_fn entry = load_entry(path, &h);
    const vdp_plugin *p = negotiate(entry);
    vdp_host host = make_host(hs);
    vdp_driver *drv = create_driver(p, &host);
    p->destroy(drv);
    p->destroy(NULL); /* ignored */
    p->free_string(NULL);
    CHECK(dlclose(h) == 0, "dlclose: %s", dlerror());
  }
  /* After dlclose the plugin is still mapped (-z nodelete): RTLD_NOLOAD finds it. */
  void *still = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  CHECK(still != NULL, "plugin was unloaded by dlclose: not linked with -z nodelete");
  if (still != NULL) dlclose(still);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <plugin.so> <element-sim>\n", argv[0]);
    return 2;
  }
  const char *plugin_path = argv[1];
  const char *sim_path = argv[2];
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGSEGV, on_signal);
  signal(SIGABRT, on_signal);
  signal(SIGBUS, on_signal);
  signal(SIGPIPE, SIG_IGN);

  /* vdp_status_name */
  static const char *const names[] = {"OK", "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS", "FAILED_PRECONDITION",
                                      "RESOURCE_EXHAUSTED", "ABORTED", "NOT_SUPPORTED", "CONFIG", "AUTH", "BACKEND",
                                      "UNAVAILABLE", "TIMEOUT", "CANCELLED", "ABI_MISMATCH", "INTERNAL",
                                      "BUFFER_TOO_SMALL"};
  for (vdp_status s = 0; s <= 16; ++s) CHECK(strcmp(vdp_status_name(s), names[s]) == 0, "vdp_status_name(%d)", s);
  CHECK(strcmp(vdp_status_name(17), "INTERNAL") == 0, "unknown status -> INTERNAL");
  CHECK(strcmp(vdp_status_name(-1), "INTERNAL") == 0, "negative status -> INTERNAL");

  /* Load and negotiate. */
  void *handle = NULL;
  vdp_plugin_entry_fn entry = load_entry(plugin_path, &handle);
  check_negotiation(entry);
  const vdp_plugin *p = negotiate(entry);
  check_descriptor(p);
  p->free_string(NULL); /* harmless */

  struct host_state hs;
  memset(&hs, 0, sizeof hs);
  start_simulator(sim_path, hs.port, sizeof hs.port);
  fprintf(stderr, "element-sim pid=%d port=%s\n", (int)g_sim_pid, hs.port);
  vdp_host host = make_host(&hs);

  /* create with a missing mandatory option -> CONFIG naming it, no driver. */
  {
    hs.omit_san_ip = 1;
    vdp_driver *bad = (vdp_driver *)(uintptr_t)1;
    char *out = NULL;
    size_t out_len = 0;
    vdp_status rc = p->create(&host, CFG_TOKEN, &bad, &out, &out_len);
    CHECK(bad == NULL, "create without san_ip returned a driver");
    check_error_object(p, "create without san_ip", rc, VDP_E_CONFIG, out, "san_ip", NULL);
    hs.omit_san_ip = 0;
  }

  /* Wrong password: create succeeds (no network), setup fails fast with AUTH. */
  {
    hs.wrong_password = 1;
    vdp_driver *bad = create_driver(p, &host);
    char *out = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    vdp_status rc = call_op(p, p->setup, bad, "{}", 2, &out);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    CHECK(ms < 10000, "setup with a wrong password took %ld ms (must fail fast)", ms);
    check_error_object(p, "setup with a wrong password", rc, VDP_E_AUTH, out, NULL, "setup");
    p->destroy(bad);
    hs.wrong_password = 0;
  }

  vdp_driver *drv = create_driver(p, &host);
  CHECK(hs.config_calls > 0, "create never called config_get");

  char *out = NULL;
  size_t out_len = 0;
  vdp_status rc;
  const char *vol_id = "6a1f2e3d-4c5b-4a69-8788-99aabbccddee";
  char req[1024];
  snprintf(req, sizeof req,
           "{\"volume\":{\"id\":\"%s\",\"size\":1,\"project_id\":\"ffi-c\",\"display_name\":\"ffi\"}}", vol_id);

  /* Before setup: UNAVAILABLE. */
  rc = call_op(p, p->create_volume, drv, req, strlen(req), &out);
  check_error_object(p, "create_volume before setup", rc, VDP_E_UNAVAILABLE, out, NULL, "create_volume");

  rc = p->setup(drv, CTX_TOKEN, "{}", 2, &out, &out_len);
  fprintf(stderr, "setup -> %s %s\n", vdp_status_name(rc), out ? out : "(null)");
  if (rc != VDP_OK) {
    p->free_string(out);
    fatal("setup failed");
  }
  p->free_string(out);

  check_malformed(p, drv);

  /* create_volume */
  rc = call_op(p, p->create_volume, drv, req, strlen(req), &out);
  print_result("create_volume", rc, out);
  CHECK(rc == VDP_OK, "create_volume rc=%d", rc);
  char provider_id[256] = "";
  char provider_auth[256] = "";
  if (rc == VDP_OK) {
    CHECK(json_string(out, "provider_auth", provider_auth, sizeof provider_auth) &&
              strncmp(provider_auth, "CHAP ffi-c ", 11) == 0 && strlen(provider_auth) > 11,
          "provider_auth is not 'CHAP <account> <secret>'");
    CHECK(json_string(out, "provider_id", provider_id, sizeof provider_id), "no provider_id: %s", out);
    unsigned spaces = 0;
    for (const char *c = provider_id; *c; ++c) spaces += (*c == ' ');
    CHECK(spaces == 2, "provider_id '%s' is not '<volumeID> <accountID> <clusterUUID>'", provider_id);
    CHECK(json_find(out, "provider_location") != NULL, "no provider_location: %s", out);
    CHECK(json_find(out, "provider_auth") != NULL, "no provider_auth: %s", out);
  }
  p->free_string(out);

  /* Idempotent: creating the same id again returns the same volume. */
  rc = call_op(p, p->create_volume, drv, req, strlen(req), &out);
  {
    char again[256] = "";
    CHECK(rc == VDP_OK && json_string(out, "provider_id", again, sizeof again) && strcmp(again, provider_id) == 0,
          "repeated create_volume: rc=%s out=%s", vdp_status_name(rc), out ? out : "(null)");
  }
  p->free_string(out);

  /* delete_volume, twice (deleting what is gone succeeds). */
  snprintf(req, sizeof req,
           "{\"volume\":{\"id\":\"%s\",\"size\":1,\"project_id\":\"ffi-c\",\"provider_id\":\"%s\"}}", vol_id,
           provider_id);
  for (int i = 0; i < 2; ++i) {
    rc = call_op(p, p->delete_volume, drv, req, strlen(req), &out);
    fprintf(stderr, "delete_volume #%d -> %s %s\n", i + 1, vdp_status_name(rc), out ? out : "(null)");
    CHECK(rc == VDP_OK, "delete_volume #%d rc=%d out=%s", i + 1, rc, out ? out : "(null)");
    p->free_string(out);
  }

  /* describe */
  if (VDP_PLUGIN_HAS(p, describe)) {
    rc = call_op(p, p->describe, drv, "{}", 2, &out);
    CHECK(rc == VDP_OK && out != NULL, "describe rc=%d", rc);
    p->free_string(out);
  }

  /* Strings returned by the plugin may be freed after destroy. */
  rc = call_op(p, p->create_volume, drv, "not json", 8, &out);
  p->destroy(drv);
  p->free_string(out);
  p->free_string(NULL);

  check_reload(plugin_path, &hs);
  dlclose(handle);

  /* Secrets never reach the log. */
  CHECK(strstr(hs.logs, SIM_PASSWORD) == NULL && strstr(hs.logs, WRONG_PASSWORD) == NULL,
        "a cluster password appears in a log line");
  const char *chap_secret = strrchr(provider_auth, ' ');
  if (chap_secret != NULL && strlen(chap_secret + 1) >= 8)
    CHECK(strstr(hs.logs, chap_secret + 1) == NULL, "the CHAP secret appears in a log line");

  stop_simulator();
  fprintf(stderr, "%d checks, %d failures (config_get calls: %u, log lines: %u)\n", g_checks, g_failures,
          hs.config_calls, hs.log_calls);
  if (g_failures != 0) {
    fprintf(stderr, "abi_c11_test: FAILED\n");
    return 1;
  }
  fprintf(stderr, "abi_c11_test: PASSED\n");
  return 0;
}
