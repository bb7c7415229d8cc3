// libFuzzer target: the plugin's request handling, through the same functions the descriptor's slots point
// at (plugin/src/operations.h, slots.h): strict JSON (strict_json.cpp), typed requests (request_types.cpp), the
// driver, result marshalling and the error object. The driver talks to an in-process element-sim through a
// Transport (no sockets), so a request that parses goes all the way to the simulated cluster.
//
// Input: the operation name on the first line, the request JSON after it ("create_volume\n{...}"). A first
// line that names no operation picks one by hashing it, so mutated names still reach some parser.
//
// Properties checked on every call (a violation aborts, which libFuzzer records as a crash):
//   * *out is a NUL-terminated buffer of exactly *out_len bytes holding one strict-JSON object;
//   * the status is never VDP_E_INTERNAL (the simulator behaves, so INTERNAL means an exception the
//     plugin did not map, e.g. std::out_of_range escaping a parser);
//   * a request that is not strict JSON is answered VDP_E_INVALID_ARGUMENT.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "driver_handle.h"
#include "fuzz_support.h"
#include "host_adapter.h"
#include "operations.h"
#include "out_string.h"
#include "strict_json.h"

namespace {

struct NamedSlot {
  const char* name;
  vdp_op_fn fn;
};

// Every operation slot of the descriptor ("setup" and VDP_OPERATIONS); unserved ones must refuse cleanly.
const NamedSlot kOps[] = {
    {"setup", &sfplugin::setup},
#define FUZZ_SLOT(op) {#op, &sfplugin::Slot<sfplugin::Op::op>::call},
    VDP_OPERATIONS(FUZZ_SLOT)
#undef FUZZ_SLOT
};
constexpr size_t kOpCount = sizeof(kOps) / sizeof(kOps[0]);

// Objects every input finds on the cluster, so that requests naming them get past the lookups.
constexpr std::string_view kSeedVolume =
    R"({"volume":{"id":"11111111-2222-4333-8444-555555555555","size":1,"project_id":"proj1",)"
    R"("display_name":"seed"}})";
constexpr std::string_view kSeedSnapshot =
    R"({"snapshot":{"id":"66666666-7777-4888-9999-aaaaaaaaaaaa","volume_id":"11111111-2222-4333-8444-555555555555",)"
    R"("project_id":"proj1","volume_size":1}})";

vdp_context* context_token() { return reinterpret_cast<vdp_context*>(uintptr_t{0x1000}); }

// Calls one slot and checks the output contract; returns the status.
vdp_status call(vdp_driver& drv, const NamedSlot& op, std::string_view request) {
  char* out = nullptr;
  size_t out_len = 12345;
  const vdp_status status = op.fn(&drv, context_token(), request.data(), request.size(), &out, &out_len);
  if (out == nullptr) vdpfuzz::violated("out is NULL", op.name);
  const std::string text(out, out_len);
  if (std::strlen(out) != out_len) vdpfuzz::violated("out_len differs from strlen(out)", text);
  try {
    (void)sfplugin::JsonDocument::parse(out, out_len);
  } catch (...) {
    vdpfuzz::violated("out is not a strict JSON object", text);
  }
  sfplugin::free_string(out);
  if (status == VDP_E_INTERNAL) {
    vdpfuzz::violated("VDP_E_INTERNAL", std::string(op.name) + "\n" + std::string(request) + "\n-> " + text);
  }
  return status;
}

const NamedSlot& op_named(std::string_view name) {
  for (const NamedSlot& op : kOps) {
    if (name == op.name) return op;
  }
  size_t h = 0;
  for (char c : name) h = h * 131 + static_cast<unsigned char>(c);
  return kOps[h % kOpCount];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static element_sim::Server* const sim = new element_sim::Server(vdpfuzz::quiet_sim_options());
  sim->reset_state();

  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string_view name = nl == std::string_view::npos ? input : input.substr(0, nl);
  const std::string_view request = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);

  vdpfuzz::Host host;
  host.config = {{"san_ip", "127.0.0.1"}, {"san_login", "admin"}, {"san_password", "admin"},
                 {"vdp_log_level", "off"}};
  const vdp_host table = host.table();
  vdp_driver drv;
  drv.host = sfplugin::copy_host(&table);
  drv.logger = sfplugin::make_host_logger(&drv.host, "off", drv.secrets);
  solidfire::DriverDeps deps;
  deps.transport = std::make_unique<vdpfuzz::SimTransport>(*sim);
  deps.logger = drv.logger;
  deps.clock = std::make_shared<vdpfuzz::JumpClock>();
  const vdp_host& h = drv.host;
  drv.driver = solidfire::SolidFireDriver::create(
      [&h](const std::string& key) { return sfplugin::config_value(h, nullptr, key); }, std::move(deps));

  if (call(drv, op_named("setup"), "{}") != VDP_OK) vdpfuzz::violated("setup failed");
  if (call(drv, op_named("create_volume"), kSeedVolume) != VDP_OK) vdpfuzz::violated("seed volume failed");
  if (call(drv, op_named("create_snapshot"), kSeedSnapshot) != VDP_OK) vdpfuzz::violated("seed snapshot failed");

  bool strict = true;
  try {
    (void)sfplugin::JsonDocument::parse(request.data(), request.size());
  } catch (...) {
    strict = false;
  }
  const vdp_status status = call(drv, op_named(name), request);
  if (!strict && status != VDP_E_INVALID_ARGUMENT) {
    vdpfuzz::violated("a request that is not strict JSON was not INVALID_ARGUMENT", request);
  }
  return 0;
}
