// TLS refusals at setup: a certificate from another CA, a certificate for another host name, an expired
// certificate, plain HTTP spoken to an HTTPS port and HTTPS to a plain-HTTP port. Each must fail at once
// (one attempt, no retry loop) with UNAVAILABLE and a message that names the cause, not only libcurl's
// text. The certificates come from the simulator's own generator.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../simulator/src/tls_cert.h"
#include "support.h"

namespace it {
namespace {

constexpr long kDay = 24L * 3600;

// A file under /tmp holding `content`, removed with the object.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char tmpl[] = "/tmp/vdp-it-tls-XXXXXX";
    const int fd = mkstemp(tmpl);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    ::close(fd);
    path_ = tmpl;
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A certificate and its key on disk, for the simulator's cert_file/key_file and the driver's CA file.
struct CertFiles {
  explicit CertFiles(const element_sim::CertKeyPem& pem) : cert(pem.cert_pem), key(pem.key_pem) {}
  TempFile cert;
  TempFile key;
};

CertFiles make_cert(const std::vector<std::string>& names, const element_sim::CertValidity& validity = {}) {
  static unsigned long long serial = 1000;
  return CertFiles(element_sim::generate_self_signed(names, ++serial, validity));
}

element_sim::Options sim_with_cert(const CertFiles& files) {
  element_sim::Options o = Sim::default_options();
  o.cert_file = files.cert.path();
  o.key_file = files.key.path();
  return o;
}

struct SetupOutcome {
  vdp_status status = VDP_OK;
  std::string message;
  std::string output;
  double seconds = 0;
  size_t attempts = 0;  // GetClusterInfo attempts the driver logged (setup's first RPC)
};

vh::ConfigMap with(vh::ConfigMap cfg, const vh::ConfigMap& overrides) {
  for (const auto& [k, v] : overrides) cfg[k] = v;
  return cfg;
}

// Runs setup with `cfg` at debug log level, so that every RPC attempt leaves a line ("element rpc
// GetClusterInfo v<version> attempt N/M ..."). The simulator counts nothing here: a refused connection
// never reaches its JSON-RPC layer.
SetupOutcome setup_with(vh::ConfigMap cfg) {
  cfg["vdp_log_level"] = "debug";
  LogCapture logs;
  auto drv = make_driver(cfg, &logs);
  vh::CallOptions opts;
  opts.timeout = std::chrono::seconds(60);
  const auto start = std::chrono::steady_clock::now();
  const vh::CallResult r = drv->setup(opts);
  SetupOutcome out;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.status = r.status;
  out.output = r.output;
  out.message = Json::parse(r.output)["message"].str();
  for (const auto& line : logs.lines()) {
    if (line.find("element rpc GetClusterInfo ") != std::string::npos && line.find(" attempt ") != std::string::npos) {
      ++out.attempts;
    }
  }
  std::printf("[tls] %s: %.3f s, %zu attempt(s): %s\n",
              ::testing::UnitTest::GetInstance()->current_test_info()->name(), out.seconds, out.attempts,
              out.message.c_str());
  return out;
}

// The common shape of every refusal: UNAVAILABLE, one attempt, quick, and `cause` named.
void expect_refusal(const SetupOutcome& r, const std::string& cause) {
  EXPECT_TRUE(IsErrorJson(r.status, r.output, VDP_E_UNAVAILABLE, "setup"));
  EXPECT_NE(r.message.find(cause), std::string::npos) << "expected \"" << cause << "\" in: " << r.message;
  EXPECT_EQ(r.attempts, 1u) << "a TLS refusal is not retried";
  EXPECT_LT(r.seconds, 10.0);
}

TEST(Tls, GeneratedCertificateFilesAreAccepted) {
  // The control case: the same generator and files, with matching names and dates, work.
  const CertFiles files = make_cert({"127.0.0.1", "localhost"});
  Sim sim(sim_with_cert(files));
  const SetupOutcome r = setup_with(with(sim_config(sim), {{"driver_ssl_cert_path", files.cert.path()}}));
  EXPECT_EQ(r.status, VDP_OK) << r.output;
  EXPECT_EQ(r.attempts, 1u);
}

TEST(Tls, CertificateFromAnotherCa) {
  Sim& sim = shared_sim();
  const CertFiles other = make_cert({"127.0.0.1", "localhost"});
  const SetupOutcome r = setup_with(with(sim_config(sim), {{"driver_ssl_cert_path", other.cert.path()}}));
  expect_refusal(r, "unknown CA");
  EXPECT_NE(r.message.find("driver_ssl_cert_path"), std::string::npos) << r.message;
}

TEST(Tls, CertificateForAnotherIpAddress) {
  const CertFiles files = make_cert({"cluster.other.example", "10.99.99.99"});
  Sim sim(sim_with_cert(files));
  const SetupOutcome r = setup_with(with(sim_config(sim), {{"driver_ssl_cert_path", files.cert.path()}}));
  expect_refusal(r, "host name mismatch");
  EXPECT_NE(r.message.find("127.0.0.1"), std::string::npos) << "names the address connected to: " << r.message;
}

TEST(Tls, CertificateForAnotherHostName) {
  // Connected as "localhost"; the certificate names only the address.
  const CertFiles files = make_cert({"127.0.0.1"});
  Sim sim(sim_with_cert(files));
  const SetupOutcome r =
      setup_with(with(sim_config(sim), {{"driver_ssl_cert_path", files.cert.path()}, {"san_ip", "localhost"}}));
  expect_refusal(r, "host name mismatch");
  EXPECT_NE(r.message.find("localhost"), std::string::npos) << r.message;
}

TEST(Tls, ExpiredCertificate) {
  const CertFiles files = make_cert({"127.0.0.1", "localhost"}, {-30 * kDay, -1 * kDay});
  Sim sim(sim_with_cert(files));
  const SetupOutcome r = setup_with(with(sim_config(sim), {{"driver_ssl_cert_path", files.cert.path()}}));
  expect_refusal(r, "certificate has expired");
}

TEST(Tls, CertificateNotYetValid) {
  const CertFiles files = make_cert({"127.0.0.1", "localhost"}, {1 * kDay, 30 * kDay});
  Sim sim(sim_with_cert(files));
  const SetupOutcome r = setup_with(with(sim_config(sim), {{"driver_ssl_cert_path", files.cert.path()}}));
  expect_refusal(r, "certificate is not yet valid");
}

TEST(Tls, PlainHttpToAnHttpsPort) {
  Sim& sim = shared_sim();
  const SetupOutcome r = setup_with(with(sim_config(sim), {{"sf_api_scheme", "http"}}));
  expect_refusal(r, "the server speaks TLS");
  EXPECT_NE(r.message.find("sf_api_scheme"), std::string::npos) << r.message;
}

TEST(Tls, HttpsToAPlainHttpPort) {
  // Sim insists on TLS (it writes the certificate out), so this one is a bare server.
  element_sim::Options o = Sim::default_options();
  o.tls = false;
  element_sim::Server plain(o);
  plain.start();
  const SetupOutcome r = setup_with({{"san_ip", "127.0.0.1"},
                                     {"sf_api_port", std::to_string(plain.port())},
                                     {"san_login", kSimUser},
                                     {"san_password", kSimPassword}});
  plain.stop();
  expect_refusal(r, "server does not speak TLS");
  EXPECT_NE(r.message.find("sf_api_scheme"), std::string::npos) << r.message;
}

}  // namespace
}  // namespace it
