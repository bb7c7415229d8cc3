// What the soak run counts: operations per kind, the host's repeats per status and per outcome_unknown,
// invariant checks per category, and every failure (the first ones kept verbatim). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

namespace soak {

class Stats {
 public:
  void op_done(const std::string& op);
  void expected_error(const std::string& op);
  // A repeat of `op` after `status`; outcome_unknown is "true", "false" or "absent" (member missing).
  void repeat(const std::string& op, const std::string& status, const std::string& outcome_unknown);
  void gave_up(const std::string& op);
  void failure(const std::string& message);
  // One invariant check; a failed one is also a failure.
  void check(const std::string& category, bool ok, const std::string& what_failed);

  uint64_t failures() const;
  uint64_t check_failures(const std::string& category) const;
  uint64_t check_failures() const;  // over every category
  uint64_t operations() const;
  void print_operations(std::ostream& out) const;
  void print_repeats(std::ostream& out) const;
  void print_checks(std::ostream& out) const;
  void print_failures(std::ostream& out, bool all) const;

 private:
  struct OpCount {
    uint64_t ok = 0, expected_error = 0, repeats = 0, gave_up = 0;
  };
  struct CheckCount {
    uint64_t run = 0, failed = 0;
  };
  mutable std::mutex mu_;
  std::map<std::string, OpCount> ops_;
  std::map<std::string, uint64_t> repeats_by_status_;
  std::map<std::string, uint64_t> repeats_by_unknown_;
  std::map<std::string, CheckCount> checks_;
  std::vector<std::string> failure_messages_;  // the first kKeptFailures (or all, for --verbose)
  uint64_t failures_ = 0;
};

}  // namespace soak
