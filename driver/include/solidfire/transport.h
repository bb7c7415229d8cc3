// The HTTP seam under the Element client: libcurl in production, a scripted fake in unit tests.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace solidfire {

struct HttpRequest {
  std::string url;                  // https://<mvip>:<port>/json-rpc/<version>/
  std::string body;                 // JSON-RPC request
  std::string username;             // HTTP Basic credentials
  std::string password;             // secret
  std::chrono::milliseconds timeout{30000};  // whole request, already capped by the deadline
  // False for requests that change the cluster. The transport must then never resend the request on
  // its own (libcurl silently replays a POST when a reused keep-alive connection dies before any reply
  // byte, which would run a committed write twice); the caller's idempotency logic decides instead.
  bool idempotent = false;
  // Polled about every 100 ms while the request is in flight; true stops it (TransportError kCancelled
  // or kCancelledUnsent). Called on the thread that called post(). Empty: never cancelled.
  std::function<bool()> cancelled;
};

struct HttpResponse {
  long status = 0;  // NOLINT(google-runtime-int): libcurl's type
  std::string body;
};

// Failure below HTTP. `kind` tells whether the request may have reached the cluster.
class TransportError : public std::runtime_error {
 public:
  enum class Kind {
    kConnect,  // never sent (refused, DNS, connect timeout): safe to retry
    kTimeout,  // sent, no complete answer in time: outcome unknown
    kReset,    // connection broke after sending: outcome unknown
    kTls,      // certificate or handshake failure: configuration problem
    kTooLarge,  // the answer passed the size bound: not an Element reply
    kCancelledUnsent,  // the caller stopped it before any of the request was sent
    kCancelled,        // the caller stopped it after sending began: outcome unknown
    kOther,
  };
  TransportError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Thread-safe: called concurrently from many threads. Throws TransportError.
  virtual HttpResponse post(const HttpRequest& request) = 0;
};

struct TlsOptions {
  bool verify = true;        // driver_ssl_cert_verify
  std::string ca_path;       // driver_ssl_cert_path (file or directory); empty = system store
};

// Pooled libcurl transport: keep-alive, TLS session reuse, CURLOPT_NOSIGNAL on every handle.
std::unique_ptr<Transport> make_curl_transport(const TlsOptions& tls);

}  // namespace solidfire
