// vdp-host bench: operation mixes with concurrent callers against a configured backend or the embedded
// simulator; throughput, latency percentiles, RPCs per operation and errors.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench_mix.h"
#include "bench_report.h"
#include "bench_runner.h"
#include "commands.h"
#include "embedded_sim.h"
#include "json.h"
#include "session.h"
#include "signals.h"

#ifndef VDP_HOST_VERSION
#define VDP_HOST_VERSION "0.0.0"
#endif

namespace vdp::host::cli {
namespace {

using namespace bench;

constexpr uint64_t kDefaultCount = 200;
constexpr std::chrono::seconds kDefaultCallTimeout{120};

// The mixes asked for, known and each once, in the order given; create-delete by default.
std::vector<const Mix*> chosen_mixes(const BenchOptions& b) {
  std::vector<const Mix*> mixes;
  for (const std::string& name : b.mixes) {
    const Mix* m = find_mix(name);
    if (m == nullptr) throw UsageError("invalid --mix '" + name + "' (one of " + mix_names() + ")");
    if (std::find(mixes.begin(), mixes.end(), m) == mixes.end()) mixes.push_back(m);
  }
  if (mixes.empty()) mixes.push_back(find_mix("create-delete"));
  return mixes;
}

Settings settings_from(const Options& o) {
  const BenchOptions& b = o.bench;
  if (b.count && b.duration) throw UsageError("--count and --duration exclude each other");
  Settings s;
  s.callers = b.callers.value_or(1);
  s.duration = b.duration;
  if (!s.duration) s.count = b.count.value_or(kDefaultCount);
  if (s.count && *s.count < static_cast<uint64_t>(s.callers))
    throw UsageError("--count " + std::to_string(*s.count) + " is less than --callers " + std::to_string(s.callers) +
                     ": every caller needs at least one operation");
  s.warmup = b.warmup.value_or(1);
  s.call_opts.timeout = o.timeout.value_or(kDefaultCallTimeout);
  s.call_opts.cancel_flag = &cancel_flag();
  s.cleanup_opts.timeout = s.call_opts.timeout;
  return s;
}

bool falsy(const std::string& v) {
  std::string l = v;
  std::transform(l.begin(), l.end(), l.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return l == "false" || l == "no" || l == "off" || l == "0";
}

// TLS as the configuration sets it up (the SolidFire plugin's option names; verification is on unless
// driver_ssl_cert_verify turns it off).
void describe_tls(const ConfigMap& config, RunInfo& info) {
  const auto get = [&](const char* key) {
    const auto it = config.find(key);
    return it == config.end() ? std::string() : it->second;
  };
  info.tls = get("sf_api_scheme") != "http";
  info.tls_verify = info.tls && !falsy(get("driver_ssl_cert_verify"));
  if (!info.tls)
    info.tls_detail = "off: plain HTTP (sf_api_scheme=http)";
  else if (!info.tls_verify)
    info.tls_detail = "certificate not verified (driver_ssl_cert_verify=" + get("driver_ssl_cert_verify") + ")";
  else if (!get("driver_ssl_cert_path").empty())
    info.tls_detail = "certificate verified against " + get("driver_ssl_cert_path");
  else
    info.tls_detail = "certificate verified against the system CAs";
}

// The operations describe lists; empty when describe fails (then nothing is refused up front).
std::vector<std::string> served_operations(Driver& driver) {
  std::vector<std::string> ops;
  const CallResult d = driver.call("describe", "{}", {});
  const Json desc = d.ok() ? parse_json(d.output) : Json();
  const cJSON* list = desc ? cJSON_GetObjectItemCaseSensitive(desc.get(), "operations") : nullptr;
  for (const cJSON* c = list ? list->child : nullptr; c; c = c->next)
    if (cJSON_IsString(c)) ops.emplace_back(c->valuestring);
  return ops;
}

#ifdef VDP_HOST_HAVE_SIMULATOR
// Element methods the mixes use (including first-use account lookups and deletes of what is already
// gone); RPCs to any other method show as "other".
// clang-format off
const char* const kCountedMethods[] = {
    "AddAccount", "CloneVolume", "CreateSnapshot", "CreateVolume", "DeleteSnapshot", "DeleteVolume",
    "GetAccountByName", "GetAsyncResult", "ListSnapshots", "ListVolumes", "ListVolumesForAccount", "ModifyVolume",
    "PurgeDeletedVolume"};
// clang-format on

RpcProbe simulator_probe(element_sim::Server& sim) {
  return [&sim]() -> std::optional<RpcCounts> {
    RpcCounts c;
    c.total = sim.rpc_total();
    for (const char* m : kCountedMethods) c.by_method[m] = sim.rpc_count(m);
    return c;
  };
}

// Number of items in the array `key` of a JSON-RPC reply's result; 0 when absent.
uint64_t result_items(const std::string& reply, const char* key) {
  const Json j = parse_json(reply);
  const cJSON* result = j ? cJSON_GetObjectItemCaseSensitive(j.get(), "result") : nullptr;
  return static_cast<uint64_t>(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(result, key)));
}
#endif

}  // namespace

int cmd_bench(const Options& o) {
  if (!o.args.empty()) throw UsageError("bench takes no arguments (unexpected '" + o.args[0] + "')");
  const std::vector<const Mix*> mixes = chosen_mixes(o.bench);
  RunInfo info;
  info.settings = settings_from(o);
  info.cores = std::max(1u, std::thread::hardware_concurrency());
  info.host_version = VDP_HOST_VERSION;

  if (o.config.empty() && !o.backend.empty()) throw UsageError("--backend needs --config");

  ConfigMap config;
  RpcProbe probe;
#ifdef VDP_HOST_HAVE_SIMULATOR
  std::unique_ptr<EmbeddedSimulator> embedded;
#endif
  if (!o.config.empty()) {
    config = load_config(o);
    const auto ip = config.find("san_ip");
    info.backend = (o.backend.empty() ? std::string("the backend") : "backend " + o.backend) + " of " + o.config +
                   (ip == config.end() ? std::string() : " (san_ip " + ip->second + ")");
    describe_tls(config, info);
  } else {
#ifdef VDP_HOST_HAVE_SIMULATOR
    element_sim::Options sim_opts = EmbeddedSimulator::default_options();
    sim_opts.clone_delay_ms = 0;  // the simulator copies no data: a clone is complete at once
    embedded = std::make_unique<EmbeddedSimulator>(sim_opts, "vdp-bench-cert-");
    config = embedded->backend_config("bench");
    probe = simulator_probe(embedded->server());
    info.embedded = true;
    info.url = embedded->server().url();
    info.backend = "embedded Element simulator " + info.url + " (in this process)";
    info.tls_detail =
        "certificate verified against the simulator's self-signed one (" + embedded->certificate_path() + ")";
#else
    throw UsageError("bench needs --config: this vdp-host was built without the embedded element simulator");
#endif
  }

  const auto plugin = load_plugin(o);
  info.plugin_name = plugin->name();
  info.plugin_version = plugin->driver_version();
  info.plugin_path = plugin->path();
  info.plugin_abi = version_string(plugin->plugin_abi());
  auto driver = make_driver(o, plugin, config);
  if (!driver) return kExitLoad;
  const std::vector<std::string> served = served_operations(*driver);
  for (const Mix* m : mixes) {
    for (const std::string& op : operations_used(*m)) {
      if (!served.empty() && std::find(served.begin(), served.end(), op) == served.end())
        throw UsageError("--mix " + std::string(m->name) + " needs " + op + ", which plugin " + info.plugin_name +
                         " does not serve");
    }
  }

  if (!o.json) print_header(info);
  if (const CallResult r = driver->setup(info.settings.call_opts); !r.ok()) {
    print_error(o, r, "setup");
    return kExitOperation;
  }

  ProgressView progress(VDP_LOG_ERROR);  // a bar on a terminal, nothing otherwise
  std::vector<MixResult> results;
  for (const Mix* m : mixes) {
    results.push_back(run_mix(*m, *driver, info.settings, probe, progress));
    if (results.back().interrupted) break;
  }

#ifdef VDP_HOST_HAVE_SIMULATOR
  if (embedded) {
    // Everything the runs made must be gone (deleted volumes purged too); handle() bypasses HTTP.
    info.volumes_after =
        result_items(embedded->server().handle(R"({"method":"ListVolumes","params":{},"id":1})"), "volumes");
    info.snapshots_after =
        result_items(embedded->server().handle(R"({"method":"ListSnapshots","params":{},"id":1})"), "snapshots");
  }
#endif

  if (o.json)
    std::printf("%s\n", to_json(info, results).c_str());
  else
    print_table(info, results);
  std::fflush(stdout);
  if (!o.json) print_failures(results);  // with --json they are in the object (first_errors, left_behind)

  const bool interrupted =
      std::any_of(results.begin(), results.end(), [](const MixResult& r) { return r.interrupted; });
  const bool failed = std::any_of(results.begin(), results.end(),
                                  [](const MixResult& r) { return r.errors > 0 || !r.left_behind.empty(); });
  if (interrupted) return kExitInterrupted;
  if (failed || info.volumes_after.value_or(0) > 0 || info.snapshots_after.value_or(0) > 0) return kExitOperation;
  return kExitOk;
}

}  // namespace vdp::host::cli
