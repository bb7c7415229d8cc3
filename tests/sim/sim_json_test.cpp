// element-sim's own JSON printer (json::print / ObjectWriter) must produce exactly the text
// cJSON_PrintUnformatted produces: replies were printed by cJSON before and clients see the same bytes.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "json.h"

namespace {

using element_sim::json::Ptr;

std::string cjson_text(const cJSON* item) {
  char* s = cJSON_PrintUnformatted(item);
  std::string out = s != nullptr ? s : "";
  cJSON_free(s);
  return out;
}

TEST(SimJson, PrintMatchesCJsonByteForByte) {
  namespace json = element_sim::json;
  Ptr o = json::object();
  for (double d : {0.0, -0.0, 1.0, -1.0, 42.0, 2147483647.0, 2147483648.0, -2147483649.0, 1e14, 999999999999999.0,
                   1e15, 1e16, 1e300, -1e-300, 0.5, 0.1, 1.0 / 3.0, 123456.789, 5e-324,
                   std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    cJSON* arr = json::add_arr(o.get(), "n");
    cJSON_AddItemToArray(arr, cJSON_CreateNumber(d));
  }
  json::add_int(o.get(), "big", 17592186044416);
  json::add_int(o.get(), "neg", -9000000000);
  json::add_str(o.get(), "esc", std::string("q\"b\\s/\b\f\n\r\t\x01\x1f\x7f caf\xc3\xa9 \xe2\x82\xac"));
  json::add_str(o.get(), "empty", "");
  json::add_str(o.get(), "k\"ey\n", "v");
  json::add_bool(o.get(), "t", true);
  json::add_bool(o.get(), "f", false);
  json::add_null(o.get(), "z");
  json::add_raw(o.get(), "raw", R"({"a":[1,2,{"b":null}]})");
  json::add_arr(o.get(), "ea");
  json::add_obj(o.get(), "eo");
  cJSON* nested = json::add_obj(json::add_obj(o.get(), "x"), "y");
  json::push_str(json::add_arr(nested, "list"), "s");
  EXPECT_EQ(json::print(o.get()), cjson_text(o.get()));
  // Parsed documents too (numbers as parsed doubles, unicode escapes decoded).
  Ptr p = json::parse(R"({"a":[1,-2.5,3e10,1.7976931348623157e308,"\u00e9\u0001"],"b":{"c":[]},"d":1234567890123})");
  ASSERT_TRUE(p);
  EXPECT_EQ(json::print(p.get()), cjson_text(p.get()));
}

TEST(SimJson, ObjectWriterMatchesTheTreePrinter) {
  namespace json = element_sim::json;
  json::ObjectWriter w;
  w.num("i", -5).num("big", 17592186044416).str("s", "a\"b\n").boolean("t", true).null("n").raw("r", "[1,2]");
  Ptr o = json::object();
  json::add_int(o.get(), "i", -5);
  json::add_int(o.get(), "big", 17592186044416);
  json::add_str(o.get(), "s", "a\"b\n");
  json::add_bool(o.get(), "t", true);
  json::add_null(o.get(), "n");
  json::add_raw(o.get(), "r", "[1,2]");
  EXPECT_EQ(w.done(), cjson_text(o.get()));
  EXPECT_EQ(json::ObjectWriter().done(), "{}");
}

}  // namespace
