// create_volume_from_snapshot and create_cloned_volume. Decisions:
// - The source is found through ITS provider_id (and uuid in ITS project), never the new volume's tenant.
// - The new volume lives in the NEW volume's tenant account (created if needed; secondary "<name>_"
//   when the primary is full), is named "<sf_volume_prefix><new id>", carries the attributes of a new
//   volume with is_clone true (SFAttribute: specs included) and the QoS of the new volume's type. A type
//   without QoS keeps what the clone inherits from its source (Element's behaviour).
// - Size: the new size must hold the source (else INVALID_ARGUMENT); a larger size is set by
//   CloneVolume's newSize.
// - A clone is done when its async handle completes (GetAsyncResult; status init -> active), not when
//   its id becomes visible; the wait is bounded by the context deadline AND sf_volume_clone_timeout,
//   reports progress, and polls cancellation at least every 100 ms on the driver's Clock.
// - Clones of one source are serialised through the host lock "solidfire-clone-<source volumeID>"
//   (Element runs at most two clone jobs per volume); the source's cloned_count is updated under it.
// - Idempotent: a volume named for the new id whose uuid attribute is the new id is adopted (waiting
//   for it when still cloning); a CloneVolume whose answer was lost is looked up by name before it is
//   sent again.
// - No orphan: when the clone fails, times out, is cancelled or cannot get its QoS, the new volume is
//   deleted and purged (with a short grace deadline of its own) before the error is raised.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "attributes.h"
#include "driver_impl.h"
#include "element_api.h"
#include "grace_context.h"
#include "qos.h"
#include "util.h"

namespace solidfire {

namespace {
using std::chrono::milliseconds;
}  // namespace

ModelUpdate SolidFireDriverImpl::create_cloned_volume(CallContext& ctx, const Volume& volume, const Volume& source) {
  refuse_if_frozen("create_cloned_volume");
  require_setup();
  validate_new_volume(volume, volume_name(volume.id), "volume");
  if (source.id.empty()) throw Error(ErrorCode::kInvalidArgument, "src_vref.id is required").with_field("src_vref.id");
  auto found = lookup_->find(ctx, source);
  if (!found) {
    throw Error(ErrorCode::kNotFound, "source volume " + source.id + " was not found on the cluster (provider_id " +
                                          source.provider_id.value_or("(none)") + ")")
        .with_field("src_vref");
  }
  CloneSource cs;
  cs.volume_id = found->volume.id;
  cs.size_bytes = found->volume.total_size;
  cs.counts_clones = true;
  return clone(ctx, volume, cs);
}

ModelUpdate SolidFireDriverImpl::create_volume_from_snapshot(CallContext& ctx, const Volume& volume,
                                                             const Snapshot& snapshot) {
  refuse_if_frozen("create_volume_from_snapshot");
  require_setup();
  validate_new_volume(volume, volume_name(volume.id), "volume");
  if (snapshot.id.empty()) throw Error(ErrorCode::kInvalidArgument, "snapshot.id is required").with_field("snapshot.id");
  auto found = find_snapshot(ctx, snapshot, std::nullopt);
  if (!found) {
    throw Error(ErrorCode::kNotFound, "snapshot " + snapshot.id + " was not found on the cluster (provider_id " +
                                          snapshot.provider_id.value_or("(none)") + ")")
        .with_field("snapshot");
  }
  CloneSource cs;
  cs.volume_id = found->volume_id;
  cs.snapshot_id = found->id;
  cs.size_bytes = found->total_size;
  return clone(ctx, volume, cs);
}

ModelUpdate SolidFireDriverImpl::clone(CallContext& ctx, const Volume& volume, const CloneSource& source) {
  PendingClone pending = begin_clone(ctx, volume, source, /*take_lock=*/true);
  return finish_clone(ctx, pending);
}

std::string SolidFireDriverImpl::clone_lock_name(int64_t source_volume_id) {
  return "solidfire-clone-" + std::to_string(source_volume_id);
}

std::unique_ptr<ScopedLock> SolidFireDriverImpl::lock_clone_source(CallContext& ctx, int64_t source_volume_id) {
  // One clone of a source at a time (the host's lock service may make this cluster-wide).
  const milliseconds clone_window = std::chrono::seconds(config_.sf_volume_clone_timeout);
  const milliseconds left = util::time_left(ctx, *clock_);
  return ctx.lock(clone_lock_name(source_volume_id), std::max(milliseconds(0), std::min(left, clone_window)));
}

Error SolidFireDriverImpl::with_clone_discarded(CallContext& ctx, const Error& e, int64_t new_volume_id) {
  const bool removed = discard_clone(ctx, new_volume_id);
  Error out(e.code(), e.message() + (removed ? "; the unfinished clone (volumeID " + std::to_string(new_volume_id) +
                                                   ") was deleted and purged"
                                             : "; removing the unfinished clone (volumeID " +
                                                   std::to_string(new_volume_id) + ") failed, remove it by hand"));
  out.with_backend_error(e.backend_error()).with_retryable(e.retryable());
  if (!e.field().empty()) out.with_field(e.field());
  return out;
}

SolidFireDriverImpl::PendingClone SolidFireDriverImpl::begin_clone(CallContext& ctx, const Volume& volume,
                                                                   const CloneSource& source, bool take_lock) {
  PendingClone p;
  p.volume = volume;
  p.source = source;
  p.cluster = cluster();
  const std::string name = volume_name(volume.id);
  const int64_t size_bytes = volume.size_gib * element::kGiB;
  if (size_bytes < source.size_bytes) {
    throw Error(ErrorCode::kInvalidArgument, "volume.size " + std::to_string(volume.size_gib) +
                                                 " GiB is smaller than the clone source (" +
                                                 std::to_string(element::gib_ceil(source.size_bytes)) + " GiB)")
        .with_field("volume.size");
  }
  std::vector<std::string> notes;
  p.qos = volume_qos(config_, volume, &notes);
  for (const auto& n : notes) log_->warn("volume {}: {}", volume.id, n);
  Json attributes = volume_attributes(volume);
  attributes.set("is_clone", true);
  p.replication = replication_mode(volume.volume_type, "volume.volume_type.extra_specs");
  if (p.replication) {
    // The target copy of a replicated clone: an empty volume of the same shape (pairing copies the data).
    p.target_params = Json::object();
    p.target_params.set("name", name);
    p.target_params.set("totalSize", size_bytes);
    p.target_params.set("enable512e", config_.sf_emulate_512);
    p.target_params.set("attributes", attributes.clone());
    p.target_params.set("qos", p.qos.empty() ? p.qos.to_json() : complete_qos(p.qos, element_default_qos()).to_json());
  }
  if (take_lock) p.lock = lock_clone_source(ctx, source.volume_id);

  with_new_volume_account(ctx, volume.project_id, [&](const SfAccount& account) {
    p.account = account;
    if (auto existing = lookup_->by_name(ctx, name, account.id, volume.id)) {
      log_->info("volume {} already exists as volumeID {} ({}); adopting it", volume.id, existing->id,
                 existing->status);
      p.made = *existing;
      p.adopted = true;
      return ModelUpdate{};
    }
    Json params = Json::object();
    params.set("volumeID", source.volume_id);
    params.set("name", name);
    params.set("newAccountID", account.id);
    params.set("newSize", size_bytes);
    if (source.snapshot_id) params.set("snapshotID", *source.snapshot_id);
    params.set("attributes", attributes.clone());
    params.set("enable512e", config_.sf_emulate_512);
    StartedClone started;
    try {
      started = start_clone(ctx, volume, account, params);
    } catch (const Error& e) {
      if (e.backend_error() == element::err::kMaxClonesPerVolumeExceeded ||
          e.backend_error() == element::err::kMaxClonesPerNodeExceeded) {
        throw Error(ErrorCode::kResourceExhausted,
                    "the cluster is running its maximum number of concurrent clones (of volumeID " +
                        std::to_string(source.volume_id) + " or in total); try again later (" + e.message() + ")")
            .with_backend_error(e.backend_error())
            .with_retryable(true);
      }
      throw;
    }
    accounts_->note_volume_created(account.username);
    p.made = started.volume;
    p.handle = started.handle;
    p.inherited = started.inherited;
    log_->info("cloning volumeID {}{} into volume {} (volumeID {}, async handle {})", source.volume_id,
               source.snapshot_id ? " snapshotID " + std::to_string(*source.snapshot_id) : std::string(), volume.id,
               p.made.id, started.handle ? std::to_string(*started.handle) : std::string("unknown"));
    return ModelUpdate{};
  });
  return p;
}

ModelUpdate SolidFireDriverImpl::finish_clone(CallContext& ctx, PendingClone& p) {
  const Volume& volume = p.volume;
  if (p.adopted) {
    if (p.made.status != "active") {
      try {
        wait_clone(ctx, p.made.id, std::nullopt);
      } catch (const Error& e) {
        throw with_clone_discarded(ctx, e, p.made.id);
      }
    }
  } else {
    try {
      apply_clone_qos(ctx, p.made.id, p.qos, p.inherited);
      wait_clone(ctx, p.made.id, p.handle);
    } catch (const Error& e) {
      throw with_clone_discarded(ctx, e, p.made.id);
    } catch (...) {
      discard_clone(ctx, p.made.id);
      throw;
    }
    if (p.source.counts_clones) count_clone(ctx, p.source.volume_id);
    log_->info("created volume {} (volumeID {}) as a clone of volumeID {}", volume.id, p.made.id, p.source.volume_id);
  }
  ModelUpdate update = model_update(p.cluster, p.account, p.made);
  if (p.replication) {
    replicate_new_volume(ctx, volume, p.made, !p.adopted, p.account, *p.replication, p.target_params, update);
  }
  return update;
}

SolidFireDriverImpl::StartedClone SolidFireDriverImpl::start_clone(CallContext& ctx, const Volume& volume,
                                                                   const SfAccount& account, const Json& params) {
  const std::string name = volume_name(volume.id);
  StartedClone out;
  // Sends CloneVolume; returns the new volume's id and notes the async handle.
  auto send = [&]() -> std::pair<int64_t, Json> {
    Json result = client_->call(ctx, element::kCloneVolume, params);
    auto id = result.view().int64("volumeID");
    if (!id) throw Error(ErrorCode::kBackend, "unexpected reply from cluster to CloneVolume: no volumeID");
    out.handle = result.view().int64("asyncHandle");
    return {*id, std::move(result)};
  };
  try {
    auto [id, result] = send();
    if (auto v = parse_volume(result["volume"]); v && v->id == id) {
      out.volume = *v;
      out.inherited = qos_of_volume(result["volume"]);
    } else {
      out.volume = lookup_->require_by_id(ctx, id);
    }
    return out;
  } catch (const OutcomeUnknownError& e) {
    log_->warn("CloneVolume for {} lost its answer ({}); checking whether it committed", volume.id, e.message());
  }
  std::optional<SfVolume> committed;
  try {
    committed = lookup_->by_name(ctx, name, account.id, volume.id);
  } catch (const Error& le) {
    if (le.code() != ErrorCode::kTimeout && le.code() != ErrorCode::kCancelled) throw;
    // Out of time before we could tell: remove what may have committed, so nothing is orphaned.
    GraceContext grace(ctx, clock_->now() + std::chrono::seconds(config_.sf_api_request_timeout));
    bool removed = true;
    try {
      if (auto orphan = lookup_->by_name(grace, name, account.id, volume.id)) removed = discard_clone(ctx, orphan->id);
    } catch (const std::exception& ce) {
      removed = false;
      log_->error("could not check for an unfinished clone of {}: {}", volume.id, ce.what());
    }
    throw Error(le.code(), "CloneVolume for " + volume.id + ": answer lost and " + le.message() +
                               (removed ? "; nothing was left on the cluster"
                                        : "; a clone may be left on the cluster, repeat the request"))
        .with_retryable(true);
  }
  if (committed) {
    out.volume = *committed;  // the handle is unknown: the wait watches the volume's status
    return out;
  }
  out.volume = lookup_->require_by_id(ctx, send().first);  // inherited QoS unknown: it is set when asked for
  return out;
}

void SolidFireDriverImpl::apply_clone_qos(CallContext& ctx, int64_t new_volume_id, const QosSpec& qos,
                                          const QosSpec& inherited) {
  if (qos.empty()) return;  // a type without QoS keeps what the clone inherited
  const QosSpec wanted = complete_qos(qos, element_default_qos());
  if (wanted == inherited) return;
  Json mod = Json::object();
  mod.set("volumeID", new_volume_id);
  mod.set("qos", wanted.to_json());
  modify_volume(ctx, mod);
}

// The source volume counts its clones (Cinder's cloned_count); informational, never fatal. Its attributes
// are read again here, under the per-source lock: the copy read before the lock may predate another
// clone's update.
void SolidFireDriverImpl::count_clone(CallContext& ctx, int64_t source_volume_id) {
  try {
    auto source = lookup_->by_id(ctx, source_volume_id);
    if (!source) throw Error(ErrorCode::kNotFound, "the source volume is gone");
    Json attrs = attributes::copy(source->raw["attributes"]);
    attrs.set("cloned_count", attrs.view().int64("cloned_count").value_or(0) + 1);
    if (!attributes::fits(attrs)) {
      log_->warn("source volumeID {}: attributes too large to record cloned_count", source_volume_id);
      return;
    }
    Json mod = Json::object();
    mod.set("volumeID", source_volume_id);
    mod.set("attributes", std::move(attrs));
    modify_volume(ctx, mod);
  } catch (const Error& e) {
    log_->warn("could not update cloned_count of source volumeID {}: {}", source_volume_id, e.message());
  }
}

void SolidFireDriverImpl::wait_clone(CallContext& ctx, int64_t new_volume_id,
                                          std::optional<int64_t> async_handle) {
  const milliseconds window = std::chrono::seconds(config_.sf_volume_clone_timeout);
  const auto started = clock_->now();
  const auto clone_deadline = started + window;
  const std::string what = "the clone into volumeID " + std::to_string(new_volume_id);
  milliseconds interval(100);
  bool handle_live = async_handle.has_value();
  for (;;) {
    if (handle_live) {
      Json params = Json::object();
      params.set("asyncHandle", *async_handle);
      try {
        Json r = client_->call(ctx, element::kGetAsyncResult, params);
        const JsonView err = r["error"];
        if (err.valid()) {
          const std::string name = err.string_or("name", "unnamed error");
          throw Error(ErrorCode::kBackend, what + " failed on the cluster: " + name + ": " +
                                               util::clean_utf8(err.string_or("message", ""), 256))
              .with_backend_error(name);
        }
        if (r.view().string_or("status", "") == "complete") return;
      } catch (const Error& e) {
        if (e.backend_error() != element::err::kAsyncHandleDoesNotExist) throw;
        // The result was read (and purged) by an answer we lost: watch the volume instead.
        log_->info("async handle {} of {} is gone; watching the volume's status", *async_handle, what);
        handle_live = false;
      }
    }
    if (!handle_live) {
      const SfVolume v = lookup_->require_by_id(ctx, new_volume_id);
      if (v.deleted()) throw Error(ErrorCode::kBackend, what + ": the new volume was deleted while cloning");
      if (v.status == "active") return;
    }
    const auto now = clock_->now();
    const auto elapsed = std::chrono::duration_cast<milliseconds>(now - started);
    ctx.progress(static_cast<uint64_t>(elapsed.count()), static_cast<uint64_t>(window.count()),
                 "waiting for " + what);
    const auto left_clone = std::chrono::duration_cast<milliseconds>(clone_deadline - now);
    if (left_clone <= milliseconds(0)) {
      throw Error(ErrorCode::kTimeout, what + " did not complete within sf_volume_clone_timeout (" +
                                           std::to_string(config_.sf_volume_clone_timeout) + " s)")
          .with_retryable(true);
    }
    const milliseconds left_ctx = util::time_left(ctx, *clock_);
    if (left_ctx <= milliseconds(0)) {
      throw Error(ErrorCode::kTimeout, "deadline reached while waiting for " + what).with_retryable(true);
    }
    util::wait_for(ctx, *clock_, std::min({interval, left_clone, left_ctx}), what);
    interval = std::min(interval * 2, milliseconds(2000));
  }
}

bool SolidFireDriverImpl::discard_clone(CallContext& ctx, int64_t new_volume_id) {
  // Runs after the deadline or a cancellation too: a grace deadline of its own, never cancelled.
  GraceContext grace(ctx, clock_->now() + std::chrono::seconds(config_.sf_api_request_timeout));
  try {
    SfVolume v;
    v.id = new_volume_id;
    v.status = "init";
    remove_volume(grace, v);
    log_->info("removed the unfinished clone volumeID {}", new_volume_id);
    return true;
  } catch (const std::exception& e) {
    log_->error("could not remove the unfinished clone volumeID {}: {}", new_volume_id, e.what());
    return false;
  }
}

}  // namespace solidfire
