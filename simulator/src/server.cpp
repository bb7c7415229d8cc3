// element_sim::Server: owns the clusters and the HTTP front end.
#include "element_sim/server.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <random>
#include <thread>
#include <sstream>
#include <stdexcept>

#include "api_version.h"
#include "cluster_state.h"
#include "fabric.h"
#include "faults.h"
#include "http_server.h"
#include "journal.h"
#include "json.h"
#include "persistence.h"
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

// Address of cluster i derived from `base` (Options::distinct_cluster_addresses): 127.a.b.(c+i) for
// an IPv4 loopback base, else base. Throws std::invalid_argument when the last octet would overflow.
std::string cluster_address(const std::string& base, int i, int clusters, bool distinct) {
  if (!distinct || clusters <= 1) return base;
  unsigned a = 0, b = 0, c = 0, d = 0;
  char tail = 0;
  if (std::sscanf(base.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a != 127 || b > 255 || c > 255 ||
      d > 255)
    return base;
  if (d + static_cast<unsigned>(clusters - 1) > 254)
    throw std::invalid_argument("element-sim: " + base + " + " + std::to_string(clusters - 1) +
                                " clusters leaves 127/8's last octet; use a lower address or --shared-address");
  return std::to_string(a) + "." + std::to_string(b) + "." + std::to_string(c) + "." +
         std::to_string(d + static_cast<unsigned>(i));
}

}  // namespace

struct Server::Impl {
  Options opts;
  std::string address;              // advertised base address (cluster 0)
  std::vector<std::string> addresses;  // advertised address per cluster (mvip/svip, url())
  std::vector<std::string> binds;      // bind address per cluster
  std::shared_ptr<spdlog::logger> log;
  Clock clock;
  Fabric fabric;
  std::unique_ptr<FaultInjector> faults;
  std::unique_ptr<Persistence> persistence;  // --state
  Server* self = nullptr;
  // In-process handle() callers blocked by a "pause" rule: release_paused() bumps the generation.
  mutable std::mutex pause_mu;
  std::condition_variable pause_cv;
  uint64_t pause_generation = 0;
  size_t paused_inproc = 0;

  HttpServer::Outcome rpc(int cluster, ApiVersion v, const std::string& body);
  // dispatch(), then a compaction when the journal has grown enough (outside every cluster lock).
  std::string run(Cluster& c, const std::string& body, ApiVersion v) {
    std::string reply = dispatch(c, body, v, log.get());
    if (persistence) persistence->maybe_compact();
    return reply;
  }
  HttpServer::Outcome control(int cluster, const std::string& method, const std::string& path,
                              const std::string& body);
  // Runs the internal fill method with `params` (JSON object text) on a cluster: locked and
  // journalled like a request. Returns its result, or throws FillError.
  json::Ptr fill(int cluster, const std::string& params);
  std::string state_json() const;
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
  for (int i = 0; i < impl_->opts.clusters; ++i) {
    const Options& o = impl_->opts;
    impl_->addresses.push_back(cluster_address(impl_->address, i, o.clusters, o.distinct_cluster_addresses));
    impl_->binds.push_back(cluster_address(o.bind_address, i, o.clusters, o.distinct_cluster_addresses));
  }
  impl_->log = std::make_shared<spdlog::logger>("element-sim", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  impl_->log->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [element-sim] [%l] %v");
  auto level = spdlog::level::from_str(impl_->opts.log_level);
  if (level == spdlog::level::off && impl_->opts.log_level != "off") level = spdlog::level::warn;
  impl_->log->set_level(level);
  impl_->self = this;
  impl_->faults = std::make_unique<FaultInjector>(impl_->opts.seed);
  for (const auto& spec : impl_->opts.faults) impl_->faults->add(parse_fault(spec));
  impl_->clock.manual = impl_->opts.manual_clock;
  impl_->clock.base_ms = impl_->opts.manual_clock_start_ms != 0 ? impl_->opts.manual_clock_start_ms
                                                                : now_seconds() * 1000;
  for (int i = 0; i < impl_->opts.clusters; ++i) {
    impl_->clusters.push_back(
        std::make_unique<Cluster>(i, impl_->opts, impl_->addresses[static_cast<size_t>(i)], &impl_->clock,
                                  &impl_->fabric));
    impl_->fabric.clusters.push_back(impl_->clusters.back().get());
  }
  // Distinct uniqueIDs across the clusters of one process (IQNs must not collide).
  for (size_t i = 1; i < impl_->clusters.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (impl_->clusters[i]->unique_id == impl_->clusters[j]->unique_id) {
        impl_->clusters[i]->unique_id[3] = impl_->clusters[i]->unique_id[3] == 'z' ? '0' : 'z';
        j = static_cast<size_t>(-1);  // restart the scan
      }
    }
  }
  if (!impl_->opts.state_file.empty()) {
    Impl& s = *impl_;
    auto replay = [&s](const Journal::Record& r) {
      if (r.reset) {
        std::lock_guard lk(s.fabric.mu);
        s.fabric.cluster_pairs.clear();
        s.fabric.volume_pairs.clear();
        for (auto& c : s.clusters) c->reset_state();
        return;
      }
      auto v = find_supported_version(r.version);
      if (!v || r.cluster < 0 || r.cluster >= static_cast<int>(s.clusters.size()))
        throw std::runtime_error("element-sim: state file '" + s.opts.state_file + "' has a record for cluster " +
                                 std::to_string(r.cluster) + " / version " + r.version +
                                 " that this configuration does not serve");
      // internal = true: a record of the fill control replays like the requests around it.
      dispatch(*s.clusters[static_cast<size_t>(r.cluster)], r.body, *v, nullptr, nullptr, r.now_ms, true);
    };
    s.persistence = std::make_unique<Persistence>(s.opts.state_file, s.opts.state_compact_records, s.fabric, replay,
                                                  s.log.get());
    s.fabric.journal = s.persistence->journal();
    for (auto& c : s.clusters) c->reset_counts();
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
  cfg.bind_addresses = s.binds;
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
      for (const auto& a : s.addresses) {
        if (std::find(names.begin(), names.end(), a) == names.end()) names.push_back(a);
      }
      for (const char* n : {"127.0.0.1", "localhost", "::1"}) {
        if (std::find(names.begin(), names.end(), n) == names.end()) names.emplace_back(n);
      }
      std::random_device rd;
      auto kp = generate_self_signed(names, (static_cast<unsigned long long>(rd()) << 31) ^ rd());
      cfg.cert_pem = std::move(kp.cert_pem);
      cfg.key_pem = std::move(kp.key_pem);
    }
  }
  std::string cert = cfg.cert_pem;
  auto http = std::make_unique<HttpServer>(
      std::move(cfg), [this](int cluster, ApiVersion v, const std::string& body) { return impl_->rpc(cluster, v, body); },
      s.log,
      [this](int cluster, const std::string& method, const std::string& path, const std::string& body) {
        return impl_->control(cluster, method, path, body);
      });
  http->start();
  s.http = std::move(http);
  s.cert_pem = std::move(cert);
  for (int i = 0; i < s.opts.clusters; ++i) s.log->info("cluster {} listening on {}", i, url(i));
}

HttpServer::Outcome Server::Impl::rpc(int cluster, ApiVersion v, const std::string& body) {
  Impl& s = *this;
  Cluster& c = s.cluster(cluster);
  HttpServer::Outcome out;
  if (!s.faults->active()) {
    out.body = s.run(c, body, v);
    return out;
  }
  const std::string method = peek_method(body);
  const FaultInjector::Decision d = s.faults->decide(cluster, method);
  out.delay_ms = d.latency_ms;
  if (!d.fire) {
    out.body = s.run(c, body, v);
    return out;
  }
  if (s.log->should_log(spdlog::level::debug))
    s.log->debug("cluster={} method={} injected fault kind={}", cluster, method.empty() ? "-" : method,
                 static_cast<int>(d.kind));
  switch (d.kind) {
    case FaultRule::Kind::error:
      c.count_rpc(method);
      out.body = error_reply(body, d.error_name, "Injected fault: " + d.error_name);
      break;
    case FaultRule::Kind::http: {
      c.count_rpc(method);
      out.status = static_cast<unsigned>(d.http_status);
      out.content_type = "text/html";
      out.body = "<html><head><title>" + std::to_string(d.http_status) + "</title></head><body><h1>" +
                 std::to_string(d.http_status) + "</h1></body></html>\n";
      break;
    }
    case FaultRule::Kind::reset:
      c.count_rpc(method);
      out.kind = HttpServer::Outcome::Kind::reset;
      break;
    case FaultRule::Kind::drop:
      s.run(c, body, v);  // committed, then the reply is lost
      out.kind = HttpServer::Outcome::Kind::drop;
      break;
    case FaultRule::Kind::pause:
      out.kind = HttpServer::Outcome::Kind::pause;
      out.resume = [this, cluster, v, body] {
        HttpServer::Outcome next;
        next.body = run(this->cluster(cluster), body, v);
        return next;
      };
      break;
    case FaultRule::Kind::huge:
      c.count_rpc(method);
      out.kind = HttpServer::Outcome::Kind::huge;
      out.stream_bytes = d.huge_bytes;
      break;
    case FaultRule::Kind::endless:
      c.count_rpc(method);
      out.kind = HttpServer::Outcome::Kind::endless;
      break;
    case FaultRule::Kind::latency:
      break;
  }
  return out;
}

namespace {

HttpServer::Outcome control_reply(unsigned status, const std::string& body) {
  HttpServer::Outcome o;
  o.status = status;
  o.body = body;
  return o;
}

HttpServer::Outcome control_error(unsigned status, const std::string& msg) {
  json::Ptr o = json::object();
  json::add_str(o.get(), "error", msg);
  return control_reply(status, json::print(o.get()));
}

}  // namespace

std::string Server::Impl::state_json() const {
  const Impl& s = *this;
  json::Ptr o = json::object();
  json::add_int(o.get(), "nowMs", s.clock.now_ms());
  json::add_int(o.get(), "paused", static_cast<int64_t>(self->paused_count()));
  json::add_raw(o.get(), "faults", s.faults->rules_json());
  cJSON* arr = json::add_arr(o.get(), "clusters");
  for (const auto& c : s.clusters) {
    json::Ptr e = json::object();
    json::add_int(e.get(), "index", c->index);
    json::add_str(e.get(), "name", c->name);
    json::add_str(e.get(), "uniqueID", c->unique_id);
    json::add_str(e.get(), "url", s.http ? self->url(c->index) : "");
    {
      std::lock_guard lk(c->mu);
      json::add_int(e.get(), "accounts", static_cast<int64_t>(c->accounts.size()));
      json::add_int(e.get(), "volumes", static_cast<int64_t>(c->volumes.size()));
      json::add_int(e.get(), "snapshots", static_cast<int64_t>(c->snapshots.size()));
      json::add_int(e.get(), "volumeAccessGroups", static_cast<int64_t>(c->access_groups.size()));
    }
    json::add_int(e.get(), "rpcTotal", static_cast<int64_t>(c->rpc_total()));
    json::push(arr, e.release());
  }
  return json::print(o.get());
}

HttpServer::Outcome Server::Impl::control(int cluster, const std::string& method, const std::string& path,
                                    const std::string& body) {
  Impl& s = *this;
  std::string p = path;
  if (p.size() > 1 && p.back() == '/') p.pop_back();
  json::Ptr req = body.empty() ? json::object() : json::parse(body);
  if (!req || !cJSON_IsObject(req.get())) return control_error(400, "body must be a JSON object");
  if (p == "/control/state" && method == "GET") return control_reply(200, state_json());
  if (p == "/control/faults") {
    if (method == "GET") return control_reply(200, "{\"faults\":" + s.faults->rules_json() + "}");
    if (method == "DELETE") {
      self->clear_faults();
      return control_reply(200, "{\"faults\":[]}");
    }
    if (method == "POST") {
      const cJSON* list = cJSON_GetObjectItemCaseSensitive(req.get(), "faults");
      if (list != nullptr && !cJSON_IsArray(list)) return control_error(400, "faults must be an array of strings");
      std::vector<FaultRule> rules;
      const cJSON* el = nullptr;
      cJSON_ArrayForEach(el, list) {
        if (!cJSON_IsString(el)) return control_error(400, "faults must be an array of strings");
        try {
          rules.push_back(parse_fault(el->valuestring));
        } catch (const std::invalid_argument& e) {
          return control_error(400, e.what());
        }
      }
      if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req.get(), "replace"))) s.faults->clear();
      for (auto& r : rules) s.faults->add(std::move(r));
      return control_reply(200, "{\"faults\":" + s.faults->rules_json() + "}");
    }
  }
  if (p == "/control/release" && method == "POST")
    return control_reply(200, "{\"released\":" + std::to_string(self->release_paused()) + "}");
  if (p == "/control/reset" && method == "POST") {
    self->clear_faults();
    self->release_paused();
    self->reset_state();
    return control_reply(200, state_json());
  }
  if (p == "/control/fill" && method == "POST") {
    // {"volumeID": N, "bytes": B} or {"volumeID": N, "percent": P}; validated by the method itself.
    json::Ptr params = json::object();
    for (const char* k : {"volumeID", "bytes", "percent"}) {
      if (const cJSON* m = cJSON_GetObjectItemCaseSensitive(req.get(), k)) json::add(params.get(), k, cJSON_Duplicate(m, 1));
    }
    try {
      json::Ptr r = fill(cluster, json::print(params.get()));
      return control_reply(200, json::print(r.get()));
    } catch (const FillError& e) {
      const unsigned status = e.name == "xVolumeIDDoesNotExist" ? 404
                              : e.name == "xVolumeDeleted"      ? 409
                              : e.name == "xInvalidParameter" || e.name == "xMissingParameter" ? 400
                                                                                                : 500;
      json::Ptr o = json::object();
      json::add_str(o.get(), "error", e.what());
      json::add_str(o.get(), "name", e.name);
      return control_reply(status, json::print(o.get()));
    }
  }
  if (p == "/control/clock" && method == "POST") {
    const cJSON* ms = cJSON_GetObjectItemCaseSensitive(req.get(), "advanceMs");
    if (!cJSON_IsNumber(ms) || ms->valuedouble < 0) return control_error(400, "advanceMs must be a non-negative number");
    const int64_t now = self->advance_clock(static_cast<int64_t>(ms->valuedouble));
    return control_reply(200, "{\"nowMs\":" + std::to_string(now) + "}");
  }
  return control_error(404, "unknown control endpoint " + method + " " + path);
}

json::Ptr Server::Impl::fill(int cluster_index, const std::string& params) {
  Cluster& c = cluster(cluster_index);
  const std::string body = std::string("{\"method\":\"") + kFillMethod + "\",\"params\":" + params + "}";
  const std::string reply = dispatch(c, body, kCurrentApiVersion, log.get(), nullptr, -1, true);
  if (persistence) persistence->maybe_compact();
  json::Ptr r = json::parse(reply);
  const cJSON* err = r ? cJSON_GetObjectItemCaseSensitive(r.get(), "error") : nullptr;
  if (err != nullptr || !r) {
    const cJSON* n = cJSON_GetObjectItemCaseSensitive(err, "name");
    const cJSON* m = cJSON_GetObjectItemCaseSensitive(err, "message");
    throw FillError(cJSON_IsString(n) ? n->valuestring : "xUnknownException",
                    std::string("element-sim: fill refused on cluster ") + std::to_string(cluster_index) + ": " +
                        (cJSON_IsString(m) ? m->valuestring : reply));
  }
  return json::Ptr(cJSON_DetachItemFromObjectCaseSensitive(r.get(), "result"));
}

namespace {
int64_t written_bytes(const json::Ptr& result) {
  const cJSON* n = cJSON_GetObjectItemCaseSensitive(result.get(), "nonZeroBlocks");
  return cJSON_IsNumber(n) ? static_cast<int64_t>(n->valuedouble) * kBlockSize : 0;
}
}  // namespace

int64_t Server::fill(int64_t volume_id, int64_t bytes, int cluster) {
  return written_bytes(impl_->fill(cluster, "{\"volumeID\":" + std::to_string(volume_id) +
                                                ",\"bytes\":" + std::to_string(bytes) + "}"));
}

int64_t Server::fill_percent(int64_t volume_id, double percent, int cluster) {
  if (!std::isfinite(percent)) throw FillError("xInvalidParameter", "element-sim: fill percent must be finite");
  char num[32];
  std::snprintf(num, sizeof num, "%.17g", percent);  // round-trips: replay computes the same blocks
  return written_bytes(impl_->fill(cluster, "{\"volumeID\":" + std::to_string(volume_id) + ",\"percent\":" + num + "}"));
}

void Server::add_fault(const std::string& spec) { impl_->faults->add(parse_fault(spec)); }

void Server::validate_fault(const std::string& spec) { parse_fault(spec); }

void Server::clear_faults() { impl_->faults->clear(); }

std::string Server::faults_json() const { return impl_->faults->rules_json(); }

size_t Server::release_paused() {
  size_t n = impl_->http ? impl_->http->release_paused() : 0;
  {
    std::lock_guard lk(impl_->pause_mu);
    n += impl_->paused_inproc;
    impl_->paused_inproc = 0;
    ++impl_->pause_generation;
  }
  impl_->pause_cv.notify_all();
  return n;
}

size_t Server::paused_count() const {
  size_t n = impl_->http ? impl_->http->paused_count() : 0;
  std::lock_guard lk(impl_->pause_mu);
  return n + impl_->paused_inproc;
}

void Server::reset_state() {
  Impl& s = *impl_;
  {
    std::vector<std::unique_lock<std::mutex>> locks;
    for (auto& c : s.clusters) locks.emplace_back(c->mu);
    std::lock_guard lk(s.fabric.mu);
    s.fabric.cluster_pairs.clear();
    s.fabric.volume_pairs.clear();
    for (auto& c : s.clusters) c->reset_state();
    if (s.persistence) s.persistence->journal()->append_reset();
  }
  if (s.persistence) s.persistence->maybe_compact();
  reset_counts();
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
  const uint16_t p = port(cluster);  // validates `cluster`
  const std::string& a = impl_->addresses[static_cast<size_t>(cluster)];
  const std::string host = a.find(':') != std::string::npos && a.front() != '[' ? "[" + a + "]" : a;
  return std::string(impl_->opts.tls ? "https://" : "http://") + host + ":" + std::to_string(p);
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
  if (impl_->faults->active()) {
    const std::string method = peek_method(request_body);
    const FaultInjector::Decision d = impl_->faults->decide(cluster, method);
    if (d.latency_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(d.latency_ms));
    if (d.fire) {
      switch (d.kind) {
        case FaultRule::Kind::error:
          c.count_rpc(method);
          return error_reply(request_body, d.error_name, "Injected fault: " + d.error_name);
        case FaultRule::Kind::http:
          c.count_rpc(method);
          throw InjectedFault("http", d.http_status, false,
                              "element-sim: injected HTTP " + std::to_string(d.http_status) + " for " + method);
        case FaultRule::Kind::reset:
          c.count_rpc(method);
          throw InjectedFault("reset", 0, false, "element-sim: injected connection reset for " + method);
        case FaultRule::Kind::drop:
          impl_->run(c, request_body, *v);  // committed, then the reply is lost
          throw InjectedFault("drop", 0, true, "element-sim: injected lost reply for " + method + " (executed)");
        case FaultRule::Kind::pause: {
          std::unique_lock lk(impl_->pause_mu);
          const uint64_t gen = impl_->pause_generation;
          ++impl_->paused_inproc;
          impl_->pause_cv.wait(lk, [&] { return impl_->pause_generation != gen; });
          break;  // released: executed and answered below
        }
        case FaultRule::Kind::huge:
        case FaultRule::Kind::endless:
          // Both are about the HTTP body; in process there is none: reported like a lost reply.
          c.count_rpc(method);
          throw InjectedFault(d.kind == FaultRule::Kind::huge ? "huge" : "endless", 0, false,
                              "element-sim: injected unusable reply body for " + method);
        case FaultRule::Kind::latency: break;
      }
    }
  }
  return impl_->run(c, request_body, *v);
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

int64_t Server::advance_clock(int64_t ms) {
  impl_->clock.offset_ms.fetch_add(ms);
  return impl_->clock.now_ms();
}

int64_t Server::now_ms() const { return impl_->clock.now_ms(); }

}  // namespace element_sim
