// The production Clock: steady clock, sleeps that survive EINTR (std::this_thread::sleep_for
// resumes after signals on Linux; we also loop until the target time is reached).
#include <thread>

#include "solidfire/driver.h"

namespace solidfire {

namespace {
class SystemClock final : public Clock {
 public:
  SteadyClock::time_point now() const override { return SteadyClock::now(); }
  void sleep_for(std::chrono::milliseconds duration) override {
    const auto until = SteadyClock::now() + duration;
    while (SteadyClock::now() < until) std::this_thread::sleep_until(until);
  }
};
}  // namespace

std::shared_ptr<Clock> system_clock() {
  static const std::shared_ptr<Clock> clock = std::make_shared<SystemClock>();
  return clock;
}

}  // namespace solidfire
