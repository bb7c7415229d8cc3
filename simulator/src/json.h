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
void push_int(cJSON* arr, int64_t v);
void push_str(cJSON* arr, std::string_view v);

}  // namespace element_sim::json
