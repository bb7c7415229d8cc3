#!/bin/sh
# run_consumer.sh - build (if needed) and run one FFI smoke consumer. Called by CTest (tests/ffi/CMakeLists.txt).
#
# usage: run_consumer.sh <go|rust|python> <tool> <source_dir> <work_dir> <plugin.so> <element-sim> [<cc>]
#
# Exit status: the consumer's (0 = passed), 1 when the build fails, 77 (CTest SKIP_RETURN_CODE) when the
# toolchain is not installed, so the skip is visible in the test summary.
set -u
if [ $# -lt 6 ]; then
  echo "usage: $0 <go|rust|python> <tool> <source_dir> <work_dir> <plugin.so> <element-sim> [<cc>]" >&2
  exit 2
fi
lang=$1 tool=$2 src=$3 work=$4 plugin=$5 sim=$6 cc=${7:-cc}

if [ -z "$tool" ] || [ ! -x "$tool" ]; then
  echo "SKIPPED: $lang toolchain not installed (tool '$tool' not found)"
  exit 77
fi
for f in "$plugin" "$sim"; do
  if [ ! -e "$f" ]; then
    echo "FAILED: $f does not exist (build vdp_solidfire_plugin and element-sim first)"
    exit 1
  fi
done
mkdir -p "$work" || exit 1

case $lang in
  go)
    # Standard library + cgo only: no modules, no network, caches inside the build tree.
    export GO111MODULE=off GOENV=off GOFLAGS= GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=1 CC="$cc"
    export GOCACHE="$work/gocache" GOPATH="$work/gopath" GOTMPDIR="$work"
    echo "building $src/main.go with $("$tool" version)"
    "$tool" build -o "$work/ffi_go_smoke" "$src/main.go" || { echo "FAILED: go build"; exit 1; }
    exec "$work/ffi_go_smoke" "$plugin" "$sim"
    ;;
  rust)
    # std only: --offline --locked (Cargo.lock lists no dependencies); warnings are errors.
    export CARGO_TARGET_DIR="$work/target" RUSTFLAGS="-D warnings" CARGO_TERM_COLOR=never
    echo "building $src with $("$tool" --version)"
    "$tool" build --offline --locked --release --manifest-path "$src/Cargo.toml" ||
      { echo "FAILED: cargo build"; exit 1; }
    exec "$work/target/release/vdp-ffi-smoke" "$plugin" "$sim"
    ;;
  python)
    echo "running $src/smoke.py with $("$tool" --version 2>&1)"
    export PYTHONDONTWRITEBYTECODE=1
    exec "$tool" "$src/smoke.py" "$plugin" "$sim"
    ;;
  *)
    echo "unknown consumer '$lang'" >&2
    exit 2
    ;;
esac
