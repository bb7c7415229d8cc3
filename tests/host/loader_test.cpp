#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "test_util.h"
#include "vdp_host/host.h"

using namespace vdp::host;
using vdp_host_test::fake_plugin;

namespace {

std::string load_error(const std::string& what) {
  try {
    Plugin::load(what);
  } catch (const HostError& e) {
    return e.what();
  }
  return "(loaded)";
}

}  // namespace

TEST(Loader, LoadsFakePlugin) {
  const auto p = Plugin::load(fake_plugin());
  EXPECT_EQ(p->path(), fake_plugin());
  EXPECT_EQ(p->plugin_abi(), VDP_ABI_VERSION);
  EXPECT_EQ(p->name(), "fake");
  EXPECT_EQ(p->vendor(), "vdp tests");
  EXPECT_EQ(p->driver_version(), "0.0.1");
  EXPECT_EQ(p->descriptor().struct_size, sizeof(vdp_plugin));
  EXPECT_EQ(p->operations(), (std::vector<std::string>{"setup", "create_volume", "delete_volume", "describe"}));
  EXPECT_NE(p->op("create_volume"), nullptr);
  EXPECT_NE(p->op("setup"), nullptr);
  EXPECT_EQ(p->op("extend_volume"), nullptr);  // NULL slot
  EXPECT_EQ(p->op("create"), nullptr);         // not an operation slot
  EXPECT_EQ(p->op("no_such_op"), nullptr);
  EXPECT_EQ(p->op(""), nullptr);
}

TEST(Loader, KnownOperationsFollowDescriptorOrder) {
  const auto& ops = Plugin::known_operations();
  ASSERT_EQ(ops.size(), 43u);
  EXPECT_EQ(ops.front(), "setup");
  EXPECT_EQ(ops[1], "create_volume");
  EXPECT_EQ(ops.back(), "describe");
}

TEST(Loader, ShortDescriptorHidesSlotsBeyondStructSize) {
  const auto p = Plugin::load(fake_plugin("vdp_fake_short"));
  EXPECT_NE(p->op("create_volume"), nullptr);
  EXPECT_EQ(p->op("delete_volume"), nullptr);  // filled in the plugin, but past struct_size
  EXPECT_EQ(p->op("describe"), nullptr);
  EXPECT_EQ(p->operations(), (std::vector<std::string>{"setup", "create_volume"}));
}

TEST(Loader, MissingFile) {
  const std::string path = std::string(VDP_FAKE_PLUGIN_DIR) + "/does_not_exist.so";
  const std::string err = load_error(path);
  EXPECT_NE(err.find(path), std::string::npos) << err;
  EXPECT_NE(err.find("no such file"), std::string::npos) << err;
}

TEST(Loader, NotASharedObject) {
  const std::string err = load_error(std::string(VDP_FAKE_PLUGIN_DIR) + "/../CMakeFiles");
  EXPECT_NE(err.find("cannot load plugin"), std::string::npos) << err;
}

TEST(Loader, MissingEntrySymbol) {
  const std::string err = load_error(fake_plugin("vdp_nosym"));
  EXPECT_NE(err.find("does not export vdp_plugin_entry"), std::string::npos) << err;
}

TEST(Loader, AbiMajorMismatchNamesBothVersions) {
  const std::string err = load_error(fake_plugin("vdp_fake_abi2"));
  EXPECT_NE(err.find("ABI mismatch"), std::string::npos) << err;
  EXPECT_NE(err.find("plugin 2.0, host 1.0"), std::string::npos) << err;
}

TEST(Loader, NameSearchUsesVdpPluginPath) {
  const char* old = std::getenv("VDP_PLUGIN_PATH");
  const std::string saved = old ? old : "";
  ::setenv("VDP_PLUGIN_PATH", (std::string("/nonexistent:") + VDP_FAKE_PLUGIN_DIR).c_str(), 1);
  const auto dirs = Plugin::search_dirs();
  ASSERT_GE(dirs.size(), 3u);
  EXPECT_EQ(dirs[0], "/nonexistent");
  EXPECT_EQ(dirs[1], VDP_FAKE_PLUGIN_DIR);
  EXPECT_EQ(Plugin::resolve("fake"), fake_plugin());
  EXPECT_EQ(Plugin::resolve("vdp_fake_short.so"), fake_plugin("vdp_fake_short"));
  EXPECT_EQ(Plugin::load("fake")->name(), "fake");
  const std::string err = load_error("surely_absent");
  EXPECT_NE(err.find("vdp_surely_absent.so"), std::string::npos) << err;
  EXPECT_NE(err.find(VDP_FAKE_PLUGIN_DIR), std::string::npos) << err;
  if (old) ::setenv("VDP_PLUGIN_PATH", saved.c_str(), 1);
  else ::unsetenv("VDP_PLUGIN_PATH");
}

TEST(Loader, LoadTwiceSharesTheDescriptor) {
  const auto a = Plugin::load(fake_plugin());
  const auto b = Plugin::load(fake_plugin());
  EXPECT_EQ(&a->descriptor(), &b->descriptor());
}

#ifdef VDP_TEST_BUILD_PLUGIN_DIR
// The build tree's plugin directory is searched for an executable inside the build tree only.
TEST(Loader, BuildTreeSearchedOnlyFromTheBuildTree) {
  auto searched = [](const std::vector<std::string>& dirs, const std::string& dir) {
    return std::find(dirs.begin(), dirs.end(), dir) != dirs.end();
  };
  const auto in_tree = Plugin::search_dirs_for(VDP_HOST_EXE, nullptr);
  EXPECT_TRUE(searched(in_tree, VDP_TEST_BUILD_PLUGIN_DIR));
  EXPECT_TRUE(searched(Plugin::search_dirs(), VDP_TEST_BUILD_PLUGIN_DIR));  // this test runs from the tree

  // Installed under any prefix, the host looks in that prefix's plugin directory (found from its own).
  const auto installed =
      Plugin::search_dirs_for("/opt/vdp/" VDP_TEST_INSTALL_BINDIR "/vdp-host", "/etc/vdp/plugins");
  EXPECT_FALSE(searched(installed, VDP_TEST_BUILD_PLUGIN_DIR));
  ASSERT_EQ(installed.size(), 2u);
  EXPECT_EQ(installed[0], "/etc/vdp/plugins");
  EXPECT_EQ(installed[1], "/opt/vdp/" VDP_TEST_INSTALL_PLUGINDIR);

  // A sibling whose name merely starts like the build tree is outside it.
  const auto sibling = Plugin::search_dirs_for(std::string(VDP_TEST_BUILD_TREE) + "-installed/bin/vdp-host", nullptr);
  EXPECT_FALSE(searched(sibling, VDP_TEST_BUILD_PLUGIN_DIR));
  EXPECT_FALSE(searched(Plugin::search_dirs_for("", nullptr), VDP_TEST_BUILD_PLUGIN_DIR));  // unknown executable
}
#endif
