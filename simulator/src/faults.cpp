#include "faults.h"

#include <charconv>
#include <stdexcept>

#include "json.h"

namespace element_sim {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) return out;
    start = p + 1;
  }
}

int64_t parse_int(const std::string& v, const std::string& what, int64_t lo, int64_t hi) {
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size() || n < lo || n > hi)
    throw std::invalid_argument("invalid " + what + " '" + v + "'");
  return n;
}

}  // namespace

FaultRule parse_fault(const std::string& spec) {
  FaultRule r;
  r.spec = spec;
  std::vector<std::string> parts = split(spec, ':');
  if (parts.size() < 2) throw std::invalid_argument("fault '" + spec + "': expected METHOD:ACTION[:MOD...]");
  std::string target = parts[0];
  if (auto slash = target.find('/'); slash != std::string::npos) {
    r.cluster = static_cast<int>(parse_int(target.substr(0, slash), "cluster in fault '" + spec + "'", 0, 63));
    target = target.substr(slash + 1);
  }
  if (target.empty()) throw std::invalid_argument("fault '" + spec + "': empty method");
  r.method = target;
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    const auto eq = p.find('=');
    const std::string key = p.substr(0, eq);
    const std::string val = eq == std::string::npos ? "" : p.substr(eq + 1);
    if (i == 1) {
      if (key == "error" && !val.empty()) {
        r.kind = FaultRule::Kind::error;
        r.error_name = val;
      } else if (key == "http") {
        r.kind = FaultRule::Kind::http;
        r.http_status = static_cast<int>(parse_int(val, "HTTP status in fault '" + spec + "'", 400, 599));
      } else if (key == "reset" && eq == std::string::npos) {
        r.kind = FaultRule::Kind::reset;
      } else if (key == "drop" && eq == std::string::npos) {
        r.kind = FaultRule::Kind::drop;
      } else if (key == "latency") {
        r.kind = FaultRule::Kind::latency;
        r.latency_ms = parse_int(val, "latency in fault '" + spec + "'", 0, 3600000);
      } else if (key == "pause" && eq == std::string::npos) {
        r.kind = FaultRule::Kind::pause;
      } else if (key == "huge") {
        r.kind = FaultRule::Kind::huge;
        r.huge_bytes = parse_int(val, "size in fault '" + spec + "'", int64_t{1} << 10, int64_t{1} << 32);
      } else if (key == "endless" && eq == std::string::npos) {
        r.kind = FaultRule::Kind::endless;
      } else {
        throw std::invalid_argument("fault '" + spec + "': unknown action (error=NAME, http=STATUS, reset, drop, "
                                    "latency=MS, pause, huge=BYTES, endless)");
      }
    } else if (key == "count") {
      r.count = parse_int(val, "count in fault '" + spec + "'", 0, INT64_MAX);
    } else if (key == "prob") {
      try {
        size_t pos = 0;
        r.prob = std::stod(val, &pos);
        if (pos != val.size() || !(r.prob >= 0.0 && r.prob <= 1.0)) throw std::invalid_argument(val);
      } catch (const std::exception&) {
        throw std::invalid_argument("invalid prob in fault '" + spec + "' (expected 0..1)");
      }
    } else {
      throw std::invalid_argument("fault '" + spec + "': unknown modifier '" + p + "' (count=N, prob=P)");
    }
  }
  return r;
}

FaultInjector::FaultInjector(uint64_t seed) : rng_(seed ^ 0xFA017FA017FA017FULL) {}

void FaultInjector::add(FaultRule r) {
  std::lock_guard lk(mu_);
  rules_.push_back(std::move(r));
  active_.store(true, std::memory_order_release);
}

void FaultInjector::clear() {
  std::lock_guard lk(mu_);
  rules_.clear();
  active_.store(false, std::memory_order_release);
}

FaultInjector::Decision FaultInjector::decide(int cluster, const std::string& method) {
  Decision d;
  std::lock_guard lk(mu_);
  for (auto& r : rules_) {
    if (r.count == 0) continue;
    if (r.cluster >= 0 && r.cluster != cluster) continue;
    if (r.method != "*" && r.method != method) continue;
    if (d.fire && r.kind != FaultRule::Kind::latency) continue;  // one action per request
    if (r.prob < 1.0) {
      const double draw = static_cast<double>(rng_.next() >> 11) / 9007199254740992.0;  // [0,1)
      if (draw >= r.prob) continue;
    }
    if (r.count > 0) --r.count;
    ++r.fired;
    if (r.kind == FaultRule::Kind::latency) {
      d.latency_ms += r.latency_ms;
      continue;
    }
    d.fire = true;
    d.kind = r.kind;
    d.error_name = r.error_name;
    d.http_status = r.http_status;
    d.huge_bytes = r.huge_bytes;
  }
  return d;
}

std::string FaultInjector::rules_json() const {
  std::lock_guard lk(mu_);
  json::Ptr arr = json::array();
  for (const auto& r : rules_) {
    json::Ptr o = json::object();
    json::add_str(o.get(), "spec", r.spec);
    json::add_int(o.get(), "remaining", r.count);
    json::add_int(o.get(), "fired", static_cast<int64_t>(r.fired));
    json::push(arr.get(), o.release());
  }
  return json::print(arr.get());
}

}  // namespace element_sim
