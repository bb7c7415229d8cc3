#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "vdp_host/host.h"

using namespace vdp::host;
using namespace std::chrono_literals;

TEST(Locks, TokensAreNonZeroAndUnique) {
  HostServices s({});
  const vdp_host* h = s.table();
  std::set<uint64_t> tokens;
  for (int i = 0; i < 10; ++i) {
    uint64_t t = 0;
    ASSERT_EQ(h->lock_acquire(h->host_data, nullptr, ("lock-" + std::to_string(i)).c_str(), 0, &t), VDP_OK);
    EXPECT_NE(t, 0u);
    tokens.insert(t);
  }
  EXPECT_EQ(tokens.size(), 10u);
  EXPECT_EQ(s.locks().held(), 10u);
  for (uint64_t t : tokens) EXPECT_EQ(h->lock_release(h->host_data, t), VDP_OK);
  EXPECT_EQ(s.locks().held(), 0u);
}

TEST(Locks, ReleaseByTokenOnlyOnce) {
  HostServices s({});
  const vdp_host* h = s.table();
  uint64_t t = 0;
  ASSERT_EQ(h->lock_acquire(h->host_data, nullptr, "a", -1, &t), VDP_OK);
  EXPECT_EQ(h->lock_release(h->host_data, t), VDP_OK);
  EXPECT_EQ(h->lock_release(h->host_data, t), VDP_E_NOT_FOUND);
  EXPECT_EQ(h->lock_release(h->host_data, 0), VDP_E_NOT_FOUND);
  EXPECT_EQ(h->lock_release(h->host_data, 987654), VDP_E_NOT_FOUND);
  EXPECT_EQ(h->lock_acquire(h->host_data, nullptr, "a", 0, nullptr), VDP_E_INVALID_ARGUMENT);
  EXPECT_EQ(h->lock_acquire(h->host_data, nullptr, nullptr, 0, &t), VDP_E_INVALID_ARGUMENT);
}

TEST(Locks, TimeoutWhileHeld) {
  HostServices s({});
  const vdp_host* h = s.table();
  uint64_t t1 = 0, t2 = 7;
  ASSERT_EQ(h->lock_acquire(h->host_data, nullptr, "vol", 0, &t1), VDP_OK);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(h->lock_acquire(h->host_data, nullptr, "vol", 100, &t2), VDP_E_TIMEOUT);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 95ms);
  EXPECT_LT(waited, 2s);
  EXPECT_EQ(t2, 0u);
  EXPECT_EQ(h->lock_acquire(h->host_data, nullptr, "vol", 0, &t2), VDP_E_TIMEOUT);  // try-lock
  // Another name is independent.
  uint64_t t3 = 0;
  EXPECT_EQ(h->lock_acquire(h->host_data, nullptr, "other", 0, &t3), VDP_OK);
  EXPECT_EQ(h->lock_release(h->host_data, t3), VDP_OK);
  EXPECT_EQ(h->lock_release(h->host_data, t1), VDP_OK);
  EXPECT_EQ(h->lock_acquire(h->host_data, nullptr, "vol", 0, &t2), VDP_OK);
  EXPECT_EQ(h->lock_release(h->host_data, t2), VDP_OK);
}

TEST(Locks, ContextDeadlineAndCancelBoundUnlimitedWaits) {
  HostServices s({});
  const vdp_host* h = s.table();
  uint64_t held = 0, t = 0;
  ASSERT_EQ(h->lock_acquire(h->host_data, nullptr, "vol", 0, &held), VDP_OK);

  CallOptions timed;
  timed.timeout = 80ms;
  CallContext c1(timed);
  EXPECT_EQ(h->lock_acquire(h->host_data, c1.handle(), "vol", -1, &t), VDP_E_TIMEOUT);

  std::atomic<bool> cancel{false};
  CallOptions cancellable;
  cancellable.cancel_flag = &cancel;
  CallContext c2(cancellable);
  std::thread canceller([&] {
    std::this_thread::sleep_for(50ms);
    cancel = true;
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(h->lock_acquire(h->host_data, c2.handle(), "vol", -1, &t), VDP_E_CANCELLED);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  canceller.join();
  EXPECT_EQ(h->lock_release(h->host_data, held), VDP_OK);
  EXPECT_EQ(s.locks().held(), 0u);
}

TEST(Locks, TwoThreadsExcludeEachOther) {
  HostServices s({});
  const vdp_host* h = s.table();
  std::atomic<int> inside{0};
  std::atomic<bool> overlap{false};
  int counter = 0;  // protected only by the named lock
  auto worker = [&] {
    for (int i = 0; i < 500; ++i) {
      uint64_t t = 0;
      ASSERT_EQ(h->lock_acquire(h->host_data, nullptr, "shared", -1, &t), VDP_OK);
      if (inside.fetch_add(1) != 0) overlap = true;
      ++counter;
      inside.fetch_sub(1);
      ASSERT_EQ(h->lock_release(h->host_data, t), VDP_OK);
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  EXPECT_FALSE(overlap);
  EXPECT_EQ(counter, 2000);
  EXPECT_EQ(s.locks().held(), 0u);
}

TEST(Locks, WaiterGetsLockWhenReleased) {
  HostServices s({});
  const vdp_host* h = s.table();
  uint64_t t1 = 0;
  ASSERT_EQ(h->lock_acquire(h->host_data, nullptr, "x", 0, &t1), VDP_OK);
  std::atomic<bool> acquired{false};
  std::thread waiter([&] {
    uint64_t t2 = 0;
    EXPECT_EQ(h->lock_acquire(h->host_data, nullptr, "x", 5000, &t2), VDP_OK);
    acquired = true;
    EXPECT_EQ(h->lock_release(h->host_data, t2), VDP_OK);
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(acquired.load());
  EXPECT_EQ(h->lock_release(h->host_data, t1), VDP_OK);
  waiter.join();
  EXPECT_TRUE(acquired.load());
}
