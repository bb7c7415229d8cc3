// Errors raised by the driver. The plugin maps ErrorCode one-to-one onto vdp_status.
#pragma once

#include <exception>
#include <string>

namespace solidfire {

// Same meanings (and order) as the vdp status codes; the driver does not include vdp.h.
enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kResourceExhausted,
  kAborted,
  kNotSupported,
  kConfig,
  kAuth,
  kBackend,
  kUnavailable,
  kTimeout,
  kCancelled,
  kInternal,
};

const char* error_code_name(ErrorCode code);

class Error : public std::exception {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  // Builders for the optional parts, so call sites stay one expression.
  Error& with_field(std::string field) { field_ = std::move(field); return *this; }
  Error& with_backend_error(std::string name) { backend_error_ = std::move(name); return *this; }
  Error& with_retryable(bool retryable) { retryable_ = retryable; return *this; }
  // A write may have been applied (its reply was lost): repeating the operation tells the outcome.
  Error& with_outcome_unknown() { outcome_unknown_ = true; retryable_ = true; return *this; }

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Request field (dotted path) or configuration option at fault; empty when not about one field.
  const std::string& field() const { return field_; }
  // Element error name (e.g. "xVolumeIDDoesNotExist"); empty when the error did not come from Element.
  const std::string& backend_error() const { return backend_error_; }
  bool retryable() const { return retryable_; }
  bool outcome_unknown() const { return outcome_unknown_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  ErrorCode code_;
  std::string message_;
  std::string field_;
  std::string backend_error_;
  bool retryable_ = false;
  bool outcome_unknown_ = false;
};

}  // namespace solidfire
