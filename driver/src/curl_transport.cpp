// libcurl Transport. Easy handles live in a pool owned by the transport (checked out per request
// under a mutex, returned afterwards): hosts call from arbitrary OS threads (Go), so nothing is
// thread_local. Each pooled easy handle has a multi handle of its own that drives its transfers and
// keeps its connections, so the wait can poll the caller's cancellation every kCancelPoll instead of
// blocking inside curl_easy_perform until the request timeout.
//
// Cost per request: every request, writes included, goes on the handle's keep-alive connection, so a
// TLS handshake happens only when a pooled handle opens its first connection or replaces one the server
// closed (then resuming the handle's own TLS session). Writes are safe on reused connections because
// CurlReplayGuard refuses the resend libcurl attempts when a reused connection closes after a write went
// out (curl_replay_guard.h). Every body goes as CURLOPT_POSTFIELDS, so headers and body leave in one
// send (one TLS record, one wake-up of the server). The options that never change are set
// once per handle, the header list once per transport, and the CA file is parsed once per handle
// (libcurl caches the certificate store in the handle's multi handle, CURLOPT_CA_CACHE_TIMEOUT).
//
// What crosses threads: only the DNS cache, through one CURLSH. Connections cannot be shared (libcurl
// does not support a connection cache used by concurrent threads, CURL_LOCK_DATA_CONNECT), and TLS
// sessions are not: with CURL_LOCK_DATA_SSL_SESSION, libcurl 7.88 hands one SSL_SESSION to handshakes
// running in several threads, and ThreadSanitizer saw one thread free a session's certificate stack
// while another copied it (real or not, TSan cannot see the atomic reference counts inside libcrypto,
// so the report would stay and the tsan gate could not pass). Instead the pool keeps as many handles
// as there are concurrent callers (up to kMaxIdleHandles idle), each with a live connection that it
// resumes its own session on: one full handshake per pooled handle over the driver's life, not one per
// write.
#include <curl/curl.h>
#include <openssl/x509_vfy.h>  // X509_V_ERR_* values of CURLINFO_SSL_VERIFYRESULT (macros only)
#include <sys/stat.h>

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "curl_replay_guard.h"
#include "solidfire/transport.h"

namespace solidfire {

namespace {

std::once_flag g_curl_init_once;
CURLcode g_curl_init_result = CURLE_OK;

void global_init() {
  // The plugin is linked -z nodelete and never unloaded, so there is no matching cleanup.
  std::call_once(g_curl_init_once, [] { g_curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (g_curl_init_result != CURLE_OK) {
    throw TransportError(TransportError::Kind::kOther, "libcurl initialisation failed");
  }
}

constexpr size_t kMaxIdleHandles = 32;
// A ListVolumes page of 10,000 volumes is about 20 MiB; anything past 64 MiB is not an Element reply.
constexpr size_t kMaxResponseBytes = size_t{64} << 20;
constexpr std::chrono::milliseconds kMaxConnectTimeout{15000};
// vdp.h promises cancellation is noticed within about 100 ms during waits.
constexpr std::chrono::milliseconds kCancelPoll{50};

// libcurl's default certificate store lifetime, said explicitly: the CA file is read again at most daily.
constexpr long kCaCacheSeconds = 24 * 3600;  // NOLINT(google-runtime-int): libcurl's type

// One pooled transfer slot: an easy handle and the multi handle that runs it (and keeps its connections).
struct Conn {
  CURL* easy = nullptr;
  CURLM* multi = nullptr;
};

void close_conn(Conn c) {
  if (c.multi != nullptr) curl_multi_cleanup(c.multi);  // closes the connections it keeps
  if (c.easy != nullptr) curl_easy_cleanup(c.easy);
}

// Runs the transfer set up on c.easy to its end, polling `cancelled` (if any) while it waits. Returns
// the transfer's result, or nullopt when the caller cancelled (the transfer is then abandoned).
std::optional<CURLcode> run_transfer(const Conn& c, const std::function<bool()>& cancelled) {
  if (curl_multi_add_handle(c.multi, c.easy) != CURLM_OK) return CURLE_FAILED_INIT;
  struct Detach {
    const Conn& c;
    ~Detach() { curl_multi_remove_handle(c.multi, c.easy); }
  } detach{c};
  // The host is asked once per poll period, not on every wake-up of a busy transfer.
  auto next_check = std::chrono::steady_clock::now() + kCancelPoll;
  for (;;) {
    int running = 0;
    if (curl_multi_perform(c.multi, &running) != CURLM_OK) return CURLE_FAILED_INIT;
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(c.multi, &queued)) {
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == c.easy) return msg->data.result;
    }
    if (running == 0) return CURLE_FAILED_INIT;  // ended without a result: never expected
    if (cancelled && std::chrono::steady_clock::now() >= next_check) {
      if (cancelled()) return std::nullopt;
      next_check = std::chrono::steady_clock::now() + kCancelPoll;
    }
    if (curl_multi_poll(c.multi, nullptr, 0, static_cast<int>(kCancelPoll.count()), nullptr) != CURLM_OK) {
      return CURLE_FAILED_INIT;
    }
  }
}

struct Sink {
  std::string* body;
  bool too_large = false;
};

size_t write_cb(char* data, size_t size, size_t nmemb, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t n = size * nmemb;
  if (sink->body->size() + n > kMaxResponseBytes) {
    sink->too_large = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  sink->body->append(data, n);
  return n;
}

// `url` with another scheme, path "/" and its port written out (so that switching the scheme keeps it).
std::optional<std::string> with_scheme(const std::string& url, const char* scheme) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
  char* port = nullptr;
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(u.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
    return std::nullopt;
  }
  const std::string p = port;
  curl_free(port);
  char* out = nullptr;
  if (curl_url_set(u.get(), CURLUPART_SCHEME, scheme, 0) != CURLUE_OK ||
      curl_url_set(u.get(), CURLUPART_PORT, p.c_str(), 0) != CURLUE_OK ||
      curl_url_set(u.get(), CURLUPART_PATH, "/", 0) != CURLUE_OK ||
      curl_url_get(u.get(), CURLUPART_URL, &out, 0) != CURLUE_OK) {
    return std::nullopt;
  }
  std::string result = out;
  curl_free(out);
  return result;
}

// Whether the server behind `url` completes a TLS handshake (tls) or answers a bare HEAD / in plain HTTP
// (!tls). Tells a scheme mismatch from other failures after the fact. No request and no credentials are
// sent, and the certificate is not checked: only the protocol spoken matters here.
bool speaks(const std::string& url, bool tls, std::chrono::milliseconds timeout) {
  const auto probe_url = with_scheme(url, tls ? "https" : "http");
  if (!probe_url) return false;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> h(curl_easy_init(), &curl_easy_cleanup);
  if (!h) return false;
  const long ms = static_cast<long>(std::max<int64_t>(1, timeout.count()));  // NOLINT
  curl_easy_setopt(h.get(), CURLOPT_URL, probe_url->c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt(h.get(), CURLOPT_PROTOCOLS_STR, "https,http");
#endif
  curl_easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h.get(), CURLOPT_TIMEOUT_MS, ms);
  curl_easy_setopt(h.get(), CURLOPT_CONNECTTIMEOUT_MS, ms);
  if (tls) {
    curl_easy_setopt(h.get(), CURLOPT_CONNECT_ONLY, 1L);  // TCP and the TLS handshake, nothing more
    curl_easy_setopt(h.get(), CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(h.get(), CURLOPT_SSL_VERIFYHOST, 0L);
  } else {
    curl_easy_setopt(h.get(), CURLOPT_NOBODY, 1L);  // any HTTP status line will do
  }
  return curl_easy_perform(h.get()) == CURLE_OK;
}

// Probes are short: they only tell the configuration error apart.
constexpr std::chrono::milliseconds kMaxProbeTimeout{2000};

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(TlsOptions tls) : tls_(std::move(tls)) {
    global_init();
    share_ = curl_share_init();
    if (share_ == nullptr) throw TransportError(TransportError::Kind::kOther, "curl_share_init failed");
    curl_share_setopt(share_, CURLSHOPT_LOCKFUNC, &CurlTransport::lock_cb);
    curl_share_setopt(share_, CURLSHOPT_UNLOCKFUNC, &CurlTransport::unlock_cb);
    curl_share_setopt(share_, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share_, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    if (!tls_.ca_path.empty()) {
      struct stat st{};
      ca_is_dir_ = stat(tls_.ca_path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    }
    // Read-only once built, so every pooled handle points at the same list.
    for (const char* header : {"Content-Type: application/json", "Accept: application/json", "Expect:"}) {
      curl_slist* more = curl_slist_append(headers_, header);
      if (more == nullptr) {
        curl_slist_free_all(headers_);
        curl_share_cleanup(share_);
        throw TransportError(TransportError::Kind::kOther, "libcurl header list allocation failed");
      }
      headers_ = more;
    }
  }

  ~CurlTransport() override {
    for (const Conn& c : idle_) close_conn(c);
    idle_.clear();
    curl_share_cleanup(share_);
    curl_slist_free_all(headers_);
  }

  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  HttpResponse post(const HttpRequest& request) override {
    const Conn conn = checkout();
    CURL* h = conn.easy;
    struct Return {
      CurlTransport* self;
      Conn c;
      ~Return() { self->give_back(c); }
    } guard{this, conn};

    HttpResponse response;
    char errbuf[CURL_ERROR_SIZE] = {};
    const long timeout_ms = static_cast<long>(std::max<int64_t>(1, request.timeout.count()));  // NOLINT
    const long connect_ms = static_cast<long>(  // NOLINT
        std::max<int64_t>(1, std::min(request.timeout, kMaxConnectTimeout).count()));

    // Only what differs between requests; the rest was set when the handle was made.
    CurlReplayGuard guard_replay(h, /*replayable=*/request.idempotent);
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h, CURLOPT_PREREQDATA, &guard_replay);
    curl_easy_setopt(h, CURLOPT_USERNAME, request.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, request.password.c_str());
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    Sink sink{&response.body};
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

    const std::optional<CURLcode> done = run_transfer(conn, request.cancelled);
    const CURLcode rc = done.value_or(CURLE_ABORTED_BY_CALLBACK);
    // Any byte sent, headers included: the server may then hold the whole request (a partly sent one
    // cannot run, but telling the two apart is not worth a wrong "never sent").
    const bool may_have_arrived = guard_replay.sent_bytes() > 0;
    // Do not keep pointers to this call's buffers, nor the password, in the pooled handle.
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, nullptr);
    curl_easy_setopt(h, CURLOPT_PREREQDATA, nullptr);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, nullptr);
    curl_easy_setopt(h, CURLOPT_PASSWORD, "");

    if (!done) {
      if (!may_have_arrived) {
        throw TransportError(TransportError::Kind::kCancelledUnsent, "cancelled before sending");
      }
      throw TransportError(TransportError::Kind::kCancelled, "cancelled while waiting for the answer");
    }
    if (sink.too_large) {
      throw TransportError(TransportError::Kind::kTooLarge,
                           "reply larger than " + std::to_string(kMaxResponseBytes >> 20) + " MiB");
    }
    if (guard_replay.refused()) {
      // The write went out on a reused connection that then closed without a byte of answer.
      throw TransportError(TransportError::Kind::kReset,
                           "the keep-alive connection closed after the request was sent, before any answer; "
                           "not sent again");
    }
    if (rc != CURLE_OK) {
      const std::string detail = errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
      TransportError::Kind kind = classify(rc, may_have_arrived);
      if (auto cause = tls_cause(h, rc, kind, request)) {
        throw TransportError(TransportError::Kind::kTls, *cause + " (libcurl: " + detail + ")");
      }
      throw TransportError(kind, detail);
    }
    long status = 0;  // NOLINT(google-runtime-int)
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    response.status = status;
    return response;
  }

 private:
  // `may_have_arrived`: whether libcurl sent any of the request, so the cluster may hold all of it.
  static TransportError::Kind classify(CURLcode rc, bool may_have_arrived) {
    using Kind = TransportError::Kind;
    switch (rc) {
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_RESOLVE_PROXY:
        return Kind::kConnect;
      case CURLE_OPERATION_TIMEDOUT:
        // Timed out before libcurl sent any of the request (connect, handshake): it never arrived.
        return may_have_arrived ? Kind::kTimeout : Kind::kConnect;
      case CURLE_SEND_ERROR:
      case CURLE_RECV_ERROR:
      case CURLE_GOT_NOTHING:
      case CURLE_PARTIAL_FILE:
        return Kind::kReset;
      case CURLE_SSL_CONNECT_ERROR:
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CIPHER:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_ISSUER_ERROR:
      case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      case CURLE_SSL_INVALIDCERTSTATUS:
      case CURLE_SSL_CRL_BADFILE:
      case CURLE_SSL_ENGINE_NOTFOUND:
      case CURLE_SSL_ENGINE_SETFAILED:
      case CURLE_SSL_ENGINE_INITFAILED:
      case CURLE_USE_SSL_FAILED:
        return Kind::kTls;
      default:
        return Kind::kOther;
    }
  }

  // Names the cause of a TLS failure, cause first and then what to check, since libcurl's text alone
  // ("SSL_ERROR_SYSCALL", "Empty reply from server") rarely says what to fix. Also catches plain HTTP sent
  // to an HTTPS port, which libcurl reports as an empty reply or a reset (retried as such otherwise).
  // nullopt when the failure is not a TLS one.
  std::optional<std::string> tls_cause(CURL* h, CURLcode rc, TransportError::Kind kind,
                                       const HttpRequest& request) const {
    const bool https = request.url.rfind("https://", 0) == 0;
    const auto probe_timeout = std::min(request.timeout, kMaxProbeTimeout);
    if (!https) {
      curl_off_t header_bytes = 0;
      curl_easy_getinfo(h, CURLINFO_HEADER_SIZE, &header_bytes);
      if (kind == TransportError::Kind::kReset && header_bytes == 0 && speaks(request.url, true, probe_timeout)) {
        return "the server speaks TLS: plain HTTP was sent to an HTTPS port (set sf_api_scheme=https)";
      }
      return std::nullopt;
    }
    if (kind != TransportError::Kind::kTls) return std::nullopt;
    long verify = X509_V_OK;  // NOLINT(google-runtime-int): libcurl's type
    curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &verify);
    const std::string store = tls_.ca_path.empty() ? "the system's CA store (set driver_ssl_cert_path)"
                                                   : "driver_ssl_cert_path " + tls_.ca_path;
    switch (verify) {
      case X509_V_ERR_CERT_HAS_EXPIRED:
        return std::string("certificate has expired: the cluster's certificate is past its end date (renew it there)");
      case X509_V_ERR_CERT_NOT_YET_VALID:
        return std::string("certificate is not yet valid: check the clocks of this host and of the cluster");
      case X509_V_ERR_HOSTNAME_MISMATCH:
      case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return host_mismatch(request.url);
      case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
      case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      case X509_V_ERR_CERT_UNTRUSTED:
        return "unknown CA: the cluster's certificate is not signed by a CA in " + store;
      case X509_V_OK:
      case X509_V_ERR_UNSPECIFIED:  // libcurl's value until a chain was verified
        break;
      default:
        return "the cluster's certificate was rejected (X509 verify result " + std::to_string(verify) +
               "); check " + store;
    }
    // libcurl checks the name itself once the chain verified.
    if (rc == CURLE_PEER_FAILED_VERIFICATION) return host_mismatch(request.url);
    if (rc == CURLE_SSL_CONNECT_ERROR && speaks(request.url, false, probe_timeout)) {
      return std::string(
          "server does not speak TLS: the port answers plain HTTP (check sf_api_port and sf_api_scheme)");
    }
    return std::nullopt;
  }

  static std::string host_mismatch(const std::string& url) {
    std::string host = url;
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
    char* part = nullptr;
    if (u && curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
        curl_url_get(u.get(), CURLUPART_HOST, &part, 0) == CURLUE_OK) {
      host = part;
      curl_free(part);
    }
    return "host name mismatch: the cluster's certificate does not name " + host +
           " (set san_ip to a name or address the certificate holds)";
  }

  Conn checkout() {
    {
      std::lock_guard<std::mutex> lock(pool_mutex_);
      if (!idle_.empty()) {
        const Conn c = idle_.back();
        idle_.pop_back();
        return c;
      }
    }
    Conn c{curl_easy_init(), curl_multi_init()};
    if (c.easy == nullptr || c.multi == nullptr) {
      close_conn(c);
      throw TransportError(TransportError::Kind::kOther, "libcurl handle allocation failed");
    }
    configure(c.easy);
    return c;
  }

  // The options every request of this transport shares, set once per pooled handle.
  void configure(CURL* h) const {
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
#endif
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SHARE, share_);
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, &CurlReplayGuard::before_request);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));  // NOLINT
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &write_cb);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, tls_.verify ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, tls_.verify ? 2L : 0L);
    curl_easy_setopt(h, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));  // NOLINT
    if (!tls_.ca_path.empty()) {
      curl_easy_setopt(h, ca_is_dir_ ? CURLOPT_CAPATH : CURLOPT_CAINFO, tls_.ca_path.c_str());
    }
#if LIBCURL_VERSION_NUM >= 0x075700
    curl_easy_setopt(h, CURLOPT_CA_CACHE_TIMEOUT, kCaCacheSeconds);
#endif
  }

  void give_back(Conn c) {
    {
      std::lock_guard<std::mutex> lock(pool_mutex_);
      if (idle_.size() < kMaxIdleHandles) {
        idle_.push_back(c);
        return;
      }
    }
    close_conn(c);
  }

  static void lock_cb(CURL* /*handle*/, curl_lock_data data, curl_lock_access /*access*/, void* user) {
    static_cast<CurlTransport*>(user)->share_mutex(data).lock();
  }
  static void unlock_cb(CURL* /*handle*/, curl_lock_data data, void* user) {
    static_cast<CurlTransport*>(user)->share_mutex(data).unlock();
  }
  std::mutex& share_mutex(curl_lock_data data) {
    const auto i = static_cast<size_t>(data);
    return share_mutexes_[i < share_mutexes_.size() ? i : 0];
  }

  TlsOptions tls_;
  bool ca_is_dir_ = false;
  CURLSH* share_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST + 1> share_mutexes_;
  std::mutex pool_mutex_;
  std::vector<Conn> idle_;
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport(const TlsOptions& tls) {
  return std::make_unique<CurlTransport>(tls);
}

}  // namespace solidfire
