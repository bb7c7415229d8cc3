// vdp-host demo: a volume lifecycle against an embedded Element simulator, with no configuration.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <functional>
#include <vector>
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

constexpr int kSteps = 28;
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

  // Operations the plugin serves (from describe); steps for others are shown as skipped.
  void set_served(std::vector<std::string> ops) { served_ = std::move(ops); }
  bool serves(const char* op) const {
    return served_.empty() || std::find(served_.begin(), served_.end(), op) != served_.end();
  }
  int skipped() const { return skipped_; }
  int done() const { return n_; }

  // Runs one step on `driver` (default: the demo's driver); on failure prints the error and returns
  // nullptr. A step the plugin does not serve is reported and returns an empty object.
  Json step(const char* op, const std::string& explanation, const cJSON* request, Driver* driver = nullptr) {
    if (!serves(op)) {
      ++n_;
      ++skipped_;
      if (!o_.json) std::printf("\n[%d/%d] %s: skipped, not served by this plugin\n", n_, kSteps, op);
      return make_object();
    }
    ++n_;
    if (!o_.json) {
      std::printf("\n[%d/%d] %s: %s\n", n_, kSteps, op, explanation.c_str());
      std::fflush(stdout);
    }
    const auto t0 = std::chrono::steady_clock::now();
    const CallResult r = (driver != nullptr ? *driver : driver_).call(op, to_string(request, false), copts_);
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
  int skipped_ = 0;
  std::vector<std::string> served_;
};

Json connector_json() {
  Json c = make_object();
  set_string(c.get(), "initiator", "iqn.1993-08.org.debian:01:demo");
  set_string(c.get(), "host", "demo-host");
  set_string(c.get(), "ip", "127.0.0.1");
  return c;
}

// A volume type whose extra specs carry QoS (and one volume attribute).
Json volume_type_json(const char* name, const char* min, const char* max, const char* burst) {
  Json type = make_object();
  set_string(type.get(), "id", random_uuid());
  set_string(type.get(), "name", name);
  Json specs = make_object();
  set_string(specs.get(), "qos:minIOPS", min);
  set_string(specs.get(), "qos:maxIOPS", max);
  set_string(specs.get(), "qos:burstIOPS", burst);
  set_string(specs.get(), "SFAttribute:tier", name);
  set(type.get(), "extra_specs", std::move(specs));
  set(type.get(), "qos_specs", make_object());
  return type;
}

Json volume_json(int size_gib, const char* display_name) {
  Json v = make_object();
  set_string(v.get(), "id", random_uuid());
  set_number(v.get(), "size", size_gib);
  set_string(v.get(), "project_id", "demo-project");
  set_string(v.get(), "user_id", "demo-user");
  set_string(v.get(), "display_name", display_name);
  set(v.get(), "volume_type", volume_type_json("gold", "1000", "5000", "8000"));
  return v;
}

// {"snapshot": {...}} of `volume` (its provider_id locates the source).
Json snapshot_json(const std::string& id, const cJSON* volume) {
  Json snap = make_object();
  set_string(snap.get(), "id", id);
  set_string(snap.get(), "volume_id", get_string(volume, "id").value_or(""));
  const cJSON* size = cJSON_GetObjectItemCaseSensitive(volume, "size");
  set_number(snap.get(), "volume_size", cJSON_IsNumber(size) ? size->valuedouble : 1);
  set_string(snap.get(), "project_id", "demo-project");
  set(snap.get(), "volume", duplicate(volume));
  return snap;
}

Json with(const char* key, Json value, Json req = make_object()) {
  set(req.get(), key, std::move(value));
  return req;
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

  {
    // describe tells which operations this plugin serves; the demo skips the others visibly.
    const CallResult d = driver->call("describe", "{}", {});
    if (d.ok()) {
      Json desc = parse_json(d.output);
      std::vector<std::string> ops;
      const cJSON* list = desc ? cJSON_GetObjectItemCaseSensitive(desc.get(), "operations") : nullptr;
      for (const cJSON* c = list ? list->child : nullptr; c; c = c->next)
        if (cJSON_IsString(c)) ops.emplace_back(c->valuestring);
      demo.set_served(std::move(ops));
    }
  }

  // --- volumes, exports, CHAP connection ---
  Json volume = volume_json(10, "demo-volume");
  const std::string id = get_string(volume.get(), "id").value_or("");
  Json created = demo.step("create_volume", "a 10 GiB volume " + id + " of type gold (QoS 1000/5000/8000 IOPS)",
                           volume_request(volume.get(), false).get());
  if (!created) return kExitOperation;
  demo.render_fields(created.get());
  merge(volume.get(), created.get());

  Json exported = demo.step("create_export", "make the volume reachable for the connector's host",
                            volume_request(volume.get(), true).get());
  if (!exported) return kExitOperation;
  demo.render_fields(exported.get());
  merge(volume.get(), exported.get());

  Json conn = demo.step("initialize_connection", "iSCSI target and CHAP credentials for the initiator",
                        volume_request(volume.get(), true).get());
  if (!conn) return kExitOperation;
  demo.render_connection(conn.get());

  // --- snapshots and clones ---
  const std::string snap_id = random_uuid();
  Json snapshot = snapshot_json(snap_id, volume.get());
  Json snap = demo.step("create_snapshot", "a point-in-time snapshot " + snap_id, with("snapshot", duplicate(snapshot.get())).get());
  if (!snap) return kExitOperation;
  demo.render_fields(snap.get());
  merge(snapshot.get(), snap.get());

  Json from_snap = volume_json(12, "from-snapshot");
  Json req = with("volume", duplicate(from_snap.get()));
  set(req.get(), "snapshot", duplicate(snapshot.get()));
  Json made = demo.step("create_volume_from_snapshot", "a 12 GiB volume from the snapshot (grown while cloning)", req.get());
  if (!made) return kExitOperation;
  demo.render_fields(made.get());
  merge(from_snap.get(), made.get());

  Json clone = volume_json(10, "clone");
  req = with("volume", duplicate(clone.get()));
  set(req.get(), "src_vref", duplicate(volume.get()));
  Json cloned = demo.step("create_cloned_volume", "a clone of the first volume; the wait reports progress", req.get());
  if (!cloned) return kExitOperation;
  demo.render_fields(cloned.get());
  merge(clone.get(), cloned.get());

  req = with("volume", duplicate(volume.get()));
  set(req.get(), "snapshot", duplicate(snapshot.get()));
  if (!demo.step("revert_to_snapshot", "roll the first volume back to its snapshot", req.get())) return kExitOperation;

  // --- a consistency group: one crash-consistent snapshot of two volumes ---
  Json group = make_object();
  set_string(group.get(), "id", random_uuid());
  set_string(group.get(), "group_type_id", "consistent");
  Json specs = make_object();
  set_string(specs.get(), "consistent_group_snapshot_enabled", "<is> True");
  set(group.get(), "group_specs", std::move(specs));
  set_string(group.get(), "project_id", "demo-project");
  if (!demo.step("create_group", "a consistent group type: the backend snapshots its members together",
                 with("group", duplicate(group.get())).get()))
    return kExitOperation;
  Json group_snapshot = make_object();
  set_string(group_snapshot.get(), "id", random_uuid());
  set_string(group_snapshot.get(), "group_id", get_string(group.get(), "id").value_or(""));
  set(group_snapshot.get(), "group_specs", duplicate(cJSON_GetObjectItemCaseSensitive(group.get(), "group_specs")));
  Json members = Json(cJSON_CreateArray());
  for (const Json* v : {&volume, &clone}) {
    Json member = snapshot_json(random_uuid(), v->get());
    set_string(member.get(), "group_snapshot_id", get_string(group_snapshot.get(), "id").value_or(""));
    cJSON_AddItemToArray(members.get(), member.release());
  }
  req = with("group_snapshot", duplicate(group_snapshot.get()));
  set(req.get(), "snapshots", duplicate(members.get()));
  Json gsnap = demo.step("create_group_snapshot", "one Element group snapshot of the first volume and its clone", req.get());
  if (!gsnap) return kExitOperation;
  const cJSON* updates = cJSON_GetObjectItemCaseSensitive(gsnap.get(), "snapshots_model_update");
  for (const cJSON* u = cJSON_IsArray(updates) ? updates->child : nullptr; u; u = u->next)
    demo.detail("member snapshot", get_string(u, "provider_id").value_or("?") + " (" +
                                       get_string(u, "status").value_or("?") + ")");
  if (!demo.step("delete_group_snapshot", "delete the group snapshot and its member snapshots", req.get()))
    return kExitOperation;

  // --- resize and retype ---
  req = with("volume", duplicate(volume.get()));
  set_number(req.get(), "new_size", 20);
  if (!demo.step("extend_volume", "grow the first volume to 20 GiB (QoS re-scaled when the type scales it)", req.get()))
    return kExitOperation;
  set_number(volume.get(), "size", 20);

  req = with("volume", duplicate(volume.get()));
  set(req.get(), "new_type", volume_type_json("silver", "500", "2000", "4000"));
  Json retyped = demo.step("retype", "change its type to silver (QoS 500/2000/4000) in place", req.get());
  if (!retyped) return kExitOperation;
  if (cJSON_IsObject(retyped.get()) && retyped->child) demo.render_fields(retyped.get());

  // --- bookkeeping, VAG access, transfer, manage ---
  req = with("volume", duplicate(volume.get()));
  set_string(req.get(), "instance_uuid", random_uuid());
  set_string(req.get(), "host_name", "demo-host");
  set_string(req.get(), "mountpoint", "/dev/vdb");
  if (!demo.step("attach_volume", "record the attachment in the volume's attributes", req.get())) return kExitOperation;
  if (!demo.step("detach_volume", "and remove it again", volume_request(volume.get(), false).get()))
    return kExitOperation;

  ConfigMap vag_config = driver->services().config();
  vag_config["sf_enable_vag"] = "true";
  auto vag_driver = make_driver(o, plugin, std::move(vag_config));
  if (!vag_driver || !vag_driver->setup(CallOptions{}).ok()) return kExitOperation;
  Json vag_conn = demo.step("initialize_connection", "with sf_enable_vag: the initiator's volume access group grants access",
                            volume_request(volume.get(), true).get(), vag_driver.get());
  if (!vag_conn) return kExitOperation;
  demo.render_connection(vag_conn.get());
  if (!demo.step("terminate_connection", "remove the volume from the access group (and the empty group)",
                 volume_request(volume.get(), true).get(), vag_driver.get()))
    return kExitOperation;

  req = with("volume", duplicate(clone.get()));
  set_string(req.get(), "new_user", "demo-user-2");
  set_string(req.get(), "new_project", "demo-project-2");
  Json transferred = demo.step("accept_transfer", "hand the clone over to project demo-project-2", req.get());
  if (!transferred) return kExitOperation;
  demo.render_fields(transferred.get());
  merge(clone.get(), transferred.get());
  set_string(clone.get(), "project_id", "demo-project-2");

  if (!demo.step("unmanage", "stop managing the volume made from the snapshot (it stays on the cluster)",
                 volume_request(from_snap.get(), false).get()))
    return kExitOperation;
  Json adopted = volume_json(12, "adopted");
  Json ref = make_object();
  const std::string provider_id = get_string(from_snap.get(), "provider_id").value_or("0");
  set_string(ref.get(), "source-id", provider_id.substr(0, provider_id.find(' ')));
  req = with("volume", duplicate(adopted.get()));
  set(req.get(), "existing_ref", duplicate(ref.get()));
  Json size = demo.step("manage_existing_get_size", "how big is that volume, in GiB?", req.get());
  if (!size) return kExitOperation;
  if (cJSON_IsObject(size.get()) && size->child) demo.render_fields(size.get());
  Json managed = demo.step("manage_existing", "bring it back under management as a new volume", req.get());
  if (!managed) return kExitOperation;
  demo.render_fields(managed.get());
  merge(adopted.get(), managed.get());

  // --- clean up ---
  if (!demo.step("delete_snapshot", "delete the snapshot", with("snapshot", duplicate(snapshot.get())).get()))
    return kExitOperation;
  for (const Json* v : {&clone, &adopted}) {
    if (!demo.step("delete_volume", "delete " + get_string(v->get(), "display_name").value_or("a volume"),
                   volume_request(v->get(), false).get()))
      return kExitOperation;
  }
  Json delete_req = volume_request(volume.get(), false);
  if (!demo.step("delete_volume", "delete the first volume", delete_req.get())) return kExitOperation;
  if (!demo.step("delete_volume", "delete it again: deletion is idempotent, so this is still OK", delete_req.get()))
    return kExitOperation;
  demo.detail("volume", id + " already gone: OK");

  Json stats2 = demo.step("get_volume_stats", "capacity again, refreshed from the cluster", stats_req.get());
  if (!stats2) return kExitOperation;
  demo.render_stats(stats2.get());

  if (!o.json) {
    std::printf("\ndemo finished: %d of %d steps OK", demo.done() - demo.skipped(), demo.done());
    if (demo.skipped() > 0) std::printf(" (%d skipped: not served by this plugin)", demo.skipped());
    std::printf("\n");
  }
  return kExitOk;
}

#endif  // VDP_HOST_HAVE_SIMULATOR

}  // namespace vdp::host::cli
