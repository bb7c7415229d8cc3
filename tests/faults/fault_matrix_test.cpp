// The fault matrix, one test per scenario (so ctest -j2 runs two at a time): the fault-free baseline,
// then every (write method, fault) cell on a reset cluster; a cell passes when the host saw an allowed
// status and the cluster ends as the fault-free run left it. Prints the scenario's rows of the table.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <mutex>

#include "matrix.h"

namespace faults {
namespace {

std::mutex g_mu;
std::vector<Cell> g_cells;  // every cell this process ran, for the whole table at exit

class FaultMatrix : public ::testing::TestWithParam<size_t> {};

TEST(FaultMatrixSetup, WriteMethodsAreReadFromTheDriversVocabulary) {
  const auto& writes = write_methods();
  EXPECT_NE(std::find(writes.begin(), writes.end(), "CreateVolume"), writes.end());
  EXPECT_NE(std::find(writes.begin(), writes.end(), "RemoveVolumesFromVolumeAccessGroup"), writes.end());
  EXPECT_EQ(std::find(writes.begin(), writes.end(), "ListVolumes"), writes.end()) << "a read is not faulted";
}

TEST_P(FaultMatrix, EveryLostOrRefusedWriteEndsAsTheFaultFreeRun) {
  const Scenario& s = scenarios()[GetParam()];
  const auto t0 = std::chrono::steady_clock::now();
  it::Sim sim;
  Baseline base;
  try {
    base = run_baseline(sim, s);
  } catch (const SetupError& e) {
    FAIL() << s.name << ": " << e.what();
  }
  std::vector<Cell> cells;
  for (const auto& method : base.writes) {
    for (const auto& fault : fault_kinds()) cells.push_back(run_cell(sim, s, method, fault, base));
  }
  if (cells.empty()) {
    Cell none;
    none.scenario = s.name;
    none.method = "(no write method)";
    none.pass = true;
    cells.push_back(none);
  }
  const auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "\n" << s.name << ": fault-free writes: " << (base.counts.empty() ? "none" : base.counts) << " ("
            << cells.size() << " cells, " << std::fixed << std::setprecision(1) << secs << " s)\n";
  print_table(std::cout, cells);
  for (const auto& c : cells) {
    EXPECT_TRUE(c.pass) << c.scenario << " x " << c.method << " x " << c.fault << ": " << c.statuses << "\n" << c.why;
  }
  std::lock_guard<std::mutex> lock(g_mu);
  g_cells.insert(g_cells.end(), cells.begin(), cells.end());
}

std::string test_name(const ::testing::TestParamInfo<size_t>& info) {
  std::string name = scenarios()[info.param].name;
  for (char& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  }
  while (!name.empty() && name.back() == '_') name.pop_back();
  return name;
}

INSTANTIATE_TEST_SUITE_P(Ops, FaultMatrix, ::testing::Range<size_t>(0, scenarios().size()), test_name);

}  // namespace

// The whole table, when one process ran more than one scenario (a direct run of the binary).
void print_whole_table() {
  std::lock_guard<std::mutex> lock(g_mu);
  size_t scenarios_run = 0;
  for (size_t i = 0; i < g_cells.size(); ++i) {
    scenarios_run += (i == 0 || g_cells[i].scenario != g_cells[i - 1].scenario) ? 1 : 0;
  }
  if (scenarios_run < 2) return;
  std::cout << "\n==== fault matrix: operation x write method x fault ====\n";
  print_table(std::cout, g_cells);
}

}  // namespace faults
