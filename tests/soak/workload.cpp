#include "workload.h"

#include <mutex>
#include <shared_mutex>

#include "requests.h"
#include "support.h"

namespace soak {

namespace {

constexpr int64_t kMaxSizeGiB = 12;      // extends stop here (the cluster's capacity is not the subject)
constexpr int kSharedPercent = 40;       // operations on the shared pool; the rest on the caller's own
constexpr int kForceDeletePercent = 10;  // delete a connected volume (the driver leaves its VAGs)

template <class T>
const T& any_of(const std::vector<T>& v, std::mt19937_64& rng) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

int roll(std::mt19937_64& rng) { return std::uniform_int_distribution<int>(0, 99)(rng); }

std::string describe(const CallOutcome& r) { return std::string(vdp_status_name(r.status)) + " " + r.output; }

}  // namespace

Workload::Workload(const Options& opts, Drivers drivers, HostModel& model, Stats& stats, HostCaller& host,
                   std::vector<std::string> projects)
    : opts_(opts),
      drivers_(std::move(drivers)),
      model_(model),
      stats_(stats),
      host_(host),
      projects_(std::move(projects)) {
  for (int i = 0; i < 4; ++i) busy_iqns_.push_back("iqn.2024-01.org.vdp.soak:busy-" + std::to_string(i));
  for (int i = 0; i < 40; ++i) quiet_iqns_.push_back("iqn.2024-01.org.vdp.soak:quiet-" + std::to_string(i));
}

void Gate::enter() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !closed_; });
  ++active_;
}

void Gate::leave() {
  std::lock_guard lock(mu_);
  --active_;
  cv_.notify_all();
}

void Gate::close() {
  std::unique_lock lock(mu_);
  closed_ = true;
  cv_.wait(lock, [&] { return active_ == 0; });
}

void Gate::open() {
  std::lock_guard lock(mu_);
  closed_ = false;
  cv_.notify_all();
}

CallOutcome Workload::call_on(VolumeRec& v, const std::string& op, const std::string& request, std::mt19937_64& rng,
                              bool quiet, const std::string& detail) {
  const bool vag = v.vag || drivers_.plain.empty();
  const auto& pool = vag ? drivers_.vag : drivers_.plain;
  const size_t k = std::uniform_int_distribution<size_t>(0, pool.size() - 1)(rng);
  const CallOutcome r = host_.call(*pool[k], op, request, rng, quiet);
  v.note(op + (detail.empty() ? "" : " " + detail) + " via " + (vag ? "vag" : "plain") + std::to_string(k) + ": " +
         r.summary());
  return r;
}

void Workload::lost(VolumeRec& v, const std::string& op, const CallOutcome& r) {
  // A give-up was already reported by the caller; any other error is reported here.
  if (!r.gave_up) stats_.failure(op + " on volume " + v.id + " (" + v.provider_id + "): " + describe(r));
  v.gone = true;
  model_.abandon(v);
}

void Workload::run(int caller, const std::atomic<bool>& stop, Gate& gate) {
  std::mt19937_64 rng(opts_.seed * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(caller) + 1);
  // Weights of the mix; operations that need something absent fall back to creating it.
  static const std::vector<std::pair<Op, int>> kMix = {
      {Op::create_volume, 12}, {Op::delete_volume, 8},    {Op::extend_volume, 10},  {Op::extend_shrink, 2},
      {Op::retype, 8},         {Op::create_snapshot, 10}, {Op::delete_snapshot, 8}, {Op::clone, 6},
      {Op::from_snapshot, 6},  {Op::connect, 12},         {Op::disconnect, 10}};
  int total = 0;
  for (const auto& [op, w] : kMix) total += w;
  while (!stop.load()) {
    int pick = std::uniform_int_distribution<int>(0, total - 1)(rng);
    Op op = kMix.front().first;
    for (const auto& [o, w] : kMix) {
      if (pick < w) {
        op = o;
        break;
      }
      pick -= w;
    }
    const bool shared = roll(rng) < kSharedPercent;
    gate.enter();
    if (!stop.load()) run_one(op, shared, caller, rng);
    gate.leave();
  }
}

void Workload::run_one(Op op, bool shared, int caller, std::mt19937_64& rng) {
  if (op == Op::create_volume) return create_volume(shared, caller, rng);
  const VolumePtr v = model_.pick(shared, caller, rng);
  if (!v) return create_volume(shared, caller, rng);
  if (op == Op::clone || op == Op::from_snapshot) {
    // Reading a source: other readers may clone it at the same time; writers wait.
    std::shared_lock lock(v->mu);
    if (v->gone) return;
    if (op == Op::clone || v->snapshots.empty()) return clone(*v, caller, rng);
    return from_snapshot(*v, caller, rng);
  }
  std::unique_lock lock(v->mu);
  if (v->gone) return;
  switch (op) {
    case Op::delete_volume:
      return delete_volume(v, rng);
    case Op::extend_volume:
      if (v->size_gib >= kMaxSizeGiB) return retype(*v, rng);
      return extend_volume(*v, rng);
    case Op::extend_shrink:
      if (v->size_gib < 2) return extend_volume(*v, rng);
      return extend_shrink(*v, rng);
    case Op::retype:
      return retype(*v, rng);
    case Op::create_snapshot:
      if (static_cast<int>(v->snapshots.size()) >= opts_.snapshot_cap)
        return delete_snapshot(*v, std::uniform_int_distribution<size_t>(0, v->snapshots.size() - 1)(rng), rng);
      return create_snapshot(*v, rng);
    case Op::delete_snapshot:
      if (v->snapshots.empty()) return create_snapshot(*v, rng);
      return delete_snapshot(*v, std::uniform_int_distribution<size_t>(0, v->snapshots.size() - 1)(rng), rng);
    case Op::connect:
      return v->attached_iqn.empty() ? connect(*v, rng) : disconnect(*v, rng);
    case Op::disconnect:
      return v->attached_iqn.empty() ? connect(*v, rng) : disconnect(*v, rng);
    default:
      return;
  }
}

void Workload::create_new(const std::string& op, const std::string& request, VolumePtr nv, std::mt19937_64& rng) {
  const CallOutcome r = call_on(*nv, op, request, rng);
  if (!r.ok()) {
    if (!r.gave_up) stats_.failure(op + " of volume " + nv->id + ": " + describe(r));
    model_.abandon(*nv);
    return;
  }
  if (!store_model_update(*nv, r.output)) {
    stats_.failure(op + " of volume " + nv->id + " returned no provider_id: " + r.output);
    model_.abandon(*nv);
    return;
  }
  stats_.op_done(op);
  model_.add(nv);
}

void Workload::create_volume(bool shared, int caller, std::mt19937_64& rng) {
  if (!model_.reserve(shared, caller)) {
    // The scope is full: make room instead.
    const VolumePtr v = model_.pick(shared, caller, rng);
    if (!v) return;
    std::unique_lock lock(v->mu);
    if (!v->gone) delete_volume(v, rng);
    return;
  }
  auto nv = std::make_shared<VolumeRec>();
  nv->id = uuid_from(rng);
  nv->project = any_of(projects_, rng);
  nv->type = std::uniform_int_distribution<size_t>(0, volume_types().size() - 1)(rng);
  nv->size_gib = std::uniform_int_distribution<int64_t>(1, 3)(rng);
  nv->vag = drivers_.plain.empty() || roll(rng) < 60;
  nv->shared = shared;
  nv->owner = caller;
  create_new("create_volume", "{\"volume\":" + new_volume_json(nv->id, nv->size_gib, nv->project, nv->type) + "}", nv,
             rng);
  model_.unreserve(shared, caller);
}

void Workload::delete_volume(const VolumePtr& vp, std::mt19937_64& rng, bool quiet) {
  VolumeRec& v = *vp;
  // As a volume service does: connections and snapshots go first (now and then the volume is deleted
  // while connected, and the driver takes it out of its VAG).
  if (!v.attached_iqn.empty() && (quiet || roll(rng) >= kForceDeletePercent)) {
    disconnect(v, rng, quiet);
    if (v.gone) return;
  }
  while (!v.snapshots.empty()) {
    delete_snapshot(v, v.snapshots.size() - 1, rng, quiet);
    if (v.gone) return;
  }
  const CallOutcome r = call_on(v, "delete_volume", "{\"volume\":" + volume_json(v) + "}", rng, quiet);
  if (!v.attached_iqn.empty())
    model_.note_initiator(v.attached_iqn, "delete_volume (connected) " + v.id + ": " + r.summary());
  if (!r.ok()) return lost(v, "delete_volume", r);
  stats_.op_done("delete_volume");
  v.gone = true;
  model_.remove(v);
}

void Workload::extend_volume(VolumeRec& v, std::mt19937_64& rng) {
  const int64_t new_size = v.size_gib + std::uniform_int_distribution<int64_t>(1, 2)(rng);
  const CallOutcome r =
      call_on(v, "extend_volume", "{\"volume\":" + volume_json(v) + ",\"new_size\":" + std::to_string(new_size) + "}",
              rng, false, "to " + std::to_string(new_size));
  if (!r.ok()) return lost(v, "extend_volume", r);
  stats_.op_done("extend_volume");
  v.size_gib = new_size;
}

void Workload::extend_shrink(VolumeRec& v, std::mt19937_64& rng) {
  // A request the driver must refuse without touching the volume.
  const CallOutcome r = call_on(
      v, "extend_volume", "{\"volume\":" + volume_json(v) + ",\"new_size\":" + std::to_string(v.size_gib - 1) + "}",
      rng, false, "(shrink) to " + std::to_string(v.size_gib - 1));
  const it::Json e = it::Json::parse(r.output);
  if (r.status == VDP_E_INVALID_ARGUMENT && e["details"]["field"].str() == "new_size") {
    stats_.expected_error("extend_volume (shrink)");
    return;
  }
  if (r.ok()) {
    stats_.failure("extend_volume to a smaller size succeeded on volume " + v.id + ": " + r.output);
    v.gone = true;
    model_.abandon(v);
    return;
  }
  lost(v, "extend_volume (shrink)", r);
}

void Workload::retype(VolumeRec& v, std::mt19937_64& rng) {
  const size_t n = volume_types().size();
  const size_t to = (v.type + std::uniform_int_distribution<size_t>(1, n - 1)(rng)) % n;
  const CallOutcome r =
      call_on(v, "retype", "{\"volume\":" + volume_json(v) + ",\"new_type\":" + type_json(volume_types()[to]) + "}",
              rng, false, "to " + volume_types()[to].name);
  if (!r.ok()) return lost(v, "retype", r);
  if (!it::Json::parse(r.output)["retyped"].boolean()) stats_.failure("retype of " + v.id + " answered " + r.output);
  stats_.op_done("retype");
  v.type = to;
}

void Workload::create_snapshot(VolumeRec& v, std::mt19937_64& rng) {
  SnapshotRec s{uuid_from(rng), "", v.size_gib};
  const CallOutcome r =
      call_on(v, "create_snapshot", "{\"snapshot\":" + snapshot_json(s, v, false) + "}", rng, false, s.id);
  const it::Json m = it::Json::parse(r.output);
  if (!r.ok() || !m["provider_id"].is_string()) {
    if (!r.gave_up) stats_.failure("create_snapshot " + s.id + " of volume " + v.id + ": " + describe(r));
    model_.abandon_snapshot_id(s.id);
    return;
  }
  stats_.op_done("create_snapshot");
  s.provider_id = m["provider_id"].str();
  v.snapshots.push_back(std::move(s));
}

void Workload::delete_snapshot(VolumeRec& v, size_t index, std::mt19937_64& rng, bool quiet) {
  const SnapshotRec s = v.snapshots.at(index);
  v.snapshots.erase(v.snapshots.begin() + static_cast<std::ptrdiff_t>(index));
  const CallOutcome r =
      call_on(v, "delete_snapshot", "{\"snapshot\":" + snapshot_json(s, v, true) + "}", rng, quiet, s.id);
  if (!r.ok()) {
    if (!r.gave_up) stats_.failure("delete_snapshot " + s.id + " of volume " + v.id + ": " + describe(r));
    model_.abandon_snapshot_id(s.id);
    return;
  }
  stats_.op_done("delete_snapshot");
}

void Workload::clone(VolumeRec& src, int caller, std::mt19937_64& rng) {
  if (!model_.reserve(src.shared, caller)) return;
  auto nv = std::make_shared<VolumeRec>();
  nv->id = uuid_from(rng);
  nv->project = roll(rng) < 70 ? src.project : any_of(projects_, rng);
  nv->type = std::uniform_int_distribution<size_t>(0, volume_types().size() - 1)(rng);
  nv->size_gib = src.size_gib + std::uniform_int_distribution<int64_t>(0, 1)(rng);
  nv->vag = src.vag;  // same backend as its source
  nv->shared = src.shared;
  nv->owner = caller;
  create_new("create_cloned_volume",
             "{\"volume\":" + new_volume_json(nv->id, nv->size_gib, nv->project, nv->type) +
                 ",\"src_vref\":" + volume_json(src) + "}",
             nv, rng);
  model_.unreserve(src.shared, caller);
}

void Workload::from_snapshot(VolumeRec& parent, int caller, std::mt19937_64& rng) {
  if (!model_.reserve(parent.shared, caller)) return;
  const SnapshotRec& s = any_of(parent.snapshots, rng);
  auto nv = std::make_shared<VolumeRec>();
  nv->id = uuid_from(rng);
  nv->project = roll(rng) < 70 ? parent.project : any_of(projects_, rng);
  nv->type = std::uniform_int_distribution<size_t>(0, volume_types().size() - 1)(rng);
  nv->size_gib = s.size_gib + std::uniform_int_distribution<int64_t>(0, 1)(rng);
  nv->vag = parent.vag;
  nv->shared = parent.shared;
  nv->owner = caller;
  create_new("create_volume_from_snapshot",
             "{\"volume\":" + new_volume_json(nv->id, nv->size_gib, nv->project, nv->type) +
                 ",\"snapshot\":" + snapshot_json(s, parent, true) + "}",
             nv, rng);
  model_.unreserve(parent.shared, caller);
}

void Workload::connect(VolumeRec& v, std::mt19937_64& rng) {
  const std::string iqn = any_of(roll(rng) < 70 ? busy_iqns_ : quiet_iqns_, rng);
  const CallOutcome r =
      call_on(v, "initialize_connection",
              "{\"volume\":" + volume_json(v) + ",\"connector\":" + connector_json(iqn) + "}", rng, false, iqn);
  model_.note_initiator(iqn,
                        "initialize_connection " + v.id + (v.vag ? "" : " (driver without VAGs)") + ": " + r.summary());
  if (!r.ok()) return lost(v, "initialize_connection", r);
  const it::Json c = it::Json::parse(r.output);
  if (c["driver_volume_type"].str() != "iscsi" || c["data"]["target_iqn"].str().empty()) {
    stats_.failure("initialize_connection of " + v.id + " answered " + r.output.substr(0, 300));
  }
  stats_.op_done("initialize_connection");
  v.attached_iqn = iqn;
}

void Workload::disconnect(VolumeRec& v, std::mt19937_64& rng, bool quiet) {
  const CallOutcome r =
      call_on(v, "terminate_connection",
              "{\"volume\":" + volume_json(v) + ",\"connector\":" + connector_json(v.attached_iqn) + "}", rng, quiet,
              v.attached_iqn);
  model_.note_initiator(v.attached_iqn,
                        "terminate_connection " + v.id + (v.vag ? "" : " (driver without VAGs)") + ": " + r.summary());
  if (!r.ok()) return lost(v, "terminate_connection", r);
  stats_.op_done("terminate_connection");
  v.attached_iqn.clear();
}

void Workload::cleanup(const std::vector<VolumePtr>& all, int share, int shares) {
  std::mt19937_64 rng(opts_.seed ^ (0xC1EA17ULL + static_cast<uint64_t>(share)));
  for (size_t i = static_cast<size_t>(share); i < all.size(); i += static_cast<size_t>(shares)) {
    std::unique_lock lock(all[i]->mu);
    if (!all[i]->gone) delete_volume(all[i], rng, /*quiet=*/true);
  }
}

}  // namespace soak
