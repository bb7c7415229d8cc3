// Configuration validation: required options, types, minimums, prefixes and warnings.
#include <gtest/gtest.h>
#include <unistd.h>

#include <climits>

#include "config.h"
#include "fakes.h"

namespace sftest {
namespace {

Error config_failure(std::map<std::string, std::string> m) {
  std::vector<std::string> warnings;
  try {
    parse_config(source_of(m), warnings);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "configuration was accepted";
  return Error(ErrorCode::kOk, "");
}

std::map<std::string, std::string> with(std::string key, std::string value) {
  auto m = base_config();
  m[std::move(key)] = std::move(value);
  return m;
}

TEST(Config, DefaultsMatchCinderWithVerifyOn) {
  std::vector<std::string> w;
  const DriverConfig c = parse_config(source_of(base_config()), w);
  EXPECT_EQ(c.sf_api_port, 443);
  EXPECT_TRUE(c.sf_emulate_512);
  EXPECT_EQ(c.sf_volume_prefix, "UUID-");
  EXPECT_FALSE(c.sf_account_prefix.has_value());
  EXPECT_EQ(c.sf_api_request_timeout, 30);
  EXPECT_EQ(c.sf_volume_clone_timeout, 600);
  EXPECT_EQ(c.sf_volume_create_timeout, 60);
  EXPECT_EQ(c.sf_cluster_pairing_timeout, 60);
  EXPECT_EQ(c.sf_volume_pairing_timeout, 3600);
  EXPECT_TRUE(c.driver_ssl_cert_verify) << "vdp verifies TLS by default (Cinder does not)";
  EXPECT_EQ(c.volume_backend_name, "SolidFire");
  EXPECT_EQ(c.reserved_percentage, 0);
  EXPECT_DOUBLE_EQ(c.max_over_subscription_ratio, 20.0);
  EXPECT_EQ(c.sf_provisioning_calc, ProvisioningCalc::kMaxProvisionedSpace);
  EXPECT_EQ(c.sf_api_scheme, "https");
  EXPECT_TRUE(w.empty());
}

TEST(Config, EachRequiredOptionIsNamed) {
  for (const char* key : {"san_ip", "san_login", "san_password"}) {
    auto m = base_config();
    m.erase(key);
    const Error e = config_failure(m);
    EXPECT_EQ(e.code(), ErrorCode::kConfig) << key;
    EXPECT_EQ(e.field(), key);
    EXPECT_NE(e.message().find(key), std::string::npos) << e.message();
    // Blank counts as missing.
    EXPECT_EQ(config_failure(with(key, "  ")).field(), key);
  }
}

TEST(Config, BadIntegersAndRanges) {
  EXPECT_EQ(config_failure(with("sf_api_port", "443x")).field(), "sf_api_port");
  EXPECT_EQ(config_failure(with("sf_api_port", "0")).field(), "sf_api_port");
  EXPECT_EQ(config_failure(with("sf_api_port", "65536")).field(), "sf_api_port");
  EXPECT_EQ(config_failure(with("sf_api_port", "4.5")).field(), "sf_api_port");
  EXPECT_EQ(config_failure(with("reserved_percentage", "101")).field(), "reserved_percentage");
  EXPECT_EQ(config_failure(with("max_over_subscription_ratio", "0")).field(), "max_over_subscription_ratio");
  EXPECT_EQ(config_failure(with("max_over_subscription_ratio", "abc")).field(), "max_over_subscription_ratio");
  std::vector<std::string> w;
  EXPECT_EQ(parse_config(source_of(with("sf_api_port", " 8443 ")), w).sf_api_port, 8443);
}

TEST(Config, MinimumsAreEnforced) {
  const std::map<std::string, std::pair<std::string, std::string>> cases = {
      {"sf_api_request_timeout", {"29", "30"}},   {"sf_volume_clone_timeout", {"59", "60"}},
      {"sf_volume_create_timeout", {"29", "30"}}, {"sf_cluster_pairing_timeout", {"2", "3"}},
      {"sf_volume_pairing_timeout", {"29", "30"}},
  };
  for (const auto& [key, values] : cases) {
    const Error e = config_failure(with(key, values.first));
    EXPECT_EQ(e.field(), key);
    EXPECT_NE(e.message().find("minimum"), std::string::npos) << e.message();
    std::vector<std::string> w;
    EXPECT_NO_THROW(parse_config(source_of(with(key, values.second)), w)) << key;
  }
}

TEST(Config, BooleansParseLikeOslo) {
  for (const char* t : {"true", "TRUE", "yes", "On", "1"}) {
    std::vector<std::string> w;
    EXPECT_TRUE(parse_config(source_of(with("sf_allow_tenant_qos", t)), w).sf_allow_tenant_qos) << t;
  }
  for (const char* f : {"false", "No", "off", "0"}) {
    std::vector<std::string> w;
    EXPECT_FALSE(parse_config(source_of(with("sf_emulate_512", f)), w).sf_emulate_512) << f;
  }
  EXPECT_EQ(config_failure(with("sf_emulate_512", "maybe")).field(), "sf_emulate_512");
  EXPECT_EQ(config_failure(with("driver_ssl_cert_verify", "2")).field(), "driver_ssl_cert_verify");
}

TEST(Config, VolumePrefixMustLeaveRoomForUuid) {
  std::vector<std::string> w;
  EXPECT_NO_THROW(parse_config(source_of(with("sf_volume_prefix", std::string(28, 'a'))), w));
  const Error e = config_failure(with("sf_volume_prefix", std::string(29, 'a')));
  EXPECT_EQ(e.field(), "sf_volume_prefix");
  EXPECT_NE(e.message().find("28"), std::string::npos);
  EXPECT_EQ(config_failure(with("sf_volume_prefix", "bad prefix")).field(), "sf_volume_prefix");
  EXPECT_EQ(config_failure(with("sf_volume_prefix", "under_score")).field(), "sf_volume_prefix");
  EXPECT_EQ(parse_config(source_of(with("sf_volume_prefix", "")), w).sf_volume_prefix, "");
}

TEST(Config, AccountPrefixMustLeaveRoomForProjectAndSecondary) {
  std::vector<std::string> w;
  EXPECT_NO_THROW(parse_config(source_of(with("sf_account_prefix", std::string(30, 'p'))), w));
  EXPECT_EQ(config_failure(with("sf_account_prefix", std::string(31, 'p'))).field(), "sf_account_prefix");
}

TEST(Config, HostnamePrefixResolvesAndWarns) {
  std::vector<std::string> w;
  const DriverConfig c = parse_config(source_of(with("sf_account_prefix", "hostname")), w);
  char host[HOST_NAME_MAX + 1] = {};
  ASSERT_EQ(gethostname(host, sizeof host - 1), 0);
  ASSERT_TRUE(c.sf_account_prefix.has_value());
  EXPECT_EQ(*c.sf_account_prefix, host);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("active-active"), std::string::npos);
}

TEST(Config, RetiredOptionAcceptedWithWarning) {
  std::vector<std::string> w;
  EXPECT_NO_THROW(parse_config(source_of(with("sf_enable_volume_mapping", "True")), w));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("sf_enable_volume_mapping"), std::string::npos);
}

TEST(Config, ProvisioningCalcAndScheme) {
  std::vector<std::string> w;
  EXPECT_EQ(parse_config(source_of(with("sf_provisioning_calc", "usedSpace")), w).sf_provisioning_calc,
            ProvisioningCalc::kUsedSpace);
  EXPECT_EQ(config_failure(with("sf_provisioning_calc", "used")).field(), "sf_provisioning_calc");
  w.clear();
  EXPECT_EQ(parse_config(source_of(with("sf_api_scheme", "http")), w).sf_api_scheme, "http");
  EXPECT_EQ(w.size(), 1u) << "plain HTTP must warn";
  EXPECT_EQ(config_failure(with("sf_api_scheme", "ftp")).field(), "sf_api_scheme");
}

TEST(Config, VerifyOffWarnsAndCertPathMustExist) {
  std::vector<std::string> w;
  EXPECT_FALSE(parse_config(source_of(with("driver_ssl_cert_verify", "false")), w).driver_ssl_cert_verify);
  EXPECT_EQ(w.size(), 1u);
  EXPECT_EQ(config_failure(with("driver_ssl_cert_path", "/nonexistent/ca.pem")).field(), "driver_ssl_cert_path");
}

TEST(Config, PasswordNeverInErrors) {
  auto m = with("sf_api_port", "bogus");
  const Error e = config_failure(m);
  EXPECT_EQ(e.message().find("Sup3rS3cretPW"), std::string::npos);
}

TEST(Config, CreateThroughFacadeValidates) {
  DriverDeps deps;
  auto m = base_config();
  m.erase("san_password");
  try {
    SolidFireDriver::create(source_of(m), std::move(deps));
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConfig);
    EXPECT_EQ(e.field(), "san_password");
  }
  DriverDeps deps2;
  auto drv = SolidFireDriver::create(source_of(with("sf_enable_volume_mapping", "false")), std::move(deps2));
  ASSERT_TRUE(drv);
  EXPECT_FALSE(drv->is_setup());
  EXPECT_EQ(drv->warnings().size(), 1u);
}

// Values end up in results and messages as they are: one that is not UTF-8 is refused, naming the option.
TEST(Config, InvalidUtf8IsRefusedNamingTheOption) {
  for (const char* option : {"volume_backend_name", "sf_account_prefix", "sf_svip", "san_login", "san_password"}) {
    const Error e = config_failure(with(option, "ok\xff\xfe"));
    EXPECT_EQ(e.code(), ErrorCode::kConfig) << option;
    EXPECT_EQ(e.field(), option);
    EXPECT_NE(e.message().find("UTF-8"), std::string::npos) << e.message();
  }
}

// A host that mixes up keys must not get the password quoted back, even past the 64-byte echo limit.
TEST(Config, PasswordsAreNeverQuoted) {
  const std::string password = std::string(80, 'z') + "-secret";
  auto m = with("san_password", password);
  m["sf_api_port"] = password;
  const Error e = config_failure(m);
  EXPECT_EQ(e.field(), "sf_api_port");
  EXPECT_EQ(e.message().find("zzzz"), std::string::npos) << e.message();
  EXPECT_NE(e.message().find("***"), std::string::npos) << e.message();

  SecretSet secrets;
  std::vector<std::string> w;
  m = with("replication_device", "backend_id:b,mvip:192.0.2.2,login:admin,password:Rep-Pass");
  parse_config(source_of(m), w, &secrets);
  EXPECT_EQ(secrets.scrub("x Rep-Pass y " + base_config()["san_password"]), "x *** y ***");
}

}  // namespace
}  // namespace sftest
