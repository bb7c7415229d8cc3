#include "scenarios.h"

#include <cctype>

#include "scenario_requests.h"

namespace faults {

namespace requests {

std::string vag_name(const std::string& iqn) {
  std::string vag = iqn;
  for (char& c : vag) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '-';
  }
  return vag;
}

}  // namespace requests

std::string Run::uuid(const std::string& label) {
  const std::string v = it::new_uuid();
  tokens.add(v, label);
  return v;
}

std::string Run::name(const std::string& label) {
  const std::string v = it::unique_name("fm");
  tokens.add(v, label);
  return v;
}

std::string Run::iqn(const std::string& label) {
  const std::string v = "iqn.2024-01.org.vdp:" + it::unique_name("host");
  tokens.add(v, label);
  tokens.add(requests::vag_name(v), label + "-vag");
  return v;
}

it::Json Run::must(const std::string& op, const std::string& request) {
  vh::CallOptions opts;
  opts.timeout = std::chrono::seconds(60);
  const auto r = driver.call(op, request, opts);
  if (!r.ok()) throw SetupError("setup " + op + " failed: " + r.output);
  return it::Json::parse(r.output);
}

namespace requests {

std::vector<Scenario> volume_scenarios() {
  return {
      {"create_volume",
       {},
       [](Run& r) {
         const std::string project = r.name("proj");
         return Call{"create_volume", "{\"volume\":" + volume_obj(r.uuid("vol"), 1, project) + "}"};
       }},
      {"delete_volume",
       {},
       [](Run& r) {
         return Call{"delete_volume", "{\"volume\":" + volume(r, "vol", r.name("proj")).obj + "}"};
       }},
      {"delete_volume(vag)", kVagOn,
       [](Run& r) {
         const Vol v = volume(r, "vol", r.name("proj"));
         r.must("initialize_connection", connection_request(v, r.iqn("iqn")));
         return Call{"delete_volume", "{\"volume\":" + v.obj + "}"};
       }},
      {"extend_volume",
       {},
       [](Run& r) {
         return Call{"extend_volume", "{\"volume\":" + volume(r, "vol", r.name("proj")).obj + ",\"new_size\":3}"};
       }},
      {"retype",
       {},
       [](Run& r) {
         return Call{"retype", "{\"volume\":" + volume(r, "vol", r.name("proj")).obj +
                                   R"(,"new_type":{"id":"p","name":"platinum","extra_specs":{"SFAttribute:owner":)"
                                   R"("dba"},"qos_specs":{"consumer":"back-end","specs":{"minIOPS":"3000",)"
                                   R"("maxIOPS":"6000","burstIOPS":"9000"}}}})"};
       }},
      {"create_snapshot",
       {},
       [](Run& r) {
         const Vol v = volume(r, "vol", r.name("proj"));
         return Call{"create_snapshot", snapshot_request(r.uuid("snap"), v)};
       }},
      {"delete_snapshot",
       {},
       [](Run& r) {
         const Vol v = volume(r, "vol", r.name("proj"));
         const std::string sid = r.uuid("snap");
         const Json sm = r.must("create_snapshot", snapshot_request(sid, v));
         return Call{"delete_snapshot", snapshot_request(sid, v, sm)};
       }},
      {"revert_to_snapshot",
       {},
       [](Run& r) {
         Vol v = volume(r, "vol", r.name("proj"));
         const std::string sid = r.uuid("snap");
         const Json sm = r.must("create_snapshot", snapshot_request(sid, v));
         r.must("extend_volume", "{\"volume\":" + v.obj + ",\"new_size\":2}");
         v.obj = volume_obj(v.id, 2, v.project, kGoldSpecs, v.model);
         return Call{"revert_to_snapshot",
                     "{\"volume\":" + v.obj + ",\"snapshot\":" + snapshot_obj(sid, v.obj, v.id, v.project, sm) + "}"};
       }},
      {"create_cloned_volume",
       {},
       [](Run& r) {
         const Vol src = volume(r, "src", r.name("proj"));
         return Call{"create_cloned_volume",
                     "{\"volume\":" + volume_obj(r.uuid("clone"), 2, r.name("proj2"), kPlatinum) +
                         ",\"src_vref\":" + src.obj + "}"};
       }},
      {"create_volume_from_snapshot",
       {},
       [](Run& r) {
         const Vol src = volume(r, "src", r.name("proj"));
         const std::string sid = r.uuid("snap");
         const Json sm = r.must("create_snapshot", snapshot_request(sid, src));
         return Call{"create_volume_from_snapshot",
                     "{\"volume\":" + volume_obj(r.uuid("clone"), 2, r.name("proj2")) +
                         ",\"snapshot\":" + snapshot_obj(sid, src.obj, src.id, src.project, sm) + "}"};
       }},
  };
}

}  // namespace requests

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> all = [] {
    std::vector<Scenario> out;
    for (auto part : {requests::volume_scenarios(), requests::connection_scenarios(), requests::admin_scenarios(),
                      requests::group_scenarios()}) {
      for (auto& s : part) out.push_back(std::move(s));
    }
    return out;
  }();
  return all;
}

}  // namespace faults
