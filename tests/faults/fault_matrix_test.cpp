// The fault matrix, one test per scenario (so ctest -j2 runs two at a time): the fault-free baseline,
// then every (write method, fault) cell on a reset cluster; a cell passes when the host saw an allowed
// status and the cluster ends as the fault-free run left it. Prints the scenario's rows of the table.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <mutex>

#include "matrix.h"

namespace faults {
namespace {

std::mutex g_mu;
std::vector<Cell> g_cells;  // every cell this process ran, for the whole table at exit

class FaultMatrix : public ::testing::TestWithParam<size_t> {};

TEST(FaultMatrixSetup, WriteMethodsAndTheRetryableErrorComeFromTheDriversVocabulary) {
  const auto& writes = write_methods();
  EXPECT_NE(std::find(writes.begin(), writes.end(), "CreateVolume"), writes.end());
  EXPECT_NE(std::find(writes.begin(), writes.end(), "RemoveVolumesFromVolumeAccessGroup"), writes.end());
  EXPECT_EQ(std::find(writes.begin(), writes.end(), "ListVolumes"), writes.end()) << "a read is not faulted";
  // The "retryable" column's error must be one element::err::kRetryable lists.
  std::ifstream in(VDP_ELEMENT_API_H);
  std::string text;
  for (std::string line; std::getline(in, line);) text += line + "\n";
  const std::string action = fault_kinds().front().action;
  ASSERT_EQ(action.rfind("error=", 0), 0u) << action;
  const size_t table = text.find("kRetryable = {");
  ASSERT_NE(table, std::string::npos);
  EXPECT_NE(text.substr(table, text.find("};", table) - table).find("\"" + action.substr(6) + "\""), std::string::npos)
      << action << " is not in element::err::kRetryable";
}

// The dump's own guarantees: the same state reached with other ids, times and names compares equal; an
// extra object shows in the diff under its section.
std::string some_state(it::Sim& sim, Tokens& tokens, bool shift_ids) {
  sim.server().reset_state();
  const std::string project = it::unique_name("dump");
  tokens.add(project, "proj");
  const int64_t account = sim.add_account(project);
  const std::string acct = std::to_string(account);
  if (shift_ids) {
    const int64_t tmp =
        sim.rpc("CreateVolume", R"({"name":"tmp","accountID":)" + acct + R"(,"totalSize":1073741824})")["volumeID"]
            .i64();
    sim.rpc("DeleteVolume", R"({"volumeID":)" + std::to_string(tmp) + "}");
    sim.rpc("PurgeDeletedVolume", R"({"volumeID":)" + std::to_string(tmp) + "}");
  }
  const std::string id = it::new_uuid();
  tokens.add(id, "vol");
  const int64_t vol = sim.rpc("CreateVolume", R"({"name":"UUID-)" + id + R"(","accountID":)" + acct +
                                                  R"(,"totalSize":1073741824,"attributes":{"uuid":")" + id +
                                                  R"(","created_at":"2026-01-02T03:04:05Z"}})")["volumeID"]
                          .i64();
  sim.rpc("CreateSnapshot", R"({"volumeID":)" + std::to_string(vol) + R"(,"name":"UUID-)" + id + R"("})");
  sim.rpc("CreateVolumeAccessGroup", R"({"name":"vag-)" + project + R"(","volumes":[)" + std::to_string(vol) + "]}");
  return cluster_dump(sim, tokens);
}

TEST(ClusterDump, TheSameStateComparesEqualAndAnExtraObjectShows) {
  it::Sim sim;
  Tokens t1, t2;
  const std::string first = some_state(sim, t1, false);
  const std::string second = some_state(sim, t2, true);
  EXPECT_EQ(first, second) << dump_diff(first, second);
  EXPECT_EQ(second.find("UUID-"), second.find("UUID-<vol>")) << "names become placeholders:\n" << second;
  EXPECT_NE(second.find("volumeAccessGroups=[vag:vag-<proj>]"), std::string::npos) << "ids become names:\n" << second;
  sim.rpc("CreateVolumeAccessGroup", R"({"name":"stray"})");
  const std::string diff = dump_diff(second, cluster_dump(sim, t2));
  EXPECT_NE(diff.find("+ [volume access groups] {"), std::string::npos) << diff;
  EXPECT_NE(diff.find("stray"), std::string::npos) << diff;
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
  std::cout << "\n"
            << s.name << ": fault-free writes: " << (base.counts.empty() ? "none" : base.counts) << " (" << cells.size()
            << " cells, " << std::fixed << std::setprecision(1) << secs << " s)\n";
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
