#include "json.h"

#include <cmath>
#include <cstdio>
#include <new>

namespace vdp::host::cli {
namespace {

std::string print_unformatted(const cJSON* j) {
  std::unique_ptr<char, decltype(&cJSON_free)> s(cJSON_PrintUnformatted(j), &cJSON_free);
  if (!s) throw std::bad_alloc();
  return s.get();
}

std::string quoted(const char* s) {
  Json str(cJSON_CreateString(s ? s : ""));
  if (!str) throw std::bad_alloc();
  return print_unformatted(str.get());
}

void pretty_into(const cJSON* j, int indent, std::string& out) {
  const bool is_obj = cJSON_IsObject(j) != 0;
  if (!is_obj && !cJSON_IsArray(j)) {
    out += print_unformatted(j);
    return;
  }
  const cJSON* child = j->child;
  if (!child) {
    out += is_obj ? "{}" : "[]";
    return;
  }
  out += is_obj ? "{\n" : "[\n";
  const std::string pad(static_cast<size_t>(indent + 2), ' ');
  for (; child; child = child->next) {
    out += pad;
    if (is_obj) out += quoted(child->string) + ": ";
    pretty_into(child, indent + 2, out);
    if (child->next) out += ",";
    out += "\n";
  }
  out += std::string(static_cast<size_t>(indent), ' ') + (is_obj ? "}" : "]");
}

}  // namespace

Json parse_json(const std::string& text) {
  const char* end = nullptr;
  Json j(cJSON_ParseWithLengthOpts(text.data(), text.size(), &end, 0));
  if (!j) return nullptr;
  const char* const stop = text.data() + text.size();
  for (; end && end < stop; ++end)
    if (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\r') return nullptr;
  return j;
}

std::string to_string(const cJSON* j, bool pretty) {
  if (!pretty) return print_unformatted(j);
  std::string out;
  pretty_into(j, 0, out);
  return out;
}

std::string reformat(const std::string& text, bool pretty) {
  const Json j = parse_json(text);
  return j ? to_string(j.get(), pretty) : text;
}

Json make_object() {
  Json j(cJSON_CreateObject());
  if (!j) throw std::bad_alloc();
  return j;
}

void set(cJSON* obj, const char* key, Json value) {
  if (!value) throw std::bad_alloc();
  if (cJSON_GetObjectItemCaseSensitive(obj, key)) {
    cJSON_ReplaceItemInObjectCaseSensitive(obj, key, value.release());
  } else {
    cJSON_AddItemToObject(obj, key, value.release());
  }
}

void set_string(cJSON* obj, const char* key, const std::string& value) { set(obj, key, Json(cJSON_CreateString(value.c_str()))); }
void set_number(cJSON* obj, const char* key, double value) { set(obj, key, Json(cJSON_CreateNumber(value))); }

Json duplicate(const cJSON* j) {
  Json d(cJSON_Duplicate(j, 1));
  if (!d) throw std::bad_alloc();
  return d;
}

std::optional<std::string> get_string(const cJSON* obj, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!cJSON_IsString(v) || !v->valuestring) return std::nullopt;
  return std::string(v->valuestring);
}

std::optional<double> get_number(const cJSON* obj, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!cJSON_IsNumber(v)) return std::nullopt;
  return v->valuedouble;
}

std::string scalar_text(const cJSON* j) {
  if (!j) return "";
  if (cJSON_IsString(j)) return j->valuestring ? j->valuestring : "";
  if (cJSON_IsNumber(j)) {
    const double d = j->valuedouble;
    char buf[64];
    if (std::nearbyint(d) == d && std::fabs(d) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", d);
    else std::snprintf(buf, sizeof buf, "%.2f", d);
    return buf;
  }
  if (cJSON_IsBool(j)) return cJSON_IsTrue(j) ? "true" : "false";
  if (cJSON_IsNull(j)) return "null";
  return print_unformatted(j);
}

}  // namespace vdp::host::cli
