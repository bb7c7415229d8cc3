// VDP_OPERATIONS (vdp/vdp_operations.h) against vdp_plugin (vdp/vdp.h), at compile time: the list names
// every vdp_op_fn member after free_string, in declaration order, and nothing else. At run time: the
// SolidFire plugin fills every slot of the list (served operations with their handler, the others with
// the refusing slot), so no host ever meets a NULL slot in it.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <iterator>
#include <type_traits>

#include <vdp/vdp.h>
#include <vdp/vdp_operations.h>

namespace {

struct ListedSlot {
  const char* name;
  size_t offset;
};

#define LISTED_SLOT(op) ListedSlot{#op, offsetof(vdp_plugin, op)},
constexpr ListedSlot kListed[] = {VDP_OPERATIONS(LISTED_SLOT)};
#undef LISTED_SLOT

#define IS_OP_FN(op) static_assert(std::is_same_v<decltype(vdp_plugin::op), vdp_op_fn>, #op " is not a vdp_op_fn");
VDP_OPERATIONS(IS_OP_FN)
#undef IS_OP_FN

constexpr size_t kFirstOffset = offsetof(vdp_plugin, free_string) + sizeof(vdp_free_string_fn);
constexpr size_t kCount = std::size(kListed);

// Each entry sits right after the previous one: same order as the struct, no member skipped or repeated.
constexpr bool contiguous() {
  for (size_t i = 0; i < kCount; ++i)
    if (kListed[i].offset != kFirstOffset + i * sizeof(vdp_op_fn)) return false;
  return true;
}

static_assert(kListed[0].offset == kFirstOffset, "the list starts with the slot right after free_string");
static_assert(contiguous(), "the list follows vdp_plugin's operation slots one by one, in order");
static_assert(kListed[kCount - 1].offset == offsetof(vdp_plugin, describe), "the list ends with describe");
static_assert(kFirstOffset + kCount * sizeof(vdp_op_fn) == sizeof(vdp_plugin),
              "vdp_plugin has no member after the last listed slot");
static_assert(kCount == 42, "ABI 1.0 has 42 operation slots after free_string");

TEST(OperationsList, PluginFillsEverySlot) {
  void* lib = dlopen(VDP_TEST_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(lib, nullptr) << dlerror();
  const auto entry = reinterpret_cast<vdp_plugin_entry_fn>(dlsym(lib, VDP_PLUGIN_ENTRY_SYMBOL));
  ASSERT_NE(entry, nullptr);
  uint32_t plugin_abi = 0;
  const vdp_plugin* p = nullptr;
  ASSERT_EQ(entry(VDP_ABI_VERSION, &plugin_abi, &p), VDP_OK);
  ASSERT_NE(p, nullptr);
  ASSERT_GE(p->struct_size, sizeof(vdp_plugin));
  for (const ListedSlot& slot : kListed) {
    vdp_op_fn fn = nullptr;
    std::memcpy(&fn, reinterpret_cast<const unsigned char*>(p) + slot.offset, sizeof fn);
    EXPECT_NE(fn, nullptr) << slot.name;
  }
  EXPECT_NE(p->setup, nullptr);
  dlclose(lib);
}

}  // namespace
