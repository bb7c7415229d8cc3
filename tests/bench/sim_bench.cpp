// element-sim benchmark: prints figures, asserts nothing (timings are machine-dependent).
//   * bytes of heap per volume (mallinfo2 before/after seeding volumes over 10,000 accounts)
//   * lookup latency at 1k vs 100k volumes: in-process (Server::handle) and over keep-alive HTTPS
//   * RPCs/s over keep-alive HTTPS with 2 client threads (GetClusterInfo, ListVolumes{volumeIDs:[id]}),
//     with libcurl (what the driver uses) and with a minimal blocking TLS client, 1 and 2 io threads
//
// Made for a shared, noisy machine: every figure comes from many short rounds in which the compared
// configurations alternate, so a burst of foreign load hits all of them alike; medians are the
// headline and the best round is shown next to them. Request bodies are built before timing (same
// random-id pattern for both cluster sizes, fresh ids in every round so the large cluster is not
// measured on a warmed-up subset). CPU time per RPC (getrusage / per-thread clocks) is printed with
// the RPC rates: it is far less sensitive to other processes than wall-clock throughput.
//
// Usage: sim_bench [--quick] [--http-only | --lookups-only] [--volumes N] [--accounts N] [--seconds S] [--rounds R]
//   --seconds S  length of one RPC/s round (default 1; --quick 0.25)
//   --rounds R   RPC/s rounds per configuration (default 7; --quick 2)
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "element_sim/server.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
double min_of(const std::vector<double>& v) { return v.empty() ? 0 : *std::min_element(v.begin(), v.end()); }
double max_of(const std::vector<double>& v) { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }

std::string loadavg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a.empty() ? "?" : a + " " + b + " " + c;
}

double process_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string volume_name(int64_t v) {
  char name[64];
  std::snprintf(name, sizeof name, "UUID-%08llx-0000-4000-8000-%012llx", static_cast<unsigned long long>(v),
                static_cast<unsigned long long>(v * 7919));
  return name;
}

std::string add_account_body(int64_t a) {
  return "{\"method\":\"AddAccount\",\"params\":{\"username\":\"tenant-" + std::to_string(a) + "\"}}";
}

std::string create_volume_body(int64_t v, int64_t accounts) {
  // Cinder-style names and attributes.
  return "{\"method\":\"CreateVolume\",\"params\":{\"name\":\"" + volume_name(v) +
         "\",\"accountID\":" + std::to_string(1 + (v - 1) % accounts) + ",\"totalSize\":1073741824,\"enable512e\":true}}";
}

void seed(element_sim::Server& s, int64_t accounts, int64_t volumes) {
  for (int64_t a = 1; a <= accounts; ++a) s.handle(add_account_body(a));
  for (int64_t v = 1; v <= volumes; ++v) {
    std::string r = s.handle(create_volume_body(v, accounts));
    if (r.find("\"result\"") == std::string::npos) {
      std::fprintf(stderr, "seeding failed at volume %lld: %s\n", static_cast<long long>(v), r.c_str());
      std::exit(1);
    }
  }
}

size_t heap_in_use() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}

// ------------------------------------------------------------------ clients

size_t sink(char* p, size_t size, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, size * n);
  return size * n;
}

// A keep-alive libcurl handle set up like the driver's transport (TLS without verification here).
class CurlClient {
 public:
  CurlClient(const std::string& url, const std::string& body) : url_(url), body_(body), h_(curl_easy_init()) {
    curl_easy_setopt(h_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(h_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h_, CURLOPT_PROXY, "");  // no proxy: skips the environment look-ups per request
    curl_easy_setopt(h_, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h_, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(h_, CURLOPT_USERPWD, "admin:admin");
    curl_easy_setopt(h_, CURLOPT_POSTFIELDS, body_.c_str());
    curl_easy_setopt(h_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body_.size()));
    curl_easy_setopt(h_, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h_, CURLOPT_WRITEDATA, &out_);
    out_.reserve(16384);
  }
  ~CurlClient() { curl_easy_cleanup(h_); }
  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;
  void set_body(const std::string& body) {
    body_ = body;
    curl_easy_setopt(h_, CURLOPT_POSTFIELDS, body_.c_str());
    curl_easy_setopt(h_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body_.size()));
  }
  bool call() {
    out_.clear();
    long code = 0;
    if (curl_easy_perform(h_) != CURLE_OK) return false;
    curl_easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &code);
    return code == 200;
  }

 private:
  std::string url_, body_, out_;
  CURL* h_;
};

// Minimal keep-alive HTTPS client on a blocking socket: one SSL_write per request, reads until
// Content-Length is satisfied. It shows what the server sustains when the client is cheap.
class RawTlsClient {
 public:
  RawTlsClient(uint16_t port, const std::string& body) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    request_ = "POST /json-rpc/12.3 HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
               "\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    buf_.resize(64 * 1024);
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) return;
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    ok_ = SSL_connect(ssl_) == 1;
  }
  ~RawTlsClient() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) close(fd_);
    SSL_CTX_free(ctx_);
  }
  RawTlsClient(const RawTlsClient&) = delete;
  RawTlsClient& operator=(const RawTlsClient&) = delete;

  bool call() {
    if (!ok_) return false;
    if (SSL_write(ssl_, request_.data(), static_cast<int>(request_.size())) <= 0) return ok_ = false;
    size_t have = 0, head = 0, total = 0;
    for (;;) {
      if (have == buf_.size()) buf_.resize(buf_.size() * 2);
      const int n = SSL_read(ssl_, buf_.data() + have, static_cast<int>(buf_.size() - have));
      if (n <= 0) return ok_ = false;
      have += static_cast<size_t>(n);
      if (head == 0) {
        std::string_view v(buf_.data(), have);
        const size_t end = v.find("\r\n\r\n");
        if (end == std::string_view::npos) continue;
        head = end + 4;
        const size_t cl = v.substr(0, head).find("Content-Length: ");
        if (cl == std::string_view::npos || v.substr(0, 12) != "HTTP/1.1 200") return ok_ = false;
        total = head + std::strtoull(buf_.data() + cl + 16, nullptr, 10);
      }
      if (have >= total) return have == total;  // no pipelining: nothing may follow the reply
    }
  }

 private:
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool ok_ = false;
  std::string request_;
  std::vector<char> buf_;
};

// ------------------------------------------------------------------ RPC/s

struct RpcRound {
  double rps = 0;
  double server_cpu_us = 0;  // process CPU minus the client threads', per RPC
  double client_cpu_us = 0;
  uint64_t errors = 0;
};

// `threads` clients hammer one server for `seconds` after each has made one untimed request (TLS
// handshake). Only replies completed before the stop signal count.
template <class Client, class Make>
RpcRound rpc_round(Make make, int threads, double seconds) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false}, stop{false};
  std::atomic<uint64_t> total{0}, errors{0};
  std::atomic<int64_t> client_cpu_ns{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&] {
      std::unique_ptr<Client> c = make();
      if (!c->call()) ++errors;
      ++ready;
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      const double cpu0 = thread_cpu_seconds();
      uint64_t n = 0, bad = 0;
      for (;;) {
        const bool ok = c->call();
        if (stop.load(std::memory_order_relaxed)) break;
        if (ok) {
          ++n;
        } else {
          ++bad;
        }
      }
      client_cpu_ns += static_cast<int64_t>((thread_cpu_seconds() - cpu0) * 1e9);
      total += n;
      errors += bad;
    });
  }
  while (ready.load() < threads) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const double cpu0 = process_cpu_seconds();
  const auto t0 = Clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  const double elapsed = seconds_since(t0);
  const double cpu = process_cpu_seconds() - cpu0;
  for (auto& t : ts) t.join();
  RpcRound r;
  const double n = static_cast<double>(std::max<uint64_t>(total.load(), 1));
  r.rps = static_cast<double>(total.load()) / elapsed;
  const double client_cpu = static_cast<double>(client_cpu_ns.load()) / 1e9;
  r.client_cpu_us = client_cpu / n * 1e6;
  r.server_cpu_us = std::max(0.0, cpu - client_cpu) / n * 1e6;
  r.errors = errors.load();
  return r;
}

// ------------------------------------------------------------------ lookups

struct Lookup {
  const char* method;
  const char* what;
  std::string (*params)(int64_t volume, int64_t accounts);
};

const Lookup kLookups[] = {
    {"ListVolumes", "ListVolumes volumeIDs:[id]",
     [](int64_t v, int64_t) { return "{\"volumeIDs\":[" + std::to_string(v) + "]}"; }},
    {"ListVolumes", "ListVolumes startVolumeID:id,limit:1",
     [](int64_t v, int64_t) { return "{\"startVolumeID\":" + std::to_string(v) + ",\"limit\":1}"; }},
    {"ListVolumes", "ListVolumes volumeName",
     [](int64_t v, int64_t) { return "{\"volumeName\":\"" + volume_name(v) + "\"}"; }},
    {"ListVolumes", "ListVolumes accounts:[a],startVolumeID,limit:1",
     [](int64_t v, int64_t n_acc) {
       return "{\"accounts\":[" + std::to_string(1 + (v - 1) % n_acc) + "],\"startVolumeID\":" + std::to_string(v) +
              ",\"limit\":1}";
     }},
    {"ListActiveVolumes", "ListActiveVolumes startVolumeID:id,limit:1",
     [](int64_t v, int64_t) { return "{\"startVolumeID\":" + std::to_string(v) + ",\"limit\":1}"; }},
    {"GetAccountByName", "GetAccountByName",
     [](int64_t v, int64_t n_acc) { return "{\"username\":\"tenant-" + std::to_string(1 + (v - 1) % n_acc) + "\"}"; }},
    {"GetVolumeStats", "GetVolumeStats", [](int64_t v, int64_t) { return "{\"volumeID\":" + std::to_string(v) + "}"; }},
};

// How the looked-up ids are drawn. Cold: fresh uniformly random ids every round, so at 100k volumes
// most objects are out of cache and the figure includes DRAM misses on the objects themselves. Hot: the
// same `per_round` ids every round (a fixed working set that fits in cache at any cluster size), so
// the figure is the lookup's own cost, which is what must not grow with the cluster.
enum class Ids { cold, hot };

// Request bodies for `rounds` rounds of `per_round` calls with uniformly random volume ids.
std::vector<std::vector<std::string>> lookup_bodies(const Lookup& l, int64_t accounts, int64_t volumes, int rounds,
                                                    int per_round, uint64_t seed, Ids ids = Ids::cold) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<std::string>> out(static_cast<size_t>(rounds));
  for (auto& round : out) {
    if (ids == Ids::hot && &round != &out.front()) {
      round = out.front();
      continue;
    }
    round.reserve(static_cast<size_t>(per_round));
    for (int i = 0; i < per_round; ++i) {
      const int64_t v = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(volumes));
      round.push_back(std::string("{\"method\":\"") + l.method + "\",\"params\":" + l.params(v, accounts) + ",\"id\":1}");
    }
  }
  return out;
}

struct Sized {
  element_sim::Server* server;
  int64_t accounts, volumes;
};

void print_ratio_row(const char* what, const std::vector<double>& a, const std::vector<double>& b) {
  std::printf("  %-46s %8.2f %8.2f %8.2f %8.2f   %5.2f  %5.2f\n", what, median(a), median(b), min_of(a), min_of(b),
              median(b) / median(a), min_of(b) / min_of(a));
}

void lookups_in_process(const Sized& small, const Sized& large, int rounds, int per_round, Ids ids) {
  std::printf("lookup latency, in-process Server::handle, %s (us/call; %d alternating rounds x %d random ids), "
              "%lld vs %lld volumes:\n",
              ids == Ids::hot ? "HOT fixed working set (the lookup's own cost)"
                              : "COLD fresh ids every round (includes DRAM misses on the objects)",
              rounds, per_round, static_cast<long long>(small.volumes), static_cast<long long>(large.volumes));
  std::printf("  %-46s %8s %8s %8s %8s   %5s  %5s\n", "", "med 1k", "med big", "min 1k", "min big", "r.med",
              "r.min");
  for (const auto& l : kLookups) {
    const auto a_bodies = lookup_bodies(l, small.accounts, small.volumes, rounds, per_round, 42, ids);
    const auto b_bodies = lookup_bodies(l, large.accounts, large.volumes, rounds, per_round, 42, ids);
    for (int i = 0; i < per_round; ++i) {  // warm-up (code paths, allocator)
      small.server->handle(a_bodies[0][static_cast<size_t>(i)]);
      large.server->handle(b_bodies[0][static_cast<size_t>(i)]);
    }
    std::vector<double> a, b;
    auto run = [&](const Sized& s, const std::vector<std::string>& bodies, std::vector<double>& out) {
      const auto t0 = Clock::now();
      for (const auto& body : bodies) s.server->handle(body);
      out.push_back(seconds_since(t0) * 1e6 / static_cast<double>(bodies.size()));
    };
    for (int r = 0; r < rounds; ++r) {
      const auto& ab = a_bodies[static_cast<size_t>(r)];
      const auto& bb = b_bodies[static_cast<size_t>(r)];
      if (r % 2 == 0) {  // alternate which size goes first
        run(small, ab, a);
        run(large, bb, b);
      } else {
        run(large, bb, b);
        run(small, ab, a);
      }
    }
    print_ratio_row(l.what, a, b);
  }
}

void lookups_over_https(const Sized& small, const Sized& large, int rounds, int per_round) {
  std::printf("lookup latency, one keep-alive libcurl HTTPS client, sequential (us/call; %d alternating rounds x %d), "
              "%lld vs %lld volumes:\n",
              rounds, per_round, static_cast<long long>(small.volumes), static_cast<long long>(large.volumes));
  std::printf("  %-46s %8s %8s %8s %8s   %5s  %5s\n", "", "med 1k", "med big", "min 1k", "min big", "r.med",
              "r.min");
  CurlClient ca(small.server->url() + "/json-rpc/12.3", "{}"), cb(large.server->url() + "/json-rpc/12.3", "{}");
  for (const auto& l : kLookups) {
    const auto a_bodies = lookup_bodies(l, small.accounts, small.volumes, rounds, per_round, 7);
    const auto b_bodies = lookup_bodies(l, large.accounts, large.volumes, rounds, per_round, 7);
    std::vector<double> a, b;
    uint64_t errors = 0;
    auto run = [&](CurlClient& c, const std::vector<std::string>& bodies, std::vector<double>& out) {
      const auto t0 = Clock::now();
      for (const auto& body : bodies) {
        c.set_body(body);
        if (!c.call()) ++errors;
      }
      out.push_back(seconds_since(t0) * 1e6 / static_cast<double>(bodies.size()));
    };
    ca.set_body(a_bodies[0][0]);
    cb.set_body(b_bodies[0][0]);
    ca.call();  // handshakes and first-use costs outside the rounds
    cb.call();
    for (int r = 0; r < rounds; ++r) {
      const auto& ab = a_bodies[static_cast<size_t>(r)];
      const auto& bb = b_bodies[static_cast<size_t>(r)];
      if (r % 2 == 0) {
        run(ca, ab, a);
        run(cb, bb, b);
      } else {
        run(cb, bb, b);
        run(ca, ab, a);
      }
    }
    print_ratio_row(l.what, a, b);
    if (errors != 0) std::printf("    (%llu failed requests)\n", static_cast<unsigned long long>(errors));
  }
}

}  // namespace

int main(int argc, char** argv) {
  int64_t volumes = 100000, accounts = 10000;
  double seconds = 1.0;
  int rounds = 7;
  bool quick = false, http_only = false, lookups_only = false, seconds_set = false, rounds_set = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else if (a == "--http-only") {
      http_only = true;
    } else if (a == "--lookups-only") {
      lookups_only = true;
    } else if (a == "--volumes" && i + 1 < argc) {
      volumes = std::atoll(argv[++i]);
    } else if (a == "--accounts" && i + 1 < argc) {
      accounts = std::atoll(argv[++i]);
    } else if (a == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
      seconds_set = true;
    } else if (a == "--rounds" && i + 1 < argc) {
      rounds = std::max(1, std::atoi(argv[++i]));
      rounds_set = true;
    } else {
      std::fprintf(stderr,
                   "usage: sim_bench [--quick] [--http-only | --lookups-only] [--volumes N] [--accounts N] [--seconds S] "
                   "[--rounds R]\n");
      return 2;
    }
  }
  if (quick) {
    volumes = 10000;
    accounts = 1000;
    if (!seconds_set) seconds = 0.25;
    if (!rounds_set) rounds = 2;
  }
  curl_global_init(CURL_GLOBAL_ALL);
  std::printf("element-sim benchmark (%s); %u hardware threads; load average %s\n", quick ? "quick" : "full",
              std::thread::hardware_concurrency(), loadavg().c_str());

  // ---- memory per volume ----
  if (!http_only && !lookups_only) {
    element_sim::Options o;
    o.tls = false;
    element_sim::Server s(o);
    for (int64_t a = 1; a <= accounts; ++a) s.handle(add_account_body(a));
    malloc_trim(0);
    const size_t before = heap_in_use();
    auto t0 = Clock::now();
    for (int64_t v = 1; v <= volumes; ++v) s.handle(create_volume_body(v, accounts));
    const double secs = seconds_since(t0);
    malloc_trim(0);
    const size_t after = heap_in_use();
    std::printf("memory: %lld volumes over %lld accounts: %.0f bytes/volume (heap %.1f MiB -> %.1f MiB); "
                "seeding %.0f CreateVolume/s in-process\n",
                static_cast<long long>(volumes), static_cast<long long>(accounts),
                static_cast<double>(after - before) / static_cast<double>(volumes), before / 1048576.0,
                after / 1048576.0, static_cast<double>(volumes) / secs);
  }

  // ---- lookup latency: small vs large cluster ----
  if (!http_only) {
    element_sim::Options o;  // TLS on: the same servers answer the HTTPS lookups
    o.io_threads = 1;
    element_sim::Server small_server(o), large_server(o);
    const Sized small{&small_server, 100, 1000};
    const Sized large{&large_server, accounts, volumes};
    seed(small_server, small.accounts, small.volumes);
    seed(large_server, large.accounts, large.volumes);
    lookups_in_process(small, large, quick ? 6 : 40, quick ? 200 : 500, Ids::hot);
    lookups_in_process(small, large, quick ? 6 : 40, quick ? 200 : 500, Ids::cold);
    if (lookups_only) return 0;
    small_server.start();
    large_server.start();
    lookups_over_https(small, large, quick ? 2 : 8, quick ? 30 : 150);
  }

  // ---- RPCs/s over keep-alive HTTPS, 2 client threads ----
  // Server and clients share the machine's cores. Configurations alternate round by round.
  {
    struct Config {
      int io;
      const char* method;
      std::string body;
      bool raw;
      std::vector<RpcRound> rounds;
    };
    element_sim::Options o1, o2;
    o1.io_threads = 1;
    o2.io_threads = 2;
    element_sim::Server s1(o1), s2(o2);
    for (auto* s : {&s1, &s2}) {
      seed(*s, 10, 1000);
      s->start();
    }
    const std::string info = R"({"method":"GetClusterInfo","params":{},"id":1})";
    const std::string list = R"({"method":"ListVolumes","params":{"volumeIDs":[500]},"id":1})";
    std::vector<Config> configs;
    for (bool raw : {false, true}) {
      for (int io : {1, 2}) {
        configs.push_back({io, "GetClusterInfo", info, raw, {}});
        configs.push_back({io, "ListVolumes{volumeIDs:[id]}", list, raw, {}});
      }
    }
    auto run = [&](Config& c, double secs) {
      element_sim::Server& s = c.io == 1 ? s1 : s2;
      if (c.raw) {
        const uint16_t port = s.port();
        return rpc_round<RawTlsClient>([&] { return std::make_unique<RawTlsClient>(port, c.body); }, 2, secs);
      }
      const std::string url = s.url() + "/json-rpc/12.3";
      return rpc_round<CurlClient>([&] { return std::make_unique<CurlClient>(url, c.body); }, 2, secs);
    };
    for (auto& c : configs) run(c, std::min(0.2, seconds));  // warm-up
    for (int r = 0; r < rounds; ++r) {
      for (auto& c : configs) c.rounds.push_back(run(c, seconds));
    }
    std::printf("HTTPS keep-alive RPCs/s, 2 client threads, %d rounds of %.2f s per configuration (median, best, "
                "worst); CPU us/RPC (median):\n",
                rounds, seconds);
    for (const auto& c : configs) {
      std::vector<double> rps, scpu, ccpu;
      uint64_t errors = 0;
      for (const auto& r : c.rounds) {
        rps.push_back(r.rps);
        scpu.push_back(r.server_cpu_us);
        ccpu.push_back(r.client_cpu_us);
        errors += r.errors;
      }
      std::printf("  %-7s client, %d io thread(s), %-28s %7.0f RPCs/s (best %6.0f, worst %6.0f)  cpu: server %5.1f, "
                  "client %5.1f%s\n",
                  c.raw ? "raw TLS" : "libcurl", c.io, c.method, median(rps), max_of(rps), min_of(rps), median(scpu),
                  median(ccpu), errors != 0 ? "  (ERRORS)" : "");
    }
    s1.stop();
    s2.stop();
  }
  std::printf("load average at the end: %s\n", loadavg().c_str());
  curl_global_cleanup();
  return 0;
}
