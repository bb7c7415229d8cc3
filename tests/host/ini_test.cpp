#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "vdp_host/host.h"

using vdp::host::ConfigMap;
using vdp::host::HostError;
using vdp::host::parse_ini_backend;

namespace {

ConfigMap parse(const std::string& text, const std::string& backend = "") {
  std::istringstream in(text);
  return parse_ini_backend(in, backend, "test.conf");
}

std::string error_of(const std::string& text, const std::string& backend = "") {
  try {
    parse(text, backend);
  } catch (const HostError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(Ini, SectionOverridesDefault) {
  const auto c = parse(
      "# comment\n"
      "[DEFAULT]\n"
      "san_login = admin\n"
      "sf_api_port=443\n"
      "; another comment\n"
      "\n"
      "[sf1]\n"
      "  san_ip =   10.0.0.1  \n"
      "sf_api_port = 8443\n");
  EXPECT_EQ(c.at("san_login"), "admin");
  EXPECT_EQ(c.at("san_ip"), "10.0.0.1");
  EXPECT_EQ(c.at("sf_api_port"), "8443");
  EXPECT_EQ(c.size(), 3u);
}

TEST(Ini, ValuesKeepInnerCharacters) {
  const auto c = parse("[b]\nsan_password = p=ss:w#rd\nurl: https://x:1/y\nempty =\n");
  EXPECT_EQ(c.at("san_password"), "p=ss:w#rd");
  EXPECT_EQ(c.at("url"), "https://x:1/y");
  EXPECT_EQ(c.at("empty"), "");
}

TEST(Ini, BackendSelection) {
  const std::string two = "[DEFAULT]\nenabled_backends = sf2, sf1\n[sf1]\nsan_ip = a\n[sf2]\nsan_ip = b\n";
  EXPECT_EQ(parse(two).at("san_ip"), "b");  // first of enabled_backends
  EXPECT_EQ(parse(two, "sf1").at("san_ip"), "a");
  EXPECT_EQ(parse("[only]\nsan_ip = c\n").at("san_ip"), "c");  // the only section
  EXPECT_NE(error_of("[a]\nx=1\n[b]\nx=2\n").find("--backend"), std::string::npos);
  EXPECT_NE(error_of("[a]\nx=1\n", "nope").find("no section [nope]"), std::string::npos);
  EXPECT_NE(error_of("[DEFAULT]\nx=1\n").find("no backend section"), std::string::npos);
  EXPECT_NE(error_of("[DEFAULT]\nx=1\n[a]\n", "DEFAULT").find("not a backend"), std::string::npos);
}

TEST(Ini, RepeatedSectionsMerge) {
  const auto c = parse("[a]\nx=1\n[DEFAULT]\ny=2\n[a]\nz=3\nx=4\n");
  EXPECT_EQ(c.at("x"), "4");
  EXPECT_EQ(c.at("y"), "2");
  EXPECT_EQ(c.at("z"), "3");
}

TEST(Ini, ErrorsNameFileAndLine) {
  EXPECT_EQ(error_of("[a]\nx = 1\nthis is not an option\n"),
            "test.conf:3: expected 'key = value', '[section]' or a comment: this is not an option");
  EXPECT_EQ(error_of("x = 1\n[a]\n"), "test.conf:1: option 'x' appears before any [section]");
  EXPECT_EQ(error_of("[a]\n\n[broken\n"), "test.conf:3: section header must end with ']': [broken");
  EXPECT_EQ(error_of("[a]\n = 3\n"), "test.conf:2: missing option name before '='");
  EXPECT_EQ(error_of("[]\n"), "test.conf:1: empty section name");
}

TEST(Ini, LoadFromFile) {
  char path[] = "/tmp/vdp-host-ini-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path);
    out << "[DEFAULT]\nvolume_backend_name = x\n[sf]\nsan_ip = 1.2.3.4\n";
  }
  const auto c = vdp::host::load_ini_backend(path, "");
  EXPECT_EQ(c.at("san_ip"), "1.2.3.4");
  EXPECT_EQ(c.at("volume_backend_name"), "x");
  EXPECT_EQ(vdp::host::ini_sections(path), std::vector<std::string>{"sf"});
  std::remove(path);
  try {
    vdp::host::load_ini_backend(path, "");
    FAIL() << "expected HostError";
  } catch (const HostError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
  }
  EXPECT_THROW(vdp::host::load_ini_backend("/tmp", ""), HostError);
}

TEST(Ini, RepeatedReplicationDeviceAddsDevices) {
  // oslo.config's MultiStrOpt: each replication_device line is one device; other keys: last one wins.
  const auto c = parse(
      "[a]\n"
      "replication_device = mvip:10.0.0.2,login:x,passwd:p1\n"
      "replication_device = mvip:10.0.0.3,login:y,passwd:p2\n"
      "san_ip = 1\nsan_ip = 2\n");
  EXPECT_EQ(c.at("replication_device"), "mvip:10.0.0.2,login:x,passwd:p1\nmvip:10.0.0.3,login:y,passwd:p2");
  EXPECT_EQ(c.at("san_ip"), "2");
}
