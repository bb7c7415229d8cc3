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
  help [COMMAND]             show help (also: COMMAND --help)

Options:
  --plugin PATH|NAME   plugin file (a path with '/') or name searched as vdp_NAME.so (default: solidfire)
  --config FILE        Cinder-style INI file; without it the configuration is empty
  --backend SECTION    backend section of FILE (default: the only one, or DEFAULT's enabled_backends[0])
  --json               compact JSON output instead of human-readable output; errors become one JSON
                       error object on stderr
  --timeout SECONDS    deadline of each operation
  --log-level LEVEL    plugin log lines shown on stderr: trace, debug, info, warn (default), error, off
  --version            print versions
  -h, --help           show help

Plugin search for a NAME: $VDP_PLUGIN_PATH (colon-separated), the build tree (only for a vdp-host run
from it), <exe>/../lib/vdp/plugins, the installed plugin directory.

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

}  // namespace

std::string help_text(const std::string& command) {
  if (command.empty() || command == "help") return kGeneral;
  if (command == "info") return kInfo;
  if (command == "call") return kCall;
  if (command == "run") return kRun;
  if (command == "demo") return kDemo;
  return {};
}

}  // namespace vdp::host::cli
