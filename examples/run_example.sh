#!/bin/sh
# run_example.sh - build (if needed) and run one example program against its own element-sim, then check
# what it printed and what it did to the cluster. Called by CTest (examples/CMakeLists.txt).
#
# usage: run_example.sh <c|go|rust|python> <tool> <examples dir> <work dir> <plugin.so> <element-sim>
#   tool: the built C program, or go, cargo, python3
#
# Passes when the example exits 0, its stdout equals <examples dir>/expected_output.txt (element-sim's
# default seed makes ids and uuids the same on every run), and the simulator's journal shows the QoS
# applied, no change sent for the refused extend, and every volume and snapshot created also deleted.
# Exit status: 0 passed, 1 failed, 2 usage, 77 (CTest SKIP_RETURN_CODE) when the toolchain is missing.
set -u
if [ $# -ne 6 ]; then
  echo "usage: $0 <c|go|rust|python> <tool> <examples dir> <work dir> <plugin.so> <element-sim>" >&2
  exit 2
fi
lang=$1 tool=$2 examples=$3 work=$4 plugin=$5 sim=$6
src="$examples/$lang"

if [ -z "$tool" ] || [ ! -x "$tool" ]; then
  echo "SKIPPED: $lang: '$tool' is not installed (or not built)"
  exit 77
fi
for f in "$plugin" "$sim" "$examples/expected_output.txt"; do
  [ -e "$f" ] || { echo "FAILED: '$f' does not exist (vdp_solidfire_plugin and element-sim built?)"; exit 1; }
done
mkdir -p "$work" || exit 1

# Build: each toolchain offline, its caches and outputs under the work dir (never in the source tree).
case $lang in
  c) set -- "$tool" ;;
  go)
    # No requirement outside the standard library; vdp.dev/vdp is replaced by ../../bindings/go.
    export GO111MODULE=on GOENV=off GOFLAGS='' GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=1
    export GOCACHE="$work/gocache" GOPATH="$work/gopath" GOTMPDIR="$work"
    if ! (cd "$src" && "$tool" version && "$tool" vet . && "$tool" build -o "$work/volume-lifecycle" .); then
      echo "FAILED: go vet or go build"; exit 1
    fi
    set -- "$work/volume-lifecycle"
    ;;
  rust)
    export CARGO_TARGET_DIR="$work/target" CARGO_TERM_COLOR=never RUSTFLAGS="-D warnings"
    if "$tool" clippy --version >/dev/null 2>&1; then
      "$tool" clippy --offline --locked --manifest-path "$src/Cargo.toml" -- -D warnings ||
        { echo "FAILED: cargo clippy"; exit 1; }
    else
      echo "NOTE: cargo clippy not installed: lint step skipped"
    fi
    if ! { "$tool" --version && "$tool" build --offline --locked --manifest-path "$src/Cargo.toml"; }; then
      echo "FAILED: cargo build"; exit 1
    fi
    set -- "$work/target/debug/volume-lifecycle"
    ;;
  python)
    export PYTHONPATH="$examples/../bindings/python" PYTHONDONTWRITEBYTECODE=1
    set -- "$tool" "$src/volume_lifecycle.py"
    ;;
  *) echo "unknown example '$lang'" >&2; exit 2 ;;
esac

# element-sim on an ephemeral port, plain HTTP, journalling every change; PDEATHSIG kills it with this
# shell even when CTest kills the shell on a timeout.
journal="$work/element-sim.journal"
rm -f "$journal" "$journal.snap" "$work/element-sim.out" "$work/stdout"
setpriv --pdeathsig KILL -- "$sim" --port 0 --no-tls --state "$journal" >"$work/element-sim.out" 2>&1 &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null; wait "$sim_pid" 2>/dev/null' EXIT
url=
tries=0
while [ -z "$url" ]; do
  url=$(sed -n 's/^element-sim listening cluster=0 url=\([^ ]*\) .*/\1/p' "$work/element-sim.out")
  [ -n "$url" ] && break
  tries=$((tries + 1))
  if ! kill -0 "$sim_pid" 2>/dev/null || [ $tries -gt 300 ]; then
    echo "FAILED: element-sim did not print its url:"; cat "$work/element-sim.out"; exit 1
  fi
  sleep 0.1
done

echo "running: $* $plugin $url"
"$@" "$plugin" "$url" >"$work/stdout"
rc=$?
cat "$work/stdout"
[ $rc -eq 0 ] || { echo "FAILED: the $lang example exited with status $rc"; exit 1; }
diff -u "$examples/expected_output.txt" "$work/stdout" ||
  { echo "FAILED: the $lang example's output differs from expected_output.txt (above)"; exit 1; }

# The journal holds one line per change the cluster received (request bodies, JSON-escaped).
[ -s "$journal" ] || { echo "FAILED: element-sim wrote no journal ($journal)"; exit 1; }
count() { grep -c "$1" "$journal"; }
fail=0
check() { [ "$2" -eq "$3" ] || { echo "FAILED: $1: $2, want $3"; fail=1; }; }
check "volumes created" "$(count '\\"method\\":\\"CreateVolume\\"')" 1
check "volumes created with the QoS asked for" \
  "$(count '\\"qos\\":{\\"minIOPS\\":1000,\\"maxIOPS\\":5000,\\"burstIOPS\\":8000}')" 1
check "volumes deleted" "$(count '\\"method\\":\\"DeleteVolume\\"')" 1
check "snapshots created" "$(count '\\"method\\":\\"CreateSnapshot\\"')" 1
check "snapshots deleted" "$(count '\\"method\\":\\"DeleteSnapshot\\"')" 1
check "volume changes sent (the extend is refused before)" "$(count '\\"method\\":\\"ModifyVolume\\"')" 0
if [ $fail -ne 0 ]; then
  # The methods only: the request bodies hold the accounts' CHAP secrets.
  echo "changes the cluster received:"
  sed -n 's/.*\\"method\\":\\"\([A-Za-z]*\)\\".*/  \1/p' "$journal"
  exit 1
fi
echo "PASSED: the $lang example"
