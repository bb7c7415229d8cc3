// Strict reading of request JSON (RFC 8259 grammar, I-JSON RFC 7493): valid UTF-8, no embedded NUL, no duplicate keys,
// finite numbers, integers within +/-(2^53-1), nesting <= 64. Typed accessors name the offending field
// (dotted path) in the INVALID_ARGUMENT error they throw. Unknown members are ignored; null == absent.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct cJSON;

namespace sfplugin {

constexpr int kMaxDepth = 64;
constexpr int64_t kMaxSafeInteger = 9007199254740991;  // 2^53 - 1

// A borrowed view of one JSON value plus the path that leads to it.
class JsonView {
 public:
  JsonView(const cJSON* node, std::string path) : node_(node), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  bool is_object() const;

  // Member of an object; nullopt when absent or JSON null.
  std::optional<JsonView> member(const char* key) const;
  // Same, but absent is an INVALID_ARGUMENT error ("<path> is required").
  JsonView required(const char* key) const;

  std::string as_string() const;  // must be a string
  int64_t as_int() const;         // must be an integral number within +/-(2^53-1)
  bool as_bool() const;           // must be true/false
  double as_number() const;       // must be a finite number
  // A scalar rendered as text: strings as is, numbers and booleans in JSON spelling.
  std::string as_scalar_text() const;
  void expect_object() const;     // throws unless an object
  // Calls fn(key, value) for each member with a non-null value (expects an object).
  void for_each_member(const std::function<void(const std::string&, const JsonView&)>& fn) const;
  // Calls fn(element) for each element of an array (expects an array; null elements are errors).
  void for_each_element(const std::function<void(const JsonView&)>& fn) const;

 private:
  [[noreturn]] void fail(const std::string& what) const;
  const cJSON* node_;
  std::string path_;
};

// Owns a parsed request document.
class JsonDocument {
 public:
  // Parses and validates `bytes`; the root must be an object. Throws INVALID_ARGUMENT (field "request").
  static JsonDocument parse(const char* bytes, size_t length);
  JsonView root() const { return JsonView(root_.get(), ""); }

 private:
  struct Deleter {
    void operator()(cJSON* p) const;
  };
  std::unique_ptr<cJSON, Deleter> root_;
};

}  // namespace sfplugin
