// Loading a vdp plugin (Boost.DLL, RTLD_NOW | RTLD_LOCAL) and looking up its operation slots.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <vdp/vdp.h>

namespace vdp::host {

class Plugin {
 public:
  // A path containing '/' is loaded as is; a bare NAME ("solidfire") is searched as "vdp_NAME.so" (or NAME
  // itself when it ends in ".so") in search_dirs(). Throws HostError on a missing file, a missing
  // vdp_plugin_entry, an ABI major mismatch ("plugin 2.0, host 1.0") or an unusable descriptor.
  static std::shared_ptr<Plugin> load(const std::string& path_or_name);

  // Directories searched for a bare name, in order: $VDP_PLUGIN_PATH (colon-separated), the build tree's
  // plugin directory (only when the running executable lies in the build tree it was built in, and the
  // plugin is part of that build), then the installed plugin directory relative to the executable's:
  // <exe dir>/<path from bindir to libdir/vdp/plugins>, i.e. <exe dir>/../lib/<multiarch>/vdp/plugins on
  // Debian (left out when the executable is unknown).
  static std::vector<std::string> search_dirs();
  // The same for an executable at `exe` (empty: unknown) and a given VDP_PLUGIN_PATH value (may be NULL).
  static std::vector<std::string> search_dirs_for(const std::string& exe, const char* plugin_path);
  // Resolves a name or path to the file that load() would open; throws HostError when nothing is found.
  static std::string resolve(const std::string& path_or_name);
  // Every operation slot name the host knows, in descriptor order ("setup" first, then the v1.0 slots).
  static const std::vector<std::string>& known_operations();

  ~Plugin();
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  const vdp_plugin& descriptor() const;
  uint32_t plugin_abi() const;  // as written by vdp_plugin_entry
  const std::string& path() const;
  std::string name() const;            // descriptor strings, "" when NULL
  std::string vendor() const;
  std::string driver_version() const;

  std::vector<std::string> operations() const;  // names of non-NULL op slots, in slot order
  vdp_op_fn op(const std::string& name) const;  // nullptr when absent/unknown (checks struct_size)

 private:
  struct Impl;
  explicit Plugin(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// "1.0" for VDP_MAKE_VERSION(1, 0).
std::string version_string(uint32_t version);

}  // namespace vdp::host
