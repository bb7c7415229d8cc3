// Small owner of a cJSON tree being built for output: the one writer of result and error objects.
#pragma once

#include <cjson/cJSON.h>

#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>

#include "solidfire/utf8.h"

namespace sfplugin {

class JsonOut {
 public:
  JsonOut() : root_(cJSON_CreateObject()) { check(root_.get()); }
  explicit JsonOut(cJSON* adopt) : root_(adopt) { check(adopt); }

  cJSON* get() { return root_.get(); }
  cJSON* release() { return root_.release(); }

  // Adders on the root (or on `obj` when given); every helper throws std::bad_alloc on failure.
  static void str(cJSON* obj, const char* key, const std::string& v) { check(cJSON_AddStringToObject(obj, key, v.c_str())); }
  static void num(cJSON* obj, const char* key, double v) { check(cJSON_AddNumberToObject(obj, key, v)); }
  static void boolean(cJSON* obj, const char* key, bool v) { check(cJSON_AddBoolToObject(obj, key, v)); }
  static void null(cJSON* obj, const char* key) { check(cJSON_AddNullToObject(obj, key)); }
  static void opt_str(cJSON* obj, const char* key, const std::optional<std::string>& v) {
    if (v) str(obj, key, *v);
  }
  static cJSON* child_object(cJSON* obj, const char* key) { return check(cJSON_AddObjectToObject(obj, key)); }
  static cJSON* child_array(cJSON* obj, const char* key) { return check(cJSON_AddArrayToObject(obj, key)); }
  static void push(cJSON* array, cJSON* item) {
    check(item);
    cJSON_AddItemToArray(array, item);
  }

  // Always valid UTF-8, whatever bytes went in (configuration values, backend text): cJSON escapes
  // control characters but copies other bytes as they are, so invalid sequences become U+FFFD here.
  // Only bytes >= 0x80 change, and those appear only inside strings, so the JSON stays well-formed.
  std::string print() const {
    std::unique_ptr<char, decltype(&cJSON_free)> text(cJSON_PrintUnformatted(root_.get()), &cJSON_free);
    check(text.get());
    return solidfire::to_valid_utf8(text.get());
  }

  template <class T>
  static T* check(T* p) {
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }

 private:
  struct Deleter {
    void operator()(cJSON* p) const { cJSON_Delete(p); }
  };
  std::unique_ptr<cJSON, Deleter> root_;
};

}  // namespace sfplugin
