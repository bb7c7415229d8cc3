#include "support.h"

#include <iterator>

#include <cjson/cJSON.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace it {

// ------------------------------------------------------------------------------------------------ JSON

Json Json::parse(const std::string& text) {
  cJSON* root = cJSON_ParseWithLength(text.data(), text.size());
  if (root == nullptr) return Json();
  std::shared_ptr<cJSON> doc(root, [](cJSON* p) { cJSON_Delete(p); });
  return Json(doc, root);
}

bool Json::is_object() const { return node_ != nullptr && cJSON_IsObject(node_); }
bool Json::is_array() const { return node_ != nullptr && cJSON_IsArray(node_); }
bool Json::is_string() const { return node_ != nullptr && cJSON_IsString(node_); }
bool Json::is_number() const { return node_ != nullptr && cJSON_IsNumber(node_); }
bool Json::is_bool() const { return node_ != nullptr && cJSON_IsBool(node_); }
bool Json::is_null() const { return node_ != nullptr && cJSON_IsNull(node_); }
bool Json::has(const char* key) const {
  return is_object() && cJSON_GetObjectItemCaseSensitive(node_, key) != nullptr;
}

Json Json::operator[](const char* key) const {
  if (!is_object()) return Json();
  const cJSON* child = cJSON_GetObjectItemCaseSensitive(node_, key);
  return child == nullptr ? Json() : Json(doc_, child);
}

Json Json::at(size_t index) const {
  if (!is_array() && !is_object()) return Json();
  size_t i = 0;
  for (const cJSON* c = node_->child; c != nullptr; c = c->next, ++i) {
    if (i == index) return Json(doc_, c);
  }
  return Json();
}

size_t Json::size() const {
  if (!is_array() && !is_object()) return 0;
  size_t n = 0;
  for (const cJSON* c = node_->child; c != nullptr; c = c->next) ++n;
  return n;
}

std::vector<std::string> Json::keys() const {
  std::vector<std::string> out;
  if (!is_object()) return out;
  for (const cJSON* c = node_->child; c != nullptr; c = c->next) out.emplace_back(c->string ? c->string : "");
  return out;
}

std::string Json::str() const { return is_string() ? std::string(node_->valuestring) : std::string(); }
double Json::num() const { return is_number() ? node_->valuedouble : 0.0; }
int64_t Json::i64() const { return is_number() ? static_cast<int64_t>(node_->valuedouble) : 0; }
bool Json::boolean() const { return node_ != nullptr && cJSON_IsTrue(node_); }

std::string Json::dump() const {
  if (node_ == nullptr) return "<absent>";
  char* text = cJSON_PrintUnformatted(node_);
  std::string out = text ? text : "";
  cJSON_free(text);
  return out;
}

std::string quote(const std::string& s) {
  cJSON* str = cJSON_CreateString(s.c_str());
  char* text = cJSON_PrintUnformatted(str);
  std::string out = text;
  cJSON_free(text);
  cJSON_Delete(str);
  return out;
}

// ------------------------------------------------------------------------------------------------ simulator

element_sim::Options Sim::default_options() {
  element_sim::Options o;
  o.bind_address = "127.0.0.1";
  o.port = 0;
  o.tls = true;
  o.user = kSimUser;
  o.password = kSimPassword;
  o.log_level = "off";
  o.io_threads = 2;
  return o;
}

element_sim::Options Sim::two_clusters(int64_t sync_delay_ms) {
  element_sim::Options o = default_options();
  o.clusters = 2;
  o.replication_sync_delay_ms = sync_delay_ms;
  return o;
}

Sim::Sim(element_sim::Options opts) : server_(std::move(opts)) {
  server_.start();
  const std::string pem = server_.certificate_pem();
  if (pem.empty()) throw std::runtime_error("element_sim::Server::certificate_pem() returned nothing");
  char tmpl[] = "/tmp/vdp-it-cert-XXXXXX";
  const int fd = mkstemp(tmpl);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  ::close(fd);
  pem_path_ = tmpl;
  std::ofstream(pem_path_, std::ios::binary | std::ios::trunc) << pem;
}

Sim::~Sim() {
  server_.stop();
  if (!pem_path_.empty()) std::remove(pem_path_.c_str());
}

Json Sim::rpc_reply(const std::string& method, const std::string& params_json) {
  const std::string body = "{\"method\":" + quote(method) + ",\"params\":" + params_json + ",\"id\":1}";
  const std::string reply = server_.handle(body);
  Json j = Json::parse(reply);
  if (!j.valid()) {
    ADD_FAILURE() << "simulator replied with non-JSON to " << method << ": " << reply;
  }
  return j;
}

Json Sim::rpc(const std::string& method, const std::string& params_json) {
  Json reply = rpc_reply(method, params_json);
  if (reply.has("error")) {
    ADD_FAILURE() << "simulator " << method << params_json << " failed: " << reply.dump();
  }
  return reply["result"];
}

Json Sim::rpc_on(int cluster, const std::string& method, const std::string& params_json) {
  const std::string body = "{\"method\":" + quote(method) + ",\"params\":" + params_json + ",\"id\":1}";
  Json reply = Json::parse(server_.handle(body, "12.3", cluster));
  if (reply.has("error")) ADD_FAILURE() << method << " on cluster " << cluster << " failed: " << reply.dump();
  return reply["result"];
}

std::string Sim::mvip_of(int cluster) { return rpc_on(cluster, "GetClusterInfo")["clusterInfo"]["mvip"].str(); }
std::string Sim::uuid_of(int cluster) { return rpc_on(cluster, "GetClusterInfo")["clusterInfo"]["uuid"].str(); }

std::string Sim::replication_device(int cluster, const std::string& backend_id) {
  return "backend_id:" + backend_id + ",mvip:" + mvip_of(cluster) + ",login:" + kSimUser + ",password:" +
         kSimPassword + ",port:" + std::to_string(server_.port(cluster));
}

Json Sim::cluster_info() { return rpc("GetClusterInfo")["clusterInfo"]; }

std::optional<Json> Sim::volume_by_id(int64_t volume_id) {
  Json vols = rpc("ListVolumes", "{\"volumeIDs\":[" + std::to_string(volume_id) + "]}")["volumes"];
  for (size_t i = 0; i < vols.size(); ++i) {
    if (vols.at(i)["volumeID"].i64() == volume_id) return vols.at(i);
  }
  return std::nullopt;
}

std::vector<Json> Sim::volumes_named(const std::string& name) {
  std::vector<Json> out;
  int64_t start = 0;
  for (;;) {
    Json vols = rpc("ListVolumes", "{\"startVolumeID\":" + std::to_string(start) + ",\"limit\":5000}")["volumes"];
    const size_t n = vols.size();
    for (size_t i = 0; i < n; ++i) {
      if (vols.at(i)["name"].str() == name) out.push_back(vols.at(i));
    }
    if (n < 5000) break;
    start = vols.at(n - 1)["volumeID"].i64() + 1;
  }
  return out;
}

std::optional<Json> Sim::account_by_name(const std::string& username) {
  Json reply = rpc_reply("GetAccountByName", "{\"username\":" + quote(username) + "}");
  if (reply.has("error")) return std::nullopt;
  return reply["result"]["account"];
}

std::vector<Json> Sim::account_volumes(int64_t account_id) {
  std::vector<Json> out;
  Json vols = rpc("ListVolumesForAccount", "{\"accountID\":" + std::to_string(account_id) + "}")["volumes"];
  for (size_t i = 0; i < vols.size(); ++i) out.push_back(vols.at(i));
  return out;
}

int64_t Sim::add_account(const std::string& username) {
  return rpc("AddAccount", "{\"username\":" + quote(username) + "}")["accountID"].i64();
}

RpcDelta measure_rpcs(Sim& sim, const std::function<void()>& operation, int cluster) {
  static const char* const kMethods[] = {
      "GetClusterInfo", "GetClusterVersionInfo", "GetClusterCapacity", "GetLimits", "GetDefaultQoS", "GetAPI",
      "GetAccountByName", "GetAccountByID", "ListAccounts", "AddAccount", "ListVolumes", "ListActiveVolumes",
      "ListDeletedVolumes", "ListVolumesForAccount", "CreateVolume", "CloneVolume", "ModifyVolume", "DeleteVolume",
      "PurgeDeletedVolume", "GetVolumeStats", "GetAsyncResult", "CreateSnapshot", "DeleteSnapshot", "ListSnapshots",
      "RollbackToSnapshot", "ListVolumeAccessGroups", "CreateVolumeAccessGroup", "AddInitiatorsToVolumeAccessGroup",
      "AddVolumesToVolumeAccessGroup", "RemoveVolumesFromVolumeAccessGroup", "DeleteVolumeAccessGroup",
      "ModifyAccount", "ListClusterPairs", "StartVolumePairing", "CompleteVolumePairing", "RemoveVolumePair",
      "ModifyVolumePair"};
  std::vector<uint64_t> before;
  for (const char* m : kMethods) before.push_back(sim.count(m, cluster));
  const uint64_t total = sim.total(cluster);
  const uint64_t serialized = sim.server().volumes_serialized();
  operation();
  RpcDelta delta;
  delta.rpcs = sim.total(cluster) - total;
  delta.serialized = sim.server().volumes_serialized() - serialized;
  for (size_t i = 0; i < std::size(kMethods); ++i) {
    const uint64_t d = sim.count(kMethods[i], cluster) - before[i];
    if (d == 0) continue;
    delta.methods += (delta.methods.empty() ? "" : " ") + std::string(kMethods[i]);
    if (d > 1) delta.methods += "x" + std::to_string(d);
  }
  return delta;
}

void print_readme_row(const std::string& row) {
  static const std::string readme = [] {
    std::ifstream in(VDP_README_PATH);
    std::stringstream text;
    text << in.rdbuf();
    return "\n" + text.str();
  }();
  std::printf("%s\n", row.c_str());
  EXPECT_NE(readme.find("\n" + row + "\n"), std::string::npos)
      << "README.md (" << VDP_README_PATH << ") does not hold this row as printed:\n" << row;
}

void Sim::seed(const std::string& prefix, int accounts, int volumes, int cluster) {
  std::vector<int64_t> ids;
  for (int a = 0; a < accounts; ++a) {
    const std::string reply = server_.handle("{\"method\":\"AddAccount\",\"params\":{\"username\":" +
                                                 quote(prefix + "-acct-" + std::to_string(a)) + "},\"id\":1}",
                                             "12.3", cluster);
    ids.push_back(Json::parse(reply)["result"]["accountID"].i64());
  }
  int failures = 0;
  for (int v = 0; v < volumes; ++v) {
    const int64_t account = ids[static_cast<size_t>(v % accounts)];
    const std::string reply = server_.handle("{\"method\":\"CreateVolume\",\"params\":{\"name\":\"" + prefix + "-" +
                                             std::to_string(v) + "\",\"accountID\":" + std::to_string(account) +
                                             ",\"totalSize\":1073741824,\"enable512e\":true},\"id\":1}",
                                             "12.3", cluster);
    if (reply.find("\"error\"") != std::string::npos && ++failures <= 3) ADD_FAILURE() << "seeding: " << reply;
  }
  EXPECT_EQ(failures, 0) << "the cluster refused seed volumes";
}

namespace {
std::mutex g_shared_mu;
std::unique_ptr<Sim> g_shared_sim;
std::shared_ptr<vh::Plugin> g_plugin;
}  // namespace

Sim& shared_sim() {
  std::lock_guard<std::mutex> lock(g_shared_mu);
  if (!g_shared_sim) g_shared_sim = std::make_unique<Sim>();
  return *g_shared_sim;
}

void stop_shared_sim() {
  std::lock_guard<std::mutex> lock(g_shared_mu);
  g_shared_sim.reset();
}

// ------------------------------------------------------------------------------------------------ plugin

const std::string& plugin_path() {
  static const std::string path = [] {
    const char* env = std::getenv("VDP_TEST_PLUGIN");
    return std::string(env != nullptr && *env != '\0' ? env : VDP_TEST_PLUGIN_PATH);
  }();
  return path;
}

std::shared_ptr<vh::Plugin> plugin() {
  std::lock_guard<std::mutex> lock(g_shared_mu);
  if (!g_plugin) g_plugin = vh::Plugin::load(plugin_path());
  return g_plugin;
}

void release_plugin() {
  std::lock_guard<std::mutex> lock(g_shared_mu);
  g_plugin.reset();
}

// ------------------------------------------------------------------------------------------------ drivers

vh::LogSink LogCapture::sink() {
  return [this](int, const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    lines_.push_back(line);
  };
}

std::vector<std::string> LogCapture::lines() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_;
}

bool LogCapture::contains(const std::string& needle) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& l : lines_) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

vh::ConfigMap sim_config(const Sim& sim) {
  return {
      {"san_ip", "127.0.0.1"},
      {"sf_api_port", std::to_string(sim.port())},
      {"san_login", kSimUser},
      {"san_password", kSimPassword},
      {"driver_ssl_cert_path", sim.pem_path()},
      {"volume_backend_name", "it-backend"},
  };
}

std::unique_ptr<vh::Driver> make_driver(const vh::ConfigMap& config, LogCapture* logs,
                                        std::shared_ptr<vh::LockTable> locks) {
  return std::make_unique<vh::Driver>(plugin(), config, logs != nullptr ? logs->sink() : vh::LogSink{},
                                      std::move(locks));
}

std::unique_ptr<vh::Driver> ready_driver(Sim& sim, LogCapture* logs, const vh::ConfigMap& overrides) {
  vh::ConfigMap cfg = sim_config(sim);
  for (const auto& [k, v] : overrides) cfg[k] = v;
  auto drv = make_driver(cfg, logs);
  vh::CallOptions opts;
  opts.timeout = std::chrono::seconds(120);
  const auto r = drv->setup(opts);
  EXPECT_EQ(r.status, VDP_OK) << "setup failed: " << r.output;
  return drv;
}

RawDriver::RawDriver(const vdp_plugin& plugin, vh::ConfigMap config) : plugin_(plugin), config_(std::move(config)) {
  host_.struct_size = sizeof(vdp_host);
  host_.host_data = reinterpret_cast<uintptr_t>(this);
  host_.config_get = &RawDriver::config_get;
  char* out = nullptr;
  size_t out_len = 0;
  create_status_ = plugin_.create(&host_, reinterpret_cast<vdp_config*>(&config_), &drv_, &out, &out_len);
  if (out != nullptr) {
    create_output_.assign(out, out_len);
    plugin_.free_string(out);
  }
}

RawDriver::~RawDriver() {
  if (drv_ != nullptr) plugin_.destroy(drv_);
}

vdp_status RawDriver::config_get(uintptr_t host_data, vdp_config*, const char* key, char* buf, size_t buf_len,
                                 size_t* needed) {
  const auto* self = reinterpret_cast<const RawDriver*>(host_data);
  if (key == nullptr) return VDP_E_INVALID_ARGUMENT;
  auto it = self->config_.find(key);
  if (it == self->config_.end()) return VDP_E_NOT_FOUND;
  const size_t size = it->second.size() + 1;
  if (needed != nullptr) *needed = size;
  if (buf == nullptr || buf_len < size) return VDP_E_BUFFER_TOO_SMALL;
  std::memcpy(buf, it->second.c_str(), size);
  return VDP_OK;
}

RawDriver::Result RawDriver::call(vdp_op_fn fn, const char* req, size_t req_len) const {
  Result r;
  char* out = nullptr;
  size_t out_len = 0;
  r.status = fn(drv_, nullptr, req, req_len, &out, &out_len);
  r.out_null = out == nullptr;
  r.out_len = out_len;
  if (out != nullptr) {
    r.out.assign(out);
    plugin_.free_string(out);
  }
  return r;
}

// ------------------------------------------------------------------------------------------------ requests

namespace {
std::mt19937_64& rng() {
  static thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen;
}
}  // namespace

std::string new_uuid() {
  std::uniform_int_distribution<uint64_t> d;
  uint64_t hi = d(rng()), lo = d(rng());
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32), static_cast<unsigned long long>((hi >> 16) & 0xffff),
                static_cast<unsigned long long>(hi & 0xffff), static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

std::string unique_name(const std::string& prefix) {
  std::uniform_int_distribution<uint64_t> d;
  char buf[20];
  std::snprintf(buf, sizeof buf, "%012llx", static_cast<unsigned long long>(d(rng()) & 0xffffffffffffULL));
  return prefix + "-" + buf;
}

std::string connector_json(bool multipath) {
  return std::string(R"({"initiator":"iqn.1993-08.org.debian:01:abc","host":"h","ip":"127.0.0.1","multipath":)") +
         (multipath ? "true" : "false") + "}";
}

namespace {
std::string volume_body(const std::string& id, int64_t size_gib, const std::string& project) {
  return "\"id\":" + quote(id) + ",\"size\":" + std::to_string(size_gib) + ",\"project_id\":" + quote(project) +
         R"(,"display_name":"x","volume_type":{"id":"t","name":"gold","extra_specs":{"qos:minIOPS":"1000",)"
         R"("qos:maxIOPS":"5000","qos:burstIOPS":"8000"},"qos_specs":{}},"metadata":{})";
}
}  // namespace

std::string create_request(const std::string& id, int64_t size_gib, const std::string& project) {
  return "{\"volume\":{" + volume_body(id, size_gib, project) + "}}";
}

std::string volume_object(const std::string& id, int64_t size_gib, const std::string& project, const Json& model) {
  std::string v = "{" + volume_body(id, size_gib, project);
  for (const char* key : {"provider_id", "provider_location", "provider_auth", "provider_geometry"}) {
    if (model[key].is_string()) v += ",\"" + std::string(key) + "\":" + quote(model[key].str());
  }
  return v + "}";
}

std::string volume_request(const std::string& id, int64_t size_gib, const std::string& project, const Json& model) {
  return "{\"volume\":" + volume_object(id, size_gib, project, model) + "}";
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string tok;
  while (in >> tok) out.push_back(tok);
  return out;
}

// ------------------------------------------------------------------------------------------------ checks

::testing::AssertionResult IsErrorJson(vdp_status rc, const std::string& output, vdp_status expected,
                                       const std::string& operation, const std::string& field,
                                       const std::string& request_id) {
  auto fail = [&](const std::string& why) {
    return ::testing::AssertionFailure() << why << "\n  rc=" << rc << " (" << vdp_status_name(rc) << ")"
                                         << "\n  output=" << output;
  };
  if (rc != expected) {
    return fail(std::string("expected status ") + vdp_status_name(expected) + " (" + std::to_string(expected) + ")");
  }
  Json e = Json::parse(output);
  if (!e.is_object()) return fail("error output is not a JSON object");
  if (e["status"].str() != vdp_status_name(rc)) return fail("\"status\" differs from vdp_status_name(rc)");
  if (!e["code"].is_number() || e["code"].i64() != rc) return fail("\"code\" differs from rc");
  if (e["operation"].str() != operation) return fail("\"operation\" is not \"" + operation + "\"");
  if (!e["message"].is_string() || e["message"].str().empty()) return fail("\"message\" missing or empty");
  if (!e["retryable"].is_bool()) return fail("\"retryable\" is not a boolean");
  if (!e["outcome_unknown"].is_bool()) return fail("\"outcome_unknown\" is not a boolean");
  if (e["outcome_unknown"].boolean() && rc != VDP_E_TIMEOUT && rc != VDP_E_CANCELLED)
    return fail("\"outcome_unknown\" is true with a status other than TIMEOUT or CANCELLED");
  if (e.has("backend_error") && !e["backend_error"].is_null() && !e["backend_error"].is_string())
    return fail("\"backend_error\" is neither null nor a string");
  if (!e["details"].is_object()) return fail("\"details\" is not an object");
  if (!field.empty() && e["details"]["field"].str() != field) return fail("details.field is not \"" + field + "\"");
  if (!request_id.empty() && e["request_id"].str() != request_id)
    return fail("\"request_id\" does not echo \"" + request_id + "\"");
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsError(const vh::CallResult& result, vdp_status expected, const std::string& operation,
                                   const std::string& field, const std::string& request_id) {
  // Every error from a call carries the request id of that call (CallOptions.request_id, or the one the
  // host generated when none was given).
  return IsErrorJson(result.status, result.output, expected, operation, field,
                     request_id.empty() ? result.request_id : request_id);
}

Json ok_json(const vh::CallResult& result, const std::string& what) {
  EXPECT_EQ(result.status, VDP_OK) << what << " failed: " << result.output;
  Json j = Json::parse(result.output);
  EXPECT_TRUE(j.is_object()) << what << " returned non-object: " << result.output;
  return j;
}

bool under_valgrind() {
  const char* v = std::getenv("VDP_TEST_UNDER_VALGRIND");
  return v != nullptr && *v != '\0' && std::strcmp(v, "0") != 0;
}

}  // namespace it
