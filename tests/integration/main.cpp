// Test main: stops the shared simulator and drops the plugin handle before exit, so that Valgrind sees
// every thread joined and every object released.
#include <gtest/gtest.h>

#include "support.h"

namespace {
class SharedResources : public ::testing::Environment {
 public:
  void TearDown() override {
    it::stop_shared_sim();
    it::release_plugin();
  }
};
}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new SharedResources);  // gtest owns it
  return RUN_ALL_TESTS();
}
