// libFuzzer target: the driver's handling of Element replies (element_client.cpp's envelope, HTTP status and
// error mapping, json.cpp, and every operation's reading of `result`). The driver runs over the fake
// transport of the unit tests (tests/unit/fakes.h) with a fake clock; the first replies of the operation
// under test come from the fuzz input, later ones from the fake's small in-memory cluster.
//
// Input: the operation name on the first line (unknown names pick one by hashing), then replies separated
// by a line "--". A reply is a body (HTTP 200), or "<3-digit status>\n<body>", or one of "!connect",
// "!timeout", "!reset", "!tls", "!other" for a transport failure of that kind.
//
// Properties (a violation aborts): an operation returns or throws solidfire::Error, never anything else
// (another exception type becomes VDP_E_INTERNAL at the ABI), and no error message carries the
// configured cluster password.
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fakes.h"
#include "fuzz_support.h"

namespace {

using solidfire::HttpRequest;
using solidfire::HttpResponse;
using solidfire::TransportError;

constexpr const char* kPassword = "Sup3rS3cretPW";  // sftest::base_config()'s san_password

struct Reply {
  std::optional<TransportError::Kind> failure;
  HttpResponse response;
};

// Replies from the script first, then the fake cluster.
class ScriptedTransport final : public solidfire::Transport {
 public:
  explicit ScriptedTransport(std::shared_ptr<solidfire::Clock> clock) : fake(std::move(clock)) {}
  HttpResponse post(const HttpRequest& request) override {
    if (!script.empty()) {
      Reply r = std::move(script.front());
      script.pop_front();
      if (r.failure) throw TransportError(*r.failure, "scripted transport failure");
      return r.response;
    }
    return fake.post(request);
  }
  sftest::FakeTransport fake;
  std::deque<Reply> script;
};

Reply parse_reply(std::string_view chunk) {
  static const std::pair<std::string_view, TransportError::Kind> kFailures[] = {
      {"!connect", TransportError::Kind::kConnect}, {"!timeout", TransportError::Kind::kTimeout},
      {"!reset", TransportError::Kind::kReset},     {"!tls", TransportError::Kind::kTls},
      {"!other", TransportError::Kind::kOther}};
  Reply r;
  for (const auto& [word, kind] : kFailures) {
    if (chunk.substr(0, word.size()) == word) {
      r.failure = kind;
      return r;
    }
  }
  r.response.status = 200;
  if (chunk.size() >= 4 && chunk[3] == '\n' && chunk[0] >= '1' && chunk[0] <= '5' && chunk[1] >= '0' &&
      chunk[1] <= '9' && chunk[2] >= '0' && chunk[2] <= '9') {
    r.response.status = (chunk[0] - '0') * 100 + (chunk[1] - '0') * 10 + (chunk[2] - '0');
    chunk.remove_prefix(4);
  }
  r.response.body = std::string(chunk);
  return r;
}

std::deque<Reply> parse_script(std::string_view text) {
  std::deque<Reply> script;
  const std::string_view sep = "\n--\n";
  while (!text.empty()) {
    const size_t pos = text.find(sep);
    script.push_back(parse_reply(text.substr(0, pos)));
    if (pos == std::string_view::npos) break;
    text.remove_prefix(pos + sep.size());
  }
  return script;
}

struct Fixture {
  solidfire::Volume volume = sftest::make_volume("11111111-2222-4333-8444-555555555555", 1);
  solidfire::Volume other = sftest::make_volume("22222222-3333-4444-8555-666666666666", 2);
  solidfire::Snapshot snapshot;
  solidfire::Connector connector;
  solidfire::VolumeType type;
  Fixture() {
    snapshot.id = "66666666-7777-4888-9999-aaaaaaaaaaaa";
    snapshot.volume_id = volume.id;
    snapshot.volume_size_gib = 1;
    snapshot.project_id = "proj1";
    snapshot.volume = volume;
    connector.initiator = "iqn.1993-08.org.debian:01:fuzz";
    connector.host = "compute-1";
    connector.ip = "192.0.2.10";
    type.name = "gold";
    type.qos_specs = {{"minIOPS", "100"}, {"maxIOPS", "1000"}, {"burstIOPS", "2000"}};
  }
};

using Body = std::function<void(solidfire::SolidFireDriver&, solidfire::CallContext&, Fixture&)>;
struct Op {
  const char* name;
  Body body;
};

const std::vector<Op>& ops() {
  using D = solidfire::SolidFireDriver;
  using C = solidfire::CallContext;
  static const std::vector<Op> kOps = {
      {"setup", [](D& d, C& c, Fixture&) { d.setup(c); }},
      {"create_volume", [](D& d, C& c, Fixture& f) { d.create_volume(c, f.other); }},
      {"delete_volume", [](D& d, C& c, Fixture& f) { d.delete_volume(c, f.volume); }},
      {"get_volume_stats", [](D& d, C& c, Fixture&) { d.get_volume_stats(c, true); }},
      {"create_export", [](D& d, C& c, Fixture& f) { d.create_export(c, f.volume, f.connector); }},
      {"ensure_export", [](D& d, C& c, Fixture& f) { d.ensure_export(c, f.volume); }},
      {"remove_export", [](D& d, C& c, Fixture& f) { d.remove_export(c, f.volume); }},
      {"initialize_connection", [](D& d, C& c, Fixture& f) { d.initialize_connection(c, f.volume, f.connector); }},
      {"terminate_connection",
       [](D& d, C& c, Fixture& f) { d.terminate_connection(c, f.volume, f.connector, false); }},
      {"extend_volume", [](D& d, C& c, Fixture& f) { d.extend_volume(c, f.volume, 3); }},
      {"create_snapshot", [](D& d, C& c, Fixture& f) { d.create_snapshot(c, f.snapshot); }},
      {"delete_snapshot", [](D& d, C& c, Fixture& f) { d.delete_snapshot(c, f.snapshot); }},
      {"revert_to_snapshot", [](D& d, C& c, Fixture& f) { d.revert_to_snapshot(c, f.volume, f.snapshot); }},
      {"create_volume_from_snapshot",
       [](D& d, C& c, Fixture& f) { d.create_volume_from_snapshot(c, f.other, f.snapshot); }},
      {"create_cloned_volume", [](D& d, C& c, Fixture& f) { d.create_cloned_volume(c, f.other, f.volume); }},
      {"retype", [](D& d, C& c, Fixture& f) { d.retype(c, f.volume, f.type); }},
      {"attach_volume",
       [](D& d, C& c, Fixture& f) {
         solidfire::AttachRequest a;
         a.instance_uuid = "99999999-8888-4777-8666-555555555555";
         a.host_name = "compute-1";
         a.mountpoint = "/dev/vdb";
         d.attach_volume(c, f.volume, a);
       }},
      {"detach_volume", [](D& d, C& c, Fixture& f) { d.detach_volume(c, f.volume, std::nullopt); }},
      {"manage_existing",
       [](D& d, C& c, Fixture& f) {
         solidfire::ExistingRef ref;
         ref.source_id = 100;
         d.manage_existing(c, f.other, ref);
       }},
      {"manage_existing_get_size",
       [](D& d, C& c, Fixture& f) {
         solidfire::ExistingRef ref;
         ref.name = "legacy-volume";
         d.manage_existing_get_size(c, f.other, ref);
       }},
      {"unmanage", [](D& d, C& c, Fixture& f) { d.unmanage(c, f.volume); }},
      {"accept_transfer", [](D& d, C& c, Fixture& f) { d.accept_transfer(c, f.volume, "user2", "proj2"); }},
      {"update_provider_info",
       [](D& d, C& c, Fixture& f) { d.update_provider_info(c, {f.volume, f.other}, {f.snapshot}); }},
  };
  return kOps;
}

const Op& op_named(std::string_view name) {
  for (const Op& op : ops()) {
    if (name == op.name) return op;
  }
  size_t h = 0;
  for (char c : name) h = h * 131 + static_cast<unsigned char>(c);
  return ops()[h % ops().size()];
}

void check_error(const solidfire::Error& e) {
  if (e.message().find(kPassword) != std::string::npos) vdpfuzz::violated("error message carries the password", e.message());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string_view name = nl == std::string_view::npos ? input : input.substr(0, nl);
  const std::string_view replies = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
  const Op& op = op_named(name);

  auto clock = std::make_shared<sftest::FakeClock>();
  auto owned = std::make_unique<ScriptedTransport>(clock);
  ScriptedTransport& transport = *owned;
  solidfire::DriverDeps deps;
  deps.transport = std::move(owned);
  deps.clock = clock;
  auto driver = solidfire::SolidFireDriver::create(sftest::source_of(sftest::base_config()), std::move(deps));
  Fixture fixture;
  sftest::FakeContext ctx(clock);
  ctx.set_deadline_in(std::chrono::seconds(60));

  try {
    if (std::string_view(op.name) != "setup") {
      driver->setup(ctx);
      driver->create_volume(ctx, fixture.volume);  // on the fake cluster, so lookups of it can succeed
    }
  } catch (const std::exception& e) {
    vdpfuzz::violated("fixture setup failed", e.what());
  }

  transport.script = parse_script(replies);
  try {
    op.body(*driver, ctx, fixture);
  } catch (const solidfire::Error& e) {
    check_error(e);
  } catch (const std::exception& e) {
    vdpfuzz::violated("an exception other than solidfire::Error escaped", std::string(op.name) + ": " + e.what());
  }
  return 0;
}
