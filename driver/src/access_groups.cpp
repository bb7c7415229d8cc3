// Volume access groups (sf_enable_vag): grant and revoke. Decisions (Cinder 2.2.5 differs):
// - A host's VAG is found by its INITIATOR (an initiator belongs to one VAG only), whatever its name or
//   creator: a VAG made by hand, by Trident or by another cloud is reused, never fought over. A VAG is
//   reused by NAME only when it holds no initiator (two IQNs differing only in punctuation share a
//   Cinder-style name; adding ours to another host's VAG would expose its volumes).
// - VAG name: Cinder's (runs of non-alphanumerics -> '-'); an IQN whose name would exceed Element's 64
//   characters is named by its first 47 characters, '-' and the 16-hex-digit FNV-1a 64 hash of the IQN.
// - xExceededLimit on CreateVolumeAccessGroup: the VAGs are listed again; if the initiator now sits in
//   one (registered elsewhere, or a racing creator) that VAG is used; otherwise (VAG count limit) up to
//   10 empty VAGs (no volumes, no deleted volumes) carrying attributes.openstack are deleted and the
//   create is retried ONCE; nothing purgeable -> RESOURCE_EXHAUSTED. A VAG deleted underneath
//   (xVolumeAccessGroupIDDoesNotExist) is recreated. At most 4 rounds: never unbounded recursion.
// - Grants for one VAG name are serialised through the host's lock service ("solidfire-vag-<name>").
// - Revoking removes the volume from the given VAGs; a VAG left without volumes is deleted when it
//   carries attributes.openstack (re-checked under the VAG lock; one DeleteVolumeAccessGroup when the
//   volume is its last member, so no lost reply can strand an empty VAG).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>

#include "access_groups.h"
#include "attributes.h"
#include "driver_impl.h"
#include "element_api.h"
#include "util.h"

namespace solidfire {

namespace access {

bool Vag::has_initiator(const std::string& iqn) const {
  const std::string lc = util::to_lower(iqn);
  return std::find(initiators.begin(), initiators.end(), lc) != initiators.end();
}

bool Vag::has_volume(int64_t volume_id) const {
  return std::find(volumes.begin(), volumes.end(), volume_id) != volumes.end();
}

std::optional<Vag> parse_vag(JsonView v) {
  auto id = v.int64("volumeAccessGroupID");
  if (!id) return std::nullopt;
  Vag g;
  g.id = *id;
  g.name = v.string_or("name", "");
  for (const JsonView i : v["initiators"].items()) {
    if (auto s = i.as_string()) g.initiators.push_back(util::to_lower(*s));
  }
  g.volumes = int_list(v["volumes"]);
  g.deleted_volumes = int_list(v["deletedVolumes"]);
  const JsonView attrs = v["attributes"];
  g.openstack = attrs.is_object() && attributes::truthy(attrs["openstack"]);
  return g;
}

std::vector<Vag> parse_vags(JsonView list) {
  std::vector<Vag> out;
  for (const JsonView item : list.items()) {
    if (auto g = parse_vag(item)) out.push_back(std::move(*g));
  }
  return out;
}

std::vector<Vag> list_vags(ElementClient& client, CallContext& ctx, const std::vector<int64_t>& ids) {
  Json params = Json::object();
  if (!ids.empty()) params.set("volumeAccessGroups", Json::int_array(ids));
  Json result = client.call(ctx, element::kListVolumeAccessGroups, params);
  return parse_vags(result["volumeAccessGroups"]);
}

std::string vag_name_for(const std::string& initiator) {
  std::string name;
  bool dash = false;
  for (const char ch : initiator) {
    if (std::isalnum(static_cast<unsigned char>(ch)) != 0) {
      name.push_back(ch);
      dash = false;
    } else if (!dash) {
      name.push_back('-');
      dash = true;
    }
  }
  if (name.size() <= element::kMaxNameLength) return name;
  uint64_t hash = 14695981039346656037ULL;
  for (const char ch : initiator) {
    hash ^= static_cast<unsigned char>(ch);
    hash *= 1099511628211ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016" PRIx64, hash);
  return name.substr(0, element::kMaxNameLength - 17) + "-" + hex;
}

}  // namespace access

namespace {

constexpr std::chrono::milliseconds kVagLockTimeout{30000};
constexpr int kMaxGrantRounds = 4;
constexpr size_t kMaxPurge = 10;

Json one_string(const std::string& v) {
  Json a = Json::array();
  a.push(std::string_view(v));
  return a;
}

bool mentions(const std::string& message, const std::string& iqn) {
  return util::to_lower(message).find(util::to_lower(iqn)) != std::string::npos;
}

}  // namespace

void SolidFireDriverImpl::vag_grant(CallContext& ctx, const FoundVolume& av, const std::string& initiator) {
  const std::string name = access::vag_name_for(initiator);
  const int64_t vol = av.volume.id;
  auto lock = ctx.lock("solidfire-vag-" + name, kVagLockTimeout);
  bool purged = false;
  std::string last_problem;
  for (int round = 0; round < kMaxGrantRounds; ++round) {
    const std::vector<access::Vag> vags = access::list_vags(*client_, ctx);
    const access::Vag* target = nullptr;
    for (const auto& g : vags) {
      if (g.has_initiator(initiator)) target = &g;
    }
    bool add_initiator = false;
    if (target == nullptr) {
      for (const auto& g : vags) {
        if (g.name == name && g.initiators.empty() && g.openstack) {
          target = &g;
          add_initiator = true;
          break;
        }
      }
    }
    if (target != nullptr) {
      Json params = Json::object();
      params.set("volumeAccessGroupID", target->id);
      try {
        if (add_initiator) {
          Json p = params.clone();
          p.set("initiators", one_string(initiator));
          try {
            client_->call(ctx, element::kAddInitiatorsToVolumeAccessGroup, p);
          } catch (const Error& e) {
            if (e.backend_error() != element::err::kAlreadyInVolumeAccessGroup) throw;
          }
        }
        if (target->has_volume(vol)) {
          log_->debug("volumeID {} already in VAG {} for {}", vol, target->id, initiator);
          return;
        }
        Json p = params.clone();
        p.set("volumes", Json::int_array({vol}));
        try {
          client_->call(ctx, element::kAddVolumesToVolumeAccessGroup, p);
        } catch (const Error& e) {
          if (e.backend_error() != element::err::kAlreadyInVolumeAccessGroup) throw;
        }
        log_->info("volumeID {} is in VAG {} ({}) for initiator {}", vol, target->id, target->name, initiator);
        return;
      } catch (const OutcomeUnknownError& e) {
        last_problem = e.message();
        continue;  // the next listing shows what committed
      } catch (const Error& e) {
        if (e.backend_error() == element::err::kVolumeAccessGroupIDDoesNotExist) {
          log_->warn("VAG {} disappeared underneath; looking again", target->id);
          last_problem = e.message();
          continue;
        }
        if (e.backend_error() == element::err::kExceededLimit && add_initiator && mentions(e.message(), initiator)) {
          last_problem = e.message();  // the initiator went into another VAG meanwhile
          continue;
        }
        throw;
      }
    }

    Json params = Json::object();
    params.set("name", name);
    params.set("initiators", one_string(initiator));
    params.set("volumes", Json::int_array({vol}));
    Json attrs = Json::object();
    attrs.set("openstack", true);
    params.set("attributes", std::move(attrs));
    try {
      Json result = client_->call(ctx, element::kCreateVolumeAccessGroup, params);
      log_->info("created VAG {} ({}) for initiator {} with volumeID {}",
                 result.view().int64("volumeAccessGroupID").value_or(0), name, initiator, vol);
      return;
    } catch (const OutcomeUnknownError& e) {
      last_problem = e.message();
      continue;
    } catch (const Error& e) {
      if (e.backend_error() != element::err::kExceededLimit) throw;
      last_problem = e.message();
      if (mentions(e.message(), initiator)) {
        log_->info("initiator {} is registered in another VAG; reusing it", initiator);
        continue;
      }
      if (purged) {
        throw Error(ErrorCode::kResourceExhausted,
                    "cannot create a volume access group for " + initiator + ": " + e.message())
            .with_backend_error(std::string(element::err::kExceededLimit));
      }
      purged = true;
      // The listing may be a moment old: look again, both for our initiator and for purgeable VAGs.
      const std::vector<access::Vag> fresh = access::list_vags(*client_, ctx);
      bool elsewhere = false;
      std::vector<int64_t> purgeable;
      for (const auto& g : fresh) {
        if (g.has_initiator(initiator)) elsewhere = true;
        if (g.openstack && g.empty_of_volumes() && purgeable.size() < kMaxPurge) purgeable.push_back(g.id);
      }
      if (elsewhere) continue;
      size_t removed = 0;
      for (int64_t id : purgeable) {
        Json p = Json::object();
        p.set("volumeAccessGroupID", id);
        try {
          client_->call(ctx, element::kDeleteVolumeAccessGroup, p);
          ++removed;
        } catch (const Error& de) {
          if (de.backend_error() != element::err::kVolumeAccessGroupIDDoesNotExist) throw;
        }
      }
      log_->warn("VAG limit reached ({}); purged {} empty OpenStack VAGs", e.message(), removed);
      if (removed == 0) {
        throw Error(ErrorCode::kResourceExhausted, "cannot create a volume access group for " + initiator + ": " +
                                                       e.message() + "; no empty OpenStack VAG to purge")
            .with_backend_error(std::string(element::err::kExceededLimit));
      }
    }
  }
  throw Error(ErrorCode::kAborted, "could not place volumeID " + std::to_string(vol) + " in a VAG for " + initiator +
                                       " after " + std::to_string(kMaxGrantRounds) +
                                       " attempts (concurrent changes): " + last_problem)
      .with_retryable(true);
}

namespace {

constexpr int64_t kNoVolume = 0;  // Element volume IDs start at 1

// Nothing but `leaving` (kNoVolume: nothing at all) is in the VAG, deleted volumes awaiting purge included.
bool holds_only(const access::Vag& g, int64_t leaving) {
  const bool rest_empty = g.volumes.empty() || (g.volumes.size() == 1 && g.volumes.front() == leaving);
  return rest_empty && g.deleted_volumes.empty();
}

}  // namespace

void SolidFireDriverImpl::vag_revoke(CallContext& ctx, int64_t volume_id, const std::vector<access::Vag>& vags) {
  for (const auto& listed : vags) {
    if (!listed.has_volume(volume_id)) continue;  // already out (an earlier attempt committed)
    if (listed.openstack && holds_only(listed, volume_id) && vag_delete_if_unused(ctx, listed, volume_id)) continue;
    vag_remove_volume(ctx, volume_id, listed.id);
  }
}

bool SolidFireDriverImpl::vag_delete_if_unused(CallContext& ctx, const access::Vag& listed, int64_t leaving) {
  // Decide again under the VAG's lock (the one a grant for its initiator takes): a grant may just have
  // added a volume, or a concurrent revoke taken one out.
  auto lock = ctx.lock("solidfire-vag-" + listed.name, kVagLockTimeout);
  const auto now = access::list_vags(*client_, ctx, {listed.id});
  if (now.empty() || now.front().id != listed.id) return true;               // gone already
  if (leaving != kNoVolume && !now.front().has_volume(leaving)) return true;  // already out
  if (!holds_only(now.front(), leaving)) return false;                       // others joined
  vag_delete(ctx, now.front());
  return true;
}

void SolidFireDriverImpl::vag_remove_volume(CallContext& ctx, int64_t volume_id, int64_t vag_id) {
  Json params = Json::object();
  params.set("volumeAccessGroupID", vag_id);
  params.set("volumes", Json::int_array({volume_id}));
  std::optional<access::Vag> after;  // the VAG as the reply (or the listing after a lost reply) shows it
  try {
    Json result = client_->call(ctx, element::kRemoveVolumesFromVolumeAccessGroup, params);
    after = access::parse_vag(result["volumeAccessGroup"]);
    log_->info("removed volumeID {} from VAG {}", volume_id, vag_id);
  } catch (const OutcomeUnknownError&) {
    // The listing tells whether the removal committed; if not, the host's repeat removes it.
    auto now = access::list_vags(*client_, ctx, {vag_id});
    if (now.empty() || now.front().id != vag_id) return;
    if (now.front().has_volume(volume_id)) throw;
    after = std::move(now.front());
  } catch (const Error& e) {
    if (e.backend_error() != element::err::kVolumeAccessGroupIDDoesNotExist &&
        e.backend_error() != element::err::kNotInVolumeAccessGroup) {
      throw;
    }
    log_->debug("volumeID {} was not in VAG {} any more", volume_id, vag_id);
    return;
  }
  // Other volumes were there when we looked; if they left meanwhile, the VAG is now ours to delete.
  if (after && after->id == vag_id && after->openstack && after->empty_of_volumes()) {
    vag_delete_if_unused(ctx, *after, kNoVolume);
  }
}

void SolidFireDriverImpl::vag_delete(CallContext& ctx, const access::Vag& vag) {
  Json del = Json::object();
  del.set("volumeAccessGroupID", vag.id);
  try {
    client_->call(ctx, element::kDeleteVolumeAccessGroup, del);
    log_->info("deleted VAG {} ({}) with its last volume", vag.id, vag.name);
  } catch (const OutcomeUnknownError&) {
    // Still listed: it did not commit, and the volume is still in it, so the host's repeat deletes it.
    if (!access::list_vags(*client_, ctx, {vag.id}).empty()) throw;
  } catch (const Error& e) {
    if (e.backend_error() != element::err::kVolumeAccessGroupIDDoesNotExist) throw;
  }
}

}  // namespace solidfire
