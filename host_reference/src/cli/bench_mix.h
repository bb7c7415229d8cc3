// The operation mixes of `vdp-host bench` and the caller that runs them. One operation of a mix is a
// short sequence of plugin calls that leaves the backend as it found it, so any count or duration can run:
//   create-delete  create_volume + delete_volume of a new 1 GiB volume
//   clone          create_cloned_volume of the caller's source volume + delete_volume of the clone
//   snapshot       create_snapshot of the caller's source volume + delete_snapshot
//   attach-detach  attach_volume + detach_volume of the caller's source volume (bookkeeping only)
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "json.h"
#include "vdp_host/host.h"

namespace vdp::host::cli::bench {

struct Mix {
  enum class Kind { kCreateDelete, kClone, kSnapshot, kAttachDetach };
  Kind kind;
  const char* name;                // the --mix value
  const char* description;         // what one operation is
  std::vector<const char*> calls;  // the plugin calls of one operation, in order
  bool needs_source;               // a source volume per caller, made before and deleted after the runs
};

const std::vector<Mix>& all_mixes();
const Mix* find_mix(const std::string& name);  // nullptr for an unknown name
std::string mix_names();                       // "create-delete, clone, ..." for messages
// Every operation a mix uses, preparation and clean-up included (checked against describe).
std::vector<std::string> operations_used(const Mix& mix);

struct OpOutcome {
  enum class State { kOk, kFailed, kAbandoned };  // abandoned: cancelled by Ctrl-C, not counted
  State state = State::kOk;
  std::vector<double> call_ms;  // one per call made, measured around Driver::call, in Mix::calls order
  std::string error;            // kFailed: "<call>: <error object>"
  double total_ms() const;
};

// One caller: its own project, its source volume (mixes that need one), and everything it made that
// may still exist on the backend. A resource is recorded before the call that creates it (a cancelled
// or timed-out create may still have made it) and forgotten once its delete succeeds.
class Caller {
 public:
  Caller(const Mix& mix, Driver& driver, std::string project_id, const CallOptions& call_opts);
  Caller(const Caller&) = delete;
  Caller& operator=(const Caller&) = delete;

  // Creates the source volume when the mix needs one (kOk when it needs none).
  OpOutcome prepare();
  OpOutcome run_once();
  // Deletes what is left, snapshots first, then volumes newest first, with `opts` (no cancel flag: it
  // also runs after Ctrl-C). A failed delete is tried once more after the others; what still fails is
  // returned, one description per resource ("volume <id> (provider_id ...) in project ...: <error>").
  std::vector<std::string> clean_up(const CallOptions& opts);
  size_t resources() const { return alive_.size(); }

 private:
  struct Resource {
    bool snapshot = false;  // else a volume
    Json object;            // the volume or snapshot object, provider_id merged in once created
  };
  CallResult timed_call(const char* op, const Json& request, OpOutcome& out);
  Json new_volume(const char* display_name) const;
  Json object_request(const Resource& r) const;  // {"volume": ...} or {"snapshot": ...}: create and delete
  std::string describe(const Resource& r) const;
  Resource* track(bool snapshot, Json object);
  void forget(const Resource* r);
  void fail(const char* op, const CallResult& r, OpOutcome& out) const;  // sets kFailed or kAbandoned
  // `create` with `request`, then `remove` of the resource `r` it made (forgotten once removed); the
  // first failure is recorded in `out` and ends the operation.
  void make_and_remove(const char* create, const Json& request, const char* remove, Resource* r, OpOutcome& out);

  const Mix& mix_;
  Driver& driver_;
  std::string project_;
  CallOptions opts_;
  std::vector<std::unique_ptr<Resource>> alive_;
  Resource* source_ = nullptr;
};

}  // namespace vdp::host::cli::bench
