// The writer of result and error objects (JsonOut) cannot emit invalid UTF-8 whatever bytes it is given:
// invalid sequences become U+FFFD and control characters are escaped, so the output parses as JSON.
#include "json_out.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "error_object.h"
#include "result_json.h"
#include "solidfire/utf8.h"

namespace sfplugin {
namespace {

const std::vector<std::string> kBadBytes = {
    "ok\xff", "\xc0\xaf", "\xed\xa0\x80", "cut\xe2\x82", "\x80\x80", "\xf4\x90\x80\x80", "a\x01\x1f\x7f b\n\t",
};

std::string string_member(const std::string& json, const char* key) {
  std::unique_ptr<cJSON, decltype(&cJSON_Delete)> doc(cJSON_ParseWithLength(json.data(), json.size()), &cJSON_Delete);
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(doc.get(), key);
  return cJSON_IsString(v) ? v->valuestring : "<not a string>";
}

TEST(JsonOut, InvalidBytesBecomeReplacementCharacters) {
  for (const std::string& bad : kBadBytes) {
    JsonOut out;
    JsonOut::str(out.get(), "value", bad);
    JsonOut::str(out.get(), bad.c_str(), "key with bad bytes");
    const std::string text = out.print();
    EXPECT_TRUE(solidfire::is_valid_utf8(text)) << text;
    for (const char c : text) EXPECT_GE(static_cast<unsigned char>(c), 0x20u) << "raw control character in " << text;
    EXPECT_EQ(string_member(text, "value"), solidfire::to_valid_utf8(bad)) << text;
  }
  JsonOut out;
  JsonOut::str(out.get(), "value", "ok\xff!");
  EXPECT_EQ(string_member(out.print(), "value"), "ok\xEF\xBF\xBD!");
}

TEST(JsonOut, ValidTextIsUnchanged) {
  const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
  EXPECT_EQ(solidfire::to_valid_utf8(text), text);
  JsonOut out;
  JsonOut::str(out.get(), "value", text);
  EXPECT_EQ(string_member(out.print(), "value"), text);
}

TEST(JsonOut, ErrorAndResultObjectsAreValidUtf8) {
  for (const std::string& bad : kBadBytes) {
    ErrorInfo info;
    info.status = VDP_E_BACKEND;
    info.message = "backend said " + bad;
    info.operation = "create_volume";
    info.backend_error = "x" + bad;
    info.request_id = bad;
    info.field = bad;
    const std::string error = error_json(info);
    EXPECT_TRUE(solidfire::is_valid_utf8(error)) << error;
    EXPECT_EQ(string_member(error, "message"), "backend said " + solidfire::to_valid_utf8(bad));

    solidfire::ModelUpdate update;
    update.provider_location = bad;
    update.provider_auth = "CHAP " + bad;
    EXPECT_TRUE(solidfire::is_valid_utf8(to_json(update))) << to_json(update);
    const std::string warnings = warnings_json({bad});
    EXPECT_TRUE(solidfire::is_valid_utf8(warnings)) << warnings;
  }
}

}  // namespace
}  // namespace sfplugin
