// The descriptor and describe, both generated from VDP_OPERATIONS: every slot is filled, describe lists
// exactly the operations whose slot does not refuse, and the plugin reports one version everywhere
// (descriptor, describe, get_volume_stats; the last against an in-process element-sim).
#include "descriptor.h"

#include <cjson/cJSON.h>
#include <element_sim/server.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "solidfire/driver.h"
#include "vdp/vdp_operations.h"

namespace sfplugin {
namespace {

using Json = std::unique_ptr<cJSON, decltype(&cJSON_Delete)>;

Json parse(const std::string& text) { return Json(cJSON_ParseWithLength(text.data(), text.size()), &cJSON_Delete); }

std::string string_member(const cJSON* obj, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsString(v) ? v->valuestring : "";
}

struct NamedSlot {
  const char* name;
  vdp_op_fn fn;
};

std::vector<NamedSlot> listed_slots(const vdp_plugin& p) {
  return {
#define NAMED_SLOT(op) {#op, p.op},
      VDP_OPERATIONS(NAMED_SLOT)
#undef NAMED_SLOT
  };
}

// A host whose configuration is a map; its getter follows vdp.h (BUFFER_TOO_SMALL, then the value).
struct MapHost {
  explicit MapHost(std::map<std::string, std::string> values) : config(std::move(values)) {}
  std::map<std::string, std::string> config;
  int too_small = 0;  // BUFFER_TOO_SMALL answers given

  static vdp_status config_get(uintptr_t data, vdp_config*, const char* key, char* buf, size_t len, size_t* needed) {
    auto& self = *reinterpret_cast<MapHost*>(data);
    const auto it = self.config.find(key);
    if (it == self.config.end()) return VDP_E_NOT_FOUND;
    *needed = it->second.size() + 1;
    if (buf == nullptr || len < *needed) {
      ++self.too_small;
      return VDP_E_BUFFER_TOO_SMALL;
    }
    std::memcpy(buf, it->second.c_str(), *needed);
    return VDP_OK;
  }
  vdp_host table() {
    vdp_host h{};
    h.struct_size = sizeof(vdp_host);
    h.host_data = reinterpret_cast<uintptr_t>(this);
    h.config_get = &config_get;
    return h;
  }
};

struct Result {
  vdp_status status = VDP_OK;
  std::string out;
};

// A driver made and called through the descriptor only, as a host does.
class DescriptorDriver {
 public:
  explicit DescriptorDriver(MapHost& host) : p_(descriptor()), table_(host.table()) {
    char* out = nullptr;
    size_t len = 0;
    create_status_ = p_.create(&table_, reinterpret_cast<vdp_config*>(uintptr_t{1}), &drv_, &out, &len);
    p_.free_string(out);
  }
  ~DescriptorDriver() { p_.destroy(drv_); }
  DescriptorDriver(const DescriptorDriver&) = delete;
  DescriptorDriver& operator=(const DescriptorDriver&) = delete;

  bool created() const { return create_status_ == VDP_OK && drv_ != nullptr; }
  Result call(vdp_op_fn fn, const std::string& request) {
    char* out = nullptr;
    size_t len = 0;
    Result r;
    r.status = fn(drv_, nullptr, request.data(), request.size(), &out, &len);
    if (out != nullptr) r.out.assign(out, len);
    p_.free_string(out);
    return r;
  }

 private:
  const vdp_plugin& p_;
  vdp_host table_;
  vdp_driver* drv_ = nullptr;
  vdp_status create_status_ = VDP_E_INTERNAL;
};

std::vector<std::string> described_operations(DescriptorDriver& drv) {
  const Result r = drv.call(descriptor().describe, "{}");
  EXPECT_EQ(r.status, VDP_OK) << r.out;
  const Json d = parse(r.out);
  std::vector<std::string> ops;
  const cJSON* list = cJSON_GetObjectItemCaseSensitive(d.get(), "operations");
  for (const cJSON* c = cJSON_IsArray(list) ? list->child : nullptr; c != nullptr; c = c->next)
    if (cJSON_IsString(c)) ops.emplace_back(c->valuestring);
  return ops;
}

TEST(Descriptor, IdentityAndEverySlotFilled) {
  const vdp_plugin& p = descriptor();
  EXPECT_EQ(p.struct_size, sizeof(vdp_plugin));
  EXPECT_EQ(p.abi_version, VDP_ABI_VERSION);
  EXPECT_EQ(p.schema_version, VDP_SCHEMA_VERSION);
  EXPECT_STREQ(p.name, "solidfire");
  EXPECT_STREQ(p.driver_version, VDP_TEST_PROJECT_VERSION);  // the project's version, nothing hand-kept
  EXPECT_TRUE(p.create != nullptr && p.setup != nullptr && p.destroy != nullptr && p.free_string != nullptr);
  for (const NamedSlot& slot : listed_slots(p)) EXPECT_NE(slot.fn, nullptr) << slot.name;
}

// Before setup a served operation answers UNAVAILABLE (describe answers OK); only
// the refusing slot answers NOT_SUPPORTED, and describe leaves exactly those out.
TEST(Descriptor, DescribeListsExactlyTheOperationsThatDoNotRefuse) {
  MapHost host({{"san_ip", "192.0.2.10"}, {"san_login", "admin"}, {"san_password", "secret"}});
  DescriptorDriver drv(host);
  ASSERT_TRUE(drv.created());
  const std::vector<std::string> described = described_operations(drv);
  ASSERT_FALSE(described.empty());
  EXPECT_EQ(described.front(), "setup");
  EXPECT_EQ(described.back(), "describe");

  std::vector<std::string> not_refused = {"setup"};
  size_t refused = 0;
  for (const NamedSlot& slot : listed_slots(descriptor())) {
    const Result r = drv.call(slot.fn, "{}");
    if (r.status != VDP_E_NOT_SUPPORTED) {
      not_refused.emplace_back(slot.name);
      continue;
    }
    ++refused;
    const Json error = parse(r.out);
    EXPECT_EQ(string_member(error.get(), "operation"), slot.name) << r.out;
    EXPECT_NE(string_member(error.get(), "message").find(slot.name), std::string::npos) << r.out;
  }
  EXPECT_EQ(described, not_refused);  // same operations, in descriptor order
  EXPECT_EQ(refused, 1u);             // clone_image (the image cache) is not served yet
  EXPECT_TRUE(std::find(described.begin(), described.end(), "clone_image") == described.end());
  EXPECT_TRUE(std::find(described.begin(), described.end(), "migrate_volume") != described.end());
}

TEST(Descriptor, OneVersionEverywhere) {
  element_sim::Options opts;
  opts.tls = false;
  opts.log_level = "off";
  element_sim::Server sim(opts);
  sim.start();
  // Longer than the plugin's first getter buffer: read through BUFFER_TOO_SMALL and a second call.
  const std::string backend_name = "backend-" + std::string(1000, 'n');
  MapHost host({{"san_ip", "127.0.0.1"},
                {"sf_api_port", std::to_string(sim.port())},
                {"sf_api_scheme", "http"},
                {"san_login", opts.user},
                {"san_password", opts.password},
                {"volume_backend_name", backend_name}});
  DescriptorDriver drv(host);
  ASSERT_TRUE(drv.created());
  EXPECT_GT(host.too_small, 0);
  const vdp_plugin& p = descriptor();

  const Result d = drv.call(p.describe, "{}");
  ASSERT_EQ(d.status, VDP_OK) << d.out;
  EXPECT_EQ(string_member(parse(d.out).get(), "driver_version"), p.driver_version);

  const Result setup = drv.call(p.setup, "{}");
  ASSERT_EQ(setup.status, VDP_OK) << setup.out;
  const Result stats = drv.call(p.get_volume_stats, R"({"refresh":true})");
  ASSERT_EQ(stats.status, VDP_OK) << stats.out;
  const Json s = parse(stats.out);
  EXPECT_EQ(string_member(s.get(), "driver_version"), p.driver_version);
  EXPECT_EQ(string_member(s.get(), "volume_backend_name"), backend_name);
  EXPECT_STREQ(p.driver_version, solidfire::kDriverVersion);
}

}  // namespace
}  // namespace sfplugin
