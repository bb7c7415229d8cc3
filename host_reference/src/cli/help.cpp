#include "help.h"

namespace vdp::host::cli {
namespace {

constexpr const char* kGeneral = R"(usage: vdp-host [OPTIONS] COMMAND [ARGS]

Loads a vdp volume-driver plugin and runs its operations.

Commands:
  info                       show the plugin's identity, ABI/schema versions and operations
  call OP [REQUEST|@FILE|-]  run one operation (runs setup first unless OP is setup or describe)
  run FILE.jsonl             run {"op": ..., "request": ...} lines in order
  demo                       walk a volume lifecycle against an embedded Element simulator
  bench                      measure operations/s, latency and RPCs per operation with N callers
  help [COMMAND]             show help (also: COMMAND --help)

Options:
  --plugin PATH|NAME   plugin file (a path with '/') or name searched as vdp_NAME.so (default: solidfire)
  --config FILE        Cinder-style INI file; without it the configuration is empty
  --backend SECTION    backend section of FILE (default: the only one, or DEFAULT's enabled_backends[0])
  --json               compact JSON output instead of human-readable output; errors become one JSON
                       error object on stderr
  --timeout SECONDS    deadline of each operation
  --log-level LEVEL    plugin log lines shown on stderr: trace, debug, info, warn (default), error, off
                       (also the plugin's vdp_log_level unless the backend section sets one)
  --version            print versions
  -h, --help           show help

Plugin search for a NAME: $VDP_PLUGIN_PATH (colon-separated), the build tree (only for a vdp-host run
from it), then <exe dir>/../<libdir>/vdp/plugins (the installation it belongs to).

Exit status: 0 success, 1 operation failed (error object on stderr), 2 usage error,
3 plugin load or configuration error, 130 interrupted.
)";

constexpr const char* kInfo = R"(usage: vdp-host [--plugin PATH|NAME] [--json] info

Loads the plugin (no configuration, no driver) and prints its path, name, vendor, driver version,
ABI and schema versions, and the operations it provides.
)";

constexpr const char* kCall = R"(usage: vdp-host [OPTIONS] call OP [REQUEST | @FILE | -]

Creates a driver from --config/--backend, runs setup (unless OP is setup or describe), then OP.
REQUEST is a JSON object given inline, read from FILE (@FILE) or from standard input (-); default {}.
The result is printed on stdout (pretty, or compact with --json). On failure the error object is
printed on stderr and the exit status is 1. Ctrl-C cancels the operation; a second Ctrl-C exits.

examples:
  vdp-host --config cinder.conf call get_volume_stats '{"refresh": true}'
  vdp-host --config cinder.conf --backend sf1 call create_volume @volume.json
  echo '{"volume": {"id": "..."}}' | vdp-host --config cinder.conf call delete_volume -
)";

constexpr const char* kRun = R"(usage: vdp-host [OPTIONS] run [--keep-going] FILE.jsonl

Runs one operation per line, in order: {"op": "create_volume", "request": {...}} ("request" defaults to
{}). Blank lines and lines starting with '#' are skipped; FILE may be '-' for standard input. Setup
runs once before the first operation that needs it. Prints one JSON line per operation:
  {"line":N,"op":"...","status":"OK","code":0,"request_id":"...","result":{...}}
  {"line":N,"op":"...","status":"NOT_FOUND","code":2,"request_id":"...","error":{...}}
Stops at the first failure unless --keep-going. Exit status 1 if any operation failed, 2 if a line is
not a valid operation.
)";

constexpr const char* kDemo = R"(usage: vdp-host [--plugin PATH|NAME] [--json] [--timeout SECONDS] demo [--replication]

Starts an embedded Element cluster simulator (TLS with a self-signed certificate that the driver
verifies, ephemeral loopback port), configures the plugin for it, and walks a volume lifecycle:
setup, capacity, a 10 GiB QoS volume exported and connected with CHAP, snapshots and clones, a
consistent group snapshot, extend and retype, attachments, VAG access, a transfer, unmanage and
manage, deletes (the last one twice: deletion is idempotent) and capacity again. No configuration is
needed; --config is ignored.
With --json every step prints one JSON line.

--replication: two embedded clusters instead of one, the second as the replication_device; walks
pairing at setup, a replicated volume (snapshot, extend), freeze, failover to the second cluster,
work there, failback (replicating back a volume made meanwhile), a migration to the second cluster's
own backend and the clean-up. Waits for pairs show progress.
)";

constexpr const char* kBench = R"(usage: vdp-host [OPTIONS] bench [--mix MIX[,MIX...]] [--callers N]
                                [--count N | --duration SECONDS] [--warmup N]

Runs operation mixes with N concurrent callers and prints, per mix, operations/s, latency p50/p95/p99,
Element RPCs per operation and errors. Without --config the backend is an embedded Element simulator
(HTTPS on a loopback port, its self-signed certificate verified by the driver, as in demo); with
--config FILE [--backend SECTION] it is that backend.

Mixes (one operation of each leaves the backend as it found it):
  create-delete   create_volume + delete_volume of a new 1 GiB volume (default)
  clone           create_cloned_volume of the caller's source volume + delete_volume of the clone
  snapshot        create_snapshot of the caller's source volume + delete_snapshot
  attach-detach   attach_volume + detach_volume of the caller's source volume
  The source volume (1 GiB) is made before the mix's runs and deleted after them.

Options:
  --mix MIX[,MIX]     mixes to run, one after the other (repeatable)
  --callers N         concurrent callers, one thread each, sharing one driver (default 1, at most 256)
  --count N           measured operations per mix, all callers together, split evenly (default 200)
  --duration SECONDS  measure each mix for this long instead (operations under way then finish)
  --warmup N          unmeasured operations per caller before measuring (default 1: the plugin makes
                      the caller's tenant account on its first operation)
  --timeout SECONDS   deadline of each call (default 120)

Caller i works in project vdp-bench-c<i>, on volumes of its own named after random UUIDs (display name
vdp-bench...). Latency of an operation is its calls' times together, each measured around the host's
call; percentiles are exact (nearest rank over every sample); ops/s is over the measured phase only.
RPCs/op: Element RPCs the embedded simulator received in the measured phase divided by the operations
run; n/a with --config (the plugin exposes no RPC counter). errors: failed operations of every phase.

Clean-up: everything a caller made is deleted at the end of each mix, also after Ctrl-C (the first
Ctrl-C cancels the calls under way and stops the callers; the deletes then run without it; a second
Ctrl-C exits at once and may leave volumes behind). A failed delete is tried once more; what still
fails is listed on stderr (id, provider_id, project) for removal by hand, and the exit status is 1.
Tenant accounts (<sf_account_prefix>-vdp-bench-c<i>) stay: the ABI has no call that removes one, and
later runs reuse them.

Output: a header (plugin, backend, TLS), then a Markdown table on stdout; a progress bar on stderr
when stderr is a terminal, nothing else there but errors (the first few per mix) and the plugin's log
lines at --log-level (default warn: one per failed call; off silences them). --json prints one JSON
object instead (the same figures, per-call latency, RPCs per method, the environment), the errors
included in it.
Exit status: 0 when every operation succeeded, 1 when any failed or a clean-up left something behind,
2 for bad options, 3 for load or configuration errors, 130 after Ctrl-C (once clean-up is done).

examples:
  vdp-host bench --callers 4 --count 2000
  vdp-host bench --mix create-delete,clone --callers 8 --duration 10 --json
  vdp-host --config cinder.conf --backend sf-gold bench --callers 4 --count 500
)";

}  // namespace

std::string help_text(const std::string& command) {
  if (command.empty() || command == "help") return kGeneral;
  if (command == "info") return kInfo;
  if (command == "call") return kCall;
  if (command == "run") return kRun;
  if (command == "demo") return kDemo;
  if (command == "bench") return kBench;
  return {};
}

}  // namespace vdp::host::cli
