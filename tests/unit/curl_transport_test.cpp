// The libcurl transport against a local plain-HTTP socket: Basic auth and body on the wire, status and
// body back, handle reuse across threads, and the mapping of failures to TransportError kinds.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/tcp.h>  // struct tcp_info with tcpi_data_segs_in
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "solidfire/transport.h"

namespace sftest {
namespace {
using solidfire::HttpRequest;
using solidfire::TransportError;

// Accepts connections and answers each HTTP request with `reply` (or stays silent when empty). Request
// number `drop_at` (1-based, over all connections) is read whole and then its connection is closed
// without an answer: the request reached the server, its reply was lost.
class TinyServer {
 public:
  explicit TinyServer(std::string reply, int drop_at = 0) : reply_(std::move(reply)), drop_at_(drop_at) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);  // NOLINT
    listen(fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);  // NOLINT
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~TinyServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
    for (auto& t : workers_) t.join();
  }
  int port() const { return port_; }
  std::string last_request() {
    std::lock_guard<std::mutex> lock(m_);
    return last_;
  }
  int connections() const { return connections_.load(); }
  int requests() const { return requests_.load(); }
  // TCP segments with data the server received, over all connections: one per request when the client
  // sends headers and body together (loopback carries one send in one segment).
  int data_segments() const { return data_segments_.load(); }

 private:
  void run() {
    while (!stop_) {
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++connections_;
      workers_.emplace_back([this, c] { serve(c); });
    }
  }
  void serve(int c) {
    uint32_t segments_seen = 0;
    std::string buf;
    char tmp[4096];
    for (;;) {
      const ssize_t n = recv(c, tmp, sizeof tmp, 0);
      if (n <= 0) break;
      buf.append(tmp, static_cast<size_t>(n));
      const size_t hdr_end = buf.find("\r\n\r\n");
      if (hdr_end == std::string::npos) continue;
      size_t content_length = 0;
      const size_t cl = buf.find("Content-Length: ");
      if (cl != std::string::npos) content_length = std::stoul(buf.substr(cl + 16));
      if (buf.size() < hdr_end + 4 + content_length) continue;
      {
        std::lock_guard<std::mutex> lock(m_);
        last_ = buf.substr(0, hdr_end + 4 + content_length);
      }
      count_data_segments(c, segments_seen);
      buf.erase(0, hdr_end + 4 + content_length);
      if (++requests_ == drop_at_) break;
      if (reply_.empty()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        break;
      }
      send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
    }
    close(c);
  }

  void count_data_segments(int c, uint32_t& seen) {
    tcp_info info{};
    socklen_t len = sizeof info;
    if (getsockopt(c, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return;
    data_segments_ += static_cast<int>(info.tcpi_data_segs_in - seen);
    seen = info.tcpi_data_segs_in;
  }

  std::string reply_;
  int drop_at_ = 0;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::vector<std::thread> workers_;  // touched only by the accept thread until the destructor joins it
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
  std::atomic<int> data_segments_{0};
  std::mutex m_;
  std::string last_;
};

HttpRequest request_to(int port, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  HttpRequest r;
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/json-rpc/8.0/";
  r.body = R"({"method":"ListVolumes","params":{},"id":1})";
  r.username = "admin";
  r.password = "pw";
  r.timeout = timeout;
  r.idempotent = true;  // a read: may travel on a pooled connection
  return r;
}

TEST(CurlTransport, PostsWithBasicAuthAndReusesConnections) {
  const std::string body = R"({"id":1,"result":{}})";
  TinyServer server("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body);
  auto t = solidfire::make_curl_transport({});
  const auto resp = t->post(request_to(server.port()));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, body);
  const std::string req = server.last_request();
  EXPECT_NE(req.find("POST /json-rpc/8.0/ HTTP/1.1"), std::string::npos);
  EXPECT_NE(req.find("Authorization: Basic YWRtaW46cHc="), std::string::npos);  // admin:pw
  EXPECT_NE(req.find(R"("method":"ListVolumes")"), std::string::npos);

  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 5; ++k) ok += t->post(request_to(server.port())).status == 200 ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 20);
  EXPECT_LE(server.connections(), 5) << "keep-alive: pooled handles reuse connections";
}

// Writes ride the pooled keep-alive connection like reads: no handshake per write.
TEST(CurlTransport, WritesReuseTheKeepAliveConnection) {
  const std::string body = R"({"id":1,"result":{}})";
  TinyServer server("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n\r\n" + body);
  auto t = solidfire::make_curl_transport({});
  HttpRequest write = request_to(server.port());
  write.idempotent = false;
  write.body = R"({"method":"CreateVolume","params":{},"id":2})";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(t->post(write).status, 200);
  EXPECT_EQ(t->post(request_to(server.port())).status, 200);
  EXPECT_EQ(server.connections(), 1) << "writes and reads share one connection";
  EXPECT_EQ(server.requests(), 4);
  EXPECT_EQ(server.data_segments(), 4) << "a request's headers and body went out in separate sends";
}

// A reused connection that closes after a write went out: libcurl would send the write again on a new
// connection by itself (running a committed write twice); the transport refuses, and the caller learns
// that the outcome is unknown (a reset after sending). A read in the same place is simply sent again.
TEST(CurlTransport, AWriteWhoseConnectionClosesIsNeverSentTwice) {
  const std::string body = R"({"id":1,"result":{}})";
  const std::string ok = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body;
  {
    TinyServer server(ok, /*drop_at=*/2);
    auto t = solidfire::make_curl_transport({});
    EXPECT_EQ(t->post(request_to(server.port())).status, 200);  // warms the connection
    HttpRequest write = request_to(server.port());
    write.idempotent = false;
    write.body = R"({"method":"CreateVolume","params":{},"id":2})";
    try {
      t->post(write);
      ADD_FAILURE() << "the write's lost reply was not reported";
    } catch (const TransportError& e) {
      EXPECT_EQ(e.kind(), TransportError::Kind::kReset) << e.what();
    }
    EXPECT_EQ(server.requests(), 2) << "the write reached the server more than once";
  }
  {
    TinyServer server(ok, /*drop_at=*/2);
    auto t = solidfire::make_curl_transport({});
    EXPECT_EQ(t->post(request_to(server.port())).status, 200);
    EXPECT_EQ(t->post(request_to(server.port())).status, 200) << "a read is sent again on a new connection";
    EXPECT_EQ(server.requests(), 3);
  }
}

TEST(CurlTransport, StatusCodesArePassedThrough) {
  TinyServer server("HTTP/1.1 401 Unauthorized\r\nContent-Length: 4\r\n\r\nnope");
  auto t = solidfire::make_curl_transport({});
  const auto resp = t->post(request_to(server.port()));
  EXPECT_EQ(resp.status, 401);
}

TEST(CurlTransport, RefusedConnectionIsConnectKind) {
  int port = 0;
  {
    TinyServer probe("x");
    port = probe.port();
  }  // closed: nothing listens there now
  auto t = solidfire::make_curl_transport({});
  try {
    t->post(request_to(port));
    FAIL();
  } catch (const TransportError& e) {
    EXPECT_EQ(e.kind(), TransportError::Kind::kConnect);
  }
}

// Reads and writes alike: the request went out, so silence is a timeout, and a cancel leaves it sent
// (outcome unknown for a write).
TEST(CurlTransport, SilentServerIsTimeoutAfterSending) {
  for (const bool read : {true, false}) {
    SCOPED_TRACE(read ? "read" : "write");
    TinyServer server("");
    auto t = solidfire::make_curl_transport({});
    HttpRequest r = request_to(server.port(), std::chrono::milliseconds(300));
    r.idempotent = read;
    try {
      t->post(r);
      FAIL();
    } catch (const TransportError& e) {
      EXPECT_EQ(e.kind(), TransportError::Kind::kTimeout) << e.what();
    }
  }
}

// A request in flight stops when the caller cancels, not at the request timeout (30 s here).
// The silent server closes after 1.5 s, so any kind but kCancelled means the cancel went unseen.
TEST(CurlTransport, CancelStopsARequestInFlight) {
  for (const bool read : {true, false}) {
    SCOPED_TRACE(read ? "read" : "write");
    TinyServer server("");
    auto t = solidfire::make_curl_transport({});
    HttpRequest r = request_to(server.port(), std::chrono::milliseconds(30000));
    r.idempotent = read;
    const auto start = std::chrono::steady_clock::now();
    int polls = 0;
    r.cancelled = [&] {
      ++polls;
      return std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(300);
    };
    try {
      t->post(r);
      FAIL() << "a cancelled request answered";
    } catch (const TransportError& e) {
      EXPECT_EQ(e.kind(), TransportError::Kind::kCancelled) << e.what();
    }
    EXPECT_GE(polls, 2) << "polled while waiting";

    // The pooled handle that was cancelled serves the next request.
    const std::string body = R"({"id":1,"result":{}})";
    TinyServer good("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(t->post(request_to(good.port())).status, 200);
    t.reset();  // closes the kept-alive connection, which `good` would otherwise wait on
  }
}

// Cancelled during the TLS handshake (the server accepts and never answers): nothing was sent.
TEST(CurlTransport, CancelBeforeTheRequestLeftIsUnsent) {
  for (const bool read : {true, false}) {
    SCOPED_TRACE(read ? "read" : "write");
    TinyServer server("");
    auto t = solidfire::make_curl_transport({});
    HttpRequest r = request_to(server.port(), std::chrono::milliseconds(30000));
    r.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/json-rpc/8.0/";
    r.idempotent = read;
    const auto start = std::chrono::steady_clock::now();
    r.cancelled = [&] { return std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(300); };
    try {
      t->post(r);
      FAIL() << "a cancelled request answered";
    } catch (const TransportError& e) {
      EXPECT_EQ(e.kind(), TransportError::Kind::kCancelledUnsent) << e.what();
    }
    EXPECT_EQ(server.requests(), 0);
  }
}

}  // namespace
}  // namespace sftest
