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
    int threads = 2;
    bool tls = true;
    std::string cert_pem, key_pem;
    std::string user, password;
  };
  // Called for each authenticated POST to a supported /json-rpc/<version>; returns the JSON reply.
  using Handler = std::function<std::string(int cluster, ApiVersion version, const std::string& body)>;

  HttpServer(Config cfg, Handler handler, std::shared_ptr<spdlog::logger> log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void start();  // throws std::runtime_error when a port cannot be bound or TLS material is bad
  void stop();   // idempotent; closes listeners and connections, joins threads
  uint16_t port(int cluster) const;

  struct Impl;  // opaque; public so that the connection classes in the .cpp can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace element_sim
