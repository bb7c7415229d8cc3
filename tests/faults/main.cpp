// Test main: prints the whole matrix when several scenarios ran in this process, then releases the
// plugin before exit.
#include <gtest/gtest.h>

#include "support.h"

namespace faults {
void print_whole_table();
}

namespace {
class WholeTable : public ::testing::Environment {
 public:
  void TearDown() override {
    faults::print_whole_table();
    it::release_plugin();
  }
};
}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new WholeTable);  // gtest owns it
  return RUN_ALL_TESTS();
}
