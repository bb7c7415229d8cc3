// Command-line parsing for vdp-host.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vdp::host::cli {

enum ExitCode : int { kExitOk = 0, kExitOperation = 1, kExitUsage = 2, kExitLoad = 3, kExitInterrupted = 130 };

// A usage error: printed with a hint to --help, exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

constexpr int kLogOff = 100;  // above VDP_LOG_ERROR

constexpr uint64_t kMaxBenchCallers = 256;  // one thread each

// bench's own options (cmd_bench.cpp applies the defaults and checks how they combine).
struct BenchOptions {
  std::optional<int> callers;                         // --callers N
  std::optional<uint64_t> count;                      // --count N: operations per mix, all callers together
  std::optional<std::chrono::milliseconds> duration;  // --duration SECONDS: measured time per mix
  std::optional<uint64_t> warmup;                     // --warmup N: unmeasured operations per caller
  std::vector<std::string> mixes;                     // --mix values, comma lists split, in order given
  std::string first_given;                            // the first of these options given, "" when none
};

struct Options {
  std::string plugin = "solidfire";
  bool plugin_given = false;
  std::string config;
  std::string backend;
  bool json = false;
  std::optional<std::chrono::milliseconds> timeout;
  int log_level = 3;  // VDP_LOG_WARN
  bool keep_going = false;
  bool replication = false;  // demo: the replication lifecycle on two clusters
  BenchOptions bench;
  bool help = false;
  bool version = false;
  std::string command;            // "" when none was given
  std::vector<std::string> args;  // positional arguments after the command
};

// Throws UsageError.
Options parse_options(const std::vector<std::string>& argv);
// Whether argv asks for --json, even when parse_options rejects it: errors are then reported as JSON too.
bool json_requested(const std::vector<std::string>& argv);
int parse_log_level(const std::string& text);  // trace|debug|info|warn|error|off; throws UsageError
const char* log_level_name(int level);          // the inverse ("trace" ... "off"); nullptr for others

}  // namespace vdp::host::cli
