# Install-time half of the bindings' installation, included from cmake_install.cmake (packaging/
# CMakeLists.txt sets VDP_SOURCE_DIR, VDP_BINDINGS_DIR, VDP_PYTHON_MINOR and VDP_DEBIAN first).
# Files are picked by name, so nothing a build or a test leaves in the source tree (target/,
# __pycache__, Go or Cargo temporary files, the suites themselves) is installed.

# Python: the package goes where python3 looks for it under the prefix in use now.
#  /usr                  lib/python3/dist-packages: Debian's directory for every python3 3.x (the .deb);
#  /usr/local on Debian  lib/python3.X/dist-packages, also on Debian's python3 path;
#  any other prefix      lib/python3.X/site-packages, the layout of `pip install --prefix` (add it to
#                        PYTHONPATH).
# X is the minor of the python3 found when configuring; without one, lib/python3/site-packages.
string(REGEX REPLACE "(.)/+$" "\\1" _vdp_prefix "${CMAKE_INSTALL_PREFIX}")
if(_vdp_prefix STREQUAL "/usr")
  set(_vdp_pydir lib/python3/dist-packages)
elseif(NOT VDP_PYTHON_MINOR)
  set(_vdp_pydir lib/python3/site-packages)
elseif(VDP_DEBIAN AND _vdp_prefix STREQUAL "/usr/local")
  set(_vdp_pydir lib/python${VDP_PYTHON_MINOR}/dist-packages)
else()
  set(_vdp_pydir lib/python${VDP_PYTHON_MINOR}/site-packages)
endif()

cmake_path(ABSOLUTE_PATH VDP_BINDINGS_DIR BASE_DIRECTORY "${CMAKE_INSTALL_PREFIX}" OUTPUT_VARIABLE _vdp_share)

set(_vdp_py "${VDP_SOURCE_DIR}/bindings/python/vdp")
file(GLOB _vdp_py_files LIST_DIRECTORIES false "${_vdp_py}/*.py" "${_vdp_py}/py.typed")
if(NOT _vdp_py_files)
  message(FATAL_ERROR "vdp: no Python binding in ${_vdp_py}")
endif()
file(INSTALL ${_vdp_py_files} DESTINATION "${CMAKE_INSTALL_PREFIX}/${_vdp_pydir}/vdp")

# Go: the package's own files (the module is one directory), tests left out.
set(_vdp_go "${VDP_SOURCE_DIR}/bindings/go")
file(GLOB _vdp_go_files LIST_DIRECTORIES false
     "${_vdp_go}/*.go" "${_vdp_go}/*.c" "${_vdp_go}/*.h" "${_vdp_go}/go.mod" "${_vdp_go}/README.md")
list(FILTER _vdp_go_files EXCLUDE REGEX "_test\\.go$")
if(NOT _vdp_go_files)
  message(FATAL_ERROR "vdp: no Go binding in ${_vdp_go}")
endif()
file(INSTALL ${_vdp_go_files} DESTINATION "${_vdp_share}/go")

# Rust: the crate's manifest and library sources (a `path =` dependency needs no Cargo.lock of its own).
set(_vdp_rs "${VDP_SOURCE_DIR}/bindings/rust")
file(INSTALL "${_vdp_rs}/Cargo.toml" "${_vdp_rs}/README.md"
     DESTINATION "${_vdp_share}/rust")
file(INSTALL "${_vdp_rs}/src/" DESTINATION "${_vdp_share}/rust/src"
     FILES_MATCHING PATTERN "*.rs")
