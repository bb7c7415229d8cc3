// RAII wrapper over cJSON: an owning `Json` (parse/build) and a non-owning `JsonView` with lenient,
// typed getters for Element replies. A parsed document's nodes live in one arena (a few allocations per
// reply instead of one per value, which glibc's malloc made the cost that grew most with concurrent
// callers); a built one is an ordinary cJSON tree. The first change to a parsed document copies it
// into an ordinary tree, so every builder works on both. Integers are read from valuedouble with range
// and integral checks (never valueint, which saturates at INT_MAX), and only up to 2^53 in magnitude:
// beyond that a JSON number has already lost precision in the double cJSON keeps; numeric strings are
// accepted too (exactly, in the full int64 range), because Element and its clients are lenient about
// types.
#pragma once

#include <cjson/cJSON.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace solidfire {

class JsonView {
 public:
  JsonView() = default;
  explicit JsonView(const cJSON* node) : node_(node) {}

  bool valid() const { return node_ != nullptr && !cJSON_IsNull(node_); }
  bool is_object() const { return node_ != nullptr && cJSON_IsObject(node_); }
  bool is_array() const { return node_ != nullptr && cJSON_IsArray(node_); }
  bool is_string() const { return node_ != nullptr && cJSON_IsString(node_); }
  const cJSON* raw() const { return node_; }

  // Member of an object (case-sensitive); invalid view when absent or not an object.
  JsonView operator[](const char* key) const;
  JsonView get(const char* key) const { return (*this)[key]; }
  bool has(const char* key) const { return (*this)[key].valid(); }

  // Array access.
  size_t size() const;
  JsonView at(size_t index) const;
  std::vector<JsonView> items() const;

  // Scalar conversions of this node; nullopt when absent or of an unusable type/range.
  std::optional<int64_t> as_int64() const;
  std::optional<double> as_double() const;
  std::optional<std::string> as_string() const;
  std::optional<bool> as_bool() const;

  // Convenience: member conversions.
  std::optional<int64_t> int64(const char* key) const { return (*this)[key].as_int64(); }
  std::optional<double> number(const char* key) const { return (*this)[key].as_double(); }
  std::optional<std::string> string(const char* key) const { return (*this)[key].as_string(); }
  std::optional<bool> boolean(const char* key) const { return (*this)[key].as_bool(); }
  std::string string_or(const char* key, std::string fallback) const {
    auto v = string(key);
    return v ? *v : std::move(fallback);
  }

  std::string print() const;  // compact serialisation ("null" for an invalid view)

 private:
  const cJSON* node_ = nullptr;
};

class Json {
 public:
  Json() = default;
  // Takes a tree made with cJSON's own allocator (cJSON_Create*, cJSON_Duplicate).
  explicit Json(cJSON* owned) : node_(owned) {}
  Json(Json&& other) noexcept;
  Json& operator=(Json&& other) noexcept;
  Json(const Json&) = delete;
  Json& operator=(const Json&) = delete;
  ~Json();

  static Json object();
  static Json array();
  static Json int_array(std::initializer_list<int64_t> values);
  static Json int_array(const std::vector<int64_t>& values);
  // Parses UTF-8 text; nullopt on malformed input, with the reason in `why` when given. Bounded, so
  // that a hostile peer cannot exhaust memory or stack: see the limits below. Builds the tree cJSON's
  // own parser builds and accepts what it accepts (a leading byte-order mark, any byte up to space as
  // whitespace), with one exception: a \u escape needs four hex digits (cJSON reads bad ones as
  // U+0000). Only whitespace may follow the document.
  static std::optional<Json> parse(std::string_view text, std::string* why = nullptr);

  // Largest document parse() accepts (the transport's reply bound).
  static constexpr size_t kMaxBytes = size_t{64} << 20;
  // Deepest nesting of arrays/objects (Element replies nest under 10 levels); parse() recurses per level.
  static constexpr size_t kMaxDepth = 256;
  // Most values (scalars, arrays, objects; member names count too) in one document: each costs ~64
  // bytes once parsed. A full ListVolumes page (10,000 volumes) holds under a million.
  static constexpr size_t kMaxValues = 4'000'000;

  explicit operator bool() const { return node_ != nullptr; }
  JsonView view() const { return JsonView(node_); }
  JsonView operator[](const char* key) const { return view()[key]; }
  const cJSON* raw() const { return node_; }
  // The tree, for cJSON_Delete by the caller (a parsed document is copied out of its arena first).
  cJSON* release();
  Json clone() const;  // an ordinary cJSON tree

  // Builders on objects (replace an existing member of the same name). Return *this for chaining.
  Json& set(const char* key, std::string_view value);
  Json& set(const char* key, const char* value) { return set(key, std::string_view(value)); }
  Json& set(const char* key, int64_t value);
  Json& set(const char* key, int value) { return set(key, static_cast<int64_t>(value)); }
  Json& set(const char* key, bool value);
  Json& set(const char* key, Json value);
  Json& set_null(const char* key);
  // Builders on arrays.
  Json& push(int64_t value);
  Json& push(std::string_view value);
  Json& push(Json value);

  // Removes and returns a member (owning), or an empty Json when absent. A part taken from a parsed
  // document is not copied: it shares the document's arena, which lives until both are gone.
  Json take(const char* key);
  // Removes and returns an array element (owning), or an empty Json when absent. Shares as take() does.
  Json take_item(int index);

  std::string print() const { return view().print(); }

  class Arena;  // where a parsed document's nodes live (json.cpp)

 private:
  Json(cJSON* node, std::shared_ptr<Arena> arena) : node_(node), arena_(std::move(arena)) {}
  void own();  // before a change: a node in an arena becomes an ordinary cJSON tree
  void reset();

  cJSON* node_ = nullptr;
  std::shared_ptr<Arena> arena_;  // set: node_ lives in this arena, not on cJSON's allocator
};

// The integers of a JSON array (other items skipped).
std::vector<int64_t> int_list(JsonView array);

}  // namespace solidfire
