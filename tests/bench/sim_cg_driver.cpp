// element-sim instruction-count driver for valgrind --tool=callgrind (instruction counts are stable on
// a loaded machine, wall-clock figures are not). Does a fixed amount of work and brackets only the
// measured phase with CALLGRIND_START/STOP_INSTRUMENTATION, so run it with --instr-atstart=no:
//
//   valgrind --tool=callgrind --instr-atstart=no ./sim_cg_driver lookup accounts 100000 2000
//   valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes ./sim_cg_driver http 20000
//
// Modes:
//   lookup KIND VOLUMES ITERS  seeds VOLUMES volumes over VOLUMES/10 accounts, then ITERS in-process
//                              lookups of KIND (ids, start, name, accounts, active, account, stats)
//   http N                     N GetClusterInfo requests over one keep-alive HTTPS connection (with
//                              --separate-threads=yes the io thread's cost per request is its
//                              instruction count / N)
// Without valgrind it just runs (the macros are no-ops).
#include <curl/curl.h>
#include <valgrind/callgrind.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "element_sim/server.h"

namespace {

// The client-request macros expand to inline asm with C casts; keep -Werror builds quiet.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
void cg_start() { CALLGRIND_START_INSTRUMENTATION; }
void cg_stop() { CALLGRIND_STOP_INSTRUMENTATION; }
#pragma GCC diagnostic pop

std::string vol_name(int64_t v) {
  char name[64];
  std::snprintf(name, sizeof name, "UUID-%08llx-0000-4000-8000-%012llx", static_cast<unsigned long long>(v),
                static_cast<unsigned long long>(v * 7919));
  return name;
}

size_t sink(char*, size_t size, size_t n, void*) { return size * n; }

int usage() {
  std::fprintf(stderr, "usage: sim_cg_driver lookup KIND VOLUMES ITERS | http N\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string mode = argv[1];
  if (mode == "lookup" && argc == 5) {
    const std::string kind = argv[2];
    const int64_t volumes = std::atoll(argv[3]);
    const int iters = std::atoi(argv[4]);
    const int64_t accounts = volumes / 10 > 0 ? volumes / 10 : 1;
    element_sim::Options o;
    o.tls = false;
    element_sim::Server s(o);
    for (int64_t a = 1; a <= accounts; ++a)
      s.handle("{\"method\":\"AddAccount\",\"params\":{\"username\":\"tenant-" + std::to_string(a) + "\"}}");
    for (int64_t v = 1; v <= volumes; ++v)
      s.handle("{\"method\":\"CreateVolume\",\"params\":{\"name\":\"" + vol_name(v) +
               "\",\"accountID\":" + std::to_string(1 + (v - 1) % accounts) + ",\"totalSize\":1073741824}}");
    std::mt19937_64 rng(42);
    std::vector<std::string> bodies;
    for (int i = 0; i < iters; ++i) {
      const int64_t v = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(volumes));
      const std::string id = std::to_string(v), acc = std::to_string(1 + (v - 1) % accounts);
      std::string b;
      if (kind == "ids") b = "{\"method\":\"ListVolumes\",\"params\":{\"volumeIDs\":[" + id + "]}}";
      else if (kind == "start") b = "{\"method\":\"ListVolumes\",\"params\":{\"startVolumeID\":" + id + ",\"limit\":1}}";
      else if (kind == "name") b = "{\"method\":\"ListVolumes\",\"params\":{\"volumeName\":\"" + vol_name(v) + "\"}}";
      else if (kind == "accounts")
        b = "{\"method\":\"ListVolumes\",\"params\":{\"accounts\":[" + acc + "],\"startVolumeID\":" + id + ",\"limit\":1}}";
      else if (kind == "active")
        b = "{\"method\":\"ListActiveVolumes\",\"params\":{\"startVolumeID\":" + id + ",\"limit\":1}}";
      else if (kind == "account") b = "{\"method\":\"GetAccountByName\",\"params\":{\"username\":\"tenant-" + acc + "\"}}";
      else if (kind == "stats") b = "{\"method\":\"GetVolumeStats\",\"params\":{\"volumeID\":" + id + "}}";
      else return usage();
      bodies.push_back(std::move(b));
    }
    size_t bytes = 0;
    cg_start();
    for (const auto& b : bodies) bytes += s.handle(b).size();
    cg_stop();
    std::printf("%s %lld volumes: %d lookups, %zu reply bytes\n", kind.c_str(), static_cast<long long>(volumes),
                iters, bytes);
    return 0;
  }
  if (mode == "http" && argc == 3) {
    const long n = std::atol(argv[2]);
    element_sim::Options o;
    o.io_threads = 1;
    element_sim::Server s(o);
    s.start();
    curl_global_init(CURL_GLOBAL_ALL);
    CURL* h = curl_easy_init();
    const std::string url = s.url() + "/json-rpc/12.3";
    const std::string body = R"({"method":"GetClusterInfo","params":{},"id":1})";
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(h, CURLOPT_USERPWD, "admin:admin");
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_perform(h);  // handshake outside the measured phase
    long errors = 0;
    cg_start();
    for (long i = 0; i < n; ++i) {
      if (curl_easy_perform(h) != CURLE_OK) ++errors;
    }
    cg_stop();
    curl_easy_cleanup(h);
    s.stop();
    curl_global_cleanup();
    std::printf("http: %ld requests, %ld errors\n", n, errors);
    return errors == 0 ? 0 : 1;
  }
  return usage();
}
