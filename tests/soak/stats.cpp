#include "stats.h"

#include <iomanip>

namespace soak {

namespace {
constexpr size_t kKeptFailures = 200;  // bounded memory over hours of a failing run
}

void Stats::op_done(const std::string& op) {
  std::lock_guard lock(mu_);
  ++ops_[op].ok;
}

void Stats::expected_error(const std::string& op) {
  std::lock_guard lock(mu_);
  ++ops_[op].expected_error;
}

void Stats::repeat(const std::string& op, const std::string& status, const std::string& outcome_unknown) {
  std::lock_guard lock(mu_);
  ++ops_[op].repeats;
  ++repeats_by_status_[status];
  ++repeats_by_unknown_[outcome_unknown];
}

void Stats::gave_up(const std::string& op) {
  std::lock_guard lock(mu_);
  ++ops_[op].gave_up;
}

void Stats::failure(const std::string& message) {
  std::lock_guard lock(mu_);
  ++failures_;
  if (failure_messages_.size() < kKeptFailures) failure_messages_.push_back(message);
}

void Stats::check(const std::string& category, bool ok, const std::string& what_failed) {
  {
    std::lock_guard lock(mu_);
    auto& c = checks_[category];
    ++c.run;
    if (ok) return;
    ++c.failed;
  }
  failure("invariant " + category + ": " + what_failed);
}

uint64_t Stats::failures() const {
  std::lock_guard lock(mu_);
  return failures_;
}

uint64_t Stats::check_failures(const std::string& category) const {
  std::lock_guard lock(mu_);
  const auto it = checks_.find(category);
  return it == checks_.end() ? 0 : it->second.failed;
}

uint64_t Stats::check_failures() const {
  std::lock_guard lock(mu_);
  uint64_t n = 0;
  for (const auto& [cat, c] : checks_) n += c.failed;
  return n;
}

uint64_t Stats::operations() const {
  std::lock_guard lock(mu_);
  uint64_t n = 0;
  for (const auto& [op, c] : ops_) n += c.ok + c.expected_error + c.gave_up;
  return n;
}

void Stats::print_operations(std::ostream& out) const {
  std::lock_guard lock(mu_);
  out << "operations (ok / expected error / repeats / gave up):\n";
  OpCount total;
  for (const auto& [op, c] : ops_) {
    out << "  " << std::left << std::setw(28) << op << std::right << std::setw(8) << c.ok << std::setw(8)
        << c.expected_error << std::setw(8) << c.repeats << std::setw(8) << c.gave_up << "\n";
    total.ok += c.ok;
    total.expected_error += c.expected_error;
    total.repeats += c.repeats;
    total.gave_up += c.gave_up;
  }
  out << "  " << std::left << std::setw(28) << "total" << std::right << std::setw(8) << total.ok << std::setw(8)
      << total.expected_error << std::setw(8) << total.repeats << std::setw(8) << total.gave_up << "\n";
}

void Stats::print_repeats(std::ostream& out) const {
  std::lock_guard lock(mu_);
  out << "repeats by status:";
  if (repeats_by_status_.empty()) out << " none";
  for (const auto& [s, n] : repeats_by_status_) out << " " << s << "=" << n;
  out << "\nrepeats by outcome_unknown:";
  if (repeats_by_unknown_.empty()) out << " none";
  for (const auto& [s, n] : repeats_by_unknown_) out << " " << s << "=" << n;
  out << "\n";
}

void Stats::print_checks(std::ostream& out) const {
  std::lock_guard lock(mu_);
  uint64_t run = 0, failed = 0;
  out << "invariant checks (run / failed):\n";
  for (const auto& [cat, c] : checks_) {
    out << "  " << std::left << std::setw(36) << cat << std::right << std::setw(8) << c.run << std::setw(8) << c.failed
        << "\n";
    run += c.run;
    failed += c.failed;
  }
  out << "  " << std::left << std::setw(36) << "total" << std::right << std::setw(8) << run << std::setw(8) << failed
      << "\n";
}

void Stats::print_failures(std::ostream& out, bool all) const {
  std::lock_guard lock(mu_);
  if (failures_ == 0) return;
  out << "failures: " << failures_ << "\n";
  const size_t shown = all ? failure_messages_.size() : std::min<size_t>(failure_messages_.size(), 25);
  for (size_t i = 0; i < shown; ++i) out << "  - " << failure_messages_[i] << "\n";
  if (shown < failures_)
    out << "  ... " << (failures_ - shown) << " more (--verbose shows up to " << kKeptFailures << ")\n";
}

}  // namespace soak
