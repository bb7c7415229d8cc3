// element-sim: an in-process NetApp SolidFire / Element cluster simulator speaking JSON-RPC over
// HTTP(S). See simulator/README.md for behaviour and documented choices.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace element_sim {

struct Options {
  std::string bind_address = "127.0.0.1";
  uint16_t port = 0;  // 0 = ephemeral. With clusters > 1: cluster i uses port+i, or an ephemeral port each when port == 0
  int clusters = 1;
  bool tls = true;                  // HTTPS; plain HTTP when false
  std::string cert_file, key_file;  // PEM; empty with tls => self-signed cert+key generated in memory at start
  std::string user = "admin", password = "admin";
  uint64_t seed = 1;               // deterministic ids/secrets/uniqueIDs
  std::string log_level = "warn";  // trace|debug|info|warn|error|off ; debug logs one line per RPC
  int io_threads = 2;

  // ---- additions beyond the first-slice contract (all optional) ----
  // Address reported as mvip/svip and used in url(); empty => bind_address, or 127.0.0.1 when
  // bind_address is a wildcard (0.0.0.0 / ::).
  std::string advertise_address;
  // GetClusterCapacity.maxProvisionedSpace (bytes). maxOverProvisionableSpace is 5x this and is
  // enforced by CreateVolume.
  uint64_t max_provisioned_space = 100ULL << 40;  // 100 TiB
  // Per-account volume limit (Element: 2000; deleted-but-unpurged volumes count).
  int64_t volumes_per_account_max = 2000;
  // Cluster-wide volume limit; 0 = not enforced (GetLimits still reports Element 12's 4000).
  int64_t volume_count_max = 0;
  // Seconds between DeleteVolume and the automatic purge (Element: 8 h).
  int64_t purge_delay_seconds = 8 * 3600;
};

class Server {
 public:
  explicit Server(Options opts);
  ~Server();  // stops if running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start();  // binds and serves on background threads; throws std::runtime_error on failure
  void stop();   // idempotent; joins threads
  int cluster_count() const;
  uint16_t port(int cluster = 0) const;
  std::string url(int cluster = 0) const;  // e.g. "https://127.0.0.1:43123" (no path)
  // In-process dispatch of one JSON-RPC request body, bypassing HTTP and auth (for seeding and tests).
  std::string handle(const std::string& request_body, const std::string& api_version = "12.3", int cluster = 0);
  uint64_t rpc_count(const std::string& method, int cluster = 0) const;  // RPCs received for `method` (HTTP and handle())
  uint64_t rpc_total(int cluster = 0) const;
  void reset_counts();

  // ---- additions ----
  // PEM of the server certificate in use (generated or loaded); empty before start() or without TLS.
  // Lets clients verify TLS against the simulator instead of disabling verification.
  std::string certificate_pem() const;
  // Number of volume objects serialised to JSON since construction / reset_counts() (all clusters);
  // tests use it to check that filtered lookups cost O(result).
  uint64_t volumes_serialized() const;
  const Options& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace element_sim
