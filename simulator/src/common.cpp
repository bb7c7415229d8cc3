#include "common.h"

namespace element_sim {

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string attributes_text(const cJSON* attrs, const char* member) {
  if (attrs == nullptr) return "{}";
  std::string text = json::print(attrs);
  if (text.size() >= kMaxAttributesBytes)
    fail_invalid(member, "attributes must serialise to less than 1000 bytes of JSON (got " +
                             std::to_string(text.size()) + ")");
  return text;
}

namespace {
struct QosLimits {
  const char* member;
  int64_t lo, hi;
};
constexpr QosLimits kMinIops{"minIOPS", 50, 15000};
constexpr QosLimits kMaxIops{"maxIOPS", 100, 200000};
constexpr QosLimits kBurstIops{"burstIOPS", 100, 200000};
}  // namespace

Qos apply_qos(Qos base, const cJSON* qos) {
  if (qos == nullptr) return base;
  Params q(qos);
  auto one = [&](const QosLimits& l, int64_t& field) {
    auto v = q.opt_int(l.member, true);  // 0 = not specified (Go zero value)
    if (!v) return;
    if (*v < l.lo || *v > l.hi)
      fail_invalid(std::string("qos.") + l.member,
                   std::to_string(*v) + " is outside " + std::to_string(l.lo) + ".." + std::to_string(l.hi));
    field = *v;
  };
  one(kMinIops, base.min_iops);
  one(kMaxIops, base.max_iops);
  one(kBurstIops, base.burst_iops);
  if (base.min_iops > base.max_iops)
    fail_invalid("qos.minIOPS", "minIOPS (" + std::to_string(base.min_iops) + ") must not exceed maxIOPS (" +
                                    std::to_string(base.max_iops) + ")");
  if (base.max_iops > base.burst_iops)
    fail_invalid("qos.maxIOPS", "maxIOPS (" + std::to_string(base.max_iops) + ") must not exceed burstIOPS (" +
                                    std::to_string(base.burst_iops) + ")");
  return base;
}

bool qos_specified(const cJSON* qos) {
  if (qos == nullptr) return false;
  Params q(qos);
  for (const char* m : {"minIOPS", "maxIOPS", "burstIOPS"}) {
    if (q.opt_int(m, true)) return true;
  }
  return false;
}

bool valid_access(std::string_view a) {
  return a == "readOnly" || a == "readWrite" || a == "locked" || a == "replicationTarget" ||
         a == "snapMirrorTarget";
}

std::string access_param(const Params& p, const char* name) {
  auto a = p.opt_string(name, true);
  if (!a) return {};
  if (!valid_access(*a)) fail("xUnrecognizedEnumString", "Unrecognized enum string " + std::string(name) + "=" + *a);
  return *a;
}

int64_t volume_size_param(int64_t requested, const char* member) {
  if (requested < kVolumeSizeMin || requested > kVolumeSizeMax)
    fail_invalid(member, std::to_string(requested) + " is outside " + std::to_string(kVolumeSizeMin) + ".." +
                             std::to_string(kVolumeSizeMax));
  return (requested + kMiB - 1) / kMiB * kMiB;
}

void check_new_volume_limits(const Cluster& c, const Account& account, int64_t size) {
  if (static_cast<int64_t>(account.volumes.size()) >= c.opts.volumes_per_account_max)
    fail("xExceededLimit", "Exceeded max number of volumes per account. accountID=" + std::to_string(account.id) +
                               " limit=" + std::to_string(c.opts.volumes_per_account_max));
  if (c.opts.volume_count_max > 0 && static_cast<int64_t>(c.volumes.size()) >= c.opts.volume_count_max)
    fail("xExceededLimit", "Exceeded max number of volumes. limit=" + std::to_string(c.opts.volume_count_max));
  const int64_t over_prov = static_cast<int64_t>(c.opts.max_provisioned_space) * 5;
  if (c.provisioned_bytes + size > over_prov)
    fail("xExceededLimit", "Exceeded maxOverProvisionableSpace: provisioned=" + std::to_string(c.provisioned_bytes) +
                               " requested=" + std::to_string(size) + " max=" + std::to_string(over_prov));
}

std::string ascii_lower(std::string s) {
  for (auto& ch : s) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return s;
}

std::string default_snapshot_name(int64_t now) { return iso8601(now); }

}  // namespace element_sim
