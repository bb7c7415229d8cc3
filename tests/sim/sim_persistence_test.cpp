// Persistence (--state FILE / Options::state_file): replay rebuilds the same state; SIGKILL in a stream
// of writes loses no acknowledged change; compaction (FILE.snap + a restarted journal) keeps every
// change exactly once whatever step a crash interrupts.
#include <curl/curl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "durable_file.h"
#include "sim_test_util.h"

extern char** environ;

using namespace simtest;

namespace {

std::string temp_path(const std::string& tag) {
  char buf[256];
  std::snprintf(buf, sizeof buf, "/tmp/element-sim-%s-%d-%ld.journal", tag.c_str(), static_cast<int>(getpid()),
                static_cast<long>(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000007));
  std::remove(buf);
  return buf;
}

element_sim::Options persistent(const std::string& path) {
  element_sim::Options o = plain_options();
  o.clusters = 2;
  o.state_file = path;
  o.manual_clock = true;
  o.manual_clock_start_ms = 1700000000000;
  return o;
}

std::string snapshot_of(element_sim::Server& s) {
  std::string out;
  for (int c = 0; c < 2; ++c) {
    for (const auto& [m, v] : std::vector<std::pair<std::string, std::string>>{
             {"ListAccounts", "12.3"},
             {"ListVolumes", "12.3"},
             {"ListSnapshots", "12.3"},
             {"ListGroupSnapshots", "12.3"},
             {"ListVolumeAccessGroups", "12.3"},
             {"ListQoSPolicies", "12.3"},
             {"ListClusterPairs", "12.3"},
             {"ListAsyncResults", "12.3"}}) {
      out += m + "@" + std::to_string(c) + "=" + print(result(call(s, m, "{}", v, c))) + "\n";
    }
  }
  return out;
}

TEST(Persistence, ReplayRebuildsIdenticalState) {
  const std::string path = temp_path("replay");
  std::string before;
  {
    element_sim::Server s(persistent(path));
    const int64_t a = add_account(s, "tenant");
    const int64_t b = add_account(s, "remote", 1);
    const int64_t v1 = create_volume(s, "v1", a, R"(,"attributes":{"k":[1,2]})");
    const int64_t v2 = create_volume(s, "v2", a);
    call(s, "ModifyVolume", "{\"volumeID\":" + std::to_string(v1) + ",\"totalSize\":3000000000}");
    call(s, "CloneVolume", "{\"volumeID\":" + std::to_string(v1) + ",\"name\":\"c\"}");
    call(s, "CreateSnapshot", "{\"volumeID\":" + std::to_string(v2) + "}");
    call(s, "CreateGroupSnapshot", "{\"volumes\":[" + std::to_string(v1) + "," + std::to_string(v2) + "]}");
    call(s, "CreateVolumeAccessGroup", "{\"name\":\"g\",\"initiators\":[\"iqn.2000-01.a:b\"],\"volumes\":[1]}");
    call(s, "CreateQoSPolicy", R"({"name":"p","qos":{"minIOPS":100}})");
    call(s, "DeleteVolume", "{\"volumeID\":" + std::to_string(v2) + "}");
    call(s, "AddAccount", R"({"username":"tenant"})");  // fails: journalled too, harmless
    s.advance_clock(1000);
    Json k = call(s, "StartClusterPairing", "{}");
    call(s, "CompleteClusterPairing", "{\"clusterPairingKey\":\"" + str(result(k), "clusterPairingKey") + "\"}",
         "12.3", 1);
    const int64_t t = create_volume(s, "t", b, "", 1);
    Json vk = call(s, "StartVolumePairing", "{\"volumeID\":" + std::to_string(v1) + "}");
    call(s, "CompleteVolumePairing",
         "{\"volumeID\":" + std::to_string(t) + ",\"volumePairingKey\":\"" + str(result(vk), "volumePairingKey") + "\"}",
         "12.3", 1);
    before = snapshot_of(s);
  }
  element_sim::Server again(persistent(path));
  again.advance_clock(1000);
  EXPECT_EQ(snapshot_of(again), before);
  // new ids continue after the replayed ones
  EXPECT_EQ(add_account(again, "next"), 2);
  std::remove(path.c_str());
}

TEST(Persistence, TornTailIsDroppedCorruptionIsAnError) {
  const std::string path = temp_path("torn");
  {
    element_sim::Server s(persistent(path));
    add_account(s, "kept");
  }
  {
    std::ofstream f(path, std::ios::app | std::ios::binary);
    f << R"({"c":0,"v":"12.3","t":1,"b":"{\"method\":\"AddAcc)";  // crash mid-append
  }
  {
    element_sim::Server s(persistent(path));
    EXPECT_TRUE(result(call(s, "GetAccountByName", R"({"username":"kept"})")));
    add_account(s, "second");
  }
  {
    element_sim::Server s(persistent(path));  // the rewritten file has no torn line
    EXPECT_TRUE(result(call(s, "GetAccountByName", R"({"username":"second"})")));
  }
  {
    std::ofstream f(path, std::ios::app | std::ios::binary);
    f << "garbage\n" << R"({"reset":true})" << "\n";
  }
  EXPECT_THROW(element_sim::Server{persistent(path)}, std::runtime_error);
  std::remove(path.c_str());
}

TEST(Persistence, ResetIsJournalled) {
  const std::string path = temp_path("reset");
  {
    element_sim::Server s(persistent(path));
    add_account(s, "gone");
    s.reset_state();
    add_account(s, "after");
  }
  element_sim::Server s(persistent(path));
  EXPECT_EQ(error_name(call(s, "GetAccountByName", R"({"username":"gone"})")), "xUnknownAccount");
  EXPECT_EQ(num(get(result(call(s, "GetAccountByName", R"({"username":"after"})")), "account"), "accountID"), 1);
  std::remove(path.c_str());
}

// ------------------------------------------------------------------ SIGKILL in a stream of writes

struct Proc {
  pid_t pid = -1;
  int out = -1;
};

Proc spawn_sim(const std::string& state, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {ELEMENT_SIM_EXE, "--no-tls", "--port", "0", "--state", state, "--io-threads", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int o[2];
  EXPECT_EQ(pipe(o), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, o[1], 1);
  posix_spawn_file_actions_addclose(&fa, o[0]);
  Proc p;
  EXPECT_EQ(posix_spawn(&p.pid, ELEMENT_SIM_EXE, &fa, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&fa);
  close(o[1]);
  p.out = o[0];
  return p;
}

std::string wait_url(int fd) {
  std::string s;
  while (s.find('\n') == std::string::npos) {
    pollfd pf{fd, POLLIN, 0};
    if (poll(&pf, 1, 20000) <= 0) break;
    char buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    s.append(buf, static_cast<size_t>(n));
  }
  std::smatch m;
  if (std::regex_search(s, m, std::regex(R"(url=(\S+))"))) return m[1];
  return "";
}

size_t sink(char* p, size_t size, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, size * n);
  return size * n;
}

// One keep-alive client posting to /json-rpc/12.3; returns "" on any transport error.
class Poster {
 public:
  explicit Poster(std::string url) : url_(std::move(url) + "/json-rpc/12.3"), h_(curl_easy_init()) {}
  ~Poster() { curl_easy_cleanup(h_); }
  std::string post(const std::string& body) {
    std::string out;
    curl_easy_setopt(h_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(h_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h_, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(h_, CURLOPT_USERPWD, "admin:admin");
    curl_easy_setopt(h_, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(h_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(h_, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h_, CURLOPT_WRITEDATA, &out);
    if (curl_easy_perform(h_) != CURLE_OK) return "";
    return out;
  }

 private:
  std::string url_;
  CURL* h_;
};

// What the writers of stream_then_sigkill saw acknowledged: name -> id.
struct Acked {
  std::map<std::string, int64_t> accounts, volumes;
};

// Two writers stream AddAccount + CreateVolume (names "<prefix>w<N>-<i>", volumes in account 1) and
// the simulator is SIGKILLed once `kill_after` acknowledgements arrived (or both writers stopped).
// Returns true when the process died of the signal.
bool stream_then_sigkill(Proc& p, const std::string& url, const std::string& prefix, int kill_after, Acked& acked) {
  std::mutex mu;
  std::atomic<int> acks{0}, running{2};
  std::atomic<bool> stop{false};
  auto writer = [&](int w) {
    Poster c(url);
    for (int i = 0; !stop.load(); ++i) {
      const std::string n = prefix + "w" + std::to_string(w) + "-" + std::to_string(i);
      Json j = parse(c.post(R"({"method":"AddAccount","params":{"username":")" + n + R"("},"id":2})"));
      if (!j || !result(j)) break;
      {
        std::lock_guard lk(mu);
        acked.accounts[n] = num(result(j), "accountID");
      }
      ++acks;
      j = parse(c.post(R"({"method":"CreateVolume","params":{"name":")" + n +
                       R"(","accountID":1,"totalSize":1000000000},"id":3})"));
      if (!j || !result(j)) break;
      {
        std::lock_guard lk(mu);
        acked.volumes[n] = num(result(j), "volumeID");
      }
      ++acks;
    }
    --running;
  };
  std::thread t1(writer, 1), t2(writer, 2);
  while (acks.load() < kill_after && running.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  kill(p.pid, SIGKILL);
  int status = 0;
  waitpid(p.pid, &status, 0);
  stop = true;
  t1.join();
  t2.join();
  close(p.out);
  return WIFSIGNALED(status);
}

TEST(Persistence, SigkillLosesNoAcknowledgedChange) {
  const std::string path = temp_path("kill");
  Proc p = spawn_sim(path);
  const std::string url = wait_url(p.out);
  ASSERT_FALSE(url.empty());
  {
    Poster setup(url);
    ASSERT_NE(setup.post(R"({"method":"AddAccount","params":{"username":"acc"},"id":1})").find("\"result\""),
              std::string::npos);
  }
  // Two writers stream AddAccount + CreateVolume; the process is SIGKILLed while they run.
  Acked acked;
  EXPECT_TRUE(stream_then_sigkill(p, url, "", 150, acked));

  Proc q = spawn_sim(path);
  const std::string url2 = wait_url(q.out);
  ASSERT_FALSE(url2.empty());
  {
    Poster c(url2);
    for (const auto& [n, id] : acked.accounts) {
      Json j = parse(c.post(R"({"method":"GetAccountByName","params":{"username":")" + n + R"("}})"));
      ASSERT_TRUE(j && result(j)) << "acknowledged account lost: " << n;
      EXPECT_EQ(num(get(result(j), "account"), "accountID"), id) << n;  // same id after replay
    }
    for (const auto& [n, id] : acked.volumes) {
      Json j = parse(c.post(R"({"method":"ListVolumes","params":{"volumeName":")" + n + R"("}})"));
      const cJSON* vols = j ? get(result(j), "volumes") : nullptr;
      ASSERT_EQ(cJSON_GetArraySize(vols), 1) << "acknowledged volume lost: " << n;
      EXPECT_EQ(num(cJSON_GetArrayItem(vols, 0), "volumeID"), id) << n;  // same id after replay
    }
  }
  kill(q.pid, SIGTERM);
  int status = 0;
  waitpid(q.pid, &status, 0);
  close(q.out);
  std::remove(path.c_str());
}

// ------------------------------------------------------------------ compaction (FILE.snap)

namespace fs = std::filesystem;

// A fresh directory for one test's state files (FILE, FILE.snap and their temp files).
struct StateDir {
  explicit StateDir(const std::string& tag) {
    static std::atomic<int> n{0};
    dir = fs::temp_directory_path() /
          ("element-sim-" + tag + "-" + std::to_string(getpid()) + "-" + std::to_string(n.fetch_add(1)));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~StateDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string file() const { return (dir / "state").string(); }
  std::string snap() const { return file() + ".snap"; }
  fs::path dir;
};

element_sim::Options compacting(const std::string& path, uint64_t every) {
  element_sim::Options o = persistent(path);
  o.state_compact_records = every;
  o.log_level = "off";  // failed compactions are logged; the tests below cause some on purpose
  return o;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(read_text(path));
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

Json ok(element_sim::Server& s, const std::string& method, const std::string& params, int cluster = 0) {
  Json j = call(s, method, params, "12.3", cluster);
  EXPECT_TRUE(result(j)) << method << ": " << print(j.get());
  return j;
}

// Everything a client can observe of both clusters (the clone and purge timers included through
// ListAsyncResults, statuses and GetClusterCapacity).
std::string observable(element_sim::Server& s) {
  std::string out;
  for (int c = 0; c < 2; ++c) {
    for (const char* m : {"ListAccounts", "ListVolumes", "ListDeletedVolumes", "ListSnapshots", "ListGroupSnapshots",
                          "ListVolumeAccessGroups", "ListQoSPolicies", "ListClusterPairs", "ListActivePairedVolumes",
                          "ListAsyncResults", "GetClusterInfo", "GetClusterCapacity"}) {
      out += std::string(m) + "@" + std::to_string(c) + "=" + print(result(call(s, m, "{}", "12.3", c))) + "\n";
    }
    // Per-volume written data (fills, inherited by clones, held by snapshots).
    for (int64_t v : volume_ids(call(s, "ListVolumes", "{}", "12.3", c))) {
      out += "GetVolumeStats@" + std::to_string(c) + "=" +
             print(result(call(s, "GetVolumeStats", "{\"volumeID\":" + std::to_string(v) + "}", "12.3", c))) + "\n";
    }
  }
  return out;
}

constexpr int64_t kBuildAdvanceMs = 2000;  // simulated time build_rich() lets pass

// Every kind of object on 2 clusters: accounts (one removed), volumes (modified, QoS policy,
// deleted-unpurged, a clone still running, filled: by bytes and percent, on both clusters),
// snapshots (one of a filled volume), a group snapshot, VAGs with initiators (one
// initiator removed again: its id stays reserved), a completed and a pending cluster pair, a
// completed and a pending volume pair.
void build_rich(element_sim::Server& s) {
  const int64_t a = add_account(s, "tenant");
  const int64_t spare = add_account(s, "spare");
  const int64_t b = add_account(s, "remote", 1);
  ok(s, "ModifyAccount", "{\"accountID\":" + std::to_string(a) + ",\"attributes\":{\"tier\":\"gold\"}}");
  const std::string v1 = std::to_string(create_volume(s, "v1", a, R"(,"attributes":{"k":[1,2]})"));
  const std::string v2 = std::to_string(create_volume(s, "v2", a));
  const std::string v3 = std::to_string(create_volume(s, "v3", a));
  ok(s, "ModifyVolume", "{\"volumeID\":" + v1 + ",\"totalSize\":3000000000,\"access\":\"readOnly\"}");
  s.fill(std::stoll(v1), 1500000001);
  s.fill_percent(std::stoll(v2), 12.5);
  s.fill(std::stoll(v3), 4096);
  ok(s, "CreateQoSPolicy", R"({"name":"gold","qos":{"minIOPS":100,"maxIOPS":2000,"burstIOPS":4000}})");
  create_volume(s, "v4", a, R"(,"qosPolicyID":1)");
  ok(s, "CreateSnapshot", "{\"volumeID\":" + v2 + ",\"name\":\"s1\",\"attributes\":{\"x\":1}}");
  ok(s, "CreateSnapshot", "{\"volumeID\":" + v1 + ",\"expirationTime\":\"2030-01-01T00:00:00Z\"}");
  ok(s, "CreateGroupSnapshot", "{\"volumes\":[" + v1 + "," + v2 + "],\"name\":\"g1\"}");
  ok(s, "CreateVolumeAccessGroup",
     "{\"name\":\"hosts\",\"initiators\":[\"iqn.2000-01.a:b\",\"iqn.2000-01.a:c\"],\"volumes\":[" + v1 + "," + v3 +
         "]}");
  ok(s, "CreateVolumeAccessGroup", R"({"name":"other","initiators":["iqn.2000-01.a:d"]})");
  ok(s, "RemoveInitiatorsFromVolumeAccessGroup", R"({"volumeAccessGroupID":2,"initiators":["iqn.2000-01.a:d"]})");
  ok(s, "DeleteVolume", "{\"volumeID\":" + v3 + "}");
  ok(s, "RemoveAccount", "{\"accountID\":" + std::to_string(spare) + "}");
  s.advance_clock(1000);
  Json k = ok(s, "StartClusterPairing", "{}");
  ok(s, "CompleteClusterPairing", "{\"clusterPairingKey\":\"" + str(result(k), "clusterPairingKey") + "\"}", 1);
  ok(s, "StartClusterPairing", "{}", 1);  // pending
  const std::string t = std::to_string(create_volume(s, "t", b, "", 1));
  s.fill(std::stoll(t), 777777777, 1);
  Json vk = ok(s, "StartVolumePairing", "{\"volumeID\":" + v1 + "}");
  ok(s, "CompleteVolumePairing",
     "{\"volumeID\":" + t + ",\"volumePairingKey\":\"" + str(result(vk), "volumePairingKey") + "\"}", 1);
  ok(s, "StartVolumePairing", "{\"volumeID\":" + v2 + ",\"mode\":\"Sync\"}");  // pending
  s.advance_clock(1000);
  ok(s, "CloneVolume", "{\"volumeID\":" + v2 + ",\"name\":\"c\"}");  // running: clone delay not reached
}

// New objects of every kind (their ids, uuids and secrets come from the restored counters and
// generators), a clone refused because v2 already has 2 running, then the clone and purge timers.
std::string next_ops(element_sim::Server& s) {
  std::string out;
  auto log = [&](const Json& j) { out += print(j.get()) + "\n"; };
  log(call(s, "AddAccount", R"({"username":"next"})"));
  log(call(s, "AddAccount", R"({"username":"next"})", "12.3", 1));
  log(call(s, "CreateVolume", R"({"name":"n","accountID":1,"totalSize":1000000000})"));
  log(call(s, "CreateVolume", R"({"name":"n","accountID":1,"totalSize":1000000000})", "12.3", 1));
  log(call(s, "CreateSnapshot", R"({"volumeID":1})"));
  log(call(s, "CreateGroupSnapshot", R"({"volumes":[1,2]})"));
  log(call(s, "CreateVolumeAccessGroup", R"({"name":"n","initiators":["iqn.2000-01.a:new"]})"));
  log(call(s, "CreateQoSPolicy", R"({"name":"n","qos":{"minIOPS":60}})"));
  log(call(s, "CloneVolume", R"({"volumeID":2,"name":"c2"})"));
  log(call(s, "CloneVolume", R"({"volumeID":2,"name":"c3"})"));  // xMaxClonesPerVolumeExceeded
  log(call(s, "StartClusterPairing", "{}"));
  out += "fill=" + std::to_string(s.fill(1, 123456789)) + "\n";
  out += "fill@1=" + std::to_string(s.fill_percent(1, 99.9, 1)) + "\n";
  out += observable(s);
  s.advance_clock(1000);  // clones complete
  out += observable(s);
  s.advance_clock(9 * 3600 * 1000);  // the deleted volume is purged
  out += observable(s);
  return out;
}

TEST(Persistence, SnapshotRoundTripKeepsEveryObjectAndTheNextIds) {
  StateDir ref_dir("ref"), dir("round");
  std::string ref_obs, ref_next;
  {
    element_sim::Server r(compacting(ref_dir.file(), 0));
    build_rich(r);
    ref_obs = observable(r);
    ref_next = next_ops(r);
  }
  EXPECT_FALSE(fs::exists(ref_dir.snap()));  // 0 = never compact
  EXPECT_GT(lines_of(ref_dir.file()).size(), 30u);
  {
    element_sim::Server a(compacting(dir.file(), 5));  // compacts every 5 records while building
    build_rich(a);
    EXPECT_EQ(observable(a), ref_obs);
  }
  ASSERT_TRUE(fs::exists(dir.snap()));
  EXPECT_LE(lines_of(dir.file()).size(), 5u);  // header + fewer than 5 records: the journal is bounded
  {
    element_sim::Server b(compacting(dir.file(), 0));  // snapshot + the journal's last records
    b.advance_clock(kBuildAdvanceMs);
    EXPECT_EQ(observable(b), ref_obs);
  }
  { element_sim::Server c(compacting(dir.file(), 1)); }  // compacts at start: everything in the snapshot
  const auto journal = lines_of(dir.file());
  ASSERT_EQ(journal.size(), 1u);
  EXPECT_EQ(journal[0].rfind("{\"journal\":", 0), 0u) << journal[0];
  element_sim::Server d(compacting(dir.file(), 0));  // from the snapshot alone
  d.advance_clock(kBuildAdvanceMs);
  EXPECT_EQ(observable(d), ref_obs);
  EXPECT_EQ(next_ops(d), ref_next);
}

TEST(Persistence, SigkillDuringFrequentCompactionsLosesNothingAndAppliesNothingTwice) {
  StateDir dir("killcompact");
  std::map<std::string, int64_t> acked_accounts, acked_volumes;  // name -> id from the acknowledgement
  auto verify = [&](const std::string& url, int rounds_killed) {
    Poster c(url);
    for (const auto& [n, id] : acked_accounts) {
      Json j = parse(c.post(R"({"method":"GetAccountByName","params":{"username":")" + n + R"("}})"));
      ASSERT_TRUE(j && result(j)) << "acknowledged account lost: " << n;
      EXPECT_EQ(num(get(result(j), "account"), "accountID"), id) << n;
    }
    for (const auto& [n, id] : acked_volumes) {
      Json j = parse(c.post(R"({"method":"ListVolumes","params":{"volumeName":")" + n + R"("}})"));
      const cJSON* vols = j ? get(result(j), "volumes") : nullptr;
      ASSERT_EQ(cJSON_GetArraySize(vols), 1) << "acknowledged volume lost or created twice: " << n;
      EXPECT_EQ(num(cJSON_GetArrayItem(vols, 0), "volumeID"), id) << n;
    }
    // At most one unacknowledged (in flight at the kill) volume per writer and kill.
    Json all = parse(c.post(R"({"method":"ListVolumes","params":{}})"));
    const int n = cJSON_GetArraySize(all ? get(result(all), "volumes") : nullptr);
    EXPECT_GE(n, static_cast<int>(acked_volumes.size()));
    EXPECT_LE(n, static_cast<int>(acked_volumes.size()) + 2 * rounds_killed);
  };
  for (int round = 0; round < 3; ++round) {
    Proc p = spawn_sim(dir.file(), {"--state-compact-records", "7"});
    const std::string url = wait_url(p.out);
    ASSERT_FALSE(url.empty());
    verify(url, round);
    if (round == 0) {
      Poster setup(url);
      ASSERT_NE(setup.post(R"({"method":"AddAccount","params":{"username":"acc"},"id":1})").find("\"result\""),
                std::string::npos);
      acked_accounts["acc"] = 1;
    }
    Acked round_acked;
    EXPECT_TRUE(stream_then_sigkill(p, url, "r" + std::to_string(round), 120, round_acked));
    acked_accounts.insert(round_acked.accounts.begin(), round_acked.accounts.end());
    acked_volumes.insert(round_acked.volumes.begin(), round_acked.volumes.end());
    EXPECT_TRUE(fs::exists(dir.snap()));  // compactions happened during the stream
    EXPECT_LT(lines_of(dir.file()).size(), 60u) << "the journal was not compacted";
  }
  Proc q = spawn_sim(dir.file());
  const std::string url = wait_url(q.out);
  ASSERT_FALSE(url.empty());
  verify(url, 3);
  EXPECT_GT(acked_volumes.size(), 150u);
  kill(q.pid, SIGTERM);
  int status = 0;
  waitpid(q.pid, &status, 0);
  close(q.out);
}

// The steps of one compaction, in order (durable::step names).
const std::vector<std::string> kSteps = {"snapshot.serialised", "snapshot.tmp-synced", "snapshot.renamed",
                                         "snapshot.dir-synced", "journal.tmp-synced", "journal.renamed",
                                         "journal.dir-synced"};

struct HookGuard {
  explicit HookGuard(element_sim::durable::StepHook h) { element_sim::durable::set_step_hook(std::move(h)); }
  ~HookGuard() { element_sim::durable::set_step_hook({}); }
};

// The state files as they are now: what a SIGKILL at this moment would leave behind.
void capture(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(from))
    fs::copy_file(e.path(), to / e.path().filename(), fs::copy_options::overwrite_existing);
}

void truncate_half(const fs::path& p) {
  ASSERT_TRUE(fs::exists(p)) << p;
  fs::resize_file(p, fs::file_size(p) / 2);
}

TEST(Persistence, CrashAtEveryCompactionStepRecoversEveryChangeOnce) {
  StateDir dir("windows"), shots("windows-shots");
  { element_sim::Server s(compacting(dir.file(), 0)); build_rich(s); }
  const uint64_t records = lines_of(dir.file()).size() - 1;
  std::string expected;
  int64_t next_id = 0;
  {
    element_sim::Server s(compacting(dir.file(), records + 2));  // the 2nd request below compacts
    s.advance_clock(kBuildAdvanceMs);
    bool tail_sent = false;
    HookGuard g([&](std::string_view step) {
      if (step == "snapshot.serialised" && !tail_sent) {
        // Acknowledged after the snapshot's cut: it must move to the new journal.
        tail_sent = true;
        add_account(s, "after-cut");
      }
      capture(dir.dir, shots.dir / std::string(step));
    });
    add_account(s, "before-1");
    add_account(s, "before-2");
    ASSERT_TRUE(tail_sent);
    expected = observable(s);
    next_id = add_account(s, "post");
  }
  // A crash while a temp file is being written leaves it torn.
  capture(shots.dir / "snapshot.tmp-synced", shots.dir / "snapshot.tmp-torn");
  truncate_half(shots.dir / "snapshot.tmp-torn" / "state.snap.tmp");
  capture(shots.dir / "journal.tmp-synced", shots.dir / "journal.tmp-torn");
  truncate_half(shots.dir / "journal.tmp-torn" / "state.tmp");

  std::vector<std::string> windows = kSteps;
  windows.insert(windows.begin() + 1, "snapshot.tmp-torn");
  windows.insert(windows.begin() + 5, "journal.tmp-torn");
  for (size_t i = 0; i < windows.size(); ++i) {
    const std::string& w = windows[i];
    SCOPED_TRACE("crash after " + w);
    const fs::path d = shots.dir / w;
    const std::string path = (d / "state").string();
    // The windows really differ: the snapshot appears at its rename, the new journal at its rename.
    const bool snap_renamed = i >= 3;
    const bool journal_renamed = w == "journal.renamed" || w == "journal.dir-synced";
    EXPECT_EQ(fs::exists(path + ".snap"), snap_renamed);
    EXPECT_EQ(lines_of(path).at(0), journal_renamed ? "{\"journal\":1}" : "{\"journal\":0}");
    for (int start = 0; start < 2; ++start) {  // the first start also rewrites the files: start twice
      element_sim::Server r(compacting(path, 0));
      r.advance_clock(kBuildAdvanceMs);
      EXPECT_EQ(observable(r), expected);
      if (start == 1) {
        EXPECT_EQ(add_account(r, "post"), next_id);
      }
    }
    EXPECT_FALSE(fs::exists(path + ".snap.tmp"));
  }
}

TEST(Persistence, FailedCompactionStepLeavesAConsistentJournal) {
  for (const std::string& step : kSteps) {
    SCOPED_TRACE("failure at " + step);
    StateDir dir("fail");
    std::string expected;
    {
      element_sim::Server s(compacting(dir.file(), 4));
      int thrown = 0;
      // The first compaction fails at `step`; later ones succeed, on top of what it left.
      HookGuard g([&](std::string_view st) {
        if (thrown == 0 && st == step) {
          ++thrown;
          throw std::runtime_error("injected failure");
        }
      });
      build_rich(s);
      EXPECT_EQ(thrown, 1);
      expected = observable(s);
    }
    element_sim::Server r(compacting(dir.file(), 0));
    r.advance_clock(kBuildAdvanceMs);
    EXPECT_EQ(observable(r), expected);
  }
}

TEST(Persistence, CorruptOrForeignSnapshotIsAClearError) {
  StateDir dir("corrupt");
  {
    element_sim::Server s(compacting(dir.file(), 1));
    add_account(s, "x");  // compacts
  }
  ASSERT_TRUE(fs::exists(dir.snap()));
  const std::string good = read_text(dir.snap());
  auto expect_error = [&](const element_sim::Options& o, const std::string& needle) {
    try {
      element_sim::Server s(o);
      ADD_FAILURE() << "started; expected an error containing: " << needle;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  auto with_snapshot = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    const auto at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) t.replace(at, from.size(), to);
    write_text(dir.snap(), t);
  };
  write_text(dir.snap(), good.substr(0, good.size() / 2));
  expect_error(compacting(dir.file(), 0), "state snapshot '" + dir.snap() + "' is corrupt: not valid JSON");
  with_snapshot("\"format\":1", "\"format\":99");
  expect_error(compacting(dir.file(), 0), "format 99 is not supported");
  with_snapshot("\"username\":\"x\"", "\"username\":7");
  expect_error(compacting(dir.file(), 0), "account[0]: member 'username' is not a string");
  with_snapshot("\"status\":\"active\"", "\"status\":\"bogus\"");  // the account's status is free text
  {
    element_sim::Server s(compacting(dir.file(), 0));
    EXPECT_EQ(str(get(result(call(s, "GetAccountByName", R"({"username":"x"})")), "account"), "status"), "bogus");
  }
  write_text(dir.snap(), good);
  element_sim::Options other_seed = compacting(dir.file(), 0);
  other_seed.seed = 2;
  expect_error(other_seed, "restart with the same --seed");
  element_sim::Options one_cluster = compacting(dir.file(), 0);
  one_cluster.clusters = 1;
  expect_error(one_cluster, "restart with the same --clusters");
  fs::remove(dir.snap());
  expect_error(compacting(dir.file(), 0), "its snapshot '" + dir.snap() + "' is missing");

  // The executable reports it and exits with status 1.
  write_text(dir.snap(), "{\"kind\":");
  Proc p = spawn_sim(dir.file());
  int status = 0;
  waitpid(p.pid, &status, 0);
  close(p.out);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
}

TEST(Persistence, JournalWithoutHeaderIsGenerationZero) {
  StateDir dir("legacy");
  write_text(dir.file(),
             R"({"c":0,"v":"12.3","t":1700000000000,"b":"{\"method\":\"AddAccount\",\"params\":{\"username\":\"old\"}}"})"
             "\n");
  {
    element_sim::Server s(compacting(dir.file(), 0));
    EXPECT_EQ(num(get(result(call(s, "GetAccountByName", R"({"username":"old"})")), "account"), "accountID"), 1);
  }
  const auto lines = lines_of(dir.file());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "{\"journal\":0}");
}

}  // namespace
