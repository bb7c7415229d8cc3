// element-sim: an in-process NetApp SolidFire / Element cluster simulator speaking JSON-RPC over
// HTTP(S). See simulator/README.md for behaviour and documented choices.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

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
  // With clusters > 1: each cluster gets its own address, so that peers tell each other apart by
  // mvip (Cinder matches cluster pairs by mvip). An IPv4 loopback address 127.a.b.c (bind or
  // advertised) becomes 127.a.b.(c+i) for cluster i — the whole 127/8 is routable on Linux loopback
  // without configuration; a wildcard bind keeps listening on every address; any other address is
  // shared by all clusters. false = every cluster binds and advertises the same address.
  bool distinct_cluster_addresses = true;
  // GetClusterCapacity.maxProvisionedSpace (bytes). maxOverProvisionableSpace is 5x this and is
  // enforced by CreateVolume.
  uint64_t max_provisioned_space = 100ULL << 40;  // 100 TiB
  // Per-account volume limit (Element: 2000; deleted-but-unpurged volumes count).
  int64_t volumes_per_account_max = 2000;
  // Cluster-wide volume limit; 0 = not enforced (GetLimits still reports Element 12's 4000).
  int64_t volume_count_max = 0;
  // Seconds between DeleteVolume and the automatic purge (Element: 8 h).
  int64_t purge_delay_seconds = 8 * 3600;

  // ---- simulated time ----
  // CloneVolume: the new volume is "init" until this many simulated milliseconds have passed, then
  // "active" (its async handle completes at the same moment). 0 = complete at once.
  int64_t clone_delay_ms = 100;
  // Volume pairs report remoteReplication.state "ResumingDataTransfer" for this long after
  // CompleteVolumePairing, then "Active".
  int64_t replication_sync_delay_ms = 100;
  // Cluster pairs list status "Misconfigured" for this long after CompleteClusterPairing, then
  // "Connected" (the intermediate state Cinder's tests model). 0 = Connected at once.
  int64_t cluster_pair_connect_delay_ms = 0;
  // Manual clock: simulated time starts at `manual_clock_start_ms` (unix ms; 0 = the wall clock at
  // construction) and moves only through Server::advance_clock().
  bool manual_clock = false;
  int64_t manual_clock_start_ms = 0;

  // ---- limits (Element 12 defaults; tests may lower them) ----
  int64_t snapshots_per_volume_max = 32;          // xMaxSnapshotsPerVolumeExceeded
  int64_t volumes_per_group_snapshot_max = 32;    // xExceededLimit
  int64_t clone_jobs_per_volume_max = 2;          // xMaxClonesPerVolumeExceeded
  int64_t clone_jobs_per_cluster_max = 32;        // xMaxClonesPerNodeExceeded (8 per node x 4 nodes)
  int64_t volume_access_group_count_max = 1000;   // xExceededLimit (no IQN in the message)
  int64_t initiators_per_volume_access_group_max = 128;
  int64_t volumes_per_volume_access_group_max = 2000;
  int64_t volume_access_groups_per_volume_max = 64;
  int64_t qos_policy_count_max = 500;
  int64_t cluster_pairs_max = 4;

  // ---- fault injection (grammar: README "Fault injection"); invalid specs make the constructor throw
  // std::invalid_argument ----
  std::vector<std::string> faults;

  // ---- persistence ----
  // Journal file: loaded (replayed) by the constructor, then every request to a mutating method is
  // appended and fdatasync'd before its reply is sent (README "Persistence"). Empty = in memory only.
  // The constructor throws std::runtime_error when the file cannot be read, written or is corrupt.
  std::string state_file;
  // Compaction: once the journal holds this many records, the whole state is written to
  // `state_file`.snap (atomically) and the journal restarts empty. 0 = never compact.
  uint64_t state_compact_records = 10000;
};

// Thrown by Server::handle() when a transport-level fault rule fires for an in-process request
// (there is no connection to reset and no HTTP status line, so the outcome is reported this way):
//   kind "http"  — nothing executed; http_status is the injected status (e.g. 503)
//   kind "reset" — nothing executed (the connection would have been reset)
//   kind "drop"  — the request WAS executed and committed; only its reply is lost
// (error= rules return the JSON-RPC error reply, latency= sleeps, pause blocks the calling thread
// until release_paused() and then executes and returns normally.)
struct InjectedFault : std::runtime_error {
  InjectedFault(std::string k, int status, bool was_executed, const std::string& what)
      : std::runtime_error(what), kind(std::move(k)), http_status(status), executed(was_executed) {}
  std::string kind;
  int http_status = 0;
  bool executed = false;
};

// Thrown by Server::fill() / fill_percent() when a simulated write is refused; `name` says why:
//   "xVolumeIDDoesNotExist" — no such volume (never created, or purged) on that cluster
//   "xVolumeDeleted"        — the volume is deleted (writes are refused until it is restored)
//   "xInvalidParameter"     — the amount is outside 0..totalSize (bytes) or 0..100 (percent)
struct FillError : std::invalid_argument {
  FillError(std::string n, const std::string& what) : std::invalid_argument(what), name(std::move(n)) {}
  std::string name;
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

  // Simulated time (all clusters): advance by `ms` (works with either clock; with manual_clock it is
  // the only way time moves). Returns the new simulated unix time in ms.
  int64_t advance_clock(int64_t ms);
  int64_t now_ms() const;

  // Fault injection (same grammar as --fault; throws std::invalid_argument). Faults apply to HTTP
  // requests and to handle(): error= returns the error reply, latency= sleeps, pause blocks the
  // caller until release_paused(), http=/reset/drop throw InjectedFault (drop after executing).
  void add_fault(const std::string& spec);
  static void validate_fault(const std::string& spec);  // throws std::invalid_argument
  void clear_faults();
  std::string faults_json() const;  // [{"spec","remaining","fired"}]
  // Paused requests (fault "pause"; HTTP and in-process handle() callers) are executed and answered;
  // returns how many.
  size_t release_paused();
  size_t paused_count() const;
  // Drops all objects of every cluster (accounts, volumes, ..., pairs) and the RPC counters; ids
  // restart at 1. Identities, ports and faults are kept.
  void reset_state();

  // Simulated writes (README "Capacity model"; also POST /control/fill): volume `volume_id` of
  // `cluster` holds `bytes` of written data afterwards (0..totalSize, rounded up to 4 KiB blocks; a
  // lower amount than before models discarded data). The capacity counters, GetVolumeStats and
  // GetVolumeEfficiency follow; snapshots and clones taken later carry it. Journalled like any
  // change (survives a restart with --state). Returns the volume's written bytes (nonZeroBlocks x
  // 4096). Throws FillError when refused (nothing changes), std::out_of_range for a bad cluster.
  int64_t fill(int64_t volume_id, int64_t bytes, int cluster = 0);
  // The same with `percent` (0..100) of the volume's totalSize, rounded up to whole blocks.
  int64_t fill_percent(int64_t volume_id, double percent, int cluster = 0);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace element_sim
