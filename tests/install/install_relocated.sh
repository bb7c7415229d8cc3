#!/bin/sh
# install_relocated (CTest, label package): an installation works after being moved. cmake --install puts
# this build tree under a temporary prefix (nothing is built), the prefix is renamed, and then no
# installed file may name the old prefix, and vdp-host, the CMake package, the pkg-config file and the
# Python binding must all use the new one (check_installed.sh). Needs no root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/check_installed.sh"

[ -n "${VDP_PYTHON:-}" ] || skip "no python3 was found when configuring"
for tool in pkg-config realpath; do
  command -v "$tool" >/dev/null || skip "$tool is not installed"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/vdp-install-relocated.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

step "cmake --install $VDP_BUILD_DIR --prefix $work/installed"
"$CMAKE" --install "$VDP_BUILD_DIR" --prefix "$work/installed" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "cmake --install failed (are vdp-host, element-sim and the plugin built?)"; }
mv "$work/installed" "$work/moved"
prefix=$work/moved

step "no installed file names the prefix it was installed under"
! grep -rlF "$work/installed" "$prefix" || fail "these files record the old prefix $work/installed (above)"

# The Python directory of a prefix other than /usr (packaging/install_bindings.cmake): exactly one.
pydir=$(cd "$prefix" && echo lib/python3*/site-packages)
[ -f "$prefix/$pydir/vdp/__init__.py" ] || fail "no Python binding in $prefix/lib/python3.*/site-packages"

export PKG_CONFIG_PATH="$prefix/$VDP_INSTALL_LIBDIR/pkgconfig" CMAKE_PREFIX_PATH="$prefix" \
       PYTHONPATH="$prefix/$pydir" PYTHONDONTWRITEBYTECODE=1
check_installed "$prefix" "$VDP_PYTHON" "$pydir" "$work"
echo "install_relocated: OK"
