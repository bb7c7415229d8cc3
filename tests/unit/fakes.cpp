// Test doubles (see fakes.h).
#include "fakes.h"

#include <algorithm>
#include <stdexcept>

#include "util.h"

namespace sftest {

SteadyClock::time_point FakeClock::now() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return now_;
}
void FakeClock::sleep_for(std::chrono::milliseconds d) {
  std::lock_guard<std::mutex> lock(mutex_);
  sleeps_.push_back(d);
  now_ += d;
}
void FakeClock::advance(std::chrono::milliseconds d) {
  std::lock_guard<std::mutex> lock(mutex_);
  now_ += d;
}
std::vector<std::chrono::milliseconds> FakeClock::sleeps() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sleeps_;
}
std::chrono::milliseconds FakeClock::total_slept() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::chrono::milliseconds t{0};
  for (auto s : sleeps_) t += s;
  return t;
}

bool FakeContext::cancelled() {
  const int n = polls++;
  return cancel_after_polls && n >= *cancel_after_polls;
}
void FakeContext::progress(uint64_t, uint64_t, const std::string&) { ++progress_calls; }
std::optional<std::string> FakeContext::value(const std::string& key) {
  auto it = values.find(key);
  if (it == values.end()) return std::nullopt;
  return it->second;
}
std::unique_ptr<ScopedLock> FakeContext::lock(const std::string&, std::chrono::milliseconds) {
  return std::make_unique<ScopedLock>();
}

Request& Request::operator=(const Request& o) {
  if (this == &o) return *this;
  method = o.method;
  version = o.version;
  url = o.url;
  body = o.body;
  username = o.username;
  password = o.password;
  timeout = o.timeout;
  at = o.at;
  params = o.params.clone();
  return *this;
}

HttpResponse ok(const std::string& result_json) {
  return HttpResponse{200, R"({"id":1,"result":)" + result_json + "}"};
}
HttpResponse element_error(const std::string& name, const std::string& message) {
  Json e = Json::object();
  Json err = Json::object();
  err.set("code", int64_t{500});
  err.set("name", name);
  err.set("message", message.empty() ? name : message);
  e.set("error", std::move(err));
  e.set("id", int64_t{1});
  return HttpResponse{200, e.print()};
}
HttpResponse http(long status, const std::string& body) { return HttpResponse{status, body}; }  // NOLINT

// ---------------------------------------------------------------------------------------------
// FakeCluster

int64_t FakeCluster::add_account(const std::string& username, const std::string& tsec) {
  std::lock_guard<std::mutex> lock(mutex_);
  Acct a{next_account_id++, username, "INITSECRET000001", tsec};
  accounts_.push_back(a);
  return a.id;
}

int64_t FakeCluster::add_volume(Vol v) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (v.id == 0) v.id = next_volume_id++;
  volumes_.push_back(v);
  std::sort(volumes_.begin(), volumes_.end(), [](const Vol& a, const Vol& b) { return a.id < b.id; });
  return v.id;
}

std::optional<FakeCluster::Vol> FakeCluster::volume(int64_t id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& v : volumes_) {
    if (v.id == id) return v;
  }
  return std::nullopt;
}

std::vector<FakeCluster::Vol> FakeCluster::volumes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return volumes_;
}

Json FakeCluster::volume_json(const Vol& v) const {
  Json j = Json::object();
  j.set("volumeID", v.id);
  j.set("accountID", v.account);
  j.set("name", v.name);
  j.set("status", v.status);
  j.set("iqn", "iqn.2010-01.com.solidfire:abcd." + util::to_lower(v.name) + "." + std::to_string(v.id));
  j.set("totalSize", v.size);
  j.set("enable512e", v.e512);
  Json attrs = Json::object();
  if (!v.uuid.empty()) attrs.set("uuid", v.uuid);
  j.set("attributes", std::move(attrs));
  Json qos = Json::object();
  qos.set("minIOPS", v.min_iops);
  qos.set("maxIOPS", int64_t{15000});
  qos.set("burstIOPS", int64_t{15000});
  j.set("qos", std::move(qos));
  j.set("volumePairs", Json::array());
  j.set("volumeAccessGroups", Json::array());
  return j;
}

Json FakeCluster::account_json(const Acct& a) const {
  Json j = Json::object();
  j.set("accountID", a.id);
  j.set("username", a.username);
  j.set("initiatorSecret", a.isec);
  j.set("targetSecret", a.tsec);
  j.set("status", "active");
  Json vols = Json::array();
  for (const auto& v : volumes_) {
    if (v.account == a.id) vols.push(v.id);
  }
  j.set("volumes", std::move(vols));
  j.set("attributes", Json::object());
  return j;
}

HttpResponse FakeCluster::handle(const Request& r) {
  std::lock_guard<std::mutex> lock(mutex_);
  const JsonView p = r.params.view();
  const std::string& m = r.method;
  if (m == "GetClusterInfo") {
    Json ci = Json::object();
    ci.set("name", "fake");
    ci.set("mvip", "10.0.0.1");
    if (!svip.empty()) ci.set("svip", svip);
    ci.set("uuid", uuid);
    ci.set("uniqueID", "abcd");
    Json res = Json::object();
    res.set("clusterInfo", std::move(ci));
    return ok(res.print());
  }
  if (m == "GetClusterVersionInfo") return ok(R"({"clusterAPIVersion":"12.3","clusterVersion":"12.3.0.1"})");
  if (m == "GetClusterCapacity") {
    const std::string cap = capacity_json.empty()
                                ? R"({"maxUsedSpace":1099511627776,"usedSpace":107374182400,)"
                                  R"("maxProvisionedSpace":5497558138880,"uniqueBlocksUsedSpace":4096000,)"
                                  R"("uniqueBlocks":2000,"zeroBlocks":1000,"nonZeroBlocks":3000,)"
                                  R"("currentIOPS":10,"averageIOPS":20,"maxIOPS":300000,"peakIOPS":40})"
                                : capacity_json;
    return ok(R"({"clusterCapacity":)" + cap + "}");
  }
  if (m == "GetAccountByName") {
    const std::string u = p.string_or("username", "");
    for (const auto& a : accounts_) {
      if (a.username == u) {
        Json res = Json::object();
        res.set("account", account_json(a));
        return ok(res.print());
      }
    }
    return element_error("xUnknownAccount");
  }
  if (m == "AddAccount") {
    const std::string u = p.string_or("username", "");
    for (const auto& a : accounts_) {
      if (a.username == u) return element_error("xDuplicateUsername", "Username already exists");
    }
    Acct a{next_account_id++, u, p.string_or("initiatorSecret", "GENERATED0000001"),
           p.string_or("targetSecret", "GENERATED0000002")};
    accounts_.push_back(a);
    Json res = Json::object();
    res.set("accountID", a.id);
    res.set("account", account_json(a));
    return ok(res.print());
  }
  if (m == "CreateVolume") {
    const int64_t account = p.int64("accountID").value_or(0);
    bool found = false;
    for (const auto& a : accounts_) found = found || a.id == account;
    if (!found) return element_error("xAccountIDDoesNotExist");
    Vol v;
    v.id = next_volume_id++;
    v.account = account;
    v.name = p.string_or("name", "");
    v.uuid = p["attributes"].string_or("uuid", "");
    v.size = p.int64("totalSize").value_or(0);
    v.e512 = p.boolean("enable512e").value_or(true);
    v.min_iops = p["qos"].int64("minIOPS").value_or(50);
    volumes_.push_back(v);
    Json res = Json::object();
    res.set("volumeID", v.id);
    res.set("volume", volume_json(v));
    return ok(res.print());
  }
  if (m == "ListVolumes") {
    const auto start = p.int64("startVolumeID");
    const auto limit = p.int64("limit").value_or(10000);
    const auto name = p.string("volumeName");
    std::vector<int64_t> accounts;
    for (const auto a : p["accounts"].items()) accounts.push_back(a.as_int64().value_or(-1));
    std::vector<int64_t> ids;
    for (const auto i : p["volumeIDs"].items()) ids.push_back(i.as_int64().value_or(-1));
    Json vols = Json::array();
    int64_t n = 0;
    for (const auto& v : volumes_) {
      if (start && v.id < *start) continue;
      if (name && v.name != *name) continue;
      if (!accounts.empty() && std::find(accounts.begin(), accounts.end(), v.account) == accounts.end()) continue;
      if (!ids.empty() && std::find(ids.begin(), ids.end(), v.id) == ids.end()) continue;
      if (n >= limit) break;
      vols.push(volume_json(v));
      ++n;
    }
    Json res = Json::object();
    res.set("volumes", std::move(vols));
    return ok(res.print());
  }
  if (m == "ListVolumesForAccount") {
    const int64_t account = p.int64("accountID").value_or(0);
    Json vols = Json::array();
    for (const auto& v : volumes_) {
      if (v.account == account) vols.push(volume_json(v));
    }
    Json res = Json::object();
    res.set("volumes", std::move(vols));
    return ok(res.print());
  }
  if (m == "DeleteVolume" || m == "PurgeDeletedVolume") {
    const int64_t id = p.int64("volumeID").value_or(0);
    for (auto it = volumes_.begin(); it != volumes_.end(); ++it) {
      if (it->id != id) continue;
      if (m == "DeleteVolume") {
        if (it->status == "deleted") return element_error("xVolumeAlreadyDeleted");
        it->status = "deleted";
      } else {
        if (it->status != "deleted") return element_error("xVolumeNotDeleted");
        volumes_.erase(it);
      }
      return ok("{}");
    }
    return element_error("xVolumeIDDoesNotExist", "VolumeID " + std::to_string(id) + " does not exist.");
  }
  if (m == "CreateGroupSnapshot" || m == "ListGroupSnapshots" || m == "DeleteGroupSnapshot") {
    return handle_group_snapshots(r);
  }
  return element_error("xUnknownAPIMethod", "method=" + m);
}

std::vector<FakeCluster::GroupSnap> FakeCluster::group_snapshots() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return group_snapshots_;
}

Json FakeCluster::group_snapshot_json(const GroupSnap& g) const {
  Json j = Json::object();
  j.set("groupSnapshotID", g.id);
  j.set("name", g.name);
  Json attrs = Json::object();
  if (!g.uuid.empty()) attrs.set("uuid", g.uuid);
  j.set("attributes", std::move(attrs));
  Json members = Json::array();
  for (const auto& [volume_id, snapshot_id] : g.members) {
    Json s = Json::object();
    s.set("snapshotID", snapshot_id);
    s.set("volumeID", volume_id);
    s.set("name", g.name);
    s.set("groupID", g.id);
    for (const auto& v : volumes_) {
      if (v.id == volume_id) s.set("totalSize", v.size);
    }
    members.push(std::move(s));
  }
  j.set("members", std::move(members));
  return j;
}

// Called with mutex_ held (from handle).
HttpResponse FakeCluster::handle_group_snapshots(const Request& r) {
  const JsonView p = r.params.view();
  std::vector<int64_t> ids;
  for (const auto i : p["volumes"].items()) ids.push_back(i.as_int64().value_or(-1));
  if (r.method == "CreateGroupSnapshot") {
    GroupSnap g;
    g.id = next_group_snapshot_id++;
    g.name = p.string_or("name", "");
    g.uuid = p["attributes"].string_or("uuid", "");
    for (int64_t id : ids) {
      const auto v = std::find_if(volumes_.begin(), volumes_.end(), [&](const Vol& x) { return x.id == id; });
      if (v == volumes_.end() || v->status == "deleted") return element_error("xVolumeIDDoesNotExist");
      g.members.emplace_back(id, next_snapshot_id++);
    }
    group_snapshots_.push_back(g);
    Json res = Json::object();
    res.set("groupSnapshotID", g.id);
    res.set("groupSnapshot", group_snapshot_json(g));
    return ok(res.print());
  }
  if (r.method == "ListGroupSnapshots") {
    Json list = Json::array();
    for (const auto& g : group_snapshots_) {
      bool any = ids.empty();
      for (const auto& mbr : g.members) any = any || std::find(ids.begin(), ids.end(), mbr.first) != ids.end();
      if (any) list.push(group_snapshot_json(g));
    }
    Json res = Json::object();
    res.set("groupSnapshots", std::move(list));
    return ok(res.print());
  }
  const int64_t gid = p.int64("groupSnapshotID").value_or(0);
  const auto it = std::find_if(group_snapshots_.begin(), group_snapshots_.end(),
                               [&](const GroupSnap& g) { return g.id == gid; });
  if (it == group_snapshots_.end()) return element_error("xGroupSnapshotIDDoesNotExist");
  group_snapshots_.erase(it);
  return ok("{}");
}

// ---------------------------------------------------------------------------------------------
// FakeTransport

HttpResponse FakeTransport::post(const HttpRequest& request) {
  Request r;
  r.url = request.url;
  r.body = request.body;
  r.username = request.username;
  r.password = request.password;
  r.timeout = request.timeout;
  r.at = clock_->now();
  auto doc = Json::parse(request.body);
  if (!doc) throw std::runtime_error("driver sent a body that is not JSON");
  r.method = doc->view().string_or("method", "");
  r.params = doc->take("params");
  const std::string marker = "/json-rpc/";
  const size_t pos = r.url.find(marker);
  if (pos != std::string::npos) {
    r.version = r.url.substr(pos + marker.size());
    if (!r.version.empty() && r.version.back() == '/') r.version.pop_back();
  }
  Handler handler;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(r.clone());
    auto it = script_.find(r.method);
    if (it != script_.end() && !it->second.empty()) {
      handler = std::move(it->second.front());
      it->second.pop_front();
    }
  }
  if (handler) return handler(r);
  if (use_cluster) return cluster.handle(r);
  return element_error("xUnknownAPIMethod", "unscripted " + r.method);
}

void FakeTransport::expect(const std::string& method, Handler h) {
  std::lock_guard<std::mutex> lock(mutex_);
  script_[method].push_back(std::move(h));
}
void FakeTransport::expect_reply(const std::string& method, HttpResponse r) {
  expect(method, [r](const Request&) { return r; });
}
void FakeTransport::expect_throw(const std::string& method, TransportError::Kind kind) {
  expect(method, [kind](const Request&) -> HttpResponse { throw TransportError(kind, "scripted transport failure"); });
}

std::vector<Request> FakeTransport::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Request> out;
  for (const auto& r : requests_) out.push_back(r.clone());
  return out;
}
std::vector<std::string> FakeTransport::methods() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const auto& r : requests_) out.push_back(r.method);
  return out;
}
int FakeTransport::count(const std::string& method) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(std::count_if(requests_.begin(), requests_.end(),
                                        [&](const Request& r) { return r.method == method; }));
}
size_t FakeTransport::total() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_.size();
}
void FakeTransport::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  requests_.clear();
}

// ---------------------------------------------------------------------------------------------
// Harness

std::map<std::string, std::string> base_config() {
  return {{"san_ip", "10.0.0.1"}, {"san_login", "admin"}, {"san_password", "Sup3rS3cretPW"}};
}

ConfigSource source_of(const std::map<std::string, std::string>& m) {
  return [m](const std::string& key) -> std::optional<std::string> {
    auto it = m.find(key);
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}

Volume make_volume(const std::string& id, int64_t size, const std::string& project) {
  Volume v;
  v.id = id;
  v.size_gib = size;
  v.project_id = project;
  v.display_name = "my volume";
  v.created_at = "2024-01-02T03:04:05";
  return v;
}

Harness::Harness(std::map<std::string, std::string> config, RetryPolicy retry) {
  clock = std::make_shared<FakeClock>();
  log_stream = std::make_shared<std::ostringstream>();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*log_stream);
  logger = std::make_shared<spdlog::logger>("test", sink);
  logger->set_level(spdlog::level::trace);
  auto merged = base_config();
  for (auto& [k, v] : config) merged[k] = v;
  std::vector<std::string> warnings;
  DriverConfig cfg = parse_config(source_of(merged), warnings);
  auto t = std::make_unique<FakeTransport>(clock);
  transport = t.get();
  DriverDeps deps;
  deps.transport = std::move(t);
  deps.logger = logger;
  deps.clock = clock;
  driver = std::make_unique<SolidFireDriverImpl>(std::move(cfg), std::move(warnings), std::move(deps),
                                                 ImplOptions{retry});
}

void Harness::setup() {
  FakeContext c(clock);
  driver->setup(c);
  transport->clear();
}

}  // namespace sftest
