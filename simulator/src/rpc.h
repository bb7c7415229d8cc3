// JSON-RPC plumbing: errors, lenient parameter access, the method registry and the dispatcher.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api_version.h"
#include "json.h"

namespace spdlog {
class logger;
}

namespace element_sim {

class Cluster;

// An Element API error: always sent with code 500.
struct RpcError : std::runtime_error {
  RpcError(std::string n, std::string msg) : std::runtime_error(msg), name(std::move(n)) {}
  std::string name;
};
[[noreturn]] void fail(std::string name, std::string message);
[[noreturn]] void fail_missing(std::string_view member);                        // xMissingParameter
[[noreturn]] void fail_invalid(std::string_view member, std::string_view why);  // xInvalidParameter

// Named request parameters with Element's lenient typing:
//  * absent and JSON null are the same;
//  * integers accept JSON numbers with an integral value and decimal strings ("12");
//  * booleans accept true/false, the strings "true"/"false" (any case) and the numbers 0/1;
//  * strings accept strings, and numbers/booleans (converted to their JSON text);
//  * anything else is xInvalidParameter naming the member.
// Go zero values (Trident) are "not specified" where the caller says so (zero_is_absent /
// empty_is_absent / empty objects).
class Params {
 public:
  explicit Params(const cJSON* obj) : obj_(obj) {}

  const cJSON* get(const char* name) const;  // nullptr when absent or null
  bool has(const char* name) const { return get(name) != nullptr; }

  std::optional<int64_t> opt_int(const char* name, bool zero_is_absent = false) const;
  int64_t req_int(const char* name) const;
  std::optional<bool> opt_bool(const char* name) const;
  std::optional<std::string> opt_string(const char* name, bool empty_is_absent = false) const;
  std::string req_string(const char* name) const;  // "" counts as missing
  // An object member; nullptr when absent/null. Non-objects are xInvalidParameter.
  const cJSON* opt_object(const char* name) const;
  // An array of integers (elements coerced like opt_int; null elements skipped).
  std::optional<std::vector<int64_t>> opt_int_array(const char* name) const;

 private:
  const cJSON* obj_;
};

// Per-call context handed to every method.
struct CallInfo {
  ApiVersion version;
  int64_t now = 0;  // unix seconds
  const class Registry* registry = nullptr;
};

using Handler = json::Ptr (*)(Cluster&, const Params&, const CallInfo&);

struct MethodInfo {
  std::string name;
  ApiVersion since;
  Handler fn = nullptr;
};

class Registry {
 public:
  void add(std::string name, ApiVersion since, Handler fn);
  const MethodInfo* find(std::string_view name) const;
  // Names of the methods available at `v`, sorted.
  std::vector<std::string> names(ApiVersion v) const;

 private:
  std::unordered_map<std::string, MethodInfo> methods_;
};

// Built once; every method family registers itself here.
const Registry& default_registry();
void register_cluster_methods(Registry& r);
void register_account_methods(Registry& r);
void register_volume_methods(Registry& r);

// Handles one request body for `cluster` at endpoint version `v` and returns the compact JSON reply.
// Never throws except std::bad_alloc.
std::string dispatch(Cluster& cluster, std::string_view body, ApiVersion v, spdlog::logger* log);

}  // namespace element_sim
