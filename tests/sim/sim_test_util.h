// Helpers for the element-sim tests: in-process RPC calls and cJSON accessors.
#pragma once

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "element_sim/server.h"

namespace simtest {

struct JsonDeleter {
  void operator()(cJSON* p) const noexcept { cJSON_Delete(p); }
};
using Json = std::unique_ptr<cJSON, JsonDeleter>;

// Strict: trailing garbage ("401 Unauthorized") is not JSON.
inline Json parse(const std::string& s) { return Json(cJSON_ParseWithOpts(s.c_str(), nullptr, 1)); }

// Sends {"method":..,"params":<params>,"id":1} through Server::handle and parses the reply.
inline Json call(element_sim::Server& s, const std::string& method, const std::string& params = "{}",
                 const std::string& version = "12.3", int cluster = 0) {
  std::string body = "{\"method\":\"" + method + "\",\"params\":" + params + ",\"id\":1}";
  Json j = parse(s.handle(body, version, cluster));
  EXPECT_TRUE(j) << "reply is not JSON";
  return j;
}

inline const cJSON* get(const cJSON* o, const char* k) { return cJSON_GetObjectItemCaseSensitive(o, k); }
inline const cJSON* result(const Json& j) { return get(j.get(), "result"); }
inline std::string error_name(const Json& j) {
  const cJSON* e = get(j.get(), "error");
  const cJSON* n = e ? get(e, "name") : nullptr;
  return cJSON_IsString(n) ? n->valuestring : "";
}
inline std::string error_message(const Json& j) {
  const cJSON* e = get(j.get(), "error");
  const cJSON* m = e ? get(e, "message") : nullptr;
  return cJSON_IsString(m) ? m->valuestring : "";
}
inline int64_t num(const cJSON* o, const char* k) {
  const cJSON* v = get(o, k);
  EXPECT_TRUE(cJSON_IsNumber(v)) << k;
  return cJSON_IsNumber(v) ? static_cast<int64_t>(v->valuedouble) : -1;
}
inline std::string str(const cJSON* o, const char* k) {
  const cJSON* v = get(o, k);
  EXPECT_TRUE(cJSON_IsString(v)) << k;
  return cJSON_IsString(v) ? v->valuestring : "";
}
inline std::string print(const cJSON* o) {
  char* s = cJSON_PrintUnformatted(o);
  std::string out = s ? s : "";
  cJSON_free(s);
  return out;
}

inline element_sim::Options plain_options() {
  element_sim::Options o;
  o.tls = false;
  o.io_threads = 1;
  return o;
}

// Creates an account and returns its id.
inline int64_t add_account(element_sim::Server& s, const std::string& name, int cluster = 0) {
  Json j = call(s, "AddAccount", "{\"username\":\"" + name + "\"}", "12.3", cluster);
  EXPECT_TRUE(result(j)) << print(j.get());
  return result(j) ? num(result(j), "accountID") : -1;
}

// Creates a 1 GiB volume and returns its id.
inline int64_t create_volume(element_sim::Server& s, const std::string& name, int64_t account,
                             const std::string& extra = "", int cluster = 0) {
  Json j = call(s, "CreateVolume",
                "{\"name\":\"" + name + "\",\"accountID\":" + std::to_string(account) +
                    ",\"totalSize\":1073741824,\"enable512e\":true" + extra + "}",
                "12.3", cluster);
  EXPECT_TRUE(result(j)) << print(j.get());
  return result(j) ? num(result(j), "volumeID") : -1;
}

// Ids of result.volumes, in order.
inline std::vector<int64_t> volume_ids(const Json& j) {
  std::vector<int64_t> ids;
  const cJSON* r = result(j);
  const cJSON* vols = r ? get(r, "volumes") : nullptr;
  EXPECT_TRUE(cJSON_IsArray(vols)) << print(j.get());
  const cJSON* v = nullptr;
  cJSON_ArrayForEach(v, vols) ids.push_back(num(v, "volumeID"));
  return ids;
}

}  // namespace simtest
