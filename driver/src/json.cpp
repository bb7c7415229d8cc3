// RAII cJSON wrapper (see json.h).
#include "json.h"

#include <cmath>
#include <new>
#include <stdexcept>

#include "util.h"

namespace solidfire {

namespace {
cJSON* checked(cJSON* p) {
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
constexpr double kTwo53 = 9007199254740992.0;  // 2^53: the last integer a double holds exactly

// One pass over the text before cJSON sees it: the nesting depth and the number of values, outside
// strings. Cheap (linear, no allocation) and keeps cJSON's recursion and allocations bounded.
std::optional<std::string> over_limits(std::string_view text) {
  if (text.size() > Json::kMaxBytes) {
    return "document of " + std::to_string(text.size()) + " bytes exceeds the " +
           std::to_string(Json::kMaxBytes >> 20) + " MiB limit";
  }
  size_t depth = 0, values = 0;
  bool in_string = false, escaped = false, in_scalar = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    const bool scalar_char = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' || c == '+' || c == '.' ||
                             (c >= 'A' && c <= 'Z');
    if (scalar_char) {
      if (!in_scalar) ++values;
      in_scalar = true;
      continue;
    }
    in_scalar = false;
    if (c == '"') {
      in_string = true;
      ++values;  // a member name counts too: it is a string cJSON allocates
    } else if (c == '[' || c == '{') {
      ++values;
      if (++depth > Json::kMaxDepth) return "nested deeper than " + std::to_string(Json::kMaxDepth) + " levels";
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    }
    if (values > Json::kMaxValues) return "more than " + std::to_string(Json::kMaxValues) + " values";
  }
  return std::nullopt;
}
}  // namespace

JsonView JsonView::operator[](const char* key) const {
  if (node_ == nullptr || !cJSON_IsObject(node_)) return JsonView();
  return JsonView(cJSON_GetObjectItemCaseSensitive(node_, key));
}

size_t JsonView::size() const {
  if (node_ == nullptr || !cJSON_IsArray(node_)) return 0;
  return static_cast<size_t>(cJSON_GetArraySize(node_));
}

JsonView JsonView::at(size_t index) const {
  if (node_ == nullptr || !cJSON_IsArray(node_)) return JsonView();
  size_t i = 0;
  for (const cJSON* c = node_->child; c != nullptr; c = c->next, ++i) {
    if (i == index) return JsonView(c);
  }
  return JsonView();
}

std::vector<JsonView> JsonView::items() const {
  std::vector<JsonView> out;
  if (node_ == nullptr || !cJSON_IsArray(node_)) return out;
  for (const cJSON* c = node_->child; c != nullptr; c = c->next) out.emplace_back(c);
  return out;
}

std::optional<int64_t> JsonView::as_int64() const {
  if (node_ == nullptr) return std::nullopt;
  if (cJSON_IsNumber(node_)) {
    const double d = node_->valuedouble;
    if (!std::isfinite(d) || std::trunc(d) != d) return std::nullopt;
    if (d < -kTwo53 || d > kTwo53) return std::nullopt;  // imprecise: not the number that was sent
    return static_cast<int64_t>(d);
  }
  if (cJSON_IsString(node_) && node_->valuestring != nullptr) {
    return util::parse_int64(node_->valuestring);
  }
  return std::nullopt;
}

std::optional<double> JsonView::as_double() const {
  if (node_ == nullptr) return std::nullopt;
  if (cJSON_IsNumber(node_)) {
    if (!std::isfinite(node_->valuedouble)) return std::nullopt;
    return node_->valuedouble;
  }
  if (cJSON_IsString(node_) && node_->valuestring != nullptr) {
    auto i = util::parse_int64(node_->valuestring);
    if (i) return static_cast<double>(*i);
  }
  return std::nullopt;
}

std::optional<std::string> JsonView::as_string() const {
  if (node_ == nullptr || !cJSON_IsString(node_) || node_->valuestring == nullptr) return std::nullopt;
  return std::string(node_->valuestring);
}

std::optional<bool> JsonView::as_bool() const {
  if (node_ == nullptr) return std::nullopt;
  if (cJSON_IsBool(node_)) return cJSON_IsTrue(node_) != 0;
  if (cJSON_IsString(node_) && node_->valuestring != nullptr) {
    const std::string s = util::to_lower(node_->valuestring);
    if (s == "true") return true;
    if (s == "false") return false;
  }
  return std::nullopt;
}

std::string JsonView::print() const {
  if (node_ == nullptr) return "null";
  char* text = cJSON_PrintUnformatted(node_);
  if (text == nullptr) throw std::bad_alloc();
  std::string out(text);
  cJSON_free(text);
  return out;
}

Json Json::object() { return Json(checked(cJSON_CreateObject())); }
Json Json::array() { return Json(checked(cJSON_CreateArray())); }

Json Json::int_array(std::initializer_list<int64_t> values) { return int_array(std::vector<int64_t>(values)); }

Json Json::int_array(const std::vector<int64_t>& values) {
  Json a = array();
  for (const int64_t v : values) a.push(v);
  return a;
}

std::optional<Json> Json::parse(std::string_view text, std::string* why) {
  if (auto problem = over_limits(text)) {
    if (why != nullptr) *why = *problem;
    return std::nullopt;
  }
  const char* end = nullptr;
  cJSON* root = cJSON_ParseWithLengthOpts(text.data(), text.size(), &end, 0);
  if (root == nullptr) {
    // cJSON leaves `end` at the failure (the last byte when it ran out of text: cut short).
    if (why != nullptr) {
      const size_t at = end == nullptr ? 0 : static_cast<size_t>(end - text.data());
      *why = text.empty()       ? std::string("empty document")
             : at + 1 >= text.size() ? "truncated JSON (" + std::to_string(text.size()) + " bytes)"
                                 : "malformed JSON at byte " + std::to_string(at) + " of " +
                                       std::to_string(text.size());
    }
    return std::nullopt;
  }
  Json out(root);
  // Only trailing whitespace may follow the document.
  const char* stop = text.data() + text.size();
  for (const char* p = end; p != nullptr && p < stop; ++p) {
    if (*p != ' ' && *p != '\n' && *p != '\r' && *p != '\t' && *p != '\0') {
      if (why != nullptr) *why = "text after the JSON document at byte " + std::to_string(p - text.data());
      return std::nullopt;
    }
  }
  return out;
}

Json Json::clone() const {
  if (!node_) return Json();
  return Json(checked(cJSON_Duplicate(node_.get(), 1)));
}

namespace {
void replace_member(cJSON* obj, const char* key, cJSON* item) {
  if (obj == nullptr || !cJSON_IsObject(obj)) {
    cJSON_Delete(item);
    throw std::logic_error("Json::set on a non-object");
  }
  if (cJSON_GetObjectItemCaseSensitive(obj, key) != nullptr) {
    cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item);
  } else if (!cJSON_AddItemToObject(obj, key, item)) {
    cJSON_Delete(item);
    throw std::bad_alloc();
  }
}
void append(cJSON* arr, cJSON* item) {
  if (arr == nullptr || !cJSON_IsArray(arr)) {
    cJSON_Delete(item);
    throw std::logic_error("Json::push on a non-array");
  }
  if (!cJSON_AddItemToArray(arr, item)) {
    cJSON_Delete(item);
    throw std::bad_alloc();
  }
}
cJSON* make_string(std::string_view v) { return checked(cJSON_CreateString(std::string(v).c_str())); }
cJSON* make_number(int64_t v) { return checked(cJSON_CreateNumber(static_cast<double>(v))); }
}  // namespace

Json& Json::set(const char* key, std::string_view value) {
  replace_member(node_.get(), key, make_string(value));
  return *this;
}
Json& Json::set(const char* key, int64_t value) {
  replace_member(node_.get(), key, make_number(value));
  return *this;
}
Json& Json::set(const char* key, bool value) {
  replace_member(node_.get(), key, checked(cJSON_CreateBool(value ? 1 : 0)));
  return *this;
}
Json& Json::set(const char* key, Json value) {
  cJSON* item = value.release();
  if (item == nullptr) item = checked(cJSON_CreateNull());
  replace_member(node_.get(), key, item);
  return *this;
}
Json& Json::set_null(const char* key) {
  replace_member(node_.get(), key, checked(cJSON_CreateNull()));
  return *this;
}
Json& Json::push(int64_t value) {
  append(node_.get(), make_number(value));
  return *this;
}
Json& Json::push(std::string_view value) {
  append(node_.get(), make_string(value));
  return *this;
}
Json& Json::push(Json value) {
  cJSON* item = value.release();
  if (item == nullptr) item = checked(cJSON_CreateNull());
  append(node_.get(), item);
  return *this;
}

Json Json::take(const char* key) {
  if (!node_ || !cJSON_IsObject(node_.get())) return Json();
  return Json(cJSON_DetachItemFromObjectCaseSensitive(node_.get(), key));
}

Json Json::take_item(int index) {
  if (!node_ || !cJSON_IsArray(node_.get()) || index < 0) return Json();
  return Json(cJSON_DetachItemFromArray(node_.get(), index));
}

std::vector<int64_t> int_list(JsonView array) {
  std::vector<int64_t> out;
  for (const JsonView item : array.items()) {
    if (auto n = item.as_int64()) out.push_back(*n);
  }
  return out;
}

}  // namespace solidfire
