/* volume_lifecycle.c - one volume's life through the vdp C ABI (vdp.h, no binding): create it with QoS,
 * snapshot it, meet one expected error, delete everything.
 * usage: volume_lifecycle <vdp_solidfire.so> <cluster url, e.g. what element-sim --no-tls prints> */
#include <vdp/vdp.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* A host takes ids from its own database; fixed here so that every run prints the same. Requests are
 * JSON text (abi/docs/operations.md); a real host builds them with its JSON library. */
#define VOLUME_ID "6b1f6c3e-8a59-4f47-a0a4-2f4bd1a6f0c1"
#define SNAPSHOT_ID "9d0c8b7a-1111-4a2b-8c3d-4e5f6a7b8c9d"
#define VOLUME "\"id\":\"" VOLUME_ID "\",\"project_id\":\"example\""
#define SNAPSHOT "\"id\":\"" SNAPSHOT_ID "\",\"volume_id\":\"" VOLUME_ID "\",\"project_id\":\"example\""
#define GOLD "{\"id\":\"gold\",\"name\":\"gold\",\"extra_specs\":" \
             "{\"qos:minIOPS\":\"1000\",\"qos:maxIOPS\":\"5000\",\"qos:burstIOPS\":\"8000\"}}"

/* Cinder's option names. san_password: element-sim's default; a real host reads its secret store. */
struct option { const char *key, *value; };
static char scheme[16], address[256], port[8];
static struct option options[] = {{"san_ip", address}, {"sf_api_port", port}, {"sf_api_scheme", scheme},
                                  {"san_login", "admin"}, {"san_password", "admin"}, {NULL, NULL}};

/* The plugin reads its configuration during create through this getter (vdp.h's buffer protocol); cfg is
 * the token given to create: here, the option table. */
static vdp_status config_get(uintptr_t host_data, vdp_config *cfg, const char *key, char *buf, size_t buf_len,
                             size_t *needed) {
  (void)host_data;
  for (const struct option *o = (const struct option *)(void *)cfg; o->key != NULL; o++) {
    if (strcmp(o->key, key) != 0) continue;
    *needed = strlen(o->value) + 1;
    if (buf == NULL || buf_len < *needed) return VDP_E_BUFFER_TOO_SMALL;
    memcpy(buf, o->value, *needed);
    return VDP_OK;
  }
  return VDP_E_NOT_FOUND;
}

static const vdp_plugin *plugin;
static vdp_driver *driver;
static char value[128]; /* the string member `key` of the last answer, e.g. provider_id */

/* Runs one operation; true when it answered `want`, then prints `done` and `value`. The answer belongs to
 * the plugin: copy what you need, then hand it back through free_string. Only error objects are printed
 * (a result may hold CHAP secrets). */
static int call(vdp_op_fn op, const char *request, vdp_status want, const char *key, const char *done) {
  char *out = NULL, pattern[64];
  vdp_status rc = op(driver, NULL, request, strlen(request), &out, NULL);
  snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
  const char *at = out != NULL ? strstr(out, pattern) : NULL;
  at = at != NULL ? at + strlen(pattern) : "";
  snprintf(value, sizeof value, "%.*s", (int)strcspn(at, "\""), at);
  if (rc == want) printf("%s%s\n", done, value);
  else fprintf(stderr, "failed: %s %s\n", vdp_status_name(rc), rc != VDP_OK && out ? out : "");
  plugin->free_string(out);
  return rc == want;
}

int main(int argc, char **argv) {
  if (argc != 3 || sscanf(argv[2], "%15[a-z]://%255[^:/]:%7[0-9]", scheme, address, port) != 3) {
    fprintf(stderr, "usage: %s <vdp_solidfire.so> <cluster url: scheme://address:port>\n", argv[0]);
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL), *sym = lib ? dlsym(lib, VDP_PLUGIN_ENTRY_SYMBOL) : NULL;
  vdp_plugin_entry_fn entry;
  memcpy(&entry, &sym, sizeof entry); /* object to function pointer, as POSIX allows */
  uint32_t abi = 0;
  if (sym == NULL || entry(VDP_ABI_VERSION, &abi, &plugin) != VDP_OK) {
    if (sym == NULL) fprintf(stderr, "failed: %s\n", dlerror());
    else fprintf(stderr, "failed: plugin ABI %u.%u, not 1.x\n", VDP_VERSION_MAJOR(abi), VDP_VERSION_MINOR(abi));
    return 1;
  }
  printf("plugin %s, ABI %u.%u\n", plugin->name, VDP_VERSION_MAJOR(abi), VDP_VERSION_MINOR(abi));
  vdp_host host = {.struct_size = sizeof host, .config_get = config_get}; /* valid until destroy */
  char *out = NULL;
  vdp_status rc = plugin->create(&host, (vdp_config *)(void *)options, &driver, &out, NULL);
  if (rc != VDP_OK) fprintf(stderr, "failed: %s\n", out ? out : vdp_status_name(rc)); /* names the option */
  plugin->free_string(out);
  if (rc != VDP_OK) return 1;

  char volume[512], snapshot[512], request[1024];
  int ok = call(plugin->setup, "{}", VDP_OK, "", "setup: cluster reached") &&
           call(plugin->create_volume, "{\"volume\":{" VOLUME ",\"size\":2,\"volume_type\":" GOLD "}}", VDP_OK,
                "provider_id", "created volume " VOLUME_ID " (2 GiB, QoS 1000/5000/8000 IOPS): ");
  snprintf(volume, sizeof volume, "{" VOLUME ",\"provider_id\":\"%s\"}", value);
  snprintf(request, sizeof request, "{\"snapshot\":{" SNAPSHOT ",\"volume\":%s}}", volume);
  ok = ok && call(plugin->create_snapshot, request, VDP_OK, "provider_id",
                  "created snapshot " SNAPSHOT_ID ": ");
  snprintf(snapshot, sizeof snapshot, "{\"snapshot\":{" SNAPSHOT ",\"provider_id\":\"%s\"}}", value);
  /* Volumes only grow: the plugin refuses this before anything reaches the cluster. */
  snprintf(request, sizeof request, "{\"volume\":%s,\"new_size\":1}", volume);
  ok = ok && call(plugin->extend_volume, request, VDP_E_INVALID_ARGUMENT, "field",
                  "extend_volume to 1 GiB refused as expected: INVALID_ARGUMENT, field ");
  ok = ok && call(plugin->delete_snapshot, snapshot, VDP_OK, "", "deleted snapshot " SNAPSHOT_ID);
  snprintf(request, sizeof request, "{\"volume\":%s}", volume);
  ok = ok && call(plugin->delete_volume, request, VDP_OK, "", "deleted volume " VOLUME_ID);
  plugin->destroy(driver);
  return ok ? 0 : 1;
}
