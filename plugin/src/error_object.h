// The ABI's error object and the mapping from driver error codes to vdp_status.
#pragma once

#include <string>

#include "solidfire/error.h"
#include "vdp/vdp.h"

namespace sfplugin {

vdp_status to_status(solidfire::ErrorCode code);

struct ErrorInfo {
  vdp_status status = VDP_E_INTERNAL;
  std::string message;
  std::string operation;
  std::string backend_error;  // empty -> null
  bool retryable = false;
  bool outcome_unknown = false;  // a write may have been applied: repeat the operation to learn the outcome
  std::string request_id;     // empty -> null
  std::string field;          // details.field when set
};

// `cluster_changed`: a write of this call succeeded or lost its reply (CallContext::cluster_changed), so a
// deadline or cancellation leaves the outcome unknown.
ErrorInfo error_info(const solidfire::Error& e, const std::string& operation, bool cluster_changed = false);
std::string error_json(const ErrorInfo& info);

}  // namespace sfplugin
