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

#include "driver_impl.h"
#include "qos.h"
#include "util.h"
#include "grace_context.h"

namespace solidfire {

namespace {
using data_ops::kApi;
using data_ops::kGiB;
using std::chrono::milliseconds;

}  // namespace

ModelUpdate SolidFireDriverImpl::create_cloned_volume(CallContext& ctx, const Volume& volume, const Volume& source) {
  (void)cluster();
  data_ops::validate_new_volume(volume, volume_name(volume.id), "volume");
  if (source.id.empty()) throw Error(ErrorCode::kInvalidArgument, "src_vref.id is required").with_field("src_vref.id");
  auto found = data_find_volume(ctx, source);
  if (!found) {
    throw Error(ErrorCode::kNotFound, "source volume " + source.id + " was not found on the cluster (provider_id " +
                                          source.provider_id.value_or("(none)") + ")")
        .with_field("src_vref");
  }
  CloneSource cs;
  cs.volume_id = found->volume.id;
  cs.size_bytes = found->volume.total_size;
  cs.volume = std::move(*found);
  return data_clone(ctx, volume, cs);
}

ModelUpdate SolidFireDriverImpl::create_volume_from_snapshot(CallContext& ctx, const Volume& volume,
                                                             const Snapshot& snapshot) {
  (void)cluster();
  data_ops::validate_new_volume(volume, volume_name(volume.id), "volume");
  if (snapshot.id.empty()) throw Error(ErrorCode::kInvalidArgument, "snapshot.id is required").with_field("snapshot.id");
  auto found = data_find_snapshot(ctx, snapshot, std::nullopt);
  if (!found) {
    throw Error(ErrorCode::kNotFound, "snapshot " + snapshot.id + " was not found on the cluster (provider_id " +
                                          snapshot.provider_id.value_or("(none)") + ")")
        .with_field("snapshot");
  }
  CloneSource cs;
  cs.volume_id = found->volume_id;
  cs.snapshot_id = found->id;
  cs.size_bytes = found->total_size;
  return data_clone(ctx, volume, cs);
}

ModelUpdate SolidFireDriverImpl::data_clone(CallContext& ctx, const Volume& volume, const CloneSource& source) {
  const ClusterInfo cl = cluster();
  const std::string name = volume_name(volume.id);
  const int64_t size_bytes = volume.size_gib * kGiB;
  if (size_bytes < source.size_bytes) {
    throw Error(ErrorCode::kInvalidArgument, "volume.size " + std::to_string(volume.size_gib) +
                                                 " GiB is smaller than the clone source (" +
                                                 std::to_string(data_ops::gib_ceil(source.size_bytes)) + " GiB)")
        .with_field("volume.size");
  }
  std::vector<std::string> notes;
  const QosSpec qos = volume_qos(config_, volume, &notes);
  for (const auto& n : notes) log_->warn("volume {}: {}", volume.id, n);
  Json attributes = volume_attributes(volume);
  attributes.set("is_clone", true);

  // One clone of a source at a time (the host's lock service may make this cluster-wide).
  const milliseconds clone_window = std::chrono::seconds(config_.sf_volume_clone_timeout);
  const milliseconds left = util::time_left(ctx, *clock_);
  const std::string lock_name = "solidfire-clone-" + std::to_string(source.volume_id);
  const auto lock = ctx.lock(lock_name, std::max(milliseconds(0), std::min(left, clone_window)));

  // Removes an unfinished clone and says so in the error that ends the operation.
  auto discarded = [&](const Error& e, int64_t id) {
    const bool removed = data_discard_clone(ctx, id);
    Error out(e.code(), e.message() + (removed ? "; the unfinished clone (volumeID " + std::to_string(id) +
                                                     ") was deleted and purged"
                                               : "; removing the unfinished clone (volumeID " + std::to_string(id) +
                                                     ") failed, remove it by hand"));
    out.with_backend_error(e.backend_error()).with_retryable(e.retryable());
    if (!e.field().empty()) out.with_field(e.field());
    return out;
  };

  for (int round = 0;; ++round) {
    const SfAccount account = create_account_for(ctx, volume.project_id);
    try {
      if (auto existing = find_by_name(ctx, name, account.id, volume.id)) {
        log_->info("volume {} already exists as volumeID {} ({}); adopting it", volume.id, existing->id,
                   existing->status);
        if (existing->status != "active") {
          try {
            data_wait_clone(ctx, existing->id, std::nullopt);
          } catch (const Error& e) {
            throw discarded(e, existing->id);
          }
        }
        return model_update(cl, account, *existing);
      }

      Json params = Json::object();
      params.set("volumeID", source.volume_id);
      params.set("name", name);
      params.set("newAccountID", account.id);
      params.set("newSize", size_bytes);
      if (source.snapshot_id) params.set("snapshotID", *source.snapshot_id);
      params.set("attributes", attributes.clone());
      params.set("enable512e", config_.sf_emulate_512);

      std::optional<SfVolume> created;
      std::optional<int64_t> handle;
      QosSpec inherited;
      try {
        Json result = client_->call(ctx, "CloneVolume", params, kApi);
        auto id = result.view().int64("volumeID");
        if (!id) throw Error(ErrorCode::kBackend, "unexpected reply from cluster to CloneVolume: no volumeID");
        handle = result.view().int64("asyncHandle");
        created = parse_volume(result["volume"]);
        if (created && created->id == *id) {
          inherited = data_ops::qos_of(result["volume"]);
        } else {
          created = volume_by_id(ctx, *id);
        }
      } catch (const OutcomeUnknownError& e) {
        log_->warn("CloneVolume for {} lost its answer ({}); checking whether it committed", volume.id, e.message());
        try {
          created = find_by_name(ctx, name, account.id, volume.id);
        } catch (const Error& le) {
          if (le.code() != ErrorCode::kTimeout && le.code() != ErrorCode::kCancelled) throw;
          // Out of time before we could tell: remove what may have committed, so nothing is orphaned.
          data_ops::GraceContext grace(ctx, clock_->now() + std::chrono::seconds(config_.sf_api_request_timeout));
          bool removed = true;
          try {
            if (auto orphan = find_by_name(grace, name, account.id, volume.id)) {
              removed = data_discard_clone(ctx, orphan->id);
            }
          } catch (const std::exception& ce) {
            removed = false;
            log_->error("could not check for an unfinished clone of {}: {}", volume.id, ce.what());
          }
          throw Error(le.code(), "CloneVolume for " + volume.id + ": answer lost and " + le.message() +
                                     (removed ? "; nothing was left on the cluster"
                                              : "; a clone may be left on the cluster, repeat the request"))
              .with_retryable(true);
        }
        if (!created) {
          Json result = client_->call(ctx, "CloneVolume", params, kApi);
          auto id = result.view().int64("volumeID");
          if (!id) throw Error(ErrorCode::kBackend, "unexpected reply from cluster to CloneVolume: no volumeID");
          handle = result.view().int64("asyncHandle");
          created = volume_by_id(ctx, *id);
        }
      } catch (const Error& e) {
        if (e.backend_error() == "xMaxClonesPerVolumeExceeded" || e.backend_error() == "xMaxClonesPerNodeExceeded") {
          throw Error(ErrorCode::kResourceExhausted,
                      "the cluster is running its maximum number of concurrent clones (of volumeID " +
                          std::to_string(source.volume_id) + " or in total); try again later (" + e.message() + ")")
              .with_backend_error(e.backend_error())
              .with_retryable(true);
        }
        throw;
      }
      accounts_->note_volume_created(account.username);
      const int64_t new_id = created->id;
      log_->info("cloning volumeID {}{} into volume {} (volumeID {}, async handle {})", source.volume_id,
                 source.snapshot_id ? " snapshotID " + std::to_string(*source.snapshot_id) : std::string(),
                 volume.id, new_id, handle ? std::to_string(*handle) : std::string("unknown"));
      try {
        if (!qos.empty()) {
          const QosSpec wanted = complete_qos(qos, element_default_qos());
          if (wanted != inherited) {
            Json mod = Json::object();
            mod.set("volumeID", new_id);
            mod.set("qos", wanted.to_json());
            data_modify_volume(ctx, mod);
          }
        }
        data_wait_clone(ctx, new_id, handle);
      } catch (const Error& e) {
        throw discarded(e, new_id);
      } catch (...) {
        data_discard_clone(ctx, new_id);
        throw;
      }

      // The source volume counts its clones (Cinder's cloned_count); informational, never fatal. Its
      // attributes are read again here, under the per-source lock: the copy read before the lock may
      // predate another clone's update.
      if (source.volume) {
        try {
          Json q = Json::object();
          q.set("startVolumeID", source.volume_id);
          q.set("limit", int64_t{1});
          Json listed = client_->call(ctx, "ListVolumes", q, kApi);
          const JsonView item = listed["volumes"].at(0);
          if (item.int64("volumeID") != std::optional<int64_t>(source.volume_id)) {
            throw Error(ErrorCode::kNotFound, "the source volume is gone");
          }
          Json src_attrs = data_ops::copy_object(item["attributes"]);
          src_attrs.set("cloned_count", src_attrs.view().int64("cloned_count").value_or(0) + 1);
          if (src_attrs.print().size() <= data_ops::kMaxAttributesBytes) {
            Json mod = Json::object();
            mod.set("volumeID", source.volume_id);
            mod.set("attributes", std::move(src_attrs));
            data_modify_volume(ctx, mod);
          } else {
            log_->warn("source volumeID {}: attributes too large to record cloned_count", source.volume_id);
          }
        } catch (const Error& e) {
          log_->warn("could not update cloned_count of source volumeID {}: {}", source.volume_id, e.message());
        }
      }
      log_->info("created volume {} (volumeID {}) as a clone of volumeID {}", volume.id, new_id, source.volume_id);
      return model_update(cl, account, *created);
    } catch (const Error& e) {
      // A cached account that was removed behind our back: forget it and start over once.
      if (round == 0 && e.backend_error() == "xAccountIDDoesNotExist") {
        accounts_->invalidate(account.username);
        continue;
      }
      throw;
    }
  }
}

void SolidFireDriverImpl::data_wait_clone(CallContext& ctx, int64_t new_volume_id,
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
        Json r = client_->call(ctx, "GetAsyncResult", params, kApi);
        const JsonView err = r["error"];
        if (err.valid()) {
          const std::string name = err.string_or("name", "unnamed error");
          throw Error(ErrorCode::kBackend, what + " failed on the cluster: " + name + ": " +
                                               util::clean_utf8(err.string_or("message", ""), 256))
              .with_backend_error(name);
        }
        if (r.view().string_or("status", "") == "complete") return;
      } catch (const Error& e) {
        if (e.backend_error() != "xAsyncHandleDoesNotExist") throw;
        // The result was read (and purged) by an answer we lost: watch the volume instead.
        log_->info("async handle {} of {} is gone; watching the volume's status", *async_handle, what);
        handle_live = false;
      }
    }
    if (!handle_live) {
      const SfVolume v = volume_by_id(ctx, new_volume_id);
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

bool SolidFireDriverImpl::data_discard_clone(CallContext& ctx, int64_t new_volume_id) {
  // Runs after the deadline or a cancellation too: a grace deadline of its own, never cancelled.
  data_ops::GraceContext grace(ctx, clock_->now() + std::chrono::seconds(config_.sf_api_request_timeout));
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
