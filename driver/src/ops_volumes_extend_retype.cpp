// extend_volume and retype. Decisions:
// - extend: ModifyVolume totalSize; when the type's QoS scales with size (scaledIOPS), the QoS is
//   recomputed for the new size and sent in the same call (Cinder 2.0.6 forgot). Shrinking is refused.
// - retype: the new type's QoS (qos_specs > scoped > unscoped extra specs; tenant metadata QoS when
//   allowed and the type has none) and its SFAttribute:<key> extra specs (the old type's ones are
//   removed), plus retyped_at, in ONE ModifyVolume. A type without any QoS puts Element's defaults back
//   (Cinder left the old type's QoS in place). An invalid QoS spec or attributes over Element's limit
//   are INVALID_ARGUMENT before anything changes. Returns {retyped: true, model_update: null}.
#include <spdlog/spdlog.h>

#include "driver_impl.h"
#include "qos.h"
#include "util.h"
#include "grace_context.h"

namespace solidfire {

namespace {
using data_ops::kGiB;

constexpr const char* kSfAttributePrefix = "SFAttribute:";
constexpr size_t kSfAttributePrefixLen = 12;
}  // namespace

void SolidFireDriverImpl::extend_volume(CallContext& ctx, const Volume& volume, int64_t new_size_gib) {
  (void)cluster();
  if (new_size_gib < 1 || new_size_gib > kMaxVolumeSizeGib) {
    throw Error(ErrorCode::kInvalidArgument, "new_size must be between 1 and 16384 GiB, got " +
                                                 std::to_string(new_size_gib))
        .with_field("new_size");
  }
  // QoS at the new size, and whether it depends on the size at all (scaled IOPS). Validated before
  // any RPC: an invalid spec changes nothing.
  std::vector<std::string> notes;
  Volume at_new = volume;
  at_new.size_gib = new_size_gib;
  Volume at_one = volume;
  at_one.size_gib = 1;
  const QosSpec qos_new = volume_qos(config_, at_new, &notes);
  const bool scaled = qos_new != volume_qos(config_, at_one);
  for (const auto& n : notes) log_->warn("volume {}: {}", volume.id, n);

  const DataVolume target = data_require_volume(ctx, volume, "volume");
  const int64_t new_bytes = new_size_gib * kGiB;
  if (new_bytes < target.volume.total_size) {
    throw Error(ErrorCode::kInvalidArgument, "new_size " + std::to_string(new_size_gib) +
                                                 " GiB is smaller than the volume's current size (" +
                                                 std::to_string(data_ops::gib_ceil(target.volume.total_size)) +
                                                 " GiB); volumes cannot shrink")
        .with_field("new_size");
  }
  Json params = Json::object();
  params.set("volumeID", target.volume.id);
  params.set("totalSize", new_bytes);
  if (scaled) params.set("qos", complete_qos(qos_new, element_default_qos()).to_json());
  data_modify_volume(ctx, params);
  log_->info("extended volume {} (volumeID {}) to {} GiB{}", volume.id, target.volume.id, new_size_gib,
             scaled ? " with QoS scaled to the new size" : "");
}

RetypeResult SolidFireDriverImpl::retype(CallContext& ctx, const Volume& volume, const VolumeType& new_type) {
  (void)cluster();
  Volume typed = volume;
  typed.volume_type = new_type;
  std::vector<std::string> notes;
  std::optional<QosSpec> qos;
  // With the size known, the QoS is checked before any RPC; otherwise after the (read-only) lookup.
  if (typed.size_gib > 0) {
    qos = volume_qos(config_, typed, &notes);
  } else {
    Volume probe = typed;
    probe.size_gib = 1;
    (void)volume_qos(config_, probe);
  }
  const DataVolume target = data_require_volume(ctx, volume, "volume");
  if (!qos) {
    typed.size_gib = std::max<int64_t>(1, data_ops::gib_ceil(target.volume.total_size));
    qos = volume_qos(config_, typed, &notes);
  }
  for (const auto& n : notes) log_->warn("volume {}: {}", volume.id, n);

  Json attrs = data_ops::copy_object(target.raw["attributes"]);
  if (volume.volume_type) {
    for (const auto& [key, value] : volume.volume_type->extra_specs) {
      if (util::starts_with(key, kSfAttributePrefix) && key.size() > kSfAttributePrefixLen &&
          !new_type.extra_specs.count(key)) {
        (void)attrs.take(key.substr(kSfAttributePrefixLen).c_str());
      }
    }
  }
  for (const auto& [key, value] : new_type.extra_specs) {
    if (util::starts_with(key, kSfAttributePrefix) && key.size() > kSfAttributePrefixLen) {
      attrs.set(key.substr(kSfAttributePrefixLen).c_str(), value);
    }
  }
  attrs.set("retyped_at", util::utc_now_iso8601());
  if (!data_ops::fit_attributes(attrs)) {
    throw Error(ErrorCode::kInvalidArgument,
                "the volume's attributes with the SFAttribute: specs of type " + util::clean_utf8(new_type.name, 64) +
                    " exceed Element's 1000-byte limit")
        .with_field("new_type.extra_specs");
  }
  const QosSpec full = complete_qos(qos->empty() ? element_default_qos() : *qos, element_default_qos());

  Json params = Json::object();
  params.set("volumeID", target.volume.id);
  params.set("attributes", std::move(attrs));
  params.set("qos", full.to_json());
  data_modify_volume(ctx, params);
  log_->info("retyped volume {} (volumeID {}) to type {} (QoS {}/{}/{})", volume.id, target.volume.id,
             util::clean_utf8(new_type.name.empty() ? new_type.id : new_type.name, 64), *full.min_iops,
             *full.max_iops, *full.burst_iops);
  RetypeResult r;
  r.retyped = true;
  return r;
}

}  // namespace solidfire
