#include "fault_plan.h"

#include <sstream>
#include <stdexcept>

#include "support.h"

namespace soak {

namespace {
std::string prob(double p) {
  std::ostringstream s;
  s.precision(6);
  s << std::fixed << p;
  return s.str();
}
}  // namespace

FaultPlan::FaultPlan(double rate, const std::vector<std::string>& extra) {
  // Extra rules first: element-sim applies one action per request, the first rule that fires.
  for (const auto& spec : extra) {
    element_sim::Server::validate_fault(spec);
    rules_.push_back({"extra " + spec, spec});
  }
  if (rate <= 0) return;
  // Names the driver retries by itself (element_api.h kRetryable): the host sees them only when
  // every attempt fails.
  rules_.push_back({"error xDBConnectionLoss", "*:error=xDBConnectionLoss:prob=" + prob(rate / 10)});
  rules_.push_back({"error xNotReadyForIO", "*:error=xNotReadyForIO:prob=" + prob(rate / 10)});
  rules_.push_back({"http 503", "*:http=503:prob=" + prob(rate / 5)});
  rules_.push_back({"reset", "*:reset:prob=" + prob(rate / 5)});
  rules_.push_back({"drop", "*:drop:prob=" + prob(rate / 5)});
  // Longer than the host's short deadline (host_calls.cpp), far shorter than the normal one.
  rules_.push_back({"latency 2000ms", "*:latency=2000:prob=" + prob(rate / 5)});
}

void FaultPlan::install(element_sim::Server& server) const {
  for (const auto& r : rules_) server.add_fault(r.spec);
}

void FaultPlan::collect_and_clear(element_sim::Server& server) {
  const it::Json rules = it::Json::parse(server.faults_json());
  if (rules.size() != rules_.size()) {
    throw std::runtime_error("element-sim lists " + std::to_string(rules.size()) + " fault rules, " +
                             std::to_string(rules_.size()) + " installed: " + server.faults_json());
  }
  for (size_t i = 0; i < rules_.size(); ++i)
    fired_[rules_[i].kind] += static_cast<uint64_t>(rules.at(i)["fired"].i64());
  server.clear_faults();
}

void FaultPlan::print(std::ostream& out) const {
  out << "faults injected:";
  if (rules_.empty()) out << " none (fault rate 0, no --fault)";
  for (const auto& r : rules_) {
    auto it = fired_.find(r.kind);
    out << " " << r.kind << "=" << (it == fired_.end() ? 0 : it->second) << ";";
  }
  out << " total=" << total_fired() << "\n";
}

uint64_t FaultPlan::total_fired() const {
  uint64_t n = 0;
  for (const auto& [k, v] : fired_) n += v;
  return n;
}

}  // namespace soak
