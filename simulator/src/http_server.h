// HTTP/1.1 front end (Boost.Beast): TLS or plain, keep-alive, Basic auth, /json-rpc/<version>[/].
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api_version.h"

namespace spdlog {
class logger;
}

namespace element_sim {

class HttpServer {
 public:
  struct Config {
    std::string bind_address;
    std::vector<uint16_t> ports;  // one listener per cluster; 0 = ephemeral
    // Optional per-listener bind addresses (parallel to `ports`); empty = bind_address for all.
    std::vector<std::string> bind_addresses;
    int threads = 2;
    bool tls = true;
    std::string cert_pem, key_pem;
    std::string user, password;
  };
  // What to do with a request: answer (possibly after a delay), close the connection (reset: RST,
  // drop: FIN) without an answer, hold it until release_paused(), or stream a hostile body (huge:
  // a JSON body of stream_bytes bytes; endless: a body that never finishes).
  struct Outcome {
    enum class Kind { reply, reset, drop, pause, huge, endless };
    Kind kind = Kind::reply;
    unsigned status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    int64_t delay_ms = 0;
    int64_t stream_bytes = 0;         // huge: exact body size
    std::function<Outcome()> resume;  // pause: produces the real outcome once released
  };
  // Called for each authenticated POST to a supported /json-rpc/<version>.
  using Handler = std::function<Outcome(int cluster, ApiVersion version, const std::string& body)>;
  // Called for each authenticated request to /control/... (method is "GET", "POST", ...).
  using ControlHandler =
      std::function<Outcome(int cluster, const std::string& method, const std::string& path, const std::string& body)>;

  HttpServer(Config cfg, Handler handler, std::shared_ptr<spdlog::logger> log, ControlHandler control = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void start();  // throws std::runtime_error when a port cannot be bound or TLS material is bad
  void stop();   // idempotent; closes listeners and connections, joins threads
  uint16_t port(int cluster) const;
  // Answers every paused request (each is executed now); returns how many.
  size_t release_paused();
  size_t paused_count() const;

  struct Impl;  // opaque; public so that the connection classes in the .cpp can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace element_sim
