#include "host_model.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace soak {

Qos VolumeType::qos_at(int64_t size_gib) const {
  if (!scaled || size_gib <= 1) return base;
  const int64_t extra = size_gib - 1;
  return {base.min + scale.min * extra, base.max + scale.max * extra, base.burst + scale.burst * extra};
}

const std::vector<VolumeType>& volume_types() {
  // Values inside Element's limits and ordered min <= max <= burst, so the driver never clamps them.
  static const std::vector<VolumeType> types = {
      {"t-gold", "gold", {1000, 5000, 8000}, false, {}},
      {"t-silver", "silver", {500, 2000, 4000}, false, {}},
      {"t-bronze", "bronze", {100, 1000, 1500}, false, {}},
      {"t-scaled", "scaled", {100, 200, 300}, true, {10, 20, 30}},
  };
  return types;
}

namespace {
int64_t provider_token(const std::string& provider_id, size_t index) {
  std::istringstream in(provider_id);
  std::string tok;
  for (size_t i = 0; in >> tok; ++i) {
    if (i == index) {
      try {
        return std::stoll(tok);
      } catch (const std::exception&) {
        return 0;
      }
    }
  }
  return 0;
}
}  // namespace

namespace {
constexpr size_t kHistory = 24;  // events kept per volume and per initiator

void push_bounded(std::vector<std::string>& h, std::string event) {
  if (h.size() >= kHistory) h.erase(h.begin());
  h.push_back(std::move(event));
}

std::string join(const std::vector<std::string>& h) {
  std::string out;
  for (const auto& e : h) out += (out.empty() ? "" : " -> ") + e;
  return out;
}
}  // namespace

void VolumeRec::note(std::string event) { push_bounded(history, std::move(event)); }
std::string VolumeRec::trail() const { return join(history); }

void HostModel::note_initiator(const std::string& iqn, std::string event) {
  std::lock_guard lock(mu_);
  push_bounded(initiator_history_[iqn], std::move(event));
}

std::string HostModel::initiator_trail(const std::string& iqn) const {
  std::lock_guard lock(mu_);
  const auto it = initiator_history_.find(iqn);
  return it == initiator_history_.end() ? std::string() : join(it->second);
}

int64_t VolumeRec::cluster_id() const { return provider_token(provider_id, 0); }
int64_t VolumeRec::account_id() const { return provider_token(provider_id, 1); }

HostModel::HostModel(int callers, int private_cap, int shared_cap)
    : private_cap_(private_cap),
      shared_cap_(shared_cap),
      private_(static_cast<size_t>(callers)),
      private_reserved_(static_cast<size_t>(callers), 0) {}

VolumePtr HostModel::pick(bool shared, int caller, std::mt19937_64& rng) const {
  std::lock_guard lock(mu_);
  const auto& p = shared ? shared_ : private_.at(static_cast<size_t>(caller));
  if (p.empty()) return nullptr;
  return p[std::uniform_int_distribution<size_t>(0, p.size() - 1)(rng)];
}

bool HostModel::reserve(bool shared, int caller) {
  std::lock_guard lock(mu_);
  const int cap = shared ? shared_cap_ : private_cap_;
  int& r = reserved(shared, caller);
  if (static_cast<int>(pool(shared, caller).size()) + r >= cap) return false;
  ++r;
  return true;
}

void HostModel::unreserve(bool shared, int caller) {
  std::lock_guard lock(mu_);
  --reserved(shared, caller);
}

void HostModel::add(const VolumePtr& v) {
  std::lock_guard lock(mu_);
  pool(v->shared, v->owner).push_back(v);
}

void HostModel::depart(const VolumeRec& v) {
  constexpr size_t kDeparted = 5000;
  if (departed_.emplace(v.id, v.trail()).second) departed_order_.push_back(v.id);
  if (departed_order_.size() > kDeparted) {
    departed_.erase(departed_order_.front());
    departed_order_.pop_front();
  }
}

std::string HostModel::departed_trail(const std::string& id) const {
  std::lock_guard lock(mu_);
  const auto it = departed_.find(id);
  return it == departed_.end() ? std::string() : it->second;
}

void HostModel::remove(const VolumeRec& v) {
  std::lock_guard lock(mu_);
  depart(v);
  auto& p = pool(v.shared, v.owner);
  p.erase(std::remove_if(p.begin(), p.end(), [&](const VolumePtr& x) { return x.get() == &v; }), p.end());
}

void HostModel::abandon(const VolumeRec& v) {
  remove(v);
  std::lock_guard lock(mu_);
  abandoned_volumes_.insert(v.id);
  departed_[v.id] = v.trail();
  for (const auto& s : v.snapshots) abandoned_snapshots_.insert(s.id);
}

void HostModel::abandon_volume_id(const std::string& id) {
  std::lock_guard lock(mu_);
  abandoned_volumes_.insert(id);
}

void HostModel::abandon_snapshot_id(const std::string& id) {
  std::lock_guard lock(mu_);
  abandoned_snapshots_.insert(id);
}

std::vector<VolumePtr> HostModel::all() const {
  std::lock_guard lock(mu_);
  std::vector<VolumePtr> out(shared_.begin(), shared_.end());
  for (const auto& p : private_) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::set<std::string> HostModel::abandoned_volumes() const {
  std::lock_guard lock(mu_);
  return abandoned_volumes_;
}

std::set<std::string> HostModel::abandoned_snapshots() const {
  std::lock_guard lock(mu_);
  return abandoned_snapshots_;
}

std::string uuid_from(std::mt19937_64& rng) {
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx", static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xffff), static_cast<unsigned long long>(hi & 0xffff),
                static_cast<unsigned long long>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

}  // namespace soak
