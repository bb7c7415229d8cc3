// Which refusal wins (vdp.h, "Precedence"), one test per step, and the walk over every slot before setup:
// 1. pointer contract (NULL driver, request or out)   -> INVALID_ARGUMENT, before anything else;
// 2. a slot the plugin does not serve                  -> NOT_SUPPORTED, whatever the state or request;
// 3. no successful setup yet (describe excepted)       -> UNAVAILABLE, whatever the request;
// 4. a request that is not JSON or lacks a member      -> INVALID_ARGUMENT.
#include <string>
#include <vector>

#include "contract_support.h"

namespace contract {
namespace {

const std::string kMalformed = R"({"x":01)";
const std::string kVolume =
    R"({"volume":{"id":"6b1f6c3e-8a59-4f47-a0a4-2f4bd1a6f0c1","project_id":"p1","size":1}})";

bool served(const NamedSlot& slot, Driver& drv) {
  return drv.call(slot.fn, "{}").status != VDP_E_NOT_SUPPORTED;
}

// A valid configuration whose cluster is never contacted (TEST-NET address).
struct UnreachableHost : MapHost {
  UnreachableHost() { config = {{"san_ip", "192.0.2.10"}, {"san_login", "admin"}, {"san_password", "secret"}}; }
};

TEST(Precedence, EverySlotBeforeSetup) {
  UnreachableHost host;
  Driver drv(host);
  ASSERT_EQ(drv.created().status, VDP_OK) << drv.created().out;
  size_t unavailable = 0;
  for (const NamedSlot& slot : every_slot()) {
    for (const std::string& request : {std::string("{}"), kVolume}) {
      const Answer a = drv.call(slot.fn, request);
      ASSERT_TRUE(valid_json_object(a.out)) << slot.name << ": " << a.out;
      if (std::string(slot.name) == "describe") {
        EXPECT_EQ(a.status, VDP_OK) << a.out;  // the plugin's own facts: a host reads them before setup
      } else if (a.status != VDP_E_NOT_SUPPORTED) {
        EXPECT_EQ(a.status, VDP_E_UNAVAILABLE) << slot.name << " with " << request << ": " << a.out;
        EXPECT_EQ(member(a.out, "operation"), slot.name);
        const JsonPtr o = parse(a.out);
        EXPECT_TRUE(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o.get(), "retryable"))) << a.out;
        ++unavailable;
      }
    }
  }
  EXPECT_GE(unavailable, 2u * 34u);  // every served slot but describe, with both requests
  const Answer remove = drv.call(plugin().remove_export, kVolume);
  EXPECT_EQ(remove.status, VDP_E_UNAVAILABLE) << remove.out;
}

TEST(Precedence, PointerContractComesFirst) {
  UnreachableHost host;
  Driver drv(host);
  ASSERT_EQ(drv.created().status, VDP_OK);
  for (const NamedSlot& slot : every_slot()) {
    char* out = nullptr;
    size_t len = 0;
    // NULL driver: even an unserved slot, and before setup.
    EXPECT_EQ(slot.fn(nullptr, nullptr, "{}", 2, &out, &len), VDP_E_INVALID_ARGUMENT) << slot.name;
    ASSERT_NE(out, nullptr) << slot.name;
    EXPECT_EQ(detail_field(std::string(out, len)), "drv") << slot.name;
    plugin().free_string(out);
    // NULL request.
    out = nullptr;
    EXPECT_EQ(slot.fn(drv.handle(), nullptr, nullptr, 2, &out, &len), VDP_E_INVALID_ARGUMENT) << slot.name;
    ASSERT_NE(out, nullptr) << slot.name;
    EXPECT_EQ(detail_field(std::string(out, len)), "request") << slot.name;
    plugin().free_string(out);
    // NULL out: nowhere to write an error object, the status alone answers.
    EXPECT_EQ(slot.fn(drv.handle(), nullptr, "{}", 2, nullptr, &len), VDP_E_INVALID_ARGUMENT) << slot.name;
  }
}

TEST(Precedence, NotSupportedBeatsUnavailableAndMalformedRequests) {
  UnreachableHost host;
  Driver drv(host);
  ASSERT_EQ(drv.created().status, VDP_OK);
  size_t refused = 0;
  for (const NamedSlot& slot : every_slot()) {
    if (served(slot, drv)) continue;
    ++refused;
    const Answer a = drv.call(slot.fn, kMalformed);  // before setup, and not JSON
    EXPECT_EQ(a.status, VDP_E_NOT_SUPPORTED) << slot.name << ": " << a.out;
    EXPECT_EQ(member(a.out, "operation"), slot.name);
  }
  EXPECT_GT(refused, 0u);
}

TEST(Precedence, UnavailableBeatsMalformedRequests) {
  UnreachableHost host;
  Driver drv(host);
  ASSERT_EQ(drv.created().status, VDP_OK);
  for (const NamedSlot& slot : every_slot()) {
    if (!served(slot, drv) || std::string(slot.name) == "describe") continue;
    const Answer a = drv.call(slot.fn, kMalformed);
    EXPECT_EQ(a.status, VDP_E_UNAVAILABLE) << slot.name << ": " << a.out;
  }
}

TEST(Precedence, MalformedRequestsAfterSetupAreInvalidArgument) {
  Cluster cluster;
  MapHost host;
  host.config = cluster.config;
  Driver drv(host);
  ASSERT_EQ(drv.created().status, VDP_OK) << drv.created().out;
  ASSERT_EQ(drv.call(plugin().setup, "{}").status, VDP_OK);
  for (const NamedSlot& slot : every_slot()) {
    const Answer a = drv.call(slot.fn, kMalformed);
    if (a.status == VDP_E_NOT_SUPPORTED) continue;  // unserved: step 2 still wins after setup
    EXPECT_EQ(a.status, VDP_E_INVALID_ARGUMENT) << slot.name << ": " << a.out;
    EXPECT_EQ(detail_field(a.out), "request") << slot.name;
  }
  // setup itself has no UNAVAILABLE step: a malformed request is refused before any contact.
  EXPECT_EQ(drv.call(plugin().setup, kMalformed).status, VDP_E_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace contract
