// Host-side errors of the reference host library.
#pragma once

#include <stdexcept>
#include <string>

#include <vdp/vdp.h>

namespace vdp::host {

// Thrown by the library for host-side failures: load errors, ABI mismatch, bad INI, create failures.
// status() classifies it with the ABI's codes: NOT_FOUND (no such plugin), INVALID_ARGUMENT (not a usable
// plugin), ABI_MISMATCH, CONFIG (configuration file), or the plugin's own status for CreateError.
class HostError : public std::runtime_error {
 public:
  explicit HostError(const std::string& what, vdp_status status = VDP_E_INTERNAL)
      : std::runtime_error(what), status_(status) {}
  vdp_status status() const noexcept { return status_; }

 private:
  vdp_status status_;
};

// Thrown by Driver's constructor when the plugin's create fails. what() contains the plugin's error JSON
// verbatim; status() and error_json() give it structured.
class CreateError : public HostError {
 public:
  CreateError(vdp_status status, std::string error_json, const std::string& what)
      : HostError(what, status), error_json_(std::move(error_json)) {}
  const std::string& error_json() const noexcept { return error_json_; }

 private:
  std::string error_json_;
};

// A host-made error object with the ABI's shape:
// {"status":..,"code":..,"message":..,"operation":..,"retryable":false,"outcome_unknown":false,
// "request_id":..,"details":{}}.
std::string make_error_json(vdp_status status, const std::string& message, const std::string& operation = {},
                            const std::string& request_id = {});

}  // namespace vdp::host
