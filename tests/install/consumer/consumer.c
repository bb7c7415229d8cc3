/*
 * consumer.c - a program outside the vdp tree that uses an installed vdp: the ABI header found through
 * the CMake package or pkg-config, the plugin found in the plugin directory that the package names
 * (compiled in as VDP_PLUGIN_DIR). Nothing of vdp is linked: it dlopen()s the plugin, negotiates the
 * ABI, creates a driver with a fixed configuration (create does no network I/O) and calls `describe`,
 * which works before setup.
 *
 * Prints "plugin <name> <driver version> from <path>" and the describe result; exits 1 on any failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <vdp/vdp.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#ifndef VDP_PLUGIN_DIR
#error "compile with -DVDP_PLUGIN_DIR=\"<plugin directory of the installed vdp>\""
#endif

/* The options create requires; nothing is contacted. */
static const char *const config[][2] = {
    {"san_ip", "127.0.0.1"}, {"san_login", "admin"}, {"san_password", "unused"}};

static vdp_status config_get(uintptr_t host_data, vdp_config *cfg, const char *key, char *buf, size_t buf_len,
                             size_t *needed) {
  (void)host_data;
  (void)cfg;
  for (size_t i = 0; i < sizeof config / sizeof config[0]; ++i) {
    if (strcmp(key, config[i][0]) != 0) continue;
    *needed = strlen(config[i][1]) + 1;
    if (!buf || buf_len < *needed) return VDP_E_BUFFER_TOO_SMALL;
    memcpy(buf, config[i][1], *needed);
    return VDP_OK;
  }
  *needed = 0;
  return VDP_E_NOT_FOUND;
}

static int fail(const char *what, const char *detail) {
  fprintf(stderr, "vdp consumer: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
  return 1;
}

int main(void) {
  const char *path = VDP_PLUGIN_DIR "/vdp_solidfire.so";
  void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!lib) return fail("cannot load the plugin", dlerror());
  vdp_plugin_entry_fn entry;
  /* POSIX's sanctioned way to turn dlsym's object pointer into a function pointer. */
  *(void **)&entry = dlsym(lib, VDP_PLUGIN_ENTRY_SYMBOL);
  if (!entry) return fail(path, "no " VDP_PLUGIN_ENTRY_SYMBOL);

  uint32_t plugin_abi = 0;
  const vdp_plugin *plugin = NULL;
  if (entry(VDP_ABI_VERSION, &plugin_abi, &plugin) != VDP_OK || !plugin)
    return fail(path, "ABI negotiation failed");
  if (!VDP_PLUGIN_HAS(plugin, describe)) return fail(path, "no describe slot");

  vdp_host host = {0};
  host.struct_size = sizeof host;
  host.config_get = config_get;
  vdp_driver *drv = NULL;
  char *out = NULL;
  vdp_status rc = plugin->create(&host, (vdp_config *)&host, &drv, &out, NULL);
  if (rc != VDP_OK) {
    fail("create failed", out);
    plugin->free_string(out);
    return 1;
  }
  plugin->free_string(out);
  out = NULL;

  rc = plugin->describe(drv, NULL, "{}", 2, &out, NULL);
  int status = 0;
  if (rc != VDP_OK) status = fail("describe failed", out);
  else printf("plugin %s %s from %s\n%s\n", plugin->name, plugin->driver_version, path, out);
  plugin->free_string(out);
  plugin->destroy(drv);
  return status;
}
