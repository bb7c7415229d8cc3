// The single guard around every operation: validates the ABI arguments, parses the request, runs the
// body, and turns every failure (driver errors, bad input, bad_alloc, anything) into a status plus an
// error object. Nothing escapes: the entry points are noexcept and catch everything.
#pragma once

#include <new>
#include <optional>
#include <utility>
#include <string>

#include "driver_handle.h"
#include "error_object.h"
#include "out_string.h"
#include "strict_json.h"

namespace sfplugin {

struct OpCall {
  vdp_driver& handle;
  PluginCallContext& ctx;
  JsonView request;
  solidfire::SolidFireDriver& driver() { return *handle.driver; }
};

// Writes an error object (its message scrubbed of the driver's secrets); falls back to *out = NULL when
// even that cannot be allocated.
inline vdp_status fail(ErrorInfo info, vdp_driver* drv, vdp_context* ctx, char** out, size_t* out_len) noexcept {
  try {
    if (drv != nullptr) {
      info.message = drv->secrets->scrub(std::move(info.message));
      try {
        info.request_id = context_value(drv->host, ctx, "request_id").value_or("");
      } catch (...) {  // a broken context getter must not hide the real error
      }
      if (drv->logger) drv->logger->warn("{} failed: {} ({})", info.operation, info.message, vdp_status_name(info.status));
    }
    emit(error_json(info), out, out_len);
  } catch (...) {
    *out = nullptr;
    if (out_len != nullptr) *out_len = 0;
  }
  return info.status;
}

inline ErrorInfo simple_error(vdp_status status, std::string message, const char* operation, std::string field = {}) {
  ErrorInfo info;
  info.status = status;
  info.message = std::move(message);
  info.operation = operation;
  info.field = std::move(field);
  return info;
}

// The first two steps of the precedence order in vdp.h, shared by every slot (refusing ones included):
// an ABI argument that breaks the pointer contract answers INVALID_ARGUMENT before anything else.
// nullopt when the arguments are usable; *out and *out_len are reset either way when out is usable.
inline std::optional<vdp_status> check_call_arguments(const char* operation, vdp_driver* drv, vdp_context* ctx,
                                                      const char* req, char** out, size_t* out_len) noexcept {
  if (out == nullptr) return VDP_E_INVALID_ARGUMENT;  // nowhere to put an error object
  *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
  try {
    if (drv == nullptr || !drv->driver) {
      return fail(simple_error(VDP_E_INVALID_ARGUMENT, "driver handle is NULL", operation, "drv"), nullptr, ctx, out,
                  out_len);
    }
    if (req == nullptr) {
      return fail(simple_error(VDP_E_INVALID_ARGUMENT, "request: NULL; expected a JSON object", operation, "request"),
                  drv, ctx, out, out_len);
    }
  } catch (...) {  // no memory for the message: the status alone still answers
    return VDP_E_INVALID_ARGUMENT;
  }
  return std::nullopt;
}

enum class Needs { kSetup, kNothing };

// Steps after the pointer contract (vdp.h): UNAVAILABLE before a successful setup (unless the operation
// `Needs::kNothing`: setup itself, describe), then the request's JSON, then the body.
template <class Body>
vdp_status run_guarded(const char* operation, Needs needs, vdp_driver* drv, vdp_context* ctx, const char* req,
                       size_t req_len, char** out, size_t* out_len, Body&& body) noexcept {
  if (auto refused = check_call_arguments(operation, drv, ctx, req, out, out_len)) return *refused;
  try {
    CurrentCall scope(&drv->host, ctx);
    if (needs == Needs::kSetup && !drv->driver->is_setup()) {
      ErrorInfo info = simple_error(VDP_E_UNAVAILABLE, std::string(operation) + ": the driver is not set up (call setup first)",
                                    operation);
      info.retryable = true;
      return fail(std::move(info), drv, ctx, out, out_len);
    }
    PluginCallContext call_ctx(drv->host, ctx, *drv->locks);
    try {
      const JsonDocument doc = JsonDocument::parse(req, req_len);
      OpCall call{*drv, call_ctx, doc.root()};
      const std::string result = body(call);
      return emit(result, out, out_len) ? VDP_OK : VDP_E_INTERNAL;
    } catch (const solidfire::Error& e) {
      return fail(error_info(e, operation, call_ctx.cluster_changed()), drv, ctx, out, out_len);
    } catch (const std::bad_alloc&) {
      return fail(simple_error(VDP_E_INTERNAL, "out of memory", operation), drv, ctx, out, out_len);
    } catch (const std::exception& e) {
      return fail(simple_error(VDP_E_INTERNAL, std::string("internal error: ") + e.what(), operation), drv, ctx, out,
                  out_len);
    }
  } catch (...) {
    return fail(simple_error(VDP_E_INTERNAL, "internal error", operation), drv, ctx, out, out_len);
  }
}

// An operation on the backend: refused with UNAVAILABLE until setup has succeeded.
template <class Body>
vdp_status run_op(const char* operation, vdp_driver* drv, vdp_context* ctx, const char* req, size_t req_len,
                  char** out, size_t* out_len, Body&& body) noexcept {
  return run_guarded(operation, Needs::kSetup, drv, ctx, req, req_len, out, out_len, std::forward<Body>(body));
}

}  // namespace sfplugin
