// Setup gating, credentials, reachability, TLS verification, configuration errors and NOT_SUPPORTED slots.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <poll.h>

#include <atomic>
#include <cctype>
#include <stdexcept>
#include <set>
#include <string>
#include <thread>

#include "support.h"

namespace it {
namespace {

// A local TCP port with nothing listening on it (bound then closed; the kernel does not hand an
// ephemeral port out again immediately).
uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  uint16_t port = 1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}


// A plain-HTTP endpoint that answers every request with 401 and a non-JSON body (as Element does) and
// counts the requests, including those a real cluster would reject before its RPC counters see them.
class Http401Server {
 public:
  Http401Server() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      throw std::runtime_error("Http401Server: cannot listen");
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~Http401Server() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  int requests() const { return requests_.load(); }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;  // wakes up to notice stop_
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      handle(c);
      ::close(c);
    }
  }
  // One connection: every request on it (keep-alive) gets a 401; the connection is closed after it.
  void handle(int c) {
    std::string buf;
    char chunk[4096];
    for (;;) {
      const size_t head_end = buf.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        size_t body = 0;
        std::string head = buf.substr(0, head_end);
        for (auto& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        const size_t cl = head.find("content-length:");
        if (cl != std::string::npos) body = std::stoul(head.substr(cl + 15));
        if (buf.size() >= head_end + 4 + body) {
          ++requests_;
          static const char kReply[] =
              "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"SolidFire\"\r\n"
              "Content-Type: text/plain\r\nContent-Length: 17\r\nConnection: close\r\n\r\n401 Unauthorized\n";
          (void)!::send(c, kReply, sizeof kReply - 1, MSG_NOSIGNAL);
          return;
        }
      }
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 10000) <= 0) return;
      const ssize_t n = ::recv(c, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      buf.append(chunk, static_cast<size_t>(n));
    }
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

class Gating : public ::testing::Test {
 protected:
  Sim& sim = shared_sim();
};

TEST_F(Gating, OperationsBeforeSetupAreUnavailableDescribeWorks) {
  auto drv = make_driver(sim_config(sim));
  const uint64_t before = sim.total();
  const std::string id = new_uuid();
  vh::CallOptions opts;
  opts.request_id = "req-gate-1";
  EXPECT_TRUE(IsError(drv->call("create_volume", create_request(id, 1, "it-gate"), opts), VDP_E_UNAVAILABLE,
                      "create_volume", {}, opts.request_id));
  EXPECT_TRUE(IsError(drv->call("get_volume_stats", R"({"refresh":true})", opts), VDP_E_UNAVAILABLE,
                      "get_volume_stats", {}, opts.request_id));
  EXPECT_TRUE(IsError(drv->call("delete_volume", R"({"volume":{"id":")" + id + R"(","project_id":"it-gate"}})", opts),
                      VDP_E_UNAVAILABLE, "delete_volume", {}, opts.request_id));
  EXPECT_TRUE(IsError(drv->call("initialize_connection",
                                R"({"volume":{"id":")" + id + R"("},"connector":)" + connector_json() + "}", opts),
                      VDP_E_UNAVAILABLE, "initialize_connection", {}, opts.request_id));
  EXPECT_EQ(sim.total(), before) << "operations before setup reached the cluster";

  const Json d = ok_json(drv->call("describe", "{}"), "describe before setup");
  EXPECT_EQ(d["name"].str(), "solidfire");
  std::set<std::string> ops;
  for (size_t i = 0; i < d["operations"].size(); ++i) ops.insert(d["operations"].at(i).str());
  for (const char* op : {"create_volume", "delete_volume", "get_volume_stats", "create_export", "ensure_export",
                         "remove_export", "initialize_connection"}) {
    EXPECT_TRUE(ops.count(op)) << "describe.operations lacks " << op << ": " << d.dump();
  }
  EXPECT_FALSE(ops.count("clone_image")) << "describe lists an operation that is not served";
  EXPECT_TRUE(ops.count("migrate_volume")) << d.dump();

  // After setup the same driver serves.
  ASSERT_TRUE(drv->setup().ok());
  const Json model = ok_json(drv->call("create_volume", create_request(id, 1, "it-gate")), "create after setup");
  ok_json(drv->call("delete_volume", volume_request(id, 1, "it-gate", model)), "delete");
}

TEST_F(Gating, BadCredentialsFailFastAsAuth) {
  auto cfg = sim_config(sim);
  const std::string wrong = "Wr0ng-pass-9f3ZqK-distinct";
  cfg["san_password"] = wrong;
  auto drv = make_driver(cfg);
  const uint64_t info_before = sim.count("GetClusterInfo");
  vh::CallOptions opts;
  opts.request_id = "req-auth";
  // A 20 s deadline: a driver that retried a credential error (as Cinder does for ~31 s) would time out.
  opts.timeout = std::chrono::seconds(20);
  const auto r = drv->setup(opts);
  EXPECT_TRUE(IsError(r, VDP_E_AUTH, "setup", {}, opts.request_id));
  EXPECT_FALSE(Json::parse(r.output)["retryable"].boolean()) << r.output;
  EXPECT_EQ(r.output.find(wrong), std::string::npos) << "password in the error object";
  EXPECT_EQ(r.output.find(kSimPassword), std::string::npos);
  EXPECT_LE(sim.count("GetClusterInfo") - info_before, 2u) << "retry storm on bad credentials";
  // Still not set up; a second setup fails the same way.
  EXPECT_TRUE(IsError(drv->call("create_volume", create_request(new_uuid(), 1, "it-auth"), opts), VDP_E_UNAVAILABLE,
                      "create_volume", {}, opts.request_id));
  EXPECT_TRUE(IsError(drv->setup(opts), VDP_E_AUTH, "setup", {}, opts.request_id));

  // Wrong user name, right password: same.
  auto cfg2 = sim_config(sim);
  cfg2["san_login"] = "nobody";
  auto drv2 = make_driver(cfg2);
  EXPECT_TRUE(IsError(drv2->setup(opts), VDP_E_AUTH, "setup", {}, opts.request_id));
}

// Counted at the HTTP level: a 401 is final, so setup sends one request (two at most), not a retry loop.
TEST_F(Gating, Http401IsNotRetried) {
  Http401Server fake;
  vh::ConfigMap cfg = {{"san_ip", "127.0.0.1"},
                       {"sf_api_port", std::to_string(fake.port())},
                       {"sf_api_scheme", "http"},
                       {"san_login", kSimUser},
                       {"san_password", kSimPassword}};
  auto drv = make_driver(cfg);
  vh::CallOptions opts;
  opts.request_id = "req-401";
  opts.timeout = std::chrono::seconds(20);
  const auto r = drv->setup(opts);
  EXPECT_TRUE(IsError(r, VDP_E_AUTH, "setup", {}, opts.request_id));
  EXPECT_FALSE(Json::parse(r.output)["retryable"].boolean()) << r.output;
  EXPECT_GE(fake.requests(), 1);
  EXPECT_LE(fake.requests(), 2) << "setup retried a 401";
  EXPECT_EQ(r.output.find(kSimPassword), std::string::npos);
}

TEST_F(Gating, UnreachableClusterIsRetryable) {
  auto cfg = sim_config(sim);
  cfg["sf_api_port"] = std::to_string(closed_port());
  auto drv = make_driver(cfg);
  vh::CallOptions opts;
  opts.request_id = "req-unreach";
  opts.timeout = std::chrono::seconds(3);
  const auto r = drv->setup(opts);
  ASSERT_TRUE(r.status == VDP_E_UNAVAILABLE || r.status == VDP_E_TIMEOUT) << r.status << " " << r.output;
  EXPECT_TRUE(IsError(r, r.status, "setup", {}, opts.request_id));
  EXPECT_TRUE(Json::parse(r.output)["retryable"].boolean()) << r.output;
  EXPECT_EQ(r.output.find(kSimPassword), std::string::npos);
  EXPECT_TRUE(IsError(drv->call("get_volume_stats", "{}", opts), VDP_E_UNAVAILABLE, "get_volume_stats", {},
                      opts.request_id));
}

// Verification is on by default: a self-signed cluster certificate without driver_ssl_cert_path fails;
// driver_ssl_cert_verify=false accepts it.
TEST_F(Gating, TlsVerificationIsOnByDefault) {
  auto cfg = sim_config(sim);
  cfg.erase("driver_ssl_cert_path");
  auto drv = make_driver(cfg);
  vh::CallOptions opts;
  opts.timeout = std::chrono::seconds(60);
  const auto r = drv->setup(opts);
  EXPECT_NE(r.status, VDP_OK) << "self-signed certificate accepted without verification being disabled";
  EXPECT_NE(r.status, VDP_E_INTERNAL) << r.output;
  if (!r.ok()) {
    EXPECT_TRUE(IsError(r, r.status, "setup"));
  }

  cfg["driver_ssl_cert_verify"] = "false";
  auto insecure = make_driver(cfg);
  EXPECT_TRUE(insecure->setup(opts).ok());
}

struct ConfigCase {
  std::string name;
  vh::ConfigMap changes;  // value "<erase>" removes the key
  std::string field;
};

TEST_F(Gating, ConfigErrorsNameTheOptionAndNeverThePassword) {
  const std::vector<ConfigCase> cases = {
      {"missing san_ip", {{"san_ip", "<erase>"}}, "san_ip"},
      {"missing san_login", {{"san_login", "<erase>"}}, "san_login"},
      {"missing san_password", {{"san_password", "<erase>"}}, "san_password"},
      {"sf_api_port=abc", {{"sf_api_port", "abc"}}, "sf_api_port"},
      {"sf_api_port=0", {{"sf_api_port", "0"}}, "sf_api_port"},
      {"sf_api_port=70000", {{"sf_api_port", "70000"}}, "sf_api_port"},
      {"sf_api_request_timeout=5", {{"sf_api_request_timeout", "5"}}, "sf_api_request_timeout"},
      {"sf_api_request_timeout=abc", {{"sf_api_request_timeout", "abc"}}, "sf_api_request_timeout"},
      {"sf_volume_prefix of 40", {{"sf_volume_prefix", std::string(40, 'p')}}, "sf_volume_prefix"},
      {"sf_emulate_512=maybe", {{"sf_emulate_512", "maybe"}}, "sf_emulate_512"},
      {"driver_ssl_cert_verify=perhaps", {{"driver_ssl_cert_verify", "perhaps"}}, "driver_ssl_cert_verify"},
      {"sf_provisioning_calc=bogus", {{"sf_provisioning_calc", "bogus"}}, "sf_provisioning_calc"},
      {"sf_api_scheme=ftp", {{"sf_api_scheme", "ftp"}}, "sf_api_scheme"},
      {"reserved_percentage=-1", {{"reserved_percentage", "-1"}}, "reserved_percentage"},
      {"sf_account_prefix of 64", {{"sf_account_prefix", std::string(64, 'a')}}, "sf_account_prefix"},
      {"driver_ssl_cert_path missing file", {{"driver_ssl_cert_path", "/nonexistent/vdp-it.pem"}},
       "driver_ssl_cert_path"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto cfg = sim_config(sim);
    for (const auto& [k, v] : c.changes) {
      if (v == "<erase>") cfg.erase(k); else cfg[k] = v;
    }
    LogCapture logs;
    try {
      auto drv = make_driver(cfg, &logs);
      ADD_FAILURE() << "create accepted the configuration";
    } catch (const vh::CreateError& e) {
      EXPECT_TRUE(IsErrorJson(e.status(), e.error_json(), VDP_E_CONFIG, "create", c.field));
      EXPECT_EQ(e.error_json().find(kSimPassword), std::string::npos) << "password in the error object";
      EXPECT_EQ(std::string(e.what()).find(kSimPassword), std::string::npos) << "password in what()";
    } catch (const std::exception& e) {
      ADD_FAILURE() << "unexpected exception: " << e.what();
    }
    EXPECT_FALSE(logs.contains(kSimPassword)) << "password in the plugin's log";
  }

  // The same through the raw C ABI: *drv stays NULL, the error object comes back.
  auto cfg = sim_config(sim);
  cfg["sf_api_port"] = "abc";
  RawDriver raw(plugin()->descriptor(), cfg);
  EXPECT_EQ(raw.handle(), nullptr);
  EXPECT_TRUE(IsErrorJson(raw.create_status(), raw.create_output(), VDP_E_CONFIG, "create", "sf_api_port"));
}

TEST_F(Gating, ValidOptionalOptionsAreAccepted) {
  auto drv = ready_driver(sim, nullptr,
                          {{"sf_api_request_timeout", "30"},
                           {"sf_volume_prefix", std::string(28, 'p')},
                           {"sf_allow_tenant_qos", "true"},
                           {"sf_enable_vag", "false"},
                           {"sf_provisioning_calc", "usedSpace"},
                           {"reserved_percentage", "10"},
                           {"driver_ssl_cert_verify", "true"},
                           {"sf_enable_volume_mapping", "true"}});
  const Json stats = ok_json(drv->call("get_volume_stats", R"({"refresh":true})"), "stats");
  EXPECT_EQ(stats["reserved_percentage"].i64(), 10) << stats.dump();
}

TEST_F(Gating, UnservedSlotsAreNotSupported) {
  auto drv = ready_driver(sim);
  const std::set<std::string> served = {"setup",         "describe",      "create_volume",
                                        "delete_volume", "get_volume_stats", "create_export",
                                        "ensure_export", "remove_export", "initialize_connection",
                                        // access and administration operations
                                        "terminate_connection", "attach_volume", "detach_volume",
                                        "manage_existing", "manage_existing_get_size", "unmanage",
                                        "accept_transfer", "update_provider_info",
                                        // volume data operations
                                        "create_snapshot", "delete_snapshot", "revert_to_snapshot",
                                        "create_volume_from_snapshot", "create_cloned_volume", "extend_volume",
                                        "retype",
                                        // groups and 2.0.6 consistency groups (groups_test.cpp)
                                        "create_group", "update_group", "delete_group", "create_group_from_src",
                                        "create_group_snapshot", "delete_group_snapshot", "create_consistencygroup",
                                        "update_consistencygroup", "delete_consistencygroup",
                                        "create_consistencygroup_from_src", "create_cgsnapshot", "delete_cgsnapshot",
                                        // replication family (replication_test.cpp)
                                        "freeze_backend", "thaw_backend", "failover_host", "failover",
                                        "failover_completed", "migrate_volume"};
  const uint64_t before = sim.total();
  int checked = 0;
  for (const auto& op : vh::Plugin::known_operations()) {
    if (served.count(op)) continue;
    SCOPED_TRACE(op);
    vh::CallOptions opts;
    opts.request_id = "req-ns-" + op;
    const auto r = drv->call(op, "{}", opts);
    EXPECT_TRUE(IsError(r, VDP_E_NOT_SUPPORTED, op, {}, opts.request_id));
    EXPECT_NE(Json::parse(r.output)["message"].str().find(op), std::string::npos) << r.output;
    ++checked;
  }
  EXPECT_EQ(checked, 1) << "every slot but clone_image is served";
  const auto r = drv->call("clone_image", R"({"volume":{"id":")" + new_uuid() + R"(","size":2}})");
  EXPECT_TRUE(IsError(r, VDP_E_NOT_SUPPORTED, "clone_image"));
  // A generic group of a type that is not consistent is the host's to handle.
  const auto generic = drv->call("create_group", R"({"group":{"id":")" + new_uuid() + R"(","group_specs":{}}})");
  EXPECT_TRUE(IsError(generic, VDP_E_NOT_SUPPORTED, "create_group", "group.group_specs"));
  EXPECT_EQ(sim.total(), before);
}

}  // namespace
}  // namespace it
