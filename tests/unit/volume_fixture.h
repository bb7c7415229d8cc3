// Shared fixture of the volume data operation unit tests (snapshots, clones, extend, retype): the fake
// cluster with one tenant account and helpers to seed volumes and script Element methods the fake
// cluster does not serve (snapshots, clones, ModifyVolume).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fakes.h"

namespace sftest {

// A CallContext that records what the driver asked of the host: locks, progress, cancellation polls.
class RecordingContext final : public CallContext {
 public:
  explicit RecordingContext(std::shared_ptr<Clock> clock) : clock_(std::move(clock)) {}
  SteadyClock::time_point deadline() const override { return deadline_; }
  bool cancelled() override {
    const int n = polls++;
    return cancel_after_polls && n >= *cancel_after_polls;
  }
  void progress(uint64_t done, uint64_t total, const std::string& message) override {
    progress_reports.push_back({done, total});
    last_progress_message = message;
  }
  std::optional<std::string> value(const std::string&) override { return std::nullopt; }
  std::unique_ptr<ScopedLock> lock(const std::string& name, std::chrono::milliseconds timeout) override {
    locks.push_back(name);
    lock_timeouts.push_back(timeout);
    return std::make_unique<ScopedLock>();
  }
  void set_deadline_in(std::chrono::milliseconds d) { deadline_ = clock_->now() + d; }

  std::optional<int> cancel_after_polls;
  int polls = 0;
  std::vector<std::pair<uint64_t, uint64_t>> progress_reports;
  std::string last_progress_message;
  std::vector<std::string> locks;
  std::vector<std::chrono::milliseconds> lock_timeouts;

 private:
  std::shared_ptr<Clock> clock_;
  SteadyClock::time_point deadline_ = SteadyClock::time_point::max();
};

inline const std::string kVolA = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
inline const std::string kVolB = "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb";
inline const std::string kSnap = "cccccccc-3333-4333-8333-cccccccccccc";

struct DataFixture : ::testing::Test {
  explicit DataFixture(std::map<std::string, std::string> config = {}) : h(std::move(config)) {}
  Harness h;
  RecordingContext ctx{h.clock};
  int64_t account = 0;

  void SetUp() override {
    h.setup();
    account = h.transport->cluster.add_account("proj1");
  }
  int64_t seed(const std::string& uuid, int64_t gib = 10, int64_t acct = 0) {
    FakeCluster::Vol v;
    v.account = acct == 0 ? account : acct;
    v.name = "UUID-" + uuid;
    v.uuid = uuid;
    v.size = gib << 30;
    return h.transport->cluster.add_volume(v);
  }
  Volume vol(const std::string& uuid, int64_t id, int64_t gib = 10, const std::string& project = "proj1") {
    Volume v = make_volume(uuid, gib, project);
    v.provider_id = std::to_string(id) + " " + std::to_string(account) + " " + h.transport->cluster.uuid;
    return v;
  }
  // Serves `method` `n` times with `handler`.
  void repeat(const std::string& method, int n, const FakeTransport::Handler& handler) {
    for (int i = 0; i < n; ++i) h.transport->expect(method, handler);
  }
  // CloneVolume creates the volume on the fake cluster (status init) and answers like Element.
  void serve_clone(int64_t handle = 501) {
    h.transport->expect("CloneVolume", [this, handle](const Request& r) {
      FakeCluster::Vol v;
      v.account = r.params.view().int64("newAccountID").value_or(0);
      v.name = r.params.view().string_or("name", "");
      v.uuid = r.params.view()["attributes"].string_or("uuid", "");
      v.size = r.params.view().int64("newSize").value_or(0);
      v.status = "init";
      const int64_t id = h.transport->cluster.add_volume(v);
      last_clone = id;
      Json res = Json::object();
      res.set("volumeID", id);
      res.set("cloneID", int64_t{1});
      res.set("asyncHandle", handle);
      res.set("volume", h.transport->cluster.volume_json(*h.transport->cluster.volume(id)));
      return ok(res.print());
    });
  }
  void serve_async(int running, bool fail = false) {
    repeat("GetAsyncResult", running, [](const Request&) { return ok(R"({"status":"running","resultType":"Clone"})"); });
    if (fail) {
      h.transport->expect_reply("GetAsyncResult", ok(R"({"status":"complete","resultType":"Clone",)"
                                                     R"("error":{"name":"xCloneFailed","message":"disk on fire"}})"));
    } else {
      h.transport->expect_reply("GetAsyncResult", ok(R"({"status":"complete","resultType":"Clone",)"
                                                     R"("result":{"cloneID":1,"message":"Clone complete."}})"));
    }
  }
  int64_t last_clone = 0;

  std::vector<Request> of(const std::string& method) const {
    std::vector<Request> out;
    for (auto& r : h.transport->requests()) {
      if (r.method == method) out.push_back(r);
    }
    return out;
  }
};

inline std::string snapshot_json(int64_t sid, int64_t vid, const std::string& name, int64_t size = int64_t{10} << 30) {
  return R"({"snapshotID":)" + std::to_string(sid) + R"(,"volumeID":)" + std::to_string(vid) + R"(,"name":")" + name +
         R"(","totalSize":)" + std::to_string(size) + R"(,"status":"done"})";
}
inline HttpResponse snapshots_reply(const std::vector<std::string>& items) {
  std::string s = R"({"snapshots":[)";
  for (size_t i = 0; i < items.size(); ++i) s += (i ? "," : "") + items[i];
  return ok(s + "]}");
}

template <class F>
Error error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error raised";
  return Error(ErrorCode::kOk, "");
}

}  // namespace sftest
