#include "host_calls.h"

#include <algorithm>

#include "support.h"

namespace soak {

using Clock = std::chrono::steady_clock;

namespace {
constexpr auto kDeadline = std::chrono::seconds(20);
// Shorter than the simulator's injected latency (fault_plan.cpp): a delayed reply becomes TIMEOUT.
constexpr auto kShortDeadline = std::chrono::milliseconds(1500);
constexpr int kShortDeadlinePercent = 5;
constexpr int kCancelPercent = 2;
}  // namespace

Canceller::Canceller() : thread_([this] { run(); }) {}

Canceller::~Canceller() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Canceller::arm(std::atomic<bool>* flag, Clock::time_point when) {
  {
    std::lock_guard lock(mu_);
    armed_.emplace_back(flag, when);
  }
  cv_.notify_all();
}

void Canceller::disarm(std::atomic<bool>* flag) {
  std::lock_guard lock(mu_);
  armed_.erase(std::remove_if(armed_.begin(), armed_.end(), [&](const auto& a) { return a.first == flag; }),
               armed_.end());
}

void Canceller::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    const auto now = Clock::now();
    auto next = now + std::chrono::seconds(1);
    for (auto it = armed_.begin(); it != armed_.end();) {
      if (it->second <= now) {
        it->first->store(true);
        it = armed_.erase(it);
      } else {
        next = std::min(next, it->second);
        ++it;
      }
    }
    cv_.wait_until(lock, next);
  }
}

std::string CallOutcome::summary() const {
  std::string s = vdp_status_name(status);
  if (gave_up) s += " (gave up)";
  if (!repeated_after.empty()) s += " after " + repeated_after;
  return s;
}

CallOutcome HostCaller::call(vh::Driver& driver, const std::string& op, const std::string& request,
                             std::mt19937_64& rng, bool quiet) {
  std::uniform_int_distribution<int> percent(0, 99);
  CallOutcome out;
  for (int attempt = 0;; ++attempt) {
    std::atomic<bool> cancel{false};
    vh::CallOptions copts;
    copts.timeout = kDeadline;
    if (!quiet && percent(rng) < kShortDeadlinePercent) copts.timeout = kShortDeadline;
    const bool cancelled = !quiet && percent(rng) < kCancelPercent;
    if (cancelled) {
      copts.cancel_flag = &cancel;
      canceller_.arm(&cancel,
                     Clock::now() + std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 400)(rng)));
    }
    const vh::CallResult r = driver.call(op, request, copts);
    if (cancelled) canceller_.disarm(&cancel);
    out.status = r.status;
    out.output = r.output;
    if (r.ok()) return out;

    // Whatever the status, the error object must have the ABI's shape.
    const it::Json e = it::Json::parse(r.output);
    const char* name = vdp_status_name(r.status);
    if (!e.is_object() || e["status"].str() != name || e["code"].i64() != r.status || e["operation"].str() != op ||
        !e["retryable"].is_bool() || e["request_id"].str() != r.request_id) {
      stats_.failure(op + ": malformed error object for " + name + ": " + r.output);
    }
    if (e.has("outcome_unknown") && !e["outcome_unknown"].is_bool()) {
      stats_.failure(op + ": outcome_unknown is not a boolean: " + r.output);
    }
    if (!repeatable(r.status)) return out;
    if (attempt >= opts_.max_repeats) {
      out.gave_up = true;
      stats_.gave_up(op);
      stats_.failure(op + ": still " + name + " after " + std::to_string(attempt) + " repeats: " + r.output);
      return out;
    }
    const std::string unknown =
        e["outcome_unknown"].is_bool() ? (e["outcome_unknown"].boolean() ? "true" : "false") : "absent";
    stats_.repeat(op, name, unknown);
    ++out.repeats;
    out.repeated_after += (out.repeated_after.empty() ? "" : " ") + std::string(name) + "(unknown=" + unknown + ")";
    // A short pause, as a service's retry loop would make, before the same request again.
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(10, 100)(rng)));
  }
}

}  // namespace soak
