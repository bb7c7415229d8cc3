// Element JSON-RPC client: envelope, HTTP status and error-name mapping, retry with exponential
// backoff bounded by the caller's deadline and cancellation, per-method RPC counters.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "element_api.h"
#include "json.h"
#include "solidfire/call_context.h"
#include "solidfire/driver.h"
#include "solidfire/error.h"
#include "solidfire/transport.h"

namespace spdlog {
class logger;
}

namespace solidfire {

// Cinder 2.2.5: 5 attempts, sleeping 1, 2, 4, 8 s between them (it also sleeps 16 s after the last
// one, which only delays the failure; we do not).
struct RetryPolicy {
  int max_attempts = 5;
  std::chrono::milliseconds initial_delay{1000};
  double multiplier = 2.0;
  std::chrono::milliseconds max_delay{16000};
};

// A write whose request may have reached the cluster without an answer (read timeout, connection
// reset after sending). The caller's idempotency logic decides what happened; if it cannot, the host
// gets VDP_E_TIMEOUT with "outcome_unknown": true and repeats the (idempotent) operation to learn it.
class OutcomeUnknownError : public Error {
 public:
  explicit OutcomeUnknownError(std::string message) : Error(ErrorCode::kTimeout, std::move(message)) {
    with_outcome_unknown();
  }
};

enum class CallMode {
  kNormal,
  kSetup,  // xPermissionDenied means bad credentials here: fail fast as kAuth
};

struct ClientOptions {
  std::string base_url;  // "https://<host>:<port>"
  std::string username;
  std::string password;  // secret
  std::chrono::seconds request_timeout{30};
  RetryPolicy retry;
};

// Maps an Element error name to a driver error code (the table in one place, tested directly).
ErrorCode map_element_error(std::string_view name, CallMode mode);
// Cinder 2.2.5's retryable names (element::err::kRetryable).
bool is_retryable_element_error(std::string_view name);
// By name: Get* and List* only read. For methods outside element_api.h (tests, diagnostics).
bool is_read_method(std::string_view method);

class ElementClient {
 public:
  ElementClient(ClientOptions options, std::shared_ptr<Transport> transport, std::shared_ptr<Clock> clock,
                std::shared_ptr<spdlog::logger> logger);

  // Issues `method` on its endpoint and returns the reply's `result` object. Transient failures are
  // retried (backoff bounded by the deadline); a write whose reply was lost throws OutcomeUnknownError.
  Json call(CallContext& ctx, const element::Method& method, const Json& params, CallMode mode = CallMode::kNormal);
  // For a write whose effect is the same however often it applies (absolute values, a removal that
  // tolerates absence): a lost reply is sent once more instead of being reported as outcome unknown.
  Json call_repeatable(CallContext& ctx, const element::Method& method, const Json& params);
  // The same for a method named at run time (tests, diagnostics); writes unless Get*/List*.
  Json call(CallContext& ctx, std::string_view method, const Json& params, std::string_view version = "1.0",
            CallMode mode = CallMode::kNormal);

  // RPC attempts per method (each HTTP request counts), for tests and diagnostics.
  uint64_t rpc_count(const std::string& method) const;
  uint64_t rpc_total() const;
  std::map<std::string, uint64_t> rpc_counts() const;

  const ClientOptions& options() const { return options_; }
  Clock& clock() const { return *clock_; }

 private:
  void count(std::string_view method);
  std::vector<std::string> secrets_for(const Json& params) const;

  ClientOptions options_;
  std::shared_ptr<Transport> transport_;
  std::shared_ptr<Clock> clock_;
  std::shared_ptr<spdlog::logger> log_;
  std::atomic<uint64_t> next_id_{1};
  mutable std::mutex counts_mutex_;
  std::map<std::string, uint64_t, std::less<>> counts_;
};

}  // namespace solidfire
