// HTTP(S) front end over real sockets (libcurl client).
#include <curl/curl.h>

#include <thread>

#include "sim_test_util.h"

using namespace simtest;

namespace {

struct HttpReply {
  long status = 0;
  std::string body;
  std::string content_type;
  std::string headers;
  long new_connections = -1;
};

size_t collect(char* p, size_t size, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, size * n);
  return size * n;
}

class Client {
 public:
  Client() : h_(curl_easy_init()) {}
  ~Client() { curl_easy_cleanup(h_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  std::string ca_pem;  // verify against this certificate when set; otherwise no verification
  std::string user = "admin", password = "admin";
  bool auth = true;
  std::string content_type;  // empty: no Content-Type header
  long timeout_s = 20;
  long expect_timeout_ms = 0;  // 0: curl's default
  std::vector<std::string> extra_headers;

  HttpReply post(const std::string& url, const std::string& body) {
    HttpReply r;
    curl_easy_reset(h_);
    curl_easy_setopt(h_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h_, CURLOPT_TIMEOUT, timeout_s);
    if (expect_timeout_ms > 0) curl_easy_setopt(h_, CURLOPT_EXPECT_100_TIMEOUT_MS, expect_timeout_ms);
    curl_easy_setopt(h_, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(h_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_slist* hdrs = nullptr;
    hdrs = curl_slist_append(hdrs, content_type.empty() ? "Content-Type:" : ("Content-Type: " + content_type).c_str());
    for (const auto& h : extra_headers) hdrs = curl_slist_append(hdrs, h.c_str());
    curl_easy_setopt(h_, CURLOPT_HTTPHEADER, hdrs);
    if (auth) {
      curl_easy_setopt(h_, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(h_, CURLOPT_USERNAME, user.c_str());
      curl_easy_setopt(h_, CURLOPT_PASSWORD, password.c_str());
    }
    curl_blob blob{};
    if (!ca_pem.empty()) {
      blob.data = ca_pem.data();
      blob.len = ca_pem.size();
      blob.flags = CURL_BLOB_COPY;
      curl_easy_setopt(h_, CURLOPT_CAINFO_BLOB, &blob);
      curl_easy_setopt(h_, CURLOPT_SSL_VERIFYPEER, 1L);
      curl_easy_setopt(h_, CURLOPT_SSL_VERIFYHOST, 2L);
    } else {
      curl_easy_setopt(h_, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(h_, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    curl_easy_setopt(h_, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h_, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(h_, CURLOPT_HEADERFUNCTION, collect);
    curl_easy_setopt(h_, CURLOPT_HEADERDATA, &r.headers);
    CURLcode rc = curl_easy_perform(h_);
    curl_slist_free_all(hdrs);
    EXPECT_EQ(rc, CURLE_OK) << curl_easy_strerror(rc) << " " << url;
    curl_easy_getinfo(h_, CURLINFO_RESPONSE_CODE, &r.status);
    char* ct = nullptr;
    curl_easy_getinfo(h_, CURLINFO_CONTENT_TYPE, &ct);
    if (ct) r.content_type = ct;
    curl_easy_getinfo(h_, CURLINFO_NUM_CONNECTS, &r.new_connections);
    return r;
  }

 private:
  CURL* h_;
};

const char* kInfo = R"({"method":"GetClusterInfo","params":{},"id":9})";

class Http : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    element_sim::Options o;
    o.tls = GetParam();
    sim = std::make_unique<element_sim::Server>(o);
    sim->start();
  }
  std::unique_ptr<element_sim::Server> sim;
};

TEST_P(Http, UrlAndPort) {
  EXPECT_NE(sim->port(), 0);
  EXPECT_EQ(sim->url(), std::string(GetParam() ? "https" : "http") + "://127.0.0.1:" + std::to_string(sim->port()));
  EXPECT_EQ(sim->certificate_pem().empty(), !GetParam());
}

TEST_P(Http, JsonRpcOverHttp) {
  Client c;
  HttpReply r = c.post(sim->url() + "/json-rpc/12.3", kInfo);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  Json j = parse(r.body);
  ASSERT_TRUE(j) << r.body;
  EXPECT_EQ(num(j.get(), "id"), 9);
  EXPECT_EQ(str(get(result(j), "clusterInfo"), "mvip"), "127.0.0.1");
  EXPECT_EQ(sim->rpc_count("GetClusterInfo"), 1u);
}

TEST_P(Http, TrailingSlashAndQueryAccepted) {
  Client c;
  EXPECT_EQ(c.post(sim->url() + "/json-rpc/1.0/", kInfo).status, 200);
  EXPECT_EQ(c.post(sim->url() + "/json-rpc/8.0?x=1", kInfo).status, 200);
  EXPECT_EQ(sim->rpc_count("GetClusterInfo"), 2u);
}

TEST_P(Http, ErrorsAreHttp200) {
  Client c;
  HttpReply r = c.post(sim->url() + "/json-rpc/7.0", R"({"method":"ListVolumes","params":{},"id":"x"})");
  EXPECT_EQ(r.status, 200);
  Json j = parse(r.body);
  EXPECT_EQ(error_name(j), "xUnknownAPIMethod");
  EXPECT_NE(r.body.find("\"code\":500"), std::string::npos);
  HttpReply bad = c.post(sim->url() + "/json-rpc/12.3", "{oops");
  EXPECT_EQ(bad.status, 200);
  EXPECT_EQ(error_name(parse(bad.body)), "xInvalidRequest");
}

TEST_P(Http, BadAuthIs401NonJson) {
  Client c;
  c.password = "wrong";
  HttpReply r = c.post(sim->url() + "/json-rpc/12.3", kInfo);
  EXPECT_EQ(r.status, 401);
  EXPECT_FALSE(parse(r.body));
  EXPECT_NE(r.headers.find("WWW-Authenticate: Basic"), std::string::npos) << r.headers;
  Client none;
  none.auth = false;
  EXPECT_EQ(none.post(sim->url() + "/json-rpc/12.3", kInfo).status, 401);
  Client user;
  user.user = "root";
  EXPECT_EQ(user.post(sim->url() + "/json-rpc/12.3", kInfo).status, 401);
  EXPECT_EQ(sim->rpc_total(), 0u);
}

TEST_P(Http, UnknownVersionIs404NonJson) {
  Client c;
  for (const char* path : {"/json-rpc/99.0", "/json-rpc/12.30", "/json-rpc/", "/json-rpc/11.2/", "/", "/api"}) {
    HttpReply r = c.post(sim->url() + path, kInfo);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_FALSE(parse(r.body)) << path;
  }
}

TEST_P(Http, ContentTypeDoesNotMatter) {
  for (const char* ct : {"", "json-rpc", "application/json-rpc", "text/plain", "application/x-www-form-urlencoded"}) {
    Client c;
    c.content_type = ct;
    HttpReply r = c.post(sim->url() + "/json-rpc/12.3", kInfo);
    EXPECT_EQ(r.status, 200) << ct;
    EXPECT_TRUE(result(parse(r.body))) << ct;
  }
}

TEST_P(Http, KeepAliveReusesConnection) {
  Client c;
  HttpReply a = c.post(sim->url() + "/json-rpc/12.3", kInfo);
  HttpReply b = c.post(sim->url() + "/json-rpc/1.0/", R"({"method":"ListAccounts","params":{},"id":2})");
  HttpReply d = c.post(sim->url() + "/json-rpc/12.3", kInfo);
  EXPECT_EQ(a.new_connections, 1);
  EXPECT_EQ(b.new_connections, 0);
  EXPECT_EQ(d.new_connections, 0);
  EXPECT_EQ(b.status, 200);
}

TEST_P(Http, ExpectContinueIsAnswered) {
  // If the server ignored "Expect: 100-continue", curl would wait expect_timeout_ms (30 s) before
  // sending the body and the 10 s transfer timeout would fail the request.
  Client c;
  c.timeout_s = 10;
  c.expect_timeout_ms = 30000;
  std::string pad(4000, 'p');
  std::string body = R"({"method":"GetClusterInfo","params":{"pad":")" + pad + R"("},"id":3})";
  c.extra_headers.push_back("Expect: 100-continue");
  HttpReply r = c.post(sim->url() + "/json-rpc/12.3", body);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(result(parse(r.body)));
  EXPECT_NE(r.headers.find("100 Continue"), std::string::npos) << r.headers;
}

TEST_P(Http, ConcurrentClients) {
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&, t] {
      Client c;
      c.post(sim->url() + "/json-rpc/12.3", "{\"method\":\"AddAccount\",\"params\":{\"username\":\"u" +
                                                std::to_string(t) + "\"}}");
      for (int i = 0; i < 10; ++i) c.post(sim->url() + "/json-rpc/12.3", kInfo);
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(sim->rpc_count("GetClusterInfo"), 40u);
  EXPECT_EQ(sim->rpc_count("AddAccount"), 4u);
}

TEST_P(Http, StopIsIdempotentAndReleasesPort) {
  const uint16_t p = sim->port();
  sim->stop();
  sim->stop();
  element_sim::Options o;
  o.tls = GetParam();
  o.port = p;
  element_sim::Server again(o);
  again.start();
  EXPECT_EQ(again.port(), p);
}

INSTANTIATE_TEST_SUITE_P(PlainAndTls, Http, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? std::string("Tls") : std::string("Plain"); });

TEST(HttpTls, CertificateVerifiesForLocalhostAndIp) {
  element_sim::Server sim{element_sim::Options{}};
  sim.start();
  const std::string pem = sim.certificate_pem();
  ASSERT_NE(pem.find("BEGIN CERTIFICATE"), std::string::npos);
  Client c;
  c.ca_pem = pem;
  EXPECT_EQ(c.post(sim.url() + "/json-rpc/12.3", kInfo).status, 200);
  Client byname;
  byname.ca_pem = pem;
  EXPECT_EQ(byname.post("https://localhost:" + std::to_string(sim.port()) + "/json-rpc/12.3", kInfo).status, 200);
}

TEST(HttpMulti, ClustersListenOnTheirOwnPorts) {
  element_sim::Options o = plain_options();
  o.clusters = 2;
  element_sim::Server sim(o);
  sim.start();
  ASSERT_NE(sim.port(0), sim.port(1));
  Client c;
  c.post(sim.url(1) + "/json-rpc/12.3", R"({"method":"AddAccount","params":{"username":"on1"}})");
  EXPECT_EQ(sim.rpc_count("AddAccount", 1), 1u);
  EXPECT_EQ(sim.rpc_count("AddAccount", 0), 0u);
  Json u0 = parse(c.post(sim.url(0) + "/json-rpc/12.3", kInfo).body);
  Json u1 = parse(c.post(sim.url(1) + "/json-rpc/12.3", kInfo).body);
  EXPECT_NE(str(get(result(u0), "clusterInfo"), "uniqueID"), str(get(result(u1), "clusterInfo"), "uniqueID"));
}

TEST(HttpStart, BindFailureThrows) {
  element_sim::Options o = plain_options();
  element_sim::Server a(o);
  a.start();
  o.port = a.port();
  element_sim::Server b(o);
  // SO_REUSEADDR does not allow two listeners on one port.
  EXPECT_THROW(b.start(), std::runtime_error);
  o.port = 0;
  o.bind_address = "not-an-ip";
  element_sim::Server c(o);
  EXPECT_THROW(c.start(), std::runtime_error);
}

TEST(HttpStart, CertFilesThatDoNotExistThrow) {
  element_sim::Options o;
  o.cert_file = "/nonexistent/cert.pem";
  o.key_file = "/nonexistent/key.pem";
  element_sim::Server s(o);
  EXPECT_THROW(s.start(), std::runtime_error);
}

}  // namespace
