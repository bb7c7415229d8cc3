// Shared helpers of the access and administration unit tests: Element replies built by hand for the
// methods the fake cluster does not serve (VAGs, ModifyVolume, snapshots) and a volume reply with
// attributes and volumeAccessGroups.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "fakes.h"
#include "util.h"

namespace sftest {

inline const std::string kAccVol = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
inline const std::string kIqn = "iqn.1993-08.org.debian:01:c0ffee";
inline const std::string kIqnVag = "iqn-1993-08-org-debian-01-c0ffee";

inline Json int_array(const std::vector<int64_t>& values) {
  Json a = Json::array();
  for (int64_t v : values) a.push(v);
  return a;
}

struct VolSpec {
  VolSpec() = default;
  VolSpec(int64_t id_, int64_t account_, std::string name_, std::string status_, std::string uuid_)
      : id(id_), account(account_), name(std::move(name_)), status(std::move(status_)), uuid(std::move(uuid_)) {}
  int64_t id = 100;
  int64_t account = 10;
  std::string name = "UUID-" + kAccVol;
  std::string status = "active";
  std::string uuid = kAccVol;
  int64_t size = int64_t{10} << 30;
  std::vector<int64_t> vags;
  std::string attributes;  // full attributes JSON; empty = {"uuid": uuid}
  bool e512 = true;
};

inline Json vol_json(const VolSpec& s) {
  Json v = Json::object();
  v.set("volumeID", s.id).set("accountID", s.account).set("name", s.name).set("status", s.status);
  v.set("iqn", "iqn.2010-01.com.solidfire:abcd." + util::to_lower(s.name) + "." + std::to_string(s.id));
  v.set("totalSize", s.size).set("enable512e", s.e512);
  if (s.attributes.empty()) {
    Json a = Json::object();
    if (!s.uuid.empty()) a.set("uuid", s.uuid);
    v.set("attributes", std::move(a));
  } else {
    v.set("attributes", *Json::parse(s.attributes));
  }
  Json q = Json::object();
  q.set("minIOPS", int64_t{50}).set("maxIOPS", int64_t{15000}).set("burstIOPS", int64_t{15000});
  v.set("qos", std::move(q));
  v.set("volumeAccessGroups", int_array(s.vags));
  v.set("volumePairs", Json::array());
  return v;
}

inline HttpResponse volumes_reply(const std::vector<VolSpec>& specs) {
  Json vols = Json::array();
  for (const auto& s : specs) vols.push(vol_json(s));
  Json r = Json::object();
  r.set("volumes", std::move(vols));
  return ok(r.print());
}

struct VagSpec {
  VagSpec(int64_t id_, std::string name_, std::vector<std::string> initiators_ = {}, std::vector<int64_t> volumes_ = {},
          bool openstack_ = true, std::vector<int64_t> deleted_ = {})
      : id(id_),
        name(std::move(name_)),
        initiators(std::move(initiators_)),
        volumes(std::move(volumes_)),
        openstack(openstack_),
        deleted(std::move(deleted_)) {}
  int64_t id = 1;
  std::string name;
  std::vector<std::string> initiators;
  std::vector<int64_t> volumes;
  bool openstack = true;
  std::vector<int64_t> deleted;
};

inline Json vag_json(const VagSpec& s) {
  Json g = Json::object();
  g.set("volumeAccessGroupID", s.id).set("name", s.name);
  Json inits = Json::array();
  for (const auto& i : s.initiators) inits.push(std::string_view(i));
  g.set("initiators", std::move(inits));
  g.set("volumes", int_array(s.volumes));
  g.set("deletedVolumes", int_array(s.deleted));
  Json attrs = Json::object();
  if (s.openstack) attrs.set("openstack", true);
  g.set("attributes", std::move(attrs));
  return g;
}

inline HttpResponse vags_reply(const std::vector<VagSpec>& specs) {
  Json list = Json::array();
  for (const auto& s : specs) list.push(vag_json(s));
  Json r = Json::object();
  r.set("volumeAccessGroups", std::move(list));
  return ok(r.print());
}

inline HttpResponse vag_reply(const VagSpec& s) {
  Json r = Json::object();
  r.set("volumeAccessGroup", vag_json(s));
  return ok(r.print());
}

inline std::vector<Request> requests_of(const FakeTransport& t, const std::string& method) {
  std::vector<Request> out;
  for (auto& r : t.requests()) {
    if (r.method == method) out.push_back(r);
  }
  return out;
}

using Methods = std::vector<std::string>;

// A set-up driver on the fake cluster, with a managed volume at provider_id "100 10 <cluster>".
struct AdminFixture : ::testing::Test {
  Harness h;
  FakeContext ctx{h.clock};
  void SetUp() override { h.setup(); }
  Volume managed(const std::string& project = "proj1") {
    Volume v = make_volume(kAccVol, 10, project);
    v.provider_id = "100 10 " + h.transport->cluster.uuid;
    return v;
  }
  JsonView modify_params() {
    last_modify_ = requests_of(*h.transport, "ModifyVolume").back();
    return last_modify_.params.view();
  }

 private:
  Request last_modify_;
};

}  // namespace sftest
