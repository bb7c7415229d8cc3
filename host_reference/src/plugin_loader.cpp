// Plugin loading with Boost.DLL (RTLD_NOW | RTLD_LOCAL, never RTLD_DEEPBIND), search and ABI negotiation.
#include <dlfcn.h>

#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <type_traits>

#include "plugin_slots.h"
#include "vdp_host/errors.h"
#include "vdp_host/plugin.h"

namespace vdp::host {

namespace fs = std::filesystem;

struct Plugin::Impl {
  boost::dll::shared_library lib;
  std::string path;
  uint32_t plugin_abi = 0;
  const vdp_plugin* desc = nullptr;
};

std::string version_string(uint32_t version) {
  return std::to_string(VDP_VERSION_MAJOR(version)) + "." + std::to_string(VDP_VERSION_MINOR(version));
}

namespace {

std::vector<std::string> split_path_list(const char* list) {
  std::vector<std::string> out;
  if (!list) return out;
  std::string item;
  std::istringstream is(list);
  while (std::getline(is, item, ':'))
    if (!item.empty()) out.push_back(item);
  return out;
}

std::string file_name_for(const std::string& name) {
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".so") == 0) return name;
  return "vdp_" + name + ".so";
}

std::string dlerror_text() {
  const char* e = dlerror();
  return e ? e : "unknown dynamic loader error";
}

#if defined(VDP_HOST_BUILD_TREE) && defined(VDP_HOST_BUILD_PLUGIN_DIR)
// True when `file` lies under `dir` (both made absolute and free of symlinks first).
bool lies_within(const fs::path& file, const fs::path& dir) {
  std::error_code ec1, ec2;
  const fs::path f = fs::weakly_canonical(file, ec1);
  const fs::path d = fs::weakly_canonical(dir, ec2);
  if (ec1 || ec2) return false;
  const fs::path rel = f.lexically_relative(d);
  return !rel.empty() && *rel.begin() != ".." && *rel.begin() != ".";
}
#endif

}  // namespace

std::vector<std::string> Plugin::search_dirs_for(const std::string& exe, const char* plugin_path) {
  std::vector<std::string> dirs = split_path_list(plugin_path);
#if defined(VDP_HOST_BUILD_TREE) && defined(VDP_HOST_BUILD_PLUGIN_DIR)
  // Only a program running from the build tree looks there: an installed one never sees build output.
  if (!exe.empty() && lies_within(exe, VDP_HOST_BUILD_TREE)) dirs.emplace_back(VDP_HOST_BUILD_PLUGIN_DIR);
#endif
#ifdef VDP_HOST_PLUGIN_DIR_FROM_BINDIR
  // The installed plugin directory, found from the executable's own: the installation stays usable when
  // moved, and no absolute path of the configure-time prefix (which the .deb need not share) is searched.
  if (!exe.empty())
    dirs.push_back((fs::path(exe).parent_path() / VDP_HOST_PLUGIN_DIR_FROM_BINDIR).lexically_normal().string());
#endif
  return dirs;
}

std::vector<std::string> Plugin::search_dirs() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return search_dirs_for(ec ? std::string() : exe.string(), std::getenv("VDP_PLUGIN_PATH"));
}

std::string Plugin::resolve(const std::string& path_or_name) {
  if (path_or_name.empty()) throw HostError("empty plugin name", VDP_E_INVALID_ARGUMENT);
  if (path_or_name.find('/') != std::string::npos) return path_or_name;
  const std::string file = file_name_for(path_or_name);
  const auto dirs = search_dirs();
  for (const auto& dir : dirs) {
    std::error_code ec;
    const fs::path candidate = fs::path(dir) / file;
    if (fs::is_regular_file(candidate, ec)) return candidate.string();
  }
  std::string msg = "plugin '" + path_or_name + "' not found: no " + file + " in";
  for (const auto& d : dirs) msg += " " + d;
  msg += " (set VDP_PLUGIN_PATH or pass a path)";
  throw HostError(msg, VDP_E_NOT_FOUND);
}

std::shared_ptr<Plugin> Plugin::load(const std::string& path_or_name) {
  auto impl = std::make_unique<Impl>();
  impl->path = resolve(path_or_name);
  const std::string& path = impl->path;

  std::error_code fec;
  if (!fs::exists(path, fec)) throw HostError("cannot load plugin " + path + ": no such file", VDP_E_NOT_FOUND);
  if (!fs::is_regular_file(path, fec))
    throw HostError("cannot load plugin " + path + ": not a regular file", VDP_E_INVALID_ARGUMENT);

  boost::dll::fs::error_code ec;
  impl->lib.load(path, ec, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  if (ec || !impl->lib.is_loaded())
    throw HostError("cannot load plugin " + path + ": " + dlerror_text(), VDP_E_INVALID_ARGUMENT);

  if (!impl->lib.has(VDP_PLUGIN_ENTRY_SYMBOL))
    throw HostError("not a vdp plugin: " + path + " does not export " VDP_PLUGIN_ENTRY_SYMBOL, VDP_E_INVALID_ARGUMENT);
  auto& entry = impl->lib.get<std::remove_pointer_t<vdp_plugin_entry_fn>>(VDP_PLUGIN_ENTRY_SYMBOL);

  uint32_t plugin_abi = 0;
  const vdp_plugin* desc = nullptr;
  const vdp_status rc = entry(VDP_ABI_VERSION, &plugin_abi, &desc);
  const std::string versions = "plugin " + version_string(plugin_abi) + ", host " + version_string(VDP_ABI_VERSION);
  if (rc == VDP_E_ABI_MISMATCH || (rc == VDP_OK && VDP_VERSION_MAJOR(plugin_abi) != VDP_VERSION_MAJOR(VDP_ABI_VERSION)))
    throw HostError("ABI mismatch loading " + path + ": " + versions, VDP_E_ABI_MISMATCH);
  if (rc != VDP_OK)
    throw HostError("plugin " + path + ": " VDP_PLUGIN_ENTRY_SYMBOL " failed with " + vdp_status_name(rc) + " (" +
                        std::to_string(rc) + ")",
                    VDP_E_INVALID_ARGUMENT);
  if (!desc)
    throw HostError("plugin " + path + ": " VDP_PLUGIN_ENTRY_SYMBOL " returned no descriptor", VDP_E_INVALID_ARGUMENT);
  constexpr size_t core = offsetof(vdp_plugin, free_string) + sizeof(vdp_free_string_fn);
  if (desc->struct_size < core)
    throw HostError("plugin " + path + ": descriptor too small (" + std::to_string(desc->struct_size) + " bytes)",
                    VDP_E_INVALID_ARGUMENT);
  if (VDP_VERSION_MAJOR(desc->abi_version) != VDP_VERSION_MAJOR(VDP_ABI_VERSION))
    throw HostError("ABI mismatch loading " + path + ": plugin " + version_string(desc->abi_version) + ", host " +
                        version_string(VDP_ABI_VERSION),
                    VDP_E_ABI_MISMATCH);
  if (!desc->create || !desc->destroy || !desc->free_string)
    throw HostError("plugin " + path + ": descriptor lacks create, destroy or free_string", VDP_E_INVALID_ARGUMENT);
  impl->plugin_abi = plugin_abi;
  impl->desc = desc;
  return std::shared_ptr<Plugin>(new Plugin(std::move(impl)));
}

Plugin::Plugin(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Plugin::~Plugin() = default;

const vdp_plugin& Plugin::descriptor() const { return *impl_->desc; }
uint32_t Plugin::plugin_abi() const { return impl_->plugin_abi; }
const std::string& Plugin::path() const { return impl_->path; }
std::string Plugin::name() const { return impl_->desc->name ? impl_->desc->name : ""; }
std::string Plugin::vendor() const { return impl_->desc->vendor ? impl_->desc->vendor : ""; }
std::string Plugin::driver_version() const { return impl_->desc->driver_version ? impl_->desc->driver_version : ""; }

const std::vector<std::string>& Plugin::known_operations() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& s : detail::op_slots()) v.emplace_back(s.name);
    return v;
  }();
  return names;
}

std::vector<std::string> Plugin::operations() const {
  std::vector<std::string> out;
  for (const auto& s : detail::op_slots())
    if (detail::slot_fn(*impl_->desc, s)) out.emplace_back(s.name);
  return out;
}

vdp_op_fn Plugin::op(const std::string& name) const {
  const auto* slot = detail::find_slot(name);
  return slot ? detail::slot_fn(*impl_->desc, *slot) : nullptr;
}

}  // namespace vdp::host
