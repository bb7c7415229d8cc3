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
  int64_t now_ms = 0;  // simulated milliseconds (same clock as `now`)
};

// Method flags: mutating methods are journalled (persistence); cross-cluster methods run with every
// cluster of the Server locked; internal methods are the simulator's own (not Element's): only
// dispatch(..., internal = true) reaches them (Server controls and journal replay), GetAPI does not
// list them, and they are not counted as RPCs.
enum MethodFlag : unsigned { kReadOnly = 0, kMutating = 1, kCrossCluster = 2, kInternal = 4 };

// The fill control's internal method (simulated writes; methods_volumes.cpp). Not a valid Element
// method name, so no client request can collide with it.
inline constexpr const char* kFillMethod = "element-sim.Fill";

using Handler = json::Ptr (*)(Cluster&, const Params&, const CallInfo&);

struct MethodInfo {
  std::string name;
  ApiVersion since;
  Handler fn = nullptr;
  unsigned flags = kReadOnly;
};

class Registry {
 public:
  void add(std::string name, ApiVersion since, Handler fn, unsigned flags = kReadOnly);
  const MethodInfo* find(std::string_view name) const;
  // Names of the methods available at `v`, sorted.
  std::vector<std::string> names(ApiVersion v) const;

 private:
  // Transparent lookup: find(string_view) without building a std::string per request.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, MethodInfo, Hash, std::equal_to<>> methods_;
};

// Built once; every method family registers itself here.
const Registry& default_registry();
void register_cluster_methods(Registry& r);
void register_account_methods(Registry& r);
void register_volume_methods(Registry& r);
void register_snapshot_methods(Registry& r);
void register_access_group_methods(Registry& r);
void register_qos_policy_methods(Registry& r);
void register_pairing_methods(Registry& r);

// What dispatch() learnt about a request (for fault injection, persistence and logging).
struct DispatchInfo {
  std::string method;      // empty when the body had none
  unsigned flags = kReadOnly;
  bool known = false;      // the method exists at this endpoint version
  std::string error_name;  // empty on success
};

// Handles one request body for `cluster` at endpoint version `v` and returns the compact JSON reply.
// Never throws except std::bad_alloc.
// `now_ms` < 0 = the cluster's clock (replay passes the journalled time). `internal` admits kInternal
// methods (for everyone else they are xUnknownAPIMethod).
std::string dispatch(Cluster& cluster, std::string_view body, ApiVersion v, spdlog::logger* log,
                     DispatchInfo* info = nullptr, int64_t now_ms = -1, bool internal = false);
// A JSON-RPC error reply echoing the id of `body` (null when it has none).
std::string error_reply(std::string_view body, const std::string& name, const std::string& message);
// Extracts the method name of a request body without dispatching it ("" if none).
std::string peek_method(std::string_view body);

}  // namespace element_sim
