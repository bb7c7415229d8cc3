// QoS extraction: scoped/unscoped specs, qos_specs precedence, tenant metadata, presets, clamping,
// ordering and error fields.
#include <gtest/gtest.h>

#include "fakes.h"
#include "qos.h"

namespace sftest {
namespace {

DriverConfig cfg(bool tenant_qos) {
  auto m = base_config();
  m["sf_allow_tenant_qos"] = tenant_qos ? "true" : "false";
  std::vector<std::string> w;
  return parse_config(source_of(m), w);
}

Volume typed(StringMap extra, StringMap qos_specs = {}) {
  Volume v = make_volume();
  VolumeType t;
  t.id = "t1";
  t.extra_specs = std::move(extra);
  t.qos_specs = std::move(qos_specs);
  v.volume_type = t;
  return v;
}

Error qos_error(const DriverConfig& c, const Volume& v) {
  try {
    volume_qos(c, v);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "accepted";
  return Error(ErrorCode::kOk, "");
}

TEST(Qos, ScopedAndUnscopedExtraSpecs) {
  const auto q = volume_qos(cfg(false), typed({{"qos:minIOPS", "1000"}, {"maxIOPS", "2000"}, {"burstIOPS", "3000"}}));
  EXPECT_EQ(q.min_iops, 1000);
  EXPECT_EQ(q.max_iops, 2000);
  EXPECT_EQ(q.burst_iops, 3000);
  // Scoped beats unscoped.
  EXPECT_EQ(volume_qos(cfg(false), typed({{"qos:minIOPS", "500"}, {"minIOPS", "900"}})).min_iops, 500);
}

TEST(Qos, QosSpecsTakePrecedence) {
  const auto q = volume_qos(cfg(false), typed({{"qos:minIOPS", "1000"}, {"qos:maxIOPS", "5000"}},
                                              {{"minIOPS", "300"}, {"burstIOPS", "900"}}));
  EXPECT_EQ(q.min_iops, 300);
  EXPECT_FALSE(q.max_iops.has_value()) << "extra specs are ignored when QoS specs are associated";
  EXPECT_EQ(q.burst_iops, 900);
}

TEST(Qos, TenantMetadataOnlyWhenAllowed) {
  Volume v = make_volume();
  v.metadata = {{"sf-qos", "fast"}};
  EXPECT_TRUE(volume_qos(cfg(false), v).empty());
  const auto q = volume_qos(cfg(true), v);
  EXPECT_EQ(q.min_iops, 500);
  EXPECT_EQ(q.max_iops, 1000);
  EXPECT_EQ(q.burst_iops, 1000);
  v.metadata = {{"minIOPS", "700"}, {"maxIOPS", "800"}};
  const auto e = volume_qos(cfg(true), v);
  EXPECT_EQ(e.min_iops, 700);
  EXPECT_EQ(e.max_iops, 800);
  v.metadata = {{"sf-qos", "ludicrous"}};
  EXPECT_EQ(qos_error(cfg(true), v).field(), "volume.metadata.sf-qos");
}

TEST(Qos, TypeWithQosKeysBeatsTenantButTypeWithoutKeysDoesNot) {
  Volume v = typed({{"qos:minIOPS", "1000"}});
  v.metadata = {{"sf-qos", "slow"}};
  EXPECT_EQ(volume_qos(cfg(true), v).min_iops, 1000);
  Volume w = typed({{"other", "x"}});
  w.metadata = {{"sf-qos", "slow"}};
  EXPECT_EQ(volume_qos(cfg(true), w).min_iops, 100);
}

TEST(Qos, NonIntegerNamesTheKey) {
  const Error e = qos_error(cfg(false), typed({{"qos:maxIOPS", "lots"}}));
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "volume.volume_type.extra_specs.qos:maxIOPS");
  Volume v = make_volume();
  v.metadata = {{"minIOPS", "1e3"}};
  EXPECT_EQ(qos_error(cfg(true), v).field(), "volume.metadata.minIOPS");
}

TEST(Qos, ClampsToElementLimits) {
  std::vector<std::string> notes;
  const auto q = volume_qos(cfg(false), typed({{"minIOPS", "20"}, {"maxIOPS", "900000"}, {"burstIOPS", "900000"}}));
  EXPECT_EQ(q.min_iops, QosLimits::kMinIopsLow);
  EXPECT_EQ(q.max_iops, QosLimits::kMaxIopsHigh);
  EXPECT_EQ(q.burst_iops, QosLimits::kBurstIopsHigh);
  const auto hi = volume_qos(cfg(false), typed({{"minIOPS", "20000"}}), &notes);
  EXPECT_EQ(hi.min_iops, 15000);
  EXPECT_EQ(notes.size(), 1u);
}

TEST(Qos, OrderingEnforced) {
  EXPECT_EQ(qos_error(cfg(false), typed({{"minIOPS", "3000"}, {"maxIOPS", "2000"}})).field(),
            "volume.volume_type.extra_specs.minIOPS");
  EXPECT_EQ(qos_error(cfg(false), typed({{"maxIOPS", "3000"}, {"burstIOPS", "2000"}})).field(),
            "volume.volume_type.extra_specs.maxIOPS");
  EXPECT_NO_THROW(volume_qos(cfg(false), typed({{"minIOPS", "2000"}, {"maxIOPS", "2000"}, {"burstIOPS", "2000"}})));
}

TEST(Qos, ScaledIops) {
  Volume v = typed({{"qos:minIOPS", "100"}, {"qos:maxIOPS", "200"}, {"qos:burstIOPS", "300"},
                    {"qos:scaledIOPS", "True"}, {"qos:scaleMin", "2"}, {"qos:scaleMax", "2"}, {"qos:scaleBurst", "2"}});
  v.size_gib = 2;
  const auto q = volume_qos(cfg(false), v);
  EXPECT_EQ(q.min_iops, 102);
  EXPECT_EQ(q.max_iops, 202);
  EXPECT_EQ(q.burst_iops, 302);
  Volume bad = typed({{"qos:scaledIOPS", "True"}, {"qos:scaleMin", "2"}});
  EXPECT_EQ(qos_error(cfg(false), bad).field(), "volume.volume_type.extra_specs.qos:scaleMin");
}

TEST(Qos, EmptyIsEmptyObject) {
  const auto q = volume_qos(cfg(false), make_volume());
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.to_json().print(), "{}");
}

}  // namespace
}  // namespace sftest
