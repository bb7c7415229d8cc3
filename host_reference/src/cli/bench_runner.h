// Runs one mix of `vdp-host bench`: callers on threads of their own, each with its own project; the
// phases are preparation, warm-up, the measured phase (a count or a duration) and clean-up.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench_mix.h"
#include "bench_stats.h"
#include "session.h"

namespace vdp::host::cli::bench {

constexpr size_t kShownErrors = 5;  // failures kept (and printed) per mix; the rest are only counted

struct Settings {
  int callers = 1;
  std::optional<uint64_t> count;                      // operations of the measured phase, all callers
  std::optional<std::chrono::milliseconds> duration;  // or its length
  uint64_t warmup = 1;                                // unmeasured operations per caller
  CallOptions call_opts;                              // every call: deadline and the Ctrl-C cancel flag
  CallOptions cleanup_opts;                           // clean-up: deadline only (runs after Ctrl-C too)
};

// RPCs the backend has received so far, in total and for some methods; nullopt when it cannot tell.
struct RpcCounts {
  uint64_t total = 0;
  std::map<std::string, uint64_t> by_method;
};
using RpcProbe = std::function<std::optional<RpcCounts>()>;

struct MixResult {
  const Mix* mix = nullptr;
  int callers = 0;
  uint64_t ops = 0;        // measured operations that succeeded
  uint64_t failed = 0;     // measured operations that failed
  uint64_t errors = 0;     // failed operations of every phase (preparation and warm-up included)
  double seconds = 0;      // length of the measured phase
  LatencySummary latency;  // of the measured operations that succeeded
  std::vector<std::pair<std::string, LatencySummary>> calls;   // the same per call, in Mix::calls order
  std::optional<double> rpcs_per_op;                           // measured RPCs / measured operations
  std::vector<std::pair<std::string, double>> rpcs_by_method;  // per operation, methods with any
  std::vector<std::string> first_errors;                       // at most kShownErrors
  std::vector<std::string> left_behind;                        // resources whose deletes failed at clean-up
  bool interrupted = false;                                    // Ctrl-C: the figures cover what ran before it
  double ops_per_second() const { return seconds > 0 ? static_cast<double>(ops) / seconds : 0; }
};

// Runs `mix`. `probe` (may be empty) is read right before and after the measured phase; `progress`
// shows the measured phase on a terminal.
MixResult run_mix(const Mix& mix, Driver& driver, const Settings& settings, const RpcProbe& probe,
                  ProgressView& progress);

}  // namespace vdp::host::cli::bench
