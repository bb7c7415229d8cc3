// QoS policy methods (10.0+): CreateQoSPolicy, ListQoSPolicies, GetQoSPolicy, ModifyQoSPolicy,
// DeleteQoSPolicy. Volumes reference a policy through qosPolicyID (CreateVolume/ModifyVolume).
#include <optional>

#include "cluster_state.h"
#include "common.h"
#include "rpc.h"

namespace element_sim {

namespace {

std::string policy_name_param(const Params& p, bool required) {
  auto n = required ? std::optional<std::string>(p.req_string("name")) : p.opt_string("name", true);
  if (!n) return {};
  const size_t len = utf8_length(*n);
  if (len < 1 || len > 64) fail_invalid("name", "QoS policy names must be 1 to 64 characters");
  return *n;
}

json::Ptr policy_result(const Cluster& c, const QosPolicy& q) {
  json::Ptr r = json::object();
  json::add(r.get(), "qosPolicy", c.qos_policy_json(q));
  return r;
}

json::Ptr create_qos_policy(Cluster& c, const Params& p, const CallInfo&) {
  std::string name = policy_name_param(p, true);
  const cJSON* qos = p.opt_object("qos");
  if (qos == nullptr) fail_missing("qos");
  Qos q = apply_qos(Qos{}, qos);
  if (static_cast<int64_t>(c.qos_policies.size()) >= c.opts.qos_policy_count_max)
    fail("xExceededLimit", "Exceeded max number of QoS policies. limit=" + std::to_string(c.opts.qos_policy_count_max));
  QosPolicy& pol = c.qos_policies[c.next_qos_policy_id];
  pol.id = c.next_qos_policy_id++;
  pol.name = std::move(name);
  pol.qos = q;
  return policy_result(c, pol);
}

json::Ptr list_qos_policies(Cluster& c, const Params&, const CallInfo&) {
  json::Ptr r = json::object();
  cJSON* arr = json::add_arr(r.get(), "qosPolicies");
  for (const auto& [id, pol] : c.qos_policies) json::push(arr, c.qos_policy_json(pol));
  return r;
}

json::Ptr get_qos_policy(Cluster& c, const Params& p, const CallInfo&) {
  return policy_result(c, c.qos_policy_or_fail(p.req_int("qosPolicyID")));
}

json::Ptr modify_qos_policy(Cluster& c, const Params& p, const CallInfo&) {
  QosPolicy& pol = c.qos_policy_or_fail(p.req_int("qosPolicyID"));
  std::string name = policy_name_param(p, false);
  const Qos q = apply_qos(pol.qos, p.opt_object("qos"));  // partial: unspecified members unchanged
  if (!name.empty()) pol.name = std::move(name);
  pol.qos = q;
  for (int64_t vid : pol.volumes) {
    if (Volume* v = c.find_volume(vid)) v->qos = q;  // associated volumes follow the policy
  }
  return policy_result(c, pol);
}

json::Ptr delete_qos_policy(Cluster& c, const Params& p, const CallInfo&) {
  QosPolicy& pol = c.qos_policy_or_fail(p.req_int("qosPolicyID"));
  for (int64_t vid : pol.volumes) {
    if (Volume* v = c.find_volume(vid)) v->qos_policy_id = 0;  // volumes keep their QoS values
  }
  c.qos_policies.erase(pol.id);
  return json::object();
}

}  // namespace

void register_qos_policy_methods(Registry& r) {
  r.add("CreateQoSPolicy", {10, 0}, create_qos_policy, kMutating);
  r.add("ListQoSPolicies", {10, 0}, list_qos_policies);
  r.add("GetQoSPolicy", {10, 0}, get_qos_policy);
  r.add("ModifyQoSPolicy", {10, 0}, modify_qos_policy, kMutating);
  r.add("DeleteQoSPolicy", {10, 0}, delete_qos_policy, kMutating);
}

}  // namespace element_sim
