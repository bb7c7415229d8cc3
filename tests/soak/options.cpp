#include "options.h"

#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>

namespace soak {

namespace {

[[noreturn]] void usage(int rc) {
  std::fprintf(rc == 0 ? stdout : stderr,
               "usage: vdp_soak [--seed N] [--seconds S | --minutes M | --hours H] [--threads N]\n"
               "                [--fault-rate P] [--drivers 1|2|3] [--private-cap N] [--shared-cap N]\n"
               "                [--snapshot-cap N] [--check-every S] [--max-repeats N] [--fault SPEC]... "
               "[--no-cleanup] [--sabotage] [--verbose]\n");
  std::exit(rc);
}

double number(const std::string& flag, const char* text, double lo, double hi) {
  try {
    size_t pos = 0;
    const double v = std::stod(text, &pos);
    if (pos != std::string(text).size() || v < lo || v > hi) throw std::invalid_argument(text);
    return v;
  } catch (const std::exception&) {
    std::fprintf(stderr, "vdp_soak: %s wants a number in [%g, %g], got '%s'\n", flag.c_str(), lo, hi, text);
    usage(2);
  }
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options o;
#if defined(VDP_SOAK_TSAN) || defined(__SANITIZE_THREAD__)
  o.threads = 16;
#endif
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "vdp_soak: %s needs a value\n", a.c_str());
        usage(2);
      }
      return argv[++i];
    };
    if (a == "--help" || a == "-h")
      usage(0);
    else if (a == "--seed")
      o.seed = static_cast<uint64_t>(number(a, value(), 0, 9007199254740991.0));
    else if (a == "--seconds")
      o.seconds = number(a, value(), 1, 1e7);
    else if (a == "--minutes")
      o.seconds = 60 * number(a, value(), 0.1, 1e5);
    else if (a == "--hours")
      o.seconds = 3600 * number(a, value(), 0.01, 1e4);
    else if (a == "--threads")
      o.threads = static_cast<int>(number(a, value(), 1, 256));
    else if (a == "--fault-rate")
      o.fault_rate = number(a, value(), 0, 0.5);
    else if (a == "--drivers")
      o.drivers = static_cast<int>(number(a, value(), 1, 3));
    else if (a == "--private-cap")
      o.private_cap = static_cast<int>(number(a, value(), 1, 100));
    else if (a == "--shared-cap")
      o.shared_cap = static_cast<int>(number(a, value(), 1, 500));
    else if (a == "--snapshot-cap")
      o.snapshot_cap = static_cast<int>(number(a, value(), 1, 32));
    else if (a == "--check-every")
      o.check_every = number(a, value(), 0, 1e7);
    else if (a == "--max-repeats")
      o.max_repeats = static_cast<int>(number(a, value(), 1, 100));
    else if (a == "--no-cleanup")
      o.cleanup = false;
    else if (a == "--fault")
      o.extra_faults.emplace_back(value());
    else if (a == "--sabotage")
      o.sabotage = true;
    else if (a == "--verbose")
      o.verbose = true;
    else {
      std::fprintf(stderr, "vdp_soak: unknown argument '%s'\n", a.c_str());
      usage(2);
    }
  }
  if (o.sabotage) o.cleanup = false;  // the planted objects would only fail the cleanup checks again
  // A seed of 0 means "any": drawn here so that the printed seed reproduces the run's choices.
  while (o.seed == 0) o.seed = std::random_device{}() & 0xffffffffULL;
  return o;
}

}  // namespace soak
