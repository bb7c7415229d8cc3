// The one bounded wait loop (see poll.h).
#include "poll.h"

#include <algorithm>

#include "solidfire/error.h"
#include "util.h"

namespace solidfire {

void poll_until(CallContext& ctx, Clock& clock, const PollSpec& spec, const std::function<bool()>& done) {
  using std::chrono::milliseconds;
  const milliseconds window = spec.window;
  const auto started = clock.now();
  const auto window_end = started + window;
  milliseconds interval = spec.first_interval;
  for (;;) {
    if (done()) return;
    const auto now = clock.now();
    const auto elapsed = std::chrono::duration_cast<milliseconds>(now - started);
    ctx.progress(static_cast<uint64_t>(std::max<int64_t>(0, elapsed.count())), static_cast<uint64_t>(window.count()),
                 "waiting for " + spec.what);
    const auto left_window = std::chrono::duration_cast<milliseconds>(window_end - now);
    if (left_window <= milliseconds(0)) {
      throw Error(ErrorCode::kTimeout, spec.what + " did not happen within " + spec.option + " (" +
                                           std::to_string(spec.window.count()) + " s)")
          .with_retryable(true);
    }
    const milliseconds left_ctx = util::time_left(ctx, clock);
    if (left_ctx <= milliseconds(0)) {
      throw Error(ErrorCode::kTimeout, "deadline reached while waiting for " + spec.what).with_retryable(true);
    }
    util::wait_for(ctx, clock, std::min({interval, left_window, left_ctx}), spec.what);
    interval = std::min(interval * 2, spec.max_interval);
  }
}

}  // namespace solidfire
