// Element JSON-RPC client (see element_client.h). Decisions:
// - HTTP 401 is bad credentials: kAuth at once, never retried (Cinder retried xPermissionDenied for
//   ~31 s); 404 means the endpoint version is not served: kNotSupported naming the version.
// - Retried: Cinder 2.2.5's transient error names, HTTP 5xx, connection failures before sending, and
//   read timeouts/resets for read-only methods. A write whose answer was lost is never resent here:
//   OutcomeUnknownError lets the caller check what the cluster committed.
// - Every wait is bounded by the context deadline and polls cancellation every 100 ms; the per-request
//   timeout is min(sf_api_request_timeout, time left).
// - Parameters are never logged (they can hold CHAP secrets); Element messages are scrubbed of the
//   secrets we sent and cleaned to valid UTF-8 before they reach an Error.
#include "element_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "util.h"

namespace solidfire {

namespace {

constexpr std::array<std::string_view, 15> kRetryableNames = {
    "xDBVersionMismatch",  "xMaxSnapshotsPerVolumeExceeded", "xMaxClonesPerVolumeExceeded",
    "xMaxSnapshotsPerNodeExceeded", "xMaxClonesPerNodeExceeded", "xSliceNotRegistered",
    "xNotReadyForIO",      "xNotPrimary",                    "xDBOperationTimeout",
    "xDBConnectionLoss",   "xNoHandler",                     "xSnapshotFailed",
    "xRecvTimeout",        "xDBNoSuchPath",                  "xPermissionDenied",
};

constexpr std::array<std::string_view, 5> kLimitNames = {
    "xExceededLimit", "xMaxSnapshotsPerVolumeExceeded", "xMaxClonesPerVolumeExceeded",
    "xMaxSnapshotsPerNodeExceeded", "xMaxClonesPerNodeExceeded",
};

constexpr std::array<std::string_view, 6> kNotFoundNames = {
    "xUnknownAccount",         "xVolumeIDDoesNotExist", "xAccountIDDoesNotExist",
    "xSnapshotIDDoesNotExist", "xVolumeAccessGroupIDDoesNotExist", "xAsyncHandleDoesNotExist",
};

template <size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

const char* kind_name(TransportError::Kind kind) {
  switch (kind) {
    case TransportError::Kind::kConnect: return "connect";
    case TransportError::Kind::kTimeout: return "timeout";
    case TransportError::Kind::kReset: return "reset";
    case TransportError::Kind::kTls: return "tls";
    case TransportError::Kind::kOther: return "other";
  }
  return "other";
}

void collect_secrets(JsonView v, std::vector<std::string>& out) {
  if (!v.raw()) return;
  for (const cJSON* c = v.raw()->child; c != nullptr; c = c->next) {
    if (c->string != nullptr && cJSON_IsString(c) && c->valuestring != nullptr) {
      const std::string key = util::to_lower(c->string);
      if (key.find("secret") != std::string::npos || key.find("password") != std::string::npos) {
        out.emplace_back(c->valuestring);
      }
    }
    if (cJSON_IsObject(c) || cJSON_IsArray(c)) collect_secrets(JsonView(c), out);
  }
}

// What one attempt produced when it did not produce a result.
struct Failure {
  bool retryable = false;
  Error error{ErrorCode::kInternal, ""};  // raised when not retryable or when attempts run out
  std::string summary;                   // for the debug log
};

}  // namespace

bool is_retryable_element_error(std::string_view name) { return contains(kRetryableNames, name); }

bool is_read_method(std::string_view method) {
  return util::starts_with(method, "Get") || util::starts_with(method, "List");
}

ErrorCode map_element_error(std::string_view name, CallMode mode) {
  if (contains(kNotFoundNames, name)) return ErrorCode::kNotFound;
  if (name == "xDuplicateUsername" || name == "xAlreadyInVolumeAccessGroup" || name == "xPairingAlreadyExists") {
    return ErrorCode::kAlreadyExists;
  }
  if (contains(kLimitNames, name)) return ErrorCode::kResourceExhausted;
  if (name == "xPermissionDenied" || name == "xUnknownUsername") return ErrorCode::kAuth;
  if (name == "xUnknownAPIMethod" || name == "xUnknownAPIVersion" || name == "xUnknownRPCMethod" ||
      name == "xFeatureNotEnabled") {
    return ErrorCode::kNotSupported;
  }
  if (name == "xNotInVolumeAccessGroup" || name == "xPairingDoesNotExist") return ErrorCode::kNotFound;
  if (name == "xInvalidPairingKey") return ErrorCode::kBackend;
  if (name == "xMissingParameter" || name == "xUnrecognizedEnumString" || name == "xVolumeShrinkProhibited" ||
      util::starts_with(name, "xInvalid")) {
    return ErrorCode::kInvalidArgument;
  }
  if (is_retryable_element_error(name)) return ErrorCode::kUnavailable;  // transient, retries exhausted
  (void)mode;
  return ErrorCode::kBackend;
}

ElementClient::ElementClient(ClientOptions options, std::shared_ptr<Transport> transport,
                             std::shared_ptr<Clock> clock, std::shared_ptr<spdlog::logger> logger)
    : options_(std::move(options)),
      transport_(std::move(transport)),
      clock_(std::move(clock)),
      log_(logger ? std::move(logger) : util::null_logger()) {}

void ElementClient::count(std::string_view method) {
  std::lock_guard<std::mutex> lock(counts_mutex_);
  auto it = counts_.find(method);
  if (it == counts_.end()) it = counts_.emplace(std::string(method), 0).first;
  ++it->second;
}

uint64_t ElementClient::rpc_count(const std::string& method) const {
  std::lock_guard<std::mutex> lock(counts_mutex_);
  auto it = counts_.find(method);
  return it == counts_.end() ? 0 : it->second;
}

uint64_t ElementClient::rpc_total() const {
  std::lock_guard<std::mutex> lock(counts_mutex_);
  uint64_t total = 0;
  for (const auto& [name, n] : counts_) total += n;
  return total;
}

std::map<std::string, uint64_t> ElementClient::rpc_counts() const {
  std::lock_guard<std::mutex> lock(counts_mutex_);
  return {counts_.begin(), counts_.end()};
}

std::vector<std::string> ElementClient::secrets_for(const Json& params) const {
  std::vector<std::string> out{options_.password};
  collect_secrets(params.view(), out);
  return out;
}

Json ElementClient::call(CallContext& ctx, std::string_view method_sv, const Json& params,
                         std::string_view version, CallMode mode) {
  using std::chrono::milliseconds;
  const std::string method(method_sv);
  const std::string url = options_.base_url + "/json-rpc/" + std::string(version) + "/";
  const bool read = is_read_method(method);
  const auto secrets = secrets_for(params);

  std::string body;
  {
    Json envelope = Json::object();
    envelope.set("method", method);
    envelope.set("params", params ? params.clone() : Json::object());
    envelope.set("id", static_cast<int64_t>(next_id_.fetch_add(1)));
    body = envelope.print();
  }

  const int max_attempts = std::max(1, options_.retry.max_attempts);
  milliseconds delay = options_.retry.initial_delay;
  std::string last_summary;

  for (int attempt = 1;; ++attempt) {
    if (ctx.cancelled()) throw Error(ErrorCode::kCancelled, "cancelled before " + method);
    const milliseconds left = util::time_left(ctx, *clock_);
    if (left <= milliseconds(0)) {
      throw Error(ErrorCode::kTimeout,
                  "deadline exceeded before " + method + (last_summary.empty() ? "" : " (last: " + last_summary + ")"))
          .with_retryable(true);
    }
    HttpRequest request;
    request.url = url;
    request.body = body;
    request.username = options_.username;
    request.password = options_.password;
    request.timeout = std::min<milliseconds>(options_.request_timeout, left);
    request.idempotent = read;

    const auto started = clock_->now();
    Failure failure;
    bool failed = false;
    std::optional<Json> result;
    count(method);
    try {
      HttpResponse response = transport_->post(request);
      if (response.status == 401) {
        failure.error = Error(ErrorCode::kAuth, "the cluster rejected the credentials of san_login (HTTP 401) for " + method)
                            .with_backend_error("HTTP 401");
        failure.summary = "HTTP 401";
        failed = true;
      } else if (response.status == 404) {
        failure.error = Error(ErrorCode::kNotSupported, "the cluster does not serve JSON-RPC endpoint version " +
                                                            std::string(version) + " (HTTP 404) for " + method)
                            .with_backend_error("HTTP 404");
        failure.summary = "HTTP 404";
        failed = true;
      } else if (response.status >= 500 && response.status <= 599) {
        failure.retryable = true;
        failure.error = Error(ErrorCode::kUnavailable, "the cluster answered HTTP " + std::to_string(response.status) +
                                                           " to " + method)
                            .with_backend_error("HTTP " + std::to_string(response.status))
                            .with_retryable(true);
        failure.summary = "HTTP " + std::to_string(response.status);
        failed = true;
      } else if (response.status != 200) {
        failure.error = Error(ErrorCode::kBackend, "unexpected HTTP status " + std::to_string(response.status) +
                                                       " from the cluster for " + method)
                            .with_backend_error("HTTP " + std::to_string(response.status));
        failure.summary = "HTTP " + std::to_string(response.status);
        failed = true;
      } else {
        auto doc = Json::parse(response.body);
        if (!doc || !doc->view().is_object()) {
          failure.error = Error(ErrorCode::kBackend, "unexpected reply from cluster to " + method +
                                                         ": body is not a JSON object (" +
                                                         std::to_string(response.body.size()) + " bytes)");
          failure.summary = "bad body";
          failed = true;
        } else if (doc->view()["error"].valid()) {
          const JsonView err = doc->view()["error"];
          const std::string name = err.string_or("name", "");
          const std::string message =
              util::clean_utf8(util::scrub(err.string_or("message", ""), secrets), 512);
          const std::string shown = name.empty() ? "unnamed error" : name;
          const bool retry = !name.empty() && is_retryable_element_error(name) &&
                             !(mode == CallMode::kSetup && name == "xPermissionDenied");
          const ErrorCode code = name.empty() ? ErrorCode::kBackend : map_element_error(name, mode);
          std::string text = method + " failed: " + shown + (message.empty() || message == name ? "" : ": " + message);
          if (name == "xPermissionDenied") text += " (check that san_login has the cluster-admin role)";
          failure.error = Error(code, text).with_backend_error(shown).with_retryable(code == ErrorCode::kUnavailable);
          failure.retryable = retry;
          failure.summary = shown;
          failed = true;
        } else if (doc->view()["result"].is_object()) {
          result = doc->take("result");
        } else {
          failure.error = Error(ErrorCode::kBackend,
                                "unexpected reply from cluster to " + method + ": neither a result object nor an error");
          failure.summary = "no result";
          failed = true;
        }
      }
    } catch (const TransportError& e) {
      failed = true;
      const std::string detail = util::clean_utf8(util::scrub(e.what(), secrets), 256);
      failure.summary = std::string("transport ") + kind_name(e.kind()) + ": " + detail;
      switch (e.kind()) {
        case TransportError::Kind::kConnect:
          failure.retryable = true;
          failure.error = Error(ErrorCode::kUnavailable, "cannot reach the cluster at " + options_.base_url +
                                                             " for " + method + ": " + detail)
                              .with_retryable(true);
          break;
        case TransportError::Kind::kTimeout:
        case TransportError::Kind::kReset: {
          const bool timeout = e.kind() == TransportError::Kind::kTimeout;
          const ErrorCode code = timeout ? ErrorCode::kTimeout : ErrorCode::kUnavailable;
          const std::string what = timeout ? "no answer in time" : "connection broke";
          if (read) {
            failure.retryable = true;
            failure.error = Error(code, method + ": " + what + " (" + detail + ")").with_retryable(true);
          } else {
            log_->debug("element rpc {} v{} attempt {}/{}: {} after sending; outcome unknown", method, version,
                        attempt, max_attempts, what);
            throw OutcomeUnknownError(code, method + ": " + what + " after the request was sent (" + detail +
                                                "); outcome unknown");
          }
          break;
        }
        case TransportError::Kind::kTls:
          failure.error = Error(ErrorCode::kUnavailable,
                                "TLS failure talking to " + options_.base_url + " for " + method + ": " + detail +
                                    " (check driver_ssl_cert_path and driver_ssl_cert_verify)");
          break;
        case TransportError::Kind::kOther:
          failure.error = Error(ErrorCode::kUnavailable, "transport failure for " + method + ": " + detail);
          break;
      }
    }

    const auto took = std::chrono::duration_cast<milliseconds>(clock_->now() - started).count();
    if (!failed) {
      log_->debug("element rpc {} v{} attempt {}/{} {} ms ok", method, version, attempt, max_attempts, took);
      return std::move(*result);
    }
    log_->debug("element rpc {} v{} attempt {}/{} {} ms failed: {}", method, version, attempt, max_attempts, took,
                failure.summary);
    last_summary = failure.summary;
    if (!failure.retryable) throw failure.error;
    if (attempt >= max_attempts) {
      Error e = failure.error;
      log_->warn("element rpc {} gave up after {} attempts: {}", method, attempt, failure.summary);
      throw Error(e.code(), e.message() + " (after " + std::to_string(attempt) + " attempts)")
          .with_backend_error(e.backend_error())
          .with_retryable(e.retryable());
    }
    // Never sleep past the deadline: fail now when the next attempt could not start in time.
    const milliseconds remaining = util::time_left(ctx, *clock_);
    if (remaining != milliseconds::max() && delay >= remaining) {
      throw Error(ErrorCode::kTimeout, "deadline reached while retrying " + method + " (last: " + failure.summary + ")")
          .with_backend_error(failure.error.backend_error())
          .with_retryable(true);
    }
    util::wait_for(ctx, *clock_, delay, "a retry of " + method);
    const auto next = std::chrono::duration<double, std::milli>(delay.count() * options_.retry.multiplier);
    delay = std::min(options_.retry.max_delay, std::chrono::duration_cast<milliseconds>(next));
  }
}

}  // namespace solidfire
