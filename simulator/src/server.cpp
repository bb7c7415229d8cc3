// element_sim::Server: owns the clusters and the HTTP front end.
#include "element_sim/server.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

#include "api_version.h"
#include "cluster_state.h"
#include "http_server.h"
#include "json.h"
#include "rpc.h"
#include "tls_cert.h"

namespace element_sim {

namespace {

constexpr int kMaxClusters = 64;

std::string read_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("element-sim: cannot read ") + what + " file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string advertised(const Options& o) {
  if (!o.advertise_address.empty()) return o.advertise_address;
  if (o.bind_address.empty() || o.bind_address == "0.0.0.0") return "127.0.0.1";
  if (o.bind_address == "::" || o.bind_address == "[::]") return "::1";
  return o.bind_address;
}

}  // namespace

struct Server::Impl {
  Options opts;
  std::string address;
  std::shared_ptr<spdlog::logger> log;
  std::vector<std::unique_ptr<Cluster>> clusters;
  std::unique_ptr<HttpServer> http;
  std::string cert_pem;

  Cluster& cluster(int i) const {
    if (i < 0 || i >= static_cast<int>(clusters.size()))
      throw std::out_of_range("element-sim: no cluster " + std::to_string(i));
    return *clusters[static_cast<size_t>(i)];
  }
};

Server::Server(Options opts) : impl_(std::make_unique<Impl>()) {
  if (opts.clusters < 1 || opts.clusters > kMaxClusters)
    throw std::invalid_argument("element-sim: clusters must be 1.." + std::to_string(kMaxClusters));
  if (opts.port != 0 && static_cast<int>(opts.port) + opts.clusters - 1 > 65535)
    throw std::invalid_argument("element-sim: port + clusters exceeds 65535");
  impl_->opts = std::move(opts);
  impl_->address = advertised(impl_->opts);
  impl_->log = std::make_shared<spdlog::logger>("element-sim", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  impl_->log->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [element-sim] [%l] %v");
  auto level = spdlog::level::from_str(impl_->opts.log_level);
  if (level == spdlog::level::off && impl_->opts.log_level != "off") level = spdlog::level::warn;
  impl_->log->set_level(level);
  for (int i = 0; i < impl_->opts.clusters; ++i)
    impl_->clusters.push_back(std::make_unique<Cluster>(i, impl_->opts, impl_->address));
  // Distinct uniqueIDs across the clusters of one process (IQNs must not collide).
  for (size_t i = 1; i < impl_->clusters.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (impl_->clusters[i]->unique_id == impl_->clusters[j]->unique_id) {
        impl_->clusters[i]->unique_id[3] = impl_->clusters[i]->unique_id[3] == 'z' ? '0' : 'z';
        j = static_cast<size_t>(-1);  // restart the scan
      }
    }
  }
}

Server::~Server() {
  try {
    stop();
  } catch (...) {
  }
}

void Server::start() {
  Impl& s = *impl_;
  if (s.http) return;
  HttpServer::Config cfg;
  cfg.bind_address = s.opts.bind_address;
  cfg.threads = s.opts.io_threads;
  cfg.tls = s.opts.tls;
  cfg.user = s.opts.user;
  cfg.password = s.opts.password;
  for (int i = 0; i < s.opts.clusters; ++i)
    cfg.ports.push_back(s.opts.port == 0 ? 0 : static_cast<uint16_t>(s.opts.port + i));
  if (s.opts.tls) {
    if (!s.opts.cert_file.empty() || !s.opts.key_file.empty()) {
      if (s.opts.cert_file.empty() || s.opts.key_file.empty())
        throw std::runtime_error("element-sim: cert_file and key_file must be given together");
      cfg.cert_pem = read_file(s.opts.cert_file, "certificate");
      cfg.key_pem = read_file(s.opts.key_file, "key");
    } else {
      std::vector<std::string> names{s.address};
      for (const char* n : {"127.0.0.1", "localhost", "::1"}) {
        if (s.address != n) names.emplace_back(n);
      }
      std::random_device rd;
      auto kp = generate_self_signed(names, (static_cast<unsigned long long>(rd()) << 31) ^ rd());
      cfg.cert_pem = std::move(kp.cert_pem);
      cfg.key_pem = std::move(kp.key_pem);
    }
  }
  std::string cert = cfg.cert_pem;
  auto http = std::make_unique<HttpServer>(
      std::move(cfg),
      [this](int cluster, ApiVersion v, const std::string& body) {
        return dispatch(impl_->cluster(cluster), body, v, impl_->log.get());
      },
      s.log);
  http->start();
  s.http = std::move(http);
  s.cert_pem = std::move(cert);
  for (int i = 0; i < s.opts.clusters; ++i) s.log->info("cluster {} listening on {}", i, url(i));
}

void Server::stop() {
  if (impl_->http) {
    impl_->http->stop();
    impl_->http.reset();
  }
}

int Server::cluster_count() const { return static_cast<int>(impl_->clusters.size()); }

uint16_t Server::port(int cluster) const {
  impl_->cluster(cluster);
  return impl_->http ? impl_->http->port(cluster) : 0;
}

std::string Server::url(int cluster) const {
  const std::string& a = impl_->address;
  const std::string host = a.find(':') != std::string::npos && a.front() != '[' ? "[" + a + "]" : a;
  return std::string(impl_->opts.tls ? "https://" : "http://") + host + ":" + std::to_string(port(cluster));
}

std::string Server::handle(const std::string& request_body, const std::string& api_version, int cluster) {
  Cluster& c = impl_->cluster(cluster);
  auto v = find_supported_version(api_version);
  if (!v) {
    c.count_rpc("");
    json::Ptr r = json::object();
    json::add_null(r.get(), "id");
    cJSON* err = json::add_obj(r.get(), "error");
    json::add_int(err, "code", 500);
    json::add_str(err, "name", "xUnknownAPIVersion");
    json::add_str(err, "message", "Unknown API version " + api_version);
    return json::print(r.get());
  }
  return dispatch(c, request_body, *v, impl_->log.get());
}

uint64_t Server::rpc_count(const std::string& method, int cluster) const {
  return impl_->cluster(cluster).rpc_count(method);
}

uint64_t Server::rpc_total(int cluster) const { return impl_->cluster(cluster).rpc_total(); }

void Server::reset_counts() {
  for (auto& c : impl_->clusters) c->reset_counts();
}

std::string Server::certificate_pem() const { return impl_->http ? impl_->cert_pem : std::string(); }

uint64_t Server::volumes_serialized() const {
  uint64_t n = 0;
  for (const auto& c : impl_->clusters) n += c->serialized.load();
  return n;
}

const Options& Server::options() const { return impl_->opts; }

}  // namespace element_sim
