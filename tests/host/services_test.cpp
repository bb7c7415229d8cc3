// Host services through the vdp_host table, exactly as a plugin sees them.
#include <gtest/gtest.h>

#include <cstring>
#include <thread>
#include <vector>

#include "vdp_host/host.h"

using namespace vdp::host;
using namespace std::chrono_literals;

TEST(Services, TableShape) {
  HostServices s({});
  const vdp_host* h = s.table();
  EXPECT_EQ(h->struct_size, sizeof(vdp_host));
  EXPECT_EQ(h->reserved0, 0u);
  EXPECT_EQ(h->host_data, reinterpret_cast<uintptr_t>(&s));
  EXPECT_TRUE(VDP_HOST_HAS(h, config_get));
  EXPECT_TRUE(VDP_HOST_HAS(h, context_get));
  EXPECT_TRUE(VDP_HOST_HAS(h, context_remaining_ms));
  EXPECT_TRUE(VDP_HOST_HAS(h, context_cancelled));
  EXPECT_TRUE(VDP_HOST_HAS(h, context_progress));
  EXPECT_TRUE(VDP_HOST_HAS(h, log));
  EXPECT_TRUE(VDP_HOST_HAS(h, lock_acquire));
  EXPECT_TRUE(VDP_HOST_HAS(h, lock_release));
}

TEST(Services, ConfigGetterSemantics) {
  HostServices s({{"san_ip", "10.0.0.1"}, {"empty", ""}});
  const vdp_host* h = s.table();
  vdp_config* cfg = s.config_handle();
  size_t needed = 12345;
  char buf[64];

  // NULL buffer: size query.
  EXPECT_EQ(h->config_get(h->host_data, cfg, "san_ip", nullptr, 0, &needed), VDP_E_BUFFER_TOO_SMALL);
  EXPECT_EQ(needed, std::strlen("10.0.0.1") + 1);
  // Too small by one (no room for the NUL): nothing written.
  std::memset(buf, 'x', sizeof buf);
  EXPECT_EQ(h->config_get(h->host_data, cfg, "san_ip", buf, needed - 1, &needed), VDP_E_BUFFER_TOO_SMALL);
  EXPECT_EQ(needed, 9u);
  EXPECT_EQ(buf[0], 'x');
  // Exact fit.
  EXPECT_EQ(h->config_get(h->host_data, cfg, "san_ip", buf, needed, &needed), VDP_OK);
  EXPECT_STREQ(buf, "10.0.0.1");
  // Larger buffer.
  needed = 0;
  EXPECT_EQ(h->config_get(h->host_data, cfg, "san_ip", buf, sizeof buf, &needed), VDP_OK);
  EXPECT_EQ(needed, 9u);
  // Empty value is present (size 1).
  EXPECT_EQ(h->config_get(h->host_data, cfg, "empty", buf, sizeof buf, &needed), VDP_OK);
  EXPECT_EQ(needed, 1u);
  EXPECT_STREQ(buf, "");
  // Absent key.
  EXPECT_EQ(h->config_get(h->host_data, cfg, "nope", buf, sizeof buf, &needed), VDP_E_NOT_FOUND);
  // NULL key; NULL needed tolerated.
  EXPECT_EQ(h->config_get(h->host_data, cfg, nullptr, buf, sizeof buf, &needed), VDP_E_INVALID_ARGUMENT);
  EXPECT_EQ(h->config_get(h->host_data, cfg, "san_ip", buf, sizeof buf, nullptr), VDP_OK);
}

TEST(Services, ContextGetterSemantics) {
  HostServices s({});
  const vdp_host* h = s.table();
  CallOptions opts;
  opts.request_id = "req-abc";
  opts.project_id = "proj";
  CallContext ctx(opts, "create_volume");
  char buf[8];
  size_t needed = 0;
  EXPECT_EQ(h->context_get(h->host_data, ctx.handle(), "request_id", buf, 2, &needed), VDP_E_BUFFER_TOO_SMALL);
  EXPECT_EQ(needed, 8u);
  EXPECT_EQ(h->context_get(h->host_data, ctx.handle(), "request_id", buf, sizeof buf, &needed), VDP_OK);
  EXPECT_STREQ(buf, "req-abc");
  EXPECT_EQ(h->context_get(h->host_data, ctx.handle(), "project_id", buf, sizeof buf, &needed), VDP_OK);
  EXPECT_STREQ(buf, "proj");
  EXPECT_EQ(h->context_get(h->host_data, ctx.handle(), "user_id", buf, sizeof buf, &needed), VDP_E_NOT_FOUND);
  EXPECT_EQ(h->context_get(h->host_data, ctx.handle(), "bogus", buf, sizeof buf, &needed), VDP_E_NOT_FOUND);
  EXPECT_EQ(h->context_get(h->host_data, nullptr, "request_id", buf, sizeof buf, &needed), VDP_E_NOT_FOUND);
  char op[32];
  EXPECT_EQ(h->context_get(h->host_data, ctx.handle(), "operation", op, sizeof op, &needed), VDP_OK);
  EXPECT_STREQ(op, "create_volume");
}

TEST(Services, RequestIdGenerated) {
  CallOptions opts;
  CallContext a(opts), b(opts);
  EXPECT_EQ(a.request_id().rfind("req-", 0), 0u);
  EXPECT_EQ(a.request_id().size(), 4u + 16u);
  EXPECT_NE(a.request_id(), b.request_id());
}

TEST(Services, DeadlineAndNoDeadline) {
  HostServices s({});
  const vdp_host* h = s.table();
  CallOptions none;
  CallContext c0(none);
  EXPECT_EQ(h->context_remaining_ms(h->host_data, c0.handle()), VDP_NO_DEADLINE);
  EXPECT_EQ(h->context_remaining_ms(h->host_data, nullptr), VDP_NO_DEADLINE);

  CallOptions timed;
  timed.timeout = 5000ms;
  CallContext c1(timed);
  const int64_t left = h->context_remaining_ms(h->host_data, c1.handle());
  EXPECT_GT(left, 4000);
  EXPECT_LE(left, 5000);

  CallOptions short_timeout;
  short_timeout.timeout = 20ms;
  CallContext c2(short_timeout);
  std::this_thread::sleep_for(40ms);
  EXPECT_LE(h->context_remaining_ms(h->host_data, c2.handle()), 0);
}

TEST(Services, CancelFlag) {
  HostServices s({});
  const vdp_host* h = s.table();
  std::atomic<bool> flag{false};
  CallOptions opts;
  opts.cancel_flag = &flag;
  CallContext ctx(opts);
  EXPECT_EQ(h->context_cancelled(h->host_data, ctx.handle()), 0);
  flag = true;
  EXPECT_NE(h->context_cancelled(h->host_data, ctx.handle()), 0);
  EXPECT_EQ(h->context_cancelled(h->host_data, nullptr), 0);
  CallOptions no_flag;
  CallContext c2(no_flag);
  EXPECT_EQ(h->context_cancelled(h->host_data, c2.handle()), 0);
}

TEST(Services, ProgressReachesCallback) {
  HostServices s({});
  const vdp_host* h = s.table();
  std::vector<std::tuple<uint64_t, uint64_t, std::string>> seen;
  CallOptions opts;
  opts.on_progress = [&](uint64_t d, uint64_t t, const std::string& m) { seen.emplace_back(d, t, m); };
  CallContext ctx(opts);
  h->context_progress(h->host_data, ctx.handle(), 1, 4, "cloning");
  h->context_progress(h->host_data, ctx.handle(), 2, 0, nullptr);
  h->context_progress(h->host_data, nullptr, 3, 4, "dropped");
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::make_tuple(uint64_t{1}, uint64_t{4}, std::string("cloning")));
  EXPECT_EQ(seen[1], std::make_tuple(uint64_t{2}, uint64_t{0}, std::string()));
  // A throwing callback never unwinds into the plugin.
  CallOptions bad;
  bad.on_progress = [](uint64_t, uint64_t, const std::string&) { throw std::runtime_error("boom"); };
  CallContext c2(bad);
  EXPECT_NO_THROW(h->context_progress(h->host_data, c2.handle(), 1, 1, "x"));
}

TEST(Services, LogIsSerialisedAndTagged) {
  std::vector<std::pair<int, std::string>> lines;
  int in_sink = 0;
  bool overlapped = false;
  HostServices s({}, [&](int level, const std::string& m) {
    if (++in_sink != 1) overlapped = true;
    lines.emplace_back(level, m);
    --in_sink;
  });
  const vdp_host* h = s.table();
  CallOptions opts;
  opts.request_id = "req-1";
  CallContext ctx(opts);
  h->log(h->host_data, ctx.handle(), VDP_LOG_WARN, "hello");
  h->log(h->host_data, nullptr, VDP_LOG_ERROR, "outside");
  h->log(h->host_data, nullptr, VDP_LOG_ERROR, nullptr);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], std::make_pair(VDP_LOG_WARN, std::string("[req-1] hello")));
  EXPECT_EQ(lines[1], std::make_pair(VDP_LOG_ERROR, std::string("outside")));

  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) h->log(h->host_data, nullptr, VDP_LOG_INFO, "x");
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(lines.size(), 802u);
  EXPECT_FALSE(overlapped);

  HostServices quiet({});  // no sink: dropped
  EXPECT_NO_THROW(quiet.table()->log(quiet.table()->host_data, nullptr, VDP_LOG_ERROR, "nobody listens"));
}
