#include "rpc.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <mutex>

#include "cluster_state.h"
#include "fabric.h"
#include "journal.h"

namespace element_sim {

void fail(std::string name, std::string message) { throw RpcError(std::move(name), std::move(message)); }

void fail_missing(std::string_view member) {
  fail("xMissingParameter", "Missing member=[" + std::string(member) + "]");
}

void fail_invalid(std::string_view member, std::string_view why) {
  fail("xInvalidParameter", "Invalid value for member=[" + std::string(member) + "]: " + std::string(why));
}

// ---------------------------------------------------------------- Params

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lo = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
           return lo(x) == lo(y);
         });
}

std::optional<int64_t> to_int(const cJSON* item) {
  if (cJSON_IsNumber(item)) {
    double d = item->valuedouble;
    if (!std::isfinite(d) || std::floor(d) != d || d < -9.2233720368547758e18 || d >= 9.2233720368547758e18)
      return std::nullopt;
    return static_cast<int64_t>(d);
  }
  if (cJSON_IsString(item)) {
    std::string_view s = item->valuestring;
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
  }
  return std::nullopt;
}

}  // namespace

const cJSON* Params::get(const char* name) const {
  if (obj_ == nullptr) return nullptr;
  const cJSON* item = cJSON_GetObjectItemCaseSensitive(obj_, name);
  if (item == nullptr || cJSON_IsNull(item)) return nullptr;
  return item;
}

std::optional<int64_t> Params::opt_int(const char* name, bool zero_is_absent) const {
  const cJSON* item = get(name);
  if (item == nullptr) return std::nullopt;
  auto v = to_int(item);
  if (!v) fail_invalid(name, "expected an integer");
  if (zero_is_absent && *v == 0) return std::nullopt;
  return v;
}

int64_t Params::req_int(const char* name) const {
  auto v = opt_int(name);
  if (!v) fail_missing(name);
  return *v;
}

std::optional<bool> Params::opt_bool(const char* name) const {
  const cJSON* item = get(name);
  if (item == nullptr) return std::nullopt;
  if (cJSON_IsBool(item)) return cJSON_IsTrue(item) != 0;
  if (cJSON_IsString(item)) {
    if (iequals(item->valuestring, "true")) return true;
    if (iequals(item->valuestring, "false")) return false;
  }
  if (cJSON_IsNumber(item)) {
    if (item->valuedouble == 0) return false;
    if (item->valuedouble == 1) return true;
  }
  fail_invalid(name, "expected a boolean");
}

std::optional<std::string> Params::opt_string(const char* name, bool empty_is_absent) const {
  const cJSON* item = get(name);
  if (item == nullptr) return std::nullopt;
  std::string s;
  if (cJSON_IsString(item)) {
    s = item->valuestring;
  } else if (cJSON_IsNumber(item)) {
    if (auto v = to_int(item)) {
      s = std::to_string(*v);
    } else {
      s = json::print(item);
    }
  } else if (cJSON_IsBool(item)) {
    s = cJSON_IsTrue(item) ? "true" : "false";
  } else {
    fail_invalid(name, "expected a string");
  }
  if (empty_is_absent && s.empty()) return std::nullopt;
  return s;
}

std::string Params::req_string(const char* name) const {
  auto s = opt_string(name, true);
  if (!s) fail_missing(name);
  return *s;
}

const cJSON* Params::opt_object(const char* name) const {
  const cJSON* item = get(name);
  if (item == nullptr) return nullptr;
  if (!cJSON_IsObject(item)) fail_invalid(name, "expected an object");
  return item;
}

std::optional<std::vector<int64_t>> Params::opt_int_array(const char* name) const {
  const cJSON* item = get(name);
  if (item == nullptr) return std::nullopt;
  if (!cJSON_IsArray(item)) {
    // A single scalar is accepted as a one-element array.
    if (auto v = to_int(item)) return std::vector<int64_t>{*v};
    fail_invalid(name, "expected an array of integers");
  }
  std::vector<int64_t> out;
  const cJSON* el = nullptr;
  cJSON_ArrayForEach(el, item) {
    if (cJSON_IsNull(el)) continue;
    auto v = to_int(el);
    if (!v) fail_invalid(name, "expected an array of integers");
    out.push_back(*v);
  }
  return out;
}

// ---------------------------------------------------------------- Registry

void Registry::add(std::string name, ApiVersion since, Handler fn, unsigned flags) {
  MethodInfo info{name, since, fn, flags};
  methods_[std::move(name)] = std::move(info);
}

const MethodInfo* Registry::find(std::string_view name) const {
  auto it = methods_.find(name);
  return it == methods_.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::names(ApiVersion v) const {
  std::vector<std::string> out;
  for (const auto& [n, info] : methods_) {
    if (info.since <= v && (info.flags & kInternal) == 0) out.push_back(n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

const Registry& default_registry() {
  static const Registry r = [] {
    Registry reg;
    register_cluster_methods(reg);
    register_account_methods(reg);
    register_volume_methods(reg);
    register_snapshot_methods(reg);
    register_access_group_methods(reg);
    register_qos_policy_methods(reg);
    register_pairing_methods(reg);
    return reg;
  }();
  return r;
}

// ---------------------------------------------------------------- dispatch

namespace {

cJSON* echo_id(const cJSON* id) {
  if (id == nullptr || cJSON_IsNull(id)) return cJSON_CreateNull();
  if (cJSON_IsNumber(id)) {
    if (auto v = to_int(id)) return json::make_int(*v);
  }
  return cJSON_Duplicate(id, 1);
}

}  // namespace

std::string error_reply(std::string_view body, const std::string& name, const std::string& message) {
  json::Ptr req = json::parse(body);
  const cJSON* id = req && cJSON_IsObject(req.get()) ? cJSON_GetObjectItemCaseSensitive(req.get(), "id") : nullptr;
  json::Ptr reply = json::object();
  json::add(reply.get(), "id", echo_id(id));
  cJSON* err = json::add_obj(reply.get(), "error");
  json::add_int(err, "code", 500);
  json::add_str(err, "name", name);
  json::add_str(err, "message", message);
  return json::print(reply.get());
}

std::string peek_method(std::string_view body) {
  json::Ptr req = json::parse(body);
  if (!req || !cJSON_IsObject(req.get())) return {};
  const cJSON* m = cJSON_GetObjectItemCaseSensitive(req.get(), "method");
  return cJSON_IsString(m) ? m->valuestring : "";
}

std::string dispatch(Cluster& cluster, std::string_view body, ApiVersion v, spdlog::logger* log, DispatchInfo* info_out,
                     int64_t now_ms, bool internal) {
  const auto t0 = std::chrono::steady_clock::now();
  json::Ptr reply = json::object();
  json::Ptr req = json::parse(body);
  std::string method;
  std::string error_name;
  const cJSON* id = nullptr;
  try {
    if (!req || !cJSON_IsObject(req.get())) {
      cluster.count_rpc("");
      fail("xInvalidRequest", req ? "Request must be a JSON object" : "Invalid JSON in request body");
    }
    id = cJSON_GetObjectItemCaseSensitive(req.get(), "id");
    const cJSON* m = cJSON_GetObjectItemCaseSensitive(req.get(), "method");
    if (!cJSON_IsString(m) || m->valuestring[0] == '\0') {
      cluster.count_rpc("");
      fail("xInvalidRequest", "Missing member=[method]");
    }
    method = m->valuestring;
    const MethodInfo* info = default_registry().find(method);
    const bool is_internal = info != nullptr && (info->flags & kInternal) != 0;
    if (is_internal && !internal) info = nullptr;  // not Element's: unknown to clients
    if (!is_internal || !internal) cluster.count_rpc(method);  // a control is not an RPC
    const cJSON* params = cJSON_GetObjectItemCaseSensitive(req.get(), "params");
    json::Ptr empty;
    if (params == nullptr || cJSON_IsNull(params)) {
      empty = json::object();
      params = empty.get();
    } else if (!cJSON_IsObject(params)) {
      fail("xInvalidRequest", "params must be an object of named parameters");
    }
    if (info_out != nullptr) info_out->method = method;
    if (info == nullptr || v < info->since) fail("xUnknownAPIMethod", "Unknown method=" + method);
    if (info_out != nullptr) {
      info_out->flags = info->flags;
      info_out->known = true;
    }

    if (now_ms < 0) now_ms = cluster.clock != nullptr ? cluster.clock->now_ms() : now_seconds() * 1000;
    CallInfo call{v, now_ms / 1000, &default_registry(), now_ms};
    json::Ptr result;
    // Persistence: a mutating request is journalled (and made durable) while the lock(s) are held,
    // whether it succeeded or not, so replay sees the same requests in the same order.
    Journal* journal = (info->flags & kMutating) != 0 && cluster.fabric != nullptr ? cluster.fabric->journal : nullptr;
    auto run = [&] {
      try {
        result = info->fn(cluster, Params(params), call);
      } catch (const RpcError&) {
        // A refused control changed nothing (it validates first): not journalled.
        if (journal != nullptr && !is_internal) journal->append(cluster.index, v.str(), call.now_ms, body);
        throw;
      }
      if (journal != nullptr) journal->append(cluster.index, v.str(), call.now_ms, body);
    };
    if ((info->flags & kCrossCluster) != 0 && cluster.fabric != nullptr) {
      // Every cluster, ascending index (the order every multi-lock uses), then the call.
      std::vector<std::unique_lock<std::mutex>> locks;
      for (Cluster* c : cluster.fabric->clusters) locks.emplace_back(c->mu);
      for (Cluster* c : cluster.fabric->clusters) c->advance(call.now_ms);
      run();
    } else {
      std::lock_guard lk(cluster.mu);
      cluster.advance(call.now_ms);
      run();
    }
    json::add(reply.get(), "id", echo_id(id));
    json::add(reply.get(), "result", result ? result.release() : json::object().release());
  } catch (const RpcError& e) {
    error_name = e.name;
    reply = json::object();
    json::add(reply.get(), "id", echo_id(id));
    cJSON* err = json::add_obj(reply.get(), "error");
    json::add_int(err, "code", 500);
    json::add_str(err, "name", e.name);
    json::add_str(err, "message", e.what());
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    error_name = "xUnknownException";
    reply = json::object();
    json::add(reply.get(), "id", echo_id(id));
    cJSON* err = json::add_obj(reply.get(), "error");
    json::add_int(err, "code", 500);
    json::add_str(err, "name", error_name);
    json::add_str(err, "message", std::string("Internal simulator error: ") + e.what());
  }
  if (info_out != nullptr) info_out->error_name = error_name;
  std::string out = json::print(reply.get());
  if (log != nullptr && log->should_log(spdlog::level::debug)) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
    std::string id_text = id ? json::print(id) : "null";
    log->debug("cluster={} v={} method={} id={} duration_us={} error={}", cluster.index, v.str(),
               method.empty() ? "-" : method, id_text, us.count(), error_name.empty() ? "-" : error_name);
  }
  return out;
}

}  // namespace element_sim
