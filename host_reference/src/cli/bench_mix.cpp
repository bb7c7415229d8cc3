#include "bench_mix.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <numeric>
#include <optional>

#include "demo_requests.h"
#include "session.h"

namespace vdp::host::cli::bench {

using demo::random_uuid;

const std::vector<Mix>& all_mixes() {
  static const std::vector<Mix> mixes{
      {Mix::Kind::kCreateDelete,
       "create-delete",
       "create_volume + delete_volume of a new 1 GiB volume",
       {"create_volume", "delete_volume"},
       false},
      {Mix::Kind::kClone,
       "clone",
       "create_cloned_volume of the caller's source volume + delete_volume of the clone",
       {"create_cloned_volume", "delete_volume"},
       true},
      {Mix::Kind::kSnapshot,
       "snapshot",
       "create_snapshot of the caller's source volume + delete_snapshot",
       {"create_snapshot", "delete_snapshot"},
       true},
      {Mix::Kind::kAttachDetach,
       "attach-detach",
       "attach_volume + detach_volume of the caller's source volume",
       {"attach_volume", "detach_volume"},
       true},
  };
  return mixes;
}

const Mix* find_mix(const std::string& name) {
  for (const Mix& m : all_mixes())
    if (name == m.name) return &m;
  return nullptr;
}

std::string mix_names() {
  std::string names;
  for (const Mix& m : all_mixes()) names += (names.empty() ? "" : ", ") + std::string(m.name);
  return names;
}

std::vector<std::string> operations_used(const Mix& mix) {
  std::vector<std::string> ops(mix.calls.begin(), mix.calls.end());
  // Preparation and clean-up: the source volume, and deletes of whatever an interrupted run left.
  for (const char* op : {"create_volume", "delete_volume"})
    if (mix.needs_source && std::find(ops.begin(), ops.end(), op) == ops.end()) ops.emplace_back(op);
  return ops;
}

double OpOutcome::total_ms() const { return std::accumulate(call_ms.begin(), call_ms.end(), 0.0); }

namespace {

constexpr int kVolumeGiB = 1;

// ISO 8601 UTC, as attach_volume records it.
std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Keeps only the provider_id of a create's model update: enough to find the object again, and results
// may carry CHAP secrets that the bench has no use for.
void take_provider_id(cJSON* object, const CallResult& r) {
  const Json result = parse_json(r.output);
  if (const auto id = result ? get_string(result.get(), "provider_id") : std::nullopt)
    set_string(object, "provider_id", *id);
}

}  // namespace

Caller::Caller(const Mix& mix, Driver& driver, std::string project_id, const CallOptions& call_opts)
    : mix_(mix), driver_(driver), project_(std::move(project_id)), opts_(call_opts) {
  opts_.project_id = project_;
  opts_.user_id = "vdp-bench";
}

Json Caller::new_volume(const char* display_name) const {
  Json v = make_object();
  set_string(v.get(), "id", random_uuid());
  set_number(v.get(), "size", kVolumeGiB);
  set_string(v.get(), "project_id", project_);
  set_string(v.get(), "user_id", "vdp-bench");
  set_string(v.get(), "display_name", display_name);
  return v;
}

Caller::Resource* Caller::track(bool snapshot, Json object) {
  auto r = std::make_unique<Resource>();
  r->snapshot = snapshot;
  r->object = std::move(object);
  alive_.push_back(std::move(r));
  return alive_.back().get();
}

void Caller::forget(const Resource* r) {
  alive_.erase(std::remove_if(alive_.begin(), alive_.end(), [r](const auto& p) { return p.get() == r; }), alive_.end());
}

CallResult Caller::timed_call(const char* op, const Json& request, OpOutcome& out) {
  const std::string body = to_string(request.get(), false);
  const auto t0 = std::chrono::steady_clock::now();
  CallResult r = driver_.call(op, body, opts_);
  out.call_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  return r;
}

void Caller::fail(const char* op, const CallResult& r, OpOutcome& out) const {
  const bool interrupted = opts_.cancel_flag != nullptr && opts_.cancel_flag->load();
  if (r.status == VDP_E_CANCELLED && interrupted) {
    out.state = OpOutcome::State::kAbandoned;
  } else {
    out.state = OpOutcome::State::kFailed;
    out.error = std::string(op) + ": " + reformat(error_output(r, op), false);
  }
}

OpOutcome Caller::prepare() {
  OpOutcome out;
  if (!mix_.needs_source) return out;
  source_ = track(false, new_volume("vdp-bench-source"));
  const CallResult r = timed_call("create_volume", demo::with("volume", source_->object.get()), out);
  if (r.ok())
    take_provider_id(source_->object.get(), r);
  else
    fail("create_volume", r, out);
  return out;
}

void Caller::make_and_remove(const char* create, const Json& request, const char* remove, Resource* r,
                             OpOutcome& out) {
  const CallResult c = timed_call(create, request, out);
  if (!c.ok()) {
    fail(create, c, out);
    return;
  }
  take_provider_id(r->object.get(), c);
  const CallResult d = timed_call(remove, object_request(*r), out);
  if (!d.ok()) {
    fail(remove, d, out);
    return;
  }
  forget(r);
}

OpOutcome Caller::run_once() {
  OpOutcome out;
  switch (mix_.kind) {
    case Mix::Kind::kCreateDelete:
    case Mix::Kind::kClone: {
      const bool clone = mix_.kind == Mix::Kind::kClone;
      Resource* v = track(false, new_volume(clone ? "vdp-bench-clone" : "vdp-bench"));
      Json request = demo::with("volume", v->object.get());
      if (clone) set(request.get(), "src_vref", duplicate(source_->object.get()));
      make_and_remove(clone ? "create_cloned_volume" : "create_volume", request, "delete_volume", v, out);
      return out;
    }
    case Mix::Kind::kSnapshot: {
      Json snap = make_object();
      set_string(snap.get(), "id", random_uuid());
      set_string(snap.get(), "volume_id", get_string(source_->object.get(), "id").value_or(""));
      set_number(snap.get(), "volume_size", kVolumeGiB);
      set_string(snap.get(), "project_id", project_);
      set(snap.get(), "volume", duplicate(source_->object.get()));
      Resource* s = track(true, std::move(snap));
      make_and_remove("create_snapshot", object_request(*s), "delete_snapshot", s, out);
      return out;
    }
    case Mix::Kind::kAttachDetach: {
      const std::string instance = random_uuid();
      Json attach = demo::with("volume", source_->object.get());
      set_string(attach.get(), "instance_uuid", instance);
      set_string(attach.get(), "host_name", "vdp-bench");
      set_string(attach.get(), "mountpoint", "/dev/vdb");
      set_string(attach.get(), "attach_time", utc_now());
      const CallResult a = timed_call("attach_volume", attach, out);
      if (!a.ok()) {
        fail("attach_volume", a, out);
        return out;
      }
      Json detach = demo::with("volume", source_->object.get());
      Json attachment = make_object();
      set_string(attachment.get(), "id", random_uuid());
      set_string(attachment.get(), "instance_uuid", instance);
      set(detach.get(), "attachment", std::move(attachment));
      const CallResult d = timed_call("detach_volume", detach, out);
      if (!d.ok()) {
        fail("detach_volume", d, out);
        return out;
      }
      return out;
    }
  }
  return out;
}

Json Caller::object_request(const Resource& r) const {
  return demo::with(r.snapshot ? "snapshot" : "volume", r.object.get());
}

std::string Caller::describe(const Resource& r) const {
  const cJSON* o = r.object.get();
  std::string text = std::string(r.snapshot ? "snapshot " : "volume ") + get_string(o, "id").value_or("?");
  if (r.snapshot) text += " of volume " + get_string(o, "volume_id").value_or("?");
  if (const auto pid = get_string(o, "provider_id")) text += " (provider_id " + *pid + ")";
  return text + " in project " + project_;
}

std::vector<std::string> Caller::clean_up(const CallOptions& opts) {
  // Snapshots before the volume they belong to; then volumes newest first (clones before the source).
  const auto volumes = std::stable_partition(alive_.begin(), alive_.end(), [](const auto& r) { return r->snapshot; });
  std::reverse(volumes, alive_.end());
  CallOptions cleanup = opts;
  cleanup.project_id = project_;
  cleanup.user_id = "vdp-bench";
  std::vector<std::string> errors;
  for (int attempt = 1; attempt <= 2 && !alive_.empty(); ++attempt) {
    errors.clear();
    std::vector<std::unique_ptr<Resource>> still;
    for (auto& r : alive_) {
      const char* op = r->snapshot ? "delete_snapshot" : "delete_volume";
      const CallResult d = driver_.call(op, to_string(object_request(*r).get(), false), cleanup);
      if (d.ok()) continue;
      errors.push_back(describe(*r) + ": " + reformat(error_output(d, op), false));
      still.push_back(std::move(r));
    }
    alive_ = std::move(still);
  }
  source_ = nullptr;
  return errors;
}

}  // namespace vdp::host::cli::bench
