// Json helper: lenient typed getters that never saturate and never crash on odd replies.
#include <gtest/gtest.h>

#include "json.h"
#include "util.h"

namespace sftest {
namespace {
using solidfire::Json;

TEST(Json, Int64FromDoubleWithChecks) {
  auto j = Json::parse(R"({"big":17592186044416,"neg":-5,"frac":1.5,"str":"42","bad":"4x","huge":1e300,"b":true})");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->view().int64("big"), 17592186044416);  // above INT_MAX: valueint would saturate
  EXPECT_EQ(j->view().int64("neg"), -5);
  EXPECT_FALSE(j->view().int64("frac"));
  EXPECT_EQ(j->view().int64("str"), 42);
  EXPECT_FALSE(j->view().int64("bad"));
  EXPECT_FALSE(j->view().int64("huge"));
  EXPECT_FALSE(j->view().int64("b"));
  EXPECT_FALSE(j->view().int64("missing"));
  EXPECT_EQ(j->view().boolean("b"), true);
}

TEST(Json, RejectsTruncatedAndTrailingGarbage) {
  EXPECT_FALSE(Json::parse(R"({"result":{"a":1})"));
  EXPECT_FALSE(Json::parse(R"({"a":1} x)"));
  EXPECT_TRUE(Json::parse("{\"a\":1}\n"));
}

TEST(Json, BuildersRoundTrip) {
  Json p = Json::object();
  p.set("name", "x").set("size", int64_t{1} << 40).set("flag", false).set("ids", Json::int_array({1, 2}));
  p.set("name", "y");  // replaces
  auto back = Json::parse(p.print());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->view().string("name"), "y");
  EXPECT_EQ(back->view().int64("size"), int64_t{1} << 40);
  EXPECT_EQ(back->view()["ids"].size(), 2u);
}

// take/take_item move a part out of a reply (no copy); what is absent or of the wrong kind is empty.
TEST(Json, TakeMovesMembersAndItemsOut) {
  auto j = Json::parse(R"({"volumes":[{"volumeID":7},{"volumeID":8}],"n":1})");
  ASSERT_TRUE(j);
  Json volumes = j->take("volumes");
  EXPECT_FALSE(j->view().has("volumes"));
  Json first = volumes.take_item(0);
  EXPECT_EQ(first.view().int64("volumeID"), 7);
  EXPECT_EQ(volumes.view().size(), 1u);
  EXPECT_EQ(volumes.view().at(0).int64("volumeID"), 8);
  EXPECT_FALSE(volumes.take_item(5).view().valid());
  EXPECT_FALSE(volumes.take_item(-1).view().valid());
  EXPECT_FALSE(j->take("n").take_item(0).view().valid());  // not an array
  EXPECT_FALSE(Json().take("x").take_item(0).view().valid());
}

TEST(Util, CleanUtf8AndPortals) {
  EXPECT_EQ(solidfire::util::clean_utf8("ok\xff\xfe"), "ok??");
  EXPECT_EQ(solidfire::util::clean_utf8("a\nb"), "a b");
  EXPECT_EQ(solidfire::util::truncate_utf8("h\xc3\xa9llo", 2), "h");
  EXPECT_EQ(solidfire::util::iscsi_portal("10.0.0.2"), "10.0.0.2:3260");
  EXPECT_EQ(solidfire::util::iscsi_portal("10.0.0.2:3261"), "10.0.0.2:3261");
  EXPECT_EQ(solidfire::util::iscsi_portal("fd00::2"), "[fd00::2]:3260");
  EXPECT_EQ(solidfire::util::iscsi_portal("[fd00::2]"), "[fd00::2]:3260");
  EXPECT_EQ(solidfire::util::iscsi_portal("[fd00::2]:3262"), "[fd00::2]:3262");
  EXPECT_EQ(solidfire::util::url_host("fd00::1"), "[fd00::1]");
  EXPECT_EQ(solidfire::util::parse_int64("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(solidfire::util::parse_int64("9223372036854775808"));
}

// Bounded parsing: limits on depth, values and size come with a reason; strings do not count.
TEST(Json, ParseLimitsGiveReasons) {
  std::string why;
  const std::string ok_depth = std::string(Json::kMaxDepth, '[') + std::string(Json::kMaxDepth, ']');
  EXPECT_TRUE(Json::parse(ok_depth, &why)) << why;
  const std::string too_deep = std::string(Json::kMaxDepth + 1, '[') + std::string(Json::kMaxDepth + 1, ']');
  EXPECT_FALSE(Json::parse(too_deep, &why));
  EXPECT_NE(why.find("nested deeper"), std::string::npos) << why;
  // Brackets, quotes and backslashes inside strings are text, not structure.
  const std::string in_string = "{\"a\":\"" + std::string(1000, '[') + "\\\"[{\"}";
  EXPECT_TRUE(Json::parse(in_string, &why)) << why;
  why.clear();
  EXPECT_FALSE(Json::parse(R"({"a":[1,2)", &why));
  EXPECT_NE(why.find("truncated"), std::string::npos) << why;
  EXPECT_FALSE(Json::parse(R"({"a":?})", &why));
  EXPECT_NE(why.find("malformed JSON at byte 5"), std::string::npos) << why;
  EXPECT_FALSE(Json::parse("", &why));
  EXPECT_EQ(why, "empty document");
  EXPECT_FALSE(Json::parse("{} x", &why));
  EXPECT_NE(why.find("text after"), std::string::npos) << why;
}

TEST(Json, IntegersBeyondTwoTo53AreNotExact) {
  auto j = Json::parse(R"({"edge":9007199254740992,"over":9007199254740994,"neg":-9007199254740994,)"
                       R"("s":"9223372036854775807"})");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->view().int64("edge"), int64_t{1} << 53);
  EXPECT_FALSE(j->view().int64("over"));
  EXPECT_FALSE(j->view().int64("neg"));
  EXPECT_EQ(j->view().int64("s"), INT64_MAX) << "numeric strings are exact";
}

}  // namespace
}  // namespace sftest
