#include "strict_json.h"

#include <gtest/gtest.h>

#include <string>

#include "solidfire/error.h"

namespace sfplugin {
namespace {

using solidfire::Error;
using solidfire::ErrorCode;

// Parses `text` and returns the field named by the INVALID_ARGUMENT error ("" if it parsed).
std::string rejected_field(const std::string& text) {
  try {
    JsonDocument::parse(text.data(), text.size());
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.field();
  }
  return "";
}

TEST(StrictJson, AcceptsPlainObject) {
  EXPECT_EQ(rejected_field(R"({"a":1,"b":{"c":[1,2,"x"]}})"), "");
  EXPECT_EQ(rejected_field("  {}\n"), "");
}

TEST(StrictJson, RejectsNullAndNonObjects) {
  EXPECT_THROW(JsonDocument::parse(nullptr, 0), Error);
  EXPECT_EQ(rejected_field("[]"), "request");
  EXPECT_EQ(rejected_field("42"), "request");
  EXPECT_EQ(rejected_field(""), "request");
  EXPECT_EQ(rejected_field("not json"), "request");
  EXPECT_EQ(rejected_field("{} trailing"), "request");
}

TEST(StrictJson, RejectsEmbeddedNulAndBadUtf8) {
  const std::string with_nul("{\"a\":\"x\0y\"}", 12);
  EXPECT_EQ(rejected_field(with_nul), "request");
  EXPECT_EQ(rejected_field("{\"a\":\"\xC0\xAF\"}"), "request");          // overlong
  EXPECT_EQ(rejected_field("{\"a\":\"\xED\xA0\x80\"}"), "request");      // surrogate
  EXPECT_EQ(rejected_field("{\"a\":\"\xF4\x90\x80\x80\"}"), "request");  // > U+10FFFF
  EXPECT_EQ(rejected_field("{\"a\":\"caf\xC3\xA9\"}"), "");              // é is fine
}

TEST(StrictJson, RejectsDuplicateKeysWithPath) {
  EXPECT_EQ(rejected_field(R"({"volume":{},"volume":{}})"), "volume");
  EXPECT_EQ(rejected_field(R"({"volume":{"id":"a","id":"b"}})"), "volume.id");
}

TEST(StrictJson, RejectsDeepNesting) {
  std::string deep;
  for (int i = 0; i < 70; ++i) deep += "{\"a\":";
  deep += "1";
  for (int i = 0; i < 70; ++i) deep += "}";
  EXPECT_EQ(rejected_field(deep), "request");
  std::string ok;
  for (int i = 0; i < 10; ++i) ok += "{\"a\":";
  ok += "1";
  for (int i = 0; i < 10; ++i) ok += "}";
  EXPECT_EQ(rejected_field(ok), "");
}

TEST(StrictJson, RejectsNumbersBeyondSafeRangeAnywhere) {
  EXPECT_EQ(rejected_field(R"({"size":1e400})"), "size");
  EXPECT_EQ(rejected_field(R"({"unknown":{"n":9007199254740993}})"), "unknown.n");
  EXPECT_EQ(rejected_field(R"({"list":[1,-1e300]})"), "list[1]");
  EXPECT_EQ(rejected_field(R"({"ok":-9007199254740991,"f":0.5})"), "");
}

TEST(StrictJson, IntegersAreRangeChecked) {
  const std::string text = R"({"ok":9007199254740991,"frac":1.5,"neg":-3,"s":"7"})";
  const auto doc = JsonDocument::parse(text.data(), text.size());
  EXPECT_EQ(doc.root().required("ok").as_int(), 9007199254740991);
  EXPECT_EQ(doc.root().required("neg").as_int(), -3);
  EXPECT_THROW(doc.root().required("frac").as_int(), Error);
  EXPECT_THROW(doc.root().required("s").as_int(), Error);
}

TEST(StrictJson, NullEqualsAbsent) {
  const std::string text = R"({"a":null})";
  const auto doc = JsonDocument::parse(text.data(), text.size());
  EXPECT_FALSE(doc.root().member("a").has_value());
  try {
    doc.root().required("a");
    FAIL() << "null accepted as present";
  } catch (const Error& e) {
    EXPECT_EQ(e.field(), "a");
  }
}

TEST(StrictJson, ScalarText) {
  const std::string text = R"({"s":"x","i":1000,"b":true,"d":2.5,"o":{}})";
  const auto doc = JsonDocument::parse(text.data(), text.size());
  EXPECT_EQ(doc.root().required("s").as_scalar_text(), "x");
  EXPECT_EQ(doc.root().required("i").as_scalar_text(), "1000");
  EXPECT_EQ(doc.root().required("b").as_scalar_text(), "true");
  EXPECT_EQ(doc.root().required("d").as_scalar_text(), "2.5");
  EXPECT_THROW(doc.root().required("o").as_scalar_text(), Error);
}

}  // namespace
}  // namespace sfplugin
