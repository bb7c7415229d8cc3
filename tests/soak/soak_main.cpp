// vdp_soak: caller threads run a seeded random mix of volume, snapshot, clone and connection operations
// on the SolidFire plugin against an in-process element-sim injecting faults, repeating what the ABI
// says to repeat; then the host's model is checked against the cluster, everything is deleted and the
// cluster is checked empty. Prints the figures and PASS/FAIL; exits 1 on any failure. See README.md.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cluster_view.h"
#include "fault_plan.h"
#include "host_calls.h"
#include "host_model.h"
#include "invariants.h"
#include "options.h"
#include "sabotage.h"
#include "stats.h"
#include "support.h"
#include "workload.h"

namespace {

using Clock = std::chrono::steady_clock;
using soak::vh::Driver;

// Draining waits for the operations in flight; a call that never returns is a failure of its own.
constexpr auto kDrainLimit = std::chrono::seconds(100);

// Every driver gets the same lock table: several volume services on one backend share their locks
// (Cinder's coordination backend), which keeps their VAG changes apart.
std::unique_ptr<Driver> setup_driver(it::Sim& sim, bool vag, const std::shared_ptr<soak::vh::LockTable>& locks) {
  auto cfg = it::sim_config(sim);
  cfg["sf_enable_vag"] = vag ? "true" : "false";
  auto drv = it::make_driver(cfg, nullptr, locks);
  soak::vh::CallOptions o;
  o.timeout = std::chrono::seconds(60);
  const auto r = drv->setup(o);
  if (!r.ok()) {
    std::cerr << "vdp_soak: setup failed: " << r.output << "\n";
    std::exit(2);
  }
  return drv;
}

// Threads that report when they end, so a wait can give up on a call that never returns.
class Threads {
 public:
  template <class F>
  Threads(int n, F body) : running_(n) {
    for (int i = 0; i < n; ++i) {
      threads_.emplace_back([this, body, i] {
        body(i);
        std::lock_guard lock(mu_);
        --running_;
        cv_.notify_all();
      });
    }
  }
  ~Threads() {
    for (auto& t : threads_) {
      if (t.joinable()) t.detach();  // only after a failed wait: the process exits next
    }
  }
  // True when every thread ended within `limit` (and was joined).
  bool wait(std::chrono::seconds limit) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, limit, [&] { return running_ == 0; })) return false;
    lock.unlock();
    for (auto& t : threads_) t.join();
    return true;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int running_;
  std::vector<std::thread> threads_;
};

// Sleeps through the traffic, printing progress now and then so a long run by hand shows it is alive,
// and calling `checkpoint` every `check_every` seconds (0: never).
template <class F>
void wait_traffic(double seconds, double check_every, const soak::Stats& stats, F checkpoint) {
  using Dur = Clock::duration;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration_cast<Dur>(std::chrono::duration<double>(seconds));
  auto next_report = start + std::chrono::seconds(15);
  const auto check_step = std::chrono::duration_cast<Dur>(std::chrono::duration<double>(check_every));
  auto next_check = check_every > 0 ? start + check_step : Clock::time_point::max();
  while (Clock::now() < end) {
    std::this_thread::sleep_until(std::min({next_report, next_check, end}));
    const auto now = Clock::now();
    if (now >= end) break;
    if (now >= next_check) {
      checkpoint();
      next_check = Clock::now() + check_step;
    }
    if (now >= next_report) {
      const auto s = std::chrono::duration_cast<std::chrono::seconds>(now - start);
      std::cout << "  ... " << s.count() << " s, " << stats.operations() << " operations, " << stats.failures()
                << " failures\n"
                << std::flush;
      next_report += s < std::chrono::minutes(5) ? std::chrono::seconds(15) : std::chrono::seconds(300);
    }
  }
}

[[noreturn]] void hung(const char* phase, soak::Stats& stats) {
  std::cout << "vdp_soak: operations still running " << kDrainLimit.count() << " s after " << phase
            << " (a call that never returns)\n";
  stats.print_operations(std::cout);
  stats.print_failures(std::cout, true);
  std::cout << "RESULT: FAIL\n" << std::flush;
  std::_Exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  const soak::Options opts = soak::parse_options(argc, argv);
  std::cout << "vdp_soak: seed " << opts.seed << ", " << opts.threads << " callers, " << opts.seconds
            << " s, fault rate " << opts.fault_rate << ", " << opts.drivers << " driver(s), caps private "
            << opts.private_cap << " shared " << opts.shared_cap << " snapshots " << opts.snapshot_cap << "\n"
            << "  reproduce: vdp_soak --seed " << opts.seed << " --seconds " << opts.seconds << " --threads "
            << opts.threads << " --fault-rate " << opts.fault_rate << " --drivers " << opts.drivers;
  for (const auto& f : opts.extra_faults) std::cout << " --fault '" << f << "'";
  std::cout << "\n" << std::flush;

  soak::Stats stats;
  soak::FaultPlan faults = [&] {
    try {
      return soak::FaultPlan(opts.fault_rate, opts.extra_faults);
    } catch (const std::invalid_argument& e) {
      std::cerr << "vdp_soak: --fault: " << e.what() << "\n";
      std::exit(2);
    }
  }();
  int rc = 0;
  {
    element_sim::Options so = it::Sim::default_options();
    so.seed = opts.seed;
    so.io_threads = 4;
    it::Sim sim(so);

    // Driver 0 and (with 3) driver 2: sf_enable_vag, two volume services on one backend; driver 1: no VAGs.
    std::vector<std::unique_ptr<Driver>> owned;
    soak::Drivers drivers;
    const auto locks = std::make_shared<soak::vh::LockTable>();
    owned.push_back(setup_driver(sim, true, locks));
    drivers.vag.push_back(owned.back().get());
    if (opts.drivers >= 2) {
      owned.push_back(setup_driver(sim, false, locks));
      drivers.plain.push_back(owned.back().get());
    }
    if (opts.drivers >= 3) {
      owned.push_back(setup_driver(sim, true, locks));
      drivers.vag.push_back(owned.back().get());
    }

    std::vector<std::string> projects;
    for (int i = 0; i < 4; ++i) projects.push_back("soak-" + std::to_string(opts.seed) + "-p" + std::to_string(i));
    soak::HostModel model(opts.threads, opts.private_cap, opts.shared_cap);
    soak::Canceller canceller;
    soak::HostCaller host(opts, stats, canceller);
    soak::Workload work(opts, drivers, model, stats, host, projects);

    // Traffic with faults.
    faults.install(sim.server());
    const auto t0 = Clock::now();
    std::atomic<bool> stop{false};
    soak::Gate gate;
    int checkpoints = 0;
    {
      Threads callers(opts.threads, [&](int i) { work.run(i, stop, gate); });
      // Checkpoints stop the callers between operations, so the model is exact; the checks run with
      // no fault rule installed. A duplicate or a leftover that a later operation would hide (a delete
      // removes every volume named for its id; a connect reuses an empty VAG) is caught here.
      wait_traffic(opts.seconds, opts.check_every, stats, [&] {
        const auto c0 = Clock::now();
        gate.close();
        const auto c1 = Clock::now();
        faults.collect_and_clear(sim.server());
        soak::check_against_model(soak::read_cluster(sim.server()), model, stats);
        ++checkpoints;
        faults.install(sim.server());
        gate.open();
        std::cout << "  checkpoint " << checkpoints << ": " << std::fixed << std::setprecision(1)
                  << std::chrono::duration<double>(c1 - c0).count() << " s to pause, "
                  << std::chrono::duration<double>(Clock::now() - c1).count() << " s to check; " << stats.failures()
                  << " failures so far\n"
                  << std::flush;
      });
      stop = true;
      const auto d0 = Clock::now();
      if (!callers.wait(kDrainLimit)) hung("the traffic stopped", stats);
      std::cout << "  drained the operations in flight in " << std::fixed << std::setprecision(1)
                << std::chrono::duration<double>(Clock::now() - d0).count() << " s\n";
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    faults.collect_and_clear(sim.server());
    const uint64_t ops = stats.operations();
    std::cout << "traffic: " << ops << " operations in " << std::fixed << std::setprecision(1) << elapsed << " s ("
              << static_cast<double>(ops) / elapsed << "/s), " << sim.total() << " Element RPCs\n";

    std::cout << "checkpoints during the traffic: " << checkpoints << "\n";
    // The model against the cluster, with no fault rule left.
    std::vector<std::string> planted;
    if (opts.sabotage) planted = soak::plant_violations(sim.server(), model);
    soak::check_against_model(soak::read_cluster(sim.server()), model, stats);
    const size_t live = model.all().size();

    if (opts.cleanup) {
      const auto all = model.all();
      Threads cleaners(opts.threads, [&](int i) { work.cleanup(all, i, opts.threads); });
      if (!cleaners.wait(kDrainLimit)) hung("the cleanup started", stats);
      soak::check_cleaned(soak::read_cluster(sim.server()), model, stats);
    }

    std::cout << "host model at the end of the traffic: " << live
              << " volumes; abandoned: " << model.abandoned_volumes().size() << " volumes, "
              << model.abandoned_snapshots().size() << " snapshots\n";
    stats.print_operations(std::cout);
    faults.print(std::cout);
    stats.print_repeats(std::cout);
    stats.print_checks(std::cout);
    stats.print_failures(std::cout, opts.verbose);
    if (ops == 0) {
      stats.failure("no operation completed");
      std::cout << "failures: no operation completed\n";
    }
    rc = stats.failures() == 0 ? 0 : 1;
    if (opts.sabotage) {
      // Every planted violation found, and nothing else: a failure of its own or a missed one is FAIL.
      uint64_t planted_failures = 0;
      size_t detected = 0;
      for (const auto& cat : planted) {
        const uint64_t n = stats.check_failures(cat);
        planted_failures += n;
        detected += n > 0 ? 1 : 0;
        std::cout << "sabotage: " << cat << ": " << (n > 0 ? "detected" : "MISSED") << "\n";
      }
      const uint64_t other = stats.failures() - planted_failures;
      std::cout << "sabotage: " << detected << " of " << planted.size() << " planted violations detected, " << other
                << " other failures\n";
      rc = detected == planted.size() && planted.size() >= 4 && other == 0 ? 0 : 1;
    }
    owned.clear();  // drivers go before the simulator stops
  }
  it::release_plugin();
  std::cout << "RESULT: " << (rc == 0 ? "PASS" : "FAIL") << " (seed " << opts.seed << ")\n" << std::flush;
  return rc;
}
