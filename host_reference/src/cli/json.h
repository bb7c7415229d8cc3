// Small RAII and formatting helpers over cJSON for the command-line host.
#pragma once

#include <cjson/cJSON.h>

#include <memory>
#include <optional>
#include <string>

namespace vdp::host::cli {

struct JsonDeleter {
  void operator()(cJSON* j) const noexcept { cJSON_Delete(j); }
};
using Json = std::unique_ptr<cJSON, JsonDeleter>;

// Parses text (exactly one JSON value, surrounding whitespace allowed); nullptr when invalid.
Json parse_json(const std::string& text);
// Serialises; pretty uses two-space indentation.
std::string to_string(const cJSON* j, bool pretty);
// Re-formats JSON text; text that does not parse is returned unchanged.
std::string reformat(const std::string& text, bool pretty);

Json make_object();
// Adds or replaces obj[key] with `value` (taking ownership).
void set(cJSON* obj, const char* key, Json value);
void set_string(cJSON* obj, const char* key, const std::string& value);
void set_number(cJSON* obj, const char* key, double value);
Json duplicate(const cJSON* j);

std::optional<std::string> get_string(const cJSON* obj, const char* key);
std::optional<double> get_number(const cJSON* obj, const char* key);
// Scalar rendering for humans: strings unquoted, numbers without trailing zeros, true/false, null.
std::string scalar_text(const cJSON* j);

}  // namespace vdp::host::cli
