#include "cluster_view.h"

namespace soak {

namespace {

// One RPC; the members of `result.<list>` appended to `out`. Returns the count, or -1 with `error` set.
long list(element_sim::Server& server, const std::string& method, const std::string& params, const char* member,
          std::vector<it::Json>& out, std::string& error) {
  std::string reply;
  try {
    reply = server.handle("{\"method\":\"" + method + "\",\"params\":" + params + ",\"id\":1}");
  } catch (const std::exception& e) {
    error = method + " threw: " + e.what();
    return -1;
  }
  const it::Json j = it::Json::parse(reply);
  if (!j["result"][member].is_array()) {
    error = method + params + " answered " + reply.substr(0, 500);
    return -1;
  }
  const it::Json arr = j["result"][member];
  for (size_t i = 0; i < arr.size(); ++i) out.push_back(arr.at(i));
  return static_cast<long>(arr.size());
}

}  // namespace

ClusterView read_cluster(element_sim::Server& server) {
  ClusterView v;
  // ListVolumes pages by volumeID; without a status filter it lists every state.
  constexpr long kPage = 1000;
  for (int64_t start = 0;;) {
    const size_t before = v.volumes.size();
    const long n = list(server, "ListVolumes",
                        "{\"startVolumeID\":" + std::to_string(start) + ",\"limit\":" + std::to_string(kPage) + "}",
                        "volumes", v.volumes, v.error);
    if (n < 0) return v;
    if (n < kPage) break;
    const int64_t last = v.volumes.back()["volumeID"].i64();
    if (last < start || v.volumes.size() == before) break;
    start = last + 1;
  }
  if (list(server, "ListSnapshots", "{}", "snapshots", v.snapshots, v.error) < 0) return v;
  if (list(server, "ListVolumeAccessGroups", "{}", "volumeAccessGroups", v.vags, v.error) < 0) return v;
  list(server, "ListAccounts", "{}", "accounts", v.accounts, v.error);
  return v;
}

}  // namespace soak
