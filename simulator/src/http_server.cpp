#include "http_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
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
  // One io_context per I/O thread, each connection bound to one of them for its life: no hand-off
  // of ready sockets between threads (a shared io_context cost ~6 futex calls per request).
  std::vector<std::unique_ptr<asio::io_context>> iocs;
  size_t next_ioc = 0;  // round-robin over iocs for new connections; only the acceptors' thread uses it
  std::optional<ssl::context> ssl_ctx;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<uint16_t> bound_ports;
  std::vector<std::thread> threads;
  bool running = false;

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

  Outcome handle(int cluster, const http::request<http::string_body>& req) const {
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

// Connections use the concrete strand type (not beast::tcp_stream / any_io_executor): the type-erased
// executor and per-operation timers cost ~15k instructions and two timerfd_settime calls per
// request (callgrind, keep-alive HTTPS).
using Executor = asio::strand<asio::io_context::executor_type>;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock, asio::wait_traits<std::chrono::steady_clock>,
                                         Executor>;
using SteadyClock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 16 * 1024;  // one TLS record

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && iequals_prefix(a, b);
}

// Response head exactly as Beast's serializer wrote it (status line, Server, Content-Type, extra
// headers with set() semantics, keep-alive per version, Content-Length), then the body.
void serialize(std::string& out, const HttpServer::Outcome& o, unsigned version, bool keep_alive) {
  const auto reason = http::obsolete_reason(static_cast<http::status>(o.status));
  char num[24];
  out.clear();
  out.reserve(160 + o.body.size());
  out += "HTTP/";
  out.push_back(static_cast<char>('0' + version / 10));
  out.push_back('.');
  out.push_back(static_cast<char>('0' + version % 10));
  out.push_back(' ');
  out.append(num, std::to_chars(num, num + sizeof num, o.status).ptr);
  out.push_back(' ');
  out.append(reason.data(), reason.size());
  out += "\r\n";
  auto field = [&out](std::string_view k, std::string_view v) {
    out += k;
    out += ": ";
    out += v;
    out += "\r\n";
  };
  if (o.headers.empty()) {
    field("Server", "element-sim");
    field("Content-Type", o.content_type);
  } else {
    std::vector<std::pair<std::string_view, std::string_view>> fields{{"Server", "element-sim"},
                                                                       {"Content-Type", o.content_type}};
    for (const auto& [k, v] : o.headers) {
      std::erase_if(fields, [&k = k](const auto& f) { return iequals(f.first, k); });
      fields.emplace_back(k, v);
    }
    for (const auto& [k, v] : fields) field(k, v);
  }
  if (version >= 11 && !keep_alive) field("Connection", "close");
  if (version < 11 && keep_alive) field("Connection", "keep-alive");
  field("Content-Length", std::string_view(num, static_cast<size_t>(
                                                    std::to_chars(num, num + sizeof num, o.body.size()).ptr - num)));
  out += "\r\n";
  out += o.body;
}

// One HTTP connection; Derived supplies stream(), socket() and do_eof(). Requests are parsed with
// Beast's parser fed from our own reads; replies are written as one buffer (one TLS record batch).
template <class Derived>
class Session {
 public:
  Session(const HttpServer::Impl& srv, int cluster, Socket& sock)
      : srv_(srv), cluster_(cluster), watchdog_(sock.get_executor()) {}

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }

  // Idle/handshake timeouts without re-arming a timer per operation: operations move `deadline_`,
  // and one watchdog wait per connection closes the socket once it has passed (it re-arms itself
  // for the new deadline otherwise).
  void arm(SteadyClock::duration timeout) { deadline_ = SteadyClock::now() + timeout; }
  void disarm() { deadline_ = SteadyClock::time_point::max(); }
  void start_watchdog() {
    watchdog_.expires_at(deadline_);
    watchdog_.async_wait([weak = std::weak_ptr<Derived>(derived().shared_from_this())](beast::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->on_watchdog();
    });
  }
  void on_watchdog() {
    if (SteadyClock::now() >= deadline_) {
      beast::error_code ec;
      derived().socket().close(ec);  // pending operations complete with an error: the session ends
      return;
    }
    start_watchdog();
  }

  void do_read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    parser_->eager(true);
    header_seen_ = false;
    arm(kIdleTimeout);
    parse();  // a pipelined request may be buffered already
  }

  void read_more() {
    const size_t want = std::max(kReadChunk, static_cast<size_t>(parser_->content_length_remaining().value_or(0)));
    derived().stream().async_read_some(
        buffer_.prepare(std::min<size_t>(want, 1024 * 1024)),
        [self = derived().shared_from_this()](beast::error_code ec, std::size_t n) {
          self->buffer_.commit(n);
          if (ec) {
            // A clean close between requests ends the session politely; anything else (timeout,
            // reset, truncated message) just drops it.
            if (ec == asio::error::eof && !self->parser_->got_some() && self->buffer_.size() == 0)
              return self->derived().do_eof();
            return;
          }
          self->parse();
        });
  }

  void parse() {
    beast::error_code ec;
    while (buffer_.size() > 0 && !parser_->is_done()) {
      const size_t n = parser_->put(buffer_.data(), ec);
      buffer_.consume(n);
      if (ec == http::error::need_more) break;
      if (ec) return;  // malformed request: drop the connection
      if (n == 0) break;
    }
    if (!header_seen_ && parser_->is_header_done()) {
      header_seen_ = true;
      // libcurl sends "Expect: 100-continue" for larger POST bodies and waits up to a second for the
      // interim response; answer it so such requests are not delayed.
      const auto& req = parser_->get();
      auto expect = req.find(http::field::expect);
      if (expect != req.end() && beast::iequals(expect->value(), "100-continue") && req.version() >= 11) {
        out_ = "HTTP/1.1 100 Continue\r\n\r\n";
        asio::async_write(derived().stream(), asio::buffer(out_),
                          [self = derived().shared_from_this()](beast::error_code wec, std::size_t) {
                            if (wec) return;
                            self->after_continue();
                          });
        return;
      }
    }
    if (!parser_->is_done()) return read_more();
    on_request();
  }

  void after_continue() {
    if (parser_->is_done()) return on_request();
    read_more();
  }

  void on_request() {
    disarm();  // no timeout while the request is handled (a paused one may wait for long)
    const auto& req = parser_->get();
    const unsigned ver = req.version();
    const bool ka = req.keep_alive();
    HttpServer::Outcome out;
    try {
      out = srv_.handle(cluster_, req);
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
          asio::post(self->socket().get_executor(), [self, resume, ver, ka] {
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
      case Kind::huge: return start_huge(static_cast<uint64_t>(std::max<int64_t>(out.stream_bytes, 0)), ver, ka);
      case Kind::endless: return start_endless(ver);
      case Kind::reply: break;
    }
    const int64_t delay_ms = out.delay_ms;
    keep_alive_ = ka;
    serialize(out_, out, ver, ka);
    if (delay_ms > 0) {
      timer_.emplace(derived().socket().get_executor());
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
    arm(kIdleTimeout);
    asio::async_write(derived().stream(), asio::buffer(out_),
                      [self = derived().shared_from_this()](beast::error_code wec, std::size_t) {
                        if (wec) return;
                        if (!self->keep_alive_) return self->derived().do_eof();
                        self->do_read();
                      });
  }

  // --- hostile bodies (faults huge/endless): generated while written, so the simulator's memory stays
  // at one 64 KiB block however large the body is.
  static constexpr std::string_view kHugePrefix = R"({"id":0,"result":{"volumes":[{"volumeID":1,"name":"huge-reply"})";
  static constexpr std::string_view kHugeItem = R"(,{"volumeID":1,"name":"huge-reply"})";
  static constexpr std::string_view kHugeSuffix = "]}}";
  static constexpr size_t kStreamBlock = 64 * 1024;

  static void stream_head(std::string& out, unsigned version, bool keep_alive, uint64_t length) {
    char num[24];
    out.clear();
    out += version >= 11 ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.0 200 OK\r\n";
    out += "Server: element-sim\r\nContent-Type: application/json\r\n";
    if (version >= 11 && !keep_alive) out += "Connection: close\r\n";
    if (version < 11 && keep_alive) out += "Connection: keep-alive\r\n";
    out += "Content-Length: ";
    out.append(num, std::to_chars(num, num + sizeof num, length).ptr);
    out += "\r\n\r\n";
  }

  // A valid JSON body of exactly `bytes` bytes: prefix, items, blank padding, suffix.
  void start_huge(uint64_t bytes, unsigned ver, bool ka) {
    keep_alive_ = ka;
    const uint64_t fixed = kHugePrefix.size() + kHugeSuffix.size();
    bytes = std::max<uint64_t>(bytes, fixed);
    stream_head(out_, ver, ka, bytes);
    out_ += kHugePrefix;
    stream_left_ = bytes - fixed;
    stream_done_ = false;
    write_huge();
  }

  void write_huge() {
    arm(kIdleTimeout);
    asio::async_write(derived().stream(), asio::buffer(out_),
                      [self = derived().shared_from_this()](beast::error_code wec, std::size_t) {
                        if (wec) return;  // the client gave up: the session ends
                        self->next_huge();
                      });
  }

  void next_huge() {
    if (stream_done_) {
      if (!keep_alive_) return derived().do_eof();
      return do_read();
    }
    out_.clear();
    while (out_.size() + kHugeItem.size() <= kStreamBlock && stream_left_ >= kHugeItem.size()) {
      out_ += kHugeItem;
      stream_left_ -= kHugeItem.size();
    }
    if (stream_left_ < kHugeItem.size()) {
      out_.append(static_cast<size_t>(stream_left_), ' ');
      out_ += kHugeSuffix;
      stream_left_ = 0;
      stream_done_ = true;
    }
    write_huge();
  }

  // Headers for a 1 TiB body, the start of a reply, then one blank every 200 ms until a write fails
  // (the client disconnected) or the server stops.
  void start_endless(unsigned ver) {
    keep_alive_ = false;
    stream_head(out_, ver, false, uint64_t{1} << 40);
    out_ += R"({"id":0,"result":{"volumes":[)";
    write_endless();
  }

  void write_endless() {
    arm(kIdleTimeout);
    asio::async_write(derived().stream(), asio::buffer(out_),
                      [self = derived().shared_from_this()](beast::error_code wec, std::size_t) {
                        if (wec) return;
                        self->timer_.emplace(self->derived().socket().get_executor());
                        self->timer_->expires_after(std::chrono::milliseconds(200));
                        self->timer_->async_wait([self](beast::error_code tec) {
                          if (tec) return;
                          self->out_.assign(1, ' ');
                          self->write_endless();
                        });
                      });
  }

  // Closes the TCP connection without an HTTP answer: with RST (linger 0) or a plain FIN.
  void close_now(bool rst) {
    auto& sock = derived().socket();
    beast::error_code ec;
    if (rst) sock.set_option(asio::socket_base::linger(true, 0), ec);
    sock.close(ec);
  }

  const HttpServer::Impl& srv_;
  int cluster_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool header_seen_ = false;
  bool keep_alive_ = true;
  std::string out_;  // serialised reply (capacity reused across requests)
  uint64_t stream_left_ = 0;  // huge: filler bytes still to generate
  bool stream_done_ = false;  // huge: the suffix has been queued
  std::optional<Timer> timer_;
  Timer watchdog_;
  SteadyClock::time_point deadline_ = SteadyClock::time_point::max();
};

class PlainSession : public Session<PlainSession>, public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(Socket&& socket, const HttpServer::Impl& srv, int cluster)
      : Session(srv, cluster, socket), socket_(std::move(socket)) {}
  void run() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      self->arm(kIdleTimeout);
      self->start_watchdog();
      self->do_read();
    });
  }
  Socket& stream() { return socket_; }
  Socket& socket() { return socket_; }
  void do_eof() {
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
  }

 private:
  friend class Session<PlainSession>;
  Socket socket_;
};

class SslSession : public Session<SslSession>, public std::enable_shared_from_this<SslSession> {
 public:
  SslSession(Socket&& socket, ssl::context& ctx, const HttpServer::Impl& srv, int cluster)
      : Session(srv, cluster, socket), stream_(std::move(socket), ctx) {
    // Asio asks OpenSSL to free its ~17 KiB record buffers whenever they are empty, i.e. to
    // allocate and free them again for every request on a keep-alive connection; keep them.
    SSL_clear_mode(stream_.native_handle(), SSL_MODE_RELEASE_BUFFERS);
  }
  void run() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->arm(kHandshakeTimeout);
      self->start_watchdog();
      self->stream_.async_handshake(ssl::stream_base::server, [self](beast::error_code ec) {
        if (ec) return;
        self->do_read();
      });
    });
  }
  ssl::stream<Socket>& stream() { return stream_; }
  Socket& socket() { return stream_.next_layer(); }
  void do_eof() {
    arm(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
  }

 private:
  friend class Session<SslSession>;
  ssl::stream<Socket> stream_;
};

void do_accept(HttpServer::Impl& srv, tcp::acceptor& acceptor, int cluster) {
  asio::io_context& home = *srv.iocs[srv.next_ioc++ % srv.iocs.size()];
  acceptor.async_accept(asio::make_strand(home), [&srv, &acceptor, cluster](beast::error_code ec, Socket socket) {
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
  const int n = s.cfg.threads > 0 ? s.cfg.threads : 1;
  s.iocs.clear();
  for (int i = 0; i < n; ++i) s.iocs.push_back(std::make_unique<asio::io_context>(1));
  s.next_ioc = 0;
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
      auto acc = std::make_unique<tcp::acceptor>(*s.iocs.front());
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
    s.iocs.clear();
    throw std::runtime_error(std::string("element-sim: start failed: ") + e.what());
  } catch (...) {
    s.acceptors.clear();
    s.bound_ports.clear();
    s.ssl_ctx.reset();
    s.iocs.clear();
    throw;
  }
  for (size_t i = 0; i < s.acceptors.size(); ++i) do_accept(s, *s.acceptors[i], static_cast<int>(i));
  s.running = true;
  for (auto& ioc : s.iocs) {
    s.threads.emplace_back([&s, &ioc = *ioc] {
      auto keep = asio::make_work_guard(ioc);  // serve until stop(), even before a connection arrives
      for (;;) {
        try {
          ioc.run();
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
  for (auto& ioc : s.iocs) ioc->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  {
    std::lock_guard lk(s.park_mu);
    s.parked.clear();  // paused sessions die with the io_context below
  }
  s.acceptors.clear();  // before the io_context: acceptors use its services
  s.iocs.clear();  // destroys pending handlers and with them every session
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
