#include "invariants.h"

#include <map>
#include <sstream>

namespace soak {

namespace {

constexpr int64_t kGiB = int64_t{1} << 30;

std::string cinder_id(const std::string& element_name) {
  return element_name.rfind("UUID-", 0) == 0 ? element_name.substr(5) : std::string();
}

int64_t first_token(const std::string& s) {
  std::istringstream in(s);
  int64_t v = 0;
  return (in >> v) ? v : 0;
}

bool holds(const it::Json& arr, int64_t id) {
  for (size_t i = 0; i < arr.size(); ++i) {
    if (arr.at(i).i64() == id) return true;
  }
  return false;
}

bool holds(const it::Json& arr, const std::string& s) {
  for (size_t i = 0; i < arr.size(); ++i) {
    if (arr.at(i).str() == s) return true;
  }
  return false;
}

std::string brief(const it::Json& j) { return j.dump().substr(0, 300); }

// Accounts by username, checking that each username appears once.
std::map<std::string, it::Json> accounts_by_name(const ClusterView& c, Stats& stats) {
  std::map<std::string, int> count;
  std::map<std::string, it::Json> out;
  for (const auto& a : c.accounts) {
    ++count[a["username"].str()];
    out[a["username"].str()] = a;
  }
  for (const auto& [name, n] : count) {
    stats.check("account usernames unique", n == 1, "account " + name + " exists " + std::to_string(n) + " times");
  }
  return out;
}

}  // namespace

void check_against_model(const ClusterView& c, const HostModel& model, Stats& stats) {
  stats.check("cluster readable", c.error.empty(), c.error);
  if (!c.error.empty()) return;
  const auto abandoned_vols = model.abandoned_volumes();
  const auto abandoned_snaps = model.abandoned_snapshots();
  std::map<std::string, VolumePtr> by_id;
  for (const auto& v : model.all()) by_id[v->id] = v;
  const auto accounts = accounts_by_name(c, stats);

  // Cluster volumes by name and by id.
  std::map<std::string, std::vector<it::Json>> active_by_name;
  std::map<int64_t, it::Json> active_by_id;
  for (const auto& v : c.volumes) {
    const std::string status = v["status"].str();
    const std::string id = cinder_id(v["name"].str());
    if (status == "active") {
      active_by_name[v["name"].str()].push_back(v);
      active_by_id[v["volumeID"].i64()] = v;
      stats.check("no orphan volume", by_id.count(id) != 0 || abandoned_vols.count(id) != 0,
                  "active volume not in the host model: " + brief(v) + "\n      history: " + model.departed_trail(id));
    } else {
      // Deleted volumes are purged by delete_volume, and a failed clone is purged before its error.
      stats.check("no unpurged or unfinished volume", abandoned_vols.count(id) != 0,
                  "volume in state " + status + " left on the cluster: " + brief(v) +
                      "\n      history: " + model.departed_trail(id));
    }
  }
  for (const auto& [name, vols] : active_by_name) {
    stats.check("volume names unique", vols.size() == 1,
                name + " names " + std::to_string(vols.size()) + " active volumes (duplicate create)");
  }

  // Cluster snapshots by id; each belongs to a model snapshot of the same volume.
  std::map<int64_t, it::Json> snaps_by_id;
  std::map<std::string, const SnapshotRec*> model_snaps;
  std::map<std::string, const VolumeRec*> snap_parent;
  for (const auto& [id, v] : by_id) {
    for (const auto& s : v->snapshots) {
      model_snaps[s.id] = &s;
      snap_parent[s.id] = v.get();
    }
  }
  for (const auto& s : c.snapshots) {
    snaps_by_id[s["snapshotID"].i64()] = s;
    const std::string sid = cinder_id(s["name"].str());
    const bool known = model_snaps.count(sid) != 0 && snap_parent[sid]->cluster_id() == s["volumeID"].i64();
    stats.check("no orphan snapshot", known || abandoned_snaps.count(sid) != 0 || abandoned_vols.count(sid) != 0,
                "snapshot not in the host model (or on another volume): " + brief(s));
  }

  // Initiator -> its VAG; each initiator is in one VAG at most.
  std::map<std::string, it::Json> vag_of;
  for (const auto& g : c.vags) {
    const it::Json inits = g["initiators"];
    for (size_t i = 0; i < inits.size(); ++i) {
      const std::string iqn = inits.at(i).str();
      stats.check("initiator in one VAG", vag_of.count(iqn) == 0, iqn + " is in several VAGs");
      vag_of[iqn] = g;
    }
  }

  // Every model volume against the cluster; a failed check carries the volume's recent history.
  for (const auto& [id, v] : by_id) {
    const std::string story = "\n      history: " + v->trail();
    const auto found = active_by_name.find(element_name(id));
    const bool exists = found != active_by_name.end() && !found->second.empty();
    stats.check("model volume exists", exists,
                "volume " + id + " (" + v->provider_id + ") is not active on the cluster" + story);
    if (!exists) continue;
    const it::Json cv = found->second.front();
    stats.check("provider_id matches",
                cv["volumeID"].i64() == v->cluster_id() && cv["accountID"].i64() == v->account_id(),
                "volume " + id + ": provider_id " + v->provider_id + " but the cluster has " + brief(cv) + story);
    stats.check("attributes.uuid", cv["attributes"]["uuid"].str() == id, "volume " + id + ": " + brief(cv));
    stats.check("size as told", cv["totalSize"].i64() == v->size_gib * kGiB,
                "volume " + id + ": model " + std::to_string(v->size_gib) + " GiB, cluster " +
                    std::to_string(cv["totalSize"].i64()) + " bytes" + story);
    const Qos q = v->qos();
    const it::Json cq = cv["qos"];
    stats.check("qos as told",
                cq["minIOPS"].i64() == q.min && cq["maxIOPS"].i64() == q.max && cq["burstIOPS"].i64() == q.burst,
                "volume " + id + " type " + volume_types().at(v->type).name + " size " + std::to_string(v->size_gib) +
                    ": model " + std::to_string(q.min) + "/" + std::to_string(q.max) + "/" + std::to_string(q.burst) +
                    ", cluster " + cq.dump() + story);
    const auto acct = accounts.find(v->project);
    stats.check("volume in its project's account",
                acct != accounts.end() && acct->second["accountID"].i64() == cv["accountID"].i64(),
                "volume " + id + " of project " + v->project + " is in accountID " +
                    std::to_string(cv["accountID"].i64()) + story);
    // Snapshots of the model exist on this volume, under the id the driver returned.
    for (const auto& s : v->snapshots) {
      const auto cs = snaps_by_id.find(first_token(s.provider_id));
      stats.check("model snapshot exists",
                  cs != snaps_by_id.end() && cs->second["volumeID"].i64() == cv["volumeID"].i64() &&
                      cs->second["name"].str() == element_name(s.id),
                  "snapshot " + s.id + " (" + s.provider_id + ") of volume " + id + " is not on the cluster" + story);
    }
    // Connections: a VAG volume is in exactly the VAG of its initiator; others are in none.
    const it::Json groups = cv["volumeAccessGroups"];
    if (v->vag && !v->attached_iqn.empty()) {
      const auto g = vag_of.find(v->attached_iqn);
      stats.check("connection in its VAG",
                  g != vag_of.end() && holds(g->second["volumes"], cv["volumeID"].i64()) && groups.size() == 1,
                  "volume " + id + " connected to " + v->attached_iqn + " but its VAGs are " + groups.dump() + story);
    } else {
      stats.check("no VAG without a connection", groups.size() == 0,
                  "volume " + id + (v->vag ? " (not connected)" : " (driver without VAGs)") + " is in VAGs " +
                      groups.dump() + story);
    }
  }

  // Every VAG: not empty, only existing volumes, each connected (in the model) to one of its initiators.
  for (const auto& g : c.vags) {
    const it::Json vols = g["volumes"];
    std::string story;
    for (size_t i = 0; i < g["initiators"].size(); ++i) {
      const std::string iqn = g["initiators"].at(i).str();
      story += "\n      " + iqn + ": " + model.initiator_trail(iqn);
    }
    stats.check("no empty VAG left", vols.size() != 0, "empty VAG " + brief(g) + story);
    for (size_t i = 0; i < vols.size(); ++i) {
      const int64_t vid = vols.at(i).i64();
      const auto cv = active_by_id.find(vid);
      stats.check("VAG holds existing volumes", cv != active_by_id.end(),
                  "VAG " + g["name"].str() + " holds volumeID " + std::to_string(vid) + " which is not active");
      if (cv == active_by_id.end()) continue;
      const std::string id = cinder_id(cv->second["name"].str());
      if (abandoned_vols.count(id) != 0) continue;
      const auto mv = by_id.find(id);
      stats.check("VAG volume connected in the model",
                  mv != by_id.end() && mv->second->vag && holds(g["initiators"], mv->second->attached_iqn),
                  "VAG " + g["name"].str() + " holds volume " + id + " which the host has not connected to it" +
                      (mv != by_id.end() ? "\n      history: " + mv->second->trail() : story));
    }
  }

  // Accounts: every active volume of ours sits in an account, and that account lists it.
  std::map<int64_t, it::Json> account_by_id;
  for (const auto& a : c.accounts) account_by_id[a["accountID"].i64()] = a;
  for (const auto& [vid, cv] : active_by_id) {
    const auto a = account_by_id.find(cv["accountID"].i64());
    stats.check(
        "account lists its volumes", a != account_by_id.end() && holds(a->second["volumes"], vid),
        "volumeID " + std::to_string(vid) + " is not listed by its account " + std::to_string(cv["accountID"].i64()));
  }
}

void check_cleaned(const ClusterView& c, const HostModel& model, Stats& stats) {
  stats.check("cluster readable", c.error.empty(), c.error);
  if (!c.error.empty()) return;
  const auto abandoned_vols = model.abandoned_volumes();
  const auto abandoned_snaps = model.abandoned_snapshots();
  accounts_by_name(c, stats);
  for (const auto& v : c.volumes) {
    stats.check("cleanup left no volume", abandoned_vols.count(cinder_id(v["name"].str())) != 0,
                "after the cleanup: " + brief(v));
  }
  for (const auto& s : c.snapshots) {
    stats.check("cleanup left no snapshot", abandoned_snaps.count(cinder_id(s["name"].str())) != 0,
                "after the cleanup: " + brief(s));
  }
  for (const auto& g : c.vags) stats.check("cleanup left no VAG", false, "after the cleanup: " + brief(g));
  stats.check("cleanup emptied the model", model.all().empty(),
              std::to_string(model.all().size()) + " volumes still in the host model");
}

}  // namespace soak
