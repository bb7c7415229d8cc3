// How the soak host calls the plugin, as the ABI asks a host to: every call has a deadline (a few are
// short, so that slow replies become TIMEOUT) and a few are cancelled while in flight; on TIMEOUT,
// CANCELLED, UNAVAILABLE or ABORTED the host repeats the same request (operations are idempotent),
// a bounded number of times, counting each repeat by status and by the error's "outcome_unknown".
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <vdp_host/host.h>

#include "options.h"
#include "stats.h"

namespace soak {

namespace vh = vdp::host;

// Raises cancellation flags at their time, from one thread for all callers.
class Canceller {
 public:
  Canceller();
  ~Canceller();
  Canceller(const Canceller&) = delete;
  Canceller& operator=(const Canceller&) = delete;
  void arm(std::atomic<bool>* flag, std::chrono::steady_clock::time_point when);
  void disarm(std::atomic<bool>* flag);  // after it returns the flag is never touched again

 private:
  void run();
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<std::atomic<bool>*, std::chrono::steady_clock::time_point>> armed_;
  bool stop_ = false;
  std::thread thread_;
};

struct CallOutcome {
  vdp_status status = VDP_OK;
  std::string output;    // the result, or the last error object
  bool gave_up = false;  // still a repeatable status after the last repeat
  int repeats = 0;
  std::string repeated_after;  // the statuses repeated, e.g. "TIMEOUT(unknown=true) UNAVAILABLE(unknown=absent)"
  bool ok() const { return status == VDP_OK; }
  // "OK", "OK after TIMEOUT(...)", "NOT_FOUND", ...: one event of a volume's history.
  std::string summary() const;
};

class HostCaller {
 public:
  HostCaller(const Options& opts, Stats& stats, Canceller& canceller)
      : opts_(opts), stats_(stats), canceller_(canceller) {}
  // Calls `op` until it ends in something other than a repeatable status. Checks each error object's
  // shape (a malformed one is a failure). `quiet` calls (the final cleanup) are neither shortened nor
  // cancelled.
  CallOutcome call(vh::Driver& driver, const std::string& op, const std::string& request, std::mt19937_64& rng,
                   bool quiet = false);

  static bool repeatable(vdp_status s) {
    return s == VDP_E_TIMEOUT || s == VDP_E_CANCELLED || s == VDP_E_UNAVAILABLE || s == VDP_E_ABORTED;
  }

 private:
  const Options& opts_;
  Stats& stats_;
  Canceller& canceller_;
};

}  // namespace soak
