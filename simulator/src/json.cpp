#include "json.h"

#include <charconv>
#include <climits>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>

namespace element_sim::json {

namespace {
cJSON* checked(cJSON* p) {
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

Ptr parse(std::string_view text) { return Ptr(cJSON_ParseWithLength(text.data(), text.size())); }

namespace {

// Same text as cJSON_PrintUnformatted, without its cost: cJSON formats every number with
// snprintf("%1.15g") and checks it with sscanf, which dominated the simulator's replies (callgrind:
// ~60% of a ListVolumes call). Integral numbers below 1e15 in magnitude print identically with
// std::to_chars; any other number falls back to cJSON's own formatting rules.
// True when one of the 8 bytes of `w` needs escaping (< 0x20, '"' or '\\'): the usual "has a zero
// byte" bit trick on w, w^'"' and w^'\\' (exact as a yes/no answer; bytes >= 0x80 never match).
inline bool word_needs_escape(uint64_t w) {
  constexpr uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  const uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
  return (((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
}

void put_string(std::string& out, std::string_view s) {
  out.push_back('"');
  {
    const char* run = s.data();
    const char* const end = s.data() + s.size();
    const char* p = s.data();
    // Plain text (names, uuids, dates) is skipped 8 bytes at a time; escapes are handled bytewise.
    while (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if (word_needs_escape(w)) break;
      p += 8;
    }
    for (; p != end; ++p) {
      const auto c = static_cast<unsigned char>(*p);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out.append(run, static_cast<size_t>(p - run));
      run = p + 1;
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        }
      }
    }
    out.append(run, static_cast<size_t>(end - run));
  }
  out.push_back('"');
}

void put_string(std::string& out, const char* s) { put_string(out, std::string_view(s != nullptr ? s : "")); }

void put_number(std::string& out, double d) {
  if (std::isnan(d) || std::isinf(d)) {
    out += "null";
    return;
  }
  if (d == 0 && std::signbit(d)) {  // cJSON prints negative zero as "-0"
    out += "-0";
    return;
  }
  if (d > -1e15 && d < 1e15 && std::floor(d) == d) {
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(d));
    out.append(buf, r.ptr);
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%1.15g", d);
  // cJSON's round-trip test (relative tolerance of one epsilon).
  double back = 0;
  const bool parsed = std::sscanf(buf, "%lg", &back) == 1;
  const double mag = std::fabs(back) > std::fabs(d) ? std::fabs(back) : std::fabs(d);
  if (!parsed || std::fabs(back - d) > mag * DBL_EPSILON) std::snprintf(buf, sizeof buf, "%1.17g", d);
  out += buf;
}

void put(std::string& out, const cJSON* item) {
  switch (item->type & 0xFF) {
    case cJSON_NULL: out += "null"; return;
    case cJSON_False: out += "false"; return;
    case cJSON_True: out += "true"; return;
    case cJSON_Number: put_number(out, item->valuedouble); return;
    case cJSON_Raw:
      if (item->valuestring == nullptr) throw std::bad_alloc();
      out += item->valuestring;
      return;
    case cJSON_String: put_string(out, item->valuestring); return;
    case cJSON_Array: {
      out.push_back('[');
      for (const cJSON* c = item->child; c != nullptr; c = c->next) {
        put(out, c);
        if (c->next != nullptr) out.push_back(',');
      }
      out.push_back(']');
      return;
    }
    case cJSON_Object: {
      out.push_back('{');
      for (const cJSON* c = item->child; c != nullptr; c = c->next) {
        put_string(out, c->string);
        out.push_back(':');
        put(out, c);
        if (c->next != nullptr) out.push_back(',');
      }
      out.push_back('}');
      return;
    }
    default: throw std::bad_alloc();  // cJSON_Invalid: cJSON_Print fails too
  }
}

}  // namespace

std::string print(const cJSON* item) {
  if (item == nullptr) throw std::bad_alloc();
  std::string out;
  out.reserve(256);
  put(out, item);
  return out;
}

Ptr object() { return Ptr(checked(cJSON_CreateObject())); }
Ptr array() { return Ptr(checked(cJSON_CreateArray())); }

cJSON* make_int(int64_t v) {
  if (v >= INT_MIN && v <= INT_MAX) return checked(cJSON_CreateNumber(static_cast<double>(v)));
  return checked(cJSON_CreateRaw(std::to_string(v).c_str()));
}

cJSON* make_raw(std::string_view text) { return checked(cJSON_CreateRaw(std::string(text).c_str())); }
cJSON* make_raw(const std::string& text) { return checked(cJSON_CreateRaw(text.c_str())); }
cJSON* make_raw(const char* text) { return checked(cJSON_CreateRaw(text)); }

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
void append_string(std::string& out, std::string_view s) {
  // cJSON strings end at the first NUL; keep the same text.
  if (auto nul = s.find('\0'); nul != std::string_view::npos) s = s.substr(0, nul);
  put_string(out, s);
}

void append(std::string& out, const cJSON* item) {
  if (item == nullptr) throw std::bad_alloc();
  put(out, item);
}

void ObjectWriter::key(std::string_view k) {
  if (out_.size() > 1) out_.push_back(',');
  put_string(out_, k);
  out_.push_back(':');
}

ObjectWriter& ObjectWriter::str(std::string_view k, std::string_view v) {
  key(k);
  append_string(out_, v);
  return *this;
}

ObjectWriter& ObjectWriter::num(std::string_view k, int64_t v) {
  key(k);
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out_.append(buf, r.ptr);
  return *this;
}

ObjectWriter& ObjectWriter::boolean(std::string_view k, bool v) {
  key(k);
  out_ += v ? "true" : "false";
  return *this;
}

ObjectWriter& ObjectWriter::null(std::string_view k) {
  key(k);
  out_ += "null";
  return *this;
}

ObjectWriter& ObjectWriter::raw(std::string_view k, std::string_view json_text) {
  key(k);
  out_ += json_text;
  return *this;
}

void push_int(cJSON* arr, int64_t v) { push(arr, make_int(v)); }
void push_str(cJSON* arr, std::string_view v) { push(arr, checked(cJSON_CreateString(std::string(v).c_str()))); }

}  // namespace element_sim::json
