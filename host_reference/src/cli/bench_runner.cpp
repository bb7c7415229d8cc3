#include "bench_runner.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

namespace vdp::host::cli::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Runs fn(i) for every caller i on a thread of its own, calling tick() about every 100 ms until all are
// done. An exception from fn (out of memory) is rethrown here once every thread has ended.
void on_threads(size_t n, const std::function<void(size_t)>& fn, const std::function<void()>& tick = {}) {
  std::mutex mu;
  std::condition_variable cv;
  size_t finished = 0;
  std::exception_ptr failure;
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      std::exception_ptr e;
      try {
        fn(i);
      } catch (...) {
        e = std::current_exception();
      }
      const std::lock_guard<std::mutex> lock(mu);
      if (e && !failure) failure = e;
      ++finished;
      cv.notify_all();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    while (finished < n) {
      cv.wait_for(lock, std::chrono::milliseconds(100));
      if (tick && finished < n) {
        lock.unlock();
        tick();
        lock.lock();
      }
    }
  }
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

// What the callers of one phase found, merged under a lock.
class Tally {
 public:
  explicit Tally(size_t calls) : call_ms_(calls) {}

  // Records one outcome; `measured` ones count towards the figures, others only as errors.
  void add(const OpOutcome& out, bool measured, const char* phase) {
    const std::lock_guard<std::mutex> lock(mu_);
    if (out.state == OpOutcome::State::kAbandoned) return;
    if (out.state == OpOutcome::State::kFailed) {
      ++errors_;
      if (measured) ++failed_;
      if (first_errors_.size() < kShownErrors) first_errors_.push_back(phase + out.error);
      return;
    }
    if (!measured) return;
    ++ok_;
    op_ms_.push_back(out.total_ms());
    for (size_t i = 0; i < out.call_ms.size() && i < call_ms_.size(); ++i) call_ms_[i].push_back(out.call_ms[i]);
  }
  uint64_t errors() const {
    const std::lock_guard<std::mutex> lock(mu_);
    return errors_;
  }

  void into(MixResult& r) {
    const std::lock_guard<std::mutex> lock(mu_);
    r.ops = ok_;
    r.failed = failed_;
    r.errors = errors_;
    r.latency = summarize(std::move(op_ms_));
    for (size_t i = 0; i < call_ms_.size(); ++i)
      r.calls.emplace_back(r.mix->calls[i], summarize(std::move(call_ms_[i])));
    r.first_errors = std::move(first_errors_);
  }

 private:
  mutable std::mutex mu_;
  uint64_t ok_ = 0, failed_ = 0, errors_ = 0;
  std::vector<double> op_ms_;
  std::vector<std::vector<double>> call_ms_;
  std::vector<std::string> first_errors_;
};

// Measured RPCs per operation, in total and per method (methods the probe names, plus "other").
void rpc_figures(const std::optional<RpcCounts>& before, const std::optional<RpcCounts>& after, uint64_t ops,
                 MixResult& r) {
  if (!before || !after || ops == 0) return;
  const double n = static_cast<double>(ops);
  r.rpcs_per_op = static_cast<double>(after->total - before->total) / n;
  uint64_t named = 0;
  for (const auto& [method, count] : after->by_method) {
    const auto it = before->by_method.find(method);
    const uint64_t delta = count - (it == before->by_method.end() ? 0 : it->second);
    named += delta;
    if (delta > 0) r.rpcs_by_method.emplace_back(method, static_cast<double>(delta) / n);
  }
  const uint64_t total = after->total - before->total;
  if (total > named) r.rpcs_by_method.emplace_back("other", static_cast<double>(total - named) / n);
}

}  // namespace

MixResult run_mix(const Mix& mix, Driver& driver, const Settings& s, const RpcProbe& probe, ProgressView& progress) {
  MixResult result;
  result.mix = &mix;
  result.callers = s.callers;
  const auto n = static_cast<size_t>(s.callers);
  const auto interrupted = [&] { return s.call_opts.cancel_flag != nullptr && s.call_opts.cancel_flag->load(); };

  // Stable project ids: the tenant accounts the plugin makes for them are reused by later runs.
  std::vector<std::unique_ptr<Caller>> callers;
  for (size_t i = 0; i < n; ++i)
    callers.push_back(std::make_unique<Caller>(mix, driver, "vdp-bench-c" + std::to_string(i + 1), s.call_opts));

  Tally tally(mix.calls.size());
  on_threads(n, [&](size_t i) { tally.add(callers[i]->prepare(), false, "preparation: "); });
  const bool prepared = tally.errors() == 0;

  if (prepared && !interrupted()) {
    on_threads(n, [&](size_t i) {
      for (uint64_t k = 0; k < s.warmup && !interrupted(); ++k) tally.add(callers[i]->run_once(), false, "warm-up: ");
    });
  }

  if (prepared && !interrupted()) {
    std::atomic<uint64_t> completed{0};
    std::vector<Clock::time_point> ended(n);
    const std::optional<RpcCounts> before = probe ? probe() : std::nullopt;
    const auto start = Clock::now();
    const auto end = s.duration ? start + *s.duration : Clock::time_point::max();
    on_threads(
        n,
        [&](size_t i) {
          // With a count, caller i runs its own share (shares differ by one at most), so what each caller
          // pays, first-use costs included, does not depend on how the threads happen to run.
          const uint64_t share = s.count ? *s.count / n + (i < *s.count % n ? 1 : 0) : UINT64_MAX;
          for (uint64_t k = 0; k < share && Clock::now() < end && !interrupted(); ++k) {
            tally.add(callers[i]->run_once(), true, "");
            completed.fetch_add(1);
          }
          ended[i] = Clock::now();
        },
        [&] {
          const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
          const uint64_t done = completed.load();
          char message[96];
          std::snprintf(message, sizeof message, "%s: %llu ops, %.0f ops/s", mix.name,
                        static_cast<unsigned long long>(done), elapsed > 0 ? static_cast<double>(done) / elapsed : 0.0);
          if (s.count)
            progress.update(done, *s.count, message);
          else
            progress.update(static_cast<uint64_t>(elapsed * 1000), static_cast<uint64_t>(s.duration->count()), message);
        });
    progress.finish();
    const std::optional<RpcCounts> after = probe ? probe() : std::nullopt;
    result.seconds = std::chrono::duration<double>(*std::max_element(ended.begin(), ended.end()) - start).count();
    tally.into(result);
    rpc_figures(before, after, result.ops + result.failed, result);
  } else {
    tally.into(result);
  }
  result.interrupted = interrupted();
  if (result.interrupted)
    std::fprintf(stderr, "vdp-host: bench %s: interrupted; deleting what the callers made\n", mix.name);

  std::mutex mu;
  on_threads(n, [&](size_t i) {
    std::vector<std::string> left = callers[i]->clean_up(s.cleanup_opts);
    const std::lock_guard<std::mutex> lock(mu);
    for (auto& l : left) result.left_behind.push_back(std::move(l));
  });
  return result;
}

}  // namespace vdp::host::cli::bench
