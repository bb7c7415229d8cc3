// element-sim: run simulated Element clusters until SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include <spdlog/common.h>

#include "api_version.h"
#include "element_sim/server.h"

namespace {

constexpr const char* kUsage =
    "Usage: element-sim [options]\n"
    "Simulated NetApp SolidFire/Element cluster(s) serving the JSON-RPC API.\n"
    "\n"
    "  --port N           first listening port (0 = ephemeral; cluster i uses N+i) [0]\n"
    "  --clusters N       number of independent clusters, one port each [1]\n"
    "  --bind ADDR        listening address [127.0.0.1]\n"
    "  --advertise ADDR   address reported as mvip/svip and in url= [bind address]\n"
    "                     with --clusters N and a 127.x.y.z address, cluster i uses x.y.z+i (own MVIP)\n"
    "  --shared-address   with --clusters N: every cluster binds/advertises the same address\n"
    "  --user NAME        cluster admin user for HTTP Basic auth [admin]\n"
    "  --password SECRET  cluster admin password [admin]\n"
    "  --no-tls           plain HTTP instead of HTTPS\n"
    "  --cert FILE        PEM certificate (with --key); default: self-signed, generated at start\n"
    "  --key FILE         PEM private key (with --cert)\n"
    "  --cert-out FILE    write the certificate in use (PEM) to FILE, for clients that verify TLS\n"
    "  --seed N           seed for deterministic ids, secrets and uniqueIDs [1]\n"
    "  --log-level L      trace|debug|info|warn|error|off [warn]; debug logs one line per RPC\n"
    "  --io-threads N     I/O threads [2]\n"
    "  --clone-delay-ms N simulated time a clone stays \"init\" before it is \"active\" [100]\n"
    "  --replication-delay-ms N  time a new volume pair needs to reach remoteReplication.state Active [100]\n"
    "  --cluster-pair-delay-ms N time a completed cluster pair lists Misconfigured before Connected [0]\n"
    "  --state FILE       persist every change in FILE (journal, replayed at start; acknowledged changes\n"
    "                     survive a crash or SIGKILL)\n"
    "  --state-compact-records N  with --state: once the journal holds N records, write the whole state\n"
    "                     to FILE.snap and restart the journal (0 = never) [10000]\n"
    "  --fault SPEC       inject faults (repeatable); SPEC = [CLUSTER/]METHOD:ACTION[:count=N][:prob=P],\n"
    "                     ACTION = error=NAME | http=STATUS | reset | drop | latency=MS | pause\n"
    "                     e.g. --fault 'CreateVolume:error=xDBVersionMismatch:count=2' --fault '*:http=503:prob=0.05'\n"
    "                     Faults can also be scripted at runtime: POST /control/faults {\"faults\":[SPEC...]},\n"
    "                     GET /control/state, POST /control/release, POST /control/reset (see README)\n"
    "                     Simulated writes: POST /control/fill {\"volumeID\":N,\"bytes\":B} or {..,\"percent\":P}\n"
    "  --help             this text\n"
    "\n"
    "After listening, prints one line per cluster to stdout:\n"
    "  element-sim listening cluster=0 url=https://127.0.0.1:43123 user=admin password=admin\n";

// The endpoint versions, from the table the server uses (so --help cannot drift from it).
void print_usage() {
  std::cout << kUsage << "\nJSON-RPC endpoints served: POST /json-rpc/<version> for <version> in\n ";
  size_t col = 1;
  for (const auto& v : element_sim::supported_versions()) {
    const std::string s = v.str();
    if (col + s.size() + 1 > 100) {
      std::cout << "\n ";
      col = 1;
    }
    std::cout << ' ' << s;
    col += s.size() + 1;
  }
  std::cout << "\nMethods (with the endpoint version each appeared in), capacity model, control endpoints\n"
               "and the decisions on the API's documented gaps: simulator/README.md\n";
}

[[noreturn]] void usage_error(const std::string& msg) {
  std::cerr << "element-sim: " << msg << "\n(see element-sim --help)\n";
  std::exit(2);
}

long long parse_int(const std::string& flag, const std::string& v, long long lo, long long hi) {
  try {
    size_t pos = 0;
    long long n = std::stoll(v, &pos, 10);
    if (pos != v.size() || n < lo || n > hi) throw std::out_of_range(v);
    return n;
  } catch (const std::exception&) {
    usage_error("invalid value '" + v + "' for " + flag + " (expected an integer in " + std::to_string(lo) + ".." +
                std::to_string(hi) + ")");
  }
}

}  // namespace

int main(int argc, char** argv) {
  element_sim::Options o;
  std::string cert_out;
  bool cert = false, key = false, no_tls = false;

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::optional<std::string> inline_value;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= argc) usage_error("missing value for " + arg);
      return argv[++i];
    };
    auto no_value = [&] {
      if (inline_value) usage_error(arg + " takes no value");
    };
    if (arg == "--help" || arg == "-h") {
      print_usage();
      return 0;
    } else if (arg == "--port") {
      o.port = static_cast<uint16_t>(parse_int(arg, value(), 0, 65535));
    } else if (arg == "--clusters") {
      o.clusters = static_cast<int>(parse_int(arg, value(), 1, 64));
    } else if (arg == "--bind") {
      o.bind_address = value();
    } else if (arg == "--shared-address") {
      o.distinct_cluster_addresses = false;
    } else if (arg == "--advertise") {
      o.advertise_address = value();
    } else if (arg == "--user") {
      o.user = value();
      if (o.user.empty() || o.user.find(':') != std::string::npos) usage_error("invalid value for --user");
    } else if (arg == "--password") {
      o.password = value();
    } else if (arg == "--no-tls") {
      no_value();
      no_tls = true;
    } else if (arg == "--cert") {
      o.cert_file = value();
      cert = true;
    } else if (arg == "--key") {
      o.key_file = value();
      key = true;
    } else if (arg == "--cert-out") {
      cert_out = value();
    } else if (arg == "--seed") {
      o.seed = static_cast<uint64_t>(parse_int(arg, value(), 0, 0x7FFFFFFFFFFFFFFFLL));
    } else if (arg == "--log-level") {
      o.log_level = value();
      if (o.log_level != "off" && spdlog::level::from_str(o.log_level) == spdlog::level::off)
        usage_error("invalid value '" + o.log_level + "' for --log-level");
    } else if (arg == "--io-threads") {
      o.io_threads = static_cast<int>(parse_int(arg, value(), 1, 256));
    } else if (arg == "--state") {
      o.state_file = value();
      if (o.state_file.empty()) usage_error("invalid value for --state");
    } else if (arg == "--state-compact-records") {
      o.state_compact_records = static_cast<uint64_t>(parse_int(arg, value(), 0, 1000000000000LL));
    } else if (arg == "--clone-delay-ms") {
      o.clone_delay_ms = parse_int(arg, value(), 0, 86400000);
    } else if (arg == "--replication-delay-ms") {
      o.replication_sync_delay_ms = parse_int(arg, value(), 0, 86400000);
    } else if (arg == "--cluster-pair-delay-ms") {
      o.cluster_pair_connect_delay_ms = parse_int(arg, value(), 0, 86400000);
    } else if (arg == "--fault") {
      std::string spec = value();
      try {
        element_sim::Server::validate_fault(spec);
      } catch (const std::exception& e) {
        usage_error(std::string("invalid value for --fault: ") + e.what());
      }
      o.faults.push_back(std::move(spec));
    } else {
      usage_error("unknown option " + arg);
    }
  }
  if (no_tls && (cert || key)) usage_error("--no-tls cannot be combined with --cert/--key");
  if (cert != key) usage_error(cert ? "--cert requires --key" : "--key requires --cert");
  if (no_tls && !cert_out.empty()) usage_error("--cert-out requires TLS");
  o.tls = !no_tls;

  // Block the termination signals before any thread exists; the main thread waits for them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  try {
    element_sim::Server server(o);
    server.start();
    if (!cert_out.empty()) {
      std::ofstream f(cert_out, std::ios::binary | std::ios::trunc);
      f << server.certificate_pem();
      if (!f.flush()) {
        std::cerr << "element-sim: cannot write --cert-out file '" << cert_out << "'\n";
        return 1;
      }
    }
    for (int i = 0; i < server.cluster_count(); ++i) {
      std::printf("element-sim listening cluster=%d url=%s user=%s password=%s\n", i, server.url(i).c_str(),
                  o.user.c_str(), o.password.c_str());
    }
    std::fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    server.stop();
  } catch (const std::exception& e) {
    std::string_view what = e.what();  // library messages already start with the program name
    if (what.rfind("element-sim: ", 0) == 0) what.remove_prefix(13);
    std::cerr << "element-sim: " << what << "\n";
    return 1;
  }
  return 0;
}
