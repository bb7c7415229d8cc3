#include "embedded_sim.h"

#ifdef VDP_HOST_HAVE_SIMULATOR

#include <unistd.h>

#include <cstdlib>
#include <exception>

namespace vdp::host::cli {

TempFile::TempFile(const std::string& prefix, const std::string& suffix, const std::string& content) {
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
      ::unlink(path_.c_str());
      throw HostError("cannot write " + path_);
    }
    off += static_cast<size_t>(n);
  }
  ::close(fd);
}

TempFile::~TempFile() { ::unlink(path_.c_str()); }

element_sim::Options EmbeddedSimulator::default_options() {
  element_sim::Options o;
  o.bind_address = "127.0.0.1";
  o.port = 0;
  o.tls = true;
  o.log_level = "off";
  return o;
}

EmbeddedSimulator::EmbeddedSimulator(const element_sim::Options& opts, const std::string& cert_prefix) : server_(opts) {
  try {
    server_.start();
  } catch (const std::exception& e) {
    throw HostError(std::string("cannot start the embedded simulator: ") + e.what(), VDP_E_UNAVAILABLE);
  }
  cert_ = std::make_unique<TempFile>(cert_prefix, ".pem", server_.certificate_pem());
}

EmbeddedSimulator::~EmbeddedSimulator() = default;

// "https://127.0.0.2:4443" -> "127.0.0.2".
std::string EmbeddedSimulator::address(int cluster) const {
  const std::string url = server_.url(cluster);
  const auto start = url.find("://");
  const std::string rest = start == std::string::npos ? url : url.substr(start + 3);
  return rest.substr(0, rest.rfind(':'));
}

ConfigMap EmbeddedSimulator::backend_config(const std::string& backend_name, int cluster) const {
  return {{"san_ip", address(cluster)},
          {"sf_api_port", std::to_string(server_.port(cluster))},
          {"san_login", server_.options().user},
          {"san_password", server_.options().password},
          {"driver_ssl_cert_path", cert_->path()},
          {"driver_ssl_cert_verify", "true"},
          {"volume_backend_name", backend_name}};
}

}  // namespace vdp::host::cli

#endif  // VDP_HOST_HAVE_SIMULATOR
