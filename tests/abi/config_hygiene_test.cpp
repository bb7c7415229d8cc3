// What configuration can make the plugin write, through the vtable of the loaded plugin: options that are
// not valid UTF-8 are refused at create (CONFIG naming the option, in a valid UTF-8 error object), a
// config_get that never settles on a size is CONFIG naming the key, and configured secrets never appear
// in an error object or a log line, even when a host hands one out under another option's name.
#include <string>
#include <vector>

#include "contract_support.h"

namespace contract {
namespace {

const std::map<std::string, std::string> kBase = {
    {"san_ip", "192.0.2.10"}, {"san_login", "admin"}, {"san_password", "s3cret-Pa55word"}};

TEST(ConfigHygiene, InvalidUtf8OptionsAreRefusedAtCreate) {
  const std::vector<std::string> options = {"volume_backend_name", "sf_account_prefix", "sf_svip", "san_ip",
                                            "san_login", "san_password", "sf_volume_prefix",
                                            "sf_template_account_name", "replication_device", "sf_api_port",
                                            "sf_api_scheme", "sf_emulate_512", "driver_ssl_cert_path"};
  const std::vector<std::string> bad = {"ok\xff", "\xc0\xaf", "\xed\xa0\x80", "abc\xe2\x82", "\x80"};
  for (const std::string& option : options) {
    for (const std::string& value : bad) {
      MapHost host;
      host.config = kBase;
      host.config[option] = value;
      Driver drv(host);
      const Answer& a = drv.created();
      EXPECT_EQ(a.status, VDP_E_CONFIG) << option << " accepted";
      EXPECT_EQ(drv.handle(), nullptr);
      ASSERT_TRUE(valid_json_object(a.out)) << option << ": " << a.out;
      EXPECT_EQ(detail_field(a.out), option) << a.out;
      EXPECT_NE(member(a.out, "message").find(option), std::string::npos) << a.out;
      for (const std::string& line : host.log_lines) EXPECT_TRUE(solidfire::is_valid_utf8(line)) << line;
    }
  }
}

// A getter that answers BUFFER_TOO_SMALL with a larger size every time (a host protocol violation).
TEST(ConfigHygiene, ConfigGetterThatKeepsGrowingIsConfigNamingTheKey) {
  MapHost host;
  host.config = kBase;
  size_t size = 10;
  host.getter = [&](const char* key, char* buf, size_t len, size_t* needed) -> vdp_status {
    const auto it = host.config.find(key);
    if (std::string(key) != "san_login") {
      if (it == host.config.end()) return VDP_E_NOT_FOUND;
      *needed = it->second.size() + 1;
      if (buf == nullptr || len < *needed) return VDP_E_BUFFER_TOO_SMALL;
      std::memcpy(buf, it->second.c_str(), *needed);
      return VDP_OK;
    }
    size += 1000;
    *needed = size;
    return VDP_E_BUFFER_TOO_SMALL;
  };
  Driver drv(host);
  const Answer& a = drv.created();
  EXPECT_EQ(a.status, VDP_E_CONFIG) << a.out;
  EXPECT_EQ(detail_field(a.out), "san_login") << a.out;
  EXPECT_NE(member(a.out, "message").find("san_login"), std::string::npos) << a.out;
}

void expect_never_shown(const Answer& a, const MapHost& host, const std::string& secret) {
  EXPECT_EQ(a.out.find(secret), std::string::npos) << a.out;
  for (const std::string& line : host.log_lines) EXPECT_EQ(line.find(secret), std::string::npos) << line;
}

TEST(ConfigHygiene, PasswordHandedOutUnderAnotherKeyIsScrubbed) {
  const std::vector<std::string> passwords = {"s3cret-Pa55word", std::string(100, 'p') + "-long-secret"};
  for (const std::string& password : passwords) {
    for (const char* option : {"sf_api_port", "sf_emulate_512", "max_over_subscription_ratio",
                               "driver_ssl_cert_path"}) {
      MapHost host;
      host.config = kBase;
      host.config["san_password"] = password;
      host.config["vdp_log_level"] = "trace";
      host.config[option] = password;  // the host mixed up keys
      Driver drv(host);
      const Answer& a = drv.created();
      EXPECT_EQ(a.status, VDP_E_CONFIG) << option;
      EXPECT_EQ(detail_field(a.out), option) << a.out;
      EXPECT_NE(member(a.out, "message").find("***"), std::string::npos) << a.out;
      expect_never_shown(a, host, password);
      expect_never_shown(a, host, password.substr(0, 32));  // not even a truncated echo
    }
  }
}

TEST(ConfigHygiene, ReplicationPasswordIsScrubbed) {
  MapHost host;
  host.config = kBase;
  host.config["vdp_log_level"] = "trace";
  host.config["replication_device"] = "backend_id:b2,mvip:192.0.2.20,login:admin,password:Rep1-Secret-Value";
  host.config["sf_api_port"] = "Rep1-Secret-Value";
  Driver drv(host);
  EXPECT_EQ(drv.created().status, VDP_E_CONFIG);
  expect_never_shown(drv.created(), host, "Rep1-Secret-Value");
}

// A CHAP secret the driver has seen (the account it created for a volume) never appears in an error
// object or a log line afterwards, here echoed back by a host in a volume id.
TEST(ConfigHygiene, ChapSecretsSeenAreScrubbed) {
  Cluster cluster;
  MapHost host;
  host.config = cluster.config;
  host.config["vdp_log_level"] = "trace";
  Driver drv(host);
  ASSERT_EQ(drv.created().status, VDP_OK) << drv.created().out;
  ASSERT_EQ(drv.call(plugin().setup, "{}").status, VDP_OK);
  const Answer made = drv.call(plugin().create_volume,
                               R"({"volume":{"id":"6b1f6c3e-8a59-4f47-a0a4-2f4bd1a6f0c1","project_id":"p1","size":1}})");
  ASSERT_EQ(made.status, VDP_OK) << made.out;
  const std::string auth = member(made.out, "provider_auth");  // "CHAP <user> <secret>"
  const std::string secret = auth.substr(auth.rfind(' ') + 1);
  ASSERT_GE(secret.size(), 12u) << auth;
  host.log_lines.clear();
  const Answer a = drv.call(plugin().extend_volume, R"({"volume":{"id":")" + secret +
                                                        R"(","project_id":"p1"},"new_size":2})");
  EXPECT_EQ(a.status, VDP_E_NOT_FOUND) << a.out;
  EXPECT_NE(member(a.out, "message").find("volume ***"), std::string::npos) << a.out;  // the id was echoed
  expect_never_shown(a, host, secret);
}

}  // namespace
}  // namespace contract
