// Keep-alive connections for writes, without replays by the transport. The driver talks to element-sim
// through a counting TCP proxy (below): every connection the driver opens is one accept (and one TLS
// handshake, since the proxy passes TLS through), and the proxy knows which connection the simulator
// closed. So the tests can see that writes travel on the warm connection, that a `drop` (executed, then
// the connection closed) or a `reset` (nothing executed, connection reset) hitting a write on a REUSED
// connection never makes a duplicate, and that a connection the server closed while it sat idle in the
// pool does not turn the next write into an error.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support.h"

namespace it {
namespace {

// A loopback TCP proxy to one upstream port that counts the connections it accepts. When the upstream
// side closes a connection, the client side is closed the same way (a reset stays a reset), and the
// connection's serial number (1 = first accepted) is recorded.
class CountingProxy {
 public:
  explicit CountingProxy(uint16_t upstream_port) : upstream_port_(upstream_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_fd_, 64) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0 ||
        ::pipe2(wake_, O_CLOEXEC) != 0) {
      const std::string why = std::strerror(errno);
      if (listen_fd_ >= 0) ::close(listen_fd_);
      throw std::runtime_error("proxy: cannot listen on 127.0.0.1: " + why);
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }

  ~CountingProxy() {
    command('q');
    thread_.join();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
  }
  CountingProxy(const CountingProxy&) = delete;
  CountingProxy& operator=(const CountingProxy&) = delete;

  uint16_t port() const { return port_; }
  uint64_t accepted() const {
    std::lock_guard<std::mutex> lock(mu_);
    return accepted_;
  }
  // Serial numbers of the connections the upstream (the simulator) closed, in order.
  std::vector<uint64_t> closed_by_server() const {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_by_server_;
  }
  // Closes every client connection (FIN), as a server does with connections idle past its timeout.
  // Returns once they are closed.
  void close_client_connections() { command('c'); }

 private:
  struct Link {
    uint64_t serial;
    int client;
    int upstream;
  };

  static sockaddr_in loopback(uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
  }

  void command(char c) {
    std::unique_lock<std::mutex> lock(mu_);
    const uint64_t ticket = ++commands_sent_;
    if (::write(wake_[1], &c, 1) != 1) {
      ADD_FAILURE() << "proxy: wake-up pipe failed: " << std::strerror(errno);
      return;
    }
    done_.wait(lock, [&] { return commands_done_ >= ticket || stopped_; });
  }

  void close_link(const Link& l, bool reset) {
    if (reset) {
      const linger abort{1, 0};  // close with RST
      ::setsockopt(l.client, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    }
    ::close(l.client);
    ::close(l.upstream);
  }

  void accept_one() {
    const int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return;
    const int u = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a = loopback(upstream_port_);
    if (u < 0 || ::connect(u, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      if (u >= 0) ::close(u);
      ::close(c);
      return;
    }
    const int one = 1;  // forward each piece at once (no Nagle delay on split replies)
    ::setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(u, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard<std::mutex> lock(mu_);
    links_.push_back(Link{++accepted_, c, u});
  }

  // Moves what `from` has to `to`. False when the link is finished (and closed).
  bool pump(const Link& l, bool from_upstream) {
    const int from = from_upstream ? l.upstream : l.client;
    const int to = from_upstream ? l.client : l.upstream;
    char buf[65536];
    const ssize_t n = ::recv(from, buf, sizeof buf, 0);
    if (n > 0) {
      for (ssize_t sent = 0; sent < n;) {
        const ssize_t w = ::send(to, buf + sent, static_cast<size_t>(n - sent), MSG_NOSIGNAL);
        if (w <= 0) {
          close_link(l, /*reset=*/true);
          return false;
        }
        sent += w;
      }
      return true;
    }
    if (from_upstream) {
      std::lock_guard<std::mutex> lock(mu_);
      closed_by_server_.push_back(l.serial);
    }
    close_link(l, /*reset=*/n < 0);
    return false;
  }

  void run() {
    serve();
    for (const Link& l : links_) close_link(l, /*reset=*/false);
    links_.clear();
    std::lock_guard<std::mutex> lock(mu_);
    stopped_ = true;  // no command waits forever, even after a poll failure
    done_.notify_all();
  }

  void serve() {
    for (;;) {
      std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
      for (const Link& l : links_) {
        fds.push_back({l.client, POLLIN, 0});
        fds.push_back({l.upstream, POLLIN, 0});
      }
      if (::poll(fds.data(), fds.size(), -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents != 0) {
        char c = 0;
        if (::read(wake_[0], &c, 1) == 1) {
          if (c == 'q') return;
          for (const Link& l : links_) close_link(l, /*reset=*/false);
          links_.clear();
          std::lock_guard<std::mutex> lock(mu_);
          ++commands_done_;
          done_.notify_all();
        }
        continue;
      }
      std::vector<Link> kept;
      for (size_t i = 0; i < links_.size(); ++i) {
        bool open = true;
        if (fds[2 + 2 * i].revents != 0) open = pump(links_[i], /*from_upstream=*/false);
        if (open && fds[3 + 2 * i].revents != 0) open = pump(links_[i], /*from_upstream=*/true);
        if (open) kept.push_back(links_[i]);
      }
      links_ = std::move(kept);
      if (fds[0].revents != 0) accept_one();
    }
  }

  const uint16_t upstream_port_;
  uint16_t port_ = 0;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::vector<Link> links_;  // the proxy thread's own
  mutable std::mutex mu_;
  std::condition_variable done_;
  uint64_t commands_sent_ = 0;
  uint64_t commands_done_ = 0;
  bool stopped_ = false;
  uint64_t accepted_ = 0;
  std::vector<uint64_t> closed_by_server_;
  std::thread thread_;
};

bool outcome_unknown(const vh::CallResult& r) {
  const Json e = Json::parse(r.output);
  return e["outcome_unknown"].is_bool() && e["outcome_unknown"].boolean();
}

class Keepalive : public ::testing::Test {
 protected:
  void SetUp() override {
    driver_ = ready_driver(sim_, nullptr, {{"sf_api_port", std::to_string(proxy_.port())}});
    // Warm up: the account exists and the pooled handle holds a live connection.
    warm_ = ok_json(driver_->call("create_volume", create_request(warm_id_, 1, project_)), "warm-up create_volume");
    ASSERT_TRUE(driver_->call("get_volume_stats", R"({"refresh":true})").ok());
    ASSERT_GE(proxy_.accepted(), 1u);
  }
  void TearDown() override { sim_.server().clear_faults(); }

  // Runs `op` with the fault `spec` armed, repeating it as a host does after an outcome-unknown error
  // (the first try under `first_timeout`, so that a lost CreateVolume does not wait its 30 s window).
  // Checks the write hit a connection that was already open before the operation began.
  Json run_with_fault(const std::string& spec, const std::string& op, const std::string& request,
                      std::chrono::milliseconds first_timeout = std::chrono::seconds(60)) {
    const uint64_t open_before = proxy_.accepted();
    const size_t closed_before = proxy_.closed_by_server().size();
    sim_.server().add_fault(spec);
    vh::CallOptions first;
    first.timeout = first_timeout;
    vh::CallResult r = driver_->call(op, request, first);
    if (!r.ok()) {
      EXPECT_EQ(r.status, VDP_E_TIMEOUT) << op << ": " << r.output;
      EXPECT_TRUE(outcome_unknown(r)) << op << ": " << r.output;
      r = driver_->call(op, request);  // the host's repeat
    }
    // The fault closes the reused connection first. (libcurl then opens another one to resend the write
    // and closes it when the resend is refused: libcurl asks the pre-request callback only once connected.)
    const auto closed = proxy_.closed_by_server();
    EXPECT_GT(closed.size(), closed_before) << "the fault closed no connection";
    if (closed.size() > closed_before) {
      EXPECT_LE(closed[closed_before], open_before)
          << "the faulted write went on a new connection (serial " << closed[closed_before] << "), not a reused one";
    }
    return ok_json(r, op + " after " + spec);
  }

  std::string snapshot_request(const std::string& snap_id) const {
    return "{\"snapshot\":{\"id\":\"" + snap_id + "\",\"volume_id\":\"" + warm_id_ + "\",\"volume_size\":1," +
           "\"project_id\":\"" + project_ + "\",\"volume\":" + volume_object(warm_id_, 1, project_, warm_) + "}}";
  }
  size_t snapshots_of_warm_volume() {
    const int64_t volume_id = std::stoll(split(warm_["provider_id"].str()).at(0));
    return sim_.rpc("ListSnapshots", "{\"volumeID\":" + std::to_string(volume_id) + "}")["snapshots"].size();
  }

  Sim sim_;
  CountingProxy proxy_{sim_.port()};
  std::unique_ptr<vh::Driver> driver_;
  const std::string project_ = unique_name("keepalive");
  const std::string warm_id_ = new_uuid();
  Json warm_;
};

TEST_F(Keepalive, WritesTravelOnTheWarmConnection) {
  const uint64_t open_before = proxy_.accepted();
  const uint64_t creates_before = sim_.count("CreateVolume");
  for (int i = 0; i < 5; ++i) {
    const std::string id = new_uuid();
    const Json model = ok_json(driver_->call("create_volume", create_request(id, 1, project_)), "create_volume");
    ok_json(driver_->call("delete_volume", volume_request(id, 1, project_, model)), "delete_volume");
  }
  ok_json(driver_->call("create_volume", create_request(new_uuid(), 1, unique_name("keepalive-new"))),
          "create_volume in a new project (AddAccount)");
  EXPECT_EQ(sim_.count("CreateVolume") - creates_before, 6u);
  EXPECT_EQ(proxy_.accepted(), open_before) << "writes opened connections (one TLS handshake each)";
}

TEST_F(Keepalive, ConcurrentCallersReuseAPoolOfConnections) {
  constexpr int kThreads = 4;
  constexpr int kPairs = 5;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPairs; ++i) {
        const std::string id = new_uuid();
        const auto c = driver_->call("create_volume", create_request(id, 1, project_));
        const auto d = c.ok() ? driver_->call("delete_volume", volume_request(id, 1, project_, Json::parse(c.output)))
                              : c;
        if (!d.ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  // One connection per concurrent caller at most (each in-flight call holds one pooled handle), not one
  // per write (40 here); a little slack for a handle taken while another is being returned.
  EXPECT_LE(proxy_.accepted(), static_cast<uint64_t>(kThreads) + 2) << "connections opened";
}

TEST_F(Keepalive, ConnectionClosedWhileIdleDoesNotFailTheNextWrite) {
  const uint64_t open_before = proxy_.accepted();
  proxy_.close_client_connections();  // the server's idle timeout, while the driver holds it in its pool
  const uint64_t creates_before = sim_.count("CreateVolume");
  const std::string id = new_uuid();
  const auto r = driver_->call("create_volume", create_request(id, 1, project_));
  ASSERT_TRUE(r.ok()) << "a write after the server closed an idle connection: " << r.output;
  EXPECT_EQ(sim_.count("CreateVolume") - creates_before, 1u);
  EXPECT_EQ(sim_.volumes_named("UUID-" + id).size(), 1u);
  EXPECT_EQ(proxy_.accepted(), open_before + 1) << "one new connection replaces the closed one";
}

TEST_F(Keepalive, DropOfCreateVolumeOnReusedConnectionCommitsOnce) {
  const std::string id = new_uuid();
  const Json model = run_with_fault("CreateVolume:drop:count=1", "create_volume", create_request(id, 1, project_));
  EXPECT_TRUE(model["provider_id"].is_string()) << model.dump();
  EXPECT_EQ(sim_.volumes_named("UUID-" + id).size(), 1u);
}

TEST_F(Keepalive, ResetOfCreateVolumeOnReusedConnectionCommitsOnce) {
  const std::string id = new_uuid();
  // Nothing was executed, but the transport cannot know: outcome unknown, then the host's repeat creates it.
  const Json model = run_with_fault("CreateVolume:reset:count=1", "create_volume", create_request(id, 1, project_),
                                    std::chrono::milliseconds(2500));
  EXPECT_TRUE(model["provider_id"].is_string()) << model.dump();
  EXPECT_EQ(sim_.volumes_named("UUID-" + id).size(), 1u);
}

TEST_F(Keepalive, DropOfCreateSnapshotOnReusedConnectionCommitsOnce) {
  const Json snap = run_with_fault("CreateSnapshot:drop:count=1", "create_snapshot", snapshot_request(new_uuid()));
  EXPECT_TRUE(snap["provider_id"].is_string()) << snap.dump();
  EXPECT_EQ(snapshots_of_warm_volume(), 1u);
}

TEST_F(Keepalive, ResetOfCreateSnapshotOnReusedConnectionCommitsOnce) {
  const Json snap = run_with_fault("CreateSnapshot:reset:count=1", "create_snapshot", snapshot_request(new_uuid()));
  EXPECT_TRUE(snap["provider_id"].is_string()) << snap.dump();
  EXPECT_EQ(snapshots_of_warm_volume(), 1u);
}

TEST_F(Keepalive, DropOfAddAccountOnReusedConnectionCommitsOnce) {
  const std::string project = unique_name("keepalive-acct");
  run_with_fault("AddAccount:drop:count=1", "create_volume", create_request(new_uuid(), 1, project));
  EXPECT_TRUE(sim_.account_by_name(project).has_value());
  EXPECT_EQ(sim_.count("AddAccount"), 2u) << "warm-up's and this one: AddAccount was sent again after it committed";
}

TEST_F(Keepalive, ResetOfAddAccountOnReusedConnectionCommitsOnce) {
  const std::string project = unique_name("keepalive-acct");
  run_with_fault("AddAccount:reset:count=1", "create_volume", create_request(new_uuid(), 1, project));
  EXPECT_TRUE(sim_.account_by_name(project).has_value());
  EXPECT_EQ(sim_.count("AddAccount"), 3u) << "warm-up's, the reset one, and one repeat after the lookup";
}

}  // namespace
}  // namespace it
