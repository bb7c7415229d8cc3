// Requests that RFC 8259 (and I-JSON) refuse answer INVALID_ARGUMENT (details.field "request") on every
// slot with no required member, through the vtable of the loaded plugin: those slots would otherwise
// run with whatever a lenient parser made of the bytes.
#include <string>
#include <vector>

#include "contract_support.h"

namespace contract {
namespace {

struct Malformed {
  std::string what;
  std::string bytes;
};

std::vector<Malformed> malformed_requests() {
  std::vector<Malformed> m = {
      {"leading zero", R"({"x":01})"},
      {"negative leading zero", R"({"x":-01})"},
      {"no digit after the point", R"({"x":1.})"},
      {"no digit before the point", R"({"x":.5})"},
      {"empty exponent", R"({"x":1e})"},
      {"signed empty exponent", R"({"x":1e+})"},
      {"lone minus", R"({"x":-})"},
      {"plus sign", R"({"x":+1})"},
      {"hex number", R"({"x":0x10})"},
      {"NaN", R"({"x":NaN})"},
      {"Infinity", R"({"x":Infinity})"},
      {"invalid escape", R"({"x":"\q"})"},
      {"short \\u escape", R"({"x":"\u12"})"},
      {"lone high surrogate", R"({"x":"\ud800"})"},
      {"lone low surrogate", R"({"x":"\udc00"})"},
      {"high surrogate then a letter", R"({"x":"\ud800\u0041"})"},
      {"escaped NUL", R"({"x":"a\u0000b"})"},
      {"invalid UTF-8 byte", "{\"x\":\"\xff\"}"},
      {"overlong UTF-8", "{\"x\":\"\xc0\xaf\"}"},
      {"UTF-8 encoded surrogate", "{\"x\":\"\xed\xa0\x80\"}"},
      {"truncated UTF-8", "{\"x\":\"\xe2\x82\"}"},
      {"invalid UTF-8 in a key", "{\"\xff\":1}"},
      {"trailing garbage", "{} x"},
      {"second value", "{} {}"},
      {"extra brace", "{}}"},
      {"trailing comma in object", R"({"x":1,})"},
      {"trailing comma in array", R"({"x":[1,]})"},
      {"single quotes", "{'x':1}"},
      {"unquoted key", "{x:1}"},
      {"missing colon", R"({"x" 1})"},
      {"bad literal", R"({"x":tru})"},
      {"unterminated string", R"({"x":"abc)"},
      {"empty request", ""},
      {"embedded NUL", std::string("{}\0", 3)},
  };
  // Every control character below U+0020 raw inside a string (NUL is the embedded-NUL case above).
  for (int c = 1; c < 0x20; ++c) {
    m.push_back({"raw control character " + std::to_string(c), std::string("{\"x\":\"a") + static_cast<char>(c) + "b\"}"});
  }
  return m;
}

class StrictRequests : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.config = cluster_.config;
    driver_ = std::make_unique<Driver>(host_);
    ASSERT_EQ(driver_->created().status, VDP_OK) << driver_->created().out;
    const Answer setup = driver_->call(plugin().setup, "{}");
    ASSERT_EQ(setup.status, VDP_OK) << setup.out;
  }
  Cluster cluster_;
  MapHost host_;
  std::unique_ptr<Driver> driver_;
};

TEST_F(StrictRequests, EveryMalformedFormIsInvalidArgumentOnSlotsWithoutRequiredMembers) {
  for (const NamedSlot& slot : slots_without_required_members()) {
    const Answer ok = driver_->call(slot.fn, "{}");
    EXPECT_EQ(ok.status, VDP_OK) << slot.name << ": " << ok.out;  // the slot really has no required member
    for (const Malformed& m : malformed_requests()) {
      const Answer a = driver_->call(slot.fn, m.bytes);
      EXPECT_EQ(a.status, VDP_E_INVALID_ARGUMENT) << slot.name << " accepted " << m.what << ": " << a.out;
      ASSERT_TRUE(valid_json_object(a.out)) << slot.name << ", " << m.what << ": " << a.out;
      EXPECT_EQ(member(a.out, "status"), "INVALID_ARGUMENT") << slot.name << ", " << m.what;
      EXPECT_EQ(detail_field(a.out), "request") << slot.name << ", " << m.what << ": " << a.out;
    }
  }
}

// The grammar check refuses no valid JSON: the edge forms it must still let through.
TEST_F(StrictRequests, ValidEdgeFormsAreAccepted) {
  const std::vector<std::string> valid = {
      R"({"x":0,"y":-0,"z":-0.5e+10,"w":1E-3,"v":10.25})",
      R"({"x":"\ud83d\ude00 \u00e9 \" \\ \/ \b \f \n \r \t"})",
      "{\"x\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}",
      " \t\r\n{ \"x\" : [ 1 , { } , [ ] , true , false , null ] } \n",
  };
  for (const NamedSlot& slot : slots_without_required_members()) {
    for (const std::string& request : valid) {
      const Answer a = driver_->call(slot.fn, request);
      EXPECT_EQ(a.status, VDP_OK) << slot.name << " refused " << request << ": " << a.out;
    }
  }
}

}  // namespace
}  // namespace contract
