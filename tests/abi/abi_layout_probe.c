/*
 * abi_layout_probe.c - prints the numbers of vdp.h's binary interface that only a compiler knows, for
 * abi_layout.py, which turns them into the baseline text (abi/baseline/vdp-abi-<major>.txt).
 *
 * abi_layout_names.h is written by the script: the structs and members it found in the header's DWARF
 * and the object-like VDP_ macros of `cc -dM -E`, as X-macro lists. This file adds what no list can
 * say: vdp_status_name() of every status, the VDP_OPERATIONS order, and probes of the function-like
 * macros whose results end up inside binaries (version numbers, VDP_*_HAS).
 * Output: one "kind key = value" line per fact.
 */
#include <vdp/vdp.h>
#include <vdp/vdp_operations.h>

#include <stddef.h>
#include <stdio.h>

#include "abi_layout_names.h"

/* Signed or unsigned, whatever integer type the macro expands to. */
#define IS_UNSIGNED(x) _Generic((x), unsigned char: 1, unsigned short: 1, unsigned int: 1, unsigned long: 1, \
                                unsigned long long: 1, default: 0)

static void print_integer(const char *kind, const char *name, int is_unsigned, long long s, unsigned long long u) {
  if (is_unsigned) {
    printf("%s %s = %llu\n", kind, name, u);
  } else {
    printf("%s %s = %lld\n", kind, name, s);
  }
}

/* A host callback slot that is set (VDP_HOST_HAS also tests for NULL). */
static void probe_log(uintptr_t host_data, vdp_context *ctx, int32_t level, const char *message) {
  (void)host_data;
  (void)ctx;
  (void)level;
  (void)message;
}

int main(void) {
#define STRUCT(type) printf("struct %s = size %zu align %zu\n", #type, sizeof(type), _Alignof(type));
  ABI_LAYOUT_STRUCTS(STRUCT)
#undef STRUCT
#define MEMBER(type, member) \
  printf("layout %s.%s = offset %zu size %zu\n", #type, #member, offsetof(type, member), sizeof(((type *)0)->member));
  ABI_LAYOUT_MEMBERS(MEMBER)
#undef MEMBER
#define INTEGER(name) print_integer("constant", #name, IS_UNSIGNED(name), (long long)(name), (unsigned long long)(name));
  ABI_LAYOUT_INTEGERS(INTEGER)
#undef INTEGER
#define STRING(name) printf("string %s = \"%s\"\n", #name, name);
  ABI_LAYOUT_STRINGS(STRING)
#undef STRING
#define STATUS(name) printf("status %d = %s\n", (int)(name), vdp_status_name(name));
  ABI_LAYOUT_STATUSES(STATUS)
#undef STATUS
  /* A number the header does not know reads as INTERNAL (vdp.h, "Status codes"). */
  printf("probe vdp_status_name(9999) = %s\n", vdp_status_name(9999));

  int index = 0;
#define OPERATION(name) printf("operation %d = %s\n", index++, #name);
  VDP_OPERATIONS(OPERATION)
#undef OPERATION

  /* The version encoding is baked into every binary that was built with it. */
  print_integer("probe", "VDP_MAKE_VERSION(1, 0)", 1, 0, VDP_MAKE_VERSION(1, 0));
  print_integer("probe", "VDP_MAKE_VERSION(0x1234, 0x5678)", 1, 0, VDP_MAKE_VERSION(0x1234, 0x5678));
  print_integer("probe", "VDP_MAKE_VERSION(0x10001, 0x10002)", 1, 0, VDP_MAKE_VERSION(0x10001, 0x10002));
  print_integer("probe", "VDP_VERSION_MAJOR(0x12345678)", 1, 0, VDP_VERSION_MAJOR(0x12345678));
  print_integer("probe", "VDP_VERSION_MINOR(0x12345678)", 1, 0, VDP_VERSION_MINOR(0x12345678));

  /* The struct_size guards: a member counts when the producer's struct reaches its end. */
  vdp_host host = {0};
  host.log = probe_log;
  host.struct_size = (uint32_t)(offsetof(vdp_host, log) + sizeof host.log);
  printf("probe VDP_HOST_HAS(struct_size at the end of log, log) = %d\n", VDP_HOST_HAS(&host, log) ? 1 : 0);
  host.struct_size -= 1;
  printf("probe VDP_HOST_HAS(struct_size 1 byte short of log, log) = %d\n", VDP_HOST_HAS(&host, log) ? 1 : 0);
  host.struct_size = (uint32_t)sizeof host;
  host.log = NULL;
  printf("probe VDP_HOST_HAS(log NULL, log) = %d\n", VDP_HOST_HAS(&host, log) ? 1 : 0);
  vdp_plugin plugin = {0};
  plugin.struct_size = (uint32_t)offsetof(vdp_plugin, describe);
  printf("probe VDP_STRUCT_HAS(struct_size at the start of describe, describe) = %d\n",
         VDP_STRUCT_HAS(&plugin, vdp_plugin, describe) ? 1 : 0);
  return 0;
}
