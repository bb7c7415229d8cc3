// Clones through the ABI against element-sim: create_cloned_volume and create_volume_from_snapshot into
// another tenant, size, attributes, QoS, cloned_count, progress, idempotency, lost answers, and the
// error paths (not found, too small, failed clone, deadline exceeded and cancellation during the wait:
// never an orphan).
#include <atomic>
#include <thread>

#include "volume_requests.h"

namespace it {
namespace {

using namespace data;  // NOLINT(google-build-using-namespace)

const std::string kPlatinum = R"({"qos:minIOPS":"2000","qos:maxIOPS":"20000","SFAttribute:tier":"platinum"})";

struct Source {
  std::string id;
  std::string project;
  Json model;
  std::string obj;
};

Source make_source(vh::Driver& drv, int64_t size_gib, const std::string& tag) {
  Source s;
  s.id = new_uuid();
  s.project = unique_name(tag);
  s.model = ok_json(drv.call("create_volume", "{\"volume\":" + volume_obj(s.id, size_gib, s.project) + "}"), "create");
  s.obj = volume_obj(s.id, size_gib, s.project, kGoldSpecs, s.model);
  return s;
}

class DataClones : public ::testing::Test {
 protected:
  Sim& sim = shared_sim();
};

TEST_F(DataClones, CloneIntoAnotherTenantWithItsTypeAndSizeThenRepeat) {
  auto drv = ready_driver(sim);
  const Source src = make_source(*drv, 2, "it-clsrc");
  const std::string nid = new_uuid();
  const std::string project = unique_name("it-cldst");
  const std::string req = "{\"volume\":" + volume_obj(nid, 5, project, kPlatinum) + ",\"src_vref\":" + src.obj + "}";
  std::atomic<int> progress{0};
  vh::CallOptions opts;
  opts.timeout = std::chrono::seconds(60);
  opts.on_progress = [&](uint64_t, uint64_t total, const std::string&) {
    EXPECT_EQ(total, 600000u);
    ++progress;
  };
  const uint64_t async_before = sim.count("GetAsyncResult");
  const Json m = ok_json(drv->call("create_cloned_volume", req, opts), "create_cloned_volume");
  EXPECT_GE(sim.count("GetAsyncResult") - async_before, 1u) << "completion read from the async handle";

  const int64_t new_id = first_id(m);
  const auto v = sim.volume_by_id(new_id);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ((*v)["status"].str(), "active") << "returned only once the clone completed";
  EXPECT_EQ((*v)["name"].str(), "UUID-" + nid);
  EXPECT_EQ((*v)["totalSize"].i64(), 5 * kGiB);
  const auto account = sim.account_by_name(project);
  ASSERT_TRUE(account.has_value()) << "the new volume's tenant account was created";
  EXPECT_EQ((*v)["accountID"].i64(), (*account)["accountID"].i64());
  EXPECT_EQ(split(m["provider_id"].str()).at(1), std::to_string((*account)["accountID"].i64()));
  EXPECT_EQ((*v)["attributes"]["uuid"].str(), nid);
  EXPECT_TRUE((*v)["attributes"]["is_clone"].boolean());
  EXPECT_EQ((*v)["attributes"]["tier"].str(), "platinum");
  EXPECT_EQ((*v)["qos"]["minIOPS"].i64(), 2000);
  EXPECT_EQ((*v)["qos"]["maxIOPS"].i64(), 20000);
  EXPECT_EQ((*v)["qos"]["burstIOPS"].i64(), 20000);
  EXPECT_EQ((*sim.volume_by_id(first_id(src.model)))["attributes"]["cloned_count"].i64(), 1);
  EXPECT_NE(m["provider_location"].str().find(".uuid-" + nid + "." + std::to_string(new_id) + " 0"), std::string::npos);

  // Repeat: adopted, not cloned again, cloned_count unchanged.
  const uint64_t clones = sim.count("CloneVolume");
  const Json again = ok_json(drv->call("create_cloned_volume", req), "create_cloned_volume again");
  EXPECT_EQ(again["provider_id"].str(), m["provider_id"].str());
  EXPECT_EQ(sim.count("CloneVolume"), clones);
  EXPECT_EQ(named(sim, nid).size(), 1u);

  ok_json(drv->call("delete_volume", "{\"volume\":" + volume_obj(nid, 5, project, kPlatinum, m) + "}"), "delete clone");
  ok_json(drv->call("delete_volume", "{\"volume\":" + src.obj + "}"), "delete source");
}

TEST_F(DataClones, VolumeFromSnapshot) {
  auto drv = ready_driver(sim);
  const Source src = make_source(*drv, 1, "it-clsnap");
  const std::string sid = new_uuid();
  const Json sm = ok_json(drv->call("create_snapshot", "{\"snapshot\":" + snapshot_obj(sid, src.obj, src.id, src.project) + "}"),
                          "create_snapshot");
  const std::string nid = new_uuid();
  const std::string req = "{\"volume\":" + volume_obj(nid, 2, src.project) + ",\"snapshot\":" +
                          snapshot_obj(sid, src.obj, src.id, src.project, sm) + "}";
  const Json m = ok_json(drv->call("create_volume_from_snapshot", req), "create_volume_from_snapshot");
  const auto v = sim.volume_by_id(first_id(m));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ((*v)["status"].str(), "active");
  EXPECT_EQ((*v)["totalSize"].i64(), 2 * kGiB);
  EXPECT_TRUE((*v)["attributes"]["is_clone"].boolean());
  EXPECT_EQ((*v)["qos"]["minIOPS"].i64(), 1000);
  const Json again = ok_json(drv->call("create_volume_from_snapshot", req), "again");
  EXPECT_EQ(again["provider_id"].str(), m["provider_id"].str());

  // An unknown snapshot.
  const auto unknown = drv->call("create_volume_from_snapshot",
                               "{\"volume\":" + volume_obj(new_uuid(), 1, src.project) + ",\"snapshot\":" +
                                   snapshot_obj(new_uuid(), src.obj, src.id, src.project) + "}");
  EXPECT_TRUE(IsError(unknown, VDP_E_NOT_FOUND, "create_volume_from_snapshot", "snapshot"));
  ok_json(drv->call("delete_volume", "{\"volume\":" + volume_obj(nid, 2, src.project, kGoldSpecs, m) + "}"), "delete");
  ok_json(drv->call("delete_volume", "{\"volume\":" + src.obj + "}"), "delete source");
}

TEST_F(DataClones, ErrorsBeforeCloning) {
  auto drv = ready_driver(sim);
  const Source src = make_source(*drv, 3, "it-clerr");
  const uint64_t clones = sim.count("CloneVolume");
  const auto small = drv->call("create_cloned_volume", "{\"volume\":" + volume_obj(new_uuid(), 2, src.project) +
                                                            ",\"src_vref\":" + src.obj + "}");
  EXPECT_TRUE(IsError(small, VDP_E_INVALID_ARGUMENT, "create_cloned_volume", "volume.size"));
  const std::string ghost = volume_obj(new_uuid(), 1, src.project, kGoldSpecs, Json(),
                                       ",\"provider_id\":\"987654 1 " + sim.cluster_info()["uuid"].str() + "\"");
  const auto missing = drv->call("create_cloned_volume", "{\"volume\":" + volume_obj(new_uuid(), 3, src.project) +
                                                              ",\"src_vref\":" + ghost + "}");
  EXPECT_TRUE(IsError(missing, VDP_E_NOT_FOUND, "create_cloned_volume", "src_vref"));
  const auto bad_qos = drv->call("create_cloned_volume",
                                 "{\"volume\":" + volume_obj(new_uuid(), 3, src.project, R"({"qos:minIOPS":"9000","qos:maxIOPS":"100"})") +
                                     ",\"src_vref\":" + src.obj + "}");
  EXPECT_TRUE(IsError(bad_qos, VDP_E_INVALID_ARGUMENT, "create_cloned_volume"));
  EXPECT_EQ(sim.count("CloneVolume"), clones);
  ok_json(drv->call("delete_volume", "{\"volume\":" + src.obj + "}"), "delete source");
}

TEST_F(DataClones, FailedCloneLeavesNoOrphan) {
  auto drv = ready_driver(sim);
  const Source src = make_source(*drv, 1, "it-clfail");
  const std::string nid = new_uuid();
  sim.server().add_fault("GetAsyncResult:error=xCloneFailed:count=1");
  const auto r = drv->call("create_cloned_volume", "{\"volume\":" + volume_obj(nid, 1, src.project) +
                                                       ",\"src_vref\":" + src.obj + "}");
  sim.server().clear_faults();
  EXPECT_TRUE(IsError(r, VDP_E_BACKEND, "create_cloned_volume"));
  EXPECT_NE(Json::parse(r.output)["message"].str().find("deleted and purged"), std::string::npos) << r.output;
  EXPECT_TRUE(named(sim, nid).empty()) << "the failed clone was left on the cluster";
  ok_json(drv->call("delete_volume", "{\"volume\":" + src.obj + "}"), "delete source");
}

TEST_F(DataClones, LostCloneVolumeAnswerPastTheDeadlineLeavesNothingAndRepeatWorks) {
  auto drv = ready_driver(sim);
  const Source src = make_source(*drv, 1, "it-cllost");
  const std::string nid = new_uuid();
  const std::string req = "{\"volume\":" + volume_obj(nid, 1, src.project) + ",\"src_vref\":" + src.obj + "}";
  // CloneVolume commits, but its answer comes only after the caller's deadline.
  sim.server().add_fault("CloneVolume:latency=4000:count=1");
  vh::CallOptions opts;
  opts.timeout = std::chrono::milliseconds(1500);
  const auto lost = drv->call("create_cloned_volume", req, opts);
  sim.server().clear_faults();
  EXPECT_TRUE(IsError(lost, VDP_E_TIMEOUT, "create_cloned_volume"));
  EXPECT_TRUE(named(sim, nid).empty()) << "the clone committed behind the lost answer was left on the cluster";
  const Json m = ok_json(drv->call("create_cloned_volume", req), "repeat");
  const auto all = named(sim, nid);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["volumeID"].i64(), first_id(m));
  EXPECT_EQ(all[0]["status"].str(), "active");
  ok_json(drv->call("delete_volume", "{\"volume\":" + volume_obj(nid, 1, src.project, kGoldSpecs, m) + "}"), "delete");
  ok_json(drv->call("delete_volume", "{\"volume\":" + src.obj + "}"), "delete source");
}

TEST_F(DataClones, ConcurrentClonesOfOneSourceAreSerialisedByTheHostLock) {
  // Element runs at most two clone jobs per source volume; without the per-source lock the third
  // concurrent clone would meet xMaxClonesPerVolumeExceeded.
  auto drv = ready_driver(sim);
  const Source src = make_source(*drv, 1, "it-clconc");
  const uint64_t clones_before = sim.count("CloneVolume");
  constexpr int kThreads = 4;
  std::vector<std::string> ids(kThreads);
  std::vector<vh::CallResult> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    ids[i] = new_uuid();
    threads.emplace_back([&, i] {
      results[i] = drv->call("create_cloned_volume", "{\"volume\":" + volume_obj(ids[i], 1, src.project) +
                                                         ",\"src_vref\":" + src.obj + "}");
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    const Json m = ok_json(results[i], "concurrent clone " + std::to_string(i));
    ASSERT_EQ(named(sim, ids[i]).size(), 1u);
    EXPECT_EQ(named(sim, ids[i])[0]["status"].str(), "active");
    ok_json(drv->call("delete_volume", "{\"volume\":" + volume_obj(ids[i], 1, src.project, kGoldSpecs, m) + "}"),
            "delete clone");
  }
  EXPECT_EQ(sim.count("CloneVolume") - clones_before, static_cast<uint64_t>(kThreads)) << "no clone was refused and retried";
  EXPECT_EQ((*sim.volume_by_id(first_id(src.model)))["attributes"]["cloned_count"].i64(), kThreads)
      << "cloned_count updates were not lost";
  ok_json(drv->call("delete_volume", "{\"volume\":" + src.obj + "}"), "delete source");
}

// A cluster whose clones take ten minutes: waits end by deadline or cancellation.
class SlowClones : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto o = Sim::default_options();
    o.clone_delay_ms = 600000;
    slow_ = new Sim(o);
  }
  static void TearDownTestSuite() {
    delete slow_;
    slow_ = nullptr;
  }
  static Sim* slow_;
};
Sim* SlowClones::slow_ = nullptr;

TEST_F(SlowClones, DeadlineDuringTheWaitIsTimeoutAndNoOrphan) {
  Sim& sim = *slow_;
  auto drv = ready_driver(sim);
  const Source src = make_source(*drv, 1, "it-cldl");
  const std::string nid = new_uuid();
  vh::CallOptions opts;
  opts.timeout = std::chrono::milliseconds(1500);
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = drv->call("create_cloned_volume",
                           "{\"volume\":" + volume_obj(nid, 1, src.project) + ",\"src_vref\":" + src.obj + "}", opts);
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(IsError(r, VDP_E_TIMEOUT, "create_cloned_volume"));
  EXPECT_TRUE(Json::parse(r.output)["retryable"].boolean());
  EXPECT_LT(took, std::chrono::seconds(under_valgrind() ? 30 : 5));
  EXPECT_TRUE(named(sim, nid).empty()) << "the unfinished clone was left on the cluster";
}

TEST_F(SlowClones, CancellationDuringTheWaitIsCancelledAndNoOrphan) {
  Sim& sim = *slow_;
  auto drv = ready_driver(sim);
  const Source src = make_source(*drv, 1, "it-clcan");
  const std::string nid = new_uuid();
  std::atomic<bool> cancel{false};
  vh::CallOptions opts;
  opts.cancel_flag = &cancel;
  std::atomic<int> progress{0};
  opts.on_progress = [&](uint64_t, uint64_t, const std::string&) {
    if (++progress == 3) cancel = true;  // cancel once the wait is well under way
  };
  const auto r = drv->call("create_cloned_volume",
                           "{\"volume\":" + volume_obj(nid, 1, src.project) + ",\"src_vref\":" + src.obj + "}", opts);
  EXPECT_TRUE(IsError(r, VDP_E_CANCELLED, "create_cloned_volume"));
  EXPECT_GE(progress.load(), 3);
  EXPECT_TRUE(named(sim, nid).empty()) << "the unfinished clone was left on the cluster";
}

}  // namespace
}  // namespace it
