#include "strict_json.h"

#include <cjson/cJSON.h>

#include <cmath>
#include <cstring>
#include <set>

#include "solidfire/error.h"

namespace sfplugin {
namespace {

using solidfire::Error;
using solidfire::ErrorCode;

[[noreturn]] void invalid(const std::string& field, const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, message).with_field(field);
}

std::string child_path(const std::string& parent, const char* key) {
  return parent.empty() ? std::string(key) : parent + "." + key;
}

// Rejects what cJSON accepts but I-JSON forbids: deep nesting, duplicate keys, non-finite numbers.
void validate_tree(const cJSON* node, int depth, const std::string& path) {
  if (depth > kMaxDepth) invalid("request", "request: JSON nesting deeper than 64 levels");
  // I-JSON: numbers beyond +/-(2^53-1) lose precision in many consumers; they must travel as strings.
  // This holds for unknown members too, so a request never silently carries a mangled value.
  if (cJSON_IsNumber(node) &&
      !(std::fabs(node->valuedouble) <= static_cast<double>(kMaxSafeInteger))) {
    const std::string where = path.empty() ? "request" : path;
    invalid(where, where + ": number out of range (|value| must be <= 2^53-1)");
  }
  if (cJSON_IsObject(node)) {
    std::set<std::string_view> seen;
    for (const cJSON* child = node->child; child != nullptr; child = child->next) {
      const char* key = child->string != nullptr ? child->string : "";
      if (!seen.insert(key).second) {
        const std::string where = child_path(path, key);
        invalid(where, where + ": duplicate key");
      }
      validate_tree(child, depth + 1, child_path(path, key));
    }
  } else if (cJSON_IsArray(node)) {
    int index = 0;
    for (const cJSON* child = node->child; child != nullptr; child = child->next, ++index) {
      validate_tree(child, depth + 1, path + "[" + std::to_string(index) + "]");
    }
  }
}

const char* type_name(const cJSON* node) {
  if (cJSON_IsString(node)) return "a string";
  if (cJSON_IsNumber(node)) return "a number";
  if (cJSON_IsBool(node)) return "a boolean";
  if (cJSON_IsObject(node)) return "an object";
  if (cJSON_IsArray(node)) return "an array";
  return "null";
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int extra = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (end - p <= extra) return false;
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3Fu);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += extra + 1;
  }
  return true;
}

void JsonDocument::Deleter::operator()(cJSON* p) const { cJSON_Delete(p); }

JsonDocument JsonDocument::parse(const char* bytes, size_t length) {
  if (bytes == nullptr) invalid("request", "request: NULL; expected a JSON object");
  const std::string_view text(bytes, length);
  if (text.find('\0') != std::string_view::npos) invalid("request", "request: embedded NUL byte");
  if (!is_valid_utf8(text)) invalid("request", "request: not valid UTF-8");
  const char* end = nullptr;
  JsonDocument doc;
  doc.root_.reset(cJSON_ParseWithLengthOpts(bytes, length, &end, 0));
  if (!doc.root_) invalid("request", "request: not valid JSON");
  for (const char* p = end; p != nullptr && p < bytes + length; ++p) {
    if (std::strchr(" \t\r\n", *p) == nullptr) invalid("request", "request: trailing data after the JSON value");
  }
  validate_tree(doc.root_.get(), 1, "");
  if (!cJSON_IsObject(doc.root_.get())) invalid("request", "request: must be a JSON object");
  return doc;
}

void JsonView::fail(const std::string& what) const {
  const std::string field = path_.empty() ? "request" : path_;
  invalid(field, field + ": " + what);
}

bool JsonView::is_object() const { return cJSON_IsObject(node_); }

void JsonView::expect_object() const {
  if (!cJSON_IsObject(node_)) fail(std::string("must be an object, not ") + type_name(node_));
}

std::optional<JsonView> JsonView::member(const char* key) const {
  expect_object();
  const cJSON* child = cJSON_GetObjectItemCaseSensitive(node_, key);
  if (child == nullptr || cJSON_IsNull(child)) return std::nullopt;
  return JsonView(child, child_path(path_, key));
}

JsonView JsonView::required(const char* key) const {
  auto child = member(key);
  if (!child) {
    const std::string field = child_path(path_, key);
    invalid(field, field + ": is required");
  }
  return *child;
}

std::string JsonView::as_string() const {
  if (!cJSON_IsString(node_)) fail(std::string("must be a string, not ") + type_name(node_));
  return node_->valuestring;
}

double JsonView::as_number() const {
  if (!cJSON_IsNumber(node_)) fail(std::string("must be a number, not ") + type_name(node_));
  return node_->valuedouble;
}

int64_t JsonView::as_int() const {
  const double v = as_number();
  // Never valueint: it saturates at INT_MAX. Range check first so the cast is defined.
  if (!(v >= -static_cast<double>(kMaxSafeInteger) && v <= static_cast<double>(kMaxSafeInteger))) {
    fail("integer out of range (|value| must be <= 2^53-1)");
  }
  if (std::trunc(v) != v) fail("must be an integer");
  return static_cast<int64_t>(v);
}

bool JsonView::as_bool() const {
  if (!cJSON_IsBool(node_)) fail(std::string("must be a boolean, not ") + type_name(node_));
  return cJSON_IsTrue(node_);
}

std::string JsonView::as_scalar_text() const {
  if (cJSON_IsString(node_)) return node_->valuestring;
  if (cJSON_IsBool(node_)) return cJSON_IsTrue(node_) ? "true" : "false";
  if (cJSON_IsNumber(node_)) {
    const double v = node_->valuedouble;
    if (std::trunc(v) == v && std::fabs(v) <= static_cast<double>(kMaxSafeInteger)) {
      return std::to_string(static_cast<int64_t>(v));
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
  }
  fail(std::string("must be a string, number or boolean, not ") + type_name(node_));
}

void JsonView::for_each_member(const std::function<void(const std::string&, const JsonView&)>& fn) const {
  expect_object();
  for (const cJSON* child = node_->child; child != nullptr; child = child->next) {
    if (cJSON_IsNull(child)) continue;
    const std::string key = child->string != nullptr ? child->string : "";
    fn(key, JsonView(child, child_path(path_, key.c_str())));
  }
}

void JsonView::for_each_element(const std::function<void(const JsonView&)>& fn) const {
  if (!cJSON_IsArray(node_)) fail(std::string("must be an array, not ") + type_name(node_));
  int index = 0;
  for (const cJSON* child = node_->child; child != nullptr; child = child->next, ++index) {
    fn(JsonView(child, path_ + "[" + std::to_string(index) + "]"));
  }
}

}  // namespace sfplugin
