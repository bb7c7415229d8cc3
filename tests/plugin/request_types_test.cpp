#include "request_types.h"

#include <gtest/gtest.h>

#include "solidfire/error.h"

namespace sfplugin {
namespace {

using solidfire::Error;

struct Parsed {
  JsonDocument doc;
  explicit Parsed(const std::string& text) : doc(JsonDocument::parse(text.data(), text.size())) {}
};

std::string field_of_volume_error(const std::string& text, SizeRule rule = SizeRule::kRequired) {
  Parsed p(text);
  try {
    parse_volume(p.doc.root().required("volume"), rule);
  } catch (const Error& e) {
    return e.field();
  }
  return "";
}

TEST(RequestTypes, ParsesFullVolume) {
  Parsed p(R"({"volume":{"id":"v1","size":10,"project_id":"p","user_id":"u","display_name":"d",
    "created_at":"2026-01-01T00:00:00","provider_id":"5 2 uuid","multiattach":true,"unknown":[1,2],
    "metadata":{"sf-qos":"fast","n":5},
    "volume_type":{"id":"t","name":"gold","extra_specs":{"qos:minIOPS":1000,"x":true},
                   "qos_specs":{"consumer":"back-end","specs":{"maxIOPS":"5000"}}}}})");
  const auto v = parse_volume(p.doc.root().required("volume"), SizeRule::kRequired);
  EXPECT_EQ(v.id, "v1");
  EXPECT_EQ(v.size_gib, 10);
  EXPECT_EQ(v.project_id, "p");
  EXPECT_EQ(v.provider_id.value_or(""), "5 2 uuid");
  EXPECT_TRUE(v.multiattach);
  EXPECT_EQ(v.metadata.at("n"), "5");
  ASSERT_TRUE(v.volume_type.has_value());
  EXPECT_EQ(v.volume_type->extra_specs.at("qos:minIOPS"), "1000");
  EXPECT_EQ(v.volume_type->extra_specs.at("x"), "true");
  EXPECT_EQ(v.volume_type->qos_specs.at("maxIOPS"), "5000");
}

TEST(RequestTypes, FlatQosSpecsAndFrontEndConsumer) {
  Parsed flat(R"({"volume":{"id":"v","size":1,"volume_type":{"qos_specs":{"minIOPS":"200"}}}})");
  EXPECT_EQ(parse_volume(flat.doc.root().required("volume"), SizeRule::kRequired).volume_type->qos_specs.at("minIOPS"),
            "200");
  Parsed front(R"({"volume":{"id":"v","size":1,"volume_type":{"qos_specs":{"consumer":"front-end","specs":{"minIOPS":"200"}}}}})");
  EXPECT_TRUE(parse_volume(front.doc.root().required("volume"), SizeRule::kRequired).volume_type->qos_specs.empty());
}

TEST(RequestTypes, NamesTheOffendingField) {
  EXPECT_EQ(field_of_volume_error(R"({"volume":{"size":1}})"), "volume.id");
  EXPECT_EQ(field_of_volume_error(R"({"volume":{"id":5,"size":1}})"), "volume.id");
  EXPECT_EQ(field_of_volume_error(R"({"volume":{"id":"","size":1}})"), "volume.id");
  EXPECT_EQ(field_of_volume_error(R"({"volume":{"id":"v"}})"), "volume.size");
  EXPECT_EQ(field_of_volume_error(R"({"volume":{"id":"v","size":"10"}})"), "volume.size");
  EXPECT_EQ(field_of_volume_error(R"({"volume":{"id":"v","size":0}})"), "volume.size");
  EXPECT_EQ(field_of_volume_error(R"({"volume":{"id":"v","size":-1}})"), "volume.size");
  EXPECT_EQ(field_of_volume_error(R"({"volume":{"id":"v","size":1.5}})"), "volume.size");
  EXPECT_EQ(field_of_volume_error(R"({"volume":{"id":"v","size":1,"multiattach":"yes"}})"), "volume.multiattach");
  EXPECT_EQ(field_of_volume_error(R"({"volume":{"id":"v","size":1,"metadata":[]}})"), "volume.metadata");
  EXPECT_EQ(field_of_volume_error(R"({"volume":{"id":"v","size":1,"volume_type":{"extra_specs":{"k":{}}}}})"),
            "volume.volume_type.extra_specs.k");
  EXPECT_EQ(field_of_volume_error(R"({"volume":"v1"})"), "volume");
  EXPECT_EQ(field_of_volume_error(R"({"volume":{"id":"v","size":1,"volume_type":{"qos_specs":{"consumer":"x","specs":{}}}}})"),
            "volume.volume_type.qos_specs.consumer");
  EXPECT_EQ(field_of_volume_error(R"({"volume":{"id":"v"}})", SizeRule::kOptional), "");
}

TEST(RequestTypes, Connector) {
  Parsed p(R"({"connector":{"initiator":"iqn.1993-08.org.debian:01:a","host":"h","multipath":true}})");
  const auto c = parse_connector(p.doc.root().required("connector"), true);
  EXPECT_EQ(c.initiator, "iqn.1993-08.org.debian:01:a");
  EXPECT_TRUE(c.multipath);
  Parsed missing(R"({"connector":{"host":"h"}})");
  try {
    parse_connector(missing.doc.root().required("connector"), true);
    FAIL() << "missing initiator accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "connector.initiator");
  }
  EXPECT_NO_THROW(parse_connector(missing.doc.root().required("connector"), false));
}

// Element's 224-character initiator names: refused where a connection is made, naming the field; a
// teardown with any name still parses.
TEST(RequestTypes, ConnectorInitiatorLength) {
  const std::string fits = "iqn.2024-01.org.example:" + std::string(200, 'i');  // 224
  Parsed ok_len(R"({"connector":{"initiator":")" + fits + R"("}})");
  EXPECT_EQ(parse_connector(ok_len.doc.root().required("connector"), true).initiator.size(), 224u);
  Parsed too_long(R"({"connector":{"initiator":")" + fits + R"(x"}})");
  try {
    parse_connector(too_long.doc.root().required("connector"), true);
    FAIL() << "225-character initiator accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), solidfire::ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.field(), "connector.initiator");
  }
  EXPECT_NO_THROW(parse_connector(too_long.doc.root().required("connector"), false));
}

}  // namespace
}  // namespace sfplugin
