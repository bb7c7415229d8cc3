// Element client: envelope, retry/backoff on the fake clock, deadline and cancellation, error mapping.
#include <gtest/gtest.h>

#include "element_client.h"
#include "fakes.h"

namespace sftest {
namespace {
using std::chrono::milliseconds;
using std::chrono::seconds;

struct ClientFixture : ::testing::Test {
  std::shared_ptr<FakeClock> clock = std::make_shared<FakeClock>();
  std::shared_ptr<FakeTransport> transport = std::make_shared<FakeTransport>(clock);
  std::unique_ptr<ElementClient> client;
  FakeContext ctx{clock};

  void SetUp() override {
    transport->use_cluster = false;
    ClientOptions o;
    o.base_url = "https://10.0.0.1:443";
    o.username = "admin";
    o.password = "Sup3rS3cretPW";
    client = std::make_unique<ElementClient>(o, transport, clock, nullptr);
  }
  Error call_error(const std::string& method, CallMode mode = CallMode::kNormal) {
    try {
      client->call(ctx, method, Json::object(), "8.0", mode);
    } catch (const Error& e) {
      return e;
    }
    ADD_FAILURE() << "call succeeded";
    return Error(ErrorCode::kOk, "");
  }
  std::vector<milliseconds> gaps() const {
    std::vector<milliseconds> out;
    const auto reqs = transport->requests();
    for (size_t i = 1; i < reqs.size(); ++i) {
      out.push_back(std::chrono::duration_cast<milliseconds>(reqs[i].at - reqs[i - 1].at));
    }
    return out;
  }
};

TEST_F(ClientFixture, EnvelopeUrlAndAuth) {
  transport->expect_reply("GetClusterInfo", ok(R"({"clusterInfo":{}})"));
  Json r = client->call(ctx, "GetClusterInfo", Json(), "1.0");
  EXPECT_TRUE(r["clusterInfo"].is_object());
  const auto req = transport->requests().at(0);
  EXPECT_EQ(req.url, "https://10.0.0.1:443/json-rpc/1.0/");
  EXPECT_EQ(req.username, "admin");
  EXPECT_EQ(req.password, "Sup3rS3cretPW");
  auto body = Json::parse(req.body);
  ASSERT_TRUE(body);
  EXPECT_EQ(body->view().string("method"), "GetClusterInfo");
  EXPECT_TRUE(body->view()["params"].is_object()) << "params must be {} when empty";
  EXPECT_TRUE(body->view().int64("id").has_value()) << "always send an id";
  EXPECT_EQ(req.timeout, milliseconds(30000));
}

TEST_F(ClientFixture, RetryableNameBacksOffExponentiallyThenSucceeds) {
  for (int i = 0; i < 4; ++i) transport->expect_reply("ListVolumes", element_error("xDBConnectionLoss"));
  transport->expect_reply("ListVolumes", ok(R"({"volumes":[]})"));
  EXPECT_NO_THROW(client->call(ctx, "ListVolumes", Json::object(), "8.0"));
  EXPECT_EQ(transport->count("ListVolumes"), 5);
  EXPECT_EQ(gaps(), (std::vector<milliseconds>{seconds(1), seconds(2), seconds(4), seconds(8)}));
  EXPECT_EQ(client->rpc_count("ListVolumes"), 5u);
}

TEST_F(ClientFixture, StopsAfterMaxAttempts) {
  for (int i = 0; i < 10; ++i) transport->expect_reply("ListVolumes", element_error("xNotPrimary"));
  const Error e = call_error("ListVolumes");
  EXPECT_EQ(transport->count("ListVolumes"), 5);
  EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(e.retryable());
  EXPECT_EQ(e.backend_error(), "xNotPrimary");
  EXPECT_EQ(clock->total_slept(), seconds(15)) << "no sleep after the last attempt";
}

TEST_F(ClientFixture, LimitNamesBecomeResourceExhaustedAfterRetries) {
  for (int i = 0; i < 5; ++i) transport->expect_reply("CreateSnapshot", element_error("xMaxSnapshotsPerVolumeExceeded"));
  const Error e = call_error("CreateSnapshot");
  EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(transport->count("CreateSnapshot"), 5);
}

TEST_F(ClientFixture, DeadlineStopsRetriesWithTimeoutNamingMethod) {
  ctx.set_deadline_in(seconds(5));
  for (int i = 0; i < 10; ++i) transport->expect_reply("ListVolumes", element_error("xDBConnectionLoss"));
  const Error e = call_error("ListVolumes");
  EXPECT_EQ(e.code(), ErrorCode::kTimeout);
  EXPECT_NE(e.message().find("ListVolumes"), std::string::npos);
  // Attempts at t=0, 1, 3; the next (4 s later) would pass the 5 s deadline, so no sleep past it.
  EXPECT_EQ(transport->count("ListVolumes"), 3);
  EXPECT_LE(clock->total_slept(), seconds(5));
}

TEST_F(ClientFixture, RequestTimeoutCappedByDeadline) {
  ctx.set_deadline_in(milliseconds(2500));
  transport->expect_reply("ListVolumes", ok(R"({"volumes":[]})"));
  client->call(ctx, "ListVolumes", Json::object(), "8.0");
  EXPECT_EQ(transport->requests().at(0).timeout, milliseconds(2500));
}

TEST_F(ClientFixture, ExpiredDeadlineSendsNothing) {
  ctx.set_deadline_in(milliseconds(0));
  const Error e = call_error("ListVolumes");
  EXPECT_EQ(e.code(), ErrorCode::kTimeout);
  EXPECT_EQ(transport->total(), 0u);
}

TEST_F(ClientFixture, CancellationDuringBackoff) {
  for (int i = 0; i < 5; ++i) transport->expect_reply("ListVolumes", element_error("xDBConnectionLoss"));
  ctx.cancel_after_polls = 3;  // first poll before attempt 1, then polls while sleeping
  const Error e = call_error("ListVolumes");
  EXPECT_EQ(e.code(), ErrorCode::kCancelled);
  EXPECT_EQ(transport->count("ListVolumes"), 1);
  for (auto s : clock->sleeps()) EXPECT_LE(s, milliseconds(100)) << "cancellation polled at least every 100 ms";
}

TEST_F(ClientFixture, NonRetryableNamesAreNotRetried) {
  transport->expect_reply("CreateVolume", element_error("xInvalidParameter", "bad qos"));
  const Error e = call_error("CreateVolume");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.backend_error(), "xInvalidParameter");
  EXPECT_EQ(transport->total(), 1u);
  EXPECT_TRUE(clock->sleeps().empty());
}

TEST_F(ClientFixture, Http401IsAuthWithoutRetry) {
  transport->expect_reply("GetClusterInfo", http(401, "<html>Unauthorized</html>"));
  const Error e = call_error("GetClusterInfo", CallMode::kSetup);
  EXPECT_EQ(e.code(), ErrorCode::kAuth);
  EXPECT_EQ(transport->total(), 1u);
  EXPECT_TRUE(clock->sleeps().empty());
}

TEST_F(ClientFixture, PermissionDeniedFailsFastAtSetupButIsRetriedOtherwise) {
  transport->expect_reply("GetClusterInfo", element_error("xPermissionDenied"));
  EXPECT_EQ(call_error("GetClusterInfo", CallMode::kSetup).code(), ErrorCode::kAuth);
  EXPECT_EQ(transport->total(), 1u);
  transport->clear();
  transport->expect_reply("ListVolumes", element_error("xPermissionDenied"));
  transport->expect_reply("ListVolumes", ok(R"({"volumes":[]})"));
  EXPECT_NO_THROW(client->call(ctx, "ListVolumes", Json::object(), "8.0"));
  EXPECT_EQ(transport->total(), 2u);
}

TEST_F(ClientFixture, Http404NamesTheEndpointVersion) {
  transport->expect_reply("ListVolumes", http(404, "Not Found"));
  const Error e = call_error("ListVolumes");
  EXPECT_EQ(e.code(), ErrorCode::kNotSupported);
  EXPECT_NE(e.message().find("8.0"), std::string::npos);
  EXPECT_EQ(transport->total(), 1u);
}

TEST_F(ClientFixture, Http5xxIsRetried) {
  transport->expect_reply("ListVolumes", http(503));
  transport->expect_reply("ListVolumes", http(502));
  transport->expect_reply("ListVolumes", ok(R"({"volumes":[]})"));
  EXPECT_NO_THROW(client->call(ctx, "ListVolumes", Json::object(), "8.0"));
  EXPECT_EQ(transport->total(), 3u);
}

TEST_F(ClientFixture, MalformedRepliesAreBackendErrors) {
  for (const std::string body : {R"({"result":{"volumes":[)", "not json", R"({"id":1})", R"([1,2])", ""}) {
    transport->expect_reply("ListVolumes", http(200, body));
    const Error e = call_error("ListVolumes");
    EXPECT_EQ(e.code(), ErrorCode::kBackend) << body;
    EXPECT_NE(e.message().find("unexpected reply"), std::string::npos) << e.message();
  }
  EXPECT_EQ(transport->total(), 5u) << "not retried";
}

TEST_F(ClientFixture, ConnectFailuresRetriedThenUnavailable) {
  for (int i = 0; i < 5; ++i) transport->expect_throw("CreateVolume", TransportError::Kind::kConnect);
  const Error e = call_error("CreateVolume");
  EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(e.retryable());
  EXPECT_EQ(transport->total(), 5u) << "never sent: safe to retry even a write";
}

TEST_F(ClientFixture, ReadTimeoutRetriedForReadsOnly) {
  transport->expect_throw("ListVolumes", TransportError::Kind::kTimeout);
  transport->expect_reply("ListVolumes", ok(R"({"volumes":[]})"));
  EXPECT_NO_THROW(client->call(ctx, "ListVolumes", Json::object(), "8.0"));

  transport->expect_throw("CreateVolume", TransportError::Kind::kTimeout);
  try {
    client->call(ctx, "CreateVolume", Json::object(), "8.0");
    FAIL();
  } catch (const OutcomeUnknownError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTimeout);
    EXPECT_NE(e.message().find("outcome unknown"), std::string::npos);
  }
  transport->expect_throw("DeleteVolume", TransportError::Kind::kReset);
  try {
    client->call(ctx, "DeleteVolume", Json::object(), "1.0");
    FAIL();
  } catch (const OutcomeUnknownError& e) {
    EXPECT_EQ(e.code(), ErrorCode::kTimeout) << "a reset after sending is as unknown as a timeout";
    EXPECT_TRUE(e.outcome_unknown());
  }
  EXPECT_EQ(transport->count("CreateVolume"), 1);
  EXPECT_EQ(transport->count("DeleteVolume"), 1);
}

// The call context learns whether the cluster may have changed: a write that succeeded or lost its
// reply marks it; reads, refused writes and writes never sent do not.
TEST_F(ClientFixture, ClusterChangedOnlyByWritesThatMayHaveApplied) {
  transport->expect_reply("ListVolumes", ok(R"({"volumes":[]})"));
  client->call(ctx, "ListVolumes", Json::object(), "8.0");
  EXPECT_FALSE(ctx.cluster_changed()) << "a read";

  transport->expect_reply("CreateVolume", element_error("xVolumeIDDoesNotExist"));
  EXPECT_THROW(client->call(ctx, "CreateVolume", Json::object(), "8.0"), Error);
  EXPECT_FALSE(ctx.cluster_changed()) << "a write the cluster refused";

  transport->expect_throw("CreateVolume", TransportError::Kind::kConnect);
  transport->expect_reply("CreateVolume", ok(R"({"volumeID":1})"));
  client->call(ctx, "CreateVolume", Json::object(), "8.0");
  EXPECT_TRUE(ctx.cluster_changed()) << "a write that succeeded";

  FakeContext lost{clock};
  transport->expect_throw("DeleteVolume", TransportError::Kind::kReset);
  EXPECT_THROW(client->call(lost, "DeleteVolume", Json::object(), "1.0"), OutcomeUnknownError);
  EXPECT_TRUE(lost.cluster_changed()) << "a write whose reply was lost";
}

TEST_F(ClientFixture, TlsFailureNotRetried) {
  transport->expect_throw("GetClusterInfo", TransportError::Kind::kTls);
  const Error e = call_error("GetClusterInfo", CallMode::kSetup);
  EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  EXPECT_NE(e.message().find("driver_ssl_cert"), std::string::npos);
  EXPECT_EQ(transport->total(), 1u);
}

TEST_F(ClientFixture, ElementMessageScrubbedAndCleaned) {
  Json params = Json::object();
  params.set("username", "u").set("initiatorSecret", "AAAABBBBCCCCDDDD");
  transport->expect_reply("AddAccount", element_error("xInvalidParameter", "secret AAAABBBBCCCCDDDD bad \xff"));
  try {
    client->call(ctx, "AddAccount", params, "1.0");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message().find("AAAABBBBCCCCDDDD"), std::string::npos) << e.message();
    EXPECT_EQ(e.message().find('\xff'), std::string::npos);
  }
}

TEST(ErrorMapping, Table) {
  const std::vector<std::pair<std::string, ErrorCode>> table = {
      {"xUnknownAccount", ErrorCode::kNotFound},
      {"xVolumeIDDoesNotExist", ErrorCode::kNotFound},
      {"xAccountIDDoesNotExist", ErrorCode::kNotFound},
      {"xSnapshotIDDoesNotExist", ErrorCode::kNotFound},
      {"xVolumeAccessGroupIDDoesNotExist", ErrorCode::kNotFound},
      {"xAsyncHandleDoesNotExist", ErrorCode::kNotFound},
      {"xDuplicateUsername", ErrorCode::kAlreadyExists},
      {"xExceededLimit", ErrorCode::kResourceExhausted},
      {"xMaxClonesPerNodeExceeded", ErrorCode::kResourceExhausted},
      {"xInvalidParameter", ErrorCode::kInvalidArgument},
      {"xInvalidAPIParameter", ErrorCode::kInvalidArgument},
      {"xMissingParameter", ErrorCode::kInvalidArgument},
      {"xInvalidQoS", ErrorCode::kInvalidArgument},
      {"xUnknownAPIMethod", ErrorCode::kNotSupported},
      {"xPermissionDenied", ErrorCode::kAuth},
      {"xDBConnectionLoss", ErrorCode::kUnavailable},
      {"xSomethingNew", ErrorCode::kBackend},
  };
  for (const auto& [name, code] : table) {
    EXPECT_EQ(map_element_error(name, CallMode::kNormal), code) << name;
  }
  EXPECT_TRUE(is_retryable_element_error("xSliceNotRegistered"));
  EXPECT_TRUE(is_retryable_element_error("xPermissionDenied"));
  EXPECT_FALSE(is_retryable_element_error("xExceededLimit"));
  EXPECT_FALSE(is_retryable_element_error("xVolumeIDDoesNotExist"));
  EXPECT_TRUE(is_read_method("ListVolumes"));
  EXPECT_TRUE(is_read_method("GetAccountByName"));
  EXPECT_FALSE(is_read_method("CreateVolume"));
}

// --- Hostile or broken backends: every reply below is a clear BACKEND error naming the method, found
// in bounded time and memory, never a crash, and never mistaken for an empty list.

Error hostile(ClientFixture& f, const std::string& method, const std::string& body) {
  f.transport->expect_reply(method, http(200, body));
  return f.call_error(method);
}

TEST_F(ClientFixture, DeeplyNestedReplyIsRefusedWithoutRecursing) {
  const std::string deep(100000, '[');
  for (const std::string& body : {deep, R"({"result":)" + deep, R"({"result":{"volumes":)" + std::string(5000, '[') +
                                                                 std::string(5000, ']') + "}}"}) {
    const auto started = std::chrono::steady_clock::now();
    const Error e = hostile(*this, "ListVolumes", body);
    EXPECT_EQ(e.code(), ErrorCode::kBackend);
    EXPECT_NE(e.message().find("ListVolumes"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("nested deeper"), std::string::npos) << e.message();
    EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(5));
  }
}

TEST_F(ClientFixture, ResultOfTheWrongTypeIsRefused) {
  for (const std::string body : {R"({"result":[]})", R"({"result":"volumes"})", R"({"result":42})",
                                 R"({"result":null})", R"({"result":true})"}) {
    const Error e = hostile(*this, "ListVolumes", body);
    EXPECT_EQ(e.code(), ErrorCode::kBackend) << body;
    EXPECT_NE(e.message().find("ListVolumes"), std::string::npos) << e.message();
  }
}

TEST_F(ClientFixture, ListsOfTheWrongShapeAreRefusedNotReadAsEmpty) {
  struct Case {
    const char* method;
    const char* result;
    const char* says;
  };
  const Case cases[] = {
      {"ListVolumes", R"({})", "no volumes"},
      {"ListVolumes", R"({"volumes":{}})", "volumes is not an array"},
      {"ListVolumes", R"({"volumes":"none"})", "volumes is not an array"},
      {"ListVolumesForAccount", R"({"volumes":null})", "no volumes"},
      {"ListVolumes", R"({"volumes":[7]})", "volumes[0] is not an object"},
      {"ListVolumes", R"({"volumes":[{"name":"x"}]})", "volumes[0] has no volumeID"},
      {"ListVolumes", R"({"volumes":[{"volumeID":"abc"}]})", "volumes[0].volumeID is not an integer"},
      {"ListVolumes", R"({"volumes":[{"volumeID":1.5}]})", "volumeID is not an integer"},
      {"ListVolumes", R"({"volumes":[{"volumeID":[[1]]}]})", "volumeID is not an integer: an array or object"},
      {"ListVolumes", R"({"volumes":[{"volumeID":-3}]})", "volumeID is out of range"},
      {"ListVolumes", R"({"volumes":[{"volumeID":1,"totalSize":-1}]})", "totalSize is out of range"},
      {"ListVolumes", R"({"volumes":[{"volumeID":1,"totalSize":9007199254740994}]})", "totalSize is not an integer"},
      {"ListVolumes", R"({"volumes":[{"volumeID":1,"totalSize":1e300}]})", "totalSize is not an integer"},
      {"ListVolumes", R"({"volumes":[{"volumeID":1,"totalSize":"9007199254740993"}]})", "totalSize is out of range"},
      {"ListVolumes", R"({"volumes":[{"volumeID":1},{"volumeID":2,"name":7}]})", "volumes[1].name is not a string"},
      {"ListVolumes", R"({"volumes":[{"volumeID":1,"attributes":"x"}]})", "attributes is not an object"},
      {"ListVolumes", R"({"volumes":[{"volumeID":1,"qos":{"minIOPS":"lots"}}]})", "qos.minIOPS is not an integer"},
      {"ListSnapshots", R"({"snapshots":{"snapshotID":1}})", "snapshots is not an array"},
      {"ListSnapshots", R"({})", "no snapshots"},
      {"ListSnapshots", R"({"snapshots":[{"snapshotID":1,"volumeID":"x"}]})", "volumeID is not an integer"},
      {"ListGroupSnapshots", R"({"groupSnapshots":[{"groupSnapshotID":1,"members":{}}]})", "members is not an array"},
      {"ListVolumeAccessGroups", R"({"volumeAccessGroups":[{"name":"g"}]})", "has no volumeAccessGroupID"},
      {"GetAccountByName", R"({})", "no account"},
      {"GetAccountByName", R"({"account":{"accountID":1,"username":5}})", "username is not a string"},
      {"CreateVolume", R"({"volumeID":"new"})", "volumeID is not an integer"},
      {"CreateVolume", R"({"volumeID":1,"volume":[]})", "volume is not an object"},
  };
  for (const auto& c : cases) {
    const Error e = hostile(*this, c.method, std::string(R"({"id":1,"result":)") + c.result + "}");
    EXPECT_EQ(e.code(), ErrorCode::kBackend) << c.method << " " << c.result;
    EXPECT_NE(e.message().find(c.method), std::string::npos) << e.message();
    EXPECT_NE(e.message().find(c.says), std::string::npos) << c.result << ": " << e.message();
  }
  // Well-formed replies still pass, numeric strings included (Element's clients are lenient there).
  transport->expect_reply("ListVolumes", ok(R"({"volumes":[{"volumeID":"12","totalSize":1073741824,"qos":{}}]})"));
  EXPECT_NO_THROW(client->call(ctx, "ListVolumes", Json::object(), "8.0"));
  transport->expect_reply("ListVolumes", ok(R"({"volumes":[{"volumeID":1,"totalSize":9007199254740992}]})"));
  EXPECT_NO_THROW(client->call(ctx, "ListVolumes", Json::object(), "8.0"));
}

TEST_F(ClientFixture, TruncatedRepliesSayTheyWereCutShort) {
  const std::string full = R"({"id":1,"result":{"volumes":[{"volumeID":1,"name":"UUID-x"}]}})";
  for (size_t cut : {size_t{1}, size_t{10}, full.size() / 2, full.size() - 1}) {
    const Error e = hostile(*this, "ListVolumes", full.substr(0, cut));
    EXPECT_EQ(e.code(), ErrorCode::kBackend) << cut;
    EXPECT_NE(e.message().find("truncated"), std::string::npos) << e.message();
  }
}

TEST_F(ClientFixture, TooManyValuesOrBytesAreRefusedBeforeParsing) {
  // 4.5 million tiny values: ~9 MB of text that cJSON would turn into ~350 MB of nodes.
  std::string many = R"({"id":1,"result":{"volumes":[)";
  many.reserve(many.size() + 9'000'010);
  for (int i = 0; i < 4'500'000; ++i) many += "0,";
  many += "0]}}";
  Error e = hostile(*this, "ListVolumes", many);
  EXPECT_EQ(e.code(), ErrorCode::kBackend);
  EXPECT_NE(e.message().find("values"), std::string::npos) << e.message();
  // A body over the 64 MiB reply bound, whatever the transport let through.
  std::string big = R"({"id":1,"result":{"volumes":[]}})";
  big.append((size_t{64} << 20) + 1 - big.size(), ' ');
  e = hostile(*this, "ListVolumes", big);
  EXPECT_EQ(e.code(), ErrorCode::kBackend);
  EXPECT_NE(e.message().find("64 MiB"), std::string::npos) << e.message();
}

// Through the driver: a duplicate check that reads a broken list must not go on to create.
TEST(HostileBackend, CreateStopsWhenTheDuplicateCheckReplyIsBroken) {
  Harness h;
  h.setup();
  h.transport->expect_reply("ListVolumes", ok(R"({"volumes":{"0":{"volumeID":1}}})"));
  auto ctx = h.ctx();
  try {
    h.driver->create_volume(ctx, make_volume());
    ADD_FAILURE() << "created";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kBackend);
    EXPECT_NE(e.message().find("ListVolumes"), std::string::npos) << e.message();
  }
  EXPECT_EQ(h.transport->count("CreateVolume"), 0);
  EXPECT_TRUE(h.transport->cluster.volumes().empty());
}

}  // namespace
}  // namespace sftest
