// Scenarios of connections (with and without sf_enable_vag), attachments, manage/unmanage and transfer.
#include "scenario_requests.h"

namespace faults::requests {

namespace {

// A volume made outside the driver (another tool), then the manage request for it.
std::string manage_request(Run& r, std::string& id, std::string& project) {
  const int64_t account = r.sim.add_account(r.name("foreign"));
  const Json made =
      r.sim.rpc("CreateVolume", R"({"name":)" + quote(r.name("legacy")) + R"(,"accountID":)" + std::to_string(account) +
                                    R"(,"totalSize":1610612736,"attributes":{"owner":"legacy"}})");
  id = r.uuid("vol");
  project = r.name("proj");
  return "{\"volume\":" + volume_obj(id, 2, project) + R"(,"existing_ref":{"source-id":)" +
         std::to_string(made["volumeID"].i64()) + "}}";
}

// With sf_enable_vag the paths that find a VAG already there: the initiator's own VAG (another volume is
// connected), or an empty OpenStack VAG of its name without initiators (a leftover); and a terminate that
// leaves the VAG to another volume.
std::vector<Scenario> vag_path_scenarios() {
  return {
      {"initialize_connection(vag,joins VAG)", kVagOn,
       [](Run& r) {
         const std::string iqn = r.iqn("iqn");
         r.must("initialize_connection", connection_request(volume(r, "other", r.name("proj")), iqn));
         return Call{"initialize_connection", connection_request(volume(r, "vol", r.name("proj2")), iqn)};
       }},
      {"initialize_connection(vag,bare VAG)", kVagOn,
       [](Run& r) {
         const std::string iqn = r.iqn("iqn");
         r.sim.rpc("CreateVolumeAccessGroup",
                   R"({"name":)" + quote(vag_name(iqn)) + R"(,"attributes":{"openstack":true}})");
         return Call{"initialize_connection", connection_request(volume(r, "vol", r.name("proj")), iqn)};
       }},
      {"terminate_connection(vag,VAG stays)", kVagOn,
       [](Run& r) {
         const std::string iqn = r.iqn("iqn");
         r.must("initialize_connection", connection_request(volume(r, "other", r.name("proj")), iqn));
         const std::string req = connection_request(volume(r, "vol", r.name("proj2")), iqn);
         r.must("initialize_connection", req);
         return Call{"terminate_connection", req};
       }},
  };
}

}  // namespace

std::vector<Scenario> connection_scenarios() {
  std::vector<Scenario> out = vag_path_scenarios();
  for (const auto& [suffix, config] : {std::make_pair("", kVagOff), std::make_pair("(vag)", kVagOn)}) {
    out.push_back({std::string("initialize_connection") + suffix, config, [](Run& r) {
                     const Vol v = volume(r, "vol", r.name("proj"));
                     return Call{"initialize_connection", connection_request(v, r.iqn("iqn"))};
                   }});
    out.push_back({std::string("terminate_connection") + suffix, config, [](Run& r) {
                     const Vol v = volume(r, "vol", r.name("proj"));
                     const std::string req = connection_request(v, r.iqn("iqn"));
                     r.must("initialize_connection", req);
                     return Call{"terminate_connection", req};
                   }});
  }
  return out;
}

std::vector<Scenario> admin_scenarios() {
  return {
      {"attach_volume",
       {},
       [](Run& r) {
         return Call{"attach_volume", attach_request(volume(r, "vol", r.name("proj")), r.uuid("instance"))};
       }},
      {"detach_volume",
       {},
       [](Run& r) {
         const Vol v = volume(r, "vol", r.name("proj"));
         const std::string instance = r.uuid("instance");
         r.must("attach_volume", attach_request(v, instance));
         return Call{"detach_volume", "{\"volume\":" + v.obj + R"(,"attachment":{"id":)" + quote(r.uuid("attachment")) +
                                          R"(,"instance_uuid":)" + quote(instance) + "}}"};
       }},
      {"manage_existing",
       {},
       [](Run& r) {
         std::string id, project;
         return Call{"manage_existing", manage_request(r, id, project)};
       }},
      {"unmanage",
       {},
       [](Run& r) {
         std::string id, project;
         const Json model = r.must("manage_existing", manage_request(r, id, project));
         return Call{"unmanage", "{\"volume\":" + volume_obj(id, 2, project, kGoldSpecs, model) + "}"};
       }},
      {"accept_transfer",
       {},
       [](Run& r) {
         const Vol v = volume(r, "vol", r.name("proj"));
         return Call{"accept_transfer",
                     "{\"volume\":" + v.obj + R"(,"new_user":"u2","new_project":)" + quote(r.name("proj2")) + "}"};
       }},
  };
}

}  // namespace faults::requests
