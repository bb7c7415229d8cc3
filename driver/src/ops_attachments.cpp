// attach_volume / detach_volume: 2.0.6's bookkeeping in the volume's attributes, made multiattach-safe.
// attributes.attachments maps each attachment key (the instance UUID, or "host:<host_name>" when there
// is none) to its attach time; attached_to / attach_time keep 2.0.6's meaning for the latest attachment
// (null when none is left). 2.0.6 kept one attached_to, so a second attach overwrote the first and any
// detach cleared both. detach_volume removes only its attachment (the plugin passes the attachment's
// instance_uuid when the host gives one, else its id); without an attachment it clears them all.
// Attributes stay under Element's 1,000 bytes: the oldest other entries of `attachments` are dropped
// first. Read-modify-write of the attributes is serialised per volume through the host's lock service.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "attributes.h"
#include "driver_impl.h"
#include "util.h"

namespace solidfire {

namespace {

constexpr std::chrono::milliseconds kAttrLockTimeout{30000};
using Entries = std::vector<std::pair<std::string, std::string>>;  // key -> attach time

Entries read_entries(const Json& attrs) {
  Entries out;
  const JsonView map = attrs["attachments"];
  if (!map.is_object()) return out;
  for (const cJSON* c = map.raw()->child; c != nullptr; c = c->next) {
    if (c->string == nullptr) continue;
    auto t = JsonView(c).as_string();
    out.emplace_back(c->string, t.value_or(""));
  }
  return out;
}

// Writes `entries` (and the 2.0.6 summary of the latest one) into `attrs`.
void write_entries(Json& attrs, const Entries& entries) {
  (void)attrs.take("attachments");
  if (entries.empty()) {
    attrs.set_null("attached_to");
    attrs.set_null("attach_time");
    return;
  }
  Json map = Json::object();
  for (const auto& [key, time] : entries) map.set(key.c_str(), time);
  attrs.set("attachments", std::move(map));
  const auto latest = std::max_element(entries.begin(), entries.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
  if (util::starts_with(latest->first, "host:")) {
    attrs.set_null("attached_to");
  } else {
    attrs.set("attached_to", latest->first);
  }
  attrs.set("attach_time", latest->second);
}

}  // namespace

void SolidFireDriverImpl::attach_volume(CallContext& ctx, const Volume& volume, const AttachRequest& attach) {
  require_setup();
  auto lock = ctx.lock("solidfire-attrs-" + volume.id, kAttrLockTimeout);
  const FoundVolume av = lookup_->require(ctx, volume, "volume", VolumeLookup::NotFoundNames::kId);
  Json attrs = attributes::copy(av.raw["attributes"]);
  const std::string key = !attach.instance_uuid.empty() ? attach.instance_uuid : "host:" + attach.host_name;
  const std::string time = attach.attach_time.empty() ? util::utc_now_iso8601() : attach.attach_time;

  Entries entries = read_entries(attrs);
  entries.erase(std::remove_if(entries.begin(), entries.end(), [&](const auto& e) { return e.first == key; }),
                entries.end());
  // Oldest first, so that trimming below drops the oldest other attachment.
  std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  entries.emplace_back(key, time);
  write_entries(attrs, entries);
  if (!attach.instance_uuid.empty()) attrs.set("attached_to", attach.instance_uuid);
  attrs.set("attach_time", time);
  while (!attributes::fits(attrs) && entries.size() > 1) {
    log_->warn("volume {}: attributes full; forgetting the attachment record of {}", volume.id, entries.front().first);
    entries.erase(entries.begin());
    write_entries(attrs, entries);
    if (!attach.instance_uuid.empty()) attrs.set("attached_to", attach.instance_uuid);
    attrs.set("attach_time", time);
  }
  if (!attributes::drop_to_fit(attrs, {"attachments", "cinder-name"})) {
    throw Error(ErrorCode::kFailedPrecondition, "volume " + volume.id +
                                                    ": its attributes leave no room for the attachment record "
                                                    "(Element keeps attributes under 1000 bytes)")
        .with_field("volume.id");
  }
  modify_attributes(ctx, av.volume.id, attrs);
  log_->info("volume {} (volumeID {}) attached to {}", volume.id, av.volume.id, key);
}

void SolidFireDriverImpl::detach_volume(CallContext& ctx, const Volume& volume,
                                        const std::optional<std::string>& attachment_id) {
  require_setup();
  if (volume.id.empty()) throw Error(ErrorCode::kInvalidArgument, "volume.id is required").with_field("volume.id");
  auto lock = ctx.lock("solidfire-attrs-" + volume.id, kAttrLockTimeout);
  auto av = lookup_->find(ctx, volume);
  if (!av) {
    log_->info("detach_volume: volume {} not found on the cluster; nothing to record", volume.id);
    return;
  }
  Json attrs = attributes::copy(av->raw["attributes"]);
  Entries entries = read_entries(attrs);
  const bool had_summary = attrs.view().has("attached_to") || attrs.view().has("attach_time");
  Entries kept;
  if (attachment_id) {
    for (const auto& e : entries) {
      if (e.first != *attachment_id && e.first != "host:" + *attachment_id) kept.push_back(e);
    }
    if (kept.size() == entries.size() && entries.size() > 1) {
      log_->warn("detach_volume: volume {} has no attachment record {}; leaving {} records", volume.id, *attachment_id,
                 entries.size());
      return;
    }
    if (kept.size() == entries.size()) kept.clear();  // one (or no) record: it is this attachment's
  }
  if (kept.size() == entries.size() && entries.empty() && !had_summary) return;  // nothing recorded
  write_entries(attrs, kept);
  attributes::drop_to_fit(attrs, {"attachments", "cinder-name"});
  modify_attributes(ctx, av->volume.id, attrs);
  log_->info("volume {} (volumeID {}) detached{}", volume.id, av->volume.id,
             attachment_id ? " from " + *attachment_id : std::string(" from everything"));
}

}  // namespace solidfire
