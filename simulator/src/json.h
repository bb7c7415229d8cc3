// Small RAII and builder helpers over cJSON.
#pragma once

#include <cjson/cJSON.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace element_sim::json {

struct Deleter {
  void operator()(cJSON* p) const noexcept { cJSON_Delete(p); }
};
using Ptr = std::unique_ptr<cJSON, Deleter>;

// Parses a JSON text; returns nullptr when it is not valid JSON.
Ptr parse(std::string_view text);
// Compact serialisation ("{"a":1}"); throws std::bad_alloc on allocation failure.
std::string print(const cJSON* item);

Ptr object();
Ptr array();

// Integer with exact decimal formatting (cJSON would print large doubles as 1e+15).
cJSON* make_int(int64_t v);
// Raw, already-serialised JSON text inserted verbatim.
cJSON* make_raw(std::string_view text);
cJSON* make_raw(const std::string& text);
cJSON* make_raw(const char* text);

cJSON* add(cJSON* obj, const char* key, cJSON* item);  // takes ownership of item; returns it
cJSON* add_int(cJSON* obj, const char* key, int64_t v);
cJSON* add_double(cJSON* obj, const char* key, double v);
cJSON* add_str(cJSON* obj, const char* key, std::string_view v);
cJSON* add_bool(cJSON* obj, const char* key, bool v);
cJSON* add_null(cJSON* obj, const char* key);
cJSON* add_obj(cJSON* obj, const char* key);
cJSON* add_arr(cJSON* obj, const char* key);
cJSON* add_raw(cJSON* obj, const char* key, std::string_view text);
void push(cJSON* arr, cJSON* item);  // takes ownership of item

// Appends `s` as a JSON string literal (quotes and escapes exactly as cJSON prints them).
void append_string(std::string& out, std::string_view s);
// Appends the compact text of `item` (same text as print()).
void append(std::string& out, const cJSON* item);

// Builds one compact JSON object as text, member by member, without a cJSON tree: the hot reply
// objects (volumes) are many and a tree costs two allocations per member. done() returns the text;
// wrap it with make_raw() to place it inside a cJSON reply.
class ObjectWriter {
 public:
  explicit ObjectWriter(size_t reserve = 0) {
    out_.reserve(reserve);
    out_.push_back('{');
  }
  ObjectWriter& str(std::string_view key, std::string_view v);
  ObjectWriter& num(std::string_view key, int64_t v);
  ObjectWriter& boolean(std::string_view key, bool v);
  ObjectWriter& null(std::string_view key);
  ObjectWriter& raw(std::string_view key, std::string_view json_text);  // verbatim
  std::string done() {
    out_.push_back('}');
    return std::move(out_);
  }

 private:
  void key(std::string_view k);
  std::string out_;
};
void push_int(cJSON* arr, int64_t v);
void push_str(cJSON* arr, std::string_view v);

}  // namespace element_sim::json
