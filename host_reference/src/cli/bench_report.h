// What `vdp-host bench` prints: a header before the runs, then a table (one row per mix) or one JSON
// object with the same figures and the environment.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bench_runner.h"

namespace vdp::host::cli::bench {

struct RunInfo {
  std::string plugin_name, plugin_version, plugin_path, plugin_abi;
  bool embedded = false;     // the embedded simulator, else a configured backend
  std::string backend;       // "embedded Element simulator https://..." or "sf-gold in cinder.conf (san_ip ...)"
  std::string url;           // embedded: the simulator's URL
  bool tls = true;           // HTTPS
  bool tls_verify = true;    // the driver verifies the certificate
  std::string tls_detail;    // e.g. "certificate verified against /tmp/vdp-bench-cert-....pem"
  unsigned cores = 0;        // hardware threads of this machine
  std::string host_version;  // vdp-host's own version
  Settings settings;
  // Embedded simulator: what it still holds after the clean-up (volumes of any status, snapshots).
  std::optional<uint64_t> volumes_after, snapshots_after;
};

void print_header(const RunInfo& info);
void print_table(const RunInfo& info, const std::vector<MixResult>& results);
std::string to_json(const RunInfo& info, const std::vector<MixResult>& results);
// Failures on stderr: the first few per mix and every resource a clean-up could not delete.
void print_failures(const std::vector<MixResult>& results);

}  // namespace vdp::host::cli::bench
