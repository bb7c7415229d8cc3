// The single guard around every operation: validates the ABI arguments, parses the request, runs the
// body, and turns every failure (driver errors, bad input, bad_alloc, anything) into a status plus an
// error object. Nothing escapes: the entry points are noexcept and catch everything.
#pragma once

#include <new>
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

// Writes an error object; falls back to *out = NULL when even that cannot be allocated.
inline vdp_status fail(ErrorInfo info, vdp_driver* drv, vdp_context* ctx, char** out, size_t* out_len) noexcept {
  try {
    if (drv != nullptr) {
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

template <class Body>
vdp_status run_op(const char* operation, vdp_driver* drv, vdp_context* ctx, const char* req, size_t req_len,
                  char** out, size_t* out_len, Body&& body) noexcept {
  if (out == nullptr) return VDP_E_INVALID_ARGUMENT;
  *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
  if (drv == nullptr || !drv->driver) {
    return fail(simple_error(VDP_E_INVALID_ARGUMENT, "driver handle is NULL", operation, "drv"), nullptr, ctx, out,
                out_len);
  }
  try {
    CurrentCall scope(&drv->host, ctx);
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

}  // namespace sfplugin
