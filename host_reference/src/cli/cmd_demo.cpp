// vdp-host demo: a volume lifecycle against an embedded Element simulator, with no configuration.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "commands.h"
#include "demo_steps.h"
#include "embedded_sim.h"
#include "json.h"
#include "session.h"

namespace vdp::host::cli {

#ifndef VDP_HOST_HAVE_SIMULATOR

int cmd_demo(const Options&) {
  throw HostError("demo is not available: this vdp-host was built without the element simulator", VDP_E_NOT_SUPPORTED);
}

#else

namespace {

constexpr const char* kMask = "********";
constexpr std::chrono::seconds kDefaultStepTimeout{120};

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

// Runs the steps: numbering, timing, status lines (or JSON lines), rendering of results.
class Runner final : public demo::Output {
 public:
  Runner(const Options& o, size_t total) : o_(o), view_(o.log_level), total_(total) {
    copts_ = make_call_options(o, &view_);
    if (!copts_.timeout) copts_.timeout = kDefaultStepTimeout;
    copts_.project_id = "demo-project";
    copts_.user_id = "demo-user";
  }

  // Operations the plugin serves (from describe); steps for others are shown as skipped.
  void set_served(std::vector<std::string> ops) { served_ = std::move(ops); }
  size_t skipped() const { return skipped_; }
  size_t done() const { return n_; }

  // Runs one step on `driver`; false when it failed (its error object is printed). A step the plugin does
  // not serve is reported as skipped and succeeds.
  bool run(const demo::Step& step, demo::Lifecycle& lc, Driver& driver) {
    ++n_;
    if (!serves(step.op)) {
      ++skipped_;
      if (!o_.json) std::printf("\n[%zu/%zu] %s: skipped, not served by this plugin\n", n_, total_, step.op);
      return true;
    }
    if (!o_.json) {
      std::printf("\n[%zu/%zu] %s: %s\n", n_, total_, step.op, step.explanation.c_str());
      std::fflush(stdout);
    }
    const Json request = step.request(lc);
    const auto t0 = std::chrono::steady_clock::now();
    const CallResult r = driver.call(step.op, to_string(request.get(), false), copts_);
    view_.finish();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    Json result = r.ok() ? parse_json(r.output.empty() ? "{}" : r.output) : Json();
    if (r.ok() && !result) result = Json(cJSON_CreateString(r.output.c_str()));
    if (o_.json) {
      Json line = make_object();
      set_number(line.get(), "step", static_cast<double>(n_));
      set_string(line.get(), "op", step.op);
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
      print_error(o_, r, step.op);
      return false;
    }
    if (step.after) step.after(lc, result.get(), *this);
    return true;
  }

  void detail(const std::string& label, const std::string& value) override {
    if (!o_.json) std::printf("      %-18s %s\n", label.c_str(), value.c_str());
  }

  void fields(const cJSON* obj) override {
    if (!cJSON_IsObject(obj) || !obj->child) {
      detail("model update", "(none)");
      return;
    }
    const Json m = masked(obj);
    for (const cJSON* c = m->child; c; c = c->next) detail(c->string ? c->string : "?", scalar_text(c));
  }

  void stats(const cJSON* stats) override {
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
    if (has("max_over_subscription_ratio"))
      capacity += ", over-subscription up to " + text("max_over_subscription_ratio") + "x";
    detail("capacity", capacity);
    std::string features;
    for (const auto& [key, label] : {std::pair{"thin_provisioning_support", "thin provisioning"},
                                     std::pair{"QoS_support", "QoS"}, std::pair{"multiattach", "multiattach"},
                                     std::pair{"online_extend_support", "online extend"},
                                     std::pair{"consistent_group_snapshot_enabled", "group snapshots"},
                                     std::pair{"replication_enabled", "replication"}}) {
      if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(stats, key)))
        features += (features.empty() ? "" : ", ") + std::string(label);
    }
    if (!features.empty()) detail("features", features);
    if (has("provisioned_iops"))
      detail("IOPS", "provisioned " + text("provisioned_iops") + ", current " + text("current_iops") + ", max " +
                         text("max_iops"));
  }

  void connection(const cJSON* info) override {
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
  bool serves(const char* op) const {
    return served_.empty() || std::find(served_.begin(), served_.end(), op) != served_.end();
  }

  const Options& o_;
  ProgressView view_;
  CallOptions copts_;
  size_t total_;
  size_t n_ = 0;
  size_t skipped_ = 0;
  std::vector<std::string> served_;
};

// The operations describe lists; empty when describe fails (then no step is skipped).
std::vector<std::string> described_operations(Driver& driver) {
  std::vector<std::string> ops;
  const CallResult d = driver.call("describe", "{}", {});
  if (!d.ok()) return ops;
  const Json desc = parse_json(d.output);
  const cJSON* list = desc ? cJSON_GetObjectItemCaseSensitive(desc.get(), "operations") : nullptr;
  for (const cJSON* c = list ? list->child : nullptr; c; c = c->next)
    if (cJSON_IsString(c)) ops.emplace_back(c->valuestring);
  return ops;
}

}  // namespace

int cmd_demo(const Options& o) {
  if (!o.args.empty()) throw UsageError("demo takes no arguments");
  if (!o.config.empty() || !o.backend.empty())
    std::fprintf(stderr, "vdp-host: demo configures itself; --config/--backend are ignored\n");

  element_sim::Options sim_opts = EmbeddedSimulator::default_options();
  if (o.replication) {
    // Two clusters (127.0.0.1 and 127.0.0.2); pairs take a moment, so the waits show their progress.
    sim_opts.clusters = 2;
    sim_opts.cluster_pair_connect_delay_ms = 1000;
    sim_opts.replication_sync_delay_ms = 1500;
  }
  EmbeddedSimulator embedded(sim_opts, "vdp-demo-cert-");
  element_sim::Server& sim = embedded.server();
  const std::string port = std::to_string(sim.port());

  ConfigMap config = embedded.backend_config("demo");
  ConfigMap target_config;  // the second cluster as a backend of its own (--replication)
  std::string target_address;
  if (o.replication) {
    target_address = embedded.address(1);
    config["replication_device"] = "backend_id:dr-site,mvip:" + target_address + ",login:" + sim_opts.user +
                                   ",password:" + sim_opts.password + ",port:" + std::to_string(sim.port(1));
    target_config = embedded.backend_config("demo-target", 1);
  }

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
    std::printf("             driver_ssl_cert_path=%s volume_backend_name=demo\n", embedded.certificate_path().c_str());
    if (o.replication) {
      std::printf("             replication_device=backend_id:dr-site,mvip:%s,login:%s,password:%s,port:%u\n",
                  target_address.c_str(), sim_opts.user.c_str(), kMask, static_cast<unsigned>(sim.port(1)));
      std::printf("  target     %s (the second cluster; backend demo-target serves it for the migration)\n",
                  sim.url(1).c_str());
    }
  }
  std::fflush(stdout);

  auto driver = make_driver(o, plugin, config);
  if (!driver) return kExitLoad;

  demo::Lifecycle lc;
  const std::vector<demo::Step> steps = o.replication ? demo::replication_steps(lc) : demo::lifecycle_steps(lc);
  Runner runner(o, steps.size());
  runner.set_served(described_operations(*driver));  // describe needs no setup

  // The other drivers are made (and set up) when the first step that needs them comes.
  std::unique_ptr<Driver> vag_driver;
  std::unique_ptr<Driver> target_driver;
  auto ready = [&](std::unique_ptr<Driver>& slot, ConfigMap cfg) -> Driver* {
    if (slot) return slot.get();
    slot = make_driver(o, plugin, std::move(cfg));
    if (!slot) return nullptr;
    if (const CallResult r = slot->setup(CallOptions{}); !r.ok()) {
      print_error(o, r, "setup");
      return nullptr;
    }
    return slot.get();
  };
  for (const demo::Step& step : steps) {
    Driver* on = driver.get();
    if (step.on == demo::On::kVag) {
      ConfigMap vag_config = config;
      vag_config["sf_enable_vag"] = "true";
      on = ready(vag_driver, std::move(vag_config));
    } else if (step.on == demo::On::kTarget) {
      on = ready(target_driver, target_config);
    }
    if (on == nullptr) return kExitOperation;
    if (!runner.run(step, lc, *on)) return kExitOperation;
  }

  if (!o.json) {
    std::printf("\ndemo finished: %zu of %zu steps OK", runner.done() - runner.skipped(), runner.done());
    if (runner.skipped() > 0) std::printf(" (%zu skipped: not served by this plugin)", runner.skipped());
    std::printf("\n");
  }
  return kExitOk;
}

#endif  // VDP_HOST_HAVE_SIMULATOR

}  // namespace vdp::host::cli
