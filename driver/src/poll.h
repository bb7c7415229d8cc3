// Waiting for the cluster to reach a state: one loop for every bounded wait (clones, pairings), so that
// each honours its option's window, the caller's deadline and cancellation, and reports progress.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "solidfire/call_context.h"
#include "solidfire/driver.h"

namespace solidfire {

struct PollSpec {
  std::string what;                  // "the cluster pair with 10.0.0.2 to be Connected"
  std::string option;                // the option bounding the wait, for the message ("sf_cluster_pairing_timeout")
  std::chrono::seconds window{60};   // that option's value
  std::chrono::milliseconds first_interval{100};
  std::chrono::milliseconds max_interval{2000};
};

// Calls `done` until it returns true, sleeping between calls (the interval doubles up to
// max_interval) and reporting progress. Throws Error(kTimeout, retryable) when the window or the
// context deadline passes first, Error(kCancelled) when the host cancels; errors of `done` propagate.
void poll_until(CallContext& ctx, Clock& clock, const PollSpec& spec, const std::function<bool()>& done);

}  // namespace solidfire
