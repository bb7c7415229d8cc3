// Persistence (--state FILE / Options::state_file): replay rebuilds the same state; SIGKILL in a stream
// of writes loses no acknowledged change.
#include <curl/curl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <thread>

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

Proc spawn_sim(const std::string& state) {
  std::vector<std::string> args = {ELEMENT_SIM_EXE, "--no-tls", "--port", "0", "--state", state, "--io-threads", "2"};
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
  std::mutex mu;
  std::map<std::string, int64_t> acked_volumes;  // name -> volumeID from the acknowledgement
  std::vector<std::string> acked_accounts;
  std::atomic<int> acks{0};
  std::atomic<bool> stop{false};
  auto writer = [&](int w) {
    Poster c(url);
    for (int i = 0; !stop.load(); ++i) {
      const std::string n = "w" + std::to_string(w) + "-" + std::to_string(i);
      std::string r = c.post(R"({"method":"AddAccount","params":{"username":")" + n + R"("},"id":2})");
      if (r.find("\"result\"") == std::string::npos) break;
      {
        std::lock_guard lk(mu);
        acked_accounts.push_back(n);
      }
      ++acks;
      r = c.post(R"({"method":"CreateVolume","params":{"name":")" + n +
                 R"(","accountID":1,"totalSize":1000000000},"id":3})");
      Json j = parse(r);
      if (!j || !result(j)) break;
      {
        std::lock_guard lk(mu);
        acked_volumes[n] = num(result(j), "volumeID");
      }
      ++acks;
    }
  };
  std::thread t1(writer, 1), t2(writer, 2);
  while (acks.load() < 150) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  kill(p.pid, SIGKILL);
  int status = 0;
  waitpid(p.pid, &status, 0);
  stop = true;
  t1.join();
  t2.join();
  close(p.out);
  EXPECT_TRUE(WIFSIGNALED(status));

  Proc q = spawn_sim(path);
  const std::string url2 = wait_url(q.out);
  ASSERT_FALSE(url2.empty());
  {
    Poster c(url2);
    for (const auto& n : acked_accounts) {
      EXPECT_NE(c.post(R"({"method":"GetAccountByName","params":{"username":")" + n + R"("}})").find("\"result\""),
                std::string::npos)
          << "acknowledged account lost: " << n;
    }
    for (const auto& [n, id] : acked_volumes) {
      Json j = parse(c.post(R"({"method":"ListVolumes","params":{"volumeName":")" + n + R"("}})"));
      const cJSON* vols = j ? get(result(j), "volumes") : nullptr;
      ASSERT_EQ(cJSON_GetArraySize(vols), 1) << "acknowledged volume lost: " << n;
      EXPECT_EQ(num(cJSON_GetArrayItem(vols, 0), "volumeID"), id) << n;  // same id after replay
    }
  }
  kill(q.pid, SIGTERM);
  waitpid(q.pid, &status, 0);
  close(q.out);
  std::remove(path.c_str());
}

}  // namespace
