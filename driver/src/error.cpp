// Names of the error codes, identical to the vdp status names, for logs and messages.
#include "solidfire/error.h"

namespace solidfire {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "OK";
    case ErrorCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case ErrorCode::kNotFound: return "NOT_FOUND";
    case ErrorCode::kAlreadyExists: return "ALREADY_EXISTS";
    case ErrorCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case ErrorCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case ErrorCode::kAborted: return "ABORTED";
    case ErrorCode::kNotSupported: return "NOT_SUPPORTED";
    case ErrorCode::kConfig: return "CONFIG";
    case ErrorCode::kAuth: return "AUTH";
    case ErrorCode::kBackend: return "BACKEND";
    case ErrorCode::kUnavailable: return "UNAVAILABLE";
    case ErrorCode::kTimeout: return "TIMEOUT";
    case ErrorCode::kCancelled: return "CANCELLED";
    case ErrorCode::kInternal: return "INTERNAL";
  }
  return "INTERNAL";
}

}  // namespace solidfire
