// Helpers shared by the vdp-host tests: the fake plugins, a temporary directory, reading a file.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace vdp_host_test {

#ifdef VDP_FAKE_PLUGIN_DIR
inline std::string fake_plugin(const std::string& variant = "vdp_fake") {
  return std::string(VDP_FAKE_PLUGIN_DIR) + "/" + variant + ".so";
}
#endif

// A directory under /tmp, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/vdp-host-test-XXXXXX";
    const char* made = ::mkdtemp(tmpl);
    path_ = made != nullptr ? made : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // Writes `content` to `name` in the directory; mode 0600 (vdp-host refuses configuration files that
  // others may read when they hold a password).
  std::string file(const std::string& name, const std::string& content = {}) const {
    const std::string p = path_ + "/" + name;
    std::ofstream(p) << content;
    std::filesystem::permissions(p, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The whole file; empty when it cannot be read.
inline std::string slurp(const std::string& path) {
  std::string text;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
  }
  return text;
}

}  // namespace vdp_host_test
