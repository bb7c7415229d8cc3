#include "common.h"

namespace element_sim {

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string attributes_text(const cJSON* attrs, const char* member) {
  if (attrs == nullptr) return "{}";
  std::string text = json::print(attrs);
  if (text.size() >= kMaxAttributesBytes)
    fail_invalid(member, "attributes must serialise to less than 1000 bytes of JSON (got " +
                             std::to_string(text.size()) + ")");
  return text;
}

}  // namespace element_sim
