// attach_volume / detach_volume: multiattach-safe bookkeeping in the volume's attributes.
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>

#include "access_fixture.h"

namespace sftest {
namespace {

TEST_F(AdminFixture, AttachAndDetachKeepEveryAttachmentOfAMultiattachVolume) {
  std::string attrs = R"({"uuid":")" + kAccVol + R"("})";
  auto step = [&](const std::function<void()>& op) {
    VolSpec vs;
    vs.attributes = attrs;
    h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
    h.transport->expect_reply("ModifyVolume", ok("{}"));
    op();
    attrs = modify_params()["attributes"].print();
  };
  step([&] {
    h.driver->attach_volume(ctx, managed(), AttachRequest{"inst-1", "h1", "/dev/vdb", "2024-01-01T00:00:01Z"});
  });
  step([&] {
    h.driver->attach_volume(ctx, managed(), AttachRequest{"inst-2", "h2", "/dev/vdc", "2024-01-01T00:00:02Z"});
  });
  auto a = *Json::parse(attrs);
  EXPECT_EQ(a["attachments"].string_or("inst-1", ""), "2024-01-01T00:00:01Z");
  EXPECT_EQ(a["attachments"].string_or("inst-2", ""), "2024-01-01T00:00:02Z");
  EXPECT_EQ(a.view().string_or("attached_to", ""), "inst-2");
  EXPECT_EQ(a.view().string_or("uuid", ""), kAccVol);

  step([&] { h.driver->detach_volume(ctx, managed(), std::string("inst-2")); });
  a = *Json::parse(attrs);
  EXPECT_FALSE(a["attachments"].has("inst-2"));
  EXPECT_EQ(a["attachments"].string_or("inst-1", ""), "2024-01-01T00:00:01Z") << "the other attachment survives";
  EXPECT_EQ(a.view().string_or("attached_to", ""), "inst-1");
  EXPECT_EQ(a.view().string_or("attach_time", ""), "2024-01-01T00:00:01Z");

  step([&] { h.driver->detach_volume(ctx, managed(), std::nullopt); });
  a = *Json::parse(attrs);
  EXPECT_FALSE(a.view().has("attachments"));
  EXPECT_TRUE(a["attached_to"].raw() != nullptr && cJSON_IsNull(a["attached_to"].raw())) << "2.0.6: null";
  EXPECT_EQ(h.transport->count("ModifyVolume"), 4);
}

TEST_F(AdminFixture, DetachOfUnknownAttachmentAmongSeveralChangesNothing) {
  VolSpec vs;
  vs.attributes = R"({"uuid":")" + kAccVol + R"(","attachments":{"a":"1","b":"2"},"attached_to":"b"})";
  h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
  h.driver->detach_volume(ctx, managed(), std::string("zzz"));
  EXPECT_EQ(h.transport->count("ModifyVolume"), 0);
}

TEST_F(AdminFixture, AttachmentsStayUnderTheAttributeLimit) {
  std::string attrs = R"({"uuid":")" + kAccVol + R"(","cinder-name":")" + std::string(200, 'n') + R"("})";
  for (int i = 0; i < 30; ++i) {
    VolSpec vs;
    vs.attributes = attrs;
    h.transport->expect_reply("ListVolumes", volumes_reply({vs}));
    h.transport->expect_reply("ModifyVolume", ok("{}"));
    char t[32];
    std::snprintf(t, sizeof t, "2024-01-01T00:00:%02dZ", i);
    h.driver->attach_volume(
        ctx, managed(), AttachRequest{"0000000" + std::to_string(i) + "-1111-4111-8111-aaaaaaaaaaaa", "h", "/d", t});
    attrs = modify_params()["attributes"].print();
    ASSERT_LT(attrs.size(), 1000u);
  }
  const auto a = *Json::parse(attrs);
  EXPECT_EQ(a.view().string_or("attached_to", ""), "000000029-1111-4111-8111-aaaaaaaaaaaa");
  EXPECT_EQ(a.view().string_or("cinder-name", ""), std::string(200, 'n'));
}

TEST_F(AdminFixture, AttachOfAMissingVolumeIsNotFound) {
  h.transport->expect_reply("ListVolumes", volumes_reply({}));
  Volume v = managed();
  v.project_id = "";
  EXPECT_THROW(h.driver->attach_volume(ctx, v, AttachRequest{"i", "h", "/d", ""}), Error);
}

}  // namespace
}  // namespace sftest
