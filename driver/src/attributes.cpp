#include "attributes.h"

#include "element_api.h"
#include "util.h"

namespace solidfire::attributes {

Json copy(JsonView v) {
  if (v.is_object()) return Json(cJSON_Duplicate(v.raw(), /*recurse=*/1));
  return Json::object();
}

bool fits(const Json& attrs) { return attrs.print().size() <= element::kMaxAttributesBytes; }

bool shorten_to_fit(Json& attrs, const char* key) {
  auto value = attrs.view().string(key);
  if (!value) return fits(attrs);
  std::string s = *value;
  for (size_t size = attrs.print().size(); size > element::kMaxAttributesBytes && !s.empty();
       size = attrs.print().size()) {
    const size_t excess = size - element::kMaxAttributesBytes;
    s = util::truncate_utf8(s, s.size() > excess ? s.size() - excess : 0);
    attrs.set(key, s);
  }
  return fits(attrs);
}

bool drop_to_fit(Json& attrs, const std::vector<const char*>& droppable) {
  for (const char* key : droppable) {
    if (fits(attrs)) return true;
    (void)attrs.take(key);
  }
  return fits(attrs);
}

bool truthy(JsonView v) {
  if (!v.valid()) return false;
  if (auto b = v.as_bool()) return *b;
  if (auto n = v.as_double()) return *n != 0;
  return false;
}

}  // namespace solidfire::attributes
