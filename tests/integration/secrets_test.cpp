// No secret in any log line or error object: a sweep over every operation family (volumes, snapshots,
// clones, CHAP and VAG connections, manage/unmanage, transfer, groups, stats), bad input and injected
// faults (lost replies, resets, HTTP 503, Element errors, a deadline), with the plugin logging at TRACE.
// Afterwards the cluster password, a wrong password tried once, and the CHAP secrets of every account on
// the cluster must appear in none of the plugin's log lines and none of the error objects, neither as is
// nor JSON-escaped, URL-encoded, inside an HTTP Basic header, or as a 10-character piece of one.
// Only the plugin's lines are captured (LogCapture on the driver); element-sim's own log is off and goes
// elsewhere anyway. Successful results may carry CHAP secrets (initialize_connection, provider_auth).
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "volume_requests.h"

namespace it {
namespace {

using namespace data;  // NOLINT(google-build-using-namespace)

// Distinctive, and full of characters that JSON and URLs encode: a leak in any of those forms shows.
const std::string kPassword = R"(Tr4ce/Pw+%"\&=ze Kr3t#9f)";
const std::string kWrongPassword = R"(Wr0ng/Pw+%"\&=un Lucky#4e)";

std::string json_escaped(const std::string& s) {
  const std::string q = quote(s);
  return q.substr(1, q.size() - 2);
}

// Percent-encoding of the reserved characters (or, with `every_byte`, of all of them).
std::string url_encoded(const std::string& s, bool upper, bool plus_for_space, bool every_byte = false) {
  const char* hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out;
  for (const unsigned char c : s) {
    if (!every_byte && (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')) {
      out += static_cast<char>(c);
    } else if (c == ' ' && plus_for_space) {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string base64(const std::string& s) {
  static const char* const kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8) |
                       static_cast<unsigned char>(s[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 63];
  }
  if (i < s.size()) {
    unsigned v = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) v |= static_cast<unsigned char>(s[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < s.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// The forms in which `secret` must not appear: as is, JSON-escaped (also with "\/"), URL-encoded (upper
// and lower case hex, "+" for a space, every byte encoded), and every 10-character piece of it (a
// truncated message still leaks).
std::vector<std::string> forbidden_forms(const std::string& secret) {
  std::vector<std::string> forms{secret, json_escaped(secret), url_encoded(secret, true, false),
                                 url_encoded(secret, false, false), url_encoded(secret, true, true),
                                 url_encoded(secret, true, false, true), url_encoded(secret, false, false, true)};
  std::string slashed;
  for (const char c : json_escaped(secret)) slashed += c == '/' ? std::string("\\/") : std::string(1, c);
  forms.push_back(slashed);
  constexpr size_t kPiece = 10;
  for (size_t i = 0; i + kPiece <= secret.size(); ++i) forms.push_back(secret.substr(i, kPiece));
  return forms;
}

struct Secret {
  std::string what;   // for the report; never the value
  std::string value;
};

// Every place where a form of a secret shows up in `texts` (labelled by `where`).
std::vector<std::string> leaks(const std::vector<Secret>& secrets, const std::vector<std::string>& texts,
                               const std::string& where) {
  std::vector<std::string> found;
  for (const auto& s : secrets) {
    for (const auto& form : forbidden_forms(s.value)) {
      for (size_t i = 0; i < texts.size(); ++i) {
        if (texts[i].find(form) != std::string::npos) {
          found.push_back(s.what + " in " + where + " #" + std::to_string(i) + ": " + texts[i]);
          break;
        }
      }
    }
  }
  return found;
}

// The scanner itself: it must find planted secrets in each encoded form, and nothing in clean text.
TEST(SecretScan, FindsEveryEncodedForm) {
  const std::vector<Secret> secrets{{"password", kPassword}};
  const std::vector<std::string> planted{
      "raw " + kPassword,
      "json {\"p\":" + quote(kPassword) + "}",
      "url https://h/?p=" + url_encoded(kPassword, true, false),
      "url lower " + url_encoded(kPassword, false, false),
      "form " + url_encoded(kPassword, true, true),
      "all bytes %" + url_encoded(kPassword, false, false, true),
      "truncated ..." + kPassword.substr(3, 12),
  };
  for (const auto& line : planted) EXPECT_FALSE(leaks(secrets, {line}, "planted").empty()) << line;
  EXPECT_FALSE(leaks({{"basic", base64(kSimUser + ":" + kPassword)}}, {"Authorization: Basic " +
                      base64(kSimUser + ":" + kPassword)}, "planted").empty());
  EXPECT_EQ(base64("Man"), "TWFu");
  EXPECT_EQ(base64("Ma"), "TWE=");
  EXPECT_EQ(base64("M"), "TQ==");
  EXPECT_TRUE(leaks(secrets, {"element rpc ListVolumes v8.0 attempt 1/5 3 ms ok"}, "clean").empty());
}

element_sim::Options secret_sim_options() {
  element_sim::Options o = Sim::default_options();
  o.password = kPassword;
  o.log_level = "off";  // the simulator's own log is not the plugin's; it is not what is checked
  return o;
}

// Runs the sweep and keeps every error object and setup/create output.
class Sweep {
 public:
  Sweep(Sim& sim, LogCapture& logs) : sim_(sim), logs_(logs) {}

  std::unique_ptr<vh::Driver> driver(const vh::ConfigMap& overrides = {}, bool expect_ready = true) {
    vh::ConfigMap cfg = sim_config(sim_);
    cfg["san_password"] = kPassword;
    cfg["vdp_log_level"] = "trace";
    for (const auto& [k, v] : overrides) cfg[k] = v;
    auto d = make_driver(cfg, &logs_);
    outputs_.push_back(d->create_output());
    vh::CallOptions opts;
    opts.timeout = std::chrono::seconds(60);
    const vh::CallResult r = d->setup(opts);
    if (!r.ok()) errors_.push_back(r.output);
    EXPECT_EQ(r.ok(), expect_ready) << r.output;
    return d;
  }

  vh::CallResult call(vh::Driver& d, const std::string& op, const std::string& req,
                      std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    vh::CallOptions opts;
    opts.timeout = timeout.value_or(std::chrono::seconds(120));
    vh::CallResult r = d.call(op, req, opts);
    ++calls_;
    if (!r.ok()) errors_.push_back(r.output);
    return r;
  }
  Json ok(vh::Driver& d, const std::string& op, const std::string& req) { return ok_json(call(d, op, req), op); }
  void fails(vh::Driver& d, const std::string& op, const std::string& req,
             std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    const vh::CallResult r = call(d, op, req, timeout);
    EXPECT_FALSE(r.ok()) << op << " " << req << " -> " << r.output;
  }

  const std::vector<std::string>& errors() const { return errors_; }
  const std::vector<std::string>& outputs() const { return outputs_; }
  size_t calls() const { return calls_; }

 private:
  Sim& sim_;
  LogCapture& logs_;
  std::vector<std::string> errors_;
  std::vector<std::string> outputs_;
  size_t calls_ = 0;
};

std::string group_obj(const std::string& id, const std::string& project) {
  return "{\"id\":" + quote(id) + R"(,"group_type_id":"gt-cg","project_id":)" + quote(project) +
         R"(,"group_specs":{"consistent_group_snapshot_enabled":"<is> True"}})";
}

TEST(Secrets, NeverInLogsOrErrorObjects) {
  Sim sim(secret_sim_options());
  LogCapture logs;
  Sweep s(sim, logs);
  auto chap = s.driver();
  auto vag = s.driver({{"sf_enable_vag", "true"}});
  const std::string project = unique_name("sec");
  const std::string connector = connector_json();

  // Volumes, exports, connections (CHAP and VAG), attach bookkeeping, extend, retype.
  const std::string a = new_uuid(), b = new_uuid();
  const Json ma = s.ok(*chap, "create_volume", "{\"volume\":" + volume_obj(a, 1, project) + "}");
  ASSERT_TRUE(ma["provider_auth"].is_string()) << ma.dump();
  std::string va = volume_obj(a, 1, project, kGoldSpecs, ma);
  const Json mb = s.ok(*chap, "create_volume", "{\"volume\":" + volume_obj(b, 2, project) + "}");
  const std::string vb = volume_obj(b, 2, project, kGoldSpecs, mb);
  s.ok(*chap, "create_export", "{\"volume\":" + va + ",\"connector\":" + connector + "}");
  s.ok(*chap, "ensure_export", "{\"volume\":" + va + "}");
  const Json conn = s.ok(*chap, "initialize_connection", "{\"volume\":" + va + ",\"connector\":" + connector + "}");
  const std::string chap_secret = conn["data"]["auth_password"].str();
  EXPECT_FALSE(chap_secret.empty()) << "initialize_connection returns the CHAP secret: " << conn.dump();
  s.ok(*chap, "terminate_connection", "{\"volume\":" + va + ",\"connector\":" + connector + "}");
  s.ok(*vag, "initialize_connection", "{\"volume\":" + va + ",\"connector\":" + connector + "}");
  s.ok(*vag, "terminate_connection", "{\"volume\":" + va + ",\"connector\":" + connector + "}");
  s.ok(*chap, "attach_volume", "{\"volume\":" + va + R"(,"instance_uuid":"inst-1","host_name":"h1"})");
  s.ok(*chap, "detach_volume", "{\"volume\":" + va + "}");
  s.ok(*chap, "extend_volume", "{\"volume\":" + va + ",\"new_size\":2}");
  va = volume_obj(a, 2, project, kGoldSpecs, ma);
  s.ok(*chap, "retype", "{\"volume\":" + va +
                            R"(,"new_type":{"id":"t2","name":"silver","extra_specs":{"qos:minIOPS":"500",)"
                            R"("qos:maxIOPS":"2000","qos:burstIOPS":"4000"}}})");

  // Snapshots and clones.
  const std::string snap_id = new_uuid();
  const Json ms = s.ok(*chap, "create_snapshot", "{\"snapshot\":" + snapshot_obj(snap_id, va, a, project) + "}");
  const std::string snap = snapshot_obj(snap_id, va, a, project, ms);
  const std::string c = new_uuid(), d = new_uuid();
  const Json mc = s.ok(*chap, "create_volume_from_snapshot",
                       "{\"volume\":" + volume_obj(c, 2, project) + ",\"snapshot\":" + snap + "}");
  s.ok(*chap, "revert_to_snapshot", "{\"volume\":" + va + ",\"snapshot\":" + snap + "}");
  s.ok(*chap, "delete_snapshot", "{\"snapshot\":" + snap + "}");
  const Json md = s.ok(*chap, "create_cloned_volume", "{\"volume\":" + volume_obj(d, 2, project) +
                                                          ",\"src_vref\":" + va + "}");

  // Manage / unmanage a volume made on the cluster, and a transfer to a new project (a new account).
  const int64_t legacy_account = sim.add_account(unique_name("sec-legacy"));
  const Json legacy = sim.rpc("CreateVolume", "{\"name\":\"sec-legacy-db\",\"accountID\":" +
                                                  std::to_string(legacy_account) + R"(,"totalSize":1073741824})");
  const std::string e = new_uuid();
  const std::string ref = ",\"existing_ref\":{\"source-id\":\"" + std::to_string(legacy["volumeID"].i64()) + "\"}";
  s.ok(*chap, "manage_existing_get_size", "{\"volume\":" + volume_obj(e, 1, project) + ref + "}");
  const Json me = s.ok(*chap, "manage_existing", "{\"volume\":" + volume_obj(e, 1, project) + ref + "}");
  s.ok(*chap, "unmanage", "{\"volume\":" + volume_obj(e, 1, project, kGoldSpecs, me) + "}");
  const std::string project2 = unique_name("sec-to");
  const Json moved = s.ok(*chap, "accept_transfer", "{\"volume\":" + volume_obj(d, 2, project, kGoldSpecs, md) +
                                                        ",\"new_user\":\"u2\",\"new_project\":" + quote(project2) + "}");

  // Groups: a consistent group with a group snapshot.
  const std::string g = new_uuid(), gs = new_uuid();
  const std::string vb_in_group = volume_obj(b, 2, project, kGoldSpecs, mb, ",\"group_id\":" + quote(g));
  s.ok(*chap, "create_group", "{\"group\":" + group_obj(g, project) + "}");
  s.ok(*chap, "update_group", "{\"group\":" + group_obj(g, project) + ",\"add_volumes\":[" + vb_in_group + "]}");
  const std::string gsnap = "{\"group_snapshot\":{\"id\":" + quote(gs) + ",\"group_id\":" + quote(g) +
                            ",\"project_id\":" + quote(project) +
                            R"(,"group_specs":{"consistent_group_snapshot_enabled":"<is> True"}},"snapshots":[)" +
                            snapshot_obj(new_uuid(), vb_in_group, b, project) + "]}";
  s.ok(*chap, "create_group_snapshot", gsnap);
  s.ok(*chap, "delete_group_snapshot", gsnap);
  s.ok(*chap, "update_group", "{\"group\":" + group_obj(g, project) + ",\"remove_volumes\":[" + vb_in_group + "]}");
  s.ok(*chap, "delete_group", "{\"group\":" + group_obj(g, project) + ",\"volumes\":[]}");

  // Stats and provider info.
  s.ok(*chap, "get_volume_stats", R"({"refresh":true})");
  s.ok(*chap, "update_provider_info", "{\"volumes\":[" + va + "," + vb + "],\"snapshots\":[]}");

  // Bad input, including requests that carry a real CHAP secret in the wrong place.
  const std::string auth = ma["provider_auth"].str();
  s.fails(*chap, "create_volume", "{");
  s.fails(*chap, "create_volume", "{}");
  s.fails(*chap, "create_volume", "{\"volume\":" + volume_obj(new_uuid(), -1, project) + "}");
  s.fails(*chap, "extend_volume", "{\"volume\":" + va + ",\"new_size\":1}");
  s.fails(*chap, "initialize_connection", "{\"volume\":" + va + ",\"connector\":{}}");
  s.fails(*chap, "initialize_connection",
          "{\"volume\":" +
              volume_obj(a, 2, project, kGoldSpecs, Json(),
                         ",\"provider_location\":\"10.0.0.1:3260 iqn.x bad-lun\",\"provider_auth\":" + quote(auth)) +
              ",\"connector\":" + connector + "}");
  s.fails(*chap, "initialize_connection", "{\"volume\":" + volume_obj(new_uuid(), 1, project, kGoldSpecs, Json(),
                                                                        ",\"provider_auth\":" + quote(auth + "\x01")) +
                                              ",\"connector\":" + connector + "}");
  s.fails(*chap, "manage_existing", R"({"existing_ref":{"source-id":"987654321"}})");
  s.fails(*chap, "no_such_operation", "{}");
  s.fails(*chap, "accept_transfer", "{\"volume\":" + volume_obj(new_uuid(), 1, project) +
                                        ",\"new_user\":\"u\",\"new_project\":" + quote(auth) + "}");

  // Faults: lost replies, resets, 503s, Element errors, a deadline.
  const std::string p3 = unique_name("sec-lost"), p4 = unique_name("sec-err");
  sim.server().add_fault("AddAccount:drop:count=1");
  const std::string f1 = new_uuid();
  const Json mf1 = ok_json(s.call(*chap, "create_volume", "{\"volume\":" + volume_obj(f1, 1, p3) + "}"),
                           "create_volume after a lost AddAccount");
  sim.server().add_fault("CreateVolume:drop:count=1");
  const std::string f2 = new_uuid();
  s.call(*chap, "create_volume", "{\"volume\":" + volume_obj(f2, 1, p3) + "}");
  sim.server().add_fault("AddAccount:error=xInvalidParameter:count=1");
  s.fails(*chap, "create_volume", "{\"volume\":" + volume_obj(new_uuid(), 1, p4) + "}");
  sim.server().add_fault("ModifyVolume:reset:count=1");
  s.call(*chap, "extend_volume", "{\"volume\":" + va + ",\"new_size\":3}");
  sim.server().add_fault("ListVolumes:http=503:count=1");
  s.call(*chap, "extend_volume", "{\"volume\":" + va + ",\"new_size\":3}");
  va = volume_obj(a, 3, project, kGoldSpecs, ma);
  sim.server().add_fault("CreateSnapshot:error=xDBVersionMismatch:count=1");
  const std::string snap2 = new_uuid();
  s.call(*chap, "create_snapshot", "{\"snapshot\":" + snapshot_obj(snap2, va, a, project) + "}");
  sim.server().add_fault("CloneVolume:drop:count=1");
  const std::string f3 = new_uuid();
  s.call(*chap, "create_cloned_volume", "{\"volume\":" + volume_obj(f3, 3, project) + ",\"src_vref\":" + va + "}");
  sim.server().add_fault("CreateVolumeAccessGroup:error=xExceededLimit:count=1");
  s.call(*vag, "initialize_connection", "{\"volume\":" + vb + ",\"connector\":" + connector + "}");
  sim.server().add_fault("ListVolumeAccessGroups:reset:count=5");
  s.call(*vag, "terminate_connection", "{\"volume\":" + vb + ",\"connector\":" + connector + "}");
  sim.server().add_fault("ListVolumes:latency=1500:count=1");
  s.fails(*chap, "extend_volume", "{\"volume\":" + va + ",\"new_size\":4}", std::chrono::milliseconds(300));
  sim.server().clear_faults();
  s.driver({{"san_password", kWrongPassword}}, /*expect_ready=*/false);

  // Clean up (deletes are part of the sweep too).
  for (const auto& [id, size, model, proj] :
       std::vector<std::tuple<std::string, int64_t, Json, std::string>>{
           {a, 3, ma, project}, {b, 2, mb, project}, {c, 2, mc, project}, {d, 2, moved, project2}, {f1, 1, mf1, p3}}) {
    s.ok(*chap, "delete_volume", "{\"volume\":" + volume_obj(id, size, proj, kGoldSpecs, model) + "}");
  }
  for (const auto& id : {f2, f3}) s.call(*chap, "delete_volume", "{\"volume\":" + volume_obj(id, 1, project) + "}");

  // What must never leak: both passwords, their Basic headers, and the CHAP secrets of every account.
  std::vector<Secret> secrets{{"san_password", kPassword},
                              {"the wrong san_password", kWrongPassword},
                              {"Basic credentials", base64(kSimUser + ":" + kPassword)},
                              {"wrong Basic credentials", base64(kSimUser + ":" + kWrongPassword)}};
  const Json accounts = sim.rpc("ListAccounts")["accounts"];
  size_t chap_secrets = 0;
  for (size_t i = 0; i < accounts.size(); ++i) {
    const Json acct = accounts.at(i);
    for (const char* key : {"initiatorSecret", "targetSecret"}) {
      if (acct[key].str().empty()) continue;
      secrets.push_back({acct["username"].str() + "." + key, acct[key].str()});
      ++chap_secrets;
    }
  }
  EXPECT_GE(accounts.size(), 4u) << "the sweep made accounts for three projects besides the legacy one";
  EXPECT_GE(chap_secrets, 8u);
  bool returned_secret = false;
  for (const auto& sec : secrets) returned_secret = returned_secret || sec.value == chap_secret;
  EXPECT_TRUE(returned_secret) << "the CHAP secret initialize_connection returned is among those checked";

  const auto lines = logs.lines();
  std::printf("[secrets] %zu calls, %zu error objects, %zu log lines, %zu secrets checked\n", s.calls(),
              s.errors().size(), lines.size(), secrets.size());
  EXPECT_GE(s.errors().size(), 12u) << "the failures of the sweep produced error objects";
  EXPECT_TRUE(logs.contains("element rpc ")) << "debug lines of every RPC are captured";
  EXPECT_GT(lines.size(), 100u);

  std::vector<std::string> found = leaks(secrets, lines, "log line");
  for (auto& l : leaks(secrets, s.errors(), "error object")) found.push_back(std::move(l));
  for (auto& l : leaks(secrets, s.outputs(), "create output")) found.push_back(std::move(l));
  EXPECT_TRUE(found.empty()) << found.size() << " leak(s); first: " << (found.empty() ? "" : found.front());
  for (size_t i = 1; i < found.size() && i < 10; ++i) ADD_FAILURE() << found[i];
}

}  // namespace
}  // namespace it
