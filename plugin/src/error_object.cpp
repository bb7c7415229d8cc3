#include "error_object.h"

#include "json_out.h"

namespace sfplugin {

vdp_status to_status(solidfire::ErrorCode code) {
  using solidfire::ErrorCode;
  switch (code) {
    case ErrorCode::kOk: return VDP_OK;
    case ErrorCode::kInvalidArgument: return VDP_E_INVALID_ARGUMENT;
    case ErrorCode::kNotFound: return VDP_E_NOT_FOUND;
    case ErrorCode::kAlreadyExists: return VDP_E_ALREADY_EXISTS;
    case ErrorCode::kFailedPrecondition: return VDP_E_FAILED_PRECONDITION;
    case ErrorCode::kResourceExhausted: return VDP_E_RESOURCE_EXHAUSTED;
    case ErrorCode::kAborted: return VDP_E_ABORTED;
    case ErrorCode::kNotSupported: return VDP_E_NOT_SUPPORTED;
    case ErrorCode::kConfig: return VDP_E_CONFIG;
    case ErrorCode::kAuth: return VDP_E_AUTH;
    case ErrorCode::kBackend: return VDP_E_BACKEND;
    case ErrorCode::kUnavailable: return VDP_E_UNAVAILABLE;
    case ErrorCode::kTimeout: return VDP_E_TIMEOUT;
    case ErrorCode::kCancelled: return VDP_E_CANCELLED;
    case ErrorCode::kInternal: return VDP_E_INTERNAL;
  }
  return VDP_E_INTERNAL;
}

ErrorInfo error_info(const solidfire::Error& e, const std::string& operation, bool cluster_changed) {
  ErrorInfo info;
  info.status = to_status(e.code());
  if (info.status == VDP_OK) info.status = VDP_E_INTERNAL;  // an Error never means success
  info.message = e.message();
  info.operation = operation;
  info.backend_error = e.backend_error();
  // "Outcome unknown" is only ever TIMEOUT or CANCELLED (vdp.h), whatever the driver's code said.
  const bool stopped = info.status == VDP_E_TIMEOUT || info.status == VDP_E_CANCELLED;
  info.outcome_unknown = e.outcome_unknown() || (stopped && cluster_changed);
  if (info.outcome_unknown && !stopped) info.status = VDP_E_TIMEOUT;
  info.retryable = e.retryable() || info.outcome_unknown || info.status == VDP_E_UNAVAILABLE ||
                   info.status == VDP_E_ABORTED;
  info.field = e.field();
  return info;
}

std::string error_json(const ErrorInfo& info) {
  JsonOut out;
  cJSON* o = out.get();
  JsonOut::str(o, "status", vdp_status_name(info.status));
  JsonOut::num(o, "code", info.status);
  JsonOut::str(o, "message", info.message);  // print() repairs invalid UTF-8 (backend or configuration text)
  JsonOut::str(o, "operation", info.operation);
  if (info.backend_error.empty()) {
    JsonOut::null(o, "backend_error");
  } else {
    JsonOut::str(o, "backend_error", info.backend_error);
  }
  JsonOut::boolean(o, "retryable", info.retryable);
  JsonOut::boolean(o, "outcome_unknown", info.outcome_unknown);
  if (info.request_id.empty()) {
    JsonOut::null(o, "request_id");
  } else {
    JsonOut::str(o, "request_id", info.request_id);
  }
  cJSON* details = JsonOut::child_object(o, "details");
  if (!info.field.empty()) JsonOut::str(details, "field", info.field);
  return out.print();
}

}  // namespace sfplugin
