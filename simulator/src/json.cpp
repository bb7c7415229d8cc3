#include "json.h"

#include <climits>
#include <new>

namespace element_sim::json {

namespace {
cJSON* checked(cJSON* p) {
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

Ptr parse(std::string_view text) { return Ptr(cJSON_ParseWithLength(text.data(), text.size())); }

std::string print(const cJSON* item) {
  char* s = cJSON_PrintUnformatted(item);
  if (s == nullptr) throw std::bad_alloc();
  std::string out(s);
  cJSON_free(s);
  return out;
}

Ptr object() { return Ptr(checked(cJSON_CreateObject())); }
Ptr array() { return Ptr(checked(cJSON_CreateArray())); }

cJSON* make_int(int64_t v) {
  if (v >= INT_MIN && v <= INT_MAX) return checked(cJSON_CreateNumber(static_cast<double>(v)));
  return checked(cJSON_CreateRaw(std::to_string(v).c_str()));
}

cJSON* make_raw(std::string_view text) { return checked(cJSON_CreateRaw(std::string(text).c_str())); }

cJSON* add(cJSON* obj, const char* key, cJSON* item) {
  if (!cJSON_AddItemToObject(obj, key, item)) {
    cJSON_Delete(item);
    throw std::bad_alloc();
  }
  return item;
}
cJSON* add_int(cJSON* obj, const char* key, int64_t v) { return add(obj, key, make_int(v)); }
cJSON* add_double(cJSON* obj, const char* key, double v) { return add(obj, key, checked(cJSON_CreateNumber(v))); }
cJSON* add_str(cJSON* obj, const char* key, std::string_view v) {
  return add(obj, key, checked(cJSON_CreateString(std::string(v).c_str())));
}
cJSON* add_bool(cJSON* obj, const char* key, bool v) { return add(obj, key, checked(cJSON_CreateBool(v ? 1 : 0))); }
cJSON* add_null(cJSON* obj, const char* key) { return add(obj, key, checked(cJSON_CreateNull())); }
cJSON* add_obj(cJSON* obj, const char* key) { return add(obj, key, checked(cJSON_CreateObject())); }
cJSON* add_arr(cJSON* obj, const char* key) { return add(obj, key, checked(cJSON_CreateArray())); }
cJSON* add_raw(cJSON* obj, const char* key, std::string_view text) { return add(obj, key, make_raw(text)); }

void push(cJSON* arr, cJSON* item) {
  if (!cJSON_AddItemToArray(arr, item)) {
    cJSON_Delete(item);
    throw std::bad_alloc();
  }
}
void push_int(cJSON* arr, int64_t v) { push(arr, make_int(v)); }
void push_str(cJSON* arr, std::string_view v) { push(arr, checked(cJSON_CreateString(std::string(v).c_str()))); }

}  // namespace element_sim::json
