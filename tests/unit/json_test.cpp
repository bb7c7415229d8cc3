// Json helper: lenient typed getters that never saturate and never crash on odd replies.
#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <cctype>
#include <memory>
#include <random>
#include <string>
#include <vector>

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

// cJSON's own verdict and printing of `text`, with Json::parse's rules around it (only trailing
// whitespace after the document): what Json::parse must match. nullopt: rejected.
std::optional<std::string> cjson_reference(const std::string& text) {
  const char* end = nullptr;
  std::unique_ptr<cJSON, decltype(&cJSON_Delete)> root(
      cJSON_ParseWithLengthOpts(text.data(), text.size(), &end, 0), &cJSON_Delete);
  if (!root) return std::nullopt;
  for (const char* p = end; p < text.data() + text.size(); ++p) {
    if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t' && *p != '\0') return std::nullopt;
  }
  std::unique_ptr<char, decltype(&cJSON_free)> printed(cJSON_PrintUnformatted(root.get()), &cJSON_free);
  return std::string(printed.get());
}

// Whether `text` holds a \u escape without four hex digits, which cJSON reads as U+0000 and
// Json::parse rejects (the one place it is stricter).
bool has_bad_unicode_escape(const std::string& text) {
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != '\\') continue;
    if (text[i + 1] == 'u') {
      for (size_t k = i + 2; k < i + 6; ++k) {
        if (k >= text.size() || std::isxdigit(static_cast<unsigned char>(text[k])) == 0) return true;
      }
    }
    ++i;  // the escaped character
  }
  return false;
}

// Returns whether the text was accepted.
bool expect_same_as_cjson(const std::string& text) {
  auto expected = cjson_reference(text);
  if (expected && has_bad_unicode_escape(text)) expected.reset();
  const auto parsed = Json::parse(text);
  EXPECT_EQ(parsed.has_value(), expected.has_value()) << "verdicts differ on: " << text;
  if (parsed && expected) {
    EXPECT_EQ(parsed->print(), *expected) << "trees differ on: " << text;
  }
  return parsed.has_value();
}

// The parser builds the tree cJSON would: same verdict, same tree (compared through cJSON's printer),
// on hand-picked edge cases and on thousands of seeded mutations of a real ListVolumes reply.
TEST(Json, ParsesWhatCJsonParsesIntoTheSameTree) {
  const std::vector<std::string> cases = {
           "{}", "[]", " \t\n{ } ", "\x01{\"a\":1}", "\xEF\xBB\xBF{\"bom\":true}", "null", "true", "false", "0", "-0",
           "1e5", "1E+5", "-1.5e-3", "1.", "01", "1e400", "-1e400", "1e-400", "2147483647", "2147483648",
           "-2147483649", "17592186044416", "[1,2,3]", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" : [ 1 , { } ] }",
           "{\"a\":1,\"a\":2}", "\"\\u00e9\\u20ac\\ud83d\\ude00\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\ud83dx\"",
           "\"\\u12\"", "\"\\uzzzz\"", "\"\\x\"", "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "\"\\u0000tail\"",
           std::string("\"nul\0inside\"", 12), "\"raw\x01\x7f\xff\"", "{\"k\":nul}", "{\"k\":tru", "nulll", "-",
           "--1", "+1", ".5", "1.2.3", "[1 2]", "{\"a\" 1}", "{a:1}", "{\"a\":1}}", "[[[]]]", "\"unterminated",
           "\"ends in backslash\\", "{\"a\":\"\\", "[1,2]\n\r\t ", std::string("{}\0", 3)};
  for (const std::string& text : cases) expect_same_as_cjson(text);

  const std::string reply =
      R"({"id":7,"result":{"volumes":[{"access":"readWrite","accountID":12,"attributes":{"cinder-name":"v)"
      R"(ol\u00e9","uuid":"6a1c7b0e-0d8f-4f38-9b0a-2f3c1d2e4f5a","created_at":"2026-12-07T20:00:00"},)"
      R"("blockSize":4096,"createTime":"2026-12-07T20:00:00Z","deleteTime":"","enable512e":true,)"
      R"("iqn":"iqn.2010-01.com.solidfire:abcd.uuid-6a1c.42","name":"UUID-6a1c7b0e","purgeTime":"",)"
      R"("qos":{"burstIOPS":15000,"burstTime":60,"curve":{"4096":100,"8192":160},"maxIOPS":15000,)"
      R"("minIOPS":50},"scsiEUIDeviceID":"6a1c","sliceCount":1,"status":"active","totalSize":1073741824,)"
      R"("virtualVolumeID":null,"volumeAccessGroups":[3,4],"volumeID":42,"volumePairs":[],)"
      R"("fifoSize":24,"minFifoSize":0,"ratio":1.5e0,"neg":-0.25}]}})";
  expect_same_as_cjson(reply);
  int accepted = 0;
  std::mt19937 rng(20261207);  // fixed: a failure replays
  const std::string alphabet = "{}[]\":,\\u0189abefEFtrulsn.-+ \t\n\x01\x7f\xff";
  for (int i = 0; i < 20000; ++i) {
    std::string text = reply;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const size_t at = rng() % text.size();
      const char c = alphabet[rng() % alphabet.size()];
      const unsigned kind = rng() % 4;
      if (kind == 0) {
        text[at] = c;
      } else if (kind == 1) {
        text.insert(at, 1, c);
      } else if (kind == 2) {
        text.erase(at, 1);
      } else {
        text.resize(at);  // cut short
      }
    }
    accepted += expect_same_as_cjson(text) ? 1 : 0;
    if (HasFailure()) break;  // one counter-example is enough
  }
  // Both verdicts were exercised, not just one.
  EXPECT_GT(accepted, 2000);
  EXPECT_LT(accepted, 18000);
}

// A part taken from a parsed reply shares its memory and outlives the reply; changing a parsed
// document first makes it an ordinary cJSON tree (the sanitizer builds catch a wrong free here).
TEST(Json, PartsOfAParsedDocumentOutliveItAndChangesCopyItFirst) {
  Json volume;
  {
    auto doc = Json::parse(R"({"result":{"volumes":[{"volumeID":7,"name":"a"},{"volumeID":8}]}})");
    ASSERT_TRUE(doc);
    Json result = doc->take("result");
    Json volumes = result.take("volumes");
    volume = volumes.take_item(0);
  }
  EXPECT_EQ(volume.view().int64("volumeID"), 7);
  volume.set("name", "b").set("extra", int64_t{1}).set("list", Json::int_array({1}));  // replaces a parsed member
  EXPECT_EQ(volume.print(), R"({"volumeID":7,"name":"b","extra":1,"list":[1]})");

  auto doc = Json::parse(R"({"a":{"b":[1,2]},"c":"x"})");
  ASSERT_TRUE(doc);
  Json outer = Json::object();
  outer.set("moved", doc->take("a"));  // a parsed part put into a built tree
  doc->set_null("c");
  EXPECT_EQ(outer.print(), R"({"moved":{"b":[1,2]}})");
  EXPECT_EQ(doc->print(), R"({"c":null})");
  Json copy = outer.clone();
  cJSON* released = Json::parse(R"([1,{"x":2}])")->release();
  ASSERT_NE(released, nullptr);
  EXPECT_EQ(cJSON_GetArraySize(released), 2);
  cJSON_Delete(released);
  auto arr = Json::parse("[3,4]");
  ASSERT_TRUE(arr);
  arr->push(int64_t{5}).push("s").push(Json::object());
  EXPECT_EQ(arr->print(), R"([3,4,5,"s",{}])");
  EXPECT_EQ(copy.print(), outer.print());
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
