// Crash safety of the element-sim executable under concurrent load: 8 writers keep changing accounts,
// volumes, snapshots and access groups over HTTP while the journal is compacted every few dozen
// records; the process is SIGKILLed after a seeded random delay, restarted on the same --state file,
// and the recovered state must hold every acknowledged change, each request in flight at the kill
// either completely or not at all, no dangling reference, and ids that keep increasing.
//
// Each writer owns the objects whose names start with "t<writer>-" and keeps a model of them, so the
// recovered state of its objects must equal its model, or its model with the one unacknowledged
// request applied. VDP_CRASH_SEED=<n> replays a run (the seed is printed).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "sim_test_util.h"

extern char** environ;

using namespace simtest;
namespace fs = std::filesystem;

namespace {

constexpr int kWriters = 8;
constexpr int kRounds = 8;
constexpr int kCompactRecords = 40;  // several compactions per round, some cut by the kill
constexpr int kMinAcksBeforeKill = 3 * kCompactRecords;
constexpr int64_t kGiB = 1073741824;

// ------------------------------------------------------------------ the simulator process

struct Sim {
  pid_t pid = -1;
  int out = -1;  // its stdout: the "listening" line
  uint16_t port = 0;
};

// Starts element-sim on `state` and waits until it answers JSON-RPC; pid -1 on failure.
Sim start_sim(const std::string& state);

// A minimal HTTP/1.1 keep-alive client for POST /json-rpc/12.3 on 127.0.0.1 (admin:admin).
class RpcClient {
 public:
  explicit RpcClient(uint16_t port) : port_(port) {}
  ~RpcClient() { disconnect(); }
  RpcClient(const RpcClient&) = delete;
  RpcClient& operator=(const RpcClient&) = delete;

  // The reply body, or nullopt when no complete reply arrived (refused, reset, closed, timed out).
  std::optional<std::string> post(const std::string& body) {
    if (fd_ < 0 && !connect_once()) return std::nullopt;
    const std::string req =
        "POST /json-rpc/12.3 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Authorization: Basic YWRtaW46YWRtaW4=\r\nContent-Type: application/json\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    for (size_t sent = 0; sent < req.size();) {
      const ssize_t n = ::send(fd_, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return fail();
      sent += static_cast<size_t>(n);
    }
    std::string in;
    size_t head_end = std::string::npos;
    while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
      if (!read_more(in)) return fail();
    }
    std::string head = in.substr(0, head_end);
    std::transform(head.begin(), head.end(), head.begin(), [](unsigned char ch) { return std::tolower(ch); });
    std::smatch m;
    if (head.rfind("http/1.1 200", 0) != 0 || !std::regex_search(head, m, std::regex(R"(content-length:\s*(\d+))")))
      return fail();
    const size_t length = std::stoul(m[1].str());
    std::string reply = in.substr(head_end + 4);
    while (reply.size() < length) {
      if (!read_more(reply)) return fail();
    }
    if (head.find("connection: close") != std::string::npos) disconnect();
    return reply;
  }

 private:
  bool connect_once() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    timeval tv{20, 0};  // a live simulator answers in milliseconds; this only bounds a hung test
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port_);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      disconnect();
      return false;
    }
    return true;
  }
  bool read_more(std::string& into) {
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    into.append(buf, static_cast<size_t>(n));
    return true;
  }
  std::nullopt_t fail() {
    disconnect();
    return std::nullopt;
  }
  void disconnect() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  uint16_t port_;
  int fd_ = -1;
};

Sim start_sim(const std::string& state) {
  std::vector<std::string> args = {ELEMENT_SIM_EXE,
                                   "--no-tls",
                                   "--port",
                                   "0",
                                   "--seed",
                                   "11",
                                   "--io-threads",
                                   "4",
                                   "--state",
                                   state,
                                   "--state-compact-records",
                                   std::to_string(kCompactRecords)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int o[2];
  if (::pipe2(o, O_CLOEXEC) != 0) return {};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, o[1], 1);
  Sim s;
  const int rc = posix_spawn(&s.pid, ELEMENT_SIM_EXE, &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(o[1]);
  s.out = o[0];
  if (rc != 0) {
    s.pid = -1;
    return s;
  }
  // The simulator prints its URL once it listens (after replaying the state).
  std::string text;
  while (text.find('\n') == std::string::npos) {
    pollfd pf{s.out, POLLIN, 0};
    if (::poll(&pf, 1, 30000) <= 0) break;
    char buf[256];
    const ssize_t n = ::read(s.out, buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(R"(url=http://127\.0\.0\.1:(\d+))"))) {
    ADD_FAILURE() << "element-sim did not print its URL: " << text;
    ::kill(s.pid, SIGKILL);
    ::waitpid(s.pid, nullptr, 0);
    s.pid = -1;
    return s;
  }
  s.port = static_cast<uint16_t>(std::stoi(m[1].str()));
  // Readiness: the port answers a read-only call.
  RpcClient c(s.port);
  for (int i = 0; i < 200; ++i) {
    if (auto r = c.post(R"({"method":"GetClusterInfo","id":0})"); r && r->find("\"result\"") != std::string::npos)
      return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ADD_FAILURE() << "element-sim on port " << s.port << " never answered GetClusterInfo";
  ::kill(s.pid, SIGKILL);
  ::waitpid(s.pid, nullptr, 0);
  s.pid = -1;
  return s;
}

// ------------------------------------------------------------------ a writer's model of its objects

enum class Kind { kAccount, kVolume, kSnapshot, kVag, kCount };
const char* const kKindName[] = {"account", "volume", "snapshot", "vag"};

struct Vol {
  int64_t id = 0;
  std::string account;  // owner's name
  int64_t size = 0;
  int64_t gen = 0;  // attributes.gen; the QoS is derived from it (qos_of)
  bool deleted = false;
};
struct Snap {
  int64_t id = 0;
  std::string volume;
};
struct Vag {
  int64_t id = 0;
  std::string iqn;
  std::set<std::string> volumes;  // members, active or deleted
};
struct Model {
  std::map<std::string, int64_t> accounts;
  std::map<std::string, Vol> vols;
  std::map<std::string, Snap> snaps;
  std::map<std::string, Vag> vags;
};

struct Qos {
  int64_t min, max, burst;
};
// One value per generation, so a ModifyVolume that changed only some fields matches no candidate.
Qos qos_of(int64_t gen) { return {100 + gen % 5000, 2000 + gen % 5000, 4000 + gen % 5000}; }

enum class Op {
  kAddAccount,
  kCreateVolume,
  kModifyVolume,
  kCreateSnapshot,
  kDeleteVolume,
  kPurgeVolume,
  kCreateVag,
  kAddToVag
};
const char* const kOpName[] = {"AddAccount",
                               "CreateVolume",
                               "ModifyVolume",
                               "CreateSnapshot",
                               "DeleteVolume",
                               "PurgeDeletedVolume",
                               "CreateVolumeAccessGroup",
                               "AddVolumesToVolumeAccessGroup"};

struct Request {
  Op op{};
  std::string name;    // the object created
  std::string target;  // the volume (or VAG for kAddToVag) acted on
  std::string extra;   // kCreateVolume: account; kCreateVag: initiator; kAddToVag: volume added
  int64_t size = 0, gen = 0;
  std::string body;
};

std::optional<Kind> created_kind(Op op) {
  switch (op) {
    case Op::kAddAccount:
      return Kind::kAccount;
    case Op::kCreateVolume:
      return Kind::kVolume;
    case Op::kCreateSnapshot:
      return Kind::kSnapshot;
    case Op::kCreateVag:
      return Kind::kVag;
    default:
      return std::nullopt;
  }
}
const char* id_member(Kind k) {
  static const char* const m[] = {"accountID", "volumeID", "snapshotID", "volumeAccessGroupID"};
  return m[static_cast<int>(k)];
}

// The effect of an acknowledged request (id: the created object's id).
void apply(Model& m, const Request& r, int64_t id) {
  switch (r.op) {
    case Op::kAddAccount:
      m.accounts[r.name] = id;
      break;
    case Op::kCreateVolume:
      m.vols[r.name] = Vol{id, r.extra, r.size, r.gen, false};
      break;
    case Op::kModifyVolume:
      m.vols.at(r.target).size = r.size;
      m.vols.at(r.target).gen = r.gen;
      break;
    case Op::kCreateSnapshot:
      m.snaps[r.name] = Snap{id, r.target};
      break;
    case Op::kDeleteVolume:
      m.vols.at(r.target).deleted = true;
      break;
    case Op::kPurgeVolume:
      m.vols.erase(r.target);
      std::erase_if(m.snaps, [&](const auto& s) { return s.second.volume == r.target; });
      for (auto& [n, g] : m.vags) g.volumes.erase(r.target);
      break;
    case Op::kCreateVag:
      m.vags[r.name] = Vag{id, r.extra, {r.target}};
      break;
    case Op::kAddToVag:
      m.vags.at(r.target).volumes.insert(r.extra);
      break;
  }
}

// Canonical text of a writer's objects: ids, names and every attribute the requests set. The
// recovered state is rendered the same way (render_observed) and compared as text.
std::string render(const Model& m) {
  std::ostringstream o;
  for (const auto& [n, id] : m.accounts) o << "A " << n << " id=" << id << "\n";
  for (const auto& [n, v] : m.vols) {
    const Qos q = qos_of(v.gen);
    o << "V " << n << " id=" << v.id << " account=" << v.account << " size=" << v.size << " qos=" << q.min << "/"
      << q.max << "/" << q.burst << " gen=" << v.gen << " status=" << (v.deleted ? "deleted" : "active") << "\n";
  }
  for (const auto& [n, s] : m.snaps) o << "S " << n << " id=" << s.id << " volume=" << s.volume << "\n";
  for (const auto& [n, g] : m.vags) {
    o << "G " << n << " id=" << g.id << " initiator=" << g.iqn << " volumes=";
    for (const auto& v : g.volumes) o << (m.vols.at(v).deleted ? "" : v + ",");
    o << " deleted=";
    for (const auto& v : g.volumes) o << (m.vols.at(v).deleted ? v + "," : "");
    o << "\n";
  }
  return o.str();
}

// ------------------------------------------------------------------ one writer

// What the test thread waits for before starting the kill timer.
struct Progress {
  std::atomic<int> acks{0}, running{0};
  std::mutex mu;
  std::condition_variable cv;
};

struct Writer {
  int index = 0;
  Model model;
  std::mt19937_64 rng;
  int64_t next_name = 0, next_gen = 1;
  int64_t max_id[static_cast<int>(Kind::kCount)] = {};  // the highest id this writer was given, per kind
  // Per round:
  int acked = 0;
  std::optional<Request> pending;  // sent, no reply: the simulator died with it in flight
  std::vector<std::string> errors;

  std::string prefix() const { return "t" + std::to_string(index) + "-"; }
  std::string fresh(const char* kind) { return prefix() + kind + std::to_string(next_name++); }
  template <class C>
  auto pick(const C& c) {
    auto it = c.begin();
    std::advance(it, static_cast<long>(rng() % c.size()));
    return it;
  }

  Request next() {
    std::vector<std::string> live, deleted;
    for (const auto& [n, v] : model.vols) (v.deleted ? deleted : live).push_back(n);
    Request r;
    if (!deleted.empty()) {  // a deleted volume is purged next (also after a crash between the two)
      r.op = Op::kPurgeVolume;
      r.target = deleted.front();
      r.body = R"({"method":"PurgeDeletedVolume","params":{"volumeID":)" + std::to_string(model.vols[r.target].id) +
               R"(},"id":1})";
      return r;
    }
    std::vector<std::pair<Op, int>> choices;
    if (model.accounts.size() < 6) choices.push_back({Op::kAddAccount, model.accounts.empty() ? 100 : 1});
    if (!model.accounts.empty() && live.size() < 10) choices.push_back({Op::kCreateVolume, 4});
    if (!live.empty()) {
      choices.push_back({Op::kModifyVolume, 4});
      choices.push_back({Op::kCreateSnapshot, 2});
      if (live.size() >= 3) choices.push_back({Op::kDeleteVolume, 2});
      if (model.vags.size() < 8) choices.push_back({Op::kCreateVag, 1});
      if (!model.vags.empty()) choices.push_back({Op::kAddToVag, 2});
    }
    int total = 0;
    for (const auto& c : choices) total += c.second;
    int roll = static_cast<int>(rng() % static_cast<uint64_t>(total));
    for (const auto& c : choices) {
      if ((roll -= c.second) < 0) {
        r.op = c.first;
        break;
      }
    }
    const std::string vol = live.empty() ? "" : live[rng() % live.size()];
    const std::string vol_id = vol.empty() ? "" : std::to_string(model.vols[vol].id);
    auto qos_json = [](int64_t gen) {
      const Qos q = qos_of(gen);
      return R"("qos":{"minIOPS":)" + std::to_string(q.min) + R"(,"maxIOPS":)" + std::to_string(q.max) +
             R"(,"burstIOPS":)" + std::to_string(q.burst) + "}";
    };
    switch (r.op) {
      case Op::kAddAccount:
        r.name = fresh("a");
        r.body = R"({"method":"AddAccount","params":{"username":")" + r.name + R"("},"id":1})";
        break;
      case Op::kCreateVolume: {
        r.name = fresh("v");
        r.extra = pick(model.accounts)->first;
        r.size = static_cast<int64_t>(1 + rng() % 4) * kGiB;
        r.gen = next_gen++;
        r.body = R"({"method":"CreateVolume","params":{"name":")" + r.name + R"(","accountID":)" +
                 std::to_string(model.accounts[r.extra]) + R"(,"totalSize":)" + std::to_string(r.size) +
                 R"(,"enable512e":true,)" + qos_json(r.gen) + R"(,"attributes":{"gen":)" + std::to_string(r.gen) +
                 "}},\"id\":1}";
        break;
      }
      case Op::kModifyVolume:
        r.target = vol;
        r.size = model.vols[vol].size + kGiB;  // volumes only grow
        r.gen = next_gen++;
        r.body = R"({"method":"ModifyVolume","params":{"volumeID":)" + vol_id + R"(,"totalSize":)" +
                 std::to_string(r.size) + "," + qos_json(r.gen) + R"(,"attributes":{"gen":)" + std::to_string(r.gen) +
                 "}},\"id\":1}";
        break;
      case Op::kCreateSnapshot:
        r.target = vol;
        if (std::count_if(model.snaps.begin(), model.snaps.end(),
                          [&](const auto& s) { return s.second.volume == vol; }) >= 6) {
          r.op = Op::kDeleteVolume;  // enough snapshots on this one: recycle it instead
          r.body = R"({"method":"DeleteVolume","params":{"volumeID":)" + vol_id + R"(},"id":1})";
          break;
        }
        r.name = fresh("s");
        r.body =
            R"({"method":"CreateSnapshot","params":{"volumeID":)" + vol_id + R"(,"name":")" + r.name + R"("},"id":1})";
        break;
      case Op::kDeleteVolume:
        r.target = vol;
        r.body = R"({"method":"DeleteVolume","params":{"volumeID":)" + vol_id + R"(},"id":1})";
        break;
      case Op::kCreateVag:
        r.name = fresh("g");
        r.target = vol;
        r.extra = "iqn.2010-01.test.crash:" + r.name;
        r.body = R"({"method":"CreateVolumeAccessGroup","params":{"name":")" + r.name + R"(","initiators":[")" +
                 r.extra + R"("],"volumes":[)" + vol_id + R"(]},"id":1})";
        break;
      case Op::kAddToVag: {
        auto g = pick(model.vags);
        std::vector<std::string> outside;
        for (const auto& n : live) {
          if (!g->second.volumes.count(n)) outside.push_back(n);
        }
        if (outside.empty()) {  // already holds every live volume: grow one instead
          r.op = Op::kModifyVolume;
          r.target = vol;
          r.size = model.vols[vol].size + kGiB;
          r.gen = next_gen++;
          r.body = R"({"method":"ModifyVolume","params":{"volumeID":)" + vol_id + R"(,"totalSize":)" +
                   std::to_string(r.size) + "," + qos_json(r.gen) + R"(,"attributes":{"gen":)" + std::to_string(r.gen) +
                   "}},\"id\":1}";
          break;
        }
        r.target = g->first;
        r.extra = outside[rng() % outside.size()];
        r.body = R"({"method":"AddVolumesToVolumeAccessGroup","params":{"volumeAccessGroupID":)" +
                 std::to_string(g->second.id) + R"(,"volumes":[)" + std::to_string(model.vols[r.extra].id) +
                 "]},\"id\":1}";
        break;
      }
      case Op::kPurgeVolume:
        break;
    }
    return r;
  }

  // Writes until the simulator stops answering; `floor`: every id given out before this round.
  void run(uint16_t port, const int64_t* floor, Progress& p) {
    RpcClient c(port);
    struct Done {
      Progress& p;
      ~Done() {
        p.running.fetch_sub(1);
        std::lock_guard lk(p.mu);
        p.cv.notify_all();
      }
    } done{p};
    for (;;) {
      Request r = next();
      std::optional<std::string> reply = c.post(r.body);
      if (!reply) {
        pending = std::move(r);
        return;
      }
      Json j = parse(*reply);
      const cJSON* res = j ? result(j) : nullptr;
      if (res == nullptr) {  // every request is valid for the model: a refusal is a finding
        errors.push_back(std::string(kOpName[static_cast<int>(r.op)]) + " refused: " + *reply + " for " + r.body);
        return;
      }
      int64_t id = 0;
      if (auto k = created_kind(r.op)) {
        const cJSON* v = get(res, id_member(*k));
        id = cJSON_IsNumber(v) ? static_cast<int64_t>(v->valuedouble) : -1;
        const int ki = static_cast<int>(*k);
        if (id <= max_id[ki] || id <= floor[ki])
          errors.push_back(std::string(kKindName[ki]) + " id " + std::to_string(id) + " reused: this writer had " +
                           std::to_string(max_id[ki]) + ", ids before this round reached " + std::to_string(floor[ki]));
        max_id[ki] = std::max(max_id[ki], id);
      }
      apply(model, r, id);
      ++acked;
      if (p.acks.fetch_add(1) + 1 == kMinAcksBeforeKill) {
        std::lock_guard lk(p.mu);  // under the mutex: the waiter cannot miss it
        p.cv.notify_all();
      }
    }
  }
};

// ------------------------------------------------------------------ the recovered state

struct Listing {
  Json accounts, volumes, snapshots, vags;
  std::map<int64_t, std::string> account_name, volume_name, vag_name;
  std::map<int64_t, const cJSON*> volume;
  int64_t max_id[static_cast<int>(Kind::kCount)] = {};
};

const cJSON* items(const Json& j, const char* member) {
  const cJSON* r = j ? result(j) : nullptr;
  return r ? get(r, member) : nullptr;
}

// Lists everything and checks the references between objects; problems are appended to `errors`.
Listing list_all(RpcClient& c, std::vector<std::string>& errors) {
  Listing l;
  auto call_json = [&](const char* method) {
    auto reply = c.post(std::string(R"({"method":")") + method + R"(","params":{},"id":1})");
    Json j = reply ? parse(*reply) : Json();
    if (!j || !result(j)) errors.push_back(std::string(method) + " failed: " + reply.value_or("(no reply)"));
    return j;
  };
  l.accounts = call_json("ListAccounts");
  l.volumes = call_json("ListVolumes");
  l.snapshots = call_json("ListSnapshots");
  l.vags = call_json("ListVolumeAccessGroups");
  const cJSON* e = nullptr;
  auto note_id = [&](Kind k, int64_t id) {
    auto& m = l.max_id[static_cast<int>(k)];
    m = std::max(m, id);
  };
  std::set<std::string> names;
  auto unique_name = [&](const char* kind, const std::string& n) {
    if (!names.insert(std::string(kind) + n).second) errors.push_back(std::string(kind) + " " + n + " exists twice");
  };
  cJSON_ArrayForEach(e, items(l.accounts, "accounts")) {
    l.account_name[num(e, "accountID")] = str(e, "username");
    unique_name("account", str(e, "username"));
    note_id(Kind::kAccount, num(e, "accountID"));
  }
  cJSON_ArrayForEach(e, items(l.volumes, "volumes")) {
    l.volume_name[num(e, "volumeID")] = str(e, "name");
    l.volume[num(e, "volumeID")] = e;
    unique_name("volume", str(e, "name"));
    note_id(Kind::kVolume, num(e, "volumeID"));
    if (!l.account_name.count(num(e, "accountID")))
      errors.push_back("volume " + str(e, "name") + " belongs to missing account " +
                       std::to_string(num(e, "accountID")));
  }
  cJSON_ArrayForEach(e, items(l.snapshots, "snapshots")) {
    unique_name("snapshot", str(e, "name"));
    note_id(Kind::kSnapshot, num(e, "snapshotID"));
    if (!l.volume_name.count(num(e, "volumeID")))
      errors.push_back("snapshot " + str(e, "name") + " of missing volume " + std::to_string(num(e, "volumeID")));
  }
  std::map<int64_t, std::set<int64_t>> members;  // vag -> volumes, from the VAG side
  cJSON_ArrayForEach(e, items(l.vags, "volumeAccessGroups")) {
    const int64_t gid = num(e, "volumeAccessGroupID");
    l.vag_name[gid] = str(e, "name");
    unique_name("vag", str(e, "name"));
    note_id(Kind::kVag, gid);
    for (const char* member : {"volumes", "deletedVolumes"}) {
      const cJSON* v = nullptr;
      cJSON_ArrayForEach(v, get(e, member)) {
        const int64_t vid = static_cast<int64_t>(v->valuedouble);
        members[gid].insert(vid);
        auto it = l.volume.find(vid);
        if (it == l.volume.end()) {
          errors.push_back("vag " + str(e, "name") + " lists missing volume " + std::to_string(vid));
        } else if ((str(it->second, "status") == "deleted") != (std::string(member) == "deletedVolumes")) {
          errors.push_back("vag " + str(e, "name") + " lists volume " + std::to_string(vid) + " in " + member +
                           " but its status is " + str(it->second, "status"));
        }
      }
    }
  }
  // The volume side of the membership must agree with the VAG side.
  std::map<int64_t, std::set<int64_t>> from_volumes;
  for (const auto& [vid, v] : l.volume) {
    const cJSON* g = nullptr;
    cJSON_ArrayForEach(g, get(v, "volumeAccessGroups")) {
      const int64_t gid = static_cast<int64_t>(g->valuedouble);
      if (!l.vag_name.count(gid))
        errors.push_back("volume " + l.volume_name[vid] + " is in missing vag " + std::to_string(gid));
      from_volumes[gid].insert(vid);
    }
  }
  for (const auto& [gid, n] : l.vag_name) {
    if (members[gid] != from_volumes[gid])
      errors.push_back("vag " + n + ": membership differs between the vag and its volumes");
  }
  return l;
}

// The recovered objects of the writer with `prefix`, rendered like render(Model).
std::string render_observed(const Listing& l, const std::string& prefix) {
  auto mine = [&](const std::string& n) { return n.rfind(prefix, 0) == 0; };
  auto name_of = [](const std::map<int64_t, std::string>& m, int64_t id) {
    auto it = m.find(id);
    return it == m.end() ? "<missing " + std::to_string(id) + ">" : it->second;
  };
  std::map<std::string, std::string> a, v, s, g;  // name -> line, so the order matches the model's maps
  const cJSON* e = nullptr;
  cJSON_ArrayForEach(e, items(l.accounts, "accounts")) {
    if (mine(str(e, "username")))
      a[str(e, "username")] = "A " + str(e, "username") + " id=" + std::to_string(num(e, "accountID")) + "\n";
  }
  for (const auto& [vid, j] : l.volume) {
    const std::string n = str(j, "name");
    if (!mine(n)) continue;
    const cJSON* q = get(j, "qos");
    const cJSON* gen = get(get(j, "attributes"), "gen");
    std::ostringstream o;
    o << "V " << n << " id=" << vid << " account=" << name_of(l.account_name, num(j, "accountID"))
      << " size=" << num(j, "totalSize") << " qos=" << num(q, "minIOPS") << "/" << num(q, "maxIOPS") << "/"
      << num(q, "burstIOPS")
      << " gen=" << (cJSON_IsNumber(gen) ? std::to_string(static_cast<int64_t>(gen->valuedouble)) : "?")
      << " status=" << str(j, "status") << "\n";
    v[n] = o.str();
  }
  cJSON_ArrayForEach(e, items(l.snapshots, "snapshots")) {
    if (mine(str(e, "name")))
      s[str(e, "name")] = "S " + str(e, "name") + " id=" + std::to_string(num(e, "snapshotID")) +
                          " volume=" + name_of(l.volume_name, num(e, "volumeID")) + "\n";
  }
  cJSON_ArrayForEach(e, items(l.vags, "volumeAccessGroups")) {
    if (!mine(str(e, "name"))) continue;
    std::string line = "G " + str(e, "name") + " id=" + std::to_string(num(e, "volumeAccessGroupID")) + " initiator=";
    const cJSON* i = nullptr;
    cJSON_ArrayForEach(i, get(e, "initiators")) line += std::string(i->valuestring) + (i->next ? ";" : "");
    for (const char* member : {"volumes", "deletedVolumes"}) {
      std::set<std::string> names;
      cJSON_ArrayForEach(i, get(e, member)) names.insert(name_of(l.volume_name, static_cast<int64_t>(i->valuedouble)));
      line += std::string(member[0] == 'v' ? " volumes=" : " deleted=");
      for (const auto& n : names) line += n + ",";
    }
    g[str(e, "name")] = line + "\n";
  }
  std::string out;
  for (const auto* m : {&a, &v, &s, &g}) {
    for (const auto& [n, line] : *m) out += line;
  }
  return out;
}

// Id of the object named `name` in the listing (0 when absent).
int64_t observed_id(const Listing& l, Kind k, const std::string& name) {
  const std::map<int64_t, std::string>* m = k == Kind::kAccount  ? &l.account_name
                                            : k == Kind::kVolume ? &l.volume_name
                                            : k == Kind::kVag    ? &l.vag_name
                                                                 : nullptr;
  if (m != nullptr) {
    for (const auto& [id, n] : *m) {
      if (n == name) return id;
    }
    return 0;
  }
  const cJSON* e = nullptr;
  cJSON_ArrayForEach(e, items(l.snapshots, "snapshots")) {
    if (str(e, "name") == name) return num(e, "snapshotID");
  }
  return 0;
}

// The lines of `a` that `b` lacks.
std::string lines_missing(const std::string& a, const std::string& b) {
  std::set<std::string> in_b;
  std::istringstream sb(b), sa(a);
  for (std::string l; std::getline(sb, l);) in_b.insert(l);
  std::string out;
  for (std::string l; std::getline(sa, l);) {
    if (!in_b.count(l)) out += "  " + l + "\n";
  }
  return out;
}

int64_t journal_generation(const std::string& state) {
  std::ifstream in(state);
  std::string first;
  std::getline(in, first);
  std::smatch m;
  return std::regex_search(first, m, std::regex(R"(^\{"journal":(\d+)\})")) ? std::stoll(m[1].str()) : -1;
}

uint64_t run_seed() {
  if (const char* s = std::getenv("VDP_CRASH_SEED")) return std::strtoull(s, nullptr, 10);
  return static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
}

TEST(CrashSafety, SigkillUnderConcurrentLoadKeepsAcknowledgedChangesAndNoHalfAppliedRequest) {
  const uint64_t seed = run_seed();
  std::printf("crash-safety seed %llu (VDP_CRASH_SEED=%llu replays the same delays and request mix)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  const fs::path dir = fs::temp_directory_path() / ("element-sim-crash-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string state = (dir / "state").string();

  std::vector<Writer> writers(kWriters);
  for (int t = 0; t < kWriters; ++t) {
    writers[static_cast<size_t>(t)].index = t;
    writers[static_cast<size_t>(t)].rng.seed(seed + 1000003ULL * static_cast<uint64_t>(t + 1));
  }
  int64_t floor[static_cast<int>(Kind::kCount)] = {};  // the highest id ever seen, per kind
  int64_t last_generation = -1;
  const auto t_start = std::chrono::steady_clock::now();

  Sim sim = start_sim(state);
  ASSERT_GT(sim.pid, 0);
  struct Reaper {  // a failed assertion must not leave a simulator running
    Sim& s;
    ~Reaper() {
      if (s.pid > 0 && ::kill(s.pid, SIGKILL) == 0) ::waitpid(s.pid, nullptr, 0);
    }
  } reaper{sim};
  for (int round = 1; round <= kRounds; ++round) {
    // Load, then SIGKILL after a random delay counted from the kMinAcksBeforeKill-th acknowledgement.
    const auto delay = std::chrono::milliseconds(500 + static_cast<int>(rng() % 2501));
    Progress progress;
    progress.running = kWriters;
    std::vector<std::thread> threads;
    for (auto& w : writers) {
      w.acked = 0;
      w.pending.reset();
      threads.emplace_back([&w, &sim, &floor, &progress] { w.run(sim.port, floor, progress); });
    }
    {
      std::unique_lock lk(progress.mu);
      progress.cv.wait_for(lk, std::chrono::seconds(60),
                           [&] { return progress.acks.load() >= kMinAcksBeforeKill || progress.running.load() == 0; });
    }
    const int acks_at_timer = progress.acks.load();
    std::this_thread::sleep_for(delay);  // the load's duration, not a synchronisation
    EXPECT_EQ(::kill(sim.pid, SIGKILL), 0);
    int status = 0;
    EXPECT_EQ(::waitpid(sim.pid, &status, 0), sim.pid);
    sim.pid = -1;
    ::close(sim.out);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
    for (auto& t : threads) t.join();  // each stops at its first request without a reply

    int acked = 0, in_flight = 0;
    for (auto& w : writers) {
      acked += w.acked;
      in_flight += w.pending ? 1 : 0;
      for (const auto& e : w.errors) ADD_FAILURE() << "round " << round << " writer " << w.index << ": " << e;
    }
    EXPECT_GE(acks_at_timer, kMinAcksBeforeKill) << "the simulator did not take writes";
    const int64_t generation = journal_generation(state);

    // Restart on the same files and compare.
    sim = start_sim(state);
    ASSERT_GT(sim.pid, 0) << "restart after round " << round;
    std::vector<std::string> errors;
    RpcClient c(sim.port);
    const Listing l = list_all(c, errors);
    int applied = 0, not_applied = 0;
    for (auto& w : writers) {
      const std::string seen = render_observed(l, w.prefix());
      const std::string without = render(w.model);
      if (seen == without && !w.pending) continue;
      if (seen == without) {
        ++not_applied;
        continue;
      }
      if (w.pending) {
        Model with = w.model;
        int64_t id = 0;
        if (auto k = created_kind(w.pending->op)) {
          id = observed_id(l, *k, w.pending->name);
          const int ki = static_cast<int>(*k);
          if (id != 0 && (id <= w.max_id[ki] || id <= floor[ki]))  // floor: still the one before this round
            errors.push_back("writer " + std::to_string(w.index) + ": unacknowledged " + kKindName[ki] + " got id " +
                             std::to_string(id) + ", not above its earlier " + std::to_string(w.max_id[ki]) +
                             " or the ids before the round (" + std::to_string(floor[ki]) + ")");
        }
        apply(with, *w.pending, id);
        if (seen == render(with)) {
          ++applied;
          w.model = std::move(with);
          if (auto k = created_kind(w.pending->op)) w.max_id[static_cast<int>(*k)] = id;
          continue;
        }
      }
      errors.push_back("writer " + std::to_string(w.index) + " (in flight: " +
                       (w.pending ? std::string(kOpName[static_cast<int>(w.pending->op)]) + " " + w.pending->body
                                  : std::string("nothing")) +
                       ")\n-- acknowledged, not recovered:\n" + lines_missing(without, seen) +
                       "-- recovered, not acknowledged:\n" + lines_missing(seen, without));
    }
    // No id reuse: the recovered counters are past every id ever handed out or seen.
    for (int k = 0; k < static_cast<int>(Kind::kCount); ++k) {
      for (const auto& w : writers) floor[k] = std::max(floor[k], w.max_id[k]);
      floor[k] = std::max(floor[k], l.max_id[k]);
    }
    const size_t n_acc = l.account_name.size(), n_vol = l.volume.size(), n_vag = l.vag_name.size();
    const int n_snap = cJSON_GetArraySize(items(l.snapshots, "snapshots"));
    std::printf(
        "round %d: kill after %lld ms of load (+%d acks first), journal generation %lld; acknowledged %d, "
        "in flight at the kill %d (recovered applied %d, not applied %d); recovered %zu accounts, %zu volumes, "
        "%d snapshots, %zu access groups; checks %s\n",
        round, static_cast<long long>(delay.count()), acks_at_timer, static_cast<long long>(generation), acked,
        in_flight, applied, not_applied, n_acc, n_vol, n_snap, n_vag,
        errors.empty() ? "OK" : (std::to_string(errors.size()) + " FAILED").c_str());
    std::fflush(stdout);
    for (const auto& e : errors) ADD_FAILURE() << "after round " << round << ": " << e;
    ASSERT_TRUE(errors.empty()) << "state files kept in " << dir;
    EXPECT_GT(generation, last_generation) << "no compaction during round " << round;
    last_generation = generation;
  }

  // The last restart takes writes with fresh ids, and stops cleanly.
  {
    RpcClient c(sim.port);
    auto reply = c.post(R"({"method":"AddAccount","params":{"username":"final"},"id":1})");
    Json j = reply ? parse(*reply) : Json();
    ASSERT_TRUE(j && result(j)) << reply.value_or("(no reply)");
    const int64_t account = num(result(j), "accountID");
    EXPECT_GT(account, floor[static_cast<int>(Kind::kAccount)]);
    reply = c.post(R"({"method":"CreateVolume","params":{"name":"final","accountID":)" + std::to_string(account) +
                   R"(,"totalSize":1073741824},"id":2})");
    j = reply ? parse(*reply) : Json();
    ASSERT_TRUE(j && result(j)) << reply.value_or("(no reply)");
    EXPECT_GT(num(result(j), "volumeID"), floor[static_cast<int>(Kind::kVolume)]);
  }
  ASSERT_EQ(::kill(sim.pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(sim.pid, &status, 0), sim.pid);
  sim.pid = -1;
  ::close(sim.out);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  EXPECT_TRUE(fs::exists(state + ".snap"));
  std::printf("crash-safety: %d rounds in %.1f s\n", kRounds,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count());
  fs::remove_all(dir);
}

}  // namespace
