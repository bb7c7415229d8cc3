// Element JSON-RPC client (see element_client.h). Decisions:
// - HTTP 401 is bad credentials: kAuth at once, never retried (Cinder retried xPermissionDenied for
//   ~31 s); 404 means the endpoint version is not served: kNotSupported naming the version.
// - Retried: Cinder 2.2.5's transient error names, HTTP 5xx, connection failures before sending, and
//   read timeouts/resets for read-only methods. A write whose answer was lost is never resent here:
//   OutcomeUnknownError lets the caller check what the cluster committed.
// - Every wait, a request in flight included, is bounded by the context deadline and polls cancellation
//   about every 100 ms; the per-request timeout is min(sf_api_request_timeout, time left).
// - Parameters are never logged (they can hold CHAP secrets); Element messages are scrubbed of the
//   secrets we sent and cleaned to valid UTF-8 before they reach an Error.
#include "element_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "element_api.h"
#include "util.h"
#include "volume.h"

namespace solidfire {

namespace {

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
    case TransportError::Kind::kTooLarge: return "too large";
    case TransportError::Kind::kCancelledUnsent: return "cancelled before sending";
    case TransportError::Kind::kCancelled: return "cancelled";
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

// What one attempt produced: a result, or an error and whether another attempt may help.
struct Attempt {
  std::optional<Json> result;
  bool retryable = false;
  Error error{ErrorCode::kInternal, ""};  // raised when not retryable or when attempts run out
  std::string summary;                   // for the debug log

  static Attempt failed(Error error, std::string summary, bool retryable = false) {
    Attempt a;
    a.error = std::move(error);
    a.summary = std::move(summary);
    a.retryable = retryable;
    return a;
  }
};

// Classifies an HTTP reply: the result object, an Element error (named, mapped, scrubbed of the secrets
// we sent) or an HTTP status that says what went wrong.
Attempt classify_reply(const HttpResponse& response, const element::Method& m, CallMode mode,
                       const std::vector<std::string>& secrets) {
  const std::string method(m.name);
  const std::string http = "HTTP " + std::to_string(response.status);
  if (response.status == 401) {
    return Attempt::failed(
        Error(ErrorCode::kAuth, "the cluster rejected the credentials of san_login (HTTP 401) for " + method)
            .with_backend_error(http),
        http);
  }
  if (response.status == 404) {
    return Attempt::failed(Error(ErrorCode::kNotSupported, "the cluster does not serve JSON-RPC endpoint version " +
                                                               std::string(m.version) + " (HTTP 404) for " + method)
                               .with_backend_error(http),
                           http);
  }
  if (response.status >= 500 && response.status <= 599) {
    return Attempt::failed(Error(ErrorCode::kUnavailable, "the cluster answered " + http + " to " + method)
                               .with_backend_error(http)
                               .with_retryable(true),
                           http, /*retryable=*/true);
  }
  if (response.status != 200) {
    return Attempt::failed(Error(ErrorCode::kBackend, "unexpected " + http + " from the cluster for " + method)
                               .with_backend_error(http),
                           http);
  }
  // Bounded parse (size, depth, values: json.h): a hostile body is a clear error, never a crash.
  std::string why;
  auto doc = Json::parse(response.body, &why);
  if (!doc || !doc->view().is_object()) {
    if (why.empty()) why = "not a JSON object";
    return Attempt::failed(Error(ErrorCode::kBackend, "unexpected reply from cluster to " + method + ": body is " +
                                                          "not a usable JSON object (" + why + "; " +
                                                          std::to_string(response.body.size()) + " bytes)"),
                           "bad body");
  }
  if (const JsonView err = doc->view()["error"]; err.valid()) {
    const std::string name = err.string_or("name", "");
    const std::string message = util::clean_utf8(util::scrub(err.string_or("message", ""), secrets), 512);
    const std::string shown = name.empty() ? "unnamed error" : name;
    const bool denied = name == element::err::kPermissionDenied;
    const bool retry = !name.empty() && is_retryable_element_error(name) && !(mode == CallMode::kSetup && denied);
    const ErrorCode code = name.empty() ? ErrorCode::kBackend : map_element_error(name, mode);
    std::string text = method + " failed: " + shown + (message.empty() || message == name ? "" : ": " + message);
    if (denied) text += " (check that san_login has the cluster-admin role)";
    return Attempt::failed(Error(code, text).with_backend_error(shown).with_retryable(code == ErrorCode::kUnavailable),
                           shown, retry);
  }
  if (!doc->view()["result"].is_object()) {
    return Attempt::failed(
        Error(ErrorCode::kBackend, "unexpected reply from cluster to " + method + ": neither a result object nor an error"),
        "no result");
  }
  if (auto problem = reply_shape_problem(m.name, doc->view()["result"])) {
    return Attempt::failed(
        Error(ErrorCode::kBackend,
              "unexpected reply from cluster to " + method + ": " + util::clean_utf8(*problem, 256)),
        "bad result");
  }
  Attempt ok;
  ok.result = doc->take("result");
  return ok;
}

// Classifies a transport failure. A write whose request may have reached the cluster is not retried:
// it throws OutcomeUnknownError for the caller to resolve.
Attempt classify_transport_failure(const TransportError& e, const element::Method& m, const std::string& base_url,
                                   const std::vector<std::string>& secrets) {
  const std::string method(m.name);
  const std::string detail = util::clean_utf8(util::scrub(e.what(), secrets), 256);
  const std::string summary = std::string("transport ") + kind_name(e.kind()) + ": " + detail;
  switch (e.kind()) {
    case TransportError::Kind::kConnect:
      return Attempt::failed(
          Error(ErrorCode::kUnavailable, "cannot reach the cluster at " + base_url + " for " + method + ": " + detail)
              .with_retryable(true),
          summary, /*retryable=*/true);
    case TransportError::Kind::kTimeout:
    case TransportError::Kind::kReset: {
      const bool timeout = e.kind() == TransportError::Kind::kTimeout;
      const ErrorCode code = timeout ? ErrorCode::kTimeout : ErrorCode::kUnavailable;
      const std::string what = timeout ? "no answer in time" : "connection broke";
      if (m.writes) {
        throw OutcomeUnknownError(method + ": " + what + " after the request was sent (" + detail +
                                  "); outcome unknown");
      }
      return Attempt::failed(Error(code, method + ": " + what + " (" + detail + ")").with_retryable(true), summary,
                             /*retryable=*/true);
    }
    case TransportError::Kind::kTls: {
      // The transport puts the cause first and, when it can tell, the option to check; a longer cap keeps
      // libcurl's text after it. Without a named option, point at the TLS ones.
      const std::string tls = util::clean_utf8(util::scrub(e.what(), secrets), 512);
      const bool names_option = tls.find("driver_ssl_cert") != std::string::npos ||
                                tls.find("sf_api_") != std::string::npos || tls.find("san_ip") != std::string::npos;
      return Attempt::failed(
          Error(ErrorCode::kUnavailable,
                "TLS failure talking to " + base_url + " for " + method + ": " + tls +
                    (names_option ? "" : " (check driver_ssl_cert_path and driver_ssl_cert_verify)")),
          summary);
    }
    case TransportError::Kind::kTooLarge:
      return Attempt::failed(Error(ErrorCode::kBackend, "unexpected reply from cluster to " + method + ": " + detail),
                             summary);
    case TransportError::Kind::kCancelledUnsent:
    case TransportError::Kind::kCancelled:  // the call loop handles these before classifying
      return Attempt::failed(Error(ErrorCode::kCancelled, "cancelled during " + method), summary);
    case TransportError::Kind::kOther:
      break;
  }
  return Attempt::failed(Error(ErrorCode::kUnavailable, "transport failure for " + method + ": " + detail), summary);
}

// The caller cancelled while the request was in flight. A write that may have reached the cluster
// leaves its outcome unknown (vdp.h: CANCELLED with outcome_unknown); nothing else does.
Error cancelled_in_flight(CallContext& ctx, const TransportError& e, const element::Method& m) {
  const std::string method(m.name);
  if (e.kind() == TransportError::Kind::kCancelledUnsent) {
    return Error(ErrorCode::kCancelled, "cancelled before " + method + " was sent");
  }
  if (!m.writes) return Error(ErrorCode::kCancelled, "cancelled while waiting for the answer to " + method);
  ctx.mark_cluster_changed();
  return Error(ErrorCode::kCancelled,
               "cancelled while waiting for the answer to " + method + " after sending it; outcome unknown")
      .with_outcome_unknown();
}

}  // namespace

bool is_retryable_element_error(std::string_view name) { return contains(element::err::kRetryable, name); }

bool is_read_method(std::string_view method) {
  return util::starts_with(method, "Get") || util::starts_with(method, "List");
}

ErrorCode map_element_error(std::string_view name, CallMode mode) {
  namespace err = element::err;
  if (contains(err::kNotFound, name)) return ErrorCode::kNotFound;
  if (name == err::kDuplicateUsername || name == err::kAlreadyInVolumeAccessGroup ||
      name == err::kPairingAlreadyExists) {
    return ErrorCode::kAlreadyExists;
  }
  if (contains(err::kLimits, name)) return ErrorCode::kResourceExhausted;
  if (name == err::kPermissionDenied || name == err::kUnknownUsername) return ErrorCode::kAuth;
  if (name == err::kUnknownAPIMethod || name == err::kUnknownAPIVersion || name == err::kUnknownRPCMethod ||
      name == err::kFeatureNotEnabled) {
    return ErrorCode::kNotSupported;
  }
  if (name == err::kInvalidPairingKey) return ErrorCode::kBackend;
  if (name == err::kMissingParameter || name == err::kUnrecognizedEnumString || name == err::kVolumeShrinkProhibited ||
      util::starts_with(name, err::kInvalidPrefix)) {
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

Json ElementClient::call(CallContext& ctx, std::string_view method, const Json& params, std::string_view version,
                         CallMode mode) {
  return call(ctx, element::Method{method, version, !is_read_method(method)}, params, mode);
}

Json ElementClient::call_repeatable(CallContext& ctx, const element::Method& method, const Json& params) {
  try {
    return call(ctx, method, params);
  } catch (const OutcomeUnknownError& e) {
    log_->warn("{} lost its answer ({}); sending it again (repeating it is harmless)", method.name, e.message());
    return call(ctx, method, params);
  }
}

Json ElementClient::call(CallContext& ctx, const element::Method& m, const Json& params, CallMode mode) {
  using std::chrono::milliseconds;
  const std::string method(m.name);
  const auto secrets = secrets_for(params);
  HttpRequest request;
  request.url = options_.base_url + "/json-rpc/" + std::string(m.version) + "/";
  request.username = options_.username;
  request.password = options_.password;
  request.idempotent = !m.writes;
  request.cancelled = [&ctx] { return ctx.cancelled(); };
  // The envelope is written around the printed params rather than built as a tree holding a copy of
  // them: the same bytes, without copying every node of the params per call. Method names are plain
  // identifiers (element_api.h), so they need no escaping.
  request.body = "{\"method\":\"" + method + "\",\"params\":" + (params ? params.print() : std::string("{}")) +
                 ",\"id\":" + std::to_string(next_id_.fetch_add(1)) + "}";

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
    request.timeout = std::min<milliseconds>(options_.request_timeout, left);

    const auto started = clock_->now();
    count(method);
    Attempt outcome;
    try {
      outcome = classify_reply(transport_->post(request), m, mode, secrets);
    } catch (const TransportError& e) {
      if (e.kind() == TransportError::Kind::kCancelled || e.kind() == TransportError::Kind::kCancelledUnsent) {
        log_->debug("element rpc {} v{} attempt {}/{}: {}", method, m.version, attempt, max_attempts, e.what());
        throw cancelled_in_flight(ctx, e, m);
      }
      try {
        outcome = classify_transport_failure(e, m, options_.base_url, secrets);
      } catch (const OutcomeUnknownError&) {
        ctx.mark_cluster_changed();
        log_->debug("element rpc {} v{} attempt {}/{}: reply lost after sending; outcome unknown", method, m.version,
                    attempt, max_attempts);
        throw;
      }
    }
    const auto took = std::chrono::duration_cast<milliseconds>(clock_->now() - started).count();
    if (outcome.result) {
      if (m.writes) ctx.mark_cluster_changed();
      log_->debug("element rpc {} v{} attempt {}/{} {} ms ok", method, m.version, attempt, max_attempts, took);
      return std::move(*outcome.result);
    }
    log_->debug("element rpc {} v{} attempt {}/{} {} ms failed: {}", method, m.version, attempt, max_attempts, took,
                outcome.summary);
    last_summary = outcome.summary;
    if (!outcome.retryable) throw outcome.error;
    if (attempt >= max_attempts) {
      const Error& e = outcome.error;
      log_->warn("element rpc {} gave up after {} attempts: {}", method, attempt, outcome.summary);
      throw Error(e.code(), e.message() + " (after " + std::to_string(attempt) + " attempts)")
          .with_backend_error(e.backend_error())
          .with_retryable(e.retryable());
    }
    // Never sleep past the deadline: fail now when the next attempt could not start in time.
    const milliseconds remaining = util::time_left(ctx, *clock_);
    if (remaining != milliseconds::max() && delay >= remaining) {
      throw Error(ErrorCode::kTimeout, "deadline reached while retrying " + method + " (last: " + outcome.summary + ")")
          .with_backend_error(outcome.error.backend_error())
          .with_retryable(true);
    }
    util::wait_for(ctx, *clock_, delay, "a retry of " + method);
    const auto next = std::chrono::duration<double, std::milli>(delay.count() * options_.retry.multiplier);
    delay = std::min(options_.retry.max_delay, std::chrono::duration_cast<milliseconds>(next));
  }
}

}  // namespace solidfire
