// Fault injection: each fault kind over real sockets, seeded determinism, the control endpoint.
#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "sim_test_util.h"

using namespace simtest;

namespace {

struct Reply {
  CURLcode rc = CURLE_OK;
  long status = 0;
  std::string body;
};

size_t sink(char* p, size_t size, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, size * n);
  return size * n;
}

Reply request(const std::string& url, const std::string& method, const std::string& body, bool auth = true) {
  Reply r;
  CURL* h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method != "GET") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  if (auth) {
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(h, CURLOPT_USERPWD, "admin:admin");
  }
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
  r.rc = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
  curl_easy_cleanup(h);
  return r;
}

class Faults : public ::testing::Test {
 protected:
  void SetUp() override { sim.start(); }
  Reply rpc(const std::string& method, const std::string& params = "{}", int id = 7) {
    return request(sim.url() + "/json-rpc/12.3", "POST",
                   "{\"method\":\"" + method + "\",\"params\":" + params + ",\"id\":" + std::to_string(id) + "}");
  }
  Reply ctl(const std::string& method, const std::string& path, const std::string& body = "") {
    return request(sim.url() + path, method, body);
  }
  bool account_exists(const std::string& name) {
    return result(call(sim, "GetAccountByName", "{\"username\":\"" + name + "\"}")) != nullptr;
  }
  element_sim::Server sim{plain_options()};
};

TEST_F(Faults, ErrorNameCountThenSuccess) {
  sim.add_fault("AddAccount:error=xDBVersionMismatch:count=2");
  for (int i = 0; i < 2; ++i) {
    Reply r = rpc("AddAccount", R"({"username":"a"})", 40 + i);
    ASSERT_EQ(r.rc, CURLE_OK);
    EXPECT_EQ(r.status, 200);
    Json j = parse(r.body);
    EXPECT_EQ(error_name(j), "xDBVersionMismatch");
    EXPECT_EQ(num(get(j.get(), "error"), "code"), 500);
    EXPECT_EQ(num(j.get(), "id"), 40 + i);
  }
  EXPECT_FALSE(account_exists("a"));  // nothing executed
  Reply ok = rpc("AddAccount", R"({"username":"a"})");
  EXPECT_TRUE(result(parse(ok.body))) << ok.body;
  EXPECT_EQ(sim.rpc_count("AddAccount"), 3u);
  EXPECT_TRUE(result(parse(rpc("GetClusterInfo").body)));  // other methods unaffected
}

TEST_F(Faults, Http500And503) {
  sim.add_fault("GetClusterInfo:http=503:count=1");
  sim.add_fault("ListAccounts:http=500:count=1");
  Reply r = rpc("GetClusterInfo");
  EXPECT_EQ(r.status, 503);
  EXPECT_FALSE(parse(r.body));  // not JSON
  EXPECT_EQ(rpc("GetClusterInfo").status, 200);
  EXPECT_EQ(rpc("ListAccounts").status, 500);
  EXPECT_EQ(rpc("ListAccounts").status, 200);
}

TEST_F(Faults, ResetBeforeExecution) {
  sim.add_fault("AddAccount:reset:count=1");
  Reply r = rpc("AddAccount", R"({"username":"r"})");
  EXPECT_NE(r.rc, CURLE_OK);  // connection reset / empty reply
  EXPECT_FALSE(account_exists("r"));
  EXPECT_TRUE(result(parse(rpc("AddAccount", R"({"username":"r"})").body)));
}

TEST_F(Faults, CommitThenDrop) {
  sim.add_fault("AddAccount:drop:count=1");
  Reply r = rpc("AddAccount", R"({"username":"d"})");
  EXPECT_NE(r.rc, CURLE_OK);
  EXPECT_TRUE(account_exists("d"));  // the change happened
  // the client's retry meets the committed change
  EXPECT_EQ(error_name(parse(rpc("AddAccount", R"({"username":"d"})").body)), "xDuplicateUsername");
}

TEST_F(Faults, LatencyStillAnswers) {
  sim.add_fault("GetClusterInfo:latency=30:count=1");
  Reply r = rpc("GetClusterInfo");
  EXPECT_TRUE(result(parse(r.body)));
  Json f = parse(sim.faults_json());
  EXPECT_EQ(num(cJSON_GetArrayItem(f.get(), 0), "fired"), 1);
  EXPECT_EQ(num(cJSON_GetArrayItem(f.get(), 0), "remaining"), 0);
}

TEST_F(Faults, PauseUntilReleased) {
  sim.add_fault("AddAccount:pause:count=1");
  Reply paused;
  std::thread t([&] { paused = rpc("AddAccount", R"({"username":"p"})"); });
  // wait (no timing assertion: a bounded poll) until the request is parked
  for (int i = 0; i < 2000 && sim.paused_count() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(sim.paused_count(), 1u);
  EXPECT_FALSE(account_exists("p"));  // not executed while paused
  EXPECT_TRUE(result(parse(rpc("GetClusterInfo").body)));  // others are served meanwhile
  EXPECT_EQ(sim.release_paused(), 1u);
  t.join();
  ASSERT_EQ(paused.rc, CURLE_OK);
  EXPECT_TRUE(result(parse(paused.body))) << paused.body;
  EXPECT_TRUE(account_exists("p"));
}

TEST_F(Faults, PauseReleasedThroughControlEndpoint) {
  ASSERT_EQ(ctl("POST", "/control/faults", R"({"faults":["GetClusterInfo:pause:count=1"]})").status, 200);
  Reply paused;
  std::thread t([&] { paused = rpc("GetClusterInfo"); });
  for (int i = 0; i < 2000 && sim.paused_count() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(sim.paused_count(), 1u);
  EXPECT_EQ(num(parse(ctl("GET", "/control/state").body).get(), "paused"), 1);
  Reply rel = ctl("POST", "/control/release");
  EXPECT_EQ(rel.body, R"({"released":1})");
  t.join();
  EXPECT_TRUE(result(parse(paused.body))) << paused.body;
}

TEST_F(Faults, PausedRequestsDoNotBlockStop) {
  sim.add_fault("GetClusterInfo:pause");
  std::thread t([&] { rpc("GetClusterInfo"); });
  for (int i = 0; i < 2000 && sim.paused_count() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  sim.stop();  // closes the parked connection; the client sees an error
  t.join();
}

TEST(FaultsSeeded, ProbabilityIsDeterministicPerSeed) {
  auto run = [](uint64_t seed) {
    element_sim::Options o = plain_options();
    o.seed = seed;
    o.faults = {"GetClusterInfo:error=xNotReadyForIO:prob=0.5"};
    element_sim::Server s(o);
    std::string pattern;
    for (int i = 0; i < 64; ++i) pattern += error_name(call(s, "GetClusterInfo")).empty() ? '.' : 'x';
    return pattern;
  };
  const std::string a = run(7);
  EXPECT_EQ(a, run(7));
  EXPECT_NE(a.find('x'), std::string::npos);
  EXPECT_NE(a.find('.'), std::string::npos);
}

TEST(FaultsSeeded, ClusterScopedAndGrammarErrors) {
  element_sim::Options o = plain_options();
  o.clusters = 2;
  element_sim::Server s(o);
  s.add_fault("1/GetClusterInfo:error=xNotPrimary");
  EXPECT_TRUE(error_name(call(s, "GetClusterInfo", "{}", "12.3", 0)).empty());
  EXPECT_EQ(error_name(call(s, "GetClusterInfo", "{}", "12.3", 1)), "xNotPrimary");
  s.clear_faults();
  EXPECT_TRUE(error_name(call(s, "GetClusterInfo", "{}", "12.3", 1)).empty());
  for (const char* bad : {"GetClusterInfo", "X:explode", "X:error=", "X:http=abc", "X:latency=-1", "X:reset:count=x",
                          "X:reset:prob=2", "X:reset:foo=1", ":reset", "x/Y:reset"}) {
    EXPECT_THROW(s.add_fault(bad), std::invalid_argument) << bad;
  }
  element_sim::Options bad = plain_options();
  bad.faults = {"nope"};
  EXPECT_THROW(element_sim::Server{bad}, std::invalid_argument);
}

TEST_F(Faults, ControlEndpoint) {
  Reply r = ctl("POST", "/control/faults", R"({"faults":["AddAccount:error=xDBConnectionLoss:count=1"]})");
  EXPECT_EQ(r.status, 200) << r.body;
  Json j = parse(r.body);
  EXPECT_EQ(str(cJSON_GetArrayItem(get(j.get(), "faults"), 0), "spec"), "AddAccount:error=xDBConnectionLoss:count=1");
  EXPECT_EQ(error_name(parse(rpc("AddAccount", R"({"username":"c"})").body)), "xDBConnectionLoss");
  EXPECT_TRUE(result(parse(rpc("AddAccount", R"({"username":"c"})").body)));

  Reply st = ctl("GET", "/control/state");
  EXPECT_EQ(st.status, 200);
  Json state = parse(st.body);
  ASSERT_TRUE(state) << st.body;
  const cJSON* c0 = cJSON_GetArrayItem(get(state.get(), "clusters"), 0);
  EXPECT_EQ(num(c0, "accounts"), 1);
  EXPECT_EQ(str(c0, "url"), sim.url());
  EXPECT_TRUE(cJSON_IsArray(get(state.get(), "faults")));

  EXPECT_EQ(ctl("POST", "/control/faults", R"({"faults":["bad"]})").status, 400);
  EXPECT_EQ(ctl("POST", "/control/faults", "not json").status, 400);
  EXPECT_EQ(ctl("GET", "/control/nothing").status, 404);
  EXPECT_EQ(request(sim.url() + "/control/state", "GET", "", false).status, 401);

  ctl("POST", "/control/faults", R"({"faults":["*:http=503"]})");
  EXPECT_EQ(rpc("GetClusterInfo").status, 503);
  EXPECT_EQ(ctl("DELETE", "/control/faults").status, 200);
  EXPECT_EQ(rpc("GetClusterInfo").status, 200);

  Reply clk = ctl("POST", "/control/clock", R"({"advanceMs":1000})");
  EXPECT_EQ(clk.status, 200) << clk.body;

  Reply rs = ctl("POST", "/control/reset", "");
  EXPECT_EQ(rs.status, 200) << rs.body;
  EXPECT_FALSE(account_exists("c"));
  EXPECT_EQ(add_account(sim, "fresh"), 1);  // ids restart after a reset
}

}  // namespace

// In-process handle(): transport faults are reported with element_sim::InjectedFault; drop commits
// first, http/reset execute nothing; pause blocks the calling thread until release_paused().
TEST(FaultsInProcess, DropHttpResetAndPauseThroughHandle) {
  element_sim::Server s(plain_options());
  auto add = [&](const std::string& name) {
    return s.handle("{\"method\":\"AddAccount\",\"params\":{\"username\":\"" + name + "\"},\"id\":1}");
  };
  auto exists = [&](const std::string& name) {
    return result(call(s, "GetAccountByName", "{\"username\":\"" + name + "\"}")) != nullptr;
  };
  s.add_fault("AddAccount:drop:count=1");
  try {
    add("dropped");
    ADD_FAILURE() << "drop did not throw";
  } catch (const element_sim::InjectedFault& f) {
    EXPECT_EQ(f.kind, "drop");
    EXPECT_TRUE(f.executed);
  }
  EXPECT_TRUE(exists("dropped"));  // committed

  s.add_fault("AddAccount:http=503:count=1");
  try {
    add("http");
    ADD_FAILURE() << "http did not throw";
  } catch (const element_sim::InjectedFault& f) {
    EXPECT_EQ(f.kind, "http");
    EXPECT_EQ(f.http_status, 503);
    EXPECT_FALSE(f.executed);
  }
  EXPECT_FALSE(exists("http"));

  s.add_fault("AddAccount:reset:count=1");
  EXPECT_THROW(add("reset"), element_sim::InjectedFault);
  EXPECT_FALSE(exists("reset"));

  s.add_fault("AddAccount:pause:count=1");
  std::string reply;
  std::thread t([&] { reply = add("paused"); });
  for (int i = 0; i < 2000 && s.paused_count() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  ASSERT_EQ(s.paused_count(), 1u);
  EXPECT_FALSE(exists("paused"));  // not executed while paused
  EXPECT_EQ(s.release_paused(), 1u);
  t.join();
  EXPECT_TRUE(result(parse(reply))) << reply;
  EXPECT_TRUE(exists("paused"));
  EXPECT_EQ(s.paused_count(), 0u);
  EXPECT_EQ(s.rpc_count("AddAccount"), 4u);  // dropped, http, reset, paused (GetAccountByName separate)
}

// Hostile bodies: huge=BYTES sends exactly BYTES of valid JSON (generated while sent), endless trickles a
// body forever; neither executes the request, and the simulator serves normally afterwards.
namespace {

struct Timed {
  Reply reply;
  std::chrono::milliseconds took{0};
  size_t max_bytes = SIZE_MAX;  // the client hangs up once it has this much body
};

size_t bounded_sink(char* p, size_t size, size_t n, void* ud) {
  auto* t = static_cast<Timed*>(ud);
  if (t->reply.body.size() + size * n > t->max_bytes) return 0;  // aborts the transfer
  t->reply.body.append(p, size * n);
  return size * n;
}

Timed timed_rpc(const std::string& url, const std::string& method, long timeout_ms,  // NOLINT(google-runtime-int)
                size_t max_bytes = SIZE_MAX) {
  Timed t;
  t.max_bytes = max_bytes;
  const std::string body = "{\"method\":\"" + method + "\",\"params\":{\"username\":\"h\"},\"id\":3}";
  CURL* h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, (url + "/json-rpc/12.3").c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));  // NOLINT(google-runtime-int)
  curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
  curl_easy_setopt(h, CURLOPT_USERPWD, "admin:admin");
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, bounded_sink);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  const auto started = std::chrono::steady_clock::now();
  t.reply.rc = curl_easy_perform(h);
  t.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &t.reply.status);
  curl_easy_cleanup(h);
  return t;
}

}  // namespace

TEST_F(Faults, HugeSendsExactlyThatManyBytesOfValidJson) {
  sim.add_fault("AddAccount:huge=3000017:count=1");
  const Timed t = timed_rpc(sim.url(), "AddAccount", 30000);
  ASSERT_EQ(t.reply.rc, CURLE_OK);
  EXPECT_EQ(t.reply.status, 200);
  EXPECT_EQ(t.reply.body.size(), 3000017u);
  Json j = parse(t.reply.body);
  ASSERT_TRUE(j) << t.reply.body.substr(0, 200);
  const cJSON* volumes = get(result(j), "volumes");
  ASSERT_TRUE(cJSON_IsArray(volumes));
  EXPECT_GT(cJSON_GetArraySize(volumes), 10000);
  EXPECT_FALSE(account_exists("h")) << "nothing executed";
  EXPECT_EQ(sim.rpc_count("AddAccount"), 1u);
  // Served normally afterwards.
  EXPECT_TRUE(result(parse(rpc("AddAccount", R"({"username":"h"})").body)));
}

TEST_F(Faults, HugeStopsWhenTheClientGivesUp) {
  sim.add_fault("ListVolumes:huge=4294967296:count=1");  // 4 GiB: never fully sent
  const Timed t = timed_rpc(sim.url(), "ListVolumes", 30000, size_t{1} << 20);
  EXPECT_EQ(t.reply.rc, CURLE_WRITE_ERROR);
  EXPECT_EQ(t.reply.status, 200);
  EXPECT_LE(t.reply.body.size(), size_t{1} << 20);
  EXPECT_LT(t.took, std::chrono::milliseconds(10000));
  EXPECT_EQ(t.reply.body.rfind(R"({"id":0,"result":{"volumes":[)", 0), 0u);
  EXPECT_TRUE(result(parse(rpc("GetClusterInfo").body)));
}

TEST_F(Faults, EndlessTricklesUntilTheClientDisconnects) {
  sim.add_fault("AddAccount:endless:count=1");
  const Timed t = timed_rpc(sim.url(), "AddAccount", 1000);
  EXPECT_EQ(t.reply.rc, CURLE_OPERATION_TIMEDOUT);
  EXPECT_EQ(t.reply.status, 200) << "headers came first";
  EXPECT_EQ(t.reply.body.rfind(R"({"id":0,"result":{"volumes":[)", 0), 0u) << t.reply.body;
  EXPECT_GE(t.reply.body.size(), 30u) << "at least one trickled byte after the start";
  EXPECT_LT(t.took, std::chrono::milliseconds(5000));
  EXPECT_FALSE(account_exists("h")) << "nothing executed";
  EXPECT_TRUE(result(parse(rpc("AddAccount", R"({"username":"h"})").body)));
}

TEST(FaultsSeeded, HugeAndEndlessGrammarAndInProcess) {
  element_sim::Server s(plain_options());
  for (const char* bad : {"X:huge", "X:huge=", "X:huge=abc", "X:huge=1023", "X:huge=4294967297", "X:endless=1"}) {
    EXPECT_THROW(s.add_fault(bad), std::invalid_argument) << bad;
  }
  EXPECT_NO_THROW(s.add_fault("X:huge=1024"));
  s.clear_faults();
  s.add_fault("AddAccount:huge=70000000:count=1");
  s.add_fault("GetClusterInfo:endless:count=1");
  try {
    s.handle(R"({"method":"AddAccount","params":{"username":"ip"},"id":1})");
    ADD_FAILURE() << "huge did not throw in process";
  } catch (const element_sim::InjectedFault& f) {
    EXPECT_EQ(f.kind, "huge");
    EXPECT_FALSE(f.executed);
  }
  try {
    s.handle(R"({"method":"GetClusterInfo","params":{},"id":1})");
    ADD_FAILURE() << "endless did not throw in process";
  } catch (const element_sim::InjectedFault& f) {
    EXPECT_EQ(f.kind, "endless");
  }
  EXPECT_FALSE(result(call(s, "GetAccountByName", R"({"username":"ip"})"))) << "nothing executed";
}
