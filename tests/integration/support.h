// Shared helpers of the integration suite: a small read-only JSON view, the in-process simulator with its
// certificate on disk, the plugin under test, driver factories over the reference host library, a raw
// C-ABI driver (for NULL and embedded-NUL requests, which Driver::call cannot express), request builders
// and the error-object checker.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <element_sim/server.h>
#include <vdp/vdp.h>
#include <vdp_host/host.h>

struct cJSON;

namespace it {

namespace vh = vdp::host;

// ------------------------------------------------------------------------------------------------ JSON

// A parsed JSON value that keeps its document alive. Missing members and wrong types read as "absent":
// str() gives "", num() 0, size() 0, so chains like j["a"]["b"].str() never crash.
class Json {
 public:
  Json() = default;
  static Json parse(const std::string& text);  // !valid() when text is not JSON

  bool valid() const { return node_ != nullptr; }
  bool is_object() const;
  bool is_array() const;
  bool is_string() const;
  bool is_number() const;
  bool is_bool() const;
  bool is_null() const;
  bool has(const char* key) const;

  Json operator[](const char* key) const;
  Json operator[](const std::string& key) const { return (*this)[key.c_str()]; }
  Json at(size_t index) const;
  size_t size() const;  // members of an object / elements of an array
  std::vector<std::string> keys() const;

  std::string str() const;
  double num() const;
  int64_t i64() const;
  bool boolean() const;  // false unless a JSON true
  std::string dump() const;

 private:
  Json(std::shared_ptr<cJSON> doc, const cJSON* node) : doc_(std::move(doc)), node_(node) {}
  std::shared_ptr<cJSON> doc_;
  const cJSON* node_ = nullptr;
};

// JSON string literal (with quotes) for any UTF-8 text.
std::string quote(const std::string& s);

// ------------------------------------------------------------------------------------------------ simulator

// Distinctive credentials: tests grep outputs and logs for the password.
inline const std::string kSimUser = "it-admin";
inline const std::string kSimPassword = "Pw-9f3ZqK-vdp-itest-sekret";

class Sim {
 public:
  explicit Sim(element_sim::Options opts = default_options());
  ~Sim();
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  static element_sim::Options default_options();
  // Two clusters (the second one the replication target); new pairs become Active after the delay.
  static element_sim::Options two_clusters(int64_t sync_delay_ms = 100);

  element_sim::Server& server() { return server_; }
  uint16_t port() const { return server_.port(); }
  const std::string& pem_path() const { return pem_path_; }

  // In-process JSON-RPC; returns the "result" object and records a test failure on an "error" reply.
  Json rpc(const std::string& method, const std::string& params_json = "{}");
  // Same, but returns the whole reply (for calls expected to fail).
  Json rpc_reply(const std::string& method, const std::string& params_json = "{}");

  // The same on cluster `cluster` of a multi-cluster simulator (0 is the first).
  Json rpc_on(int cluster, const std::string& method, const std::string& params_json = "{}");
  std::string mvip_of(int cluster);  // GetClusterInfo.clusterInfo.mvip
  std::string uuid_of(int cluster);  // GetClusterInfo.clusterInfo.uuid
  // A replication_device (2.2.x spelling) naming cluster `cluster` of this simulator.
  std::string replication_device(int cluster = 1, const std::string& backend_id = "dr-site");

  uint64_t total(int cluster = 0) const { return server_.rpc_total(cluster); }
  uint64_t count(const std::string& method, int cluster = 0) const { return server_.rpc_count(method, cluster); }

  // Cluster views (each is one handle() RPC, which the simulator counts: read counters before these).
  Json cluster_info();                                    // GetClusterInfo.clusterInfo
  std::optional<Json> volume_by_id(int64_t volume_id);    // ListVolumes{volumeIDs} (active or deleted)
  std::vector<Json> volumes_named(const std::string& name);  // every volume (any state) with this name
  std::optional<Json> account_by_name(const std::string& username);
  std::vector<Json> account_volumes(int64_t account_id);  // ListVolumesForAccount (active and deleted)
  int64_t add_account(const std::string& username);       // AddAccount; returns accountID
  // Fills the cluster in-process (no HTTP): `accounts` accounts "<prefix>-acct-N" and `volumes` 1 GiB
  // volumes "<prefix>-N" spread over them. Records a test failure if the cluster refuses any.
  void seed(const std::string& prefix, int accounts, int volumes, int cluster = 0);

 private:
  element_sim::Server server_;
  std::string pem_path_;
};

// The simulator shared by the tests of one process (started on first use, stopped at exit).
Sim& shared_sim();
void stop_shared_sim();

// What one operation cost on the cluster: RPCs, volume objects serialised, and the Element methods
// called ("Name" once, "NamexN" when repeated), in a fixed order so runs compare as strings.
struct RpcDelta {
  uint64_t rpcs = 0;
  uint64_t serialized = 0;
  std::string methods;
};
// `cluster`: which cluster of the simulator to count (a replicated operation costs on both).
RpcDelta measure_rpcs(Sim& sim, const std::function<void()>& operation, int cluster = 0);

// The README quotes tables these tests print: prints `row` and records a test failure unless README.md
// holds it as a whole line, so a cost that changes fails until the README says so too.
void print_readme_row(const std::string& row);

// ------------------------------------------------------------------------------------------------ plugin

const std::string& plugin_path();
std::shared_ptr<vh::Plugin> plugin();  // loaded once per process
void release_plugin();

// ------------------------------------------------------------------------------------------------ drivers

// Collects the plugin's log lines of one driver (thread-safe).
class LogCapture {
 public:
  vh::LogSink sink();
  std::vector<std::string> lines() const;
  bool contains(const std::string& needle) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// Working configuration for `sim` (TLS verified against its certificate).
vh::ConfigMap sim_config(const Sim& sim);

// Creates a driver (no setup). Throws vh::CreateError like the host library does.
// `locks`: shared with the other drivers of the same cluster (nullptr: the driver's own table).
std::unique_ptr<vh::Driver> make_driver(const vh::ConfigMap& config, LogCapture* logs = nullptr,
                                        std::shared_ptr<vh::LockTable> locks = nullptr);
// Creates a driver and runs setup; records a test failure when setup fails.
std::unique_ptr<vh::Driver> ready_driver(Sim& sim, LogCapture* logs = nullptr, const vh::ConfigMap& overrides = {});

// A driver made directly through the C ABI with a minimal host table (config_get only): lets tests pass
// NULL requests, NULL out pointers and embedded NULs straight to the operation slots.
class RawDriver {
 public:
  RawDriver(const vdp_plugin& plugin, vh::ConfigMap config);
  ~RawDriver();
  RawDriver(const RawDriver&) = delete;
  RawDriver& operator=(const RawDriver&) = delete;

  struct Result {
    vdp_status status = VDP_OK;
    bool out_null = true;
    std::string out;
    size_t out_len = 0;
  };
  vdp_driver* handle() const { return drv_; }
  vdp_status create_status() const { return create_status_; }
  const std::string& create_output() const { return create_output_; }
  Result call(vdp_op_fn fn, const char* req, size_t req_len) const;
  Result call(vdp_op_fn fn, const std::string& req) const { return call(fn, req.data(), req.size()); }

 private:
  static vdp_status config_get(uintptr_t host_data, vdp_config* cfg, const char* key, char* buf, size_t buf_len,
                               size_t* needed);
  const vdp_plugin& plugin_;
  vh::ConfigMap config_;
  vdp_host host_{};
  vdp_driver* drv_ = nullptr;
  vdp_status create_status_ = VDP_OK;
  std::string create_output_;
};

// ------------------------------------------------------------------------------------------------ requests

std::string new_uuid();
std::string unique_name(const std::string& prefix);  // prefix + "-" + 12 random hex digits

std::string connector_json(bool multipath = false);
// {"volume":{...}} for create_volume with a QoS volume type (min 1000 / max 5000 / burst 8000).
std::string create_request(const std::string& id, int64_t size_gib, const std::string& project);
// The "volume" object of a created volume as later operations receive it (model update merged in).
std::string volume_object(const std::string& id, int64_t size_gib, const std::string& project, const Json& model);
std::string volume_request(const std::string& id, int64_t size_gib, const std::string& project, const Json& model);

// Splits on single spaces.
std::vector<std::string> split(const std::string& s);

// ------------------------------------------------------------------------------------------------ checks

// Checks an error object against the ABI: status == vdp_status_name(rc), code == rc, operation, a
// non-empty message, a boolean retryable, a boolean outcome_unknown (true only with TIMEOUT/CANCELLED), backend_error null or a string, details an object,
// details.field == field (when field is given) and request_id (when given).
::testing::AssertionResult IsError(const vh::CallResult& result, vdp_status expected, const std::string& operation,
                                   const std::string& field = {}, const std::string& request_id = {});
::testing::AssertionResult IsErrorJson(vdp_status rc, const std::string& output, vdp_status expected,
                                       const std::string& operation, const std::string& field = {},
                                       const std::string& request_id = {});

// A call result that must be OK; returns the parsed output.
Json ok_json(const vh::CallResult& result, const std::string& what);

bool under_valgrind();

}  // namespace it
