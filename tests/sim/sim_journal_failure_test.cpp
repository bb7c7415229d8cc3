// The journal when a write to it fails: a failed append (fdatasync error, disk full) must not let a
// later request be acknowledged on top of the change the file lacks, and a rotation whose directory
// fsync failed must make its rename durable before the next record is acknowledged.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "durable_file.h"
#include "sim_test_util.h"

using namespace simtest;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  TempDir() {
    static std::atomic<int> n{0};
    dir = fs::temp_directory_path() /
          ("element-sim-journal-failure-" + std::to_string(getpid()) + "-" + std::to_string(n.fetch_add(1)));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string file() const { return (dir / "state").string(); }
  fs::path dir;
};

struct HookGuard {
  explicit HookGuard(element_sim::durable::StepHook h) { element_sim::durable::set_step_hook(std::move(h)); }
  ~HookGuard() { element_sim::durable::set_step_hook({}); }
};

element_sim::Options with_state(const std::string& path, uint64_t compact_records) {
  element_sim::Options o = plain_options();
  o.state_file = path;
  o.state_compact_records = compact_records;
  o.manual_clock = true;
  o.manual_clock_start_ms = 1700000000000;
  o.log_level = "off";  // the failures below are logged on purpose
  return o;
}

TEST(JournalFailure, FailedAppendRefusesLaterChangesSoRestartKeepsEveryAcknowledgedId) {
  TempDir d;
  std::map<std::string, int64_t> acked;  // username -> id, as acknowledged
  {
    element_sim::Server s(with_state(d.file(), 0));
    acked["a1"] = add_account(s, "a1");
    {
      // The record is written but its fdatasync fails: the account exists in memory only.
      HookGuard g([](std::string_view step) {
        if (step == "journal.written") throw std::runtime_error("injected fdatasync failure");
      });
      Json j = call(s, "AddAccount", R"({"username":"a2"})");
      EXPECT_EQ(error_name(j), "xUnknownException") << print(j.get());
    }
    // The disk is fine again, but the memory still holds a2: a3 would get an id that replay gives
    // to another account, so it is refused rather than acknowledged.
    Json j = call(s, "AddAccount", R"({"username":"a3"})");
    if (result(j)) acked["a3"] = num(result(j), "accountID");
    EXPECT_EQ(error_name(j), "xUnknownException") << print(j.get());
    EXPECT_NE(error_message(j).find("refused until a restart"), std::string::npos) << error_message(j);
    EXPECT_TRUE(result(call(s, "ListAccounts")));  // reads go on
  }
  element_sim::Server r(with_state(d.file(), 0));
  for (const auto& [name, id] : acked) {
    Json j = call(r, "GetAccountByName", R"({"username":")" + name + R"("})");
    ASSERT_TRUE(result(j)) << "acknowledged account lost: " << name;
    EXPECT_EQ(num(get(result(j), "account"), "accountID"), id) << name;
  }
  EXPECT_EQ(cJSON_GetArraySize(get(result(call(r, "ListAccounts")), "accounts")), static_cast<int>(acked.size()))
      << "the failed append was replayed";
  EXPECT_GT(add_account(r, "a4"), 0);  // the restart takes changes again
}

TEST(JournalFailure, RotationWhoseDirectoryFsyncFailedIsSyncedBeforeTheNextAcknowledgement) {
  TempDir d;
  std::vector<std::string> steps;
  {
    element_sim::Server s(with_state(d.file(), 3));
    bool failed = false;
    HookGuard g([&](std::string_view step) {
      if (!failed && step == "journal.renamed") {  // the new journal is in place, its name not yet durable
        failed = true;
        throw std::runtime_error("injected directory fsync failure");
      }
      steps.emplace_back(step);
    });
    for (const char* n : {"a1", "a2", "a3"}) add_account(s, n);  // the 3rd compacts, and fails at the fsync
    ASSERT_TRUE(failed);
    steps.clear();
    add_account(s, "a4");
    // The directory fsync comes before the record's own write (and so before its reply).
    EXPECT_EQ(steps, (std::vector<std::string>{"journal.dir-synced", "journal.written"}));
    steps.clear();
    add_account(s, "a5");
    EXPECT_EQ(steps, std::vector<std::string>{"journal.written"});  // once is enough
  }
  element_sim::Server r(with_state(d.file(), 0));
  EXPECT_EQ(cJSON_GetArraySize(get(result(call(r, "ListAccounts")), "accounts")), 5);
}

}  // namespace
