#include "http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace element_sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(120);
constexpr auto kHandshakeTimeout = std::chrono::seconds(30);
constexpr std::uint64_t kBodyLimit = 16 * 1024 * 1024;

std::optional<std::string> base64_decode(std::string_view in) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (!in.empty() && (in.back() == '=' || in.back() == ' ')) in.remove_suffix(1);
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char c : in) {
    int v = val(c);
    if (v < 0) return std::nullopt;
    buf = (buf << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xFF));
    }
  }
  return out;
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff = static_cast<unsigned char>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

}  // namespace

struct HttpServer::Impl {
  Config cfg;
  Handler handler;
  ControlHandler control;
  mutable std::mutex park_mu;
  std::vector<std::function<void()>> parked;
  std::shared_ptr<spdlog::logger> log;
  std::string credentials;  // "user:password", built once (compared on every request)
  std::unique_ptr<asio::io_context> ioc;
  std::optional<ssl::context> ssl_ctx;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<uint16_t> bound_ports;
  std::vector<std::thread> threads;
  bool running = false;

  using Response = http::response<http::string_body>;
  using Outcome = HttpServer::Outcome;

  // Non-JSON (HTML) body, like a real cluster's web server for 401/404.
  static Outcome make_text(http::status status) {
    Outcome o;
    o.status = static_cast<unsigned>(status);
    const std::string title = std::to_string(static_cast<unsigned>(status)) + " " +
                              std::string(http::obsolete_reason(status));
    o.body = "<html><head><title>" + title + "</title></head><body><h1>" + title + "</h1></body></html>\n";
    o.content_type = "text/html";
    return o;
  }

  static Response to_response(Outcome&& o, unsigned version, bool keep_alive) {
    Response res{static_cast<http::status>(o.status), version};
    res.set(http::field::server, "element-sim");
    res.set(http::field::content_type, o.content_type);
    for (auto& [k, v] : o.headers) res.set(k, v);
    res.keep_alive(keep_alive);
    res.body() = std::move(o.body);
    res.prepare_payload();
    return res;
  }

  void park(std::function<void()> resume) {
    std::lock_guard lk(park_mu);
    parked.push_back(std::move(resume));
  }

  bool authorized(const http::request<http::string_body>& req) const {
    auto it = req.find(http::field::authorization);
    if (it == req.end()) return false;
    std::string_view value(it->value().data(), it->value().size());
    if (!iequals_prefix(value, "basic ")) return false;
    value.remove_prefix(6);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    auto decoded = base64_decode(value);
    if (!decoded) return false;
    return constant_time_equal(*decoded, credentials);
  }

  Outcome handle(int cluster, http::request<http::string_body>&& req) const {
    if (!authorized(req)) {
      Outcome res = make_text(http::status::unauthorized);
      res.headers.emplace_back("WWW-Authenticate", "Basic realm=\"SolidFire\"");
      return res;
    }
    std::string_view target(req.target().data(), req.target().size());
    if (auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
    constexpr std::string_view kControl = "/control/";
    if (control && target.substr(0, kControl.size()) == kControl) {
      return control(cluster, std::string(req.method_string()), std::string(target), req.body());
    }
    constexpr std::string_view kPrefix = "/json-rpc/";
    std::optional<ApiVersion> version;
    if (target.substr(0, kPrefix.size()) == kPrefix) {
      std::string_view v = target.substr(kPrefix.size());
      if (!v.empty() && v.back() == '/') v.remove_suffix(1);
      version = find_supported_version(v);
    }
    if (!version) return make_text(http::status::not_found);
    if (req.method() != http::verb::post) {
      Outcome res = make_text(http::status::method_not_allowed);
      res.headers.emplace_back("Allow", "POST");
      return res;
    }
    return handler(cluster, *version, req.body());
  }
};

namespace {

// One HTTP connection; Derived supplies stream() and do_eof().
template <class Derived>
class Session {
 public:
  Session(const HttpServer::Impl& srv, int cluster) : srv_(srv), cluster_(cluster) {}

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }

  void do_read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    beast::get_lowest_layer(derived().stream()).expires_after(kIdleTimeout);
    http::async_read_header(derived().stream(), buffer_, *parser_,
                            [self = derived().shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_header(ec);
                            });
  }

  // libcurl sends "Expect: 100-continue" for larger POST bodies and waits up to a second for the
  // interim response; answer it so such requests are not delayed.
  void on_header(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return derived().do_eof();
    if (ec) return;
    auto expect = parser_->get().find(http::field::expect);
    if (expect != parser_->get().end() && beast::iequals(expect->value(), "100-continue") &&
        parser_->get().version() >= 11) {
      continue_ = {http::status::continue_, 11};
      http::async_write(derived().stream(), continue_,
                        [self = derived().shared_from_this()](beast::error_code wec, std::size_t) {
                          if (wec) return;
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(derived().stream(), buffer_, *parser_,
                     [self = derived().shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return derived().do_eof();
    if (ec) return;  // timeout, reset, parse error: drop the connection
    auto req = parser_->release();
    const unsigned ver = req.version();
    const bool ka = req.keep_alive();
    HttpServer::Outcome out;
    try {
      out = srv_.handle(cluster_, std::move(req));
    } catch (const std::exception& e) {
      if (srv_.log) srv_.log->error("request handling failed: {}", e.what());
      out = HttpServer::Impl::make_text(http::status::internal_server_error);
    }
    process(std::move(out), ver, ka);
  }

  void process(HttpServer::Outcome out, unsigned ver, bool ka) {
    using Kind = HttpServer::Outcome::Kind;
    switch (out.kind) {
      case Kind::reset: return close_now(true);
      case Kind::drop: return close_now(false);
      case Kind::pause: {
        auto resume = std::move(out.resume);
        auto& srv = const_cast<HttpServer::Impl&>(srv_);
        srv.park([self = derived().shared_from_this(), resume, ver, ka] {
          asio::post(self->stream().get_executor(), [self, resume, ver, ka] {
            HttpServer::Outcome next;
            try {
              next = resume ? resume() : HttpServer::Impl::make_text(http::status::service_unavailable);
            } catch (const std::exception&) {
              next = HttpServer::Impl::make_text(http::status::internal_server_error);
            }
            if (next.kind == HttpServer::Outcome::Kind::pause) next.kind = HttpServer::Outcome::Kind::reply;
            self->process(std::move(next), ver, ka);
          });
        });
        return;
      }
      case Kind::reply: break;
    }
    const int64_t delay_ms = out.delay_ms;
    res_ = HttpServer::Impl::to_response(std::move(out), ver, ka);
    if (delay_ms > 0) {
      timer_.emplace(derived().stream().get_executor());
      timer_->expires_after(std::chrono::milliseconds(delay_ms));
      timer_->async_wait([self = derived().shared_from_this()](beast::error_code tec) {
        if (tec) return;
        self->write();
      });
      return;
    }
    write();
  }

  void write() {
    const bool keep_alive = res_.keep_alive();
    beast::get_lowest_layer(derived().stream()).expires_after(kIdleTimeout);
    http::async_write(derived().stream(), res_,
                      [self = derived().shared_from_this(), keep_alive](beast::error_code wec, std::size_t) {
                        if (wec) return;
                        if (!keep_alive) return self->do_eof();
                        self->do_read();
                      });
  }

  // Closes the TCP connection without an HTTP answer: with RST (linger 0) or a plain FIN.
  void close_now(bool rst) {
    auto& sock = beast::get_lowest_layer(derived().stream()).socket();
    beast::error_code ec;
    if (rst) sock.set_option(asio::socket_base::linger(true, 0), ec);
    sock.close(ec);
  }

  const HttpServer::Impl& srv_;
  int cluster_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<asio::steady_timer> timer_;
  http::response<http::string_body> res_;
  http::response<http::empty_body> continue_;
};

class PlainSession : public Session<PlainSession>, public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(tcp::socket&& socket, const HttpServer::Impl& srv, int cluster)
      : Session(srv, cluster), stream_(std::move(socket)) {}
  void run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
  }
  beast::tcp_stream& stream() { return stream_; }
  void do_eof() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

 private:
  friend class Session<PlainSession>;
  beast::tcp_stream stream_;
};

class SslSession : public Session<SslSession>, public std::enable_shared_from_this<SslSession> {
 public:
  SslSession(tcp::socket&& socket, ssl::context& ctx, const HttpServer::Impl& srv, int cluster)
      : Session(srv, cluster), stream_(std::move(socket), ctx) {}
  void run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      beast::get_lowest_layer(self->stream_).expires_after(kHandshakeTimeout);
      self->stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
        if (ec) return;
        self->do_read();
      });
    });
  }
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  void do_eof() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
  }

 private:
  friend class Session<SslSession>;
  beast::ssl_stream<beast::tcp_stream> stream_;
};

void do_accept(HttpServer::Impl& srv, tcp::acceptor& acceptor, int cluster) {
  acceptor.async_accept(asio::make_strand(*srv.ioc), [&srv, &acceptor, cluster](beast::error_code ec,
                                                                                 tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
      beast::error_code nd;
      socket.set_option(tcp::no_delay(true), nd);
      if (srv.ssl_ctx) {
        std::make_shared<SslSession>(std::move(socket), *srv.ssl_ctx, srv, cluster)->run();
      } else {
        std::make_shared<PlainSession>(std::move(socket), srv, cluster)->run();
      }
    } else if (srv.log) {
      srv.log->warn("accept failed on cluster {}: {}", cluster, ec.message());
    }
    do_accept(srv, acceptor, cluster);
  });
}

}  // namespace

HttpServer::HttpServer(Config cfg, Handler handler, std::shared_ptr<spdlog::logger> log, ControlHandler control)
    : impl_(std::make_unique<Impl>()) {
  impl_->cfg = std::move(cfg);
  impl_->credentials = impl_->cfg.user + ":" + impl_->cfg.password;
  impl_->handler = std::move(handler);
  impl_->control = std::move(control);
  impl_->log = std::move(log);
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
  Impl& s = *impl_;
  if (s.running) return;
  s.bound_ports.clear();
  s.ioc = std::make_unique<asio::io_context>(s.cfg.threads > 0 ? s.cfg.threads : 1);
  try {
    if (s.cfg.tls) {
      s.ssl_ctx.emplace(ssl::context::tls_server);
      s.ssl_ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                             ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
      s.ssl_ctx->use_certificate_chain(asio::buffer(s.cfg.cert_pem));
      s.ssl_ctx->use_private_key(asio::buffer(s.cfg.key_pem), ssl::context::pem);
    }
    for (size_t i = 0; i < s.cfg.ports.size(); ++i) {
      const std::string& bind =
          i < s.cfg.bind_addresses.size() && !s.cfg.bind_addresses[i].empty() ? s.cfg.bind_addresses[i] : s.cfg.bind_address;
      auto acc = std::make_unique<tcp::acceptor>(*s.ioc);
      tcp::endpoint ep(asio::ip::make_address(bind), s.cfg.ports[i]);
      beast::error_code ec;
      acc->open(ep.protocol(), ec);
      if (!ec) acc->set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) acc->bind(ep, ec);
      if (!ec) acc->listen(asio::socket_base::max_listen_connections, ec);
      if (ec)
        throw std::runtime_error("element-sim: cannot listen on " + bind + ":" +
                                 std::to_string(s.cfg.ports[i]) + ": " + ec.message());
      s.bound_ports.push_back(acc->local_endpoint().port());
      s.acceptors.push_back(std::move(acc));
    }
  } catch (const boost::system::system_error& e) {
    s.acceptors.clear();
    s.bound_ports.clear();
    s.ssl_ctx.reset();
    s.ioc.reset();
    throw std::runtime_error(std::string("element-sim: start failed: ") + e.what());
  } catch (...) {
    s.acceptors.clear();
    s.bound_ports.clear();
    s.ssl_ctx.reset();
    s.ioc.reset();
    throw;
  }
  for (size_t i = 0; i < s.acceptors.size(); ++i) do_accept(s, *s.acceptors[i], static_cast<int>(i));
  s.running = true;
  const int n = s.cfg.threads > 0 ? s.cfg.threads : 1;
  for (int i = 0; i < n; ++i) {
    s.threads.emplace_back([&s] {
      for (;;) {
        try {
          s.ioc->run();
          return;
        } catch (const std::exception& e) {
          if (s.log) s.log->error("io thread: {}", e.what());
        }
      }
    });
  }
}

void HttpServer::stop() {
  Impl& s = *impl_;
  if (!s.running) return;
  s.running = false;
  s.ioc->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  {
    std::lock_guard lk(s.park_mu);
    s.parked.clear();  // paused sessions die with the io_context below
  }
  s.acceptors.clear();  // before the io_context: acceptors use its services
  s.ioc.reset();  // destroys pending handlers and with them every session
  s.ssl_ctx.reset();
}

size_t HttpServer::release_paused() {
  std::vector<std::function<void()>> todo;
  {
    std::lock_guard lk(impl_->park_mu);
    todo.swap(impl_->parked);
  }
  for (auto& f : todo) f();
  return todo.size();
}

size_t HttpServer::paused_count() const {
  std::lock_guard lk(impl_->park_mu);
  return impl_->parked.size();
}

uint16_t HttpServer::port(int cluster) const {
  if (cluster < 0 || static_cast<size_t>(cluster) >= impl_->bound_ports.size()) return 0;
  return impl_->bound_ports[static_cast<size_t>(cluster)];
}

}  // namespace element_sim
