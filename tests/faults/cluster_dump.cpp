#include "cluster_dump.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <set>
#include <sstream>

namespace faults {
namespace {

using it::Json;

// Made up by the cluster for each object (times, UUIDs, device ids, CHAP secrets): they differ from run
// to run and say nothing about what the driver did. `iqn` repeats the volume's name and id.
const std::set<std::string> kDropped = {
    "createTime",      "instanceCreateTime",   "deleteTime",
    "purgeTime",       "volumeUUID",           "volumeConsistencyGroupUUID",
    "snapshotUUID",    "instanceSnapshotUUID", "groupSnapshotUUID",
    "scsiEUIDeviceID", "scsiNAADeviceID",      "iqn",
    "checksum",        "initiatorSecret",      "targetSecret",
    "initiatorIDs",    "expirationTime",
};

// What a reference to an object prints instead of its id, and the run's placeholders: applied to every
// string and key before anything is sorted, so the order does not depend on the random names.
struct Names {
  std::map<int64_t, std::string> accounts, volumes, vags, group_snapshots;
  const Tokens* tokens = nullptr;
};

// "2026-12-03T14:48:37Z" and the like (the driver stamps created_at, retyped_at, os_imported_at, ...).
bool is_timestamp(const std::string& s) {
  if (s.size() < 19) return false;
  for (size_t i = 0; i < 19; ++i) {
    const char c = s[i];
    const bool ok = (i == 4 || i == 7)     ? c == '-'
                    : i == 10              ? c == 'T' || c == ' '
                    : (i == 13 || i == 16) ? c == ':'
                                           : std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (!ok) return false;
  }
  return true;
}

std::string ref(const std::map<int64_t, std::string>& names, const std::string& kind, int64_t id) {
  if (id == 0) return kind + ":none";
  const auto it = names.find(id);
  return it == names.end() ? kind + ":dangling" : it->second;
}

std::string sorted_list(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out + "]";
}

std::string refs(const Json& ids, const std::map<int64_t, std::string>& names, const std::string& kind) {
  std::vector<std::string> items;
  for (size_t i = 0; i < ids.size(); ++i) items.push_back(ref(names, kind, ids.at(i).i64()));
  return sorted_list(std::move(items));
}

// Keys sorted, arrays sorted (the cluster's state is sets, not sequences), ids as references; `own` is
// the object's own id key, left out.
std::string canon(const Json& v, const Names& n, const std::string& own = {}) {
  if (v.is_object()) {
    std::vector<std::pair<std::string, std::string>> keys;  // (as printed, as stored)
    for (const auto& key : v.keys()) keys.emplace_back(n.tokens->apply(key), key);
    std::sort(keys.begin(), keys.end());
    std::string out = "{";
    bool first = true;
    for (const auto& [shown, key] : keys) {
      if (key == own || kDropped.count(key) != 0) continue;
      const Json c = v[key];
      std::string val;
      if (key == "accountID") {
        val = ref(n.accounts, "acct", c.i64());
      } else if (key == "volumeID") {
        val = ref(n.volumes, "vol", c.i64());
      } else if (key == "groupID") {
        val = ref(n.group_snapshots, "gs", c.i64());
      } else if ((key == "volumes" || key == "deletedVolumes" || key == "volumeIDs") && c.is_array()) {
        val = refs(c, n.volumes, "vol");
      } else if (key == "volumeAccessGroups" && c.is_array()) {
        val = refs(c, n.vags, "vag");
      } else if (key == "members" && c.is_array()) {
        std::vector<std::string> items;
        for (size_t i = 0; i < c.size(); ++i) items.push_back(canon(c.at(i), n, "snapshotID"));
        val = sorted_list(std::move(items));
      } else {
        val = canon(c, n);
      }
      out += (first ? "" : ",") + shown + "=" + val;
      first = false;
    }
    return out + "}";
  }
  if (v.is_array()) {
    std::vector<std::string> items;
    for (size_t i = 0; i < v.size(); ++i) items.push_back(canon(v.at(i), n));
    return sorted_list(std::move(items));
  }
  if (v.is_string()) return is_timestamp(v.str()) ? "<time>" : it::quote(n.tokens->apply(v.str()));
  return v.dump();
}

std::vector<Json> items(const Json& list) {
  std::vector<Json> out;
  for (size_t i = 0; i < list.size(); ++i) out.push_back(list.at(i));
  return out;
}

void section(std::string& out, const std::string& title, const std::vector<Json>& objects, const Names& n,
             const std::string& own) {
  std::vector<std::string> lines;
  for (const auto& o : objects) lines.push_back(canon(o, n, own));
  std::sort(lines.begin(), lines.end());
  out += "== " + title + "\n";
  for (const auto& l : lines) out += "  " + l + "\n";
}

}  // namespace

void Tokens::add(const std::string& value, const std::string& label) {
  if (value.empty()) return;
  pairs_.emplace_back(value, "<" + label + ">");
  std::stable_sort(pairs_.begin(), pairs_.end(),
                   [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

std::string Tokens::apply(std::string text) const {
  for (const auto& [value, label] : pairs_) {
    for (size_t at = text.find(value); at != std::string::npos; at = text.find(value, at + label.size())) {
      text.replace(at, value.size(), label);
    }
  }
  return text;
}

std::string cluster_dump(it::Sim& sim, const Tokens& tokens) {
  const auto accounts = items(sim.rpc("ListAccounts")["accounts"]);
  const auto volumes = items(sim.rpc("ListVolumes")["volumes"]);  // every state, deleted ones included
  const auto snapshots = items(sim.rpc("ListSnapshots")["snapshots"]);
  const auto group_snapshots = items(sim.rpc("ListGroupSnapshots")["groupSnapshots"]);
  const auto vags = items(sim.rpc("ListVolumeAccessGroups")["volumeAccessGroups"]);
  const auto policies = items(sim.rpc("ListQoSPolicies")["qosPolicies"]);
  Names n;
  n.tokens = &tokens;
  for (const auto& a : accounts) n.accounts[a["accountID"].i64()] = tokens.apply("acct:" + a["username"].str());
  for (const auto& v : volumes) n.volumes[v["volumeID"].i64()] = tokens.apply("vol:" + v["name"].str());
  for (const auto& g : vags) n.vags[g["volumeAccessGroupID"].i64()] = tokens.apply("vag:" + g["name"].str());
  for (const auto& g : group_snapshots) {
    n.group_snapshots[g["groupSnapshotID"].i64()] = tokens.apply("gs:" + g["name"].str());
  }
  std::string out;
  section(out, "accounts", accounts, n, "accountID");
  section(out, "volumes", volumes, n, "volumeID");
  section(out, "snapshots", snapshots, n, "snapshotID");
  section(out, "group snapshots", group_snapshots, n, "groupSnapshotID");
  section(out, "volume access groups", vags, n, "volumeAccessGroupID");
  section(out, "qos policies", policies, n, "qosPolicyID");
  return out;
}

std::string dump_diff(const std::string& expected, const std::string& actual) {
  // Each object line keyed by its section, so the diff says which kind of object differs.
  auto lines = [](const std::string& text) {
    std::multiset<std::string> out;
    std::istringstream in(text);
    std::string section;
    for (std::string l; std::getline(in, l);) {
      if (l.rfind("== ", 0) == 0) {
        section = l.substr(3);
      } else {
        out.insert("[" + section + "] " + l.substr(l.find_first_not_of(' ')));
      }
    }
    return out;
  };
  const auto e = lines(expected);
  const auto a = lines(actual);
  std::vector<std::string> only_e, only_a;
  std::set_difference(e.begin(), e.end(), a.begin(), a.end(), std::back_inserter(only_e));
  std::set_difference(a.begin(), a.end(), e.begin(), e.end(), std::back_inserter(only_a));
  std::string out;
  for (const auto& l : only_e) out += "  - " + l + "\n";
  for (const auto& l : only_a) out += "  + " + l + "\n";
  return out;
}

}  // namespace faults
