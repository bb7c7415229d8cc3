// vdp-host bench: the table and --json against the embedded simulator (exact RPCs per operation, nothing
// left on the simulator), a configured backend served by a simulator this test runs (so the test sees
// what reached the cluster), failed deletes, Ctrl-C, the progress bar, bad options. Timings are only
// checked for sanity: the machine is shared.
#include <cjson/cJSON.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "bench_stats.h"
#include "element_sim/server.h"
#include "test_util.h"

namespace {

using Json = std::unique_ptr<cJSON, decltype(&cJSON_Delete)>;
using vdp_host_test::slurp;
using vdp_host_test::TempDir;

struct Proc {
  int status = -1;
  std::string out, err;
  double seconds = 0;
};

// Runs vdp-host with `args`, stdout and stderr to files; when `interrupt_when` is given, sends SIGINT
// once it returns true (polled every 50 ms).
Proc run(const std::vector<std::string>& args, const std::function<bool()>& interrupt_when = {}) {
  const TempDir dir;
  const std::string out_path = dir.path() + "/stdout", err_path = dir.path() + "/stderr";
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!std::freopen("/dev/null", "r", stdin) || !std::freopen(out_path.c_str(), "w", stdout) ||
        !std::freopen(err_path.c_str(), "w", stderr))
      ::_exit(126);
    std::vector<std::string> copy = args;
    std::vector<char*> argv{const_cast<char*>(VDP_HOST_EXE)};
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(VDP_HOST_EXE, argv.data());
    ::_exit(127);
  }
  if (interrupt_when) {
    for (int i = 0; i < 1200 && !interrupt_when(); ++i) ::usleep(50 * 1000);
    ::kill(pid, SIGINT);
  }
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  Proc r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// The table row of `mix`, cells trimmed: {"create-delete", "2", "20", ...}.
std::vector<std::string> row(const std::string& out, const std::string& mix) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex("\\n\\| " + mix + " +\\|([^\\n]*)"))) return {};
  std::vector<std::string> cells{mix};
  std::string rest = m[1];
  size_t start = 0;
  for (size_t bar; (bar = rest.find('|', start)) != std::string::npos; start = bar + 1) {
    std::string cell = rest.substr(start, bar - start);
    cell.erase(0, cell.find_first_not_of(' '));
    cell.erase(cell.find_last_not_of(' ') + 1);
    cells.push_back(cell);
  }
  return cells;
}

const cJSON* at(const cJSON* j, const char* key) { return cJSON_GetObjectItemCaseSensitive(j, key); }
double num(const cJSON* j, const char* key) {
  const cJSON* v = at(j, key);
  return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

// The --json output: exactly one line holding one object.
Json parse_report(const Proc& r) {
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  return Json(cJSON_Parse(r.out.c_str()), &cJSON_Delete);
}

// Element RPCs per operation by method, as the report gives them.
std::map<std::string, double> by_method(const cJSON* result) {
  std::map<std::string, double> m;
  for (const cJSON* c = at(result, "rpcs_per_op_by_method") ? at(result, "rpcs_per_op_by_method")->child : nullptr; c;
       c = c->next)
    m[c->string] = c->valuedouble;
  return m;
}

void expect_sane_latency(const cJSON* result) {
  const cJSON* l = at(result, "latency_ms");
  EXPECT_EQ(num(l, "samples"), num(result, "ops"));
  EXPECT_GT(num(l, "p50"), 0);
  EXPECT_LE(num(l, "min"), num(l, "p50"));
  EXPECT_LE(num(l, "p50"), num(l, "p95"));
  EXPECT_LE(num(l, "p95"), num(l, "p99"));
  EXPECT_LE(num(l, "p99"), num(l, "max"));
  EXPECT_GT(num(result, "ops_per_s"), 0);
  EXPECT_GT(num(result, "seconds"), 0);
}

// A simulator run by the test, served to vdp-host as a configured backend (--config), so the test can
// look at what reached the cluster.
class ConfiguredBackend {
 public:
  explicit ConfiguredBackend(const std::vector<std::string>& faults = {}) {
    element_sim::Options o;
    o.log_level = "off";
    o.clone_delay_ms = 0;
    o.faults = faults;
    sim_ = std::make_unique<element_sim::Server>(o);
    sim_->start();
    const std::string cert = dir_.file("sim.pem", sim_->certificate_pem());
    config_ =
        dir_.file("bench.conf", "[sim]\nsan_ip = 127.0.0.1\nsf_api_port = " + std::to_string(sim_->port()) +
                                    "\nsan_login = admin\nsan_password = admin\ndriver_ssl_cert_path = " + cert + "\n");
  }
  element_sim::Server& sim() { return *sim_; }
  std::vector<std::string> args(std::vector<std::string> bench_args) const {
    bench_args.insert(bench_args.begin(), {"--config", config_, "--backend", "sim", "bench"});
    return bench_args;
  }
  // Volumes of any status (deleted but not purged included) and snapshots on the simulator.
  size_t volumes() { return items(R"({"method":"ListVolumes","params":{},"id":1})", "volumes"); }
  size_t snapshots() { return items(R"({"method":"ListSnapshots","params":{},"id":1})", "snapshots"); }

 private:
  size_t items(const char* request, const char* key) {
    const Json reply(cJSON_Parse(sim_->handle(request).c_str()), &cJSON_Delete);
    return static_cast<size_t>(cJSON_GetArraySize(at(at(reply.get(), "result"), key)));
  }
  TempDir dir_;
  std::unique_ptr<element_sim::Server> sim_;
  std::string config_;
};

}  // namespace

TEST(BenchStats, NearestRankPercentiles) {
  using vdp::host::cli::bench::percentile;
  std::vector<double> hundred;
  for (int i = 1; i <= 100; ++i) hundred.push_back(i);
  EXPECT_EQ(percentile(hundred, 50), 50);
  EXPECT_EQ(percentile(hundred, 95), 95);
  EXPECT_EQ(percentile(hundred, 99), 99);
  EXPECT_EQ(percentile(hundred, 100), 100);
  EXPECT_EQ(percentile({7}, 50), 7);
  EXPECT_EQ(percentile({7}, 99), 7);
  EXPECT_EQ(percentile({1, 2}, 50), 1);
  EXPECT_EQ(percentile({1, 2}, 95), 2);
  EXPECT_EQ(percentile({}, 50), 0);

  const auto s = vdp::host::cli::bench::summarize({5, 1, 4, 2, 3});  // sorted by summarize
  EXPECT_EQ(s.samples, 5u);
  EXPECT_EQ(s.p50_ms, 3);
  EXPECT_EQ(s.p95_ms, 5);
  EXPECT_EQ(s.min_ms, 1);
  EXPECT_EQ(s.max_ms, 5);
  EXPECT_EQ(s.mean_ms, 3);
}

// One create-delete pair costs 5 Element RPCs once the caller's tenant account is known to the driver:
// create_volume = ListVolumes (is a volume with this id there already?) + CreateVolume; delete_volume =
// ListVolumes (find it by provider_id) + DeleteVolume + PurgeDeletedVolume. The warm-up operation
// (one per caller by default) pays for the account, so the measured phase counts exactly 5.
TEST(CliBench, EmbeddedSimulatorTable) {
  const Proc r = run({"bench", "--callers", "2", "--count", "20"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "") << "stderr is not a terminal: no progress, and no error happened";
  EXPECT_TRUE(has(r.out, "vdp-host bench: plugin solidfire ")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("backend +embedded Element simulator https://127\\.0\\.0\\.1:")))
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("TLS +verify on, "))) << r.out;
  EXPECT_TRUE(std::regex_search(
      r.out,
      std::regex(
          "\\n\\| mix +\\| callers \\| ops \\| +ops/s \\| p50 ms \\| p95 ms \\| p99 ms \\| RPCs/op \\| errors \\|\\n")))
      << r.out;
  const std::vector<std::string> cells = row(r.out, "create-delete");
  ASSERT_EQ(cells.size(), 9u) << r.out;
  EXPECT_EQ(cells[1], "2");
  EXPECT_EQ(cells[2], "20");
  EXPECT_GT(std::atof(cells[3].c_str()), 0);
  EXPECT_LE(std::atof(cells[4].c_str()), std::atof(cells[5].c_str()));
  EXPECT_LE(std::atof(cells[5].c_str()), std::atof(cells[6].c_str()));
  EXPECT_EQ(cells[7], "5.00");
  EXPECT_EQ(cells[8], "0");
  EXPECT_TRUE(has(r.out, "\nsimulator after clean-up: 0 volumes, 0 snapshots\n")) << r.out;
}

TEST(CliBench, EmbeddedSimulatorJson) {
  const Proc r = run({"--json", "bench", "--callers", "2", "--count", "20"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  const Json report = parse_report(r);
  ASSERT_TRUE(report) << r.out;
  EXPECT_TRUE(has(cJSON_GetStringValue(at(at(report.get(), "plugin"), "path")), "vdp_solidfire.so"));
  EXPECT_EQ(std::string(cJSON_GetStringValue(at(at(report.get(), "backend"), "kind"))), "embedded-simulator");
  EXPECT_TRUE(cJSON_IsTrue(at(at(report.get(), "backend"), "tls_verify")));
  EXPECT_GE(num(at(report.get(), "environment"), "cores"), 1);
  ASSERT_EQ(cJSON_GetArraySize(at(report.get(), "results")), 1);
  const cJSON* res = cJSON_GetArrayItem(at(report.get(), "results"), 0);
  EXPECT_EQ(std::string(cJSON_GetStringValue(at(res, "mix"))), "create-delete");
  EXPECT_EQ(num(res, "callers"), 2);
  EXPECT_EQ(num(res, "ops"), 20);
  EXPECT_EQ(num(res, "errors"), 0);
  expect_sane_latency(res);
  EXPECT_EQ(num(res, "rpcs_per_op"), 5);
  const std::map<std::string, double> expected{
      {"ListVolumes", 2}, {"CreateVolume", 1}, {"DeleteVolume", 1}, {"PurgeDeletedVolume", 1}};
  EXPECT_EQ(by_method(res), expected);
  EXPECT_EQ(num(at(at(res, "calls_latency_ms"), "create_volume"), "samples"), 20);
  EXPECT_EQ(num(at(at(res, "calls_latency_ms"), "delete_volume"), "samples"), 20);
  EXPECT_EQ(num(at(report.get(), "simulator_after_cleanup"), "volumes"), 0);
  EXPECT_EQ(num(at(report.get(), "simulator_after_cleanup"), "snapshots"), 0);
  EXPECT_FALSE(cJSON_IsTrue(at(report.get(), "interrupted")));
  EXPECT_FALSE(has(r.out, "\"admin\"")) << "no credentials in the report";
}

// Without warm-up each caller's first create also makes its tenant account (GetAccountByName, then
// AddAccount): 2 callers x 2 RPCs over 4 operations = 1 more per operation. --count splits evenly, so
// every caller runs exactly 2 and this is exact.
TEST(CliBench, WarmupKeepsFirstUseCostsOutOfTheFigures) {
  const Proc r = run({"--json", "bench", "--callers", "2", "--count", "4", "--warmup", "0"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const Json report = parse_report(r);
  const cJSON* res = cJSON_GetArrayItem(at(report.get(), "results"), 0);
  EXPECT_EQ(num(res, "rpcs_per_op"), 6) << r.out;
  EXPECT_EQ(num(at(res, "rpcs_per_op_by_method"), "AddAccount"), 0.5) << r.out;
  EXPECT_EQ(num(at(res, "rpcs_per_op_by_method"), "GetAccountByName"), 0.5) << r.out;
}

// Every mix, in the order given (repeatable and comma lists, duplicates once), each cleaning up after
// itself. clone = create_cloned_volume (ListVolumes x3 to find the source and check the name, CloneVolume,
// GetAsyncResult, ModifyVolume for the source's cloned_count) + delete_volume (3); snapshot =
// create_snapshot 3 + delete_snapshot 2; attach-detach = 2 + 2.
TEST(CliBench, EveryMixLeavesNothingBehind) {
  const Proc r = run(
      {"--json", "bench", "--mix", "clone,snapshot", "--mix", "attach-detach,clone", "--callers", "2", "--count", "4"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const Json report = parse_report(r);
  const cJSON* results = at(report.get(), "results");
  ASSERT_EQ(cJSON_GetArraySize(results), 3) << r.out;
  const char* mixes[] = {"clone", "snapshot", "attach-detach"};
  const double rpcs[] = {9, 5, 4};
  for (int i = 0; i < 3; ++i) {
    const cJSON* res = cJSON_GetArrayItem(results, i);
    EXPECT_EQ(std::string(cJSON_GetStringValue(at(res, "mix"))), mixes[i]);
    EXPECT_EQ(num(res, "ops"), 4) << mixes[i];
    EXPECT_EQ(num(res, "errors"), 0) << mixes[i];
    EXPECT_EQ(num(res, "rpcs_per_op"), rpcs[i]) << mixes[i] << ": " << r.out;
    expect_sane_latency(res);
  }
  EXPECT_EQ(num(at(report.get(), "simulator_after_cleanup"), "volumes"), 0) << r.out;
  EXPECT_EQ(num(at(report.get(), "simulator_after_cleanup"), "snapshots"), 0) << r.out;
}

// A configured backend: RPCs per operation are n/a (the plugin has no counter), the cluster received
// exactly the operations asked for plus one warm-up per caller, and nothing is left on it.
TEST(CliBench, ConfiguredBackend) {
  ConfiguredBackend backend;
  Proc r = run(backend.args({"--callers", "2", "--count", "6"}));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(has(r.out, "backend sim of ")) << r.out;
  EXPECT_TRUE(has(r.out, "(san_ip 127.0.0.1)")) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("TLS +verify on, certificate verified against /tmp/"))) << r.out;
  const std::vector<std::string> cells = row(r.out, "create-delete");
  ASSERT_EQ(cells.size(), 9u) << r.out;
  EXPECT_EQ(cells[2], "6");
  EXPECT_EQ(cells[7], "n/a");
  EXPECT_TRUE(has(r.out, "RPCs/op: n/a: the plugin exposes no RPC counter")) << r.out;
  EXPECT_EQ(backend.sim().rpc_count("CreateVolume"), 6u + 2u);
  EXPECT_EQ(backend.sim().rpc_count("PurgeDeletedVolume"), 6u + 2u);
  EXPECT_EQ(backend.volumes(), 0u);

  r = run(backend.args({"--json", "--mix", "snapshot", "--count", "2"}));
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const Json report = parse_report(r);
  const cJSON* res = cJSON_GetArrayItem(at(report.get(), "results"), 0);
  EXPECT_TRUE(cJSON_IsNull(at(res, "rpcs_per_op"))) << r.out;
  EXPECT_EQ(std::string(cJSON_GetStringValue(at(at(report.get(), "backend"), "kind"))), "configured");
  EXPECT_EQ(at(report.get(), "simulator_after_cleanup"), nullptr);
  EXPECT_EQ(backend.volumes(), 0u);
  EXPECT_EQ(backend.snapshots(), 0u);
}

// A delete that fails once: the operation counts as an error (exit 1, the error printed), and the
// clean-up deletes the volume it left.
TEST(CliBench, FailedDeleteIsRetriedAtCleanUp) {
  ConfiguredBackend backend({"DeleteVolume:error=xBenchInjected:count=1"});
  const Proc r = run(backend.args({"--callers", "1", "--count", "3", "--warmup", "0", "--log-level", "off"}));
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  const std::vector<std::string> cells = row(r.out, "create-delete");
  ASSERT_EQ(cells.size(), 9u) << r.out;
  EXPECT_EQ(cells[2], "2");
  EXPECT_EQ(cells[8], "1");
  EXPECT_TRUE(has(r.err, "vdp-host: bench create-delete: 1 operation failed:\n  delete_volume: {")) << r.err;
  EXPECT_TRUE(has(r.err, "xBenchInjected")) << r.err;
  EXPECT_FALSE(has(r.err, "clean-up could not delete")) << r.err;
  EXPECT_EQ(backend.volumes(), 0u);
}

// A source volume that cannot be made: the mix is not measured (no latency to show), the failure is
// an error, and nothing is left.
TEST(CliBench, FailedPreparationSkipsTheMix) {
  ConfiguredBackend backend({"CreateVolume:error=xBenchInjected:count=1"});
  const Proc r = run(backend.args({"--mix", "snapshot", "--count", "3", "--log-level", "off"}));
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_EQ(row(r.out, "snapshot"), (std::vector<std::string>{"snapshot", "1", "0", "0.0", "-", "-", "-", "n/a", "1"}))
      << r.out;
  EXPECT_TRUE(has(r.err, "vdp-host: bench snapshot: 1 operation failed:\n  preparation: create_volume: {")) << r.err;
  EXPECT_EQ(backend.sim().rpc_count("CreateSnapshot"), 0u);
  EXPECT_EQ(backend.volumes(), 0u);
}

// A mix that needs an operation the plugin does not serve (per describe) is refused before anything runs.
TEST(CliBench, UnservedMixIsRefused) {
  const Proc r = run({"--plugin", std::string(VDP_FAKE_PLUGIN_DIR) + "/vdp_fake.so", "bench", "--mix", "clone"});
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "--mix clone needs create_cloned_volume, which plugin fake does not serve")) << r.err;
  EXPECT_EQ(r.out, "");
}

// Deletes that always fail: what the clean-up could not delete is listed (id, provider_id, project),
// as many as the cluster still holds, and the exit status is 1.
TEST(CliBench, WhatCannotBeDeletedIsListed) {
  ConfiguredBackend backend({"DeleteVolume:error=xBenchInjected"});
  const Proc r = run(backend.args({"--json", "--count", "2", "--log-level", "off"}));
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_EQ(r.err, "") << "--json: the failures are in the report";
  const Json report = parse_report(r);
  const cJSON* res = cJSON_GetArrayItem(at(report.get(), "results"), 0);
  EXPECT_EQ(num(res, "errors"), 3) << r.out;  // the warm-up and both measured operations
  EXPECT_EQ(cJSON_GetArraySize(at(res, "first_errors")), 3) << r.out;
  const cJSON* left = at(res, "left_behind");
  ASSERT_EQ(static_cast<size_t>(cJSON_GetArraySize(left)), backend.volumes()) << r.out;
  EXPECT_EQ(backend.volumes(), 3u);
  for (const cJSON* l = left->child; l; l = l->next)
    EXPECT_TRUE(
        std::regex_search(l->valuestring, std::regex("^volume [0-9a-f-]{36} \\(provider_id \\d+ \\d+ [0-9a-f-]+\\) "
                                                     "in project vdp-bench-c1: \\{")))
        << l->valuestring;

  const Proc h = run(backend.args({"--count", "1", "--log-level", "off"}));
  EXPECT_EQ(h.status, 1);
  EXPECT_TRUE(has(h.err, "clean-up could not delete 2 resources; remove them by hand:\n  volume ")) << h.err;
}

// Ctrl-C: the callers stop, the calls under way are cancelled, the clean-up still deletes everything,
// and the figures of what ran are printed; exit status 130.
TEST(CliBench, InterruptCleansUp) {
  ConfiguredBackend backend;
  // Interrupted once the measured phase runs: more clones than the two warm-up ones have started.
  const Proc r = run(backend.args({"--mix", "clone", "--callers", "2", "--duration", "120", "--log-level", "off"}),
                     [&] { return backend.sim().rpc_count("CloneVolume") > 10; });
  EXPECT_EQ(r.status, 130) << r.out << r.err;
  EXPECT_LT(r.seconds, 60) << "Ctrl-C must end a 120 s run early";
  EXPECT_TRUE(has(r.err, "vdp-host: bench clone: interrupted; deleting what the callers made")) << r.err;
  EXPECT_TRUE(has(r.out, "(interrupted: figures cover what finished before Ctrl-C)")) << r.out;
  EXPECT_EQ(backend.volumes(), 0u);
}

// The progress bar is drawn on stderr only when stderr is a terminal (the other tests check that
// stderr stays empty when it is a file).
TEST(CliBench, ProgressBarOnATerminal) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  ASSERT_GE(master, 0);
  ASSERT_EQ(::grantpt(master), 0);
  ASSERT_EQ(::unlockpt(master), 0);
  const std::string slave = ::ptsname(master);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(slave.c_str(), O_RDWR | O_NOCTTY);
    if (fd < 0 || !std::freopen("/dev/null", "w", stdout)) ::_exit(126);
    ::dup2(fd, STDERR_FILENO);
    ::execl(VDP_HOST_EXE, VDP_HOST_EXE, "bench", "--duration", "1", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::string tty;
  char buf[4096];
  for (int waited = 0; waited < 30000;) {
    pollfd p{master, POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) {
      waited += 200;
      if (::waitpid(pid, nullptr, WNOHANG) == pid) break;
      continue;
    }
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;
    tty.append(buf, static_cast<size_t>(n));
  }
  ::waitpid(pid, nullptr, 0);
  ::close(master);
  EXPECT_TRUE(std::regex_search(tty, std::regex("\\r  \\[#*\\.*\\] +\\d+% create-delete: \\d+ ops, \\d+ ops/s")))
      << tty;
}

TEST(CliBench, BadOptionsNameTheOption) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"bench", "--callers", "0"}, "invalid --callers '0' (an integer from 1 to 256)"},
      {{"bench", "--callers", "300"}, "invalid --callers '300'"},
      {{"bench", "--count", "ten"}, "invalid --count 'ten'"},
      {{"bench", "--count", "-5"}, "invalid --count '-5'"},
      {{"bench", "--duration", "0"}, "invalid --duration '0'"},
      {{"bench", "--warmup", "x"}, "invalid --warmup 'x'"},
      {{"bench", "--callers"}, "option --callers needs a value"},
      {{"bench", "--mix", "frobnicate"},
       "invalid --mix 'frobnicate' (one of create-delete, clone, snapshot, attach-detach)"},
      {{"bench", "--mix", "clone,,snapshot"}, "invalid --mix 'clone,,snapshot'"},
      {{"bench", "--count", "5", "--duration", "2"}, "--count and --duration exclude each other"},
      {{"bench", "--callers", "4", "--count", "3"}, "--count 3 is less than --callers 4"},
      {{"bench", "extra"}, "bench takes no arguments"},
      {{"bench", "--backend", "sf1"}, "--backend needs --config"},
      {{"info", "--callers", "2"}, "--callers applies to bench only"},
      {{"call", "setup", "--mix", "clone"}, "--mix applies to bench only"},
  };
  for (const auto& [args, message] : cases) {
    const Proc r = run(args);
    EXPECT_EQ(r.status, 2) << args.back() << ": " << r.err;
    EXPECT_TRUE(has(r.err, message)) << "expected '" << message << "' in: " << r.err;
    EXPECT_EQ(r.out, "");
  }
  const Proc r = run({"--json", "bench", "--warmup", "-1"});
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(has(r.err, R"({"status":"INVALID_ARGUMENT","code":1,"message":"invalid --warmup '-1')")) << r.err;
}

TEST(CliBench, Help) {
  const Proc r = run({"bench", "--help"});
  EXPECT_EQ(r.status, 0);
  for (const char* text : {"--callers N", "--count N", "--duration SECONDS", "--warmup N", "create-delete", "clone",
                           "snapshot", "attach-detach", "RPCs/op", "Ctrl-C"})
    EXPECT_TRUE(has(r.out, text)) << text;
  EXPECT_TRUE(has(run({"help"}).out, "\n  bench ")) << "listed in the general help";
}
