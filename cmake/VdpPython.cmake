# Finding the Python interpreters the Python-based suites run with (bindings, examples, docs), once.
#
# vdp_python3(<out> <why_not>)
#   The python3 on PATH (cache entry VDP_FFI_PYTHON3), resolved past wrappers such as pyenv shims to the
#   real interpreter, when it is Python 3.11 or later; otherwise <out> is empty and <why_not> says why
#   (for the suites' visible skips).
# vdp_python_that(<out> CHECK <code> CANDIDATES <python>...)
#   The first existing candidate for which `python -c <code>` exits 0 (e.g. "import jsonschema"); empty
#   when none does. Debian's python3-* packages install for /usr/bin/python3, which a python3 earlier on
#   PATH (pyenv, a venv) usually cannot import, hence the list.
include_guard(GLOBAL)

find_program(VDP_FFI_PYTHON3 python3 DOC "Python 3 for the Python binding's tests and example")

function(vdp_python3 out why_not)
  set(_python "")
  set(_why "python3 not installed")
  if(VDP_FFI_PYTHON3)
    execute_process(
      COMMAND "${VDP_FFI_PYTHON3}" -c "import sys; print(sys.executable); sys.exit(0 if sys.version_info >= (3, 11) else 3)"
      OUTPUT_VARIABLE _exe OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _rc ERROR_QUIET)
    if(_rc EQUAL 0 AND EXISTS "${_exe}")
      set(_python "${_exe}")
    elseif(_rc EQUAL 3)
      set(_why "${VDP_FFI_PYTHON3} is older than Python 3.11")
    else()
      set(_why "${VDP_FFI_PYTHON3} does not run")
    endif()
  endif()
  set(${out} "${_python}" PARENT_SCOPE)
  set(${why_not} "${_why}" PARENT_SCOPE)
endfunction()

function(vdp_python_that out)
  cmake_parse_arguments(PARSE_ARGV 1 _arg "" "CHECK" "CANDIDATES")
  set(_found "")
  foreach(_candidate IN LISTS _arg_CANDIDATES)
    if(NOT _found AND _candidate AND EXISTS "${_candidate}")
      execute_process(COMMAND "${_candidate}" -c "${_arg_CHECK}" RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_QUIET)
      if(_rc EQUAL 0)
        set(_found "${_candidate}")
      endif()
    endif()
  endforeach()
  set(${out} "${_found}" PARENT_SCOPE)
endfunction()
