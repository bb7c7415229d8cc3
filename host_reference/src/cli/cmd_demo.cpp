// vdp-host demo: a volume lifecycle against an embedded Element simulator, with no configuration.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <utility>

#include "commands.h"
#include "json.h"
#include "session.h"

#ifdef VDP_HOST_HAVE_SIMULATOR
#include <element_sim/server.h>
#endif

namespace vdp::host::cli {

#ifndef VDP_HOST_HAVE_SIMULATOR

int cmd_demo(const Options&) {
  std::fprintf(stderr, "vdp-host: demo is not available: this vdp-host was built without the element simulator\n");
  return kExitLoad;
}

#else

namespace {

constexpr int kSteps = 8;
constexpr const char* kMask = "********";
constexpr std::chrono::seconds kDefaultStepTimeout{120};

std::string random_uuid() {
  std::random_device rd;
  std::mt19937_64 rng((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t hi = rng(), lo = rng();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                       // version 4
  lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);           // variant 10xx
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xFFFF), static_cast<unsigned long long>(hi & 0xFFFF),
                static_cast<unsigned long long>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

// A temporary file removed on scope exit.
class TempFile {
 public:
  TempFile(const std::string& prefix, const std::string& suffix, const std::string& content) {
    const char* dir = std::getenv("TMPDIR");
    std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/" + prefix + "XXXXXX" + suffix;
    const int fd = ::mkstemps(tmpl.data(), static_cast<int>(suffix.size()));
    if (fd < 0) throw HostError("cannot create a temporary file in " + tmpl);
    path_ = tmpl;
    size_t off = 0;
    while (off < content.size()) {
      const ssize_t n = ::write(fd, content.data() + off, content.size() - off);
      if (n <= 0) {
        ::close(fd);
        throw HostError("cannot write " + path_);
      }
      off += static_cast<size_t>(n);
    }
    ::close(fd);
  }
  ~TempFile() { ::unlink(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool is_secret_key(const std::string& key) {
  return key.find("password") != std::string::npos || key.find("secret") != std::string::npos;
}

// "CHAP user secret" -> "CHAP user ********".
std::string mask_provider_auth(const std::string& auth) {
  const auto last = auth.rfind(' ');
  if (last == std::string::npos) return kMask;
  return auth.substr(0, last + 1) + kMask;
}

// A copy of j with secrets replaced.
Json masked(const cJSON* j) {
  Json copy = duplicate(j);
  std::function<void(cJSON*)> walk = [&](cJSON* node) {
    for (cJSON* c = node->child; c; c = c->next) {
      const std::string key = c->string ? c->string : "";
      if (cJSON_IsString(c) && is_secret_key(key)) {
        cJSON_SetValuestring(c, kMask);
      } else if (cJSON_IsString(c) && key == "provider_auth" && c->valuestring) {
        const std::string m = mask_provider_auth(c->valuestring);
        cJSON_SetValuestring(c, m.c_str());
      } else if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
        walk(c);
      }
    }
  };
  if (cJSON_IsObject(copy.get()) || cJSON_IsArray(copy.get())) walk(copy.get());
  return copy;
}

// Copies every member of `update` into `target` (model updates between steps).
void merge(cJSON* target, const cJSON* update) {
  if (!cJSON_IsObject(update)) return;
  for (const cJSON* c = update->child; c; c = c->next)
    if (c->string) set(target, c->string, duplicate(c));
}

class Demo {
 public:
  Demo(const Options& o, Driver& driver) : o_(o), driver_(driver), view_(o.log_level) {
    copts_ = make_call_options(o, &view_);
    if (!copts_.timeout) copts_.timeout = kDefaultStepTimeout;
    copts_.project_id = "demo-project";
    copts_.user_id = "demo-user";
  }

  // Runs one step; on failure prints the error and returns nullptr.
  Json step(const char* op, const std::string& explanation, const cJSON* request) {
    ++n_;
    if (!o_.json) {
      std::printf("\n[%d/%d] %s: %s\n", n_, kSteps, op, explanation.c_str());
      std::fflush(stdout);
    }
    const auto t0 = std::chrono::steady_clock::now();
    const CallResult r = driver_.call(op, to_string(request, false), copts_);
    view_.finish();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    Json result = r.ok() ? parse_json(r.output.empty() ? "{}" : r.output) : Json();
    if (r.ok() && !result) result = Json(cJSON_CreateString(r.output.c_str()));
    if (o_.json) {
      Json line = make_object();
      set_number(line.get(), "step", n_);
      set_string(line.get(), "op", op);
      set_string(line.get(), "status", vdp_status_name(r.status));
      set_number(line.get(), "code", r.status);
      set_number(line.get(), "elapsed_ms", std::round(ms * 10) / 10);
      if (r.ok()) set(line.get(), "result", masked(result.get()));
      std::printf("%s\n", to_string(line.get(), false).c_str());
    } else {
      std::printf("      %s (%.1f ms, request %s)\n", r.ok() ? "OK" : "FAILED", ms, r.request_id.c_str());
    }
    std::fflush(stdout);
    if (!r.ok()) {
      print_error(o_, r, op);
      return nullptr;
    }
    return result;
  }

  void detail(const std::string& label, const std::string& value) const {
    if (!o_.json) std::printf("      %-18s %s\n", label.c_str(), value.c_str());
  }

  void render_fields(const cJSON* obj) const {
    if (!cJSON_IsObject(obj) || !obj->child) {
      detail("model update", "(none)");
      return;
    }
    const Json m = masked(obj);
    for (const cJSON* c = m->child; c; c = c->next) detail(c->string ? c->string : "?", scalar_text(c));
  }

  void render_stats(const cJSON* stats) const {
    if (!cJSON_IsObject(stats)) return;
    auto text = [&](const char* key) {
      const cJSON* v = cJSON_GetObjectItemCaseSensitive(stats, key);
      return v ? scalar_text(v) : std::string("?");
    };
    auto has = [&](const char* key) { return cJSON_GetObjectItemCaseSensitive(stats, key) != nullptr; };
    detail("backend", text("volume_backend_name") + " (" + text("vendor_name") + ", " + text("storage_protocol") +
                          ", driver " + text("driver_version") + ")");
    std::string capacity = "total " + text("total_capacity_gb") + " GiB, free " + text("free_capacity_gb") + " GiB";
    if (has("provisioned_capacity_gb")) capacity += ", provisioned " + text("provisioned_capacity_gb") + " GiB";
    if (has("reserved_percentage")) capacity += ", reserved " + text("reserved_percentage") + "%";
    if (has("max_over_subscription_ratio")) capacity += ", over-subscription up to " + text("max_over_subscription_ratio") + "x";
    detail("capacity", capacity);
    std::string features;
    for (const auto& [key, label] : {std::pair{"thin_provisioning_support", "thin provisioning"},
                                     std::pair{"QoS_support", "QoS"}, std::pair{"multiattach", "multiattach"},
                                     std::pair{"online_extend_support", "online extend"},
                                     std::pair{"consistent_group_snapshot_enabled", "group snapshots"},
                                     std::pair{"replication_enabled", "replication"}}) {
      if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(stats, key))) features += (features.empty() ? "" : ", ") + std::string(label);
    }
    if (!features.empty()) detail("features", features);
    if (has("provisioned_iops"))
      detail("IOPS", "provisioned " + text("provisioned_iops") + ", current " + text("current_iops") + ", max " +
                         text("max_iops"));
  }

  void render_connection(const cJSON* info) const {
    const cJSON* data = cJSON_GetObjectItemCaseSensitive(info, "data");
    detail("driver_volume_type", get_string(info, "driver_volume_type").value_or("?"));
    if (!cJSON_IsObject(data)) return;
    auto text = [&](const char* key) {
      const cJSON* v = cJSON_GetObjectItemCaseSensitive(data, key);
      return v ? scalar_text(v) : std::string("-");
    };
    detail("target_portal", text("target_portal"));
    detail("target_iqn", text("target_iqn"));
    detail("target_lun", text("target_lun"));
    const bool has_password = cJSON_GetObjectItemCaseSensitive(data, "auth_password") != nullptr;
    detail("auth", text("auth_method") + " user " + text("auth_username") + " password " +
                       (has_password ? kMask : "-"));
  }

 private:
  const Options& o_;
  Driver& driver_;
  ProgressView view_;
  CallOptions copts_;
  int n_ = 0;
};

Json connector_json() {
  Json c = make_object();
  set_string(c.get(), "initiator", "iqn.1993-08.org.debian:01:demo");
  set_string(c.get(), "host", "demo-host");
  set_string(c.get(), "ip", "127.0.0.1");
  return c;
}

Json volume_json() {
  Json v = make_object();
  set_string(v.get(), "id", random_uuid());
  set_number(v.get(), "size", 10);
  set_string(v.get(), "project_id", "demo-project");
  set_string(v.get(), "user_id", "demo-user");
  set_string(v.get(), "display_name", "demo-volume");
  Json type = make_object();
  set_string(type.get(), "id", random_uuid());
  set_string(type.get(), "name", "demo-qos");
  Json specs = make_object();
  set_string(specs.get(), "qos:minIOPS", "1000");
  set_string(specs.get(), "qos:maxIOPS", "5000");
  set_string(specs.get(), "qos:burstIOPS", "8000");
  set(type.get(), "extra_specs", std::move(specs));
  set(type.get(), "qos_specs", make_object());
  set(v.get(), "volume_type", std::move(type));
  return v;
}

// {"volume": <volume>} plus {"connector": ...} when given.
Json volume_request(const cJSON* volume, bool with_connector) {
  Json req = make_object();
  set(req.get(), "volume", duplicate(volume));
  if (with_connector) set(req.get(), "connector", connector_json());
  return req;
}

}  // namespace

int cmd_demo(const Options& o) {
  if (!o.args.empty()) throw UsageError("demo takes no arguments");
  if (!o.config.empty() || !o.backend.empty())
    std::fprintf(stderr, "vdp-host: demo configures itself; --config/--backend are ignored\n");

  element_sim::Options sim_opts;
  sim_opts.bind_address = "127.0.0.1";
  sim_opts.port = 0;
  sim_opts.tls = true;
  sim_opts.log_level = "off";
  element_sim::Server sim(sim_opts);
  try {
    sim.start();
  } catch (const std::exception& e) {
    throw HostError(std::string("cannot start the embedded simulator: ") + e.what());
  }
  const TempFile cert("vdp-demo-cert-", ".pem", sim.certificate_pem());
  const std::string port = std::to_string(sim.port());

  ConfigMap config{{"san_ip", "127.0.0.1"},
                   {"sf_api_port", port},
                   {"san_login", sim_opts.user},
                   {"san_password", sim_opts.password},
                   {"driver_ssl_cert_path", cert.path()},
                   {"driver_ssl_cert_verify", "true"},
                   {"volume_backend_name", "demo"}};

  const auto plugin = load_plugin(o);
  if (o.json) {
    Json head = make_object();
    set_string(head.get(), "simulator", sim.url());
    set_string(head.get(), "plugin", plugin->path());
    set_string(head.get(), "plugin_name", plugin->name());
    set_string(head.get(), "driver_version", plugin->driver_version());
    std::printf("%s\n", to_string(head.get(), false).c_str());
  } else {
    std::printf("vdp-host demo: the %s plugin against an embedded Element cluster simulator\n\n",
                plugin->name().c_str());
    std::printf("  simulator  %s (TLS, self-signed certificate, verified by the driver)\n", sim.url().c_str());
    std::printf("  plugin     %s (%s %s, ABI %s)\n", plugin->path().c_str(), plugin->name().c_str(),
                plugin->driver_version().c_str(), version_string(plugin->plugin_abi()).c_str());
    std::printf("  config     san_ip=127.0.0.1 sf_api_port=%s san_login=%s san_password=%s\n", port.c_str(),
                sim_opts.user.c_str(), kMask);
    std::printf("             driver_ssl_cert_path=%s volume_backend_name=demo\n", cert.path().c_str());
  }
  std::fflush(stdout);

  auto driver = make_driver(o, plugin, std::move(config));
  if (!driver) return kExitLoad;
  Demo demo(o, *driver);

  Json empty = make_object();
  if (!demo.step("setup", "connect to the cluster, check credentials and the API version", empty.get()))
    return kExitOperation;

  Json stats_req = make_object();
  cJSON_AddBoolToObject(stats_req.get(), "refresh", 1);
  Json stats = demo.step("get_volume_stats", "capacity and capabilities as a scheduler sees them", stats_req.get());
  if (!stats) return kExitOperation;
  demo.render_stats(stats.get());

  Json volume = volume_json();
  const std::string id = get_string(volume.get(), "id").value_or("");
  Json create_req = volume_request(volume.get(), false);
  Json created = demo.step("create_volume", "a 10 GiB volume " + id + " with QoS min/max/burst 1000/5000/8000 IOPS",
                           create_req.get());
  if (!created) return kExitOperation;
  demo.render_fields(created.get());
  merge(volume.get(), created.get());

  Json export_req = volume_request(volume.get(), true);
  Json exported = demo.step("create_export", "make the volume reachable for the connector's host", export_req.get());
  if (!exported) return kExitOperation;
  demo.render_fields(exported.get());
  merge(volume.get(), exported.get());

  Json conn_req = volume_request(volume.get(), true);
  Json conn = demo.step("initialize_connection", "iSCSI target and CHAP credentials for the initiator", conn_req.get());
  if (!conn) return kExitOperation;
  demo.render_connection(conn.get());

  Json delete_req = volume_request(volume.get(), false);
  if (!demo.step("delete_volume", "delete the volume", delete_req.get())) return kExitOperation;
  demo.detail("volume", id + " deleted");
  if (!demo.step("delete_volume", "delete it again: deletion is idempotent, so this is still OK", delete_req.get()))
    return kExitOperation;
  demo.detail("volume", id + " already gone: OK");

  Json stats2 = demo.step("get_volume_stats", "capacity again, refreshed from the cluster", stats_req.get());
  if (!stats2) return kExitOperation;
  demo.render_stats(stats2.get());

  if (!o.json) std::printf("\ndemo finished: %d of %d steps OK\n", kSteps, kSteps);
  return kExitOk;
}

#endif  // VDP_HOST_HAVE_SIMULATOR

}  // namespace vdp::host::cli
