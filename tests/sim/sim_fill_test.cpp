// Simulated writes (Server::fill / POST /control/fill) and the capacity counters that depend on
// written data: GetClusterCapacity, GetVolumeStats/ListVolumeStats, GetVolumeEfficiency, snapshots,
// clones, rollback, delete/purge, persistence across restarts.
#include <curl/curl.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "sim_test_util.h"

using namespace simtest;

namespace {

constexpr int64_t kGiB = 1073741824;
constexpr int64_t kBlocks = kGiB / 4096;         // 262144 blocks in a 1 GiB volume
constexpr int64_t kModel = kBlocks / 8;          // an unfilled volume counts 1/8 written
constexpr int64_t kBaseline = (1 << 30) / 4096;  // the fixed 1 GiB of system data

// The capacity counters of one cluster.
struct Capacity {
  int64_t non_zero, zero, unique, unique_used, used, active, provisioned, snapshot_non_zero, metadata,
      snapshot_metadata, thin_percent, compression_percent, dedup_percent;
};

Capacity capacity(element_sim::Server& s, int cluster = 0, const std::string& version = "12.3") {
  Json j = call(s, "GetClusterCapacity", "{}", version, cluster);
  const cJSON* c = get(result(j), "clusterCapacity");
  EXPECT_TRUE(c) << print(j.get());
  return {num(c, "nonZeroBlocks"),          num(c, "zeroBlocks"),
          num(c, "uniqueBlocks"),           num(c, "uniqueBlocksUsedSpace"),
          num(c, "usedSpace"),              num(c, "activeBlockSpace"),
          num(c, "provisionedSpace"),       num(c, "snapshotNonZeroBlocks"),
          num(c, "usedMetadataSpace"),      num(c, "usedMetadataSpaceInSnapshots"),
          num(c, "thinProvisioningPercent"), num(c, "compressionPercent"),
          num(c, "deDuplicationPercent")};
}

// Every counter follows from the written blocks (volumes, snapshots) and the provisioned bytes.
void expect_capacity(const Capacity& c, int64_t written, int64_t provisioned, int64_t snapshot_written,
                     const std::string& where) {
  SCOPED_TRACE(where);
  const int64_t non_zero = written + kBaseline;
  const int64_t zero = provisioned / 4096 - written;
  EXPECT_EQ(c.non_zero, non_zero);
  EXPECT_EQ(c.zero, zero);
  EXPECT_EQ(c.unique, (non_zero + 1) / 2);
  EXPECT_EQ(c.unique_used, (non_zero + 1) / 2 * 4096 / 2);
  EXPECT_EQ(c.used, c.unique_used * 2);
  EXPECT_EQ(c.active, c.used);
  EXPECT_EQ(c.provisioned, provisioned);
  EXPECT_EQ(c.metadata, non_zero * 64);
  EXPECT_EQ(c.snapshot_non_zero, snapshot_written);
  EXPECT_EQ(c.snapshot_metadata, snapshot_written * 64);
  EXPECT_EQ(c.thin_percent, (non_zero + zero) * 100 / non_zero);
  EXPECT_EQ(c.compression_percent, 200);
  EXPECT_EQ(c.dedup_percent, 200);
}

struct Stats {
  int64_t non_zero, zero, write_bytes, write_ops, size;
};

Stats stats(element_sim::Server& s, int64_t volume, int cluster = 0) {
  Json j = call(s, "GetVolumeStats", "{\"volumeID\":" + std::to_string(volume) + "}", "12.3", cluster);
  const cJSON* v = get(result(j), "volumeStats");
  EXPECT_TRUE(v) << print(j.get());
  return {num(v, "nonZeroBlocks"), num(v, "zeroBlocks"), num(v, "writeBytes"), num(v, "writeOps"),
          num(v, "volumeSize")};
}

double thin(element_sim::Server& s, int64_t volume) {
  Json j = call(s, "GetVolumeEfficiency", "{\"volumeID\":" + std::to_string(volume) + "}");
  const cJSON* t = get(result(j), "thinProvisioning");
  EXPECT_TRUE(cJSON_IsNumber(t)) << print(j.get());
  return cJSON_IsNumber(t) ? t->valuedouble : -1;
}

Json ok(element_sim::Server& s, const std::string& method, const std::string& params) {
  Json j = call(s, method, params);
  EXPECT_TRUE(result(j)) << method << ": " << print(j.get());
  return j;
}

std::string id(int64_t v) { return std::to_string(v); }

element_sim::Options manual() {
  element_sim::Options o = plain_options();
  o.manual_clock = true;
  o.manual_clock_start_ms = 1700000000000;
  o.clone_delay_ms = 0;
  return o;
}

// Expects fill() to be refused with `name` and the counters to stay as they were.
template <class F>
void expect_refused(element_sim::Server& s, F&& f, const std::string& name, const std::string& message_part) {
  const Capacity before = capacity(s);
  try {
    f();
    ADD_FAILURE() << "fill accepted, expected " << name;
  } catch (const element_sim::FillError& e) {
    EXPECT_EQ(e.name, name) << e.what();
    EXPECT_NE(std::string(e.what()).find(message_part), std::string::npos) << e.what();
  }
  const Capacity after = capacity(s);
  EXPECT_EQ(after.non_zero, before.non_zero);
  EXPECT_EQ(after.zero, before.zero);
}

TEST(Fill, DefaultModelCountsOneEighthOfEveryVolume) {
  element_sim::Server s(manual());
  expect_capacity(capacity(s), 0, 0, 0, "empty cluster");
  const int64_t a = add_account(s, "t");
  const int64_t v = create_volume(s, "v", a);
  expect_capacity(capacity(s), kModel, kGiB, 0, "one unfilled volume");
  const Stats st = stats(s, v);
  EXPECT_EQ(st.non_zero, kModel);
  EXPECT_EQ(st.zero, kBlocks - kModel);
  EXPECT_EQ(st.write_bytes, 0);
  EXPECT_EQ(st.write_ops, 0);
  EXPECT_DOUBLE_EQ(thin(s, v), 8.0);
  // An unfilled volume follows the model when it grows (2 GiB: 1/8 of 524288 blocks).
  ok(s, "ModifyVolume", "{\"volumeID\":" + id(v) + ",\"totalSize\":" + id(2 * kGiB) + "}");
  expect_capacity(capacity(s), 2 * kModel, 2 * kGiB, 0, "grown unfilled volume");
}

TEST(Fill, CountersMoveByExactlyTheWrittenBlocks) {
  element_sim::Server s(manual());
  const int64_t a = add_account(s, "t");
  const int64_t v = create_volume(s, "v", a);
  const int64_t other = create_volume(s, "other", a);  // unfilled: stays at the model throughout

  // Up from the model's 32768 blocks to half the volume: 98304 blocks written.
  EXPECT_EQ(s.fill(v, kGiB / 2), kGiB / 2);
  expect_capacity(capacity(s), kBlocks / 2 + kModel, 2 * kGiB, 0, "v half full");
  Stats st = stats(s, v);
  EXPECT_EQ(st.non_zero, kBlocks / 2);
  EXPECT_EQ(st.zero, kBlocks / 2);
  EXPECT_EQ(st.write_bytes, (kBlocks / 2 - kModel) * 4096);
  EXPECT_EQ(st.write_ops, kBlocks / 2 - kModel);
  EXPECT_DOUBLE_EQ(thin(s, v), 2.0);
  EXPECT_EQ(stats(s, other).non_zero, kModel);

  // Whole blocks: 1 byte is one block, 4097 bytes are two.
  EXPECT_EQ(s.fill(v, 1), 4096);
  EXPECT_EQ(stats(s, v).non_zero, 1);
  EXPECT_EQ(s.fill(v, 4097), 8192);
  EXPECT_EQ(stats(s, v).non_zero, 2);
  // Discarding data (a lower amount) writes nothing: writeBytes only grows.
  EXPECT_EQ(stats(s, v).write_bytes, (kBlocks / 2 - kModel) * 4096 + 4096);

  // Empty, then full (bounds included).
  EXPECT_EQ(s.fill(v, 0), 0);
  expect_capacity(capacity(s), kModel, 2 * kGiB, 0, "v empty");
  EXPECT_EQ(stats(s, v).zero, kBlocks);
  EXPECT_DOUBLE_EQ(thin(s, v), static_cast<double>(kBlocks));  // counted as one block: finite
  const int64_t before_full = stats(s, v).write_bytes;
  EXPECT_EQ(s.fill(v, kGiB), kGiB);
  expect_capacity(capacity(s), kBlocks + kModel, 2 * kGiB, 0, "v full");
  EXPECT_EQ(stats(s, v).write_bytes, before_full + kGiB);
  EXPECT_DOUBLE_EQ(thin(s, v), 1.0);

  // Percent of totalSize, rounded up to whole blocks: 33.3% of 262144 = 87293.952 -> 87294.
  EXPECT_EQ(s.fill_percent(v, 33.3), 87294 * 4096);
  EXPECT_EQ(stats(s, v).non_zero, 87294);
  EXPECT_EQ(s.fill_percent(v, 25), kGiB / 4);
  expect_capacity(capacity(s), kBlocks / 4 + kModel, 2 * kGiB, 0, "v at 25%");
  EXPECT_DOUBLE_EQ(thin(s, v), 4.0);

  // ListVolumeStats reports the same per-volume figures, in the order asked.
  Json l = ok(s, "ListVolumeStats", "{\"volumeIDs\":[" + id(other) + "," + id(v) + "]}");
  const cJSON* arr = get(result(l), "volumeStats");
  ASSERT_EQ(cJSON_GetArraySize(arr), 2);
  EXPECT_EQ(num(cJSON_GetArrayItem(arr, 0), "nonZeroBlocks"), kModel);
  EXPECT_EQ(num(cJSON_GetArrayItem(arr, 1), "nonZeroBlocks"), kBlocks / 4);
  EXPECT_EQ(num(cJSON_GetArrayItem(arr, 1), "zeroBlocks"), kBlocks * 3 / 4);
  EXPECT_EQ(num(cJSON_GetArrayItem(arr, 1), "writeBytes"), stats(s, v).write_bytes);

  // The legacy members on the 1.0 endpoint move with the same written blocks.
  const Capacity legacy = capacity(s, 0, "1.0");
  const int64_t nz = kBlocks / 4 + kModel + kBaseline;
  EXPECT_EQ(legacy.thin_percent, (nz + 2 * kBlocks - kBlocks / 4 - kModel) * 100 / nz);
  EXPECT_EQ(legacy.compression_percent, 200);
  EXPECT_EQ(legacy.dedup_percent, 200);

  // Growing a filled volume writes nothing: its written blocks stay, the new space is zero blocks.
  ok(s, "ModifyVolume", "{\"volumeID\":" + id(v) + ",\"totalSize\":" + id(2 * kGiB) + "}");
  st = stats(s, v);
  EXPECT_EQ(st.non_zero, kBlocks / 4);
  EXPECT_EQ(st.zero, 2 * kBlocks - kBlocks / 4);
  expect_capacity(capacity(s), kBlocks / 4 + kModel, 3 * kGiB, 0, "v grown to 2 GiB");
  // Bounds follow the new size.
  EXPECT_EQ(s.fill(v, 2 * kGiB), 2 * kGiB);
}

TEST(Fill, RefusedBeyondTheSizeForDeletedAndUnknownVolumes) {
  element_sim::Server s(manual());
  const int64_t a = add_account(s, "t");
  const int64_t v = create_volume(s, "v", a);
  s.fill(v, kGiB / 8 * 3);
  expect_refused(s, [&] { s.fill(v, kGiB + 1); }, "xInvalidParameter", "totalSize");
  expect_refused(s, [&] { s.fill(v, -1); }, "xInvalidParameter", "outside 0..1073741824");
  expect_refused(s, [&] { s.fill_percent(v, 100.5); }, "xInvalidParameter", "0..100");
  expect_refused(s, [&] { s.fill_percent(v, -0.1); }, "xInvalidParameter", "0..100");
  expect_refused(s, [&] { s.fill_percent(v, std::nan("")); }, "xInvalidParameter", "percent");
  expect_refused(s, [&] { s.fill(999, 0); }, "xVolumeIDDoesNotExist", "VolumeID 999 does not exist");
  EXPECT_EQ(stats(s, v).non_zero, kBlocks / 8 * 3);  // nothing moved
  EXPECT_THROW(s.fill(v, 0, 1), std::out_of_range);   // no cluster 1

  ok(s, "DeleteVolume", "{\"volumeID\":" + id(v) + "}");
  expect_refused(s, [&] { s.fill(v, 0); }, "xVolumeDeleted", "is deleted");
  expect_refused(s, [&] { s.fill_percent(v, 10); }, "xVolumeDeleted", "is deleted");
  ok(s, "RestoreDeletedVolume", "{\"volumeID\":" + id(v) + "}");
  EXPECT_EQ(s.fill(v, 0), 0);  // writable again
  ok(s, "DeleteVolume", "{\"volumeID\":" + id(v) + "}");
  ok(s, "PurgeDeletedVolume", "{\"volumeID\":" + id(v) + "}");
  expect_refused(s, [&] { s.fill(v, 0); }, "xVolumeIDDoesNotExist", "does not exist");
}

TEST(Fill, SnapshotsHoldTheWrittenBlocksOfTheirMomentAndRollbackRestoresThem) {
  element_sim::Server s(manual());
  const int64_t a = add_account(s, "t");
  const int64_t v = create_volume(s, "v", a);
  const int64_t s_model = num(result(ok(s, "CreateSnapshot", "{\"volumeID\":" + id(v) + "}")), "snapshotID");
  expect_capacity(capacity(s), kModel, kGiB, kModel, "snapshot of an unfilled volume");

  s.fill(v, kGiB / 2);
  const int64_t s_half = num(result(ok(s, "CreateSnapshot", "{\"volumeID\":" + id(v) + "}")), "snapshotID");
  expect_capacity(capacity(s), kBlocks / 2, kGiB, kModel + kBlocks / 2, "second snapshot at 50%");

  s.fill(v, kGiB);  // later writes do not change the snapshots
  expect_capacity(capacity(s), kBlocks, kGiB, kModel + kBlocks / 2, "volume full");

  // A group snapshot takes each member's written blocks too.
  const int64_t w = create_volume(s, "w", a);
  s.fill(w, kGiB / 4);
  ok(s, "CreateGroupSnapshot", "{\"volumes\":[" + id(v) + "," + id(w) + "]}");
  const int64_t snaps = kModel + kBlocks / 2 + kBlocks + kBlocks / 4;
  expect_capacity(capacity(s), kBlocks + kBlocks / 4, 2 * kGiB, snaps, "group snapshot");

  // Rollback: the volume holds the snapshot's data again.
  ok(s, "RollbackToSnapshot", "{\"volumeID\":" + id(v) + ",\"snapshotID\":" + id(s_half) + "}");
  EXPECT_EQ(stats(s, v).non_zero, kBlocks / 2);
  expect_capacity(capacity(s), kBlocks / 2 + kBlocks / 4, 2 * kGiB, snaps, "rolled back to 50%");
  // ... and to the unfilled one: back to the model (it follows the volume's size again).
  ok(s, "RollbackToSnapshot", "{\"volumeID\":" + id(v) + ",\"snapshotID\":" + id(s_model) + "}");
  EXPECT_EQ(stats(s, v).non_zero, kModel);
  ok(s, "ModifyVolume", "{\"volumeID\":" + id(v) + ",\"totalSize\":" + id(2 * kGiB) + "}");
  EXPECT_EQ(stats(s, v).non_zero, 2 * kModel);

  // Deleting a snapshot releases exactly its blocks.
  ok(s, "DeleteSnapshot", "{\"snapshotID\":" + id(s_half) + "}");
  expect_capacity(capacity(s), 2 * kModel + kBlocks / 4, 3 * kGiB, snaps - kBlocks / 2, "snapshot deleted");
}

TEST(Fill, ClonesInheritTheSourceOrSnapshotData) {
  element_sim::Server s(manual());
  const int64_t a = add_account(s, "t");
  const int64_t v = create_volume(s, "v", a);
  s.fill(v, kGiB / 2);
  const int64_t snap = num(result(ok(s, "CreateSnapshot", "{\"volumeID\":" + id(v) + "}")), "snapshotID");
  s.fill(v, kGiB / 4);

  const int64_t c1 = num(result(ok(s, "CloneVolume", "{\"volumeID\":" + id(v) + ",\"name\":\"c1\"}")), "volumeID");
  Stats st = stats(s, c1);
  EXPECT_EQ(st.non_zero, kBlocks / 4);
  EXPECT_EQ(st.zero, kBlocks * 3 / 4);
  EXPECT_EQ(st.write_bytes, 0);  // copied, not written by a client
  expect_capacity(capacity(s), 2 * (kBlocks / 4), 2 * kGiB, kBlocks / 2, "clone of the volume");

  const int64_t c2 = num(result(ok(s, "CloneVolume",
                                   "{\"volumeID\":" + id(v) + ",\"name\":\"c2\",\"snapshotID\":" + id(snap) + "}")),
                         "volumeID");
  EXPECT_EQ(stats(s, c2).non_zero, kBlocks / 2);
  expect_capacity(capacity(s), 2 * (kBlocks / 4) + kBlocks / 2, 3 * kGiB, kBlocks / 2, "clone of the snapshot");

  // A smaller clone of a full volume holds at most its own size: 1e9 bytes -> 954 MiB -> 244224 blocks.
  s.fill(v, kGiB);
  const int64_t c3 = num(result(ok(s, "CloneVolume",
                                   "{\"volumeID\":" + id(v) + ",\"name\":\"c3\",\"newSize\":1000000000}")),
                         "volumeID");
  st = stats(s, c3);
  EXPECT_EQ(st.size, 954 * 1048576);
  EXPECT_EQ(st.non_zero, 244224);
  EXPECT_EQ(st.zero, 0);

  // The clone is independent afterwards.
  s.fill(c1, 0);
  EXPECT_EQ(stats(s, v).non_zero, kBlocks);
  // A clone of an unfilled volume follows the model of its own size.
  const int64_t u = create_volume(s, "u", a);
  const int64_t c4 = num(result(ok(s, "CloneVolume",
                                   "{\"volumeID\":" + id(u) + ",\"name\":\"c4\",\"newSize\":" + id(2 * kGiB) + "}")),
                         "volumeID");
  EXPECT_EQ(stats(s, c4).non_zero, 2 * kModel);
}

TEST(Fill, DeleteKeepsTheDataUntilPurgeReleasesIt) {
  element_sim::Server s(manual());
  const int64_t a = add_account(s, "t");
  const int64_t v = create_volume(s, "v", a);
  const int64_t keep = create_volume(s, "keep", a);
  s.fill(v, kGiB / 2);
  s.fill(keep, kGiB / 4);
  ok(s, "CreateSnapshot", "{\"volumeID\":" + id(v) + "}");
  const int64_t written = kBlocks / 2 + kBlocks / 4;
  expect_capacity(capacity(s), written, 2 * kGiB, kBlocks / 2, "before delete");
  ok(s, "DeleteVolume", "{\"volumeID\":" + id(v) + "}");
  // Deleted but not purged: still restorable, so its data (and its snapshots) still occupy space.
  expect_capacity(capacity(s), written, 2 * kGiB, kBlocks / 2, "deleted");
  ok(s, "PurgeDeletedVolume", "{\"volumeID\":" + id(v) + "}");
  expect_capacity(capacity(s), kBlocks / 4, kGiB, 0, "purged");
  // The automatic purge (8 h later) releases the same way.
  ok(s, "DeleteVolume", "{\"volumeID\":" + id(keep) + "}");
  s.advance_clock(9LL * 3600 * 1000);
  expect_capacity(capacity(s), 0, 0, 0, "auto-purged");
}

TEST(Fill, IsNoElementMethodAndNoRpc) {
  element_sim::Server s(manual());
  const int64_t a = add_account(s, "t");
  const int64_t v = create_volume(s, "v", a);
  s.reset_counts();
  Json j = call(s, "element-sim.Fill", "{\"volumeID\":" + id(v) + ",\"bytes\":0}");
  EXPECT_EQ(error_name(j), "xUnknownAPIMethod");
  EXPECT_EQ(stats(s, v).non_zero, kModel);  // unchanged
  s.fill(v, 0);
  // 1 refused request + 1 GetVolumeStats; the fill itself is not an RPC.
  EXPECT_EQ(s.rpc_total(), 2u);
  Json api = ok(s, "GetAPI", "{}");
  const cJSON* names = get(result(api), "12.5");
  const cJSON* n = nullptr;
  cJSON_ArrayForEach(n, names) EXPECT_STRNE(n->valuestring, "element-sim.Fill");
  EXPECT_GT(cJSON_GetArraySize(names), 50);
}

// ------------------------------------------------------------------ control endpoint

struct Reply {
  long status = 0;
  std::string body;
};

size_t sink(char* p, size_t size, size_t n, void* ud) {
  static_cast<std::string*>(ud)->append(p, size * n);
  return size * n;
}

Reply post(const std::string& url, const std::string& body, bool auth = true, const char* method = "POST") {
  Reply r;
  CURL* h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  if (auth) {
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(h, CURLOPT_USERPWD, "admin:admin");
  }
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
  EXPECT_EQ(curl_easy_perform(h), CURLE_OK);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
  curl_easy_cleanup(h);
  return r;
}

TEST(FillControl, PerClusterEndpointWithAuthAndClearErrors) {
  element_sim::Options o = manual();
  o.clusters = 2;
  element_sim::Server s(o);
  s.start();
  const int64_t a0 = add_account(s, "t0");
  const int64_t a1 = add_account(s, "t1", 1);
  const int64_t v = create_volume(s, "v", a0);
  create_volume(s, "w", a1, "", 1);  // volume 1 on cluster 1 too

  Reply r = post(s.url(1) + "/control/fill", R"({"volumeID":1,"percent":50})");
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = parse(r.body);
  EXPECT_EQ(num(j.get(), "volumeID"), 1);
  EXPECT_EQ(num(j.get(), "totalSize"), kGiB);
  EXPECT_EQ(num(j.get(), "nonZeroBlocks"), kBlocks / 2);
  EXPECT_EQ(num(j.get(), "zeroBlocks"), kBlocks / 2);
  EXPECT_EQ(num(j.get(), "writeBytes"), (kBlocks / 2 - kModel) * 4096);
  EXPECT_EQ(stats(s, 1, 1).non_zero, kBlocks / 2);  // cluster 1 (the port's cluster) ...
  EXPECT_EQ(stats(s, v, 0).non_zero, kModel);       // ... not cluster 0
  expect_capacity(capacity(s, 1), kBlocks / 2, kGiB, 0, "cluster 1 after fill");
  expect_capacity(capacity(s, 0), kModel, kGiB, 0, "cluster 0 untouched");

  r = post(s.url() + "/control/fill/", "{\"volumeID\":" + id(v) + ",\"bytes\":4096}");  // trailing slash
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(stats(s, v).non_zero, 1);

  // Refusals: nothing changes, the body says why.
  struct Case {
    std::string body;
    long status;
    std::string text;
  };
  for (const Case& c : std::vector<Case>{
           {"{\"volumeID\":" + id(v) + ",\"bytes\":" + id(kGiB + 1) + "}", 400, "totalSize"},
           {"{\"volumeID\":" + id(v) + ",\"percent\":101}", 400, "0..100"},
           {"{\"volumeID\":" + id(v) + ",\"bytes\":1.5}", 400, "bytes"},
           {"{\"volumeID\":" + id(v) + ",\"bytes\":1,\"percent\":1}", 400, "not both"},
           {"{\"volumeID\":" + id(v) + "}", 400, "bytes"},
           {R"({"bytes":0})", 400, "volumeID"},
           {R"({"volumeID":77,"bytes":0})", 404, "VolumeID 77 does not exist"},
           {"[1]", 400, "JSON object"},
           {"not json", 400, "JSON object"}}) {
    Reply e = post(s.url() + "/control/fill", c.body);
    EXPECT_EQ(e.status, c.status) << c.body << " -> " << e.body;
    Json ej = parse(e.body);
    ASSERT_TRUE(ej) << e.body;
    EXPECT_NE(str(ej.get(), "error").find(c.text), std::string::npos) << c.body << " -> " << e.body;
  }
  EXPECT_EQ(stats(s, v).non_zero, 1);

  ok(s, "DeleteVolume", "{\"volumeID\":" + id(v) + "}");
  r = post(s.url() + "/control/fill", "{\"volumeID\":" + id(v) + ",\"bytes\":0}");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(str(parse(r.body).get(), "name"), "xVolumeDeleted");

  // Same credentials as every control endpoint; 401 before anything is looked at.
  r = post(s.url() + "/control/fill", R"({"volumeID":1,"bytes":0})", false);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(stats(s, 1, 1).non_zero, kBlocks / 2);
  EXPECT_EQ(post(s.url() + "/control/fill", "", true, "GET").status, 404);  // POST only
}

// ------------------------------------------------------------------ persistence

namespace fs = std::filesystem;

struct StateDir {
  StateDir() {
    dir = fs::temp_directory_path() /
          ("element-sim-fill-" + std::to_string(getpid()) + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000007));
    fs::create_directories(dir);
  }
  ~StateDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string file() const { return (dir / "state").string(); }
  fs::path dir;
};

element_sim::Options persistent(const std::string& path, uint64_t compact_every) {
  element_sim::Options o = manual();
  o.clone_delay_ms = 100;
  o.state_file = path;
  o.state_compact_records = compact_every;
  return o;
}

size_t journal_lines(const std::string& path) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string l; std::getline(in, l);) ++n;
  return n;
}

// Everything that depends on written data, for every volume.
std::string written_view(element_sim::Server& s) {
  std::string out = print(get(result(call(s, "GetClusterCapacity")), "clusterCapacity")) + "\n";
  for (int64_t v : volume_ids(call(s, "ListVolumes"))) {
    out += print(result(call(s, "GetVolumeStats", "{\"volumeID\":" + id(v) + "}"))) + "\n";
    Json e = call(s, "GetVolumeEfficiency", "{\"volumeID\":" + id(v) + "}");
    out += print(get(result(e), "thinProvisioning")) + "\n";
  }
  out += print(result(call(s, "ListSnapshots"))) + "\n";
  return out;
}

// Fills woven between the requests that carry them (snapshot, clone, rollback, purge).
void build(element_sim::Server& s) {
  const int64_t a = add_account(s, "t");
  const int64_t v = create_volume(s, "v", a);
  const int64_t w = create_volume(s, "w", a);
  const int64_t gone = create_volume(s, "gone", a);
  s.fill(v, kGiB / 2);
  s.fill_percent(w, 33.3);
  ok(s, "CreateSnapshot", "{\"volumeID\":" + id(v) + "}");
  s.fill(v, kGiB / 4 + 1);
  ok(s, "CloneVolume", "{\"volumeID\":" + id(w) + ",\"name\":\"c\"}");
  s.fill(gone, kGiB);
  ok(s, "DeleteVolume", "{\"volumeID\":" + id(gone) + "}");
  EXPECT_THROW(s.fill(gone, 0), element_sim::FillError);  // refused: not journalled
  s.fill(v, 3 * 4096);
  ok(s, "RollbackToSnapshot", "{\"volumeID\":" + id(v) + ",\"snapshotID\":1}");
  s.fill(w, kGiB);
  s.advance_clock(1000);  // the clone completes
}

TEST(FillPersistence, SurvivesRestartWithAndWithoutCompaction) {
  std::string reference;
  {
    element_sim::Server r(persistent("", 0));  // the same options, in memory only
    build(r);
    reference = written_view(r);
  }
  for (uint64_t every : {uint64_t{0}, uint64_t{1}, uint64_t{3}}) {
    SCOPED_TRACE("compact every " + std::to_string(every));
    StateDir dir;
    {
      element_sim::Server s(persistent(dir.file(), every));
      build(s);
      EXPECT_EQ(written_view(s), reference);
    }
    if (every == 0) {
      // header + AddAccount, 3 CreateVolume, 6 fills, CreateSnapshot, CloneVolume, DeleteVolume,
      // RollbackToSnapshot: the refused fill left no record.
      EXPECT_EQ(journal_lines(dir.file()), 15u);
      EXPECT_FALSE(fs::exists(dir.file() + ".snap"));
    } else {
      EXPECT_TRUE(fs::exists(dir.file() + ".snap"));
      EXPECT_LT(journal_lines(dir.file()), 1 + every);
    }
    {
      element_sim::Server again(persistent(dir.file(), every));
      again.advance_clock(1000);
      EXPECT_EQ(written_view(again), reference);
      // Fills after a restart keep counting from the restored amounts.
      EXPECT_EQ(again.fill(1, kGiB), kGiB);
      EXPECT_EQ(stats(again, 1).write_bytes,
                (kBlocks / 2 - kModel) * 4096 + (kBlocks - kBlocks / 2) * 4096);
    }
    element_sim::Server third(persistent(dir.file(), every));
    third.advance_clock(1000);
    EXPECT_EQ(stats(third, 1).non_zero, kBlocks);
  }
}

}  // namespace
