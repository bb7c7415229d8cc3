#include "strict_json.h"

#include <cjson/cJSON.h>

#include <cmath>
#include <cstring>
#include <set>

#include "json_grammar.h"
#include "solidfire/error.h"
#include "solidfire/utf8.h"

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

void JsonDocument::Deleter::operator()(cJSON* p) const { cJSON_Delete(p); }

JsonDocument JsonDocument::parse(const char* bytes, size_t length) {
  if (bytes == nullptr) invalid("request", "request: NULL; expected a JSON object");
  const std::string_view text(bytes, length);
  if (text.find('\0') != std::string_view::npos) invalid("request", "request: embedded NUL byte");
  if (!solidfire::is_valid_utf8(text)) invalid("request", "request: not valid UTF-8");
  // The grammar first: cJSON alone accepts forms RFC 8259 refuses ("01", "1.", raw control characters).
  if (auto problem = json_grammar_error(text, kMaxDepth)) invalid("request", "request: not valid JSON: " + *problem);
  JsonDocument doc;
  doc.root_.reset(cJSON_ParseWithLengthOpts(bytes, length, nullptr, 0));
  if (!doc.root_) invalid("request", "request: not valid JSON");
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
