// element_api.h, the driver's Element vocabulary, and how element_client uses it: reads and writes by
// name, endpoint versions, the error-name tables, GiB rounding, and what a lost reply means per method.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>

#include "element_api.h"
#include "element_client.h"
#include "fakes.h"

namespace sftest {
namespace {

namespace api = solidfire::element;
namespace err = solidfire::element::err;

// Every method of element_api.h. MethodTableListsEveryMethodOfTheHeader keeps it complete.
const std::vector<api::Method> kAllMethods = {
    api::kGetClusterInfo,
    api::kGetClusterVersionInfo,
    api::kGetClusterCapacity,
    api::kGetAsyncResult,
    api::kGetAccountByName,
    api::kAddAccount,
    api::kModifyAccount,
    api::kListVolumes,
    api::kListVolumesForAccount,
    api::kCreateVolume,
    api::kCloneVolume,
    api::kModifyVolume,
    api::kDeleteVolume,
    api::kPurgeDeletedVolume,
    api::kListSnapshots,
    api::kCreateSnapshot,
    api::kDeleteSnapshot,
    api::kRollbackToSnapshot,
    api::kListGroupSnapshots,
    api::kCreateGroupSnapshot,
    api::kDeleteGroupSnapshot,
    api::kListVolumeAccessGroups,
    api::kCreateVolumeAccessGroup,
    api::kDeleteVolumeAccessGroup,
    api::kAddInitiatorsToVolumeAccessGroup,
    api::kAddVolumesToVolumeAccessGroup,
    api::kRemoveVolumesFromVolumeAccessGroup,
    api::kListClusterPairs,
    api::kStartClusterPairing,
    api::kCompleteClusterPairing,
    api::kRemoveClusterPair,
    api::kStartVolumePairing,
    api::kCompleteVolumePairing,
    api::kRemoveVolumePair,
    api::kListActivePairedVolumes,
    api::kModifyVolumePair,
};

// The smallest well-formed result of `m`: the list a List method returns must be there (the client
// refuses a reply without it, see reply_shape_problem in volume.h), and GetAccountByName's account.
HttpResponse minimal_ok(const api::Method& m) {
  if (m.name == api::kListVolumes.name || m.name == api::kListVolumesForAccount.name) return ok(R"({"volumes":[]})");
  if (m.name == api::kListSnapshots.name) return ok(R"({"snapshots":[]})");
  if (m.name == api::kListGroupSnapshots.name) return ok(R"({"groupSnapshots":[]})");
  if (m.name == api::kListVolumeAccessGroups.name) return ok(R"({"volumeAccessGroups":[]})");
  if (m.name == api::kListClusterPairs.name) return ok(R"({"clusterPairs":[]})");
  if (m.name == api::kListActivePairedVolumes.name) return ok(R"({"volumes":[]})");
  if (m.name == api::kGetAccountByName.name) return ok(R"({"account":{"accountID":1,"username":"a"}})");
  return ok("{}");
}

// Every error name element_api.h spells (kInvalidPrefix aside: it is a prefix, not a name).
const std::vector<std::string_view> kAllNamedErrors = {
    err::kVolumeIDDoesNotExist,     err::kAccountIDDoesNotExist,          err::kSnapshotIDDoesNotExist,
    err::kGroupSnapshotIDDoesNotExist, err::kVolumeAccessGroupIDDoesNotExist, err::kAsyncHandleDoesNotExist,
    err::kUnknownAccount,           err::kDuplicateUsername,              err::kAlreadyInVolumeAccessGroup,
    err::kNotInVolumeAccessGroup,   err::kExceededLimit,                  err::kMaxSnapshotsPerVolumeExceeded,
    err::kMaxClonesPerVolumeExceeded, err::kMaxSnapshotsPerNodeExceeded,  err::kMaxClonesPerNodeExceeded,
    err::kPermissionDenied,         err::kUnknownUsername,                err::kUnknownAPIMethod,
    err::kUnknownAPIVersion,        err::kUnknownRPCMethod,               err::kFeatureNotEnabled,
    err::kPairingAlreadyExists,     err::kPairingDoesNotExist,            err::kInvalidPairingKey,
    err::kMissingParameter,         err::kUnrecognizedEnumString,         err::kVolumeShrinkProhibited,
};

template <size_t N>
bool in(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// One fixture for the suite: the pure-table tests ignore the client.
struct ElementApi : ::testing::Test {
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
};

TEST_F(ElementApi, MethodTableListsEveryMethodOfTheHeader) {
  // The build passes the source directory: the test reads the header it checks.
  const std::filesystem::path header = std::filesystem::path(VDP_DRIVER_SRC_DIR) / "element_api.h";
  std::ifstream in_file(header);
  ASSERT_TRUE(in_file.is_open()) << "cannot read " << header;
  std::string text;
  for (std::string line; std::getline(in_file, line);) text += line + "\n";
  size_t declared = 0;
  for (size_t pos = 0; (pos = text.find("inline constexpr Method k", pos)) != std::string::npos; ++pos) ++declared;
  EXPECT_EQ(declared, kAllMethods.size()) << "a method was added to element_api.h: add it to kAllMethods";
  std::set<std::string_view> names;
  for (const auto& m : kAllMethods) {
    EXPECT_TRUE(names.insert(m.name).second) << m.name << " listed twice";
    // ElementClient writes the name into the request unescaped.
    const bool identifier = !m.name.empty() && std::all_of(m.name.begin(), m.name.end(), [](char c) {
      return std::isalpha(static_cast<unsigned char>(c)) != 0;
    });
    EXPECT_TRUE(identifier) << m.name << ": not a plain identifier";
    EXPECT_NE(text.find("{\"" + std::string(m.name) + "\""), std::string::npos) << m.name;
  }
}

TEST_F(ElementApi, ReadsAreExactlyTheGetAndListMethods) {
  for (const auto& m : kAllMethods) {
    const bool named_as_read = m.name.starts_with("Get") || m.name.starts_with("List");
    EXPECT_EQ(m.writes, !named_as_read) << m.name;
    // A method named at run time is classified the same way.
    EXPECT_EQ(is_read_method(m.name), !m.writes) << m.name;
  }
}

TEST_F(ElementApi, EveryMethodIsSentOnAKnownEndpointVersion) {
  const std::set<std::string_view> versions = {"1.0", "7.0", "8.0"};
  for (const auto& m : kAllMethods) EXPECT_TRUE(versions.count(m.version) == 1) << m.name << " v" << m.version;
  // The floors element_api.h states: volume work on 8.0, access groups on 7.0.
  EXPECT_EQ(api::kListVolumes.version, "8.0");
  EXPECT_EQ(api::kCreateVolume.version, "8.0");
  EXPECT_EQ(api::kListVolumeAccessGroups.version, "7.0");
  EXPECT_EQ(api::kGetClusterInfo.version, "1.0");
}

TEST_F(ElementApi, ClientSendsEachMethodOnItsVersionUnderItsName) {
  for (const auto& m : kAllMethods) transport->expect_reply(std::string(m.name), minimal_ok(m));
  for (const auto& m : kAllMethods) client->call(ctx, m, Json::object());
  const auto reqs = transport->requests();
  ASSERT_EQ(reqs.size(), kAllMethods.size());
  for (size_t i = 0; i < reqs.size(); ++i) {
    EXPECT_EQ(reqs[i].method, kAllMethods[i].name);
    EXPECT_EQ(reqs[i].version, kAllMethods[i].version) << reqs[i].method;
    EXPECT_EQ(client->rpc_count(reqs[i].method), 1u) << reqs[i].method;
  }
}

TEST_F(ElementApi, NotFoundNamesMapToNotFound) {
  for (const auto name : err::kNotFound) {
    EXPECT_EQ(map_element_error(name, CallMode::kNormal), ErrorCode::kNotFound) << name;
    EXPECT_EQ(map_element_error(name, CallMode::kSetup), ErrorCode::kNotFound) << name;
  }
  // And nothing else does.
  for (const auto name : kAllNamedErrors) {
    if (!in(err::kNotFound, name)) {
      EXPECT_NE(map_element_error(name, CallMode::kNormal), ErrorCode::kNotFound) << name;
    }
  }
}

TEST_F(ElementApi, LimitNamesMapToResourceExhaustedEvenThoughMostAreRetryable) {
  for (const auto name : err::kLimits) {
    EXPECT_EQ(map_element_error(name, CallMode::kNormal), ErrorCode::kResourceExhausted) << name;
    EXPECT_EQ(map_element_error(name, CallMode::kSetup), ErrorCode::kResourceExhausted) << name;
  }
  for (const auto name : kAllNamedErrors) {
    if (!in(err::kLimits, name)) {
      EXPECT_NE(map_element_error(name, CallMode::kNormal), ErrorCode::kResourceExhausted) << name;
    }
  }
}

TEST_F(ElementApi, RetryableExactlyForTheRetryableTable) {
  for (const auto name : err::kRetryable) EXPECT_TRUE(is_retryable_element_error(name)) << name;
  for (const auto name : kAllNamedErrors) {
    EXPECT_EQ(is_retryable_element_error(name), in(err::kRetryable, name)) << name;
  }
  // Exact names only: no case folding, no prefixes, nothing for an empty name.
  for (const std::string_view name : {"", "xnotprimary", "XNotPrimary", "xNotPrimaryX", "xNot", "xInvalidParameter"}) {
    EXPECT_FALSE(is_retryable_element_error(name)) << "'" << name << "'";
  }
  // Retryable names that are neither not-found nor a limit end as UNAVAILABLE once retries run out.
  for (const auto name : err::kRetryable) {
    if (in(err::kLimits, name) || name == err::kPermissionDenied) continue;
    EXPECT_EQ(map_element_error(name, CallMode::kNormal), ErrorCode::kUnavailable) << name;
  }
}

TEST_F(ElementApi, GibCeilRoundsUpAndClampsAtZero) {
  static_assert(api::gib_ceil(api::kGiB) == 1, "usable in constant expressions");
  EXPECT_EQ(api::gib_ceil(0), 0);
  EXPECT_EQ(api::gib_ceil(1), 1);
  EXPECT_EQ(api::gib_ceil(api::kGiB - 1), 1);
  EXPECT_EQ(api::gib_ceil(api::kGiB), 1);
  EXPECT_EQ(api::gib_ceil(api::kGiB + 1), 2);
  EXPECT_EQ(api::gib_ceil(api::kMaxVolumeSizeGiB * api::kGiB), api::kMaxVolumeSizeGiB);
  EXPECT_EQ(api::gib_ceil(-1), 0);
  EXPECT_EQ(api::gib_ceil(-api::kGiB), 0);
  EXPECT_EQ(api::kGiB, int64_t{1073741824});
}

TEST_F(ElementApi, LostReplyOfAWriteIsOutcomeUnknownWhileAReadIsRetried) {
  for (const auto& m : kAllMethods) {
    const std::string name(m.name);
    for (const auto kind : {TransportError::Kind::kTimeout, TransportError::Kind::kReset}) {
      transport->clear();
      transport->expect_throw(name, kind);
      transport->expect_reply(name, minimal_ok(m));
      if (m.writes) {
        try {
          client->call(ctx, m, Json::object());
          ADD_FAILURE() << name << ": a write with a lost reply returned";
        } catch (const OutcomeUnknownError& e) {
          EXPECT_EQ(e.code(), ErrorCode::kTimeout) << name;
          EXPECT_TRUE(e.outcome_unknown()) << name;
          EXPECT_TRUE(e.retryable()) << name;
          EXPECT_NE(e.message().find("outcome unknown"), std::string::npos) << e.message();
        }
        EXPECT_EQ(transport->count(name), 1) << name << " must not be resent";
        // Drain the unused scripted reply so it cannot answer the next round.
        client->call(ctx, m, Json::object());
      } else {
        EXPECT_NO_THROW(client->call(ctx, m, Json::object())) << name;
        EXPECT_EQ(transport->count(name), 2) << name << " is read again";
      }
    }
  }
}

}  // namespace
}  // namespace sftest
