// replication_device (both Cinder spellings) and active_backend_id: what is accepted, defaults, and a
// CONFIG error naming the option for everything else, with passwords never quoted.
#include <gtest/gtest.h>

#include "config.h"
#include "fakes.h"
#include "replication_config.h"

namespace sftest {
namespace {

struct Parsed {
  DriverConfig config;
  std::vector<std::string> warnings;
};

Parsed parse_with(const std::map<std::string, std::string>& extra) {
  auto m = base_config();
  for (const auto& [k, v] : extra) m[k] = v;
  Parsed p;
  p.config = parse_config(source_of(m), p.warnings);
  return p;
}

Error failure_with(const std::map<std::string, std::string>& extra) {
  try {
    parse_with(extra);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "configuration was accepted";
  return Error(ErrorCode::kOk, "");
}

bool any_contains(const std::vector<std::string>& lines, const std::string& needle) {
  for (const auto& l : lines) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(ReplicationConfig, ModernSpellingWithDefaultsFromThePrimary) {
  auto p = parse_with({{"replication_device", "backend_id:dr,mvip:192.0.2.20,login:radmin,password:R-pass-1"},
                       {"sf_api_port", "8443"}});
  ASSERT_EQ(p.config.replication_devices.size(), 1u);
  const ReplicationTarget& t = p.config.replication_devices[0];
  EXPECT_EQ(t.backend_id, "dr");
  EXPECT_EQ(t.mvip, "192.0.2.20");
  EXPECT_EQ(t.login, "radmin");
  EXPECT_EQ(t.password, "R-pass-1");
  EXPECT_EQ(t.port, 8443);  // follows sf_api_port
  EXPECT_FALSE(t.svip.has_value());
  EXPECT_TRUE(t.ssl_cert_verify);  // follows driver_ssl_cert_verify
  EXPECT_FALSE(t.legacy_dialect);
  EXPECT_FALSE(p.config.active_backend.has_value());
}

TEST(ReplicationConfig, LegacySpellingSeveralDevicesFirstUsed) {
  auto p = parse_with({{"replication_device",
                        " mvip : 192.0.2.20 , login:a, passwd:P:with:colons, port:444, svip:192.0.3.20:3260\n"
                        "mvip:192.0.2.30,login:b,passwd:other,backend_id:third\n"}});
  ASSERT_EQ(p.config.replication_devices.size(), 1u);
  const ReplicationTarget& t = p.config.replication_devices[0];
  EXPECT_TRUE(t.legacy_dialect);
  EXPECT_EQ(t.backend_id, "192.0.2.20");  // 2.0.6 named the target by its mvip
  EXPECT_EQ(t.password, "P:with:colons");
  EXPECT_EQ(t.port, 444);
  EXPECT_EQ(t.svip.value_or(""), "192.0.3.20:3260");
  EXPECT_TRUE(any_contains(p.warnings, "'third' is ignored")) << ::testing::PrintToString(p.warnings);
}

TEST(ReplicationConfig, TlsOverridesAndUnknownKeysWarn) {
  auto p = parse_with({{"replication_device",
                        "backend_id:dr,mvip:192.0.2.20,login:a,password:x,driver_ssl_cert_verify:false,colour:blue"}});
  const ReplicationTarget& t = p.config.replication_devices.at(0);
  EXPECT_FALSE(t.ssl_cert_verify);
  EXPECT_TRUE(any_contains(p.warnings, "verification is off for the replication target"));
  EXPECT_TRUE(any_contains(p.warnings, "unknown key 'colour'"));
}

TEST(ReplicationConfig, MalformedDevicesAreConfigErrorsNamingTheOption) {
  const std::string secret = "Zq-secret-77";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"backend_id:dr,mvip:192.0.2.20,login:a", "password is required"},
      {"backend_id:dr,mvip:192.0.2.20,login:a,password:" + secret + ",passwd:" + secret, "not both"},
      {"backend_id:dr,login:a,password:" + secret, "mvip is required"},
      {"backend_id:dr,mvip:10.0.0.1,login:a,password:" + secret, "equals san_ip"},  // base san_ip
      {"backend_id:dr,mvip:192.0.2.20,password:" + secret, "login is required"},
      {"mvip:192.0.2.20,login:a,password:" + secret, "backend_id is required"},
      {"backend_id:dr,mvip:192.0.2.20,login:a,password:" + secret + ",port:0", "port must be"},
      {"backend_id:dr,mvip:192.0.2.20,login:a,password:" + secret + ",port:x", "port must be"},
      {"backend_id:default,mvip:192.0.2.20,login:a,password:" + secret, "reserved"},
      {"backend_id:dr,mvip:192.0.2.20,login:a," + secret, "key:value"},
      {"backend_id:dr,mvip:192.0.2.20,login:a,login:b,password:" + secret, "given twice"},
      {"backend_id:a,mvip:192.0.2.20,login:a,password:" + secret + "\nbackend_id:b,mvip:192.0.2.30,login:a,password:" +
           secret,
       "exactly one device"},
      {"backend_id:dr,mvip:192.0.2.20,login:a,password:" + secret + ",driver_ssl_cert_verify:maybe", "not a boolean"},
  };
  for (const auto& [value, expected] : cases) {
    SCOPED_TRACE(value);
    const Error e = failure_with({{"replication_device", value}});
    EXPECT_EQ(e.code(), ErrorCode::kConfig);
    EXPECT_EQ(e.field(), "replication_device");
    EXPECT_NE(e.message().find(expected), std::string::npos) << e.message();
    EXPECT_EQ(e.message().find(secret), std::string::npos) << e.message();
  }
}

TEST(ReplicationConfig, ActiveBackendIdMatchesBackendIdOrMvip) {
  const std::string dev = "backend_id:DR-Site,mvip:192.0.2.20,login:a,password:x";
  EXPECT_EQ(parse_with({{"replication_device", dev}, {"active_backend_id", "dr-site"}}).config.active_backend, 0u);
  EXPECT_EQ(parse_with({{"replication_device", dev}, {"active_backend_id", "192.0.2.20"}}).config.active_backend, 0u);
  EXPECT_FALSE(parse_with({{"replication_device", dev}, {"active_backend_id", "default"}}).config.active_backend);
  EXPECT_FALSE(parse_with({{"replication_device", dev}, {"active_backend_id", ""}}).config.active_backend);

  Error e = failure_with({{"replication_device", dev}, {"active_backend_id", "elsewhere"}});
  EXPECT_EQ(e.code(), ErrorCode::kConfig);
  EXPECT_EQ(e.field(), "active_backend_id");
  e = failure_with({{"active_backend_id", "dr-site"}});
  EXPECT_EQ(e.field(), "active_backend_id");
  EXPECT_NE(e.message().find("replication_device is not configured"), std::string::npos) << e.message();
}

TEST(ReplicationConfig, PasswordsAreKnownSecretsEvenWhenTheDeviceIsRefused) {
  SecretSet secrets;
  std::vector<std::string> w;
  auto m = base_config();
  m["replication_device"] = "mvip:192.0.2.20,passwd:Lone-Pass-9";  // no login: refused
  EXPECT_THROW(parse_config(source_of(m), w, &secrets), Error);
  EXPECT_EQ(secrets.scrub("a Lone-Pass-9 b"), "a *** b");
}

}  // namespace
}  // namespace sftest
