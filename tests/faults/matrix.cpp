#include "matrix.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <map>
#include <regex>
#include <sstream>

namespace faults {
namespace {

// The faulted call gets a host deadline: long enough for one retry after the driver's 1 s backoff, short
// enough that a driver waiting for a lost write to show up (CreateVolume polls up to a minute) gives up
// soon; the "late" fault answers past a shorter one. Setup calls and the repeat may take their time.
constexpr std::chrono::milliseconds kFaultedDeadline{4000};
constexpr std::chrono::milliseconds kShortDeadline{1500};
constexpr std::chrono::milliseconds kCallDeadline{60000};

vh::CallOptions deadline(std::chrono::milliseconds timeout) {
  vh::CallOptions o;
  o.timeout = timeout;
  return o;
}

// "OK", "TIMEOUT", "NOT_FOUND", ...; a TIMEOUT whose error object does not say outcome_unknown: true
// shows what it says instead.
std::string describe(const vh::CallResult& r) {
  std::string name = vdp_status_name(r.status);
  for (const char* prefix : {"VDP_E_", "VDP_"}) {
    if (name.rfind(prefix, 0) == 0) {
      name = name.substr(std::string(prefix).size());
      break;
    }
  }
  if (r.status == VDP_E_TIMEOUT) {
    const it::Json ou = it::Json::parse(r.output)["outcome_unknown"];
    if (!ou.boolean()) name += ou.is_bool() ? "[ou=false]" : "[no ou]";  // ou: "outcome_unknown"
  }
  return name;
}

// A fresh cluster, a fresh driver for the scenario, its starting state and the call under test.
struct Prepared {
  std::unique_ptr<vh::Driver> driver;
  Tokens tokens;
  Call call;
};

Prepared prepare(it::Sim& sim, const Scenario& s) {
  sim.server().clear_faults();
  sim.server().reset_state();
  Prepared p;
  vh::ConfigMap cfg = it::sim_config(sim);
  for (const auto& [k, v] : s.config) cfg[k] = v;
  p.driver = it::make_driver(cfg);
  const auto setup = p.driver->setup(deadline(kCallDeadline));
  if (!setup.ok()) throw SetupError("driver setup failed: " + setup.output);
  Run run{sim, *p.driver, p.tokens};
  p.call = s.prepare(run);
  return p;
}

uint64_t fired(it::Sim& sim) {
  const it::Json rules = it::Json::parse(sim.server().faults_json());
  uint64_t n = 0;
  for (size_t i = 0; i < rules.size(); ++i) n += static_cast<uint64_t>(rules.at(i)["fired"].i64());
  return n;
}

std::string first_line(const std::string& s, size_t max = 300) {
  std::string l = s.substr(0, s.find('\n'));
  return l.size() > max ? l.substr(0, max) + "..." : l;
}

}  // namespace

const std::vector<Fault>& fault_kinds() {
  static const std::vector<Fault> kinds = {
      {"retryable", "error=xDBConnectionLoss", false},  // in element::err::kRetryable
      {"drop", "drop", true},                           // committed, then the connection closes
      {"reset", "reset", true},                         // RST before executing; the driver cannot tell
      {"late", "latency=3000", true},                   // committed, answered after the 1.5 s deadline
      {"http503", "http=503", false},
  };
  return kinds;
}

const std::vector<std::string>& write_methods() {
  static const std::vector<std::string> methods = [] {
    std::ifstream in(VDP_ELEMENT_API_H);
    std::string text;
    for (std::string line; std::getline(in, line);) text += line + "\n";
    const std::regex decl(R"re(inline constexpr Method k\w+\{"(\w+)", "[0-9.]+", (true|false)\})re");
    std::vector<std::string> out;
    for (std::sregex_iterator m(text.begin(), text.end(), decl), end; m != end; ++m) {
      if ((*m)[2] == "true") out.push_back((*m)[1]);
    }
    return out;
  }();
  return methods;
}

Baseline run_baseline(it::Sim& sim, const Scenario& s) {
  Baseline b;
  for (int round = 0; round < 2; ++round) {
    Prepared p = prepare(sim, s);
    std::vector<uint64_t> before;
    for (const auto& m : write_methods()) before.push_back(sim.count(m));
    const auto r = p.driver->call(p.call.op, p.call.request, deadline(kCallDeadline));
    if (!r.ok()) throw SetupError("the fault-free " + p.call.op + " failed: " + r.output);
    if (round == 0) {
      for (size_t i = 0; i < write_methods().size(); ++i) {
        const uint64_t n = sim.count(write_methods()[i]) - before[i];
        if (n == 0) continue;
        b.writes.push_back(write_methods()[i]);
        b.counts += (b.counts.empty() ? "" : " ") + write_methods()[i] + (n > 1 ? "x" + std::to_string(n) : "");
      }
      b.dump = cluster_dump(sim, p.tokens);
    } else if (const std::string again = cluster_dump(sim, p.tokens); again != b.dump) {
      throw SetupError("two fault-free runs left different clusters (normalisation misses something):\n" +
                       dump_diff(b.dump, again));
    }
  }
  return b;
}

Cell run_cell(it::Sim& sim, const Scenario& s, const std::string& method, const Fault& fault, const Baseline& base) {
  Cell c;
  c.scenario = s.name;
  c.method = method;
  c.fault = fault.name;
  std::vector<std::string> problems;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    Prepared p = prepare(sim, s);
    sim.server().add_fault(method + ":" + fault.action + ":count=1");
    const bool late = fault.action.rfind("latency=", 0) == 0;
    const auto first = p.driver->call(p.call.op, p.call.request, deadline(late ? kShortDeadline : kFaultedDeadline));
    if (fired(sim) != 1) problems.push_back("the fault never fired");
    sim.server().clear_faults();
    c.statuses = describe(first);
    const bool unknown = first.status == VDP_E_TIMEOUT && it::Json::parse(first.output)["outcome_unknown"].boolean();
    if (!first.ok() && !(fault.lost_reply && unknown)) {
      problems.push_back("faulted call: " + first_line(first.output));
    }
    if (!first.ok()) {
      const auto again = p.driver->call(p.call.op, p.call.request, deadline(kCallDeadline));  // as hosts do
      c.statuses += "->" + describe(again);
      if (!again.ok()) problems.push_back("repeat: " + first_line(again.output));
    }
    const std::string dump = cluster_dump(sim, p.tokens);
    if (dump != base.dump) {
      // What the faulted call said helps to tell where the driver lost track.
      problems.push_back("cluster differs from the fault-free run" +
                         (first.ok() ? std::string() : " (the faulted call said: " + first_line(first.output) + ")") +
                         ":\n" + dump_diff(base.dump, dump));
    }
  } catch (const SetupError& e) {
    problems.push_back(e.what());
  }
  sim.server().clear_faults();
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  c.pass = problems.empty();
  for (const auto& p : problems) c.why += (c.why.empty() ? "" : "\n") + p;
  return c;
}

void print_table(std::ostream& out, const std::vector<Cell>& cells) {
  constexpr int kOp = 38, kMethod = 36, kCol = 30;
  out << std::left << std::setw(kOp) << "operation" << std::setw(kMethod) << "write method";
  for (const auto& f : fault_kinds()) out << std::setw(kCol) << f.name;
  out << "\n" << std::string(kOp + kMethod + kCol * fault_kinds().size(), '-') << "\n";
  // Rows in the order the cells came; a scenario without writes has one cell with an empty fault.
  std::vector<std::pair<std::string, std::string>> rows;
  std::map<std::pair<std::string, std::string>, std::map<std::string, const Cell*>> grid;
  for (const auto& c : cells) {
    const auto key = std::make_pair(c.scenario, c.method);
    if (grid.find(key) == grid.end()) rows.push_back(key);
    grid[key][c.fault] = &c;
  }
  for (const auto& key : rows) {
    out << std::setw(kOp) << key.first << std::setw(kMethod) << key.second;
    for (const auto& f : fault_kinds()) {
      const auto it = grid[key].find(f.name);
      std::string text;
      if (it != grid[key].end()) {
        std::ostringstream secs;
        secs << std::fixed << std::setprecision(1) << it->second->seconds << "s";
        text = (it->second->pass ? "PASS " : "FAIL ") + it->second->statuses + " " + secs.str();
      }
      out << std::setw(kCol) << text;
    }
    out << "\n";
  }
  size_t failed = 0;
  for (const auto& c : cells) failed += (!c.pass && !c.fault.empty()) ? 1 : 0;
  out << failed << " failing cell(s) of " << cells.size() << "\n" << std::flush;
}

}  // namespace faults
