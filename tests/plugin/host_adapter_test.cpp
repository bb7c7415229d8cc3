#include "host_adapter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <map>
#include <string>
#include <thread>

#include "driver_handle.h"
#include "solidfire/error.h"

namespace sfplugin {
namespace {

using solidfire::Error;
using solidfire::ErrorCode;

// A host whose values live in a map; counts calls so tests can see the PKCS#11 retry.
struct FakeHost {
  std::map<std::string, std::string> values;
  int calls = 0;
  vdp_status too_small = VDP_E_BUFFER_TOO_SMALL;  // what the getter answers for a short buffer
  int64_t remaining_ms = VDP_NO_DEADLINE;
  std::atomic<int> cancelled{0};

  static FakeHost& self(uintptr_t data) { return *reinterpret_cast<FakeHost*>(data); }
  static vdp_status get(uintptr_t data, const char* key, char* buf, size_t len, size_t* needed) {
    FakeHost& h = self(data);
    ++h.calls;
    auto it = h.values.find(key);
    if (it == h.values.end()) return VDP_E_NOT_FOUND;
    *needed = it->second.size() + 1;
    if (buf == nullptr || len < *needed) return h.too_small;
    std::memcpy(buf, it->second.c_str(), *needed);
    return VDP_OK;
  }
  static vdp_status config_get(uintptr_t d, vdp_config*, const char* k, char* b, size_t l, size_t* n) { return get(d, k, b, l, n); }
  static vdp_status context_get(uintptr_t d, vdp_context*, const char* k, char* b, size_t l, size_t* n) { return get(d, k, b, l, n); }
  static int64_t remaining(uintptr_t d, vdp_context*) { return self(d).remaining_ms; }
  static int32_t is_cancelled(uintptr_t d, vdp_context*) { return self(d).cancelled.load(); }

  vdp_host table() {
    vdp_host h{};
    h.struct_size = sizeof(vdp_host);
    h.host_data = reinterpret_cast<uintptr_t>(this);
    h.config_get = &config_get;
    h.context_get = &context_get;
    h.context_remaining_ms = &remaining;
    h.context_cancelled = &is_cancelled;
    return h;
  }
};

vdp_host adapted(FakeHost& fake) {
  const vdp_host table = fake.table();
  return copy_host(&table);
}

vdp_context* token() { return reinterpret_cast<vdp_context*>(uintptr_t{1}); }
vdp_config* cfg_token() { return reinterpret_cast<vdp_config*>(uintptr_t{1}); }

TEST(HostAdapter, ConfigGetterGrowsBuffer) {
  FakeHost fake;
  fake.values["short"] = "x";
  fake.values["long"] = std::string(5000, 'a');
  const vdp_host host = adapted(fake);
  EXPECT_EQ(config_value(host, cfg_token(), "short").value_or("?"), "x");
  fake.calls = 0;
  EXPECT_EQ(config_value(host, cfg_token(), "long").value_or("?").size(), 5000u);
  EXPECT_EQ(fake.calls, 2);  // too small once, then exact
  EXPECT_FALSE(config_value(host, cfg_token(), "absent").has_value());
}

// RESOURCE_EXHAUSTED is not "buffer too small" (that is BUFFER_TOO_SMALL): the read fails, no retry, and the
// option is unusable: CONFIG naming it.
TEST(HostAdapter, ResourceExhaustedFromAGetterIsAFailure) {
  FakeHost fake;
  fake.values["long"] = std::string(5000, 'a');
  fake.too_small = VDP_E_RESOURCE_EXHAUSTED;
  const vdp_host host = adapted(fake);
  try {
    config_value(host, cfg_token(), "long");
    FAIL() << "RESOURCE_EXHAUSTED taken as a request to grow the buffer";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConfig);
    EXPECT_EQ(e.field(), "long");
    EXPECT_NE(std::string(e.what()).find("RESOURCE_EXHAUSTED"), std::string::npos) << e.what();
  }
  EXPECT_EQ(fake.calls, 1);
  fake.values["long"] = "short now";  // fits the first buffer: the status for short buffers never shows
  EXPECT_EQ(config_value(host, cfg_token(), "long").value_or("?"), "short now");
}

TEST(HostAdapter, ContextGetterGrowsBuffer) {
  FakeHost fake;
  fake.values["request_id"] = "req-" + std::string(700, '7');
  const vdp_host host = adapted(fake);
  EXPECT_EQ(context_value(host, token(), "request_id").value_or("?"), fake.values["request_id"]);
  EXPECT_EQ(fake.calls, 2);
}

TEST(HostAdapter, MissingGetterMeansAbsent) {
  const vdp_host host = copy_host(nullptr);
  EXPECT_FALSE(config_value(host, cfg_token(), "san_ip").has_value());
  EXPECT_FALSE(context_value(host, token(), "request_id").has_value());
}

TEST(HostAdapter, ShortHostStructReadsAsNull) {
  FakeHost fake;
  vdp_host full = fake.table();
  full.struct_size = static_cast<uint32_t>(offsetof(vdp_host, context_get));  // an "older" host
  const vdp_host host = copy_host(&full);
  EXPECT_NE(host.config_get, nullptr);
  EXPECT_EQ(host.context_get, nullptr);
  EXPECT_EQ(host.context_remaining_ms, nullptr);
}

vdp_status acquire_stub(uintptr_t, vdp_context*, const char*, int64_t, uint64_t* t) {
  *t = 1;
  return VDP_OK;
}

TEST(HostAdapter, LockCallbacksComeInPairs) {
  vdp_host half{};
  half.struct_size = sizeof(vdp_host);
  half.lock_acquire = &acquire_stub;
  try {
    copy_host(&half);
    FAIL() << "lone lock_acquire accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConfig);
  }
}

TEST(HostAdapter, DeadlineReadOnceFromRemainingMs) {
  FakeHost fake;
  fake.remaining_ms = 60000;
  const vdp_host host = adapted(fake);
  LocalLocks locks;
  PluginCallContext ctx(host, token(), locks);
  const auto left = ctx.deadline() - solidfire::SteadyClock::now();
  EXPECT_GT(left, std::chrono::seconds(50));
  EXPECT_LE(left, std::chrono::seconds(60));
  fake.remaining_ms = VDP_NO_DEADLINE;
  PluginCallContext unlimited(host, token(), locks);
  EXPECT_EQ(unlimited.deadline(), solidfire::SteadyClock::time_point::max());
  fake.remaining_ms = -5;
  PluginCallContext expired(host, token(), locks);
  EXPECT_LE(expired.deadline(), solidfire::SteadyClock::now());
}

TEST(HostAdapter, LocalLocksExcludeAndTimeOut) {
  FakeHost fake;
  const vdp_host host = adapted(fake);
  LocalLocks locks;
  PluginCallContext ctx(host, token(), locks);
  auto held = ctx.lock("clone-src-1", std::chrono::milliseconds(1000));
  try {
    ctx.lock("clone-src-1", std::chrono::milliseconds(150));
    FAIL() << "second holder got the lock";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTimeout);
  }
  auto other = ctx.lock("clone-src-2", std::chrono::milliseconds(100));  // other names are independent
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    auto l = ctx.lock("clone-src-1", std::chrono::milliseconds(10000));
    got = true;
  });
  held.reset();
  waiter.join();
  EXPECT_TRUE(got);
}

// vdp.h: drivers of one backend share a lock namespace; without host locks the fallback table is the
// process's, so one driver's VAG lock keeps another driver out.
TEST(HostAdapter, FallbackLocksAreSharedByEveryDriverOfTheProcess) {
  FakeHost fake;
  const vdp_host host = adapted(fake);
  vdp_driver first;
  vdp_driver second;
  ASSERT_TRUE(first.locks);
  EXPECT_EQ(first.locks.get(), second.locks.get());
  PluginCallContext a(host, token(), *first.locks);
  PluginCallContext b(host, token(), *second.locks);
  auto held = a.lock("solidfire-vag-h1", std::chrono::milliseconds(1000));
  try {
    b.lock("solidfire-vag-h1", std::chrono::milliseconds(100));
    FAIL() << "the second driver got a lock the first one holds";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTimeout);
  }
  held.reset();
  EXPECT_NO_THROW(b.lock("solidfire-vag-h1", std::chrono::milliseconds(1000)));
}

TEST(HostAdapter, LocalLockWaitStopsOnCancel) {
  FakeHost fake;
  const vdp_host host = adapted(fake);
  LocalLocks locks;
  PluginCallContext ctx(host, token(), locks);
  auto held = ctx.lock("x", std::chrono::milliseconds(1000));
  fake.cancelled = 1;
  try {
    ctx.lock("x", std::chrono::milliseconds(60000));
    FAIL() << "cancel ignored";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCancelled);
  }
}

struct HostLockRecorder {
  uint64_t next = 41;
  std::vector<uint64_t> released;
  static vdp_status acquire(uintptr_t d, vdp_context*, const char*, int64_t, uint64_t* token) {
    *token = ++reinterpret_cast<HostLockRecorder*>(d)->next;
    return VDP_OK;
  }
  static vdp_status release(uintptr_t d, uint64_t token) {
    reinterpret_cast<HostLockRecorder*>(d)->released.push_back(token);
    return VDP_OK;
  }
};

TEST(HostAdapter, HostLocksAreUsedAndReleasedWithTheirToken) {
  HostLockRecorder rec;
  vdp_host h{};
  h.struct_size = sizeof(vdp_host);
  h.host_data = reinterpret_cast<uintptr_t>(&rec);
  h.lock_acquire = &HostLockRecorder::acquire;
  h.lock_release = &HostLockRecorder::release;
  const vdp_host host = copy_host(&h);
  LocalLocks locks;
  PluginCallContext ctx(host, token(), locks);
  { auto l = ctx.lock("a", std::chrono::milliseconds(100)); }
  ASSERT_EQ(rec.released.size(), 1u);
  EXPECT_EQ(rec.released[0], 42u);
}

}  // namespace
}  // namespace sfplugin
