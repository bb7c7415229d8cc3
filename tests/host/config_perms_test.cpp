// vdp-host warns once on stderr when its configuration file holds a password or secret and is readable by
// group or others, and still uses the file.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test_util.h"

namespace {

class ConfigPerms : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/vdp-host-perms-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string write(const std::string& name, const std::string& content, mode_t mode) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << content;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }

  struct Run {
    int status = -1;
    std::string err;
  };
  // `vdp-host --plugin <fake> --config CONF [--backend B] call describe`, stdout discarded, stderr kept.
  Run run(const std::string& conf, const std::string& backend = "") {
    const std::string err_path = dir_ + "/stderr";
    const std::string cmd = "'" + std::string(VDP_HOST_EXE) + "' --plugin '" + vdp_host_test::fake_plugin() +
                            "' --config '" + conf + "'" + (backend.empty() ? "" : " --backend '" + backend + "'") +
                            " call describe >/dev/null 2>'" + err_path + "'";
    Run r;
    const int rc = std::system(cmd.c_str());
    r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    std::ifstream in(err_path);
    std::stringstream ss;
    ss << in.rdbuf();
    r.err = ss.str();
    return r;
  }

  static size_t count(const std::string& text, const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
  }

  std::string dir_;
};

const char* const kWithPassword = "[DEFAULT]\nsan_login = admin\n\n[sf]\nsan_ip = 10.0.0.1\nsan_password = s3cr3t\n";

TEST_F(ConfigPerms, PrivateFileNoWarning) {
  const std::string conf = write("private.conf", kWithPassword, 0600);
  const Run r = run(conf);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST_F(ConfigPerms, WorldReadableFileWithPasswordWarnsOnceAndIsUsed) {
  const std::string conf = write("shared.conf", kWithPassword, 0644);
  const Run r = run(conf);
  EXPECT_EQ(r.status, 0) << "a warning, not a refusal: " << r.err;
  EXPECT_EQ(count(r.err, "warning"), 1u) << r.err;
  EXPECT_NE(r.err.find(conf), std::string::npos) << "names the file: " << r.err;
  EXPECT_NE(r.err.find("0644"), std::string::npos) << "names the mode: " << r.err;
  EXPECT_NE(r.err.find("chmod 600 " + conf), std::string::npos) << "names the fix: " << r.err;
  EXPECT_EQ(r.err.find("s3cr3t"), std::string::npos) << "never the password itself: " << r.err;
}

TEST_F(ConfigPerms, GroupReadableFileWithSecretInAnotherSectionWarns) {
  // Any key ending in "secret" or "password", in any section: the whole file is exposed.
  const std::string conf = write("group.conf",
                                 "[sf]\nsan_ip = 10.0.0.1\n\n[other]\nchap_Secret: abc\n", 0640);
  const Run r = run(conf, "sf");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(count(r.err, "warning"), 1u) << r.err;
  EXPECT_NE(r.err.find("0640"), std::string::npos) << r.err;
}

TEST_F(ConfigPerms, WorldReadableFileWithoutPasswordNoWarning) {
  const std::string conf =
      write("plain.conf", "[sf]\nsan_ip = 10.0.0.1\n# san_password = commented out\nsan_password =\n", 0644);
  const Run r = run(conf);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

}  // namespace
