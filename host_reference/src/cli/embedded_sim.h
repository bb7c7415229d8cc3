// The Element simulator that `demo` and `bench` start in-process: HTTPS on an ephemeral loopback port,
// a self-signed certificate written to a temporary file, and a driver configuration that verifies it.
#pragma once

#ifdef VDP_HOST_HAVE_SIMULATOR

#include <element_sim/server.h>

#include <memory>
#include <string>

#include "vdp_host/host.h"

namespace vdp::host::cli {

// A temporary file removed on scope exit.
class TempFile {
 public:
  TempFile(const std::string& prefix, const std::string& suffix, const std::string& content);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class EmbeddedSimulator {
 public:
  // Loopback (127.0.0.1, further clusters on 127.0.0.2...), ephemeral ports, TLS with a certificate
  // generated at start, simulator logging off. Callers adjust timings or cluster count on top.
  static element_sim::Options default_options();

  // Starts the simulator and writes its certificate to a temporary file (prefix names the command,
  // e.g. "vdp-demo-cert-"). Throws HostError (UNAVAILABLE) when the simulator cannot start.
  EmbeddedSimulator(const element_sim::Options& opts, const std::string& cert_prefix);
  ~EmbeddedSimulator();
  EmbeddedSimulator(const EmbeddedSimulator&) = delete;
  EmbeddedSimulator& operator=(const EmbeddedSimulator&) = delete;

  element_sim::Server& server() { return server_; }
  const std::string& certificate_path() const { return cert_->path(); }
  std::string address(int cluster = 0) const;  // "127.0.0.1"
  // The driver configuration for `cluster`: san_ip, sf_api_port, san_login, san_password,
  // driver_ssl_cert_path (the temporary certificate), driver_ssl_cert_verify=true, volume_backend_name.
  ConfigMap backend_config(const std::string& backend_name, int cluster = 0) const;

 private:
  element_sim::Server server_;
  std::unique_ptr<TempFile> cert_;  // written once the server runs: its certificate exists only then
};

}  // namespace vdp::host::cli

#endif  // VDP_HOST_HAVE_SIMULATOR
