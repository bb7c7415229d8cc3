# check_installed.sh - sourced by package_install.sh and install_relocated.sh: helpers, and the checks
# that an installed vdp works from outside the source and build trees, wherever it was installed.
#
# Environment (set by tests/install/CMakeLists.txt): VDP_SOURCE_DIR, VDP_BUILD_DIR, VDP_VERSION,
# VDP_INSTALL_{BINDIR,INCLUDEDIR,LIBDIR,PLUGINDIR,DATADIR,DOCDIR} (relative to the prefix), CMAKE, CC.

step() { echo "== $*"; }
fail() { echo "FAILED: $*" >&2; exit 1; }
skip() { echo "SKIPPED: $*"; exit 77; }

for _v in VDP_SOURCE_DIR VDP_BUILD_DIR VDP_VERSION VDP_INSTALL_BINDIR VDP_INSTALL_INCLUDEDIR VDP_INSTALL_LIBDIR \
          VDP_INSTALL_PLUGINDIR VDP_INSTALL_DATADIR VDP_INSTALL_DOCDIR CMAKE CC; do
  eval "[ -n \"\${$_v:-}\" ]" || fail "$_v is not set (run this test through ctest)"
done

# same_file A B: both exist and are the same file once symlinks and ../ are resolved.
same_file() {
  [ -e "$1" ] && [ -e "$2" ] && [ "$(realpath "$1")" = "$(realpath "$2")" ]
}

# check_installed PREFIX PYTHON PYDIR WORK
#   PREFIX  where vdp is installed now; PYTHON  the interpreter to import the binding with;
#   PYDIR   the binding's directory relative to PREFIX; WORK  an empty scratch directory outside the trees.
# The caller points pkg-config, CMake and Python at PREFIX (PKG_CONFIG_PATH, CMAKE_PREFIX_PATH,
# PYTHONPATH) unless PREFIX is on their default paths. VDP_PLUGIN_PATH is ignored throughout.
check_installed() {
  prefix=$1 python=$2 pydir=$3 work=$4
  plugin=$prefix/$VDP_INSTALL_PLUGINDIR/vdp_solidfire.so
  [ -f "$plugin" ] || fail "no plugin at $plugin"

  step "$prefix/$VDP_INSTALL_BINDIR/vdp-host info finds the installed plugin (run from $work)"
  info=$(cd "$work" && env -u VDP_PLUGIN_PATH "$prefix/$VDP_INSTALL_BINDIR/vdp-host" --json info) ||
    fail "vdp-host info failed"
  found=$(printf '%s\n' "$info" | sed -n 's/^{"path":"\([^"]*\)".*/\1/p')
  same_file "$found" "$plugin" || fail "vdp-host loaded '$found', not $plugin"
  case "$found" in "$VDP_BUILD_DIR"/*) fail "vdp-host loaded the build tree's plugin $found" ;; esac

  step "pkg-config: version, include and plugin directories under $prefix"
  [ "$(pkg-config --modversion vdp)" = "$VDP_VERSION" ] || fail "pkg-config --modversion vdp: $(pkg-config --modversion vdp)"
  cflags=$(pkg-config --cflags vdp) || fail "pkg-config --cflags vdp failed"
  cflags=${cflags% }
  echo "pkg-config --cflags vdp: $cflags"
  includedir=$(pkg-config --variable=includedir vdp)
  same_file "$includedir" "$prefix/$VDP_INSTALL_INCLUDEDIR" || fail "includedir $includedir is not $prefix/$VDP_INSTALL_INCLUDEDIR"
  [ "$cflags" = "-I$includedir" ] || fail "pkg-config --cflags vdp is '$cflags', not -I$includedir"
  same_file "$(pkg-config --variable=plugindir vdp)" "$prefix/$VDP_INSTALL_PLUGINDIR" ||
    fail "plugindir $(pkg-config --variable=plugindir vdp) is not $prefix/$VDP_INSTALL_PLUGINDIR"

  consumer_src=$VDP_SOURCE_DIR/tests/install/consumer
  step "the consumer project with find_package(vdp)"
  "$CMAKE" -S "$consumer_src" -B "$work/consumer-cmake" -DCMAKE_C_COMPILER="$CC" >"$work/consumer-cmake.log" 2>&1 ||
    { cat "$work/consumer-cmake.log"; fail "configuring the consumer failed"; }
  vdp_dir=$(sed -n 's/^vdp_DIR:PATH=//p' "$work/consumer-cmake/CMakeCache.txt")
  same_file "$vdp_dir" "$prefix/$VDP_INSTALL_LIBDIR/cmake/vdp" || fail "find_package(vdp) used $vdp_dir"
  "$CMAKE" --build "$work/consumer-cmake" >>"$work/consumer-cmake.log" 2>&1 ||
    { cat "$work/consumer-cmake.log"; fail "building the consumer failed"; }
  check_consumer "$work/consumer-cmake/vdp_consumer" "$plugin" "$work"

  step "the consumer with $CC and pkg-config"
  # The command of the README's "Install" section (there: cc and consumer.c).
  "$CC" -o "$work/consumer-pc" "$consumer_src/consumer.c" $(pkg-config --cflags vdp) \
    -DVDP_PLUGIN_DIR="\"$(pkg-config --variable=plugindir vdp)\"" -ldl || fail "compiling the consumer failed"
  check_consumer "$work/consumer-pc" "$plugin" "$work"

  step "$python imports the installed binding"
  py=$(cd "$work" && env -u VDP_PLUGIN_PATH "$python" -c \
    'import sys, vdp; print(vdp.__file__); print(vdp.Plugin(sys.argv[1]).name)' "$plugin") || fail "import vdp failed"
  echo "$py"
  same_file "$(printf '%s\n' "$py" | sed -n 1p)" "$prefix/$pydir/vdp/__init__.py" || fail "imported vdp is not $prefix/$pydir/vdp"
  [ "$(printf '%s\n' "$py" | sed -n 2p)" = solidfire ] || fail "vdp.Plugin(...).name is not solidfire"
}

# check_consumer EXE PLUGIN WORK: the consumer runs and describes the plugin it loaded from PLUGIN's directory.
check_consumer() {
  out=$(cd "$3" && "$1") || fail "$1 failed"
  first=$(printf '%s\n' "$out" | sed -n 1p)
  echo "$first"
  case "$first" in "plugin solidfire $VDP_VERSION from "*) ;; *) fail "unexpected consumer output: $first" ;; esac
  same_file "${first#plugin solidfire $VDP_VERSION from }" "$2" || fail "the consumer loaded ${first##* from }, not $2"
  printf '%s\n' "$out" | sed -n 2p | grep -q '^{"name":"solidfire",.*"operations":\[' || fail "describe result: $out"
}
