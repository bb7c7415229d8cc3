#!/bin/sh
# package_install (CTest, label package): the .deb made from this build tree installs on this machine,
# works from /usr, and removes without a trace.
#  1. packaging/build-deb makes the .deb from what the tree holds (nothing is built);
#  2. its contents and control fields: the layout under /usr (plugin in /usr/lib/<multiarch>/vdp/plugins),
#     Depends computed by dpkg-shlibdeps, no build or test debris;
#  3. dpkg -i; /usr/bin/vdp-host demo and info, from outside the trees with VDP_PLUGIN_PATH unset, find
#     the installed plugin; the consumer/ project builds with find_package(vdp) and with pkg-config and
#     runs; /usr/bin/python3 imports the binding;
#  4. dpkg -r; every file and directory of the package is gone.
# Needs root, or sudo without a password, and dpkg (exit 77 otherwise). The package is machine-wide state, so runs are serialized with
# a lock, the package is installed only while the test runs (removed by a trap whatever happens), and
# the test refuses to start if vdp-solidfire is installed or any of its files exists already: it never
# overwrites or removes what it did not install.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/check_installed.sh"

# dpkg -i / -r need root: as root directly, otherwise through passwordless sudo (a CI runner's user).
as_root=""
if [ "$(id -u)" != 0 ]; then
  sudo -n true 2>/dev/null || skip "needs root, or sudo without a password, for dpkg -i / dpkg -r"
  as_root="sudo -n"
fi
for tool in dpkg dpkg-deb dpkg-query dpkg-shlibdeps dpkg-architecture cpack pkg-config flock realpath; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (packages dpkg-dev, pkgconf, util-linux)"
done
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is not installed"

pkg=vdp-solidfire
lock=/run/lock/vdp-package-install.lock
[ -d /run/lock ] || lock=/tmp/vdp-package-install.lock
# Opened read-only (flock needs no more), so that root's and a sudo user's runs share one lock file.
[ -e "$lock" ] || (umask 0 && : >"$lock")
exec 9<"$lock"
flock -w 600 9 || fail "another package_install run has held $lock for 10 minutes"

installed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/vdp-package-install.XXXXXX")
cleanup() {
  rc=$?
  if [ "$installed" = 1 ]; then
    echo "== cleanup: dpkg -r $pkg"
    $as_root dpkg -r "$pkg" >/dev/null 2>&1 || echo "package_install: could not remove $pkg: run dpkg -r $pkg" >&2
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
case "$status" in
  "" | not-installed) ;;
  *) fail "$pkg is already on this machine (dpkg status '$status'). This test installs and removes the
package and never touches an installation it did not make: remove it (dpkg -r $pkg) and run again." ;;
esac

multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null)
[ "$VDP_INSTALL_LIBDIR" = "lib/$multiarch" ] ||
  fail "this tree's CMAKE_INSTALL_LIBDIR is '$VDP_INSTALL_LIBDIR', not lib/$multiarch (a value cached by an
older configure?): reconfigure with -U CMAKE_INSTALL_LIBDIR"

step "packaging/build-deb $VDP_BUILD_DIR"
deb=$("$VDP_SOURCE_DIR/packaging/build-deb" "$VDP_BUILD_DIR" "$work/deb" | tail -n 1) || fail "build-deb failed"
echo "$deb"

step "contents of $(basename "$deb")"
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||' | grep -v '^/usr$' >"$work/contents"
has() { grep -qxF "$1" "$work/contents" || fail "the package lacks $1"; }
for f in /usr/$VDP_INSTALL_BINDIR/vdp-host /usr/$VDP_INSTALL_BINDIR/element-sim \
         /usr/$VDP_INSTALL_PLUGINDIR/vdp_solidfire.so \
         /usr/$VDP_INSTALL_INCLUDEDIR/vdp/vdp.h /usr/$VDP_INSTALL_INCLUDEDIR/vdp/vdp_operations.h \
         /usr/$VDP_INSTALL_LIBDIR/pkgconfig/vdp.pc /usr/$VDP_INSTALL_LIBDIR/cmake/vdp/vdpConfig.cmake \
         /usr/$VDP_INSTALL_LIBDIR/cmake/vdp/vdpConfigVersion.cmake /usr/$VDP_INSTALL_LIBDIR/cmake/vdp/vdpTargets.cmake \
         /usr/$VDP_INSTALL_DOCDIR/README.md /usr/$VDP_INSTALL_DOCDIR/operations.md \
         /usr/lib/python3/dist-packages/vdp/__init__.py /usr/lib/python3/dist-packages/vdp/plugin.py \
         /usr/$VDP_INSTALL_DATADIR/vdp/bindings/go/go.mod /usr/$VDP_INSTALL_DATADIR/vdp/bindings/go/shim.c \
         /usr/$VDP_INSTALL_DATADIR/vdp/bindings/rust/Cargo.toml /usr/$VDP_INSTALL_DATADIR/vdp/bindings/rust/src/lib.rs; do
  has "$f"
done
! grep -v '^/usr/' "$work/contents" || fail "the package installs outside /usr (above)"
! grep -E '/(target|tests?|__pycache__|CMakeFiles)(/|$)|_test\.go$|\.pyc$|CMakeLists\.txt$|Cargo\.lock$' "$work/contents" ||
  fail "the package holds build or test files (above)"

step "control fields"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = "$pkg" ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$VDP_VERSION" ] || fail "Version: $(field Version)"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
echo "Depends: $depends"
printf '%s\n' "$depends" | tr ',' '\n' | sed 's/^ *//; s/ .*//' >"$work/depends"
for lib in libc6 libstdc++6 libcurl4 libcjson1 libssl3; do
  grep -qxF "$lib" "$work/depends" || fail "Depends lacks $lib (dpkg-shlibdeps did not run?)"
done
dpkg-deb -I "$deb" prerm >/dev/null || fail "the package has no prerm script"

# Nothing on this machine may be overwritten: not an unpackaged copy (a `cmake --install` to /usr), not
# another package's file.
while read -r f; do
  [ -d "$f" ] && continue
  [ ! -e "$f" ] && [ ! -L "$f" ] || fail "$f exists already; installing $pkg would overwrite it"
done <"$work/contents"

step "dpkg -i"
installed=1
$as_root dpkg -i "$deb" || fail "dpkg -i failed"
[ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg")" = installed ] || fail "$pkg is not installed after dpkg -i"

step "/usr/$VDP_INSTALL_BINDIR/vdp-host demo (from $work)"
(cd "$work" && env -u VDP_PLUGIN_PATH "/usr/$VDP_INSTALL_BINDIR/vdp-host" demo >"$work/demo.log" 2>&1) ||
  { tail -n 40 "$work/demo.log"; fail "vdp-host demo failed"; }
grep -E "^ *plugin +/usr/$VDP_INSTALL_PLUGINDIR/vdp_solidfire\.so " "$work/demo.log" ||
  { head -n 8 "$work/demo.log"; fail "the demo did not load /usr/$VDP_INSTALL_PLUGINDIR/vdp_solidfire.so"; }
tail -n 1 "$work/demo.log"

# System paths only: what a user of the package gets without setting anything.
unset PKG_CONFIG_PATH CMAKE_PREFIX_PATH PYTHONPATH PYTHONDONTWRITEBYTECODE
check_installed /usr /usr/bin/python3 lib/python3/dist-packages "$work"
# An import as root writes byte-code next to the modules: the removal below must take it away too (prerm).
$as_root /usr/bin/python3 -c 'import vdp' || fail "/usr/bin/python3 -c 'import vdp' failed as root"
[ -d /usr/lib/python3/dist-packages/vdp/__pycache__ ] ||
  fail "importing as root wrote no __pycache__, so the removal check would not cover it"

step "dpkg -r"
$as_root dpkg -r "$pkg" || fail "dpkg -r failed"
installed=0
status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
case "$status" in "" | not-installed) ;; *) fail "$pkg still has dpkg status '$status' after dpkg -r" ;; esac
# Every file goes; of the directories, shared ones (/usr/bin, /usr/lib/<multiarch>, ...) stay and the
# package's own (listed after the loop) go.
while read -r f; do
  [ -d "$f" ] && continue
  [ ! -e "$f" ] && [ ! -L "$f" ] || fail "$f is left after dpkg -r"
done <"$work/contents"
for d in "/usr/$VDP_INSTALL_BINDIR/vdp-host" "/usr/$VDP_INSTALL_PLUGINDIR" "/usr/$VDP_INSTALL_LIBDIR/vdp" \
         "/usr/$VDP_INSTALL_LIBDIR/cmake/vdp" "/usr/$VDP_INSTALL_INCLUDEDIR/vdp" /usr/lib/python3/dist-packages/vdp \
         "/usr/$VDP_INSTALL_DATADIR/vdp" "/usr/$VDP_INSTALL_DOCDIR"; do
  [ ! -e "$d" ] || fail "$d is left after dpkg -r"
done
echo "package_install: OK"
