#include "error_object.h"

#include <cjson/cJSON.h>
#include <gtest/gtest.h>

#include <memory>

namespace sfplugin {
namespace {

using solidfire::Error;
using solidfire::ErrorCode;

TEST(ErrorObject, EveryDriverCodeMapsToItsStatus) {
  EXPECT_EQ(to_status(ErrorCode::kInvalidArgument), VDP_E_INVALID_ARGUMENT);
  EXPECT_EQ(to_status(ErrorCode::kNotFound), VDP_E_NOT_FOUND);
  EXPECT_EQ(to_status(ErrorCode::kAlreadyExists), VDP_E_ALREADY_EXISTS);
  EXPECT_EQ(to_status(ErrorCode::kFailedPrecondition), VDP_E_FAILED_PRECONDITION);
  EXPECT_EQ(to_status(ErrorCode::kResourceExhausted), VDP_E_RESOURCE_EXHAUSTED);
  EXPECT_EQ(to_status(ErrorCode::kAborted), VDP_E_ABORTED);
  EXPECT_EQ(to_status(ErrorCode::kNotSupported), VDP_E_NOT_SUPPORTED);
  EXPECT_EQ(to_status(ErrorCode::kConfig), VDP_E_CONFIG);
  EXPECT_EQ(to_status(ErrorCode::kAuth), VDP_E_AUTH);
  EXPECT_EQ(to_status(ErrorCode::kBackend), VDP_E_BACKEND);
  EXPECT_EQ(to_status(ErrorCode::kUnavailable), VDP_E_UNAVAILABLE);
  EXPECT_EQ(to_status(ErrorCode::kTimeout), VDP_E_TIMEOUT);
  EXPECT_EQ(to_status(ErrorCode::kCancelled), VDP_E_CANCELLED);
  EXPECT_EQ(to_status(ErrorCode::kInternal), VDP_E_INTERNAL);
}

TEST(ErrorObject, JsonCarriesEveryMember) {
  ErrorInfo info = error_info(Error(ErrorCode::kNotFound, "volume v1 not found").with_backend_error("xVolumeIDDoesNotExist"),
                              "delete_volume");
  info.request_id = "req-7";
  const std::string text = error_json(info);
  std::unique_ptr<cJSON, decltype(&cJSON_Delete)> doc(cJSON_Parse(text.c_str()), &cJSON_Delete);
  ASSERT_TRUE(doc);
  EXPECT_STREQ(cJSON_GetObjectItem(doc.get(), "status")->valuestring, "NOT_FOUND");
  EXPECT_EQ(cJSON_GetObjectItem(doc.get(), "code")->valuedouble, VDP_E_NOT_FOUND);
  EXPECT_STREQ(cJSON_GetObjectItem(doc.get(), "operation")->valuestring, "delete_volume");
  EXPECT_STREQ(cJSON_GetObjectItem(doc.get(), "backend_error")->valuestring, "xVolumeIDDoesNotExist");
  EXPECT_STREQ(cJSON_GetObjectItem(doc.get(), "request_id")->valuestring, "req-7");
  EXPECT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(doc.get(), "retryable")));
  EXPECT_TRUE(cJSON_IsFalse(cJSON_GetObjectItem(doc.get(), "outcome_unknown")));
  EXPECT_TRUE(cJSON_IsObject(cJSON_GetObjectItem(doc.get(), "details")));
}

// "Outcome unknown" has one spelling on the ABI: TIMEOUT or CANCELLED with outcome_unknown true.
TEST(ErrorObject, OutcomeUnknownOnlyWithTimeoutOrCancelled) {
  const ErrorInfo lost = error_info(Error(ErrorCode::kTimeout, "reply lost").with_outcome_unknown(), "extend_volume");
  EXPECT_EQ(lost.status, VDP_E_TIMEOUT);
  EXPECT_TRUE(lost.outcome_unknown);
  EXPECT_TRUE(lost.retryable);
  EXPECT_NE(error_json(lost).find(R"("outcome_unknown":true)"), std::string::npos) << error_json(lost);

  // A deadline or cancellation after a write changed the cluster: unknown. Before any change: known.
  for (const auto code : {ErrorCode::kTimeout, ErrorCode::kCancelled}) {
    EXPECT_TRUE(error_info(Error(code, "stopped"), "create_volume", /*cluster_changed=*/true).outcome_unknown);
    EXPECT_FALSE(error_info(Error(code, "stopped"), "create_volume", /*cluster_changed=*/false).outcome_unknown);
  }
  // Any other failure leaves nothing in doubt, even after earlier writes of the same call.
  for (const auto code : {ErrorCode::kUnavailable, ErrorCode::kNotFound, ErrorCode::kBackend, ErrorCode::kAborted}) {
    const ErrorInfo info = error_info(Error(code, "failed"), "create_volume", /*cluster_changed=*/true);
    EXPECT_FALSE(info.outcome_unknown) << static_cast<int>(code);
    EXPECT_NE(info.status, VDP_E_TIMEOUT);
  }
  // A driver error flagged unknown under another code still reaches the host as TIMEOUT.
  const ErrorInfo odd = error_info(Error(ErrorCode::kUnavailable, "lost").with_outcome_unknown(), "delete_volume");
  EXPECT_EQ(odd.status, VDP_E_TIMEOUT);
  EXPECT_TRUE(odd.outcome_unknown);
}

TEST(ErrorObject, UnavailableIsRetryableAndFieldIsReported) {
  const ErrorInfo unavailable = error_info(Error(ErrorCode::kUnavailable, "down"), "setup");
  EXPECT_TRUE(unavailable.retryable);
  const ErrorInfo bad = error_info(Error(ErrorCode::kInvalidArgument, "bad").with_field("volume.size"), "create_volume");
  const std::string text = error_json(bad);
  EXPECT_NE(text.find(R"("details":{"field":"volume.size"})"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("backend_error":null)"), std::string::npos) << text;
}

TEST(ErrorObject, InvalidUtf8MessageIsReplaced) {
  const std::string text = error_json(error_info(Error(ErrorCode::kBackend, "bad \xFF byte"), "setup"));
  EXPECT_EQ(text.find('\xFF'), std::string::npos);
}

}  // namespace
}  // namespace sfplugin
