// QoS extraction: scoped/unscoped specs, qos_specs precedence, tenant metadata, presets, the validation
// rule (ranges, whole numbers, ordering; never clamping), scaled QoS and error fields.
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

// The rule of qos.h: each key in Element's range, whole numbers only, refused (never clamped) with the
// key's request field.
TEST(Qos, ElementRangesAreAcceptedAtTheirEdges) {
  const auto low = volume_qos(cfg(false), typed({{"minIOPS", "50"}, {"maxIOPS", "100"}, {"burstIOPS", "100"}}));
  EXPECT_EQ(low.min_iops, 50);
  EXPECT_EQ(low.max_iops, 100);
  EXPECT_EQ(low.burst_iops, 100);
  const auto high =
      volume_qos(cfg(false), typed({{"minIOPS", "15000"}, {"maxIOPS", "200000"}, {"burstIOPS", "200000"}}));
  EXPECT_EQ(high.min_iops, QosLimits::kMinIopsHigh);
  EXPECT_EQ(high.max_iops, QosLimits::kMaxIopsHigh);
  EXPECT_EQ(high.burst_iops, QosLimits::kBurstIopsHigh);
  // Surrounding blanks and a leading '+' are still whole numbers (Cinder's int() accepts them).
  EXPECT_EQ(volume_qos(cfg(false), typed({{"qos:minIOPS", " +700 "}})).min_iops, 700);
}

struct BadValue {
  const char* key;
  const char* value;
};

TEST(Qos, OutOfRangeIsRefusedNamingTheKey) {
  const BadValue cases[] = {
      {"qos:minIOPS", "-5"},      {"qos:minIOPS", "0"},          {"qos:minIOPS", "49"},
      {"qos:minIOPS", "15001"},   {"qos:maxIOPS", "-1"},         {"qos:maxIOPS", "0"},
      {"qos:maxIOPS", "99"},      {"qos:maxIOPS", "200001"},     {"qos:burstIOPS", "0"},
      {"qos:burstIOPS", "99"},    {"qos:burstIOPS", "900000"},   {"minIOPS", "-9223372036854775808"},
      {"maxIOPS", "9223372036854775807"},
  };
  for (const auto& c : cases) {
    const Error e = qos_error(cfg(false), typed({{c.key, c.value}}));
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << c.key << "=" << c.value;
    EXPECT_EQ(e.field(), std::string("volume.volume_type.extra_specs.") + c.key) << c.value;
    EXPECT_NE(e.message().find("outside Element's range"), std::string::npos) << e.message();
  }
}

TEST(Qos, NonNumericIsRefusedNamingTheKey) {
  const BadValue cases[] = {{"qos:minIOPS", "abc"}, {"qos:minIOPS", "1e3x"}, {"qos:minIOPS", ""},
                            {"qos:maxIOPS", "1e3"}, {"qos:maxIOPS", "1.5"},  {"qos:maxIOPS", "1000.0"},
                            {"burstIOPS", "0x100"}, {"burstIOPS", "  "},     {"burstIOPS", "1 000"},
                            {"minIOPS", "99999999999999999999"}};
  for (const auto& c : cases) {
    const Error e = qos_error(cfg(false), typed({{c.key, c.value}}));
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << c.key << "='" << c.value << "'";
    EXPECT_EQ(e.field(), std::string("volume.volume_type.extra_specs.") + c.key) << c.value;
  }
  // QoS specs and tenant metadata follow the same rule with their own fields.
  EXPECT_EQ(qos_error(cfg(false), typed({}, {{"maxIOPS", "-5"}})).field(), "volume.volume_type.qos_specs.maxIOPS");
  Volume v = make_volume();
  v.metadata = {{"burstIOPS", "50"}};
  EXPECT_EQ(qos_error(cfg(true), v).field(), "volume.metadata.burstIOPS");
}

TEST(Qos, TypeFieldFollowsTheRequest) {
  // retype receives the type as "new_type".
  try {
    volume_qos(cfg(false), typed({{"qos:minIOPS", "-5"}}), nullptr, "new_type");
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "new_type.extra_specs.qos:minIOPS");
  }
}

TEST(Qos, NothingIsClampedAnyMore) {
  std::vector<std::string> notes;
  EXPECT_EQ(qos_error(cfg(false), typed({{"minIOPS", "20000"}})).field(), "volume.volume_type.extra_specs.minIOPS");
  EXPECT_EQ(qos_error(cfg(false), typed({{"minIOPS", "20"}, {"maxIOPS", "900000"}})).field(),
            "volume.volume_type.extra_specs.minIOPS");
  EXPECT_NO_THROW(volume_qos(cfg(false), typed({{"minIOPS", "1000"}}), &notes));
  EXPECT_TRUE(notes.empty());
}

TEST(Qos, OrderingEnforced) {
  EXPECT_EQ(qos_error(cfg(false), typed({{"minIOPS", "3000"}, {"maxIOPS", "2000"}})).field(),
            "volume.volume_type.extra_specs.minIOPS");
  EXPECT_EQ(qos_error(cfg(false), typed({{"maxIOPS", "3000"}, {"burstIOPS", "2000"}})).field(),
            "volume.volume_type.extra_specs.maxIOPS");
  EXPECT_NO_THROW(volume_qos(cfg(false), typed({{"minIOPS", "2000"}, {"maxIOPS", "2000"}, {"burstIOPS", "2000"}})));
  EXPECT_EQ(qos_error(cfg(false), typed({{"minIOPS", "3000"}, {"burstIOPS", "2000"}})).field(),
            "volume.volume_type.extra_specs.minIOPS");
  EXPECT_EQ(qos_error(cfg(false), typed({{"qos:maxIOPS", "5000"}}, {{"maxIOPS", "3000"}, {"burstIOPS", "2000"}}))
                .field(),
            "volume.volume_type.qos_specs.maxIOPS");
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

TEST(Qos, ScaledIopsInputsFollowTheRule) {
  auto scaled = [](StringMap extra, int64_t size) {
    Volume v = typed(std::move(extra));
    v.size_gib = size;
    return v;
  };
  // A base out of range is refused even though scaling would only raise it.
  EXPECT_EQ(qos_error(cfg(false), scaled({{"qos:minIOPS", "10"}, {"qos:scaledIOPS", "true"}, {"qos:scaleMin", "5"}}, 9))
                .field(),
            "volume.volume_type.extra_specs.qos:minIOPS");
  // Negative, fractional or non-numeric scales, and an unreadable scaledIOPS.
  for (const char* bad : {"-1", "1.5", "abc", "", "200001"}) {
    EXPECT_EQ(qos_error(cfg(false), scaled({{"qos:minIOPS", "100"}, {"qos:scaledIOPS", "true"}, {"qos:scaleMin", bad}},
                                           2))
                  .field(),
              "volume.volume_type.extra_specs.qos:scaleMin")
        << bad;
  }
  EXPECT_EQ(qos_error(cfg(false), scaled({{"qos:minIOPS", "100"}, {"qos:scaledIOPS", "maybe"}}, 2)).field(),
            "volume.volume_type.extra_specs.qos:scaledIOPS");
  // A scale is checked even while scaling is off.
  EXPECT_EQ(qos_error(cfg(false), scaled({{"qos:minIOPS", "100"}, {"qos:scaleMax", "x"}}, 2)).field(),
            "volume.volume_type.extra_specs.qos:scaleMax");
  // "<is> False" turns scaling off: the scale is not applied.
  EXPECT_EQ(volume_qos(cfg(false), scaled({{"qos:minIOPS", "100"}, {"qos:scaledIOPS", "<is> False"},
                                           {"qos:scaleMin", "10"}},
                                          5))
                .min_iops,
            100);
}

TEST(Qos, ScaledIopsCapAtElementsMaximumOnLargeVolumes) {
  Volume v = typed({{"qos:minIOPS", "1000"}, {"qos:maxIOPS", "2000"}, {"qos:burstIOPS", "4000"},
                    {"qos:scaledIOPS", "True"}, {"qos:scaleMin", "100"}, {"qos:scaleMax", "200"},
                    {"qos:scaleBurst", "400"}});
  v.size_gib = 16384;
  std::vector<std::string> notes;
  const auto q = volume_qos(cfg(false), v, &notes);
  EXPECT_EQ(q.min_iops, QosLimits::kMinIopsHigh);
  EXPECT_EQ(q.max_iops, QosLimits::kMaxIopsHigh);
  EXPECT_EQ(q.burst_iops, QosLimits::kBurstIopsHigh);
  EXPECT_EQ(notes.size(), 3u);
  // Scaling that breaks the ordering at some size is refused at that size, naming the key.
  Volume w = typed({{"qos:minIOPS", "1000"}, {"qos:maxIOPS", "2000"}, {"qos:scaledIOPS", "true"},
                    {"qos:scaleMin", "500"}});
  w.size_gib = 2;
  EXPECT_NO_THROW(volume_qos(cfg(false), w));
  w.size_gib = 4;
  EXPECT_EQ(qos_error(cfg(false), w).field(), "volume.volume_type.extra_specs.qos:minIOPS");
}

TEST(Qos, EmptyIsEmptyObject) {
  const auto q = volume_qos(cfg(false), make_volume());
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.to_json().print(), "{}");
}

}  // namespace
}  // namespace sftest
