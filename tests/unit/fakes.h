// Test doubles for the driver: a scripted Transport that records every request (and can serve a tiny
// in-memory Element cluster), a Clock that advances instantly, and a CallContext with a settable
// deadline and cancellation.
#pragma once

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "driver_impl.h"
#include "json.h"
#include "solidfire/driver.h"

namespace sftest {

using namespace solidfire;  // NOLINT(google-build-using-namespace): test helpers

class FakeClock final : public Clock {
 public:
  SteadyClock::time_point now() const override;
  void sleep_for(std::chrono::milliseconds d) override;
  std::vector<std::chrono::milliseconds> sleeps() const;
  std::chrono::milliseconds total_slept() const;
  void advance(std::chrono::milliseconds d);

 private:
  mutable std::mutex mutex_;
  SteadyClock::time_point now_ = SteadyClock::time_point{} + std::chrono::hours(1000);
  std::vector<std::chrono::milliseconds> sleeps_;
};

class FakeContext final : public CallContext {
 public:
  explicit FakeContext(std::shared_ptr<Clock> clock = nullptr) : clock_(std::move(clock)) {}
  SteadyClock::time_point deadline() const override { return deadline_; }
  bool cancelled() override;
  void progress(uint64_t done, uint64_t total, const std::string& message) override;
  std::optional<std::string> value(const std::string& key) override;
  std::unique_ptr<ScopedLock> lock(const std::string& name, std::chrono::milliseconds timeout) override;

  void set_deadline_in(std::chrono::milliseconds d) { deadline_ = clock_->now() + d; }
  // Cancelled from the n-th poll on (0 = at once); nullopt = never.
  std::optional<int> cancel_after_polls;
  int polls = 0;
  int progress_calls = 0;
  std::map<std::string, std::string> values;

 private:
  std::shared_ptr<Clock> clock_;
  SteadyClock::time_point deadline_ = SteadyClock::time_point::max();
};

struct Request {
  std::string method;
  std::string version;
  std::string url;
  std::string body;
  std::string username;
  std::string password;
  std::chrono::milliseconds timeout{0};
  SteadyClock::time_point at;
  Json params;  // parsed
  Request() = default;
  Request(const Request& o) { *this = o; }
  Request& operator=(const Request& o);
  Request(Request&&) noexcept = default;
  Request& operator=(Request&&) noexcept = default;
  ~Request() = default;
  Request clone() const { return *this; }
};

HttpResponse ok(const std::string& result_json);
HttpResponse element_error(const std::string& name, const std::string& message = "");
HttpResponse http(long status, const std::string& body = "");  // NOLINT(google-runtime-int)

// A small in-memory Element cluster: accounts and volumes with the behaviours the driver relies on
// (ListVolumes startVolumeID returns the next volume, deleted volumes stay until purged, ...).
class FakeCluster {
 public:
  struct Vol {
    int64_t id = 0;
    int64_t account = 0;
    std::string name;
    std::string status = "active";
    std::string uuid;  // attributes.uuid ("" = none)
    int64_t size = int64_t{1} << 30;
    bool e512 = true;
    int64_t min_iops = 50;
  };
  struct Acct {
    int64_t id = 0;
    std::string username;
    std::string isec;
    std::string tsec;
  };

  // A group snapshot: member (volumeID, snapshotID) pairs, named like its members.
  struct GroupSnap {
    int64_t id = 0;
    std::string name;
    std::string uuid;  // attributes.uuid
    std::vector<std::pair<int64_t, int64_t>> members;
  };

  HttpResponse handle(const Request& r);
  int64_t add_account(const std::string& username, const std::string& tsec = "TARGETSECRET0001");
  int64_t add_volume(Vol v);
  std::optional<Vol> volume(int64_t id) const;
  std::vector<Vol> volumes() const;
  Json volume_json(const Vol& v) const;
  std::vector<GroupSnap> group_snapshots() const;
  int64_t next_volume_id = 100;
  int64_t next_account_id = 10;
  int64_t next_snapshot_id = 500;
  int64_t next_group_snapshot_id = 50;
  std::string svip = "10.0.0.2";
  std::string uuid = "11111111-2222-3333-4444-555555555555";
  std::string capacity_json;  // GetClusterCapacity clusterCapacity override

 private:
  Json account_json(const Acct& a) const;
  Json group_snapshot_json(const GroupSnap& g) const;
  HttpResponse handle_group_snapshots(const Request& r);
  mutable std::mutex mutex_;
  std::vector<GroupSnap> group_snapshots_;
  std::vector<Acct> accounts_;
  std::vector<Vol> volumes_;
};

class FakeTransport final : public Transport {
 public:
  using Handler = std::function<HttpResponse(const Request&)>;
  explicit FakeTransport(std::shared_ptr<Clock> clock) : clock_(std::move(clock)) {}

  HttpResponse post(const HttpRequest& request) override;

  // One-shot reply for the next request of `method` (FIFO); takes precedence over the cluster.
  void expect(const std::string& method, Handler h);
  void expect_reply(const std::string& method, HttpResponse r);
  void expect_throw(const std::string& method, TransportError::Kind kind);

  std::vector<Request> requests() const;
  std::vector<std::string> methods() const;
  int count(const std::string& method) const;
  size_t total() const;
  void clear();

  FakeCluster cluster;
  bool use_cluster = true;

 private:
  std::shared_ptr<Clock> clock_;
  mutable std::mutex mutex_;
  std::vector<Request> requests_;
  std::map<std::string, std::deque<Handler>> script_;
};

// A driver wired to fakes, with a log sink whose text tests can inspect.
struct Harness {
  explicit Harness(std::map<std::string, std::string> config = {}, RetryPolicy retry = {});
  void setup();  // runs setup() against the fake cluster and clears the request log
  FakeContext ctx() { FakeContext c(clock); return c; }
  std::string log_text() const { return log_stream->str(); }

  std::shared_ptr<FakeClock> clock;
  FakeTransport* transport = nullptr;  // owned by the driver
  std::shared_ptr<std::ostringstream> log_stream;
  std::shared_ptr<spdlog::logger> logger;
  std::unique_ptr<SolidFireDriverImpl> driver;
};

std::map<std::string, std::string> base_config();
ConfigSource source_of(const std::map<std::string, std::string>& m);
Volume make_volume(const std::string& id = "8c0e8f4a-2d1b-4a8e-9a51-0f6a7c1d2e3f", int64_t size = 10,
                   const std::string& project = "proj1");

}  // namespace sftest
