// Helpers shared by the method families.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "json.h"
#include "rpc.h"

namespace element_sim {

// Number of UTF-8 code points in s (names are limited in characters, not bytes).
size_t utf8_length(std::string_view s);

// Validates an `attributes` parameter (object, serialised size < 1000 bytes) and returns its compact
// text; nullptr (absent/null) yields "{}".
std::string attributes_text(const cJSON* attrs, const char* member = "attributes");

inline constexpr size_t kMaxAttributesBytes = 1000;

}  // namespace element_sim
