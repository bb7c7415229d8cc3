// The vdp-host command line against the fake plugin: exit statuses, output streams, request sources.
#include <cjson/cJSON.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include <vdp/vdp.h>

#include "test_util.h"

using vdp_host_test::fake_plugin;
using vdp_host_test::slurp;
using vdp_host_test::TempDir;

namespace {

using Json = std::unique_ptr<cJSON, decltype(&cJSON_Delete)>;

struct Proc {
  int status = -1;
  std::string out, err;
};

// Runs the vdp-host at `exe` with `args` (no shell), stdin from `input`; optionally sends SIGINT after
// `interrupt_ms`.
Proc run_exe(const std::string& exe, const std::vector<std::string>& args, const std::string& input = "",
             int interrupt_ms = -1) {
  const TempDir dir;
  const std::string in_path = dir.file("stdin", input);
  const std::string out_path = dir.path() + "/stdout";
  const std::string err_path = dir.path() + "/stderr";
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!std::freopen(in_path.c_str(), "r", stdin) || !std::freopen(out_path.c_str(), "w", stdout) ||
        !std::freopen(err_path.c_str(), "w", stderr))
      ::_exit(126);
    std::vector<char*> argv;
    std::string argv0 = exe;
    argv.push_back(argv0.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  if (interrupt_ms >= 0) {
    ::usleep(static_cast<useconds_t>(interrupt_ms) * 1000);
    ::kill(pid, SIGINT);
  }
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  Proc r;
  r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  return r;
}

Proc run(const std::vector<std::string>& args, const std::string& input = "", int interrupt_ms = -1) {
  return run_exe(VDP_HOST_EXE, args, input, interrupt_ms);
}

std::vector<std::string> with_fake(std::vector<std::string> args, const std::string& variant = "vdp_fake") {
  args.insert(args.begin(), {"--plugin", fake_plugin(variant)});
  return args;
}

bool has(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

size_t lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST(Cli, CallCreateVolumePrettyAndCompact) {
  Proc r = run(with_fake({"call", "create_volume", R"({"volume": {"id": "v1", "size": 1}})"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.out, "\n  \"provider_id\": \"fake-1\"")) << r.out;
  EXPECT_EQ(r.err, "");

  r = run(with_fake({"--json", "call", "create_volume", R"({"volume": {"id": "v1"}})"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(lines(r.out), 1u) << r.out;
  EXPECT_TRUE(has(r.out, R"("provider_id":"fake-1")")) << r.out;
}

TEST(Cli, OperationFailureGoesToStderrWithStatus1) {
  Proc r = run(with_fake({"--json", "call", "create_volume", R"({"fail": true})"}));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(has(r.err, R"("status":"NOT_FOUND")")) << r.err;

  r = run(with_fake({"call", "extend_volume", "{}"}));
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(has(r.err, "NOT_SUPPORTED")) << r.err;

  r = run(with_fake({"call", "create_volume", R"({"null_out": true})"}));
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(has(r.err, "BACKEND")) << r.err;
}

TEST(Cli, UsageErrorsExit2) {
  EXPECT_EQ(run({}).status, 2);
  EXPECT_EQ(run({"--bogus", "info"}).status, 2);
  EXPECT_EQ(run({"frobnicate"}).status, 2);
  EXPECT_EQ(run(with_fake({"call"})).status, 2);
  Proc r = run(with_fake({"call", "no_such_operation"}));
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(has(r.err, "unknown operation")) << r.err;
  EXPECT_EQ(run(with_fake({"call", "create_volume", "{}", "extra"})).status, 2);
  EXPECT_EQ(run(with_fake({"--timeout", "-1", "call", "describe"})).status, 2);
  EXPECT_EQ(run(with_fake({"--log-level", "loud", "info"})).status, 2);
  EXPECT_EQ(run(with_fake({"--backend", "x", "call", "describe"})).status, 2);  // --backend needs --config
  EXPECT_EQ(run(with_fake({"call", "create_volume", "@/nonexistent/request.json"})).status, 2);
  EXPECT_EQ(run(with_fake({"--keep-going", "info"})).status, 2);
}

TEST(Cli, Help) {
  Proc r = run({"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(has(r.out, "usage: vdp-host")) << r.out;
  for (const char* cmd : {"info", "call", "run", "demo"}) {
    r = run({cmd, "--help"});
    EXPECT_EQ(r.status, 0) << cmd;
    EXPECT_TRUE(has(r.out, std::string(cmd))) << r.out;
    r = run({"help", cmd});
    EXPECT_EQ(r.status, 0) << cmd;
  }
  EXPECT_EQ(run({"--version"}).status, 0);
}

TEST(Cli, LoadErrorsExit3) {
  Proc r = run({"--plugin", "/nonexistent/vdp_x.so", "info"});
  EXPECT_EQ(r.status, 3);
  EXPECT_TRUE(has(r.err, "/nonexistent/vdp_x.so")) << r.err;
  r = run(with_fake({"info"}, "vdp_fake_abi2"));
  EXPECT_EQ(r.status, 3);
  EXPECT_TRUE(has(r.err, "plugin 2.0, host 1.0")) << r.err;
  r = run(with_fake({"info"}, "vdp_nosym"));
  EXPECT_EQ(r.status, 3);
  r = run({"--plugin", "definitely_not_installed", "info"});
  EXPECT_EQ(r.status, 3);
  EXPECT_TRUE(has(r.err, "vdp_definitely_not_installed.so")) << r.err;
}

TEST(Cli, Info) {
  Proc r = run(with_fake({"info"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.out, "fake")) << r.out;
  EXPECT_TRUE(has(r.out, "plugin 1.0, host 1.0")) << r.out;
  EXPECT_TRUE(has(r.out, "create_volume")) << r.out;
  r = run(with_fake({"--json", "info"}));
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(has(r.out, R"("name":"fake")")) << r.out;
  EXPECT_TRUE(has(r.out, R"("operations":["setup","create_volume","delete_volume","describe"])")) << r.out;
}

TEST(Cli, ConfigFileAndCreateErrors) {
  const TempDir dir;
  const std::string conf = dir.file("cinder.conf",
                                    "[DEFAULT]\nenabled_backends = sf\n[sf]\nsan_ip = 192.0.2.7\n"
                                    "[broken]\nfail_create = true\n[down]\nsetup_fail = 1\n");
  Proc r = run(with_fake({"--json", "--config", conf, "call", "create_volume", "{}"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.out, R"("san_ip":"192.0.2.7")")) << r.out;

  r = run(with_fake({"--config", conf, "--backend", "broken", "call", "create_volume", "{}"}));
  EXPECT_EQ(r.status, 3);
  EXPECT_TRUE(has(r.err, "CONFIG")) << r.err;

  r = run(with_fake({"--config", conf, "--backend", "down", "call", "create_volume", "{}"}));
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(has(r.err, "UNAVAILABLE")) << r.err;

  r = run(with_fake({"--config", conf, "--backend", "missing", "info"}));  // info ignores the configuration
  EXPECT_EQ(r.status, 0);
  r = run(with_fake({"--config", conf, "--backend", "missing", "call", "describe"}));
  EXPECT_EQ(r.status, 3);
  EXPECT_TRUE(has(r.err, "no section [missing]")) << r.err;

  const std::string bad = dir.file("bad.conf", "[sf]\nnot an option line\n");
  r = run(with_fake({"--config", bad, "call", "describe"}));
  EXPECT_EQ(r.status, 3);
  EXPECT_TRUE(has(r.err, bad + ":2:")) << r.err;
}

// The plugin logs at --log-level (so it formats only what is shown) unless the backend sets vdp_log_level.
TEST(Cli, PluginLogLevelFollowsTheOptionUnlessConfigured) {
  Proc r = run(with_fake({"--json", "call", "create_volume", "{}"}));
  EXPECT_TRUE(has(r.out, R"("vdp_log_level":"warn")")) << r.out;
  r = run(with_fake({"--json", "--log-level", "debug", "call", "create_volume", "{}"}));
  EXPECT_TRUE(has(r.out, R"("vdp_log_level":"debug")")) << r.out;
  const TempDir dir;
  const std::string conf = dir.file("cinder.conf", "[sf]\nsan_ip = 192.0.2.7\nvdp_log_level = error\n");
  r = run(with_fake({"--json", "--log-level", "debug", "--config", conf, "call", "create_volume", "{}"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.out, R"("vdp_log_level":"error")")) << r.out;
}

TEST(Cli, RequestFromFileAndStdin) {
  const TempDir dir;
  const std::string req = dir.file("req.json", R"({"volume": {"id": "from-file"}})");
  Proc r = run(with_fake({"--json", "call", "create_volume", "@" + req}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.out, R"("req_len":31)")) << r.out;
  r = run(with_fake({"--json", "call", "create_volume", "-"}), R"({"a": 1})");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.out, R"("req_len":8)")) << r.out;
  r = run(with_fake({"--json", "call", "create_volume"}));  // default {}
  EXPECT_TRUE(has(r.out, R"("req_len":2)")) << r.out;
}

TEST(Cli, RunScript) {
  const TempDir dir;
  const std::string script = dir.file("ops.jsonl",
                                      "# a comment\n"
                                      R"({"op": "create_volume", "request": {"volume": {"id": "a"}}})" "\n"
                                      "\n"
                                      R"({"op": "delete_volume"})" "\n"
                                      R"({"op": "create_volume", "request": {"fail": true}})" "\n"
                                      R"({"op": "describe"})" "\n");
  Proc r = run(with_fake({"run", script}));
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_EQ(lines(r.out), 3u) << r.out;
  EXPECT_TRUE(has(r.out, R"({"line":2,"op":"create_volume","status":"OK","code":0)")) << r.out;
  EXPECT_TRUE(has(r.out, R"({"line":5,"op":"create_volume","status":"NOT_FOUND","code":2)")) << r.out;
  EXPECT_TRUE(has(r.out, R"("error":{)")) << r.out;

  r = run(with_fake({"run", "--keep-going", script}));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines(r.out), 4u) << r.out;

  const std::string good = dir.file("good.jsonl", R"({"op":"setup"})" "\n" R"({"op":"delete_volume","request":{}})" "\n");
  r = run(with_fake({"run", good}));
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(lines(r.out), 2u) << r.out;

  const std::string bad = dir.file("bad.jsonl", "not json\n");
  r = run(with_fake({"run", bad}));
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(has(r.out, "bad.jsonl:1:")) << r.out;
  EXPECT_EQ(run(with_fake({"run", dir.path() + "/missing.jsonl"})).status, 2);
}

TEST(Cli, TimeoutAndInterrupt) {
  Proc r = run(with_fake({"--json", "--timeout", "0.2", "call", "create_volume", R"({"wait": true})"}));
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(has(r.err, "TIMEOUT")) << r.err;

  r = run(with_fake({"--json", "call", "create_volume", R"({"wait": true})"}), "", 300);
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(has(r.err, "CANCELLED")) << r.err;
}

namespace {

// The one JSON object a --json error prints on stderr; null when stderr is not exactly that.
Json error_object(const std::string& err) {
  if (lines(err) != 1) return Json(nullptr, &cJSON_Delete);
  Json j(cJSON_Parse(err.c_str()), &cJSON_Delete);
  return cJSON_IsObject(j.get()) ? std::move(j) : Json(nullptr, &cJSON_Delete);
}

std::string member(const Json& j, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(j.get(), key);
  return cJSON_IsString(v) ? v->valuestring : cJSON_IsNumber(v) ? std::to_string(v->valueint) : "";
}

}  // namespace

// With --json, every error vdp-host reports itself (usage, unknown command or operation, bad options,
// plugin load, configuration file) is one error object on stderr, shaped like the plugin's, and the exit
// status is the same as without --json.
TEST(Cli, JsonErrorsAreOneErrorObjectOnStderr) {
  const TempDir dir;
  const std::string bad_conf = dir.file("bad.conf", "[sf]\nnot an option line\n");
  const std::string conf = dir.file("cinder.conf", "[sf]\nsan_ip = 192.0.2.7\n");
  struct Case {
    std::vector<std::string> args;
    int exit_status;
    vdp_status status;
    std::string message;  // a part of the message
  };
  const std::vector<Case> cases = {
      {{"--json", "frobnicate"}, 2, VDP_E_INVALID_ARGUMENT, "unknown command 'frobnicate'"},
      {{"--bogus", "--json", "info"}, 2, VDP_E_INVALID_ARGUMENT, "unknown option --bogus"},
      {{"--json"}, 2, VDP_E_INVALID_ARGUMENT, "no command"},
      {{"--json", "--timeout", "-1", "info"}, 2, VDP_E_INVALID_ARGUMENT, "--timeout"},
      {{"--json", "help", "nothing"}, 2, VDP_E_INVALID_ARGUMENT, "no help for 'nothing'"},
      {with_fake({"--json", "call", "no_such_operation"}), 2, VDP_E_INVALID_ARGUMENT, "unknown operation"},
      {with_fake({"--json", "call"}), 2, VDP_E_INVALID_ARGUMENT, "call needs an operation name"},
      {with_fake({"--json", "--keep-going", "info"}), 2, VDP_E_INVALID_ARGUMENT, "--keep-going"},
      {with_fake({"--json", "call", "create_volume", "@/nonexistent/r.json"}), 2, VDP_E_INVALID_ARGUMENT,
       "/nonexistent/r.json"},
      {{"--json", "--plugin", "/nonexistent/vdp_x.so", "info"}, 3, VDP_E_NOT_FOUND, "/nonexistent/vdp_x.so"},
      {{"--json", "--plugin", "definitely_not_installed", "info"}, 3, VDP_E_NOT_FOUND,
       "vdp_definitely_not_installed.so"},
      {with_fake({"--json", "info"}, "vdp_fake_abi2"), 3, VDP_E_ABI_MISMATCH, "plugin 2.0, host 1.0"},
      {with_fake({"--json", "info"}, "vdp_nosym"), 3, VDP_E_INVALID_ARGUMENT, "does not export vdp_plugin_entry"},
      {with_fake({"--json", "--config", bad_conf, "call", "describe"}), 3, VDP_E_CONFIG, bad_conf + ":2:"},
      {with_fake({"--json", "--config", conf, "--backend", "missing", "call", "describe"}), 3, VDP_E_CONFIG,
       "no section [missing]"},
  };
  for (const Case& c : cases) {
    std::string cmdline;
    for (const auto& a : c.args) cmdline += " " + a;
    SCOPED_TRACE(cmdline);
    const Proc r = run(c.args);
    EXPECT_EQ(r.status, c.exit_status) << r.err;
    EXPECT_EQ(r.out, "");
    const Json e = error_object(r.err);
    ASSERT_TRUE(e) << "stderr is not one JSON object: " << r.err;
    EXPECT_EQ(member(e, "status"), vdp_status_name(c.status)) << r.err;
    EXPECT_EQ(member(e, "code"), std::to_string(c.status)) << r.err;
    EXPECT_NE(member(e, "message").find(c.message), std::string::npos) << r.err;
    EXPECT_TRUE(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(e.get(), "retryable"))) << r.err;
    EXPECT_TRUE(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(e.get(), "details"))) << r.err;
  }
  // Without --json the same errors stay readable text.
  const Proc text = run({"frobnicate"});
  EXPECT_EQ(text.status, 2);
  EXPECT_EQ(text.err.rfind("vdp-host: unknown command 'frobnicate'\n", 0), 0u) << text.err;
}

// An installed vdp-host (here: a copy under a temporary prefix, outside the build tree) searches
// $VDP_PLUGIN_PATH and <prefix>/<libdir>/vdp/plugins, never the build tree.
TEST(Cli, InstalledHostNeverSearchesTheBuildTree) {
  ::unsetenv("VDP_PLUGIN_PATH");
  const TempDir prefix;
  namespace fs = std::filesystem;
  fs::create_directories(prefix.path() + "/" VDP_TEST_INSTALL_BINDIR);
  fs::create_directories(prefix.path() + "/" VDP_TEST_INSTALL_PLUGINDIR);
  const std::string installed = prefix.path() + "/" VDP_TEST_INSTALL_BINDIR "/vdp-host";
  fs::copy_file(VDP_HOST_EXE, installed);
  fs::permissions(installed, fs::perms::owner_all);

  // /proc/self/exe names the copy with symlinks resolved: match from the prefix's own name on.
  const std::string prefix_plugins = fs::path(prefix.path()).filename().string() + "/" VDP_TEST_INSTALL_PLUGINDIR;
  Proc r = run_exe(installed, {"--json", "--plugin", "solidfire", "info"});
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  EXPECT_TRUE(has(r.err, prefix_plugins)) << r.err;
#ifdef VDP_TEST_BUILD_PLUGIN_DIR
  EXPECT_FALSE(has(r.err, VDP_TEST_BUILD_PLUGIN_DIR)) << r.err;
  // The same binary in the build tree finds the plugin built next to it.
  r = run({"--json", "--plugin", "solidfire", "info"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.out, std::string(R"("path":")") + VDP_TEST_BUILD_PLUGIN_DIR + "/")) << r.out;
#endif

  fs::copy_file(fake_plugin(), prefix.path() + "/" VDP_TEST_INSTALL_PLUGINDIR "/vdp_fake.so");
  r = run_exe(installed, {"--json", "--plugin", "fake", "info"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(has(r.out, prefix_plugins + "/vdp_fake.so\"")) << r.out;
}

#ifdef VDP_TEST_HAVE_DEMO
// The demo walks its whole table against the embedded simulator with the real plugin: every step OK,
// numbered 1..N in order, N also in the summary; the version in the header is the one stats report.
TEST(Cli, DemoRunsEveryStep) {
  Proc r = run({"--json", "demo"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  std::istringstream in(r.out);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const Json head(cJSON_Parse(line.c_str()), &cJSON_Delete);
  const std::string version = member(head, "driver_version");
  EXPECT_FALSE(version.empty()) << line;
  size_t steps = 0, stats = 0;
  while (std::getline(in, line)) {
    const Json step(cJSON_Parse(line.c_str()), &cJSON_Delete);
    ASSERT_TRUE(step) << line;
    ++steps;
    EXPECT_EQ(member(step, "step"), std::to_string(steps)) << line;
    EXPECT_EQ(member(step, "status"), "OK") << line;
    if (member(step, "op") == "get_volume_stats") {
      ++stats;
      const cJSON* result = cJSON_GetObjectItemCaseSensitive(step.get(), "result");
      const cJSON* v = cJSON_GetObjectItemCaseSensitive(result, "driver_version");
      EXPECT_EQ(cJSON_IsString(v) ? v->valuestring : "", version) << line;
    }
  }
  EXPECT_EQ(steps, 28u);
  EXPECT_EQ(stats, 2u);

  r = run({"demo"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "\n[1/28] setup: ")) << r.out;
  EXPECT_TRUE(has(r.out, "\n[28/28] get_volume_stats: ")) << r.out;
  EXPECT_TRUE(has(r.out, "demo finished: 28 of 28 steps OK\n")) << r.out;
}

// demo --replication: two clusters; the failover points the volume at the second cluster and the
// failback back at the first; the migration moves the plain volume to the second cluster; every step
// OK and no secret printed.
TEST(Cli, DemoReplicationRunsEveryStep) {
  Proc r = run({"--json", "demo", "--replication"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  std::istringstream in(r.out);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  size_t steps = 0;
  std::vector<std::string> failover_clusters;  // the cluster uuid each failover_host's update names
  std::string migrated_to, first_cluster;
  while (std::getline(in, line)) {
    const Json step(cJSON_Parse(line.c_str()), &cJSON_Delete);
    ASSERT_TRUE(step) << line;
    ++steps;
    EXPECT_EQ(member(step, "status"), "OK") << line;
    const cJSON* result = cJSON_GetObjectItemCaseSensitive(step.get(), "result");
    const std::string op = member(step, "op");
    if (op == "create_volume" && first_cluster.empty()) {
      const std::string pid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(result, "provider_id"));
      first_cluster = pid.substr(pid.rfind(' ') + 1);
      EXPECT_EQ(std::string(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(result, "replication_status"))),
                "enabled") << line;
    }
    if (op == "failover_host") {
      const cJSON* u = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(result, "volume_updates"), 0);
      const char* pid = cJSON_GetStringValue(
          cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(u, "updates"), "provider_id"));
      ASSERT_NE(pid, nullptr) << line;
      failover_clusters.push_back(std::string(pid).substr(std::string(pid).rfind(' ') + 1));
    }
    if (op == "migrate_volume") {
      EXPECT_TRUE(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(result, "migrated"))) << line;
      const char* pid = cJSON_GetStringValue(
          cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(result, "model_update"), "provider_id"));
      ASSERT_NE(pid, nullptr) << line;
      migrated_to = std::string(pid).substr(std::string(pid).rfind(' ') + 1);
    }
  }
  EXPECT_EQ(steps, 20u);
  ASSERT_EQ(failover_clusters.size(), 2u);
  EXPECT_NE(failover_clusters[0], first_cluster) << "failover must point at the second cluster";
  EXPECT_EQ(failover_clusters[1], first_cluster) << "failback must point at the first cluster again";
  EXPECT_EQ(migrated_to, failover_clusters[0]) << "the migration lands on the second cluster";
  EXPECT_FALSE(has(r.out, "password:admin")) << r.out;

  r = run({"demo", "--replication"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "demo finished: 20 of 20 steps OK\n")) << r.out;
  EXPECT_FALSE(has(r.out, "password:admin")) << r.out;
  EXPECT_TRUE(has(r.out, "password:********")) << r.out;

  r = run({"info", "--replication"});
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_TRUE(has(r.err, "--replication applies to demo only")) << r.err;
}
#endif
