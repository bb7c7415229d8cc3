#!/usr/bin/env python3
"""abi_layout.py must tell compatible growth from breaks: each case edits a COPY of abi/include and
compares its dump with the committed baseline (the real header is never touched).

    abi_layout_selftest.py --cc GCC --readelf READELF --include abi/include --baseline-dir abi/baseline

A case whose edit no longer applies (the header changed) fails too, so no case can pass vacuously.
Exit status: 0 every verdict as expected, 1 otherwise, 77 no gcc/readelf (skip).
"""
import argparse
import concurrent.futures
import contextlib
import io
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import abi_layout  # noqa: E402

LAST_SLOT = "  vdp_op_fn describe; /* operations, capabilities and schema version of this plugin */\n"
LAST_OP = "  X(describe)\n"
MINOR_0 = "#define VDP_ABI_VERSION VDP_MAKE_VERSION(1, 0)"
MINOR_1 = "#define VDP_ABI_VERSION VDP_MAKE_VERSION(1, 1)"
NEW_SLOT = (LAST_SLOT + "  vdp_op_fn new_op;\n", "  X(describe)                            \\\n  X(new_op)\n")

# (name, expected compatible?, words one INCOMPATIBLE line must hold, [(file, old, new)])
CASES = [
    ("a slot appended with a minor bump", True, None,
     [("vdp.h", LAST_SLOT, NEW_SLOT[0]), ("vdp_operations.h", LAST_OP, NEW_SLOT[1]), ("vdp.h", MINOR_0, MINOR_1)]),
    ("a host callback appended with a minor bump", True, None,
     [("vdp.h", "uint64_t token);\n} vdp_host;", "uint64_t token);\n  void (*later)(uintptr_t host_data);\n} vdp_host;"),
      ("vdp.h", MINOR_0, MINOR_1)]),
    ("a new status code", True, None,
     [("vdp.h", "#define VDP_E_BUFFER_TOO_SMALL   16", "#define VDP_E_BUFFER_TOO_SMALL   16\n#define VDP_E_QUOTA 17"),
      ("vdp.h", '    default: return "INTERNAL";', '    case VDP_E_QUOTA: return "QUOTA";\n    default: return "INTERNAL";')]),
    ("a slot appended without a minor bump", False, "still 1.0",
     [("vdp.h", LAST_SLOT, NEW_SLOT[0]), ("vdp_operations.h", LAST_OP, NEW_SLOT[1])]),
    ("two slots swapped", False, "member vdp_plugin.delete_volume changed",
     [("vdp.h", "  vdp_op_fn delete_volume;\n  vdp_op_fn extend_volume;\n", "  vdp_op_fn extend_volume;\n  vdp_op_fn delete_volume;\n"),
      ("vdp_operations.h", "  X(delete_volume)                       \\\n  X(extend_volume)                       \\\n",
       "  X(extend_volume)                       \\\n  X(delete_volume)                       \\\n")]),
    ("a slot removed", False, "member vdp_plugin.thaw_backend removed",
     [("vdp.h", "  vdp_op_fn thaw_backend;\n", ""), ("vdp_operations.h", "  X(thaw_backend)                        \\\n", "")]),
    ("a callback's signature changed", False, "member vdp_host.lock_release changed",
     [("vdp.h", "(*lock_release)(uintptr_t host_data, uint64_t token)", "(*lock_release)(uintptr_t host_data, uint32_t token)")]),
    ("the operation signature changed", False, "typedef vdp_op_fn changed",
     [("vdp.h", "const char *req, size_t req_len, char **out,", "const char *req, uint32_t req_len, char **out,")]),
    ("the entry point's prototype changed", False, "function vdp_plugin_entry changed",
     [("vdp.h", "VDP_PLUGIN_EXPORT vdp_status vdp_plugin_entry(uint32_t host_abi,",
       "VDP_PLUGIN_EXPORT vdp_status vdp_plugin_entry(uint64_t host_abi,")]),
    ("a member resized", False, "member vdp_host.reserved0 changed",
     [("vdp.h", "  uint32_t reserved0;   /* must be 0 */", "  uint64_t reserved0;   /* must be 0 */")]),
    ("a member inserted in the middle", False, "inserted at offset",
     [("vdp.h", "  vdp_op_fn delete_volume;\n", "  vdp_op_fn delete_volume;\n  vdp_op_fn inserted;\n"),
      ("vdp.h", MINOR_0, MINOR_1)]),
    ("a status number changed", False, "constant VDP_E_NOT_FOUND changed",
     [("vdp.h", "#define VDP_E_NOT_FOUND           2 ", "#define VDP_E_NOT_FOUND           22 ")]),
    ("a status name changed", False, "status 2 changed",
     [("vdp.h", 'case VDP_E_NOT_FOUND: return "NOT_FOUND";', 'case VDP_E_NOT_FOUND: return "MISSING";')]),
    ("the version encoding changed", False, "probe VDP_MAKE_VERSION(1, 0) changed",
     [("vdp.h", "& 0xffffu) << 16) |", "& 0xffffu) << 15) |")]),
    ("a macro constant changed", False, "constant VDP_NO_DEADLINE changed",
     [("vdp.h", "#define VDP_NO_DEADLINE INT64_MAX", "#define VDP_NO_DEADLINE INT32_MAX")]),
]


def apply(include, edits):
    for file_name, old, new in edits:
        path = os.path.join(include, "vdp", file_name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if text.count(old) != 1:
            raise AssertionError(f"the edit no longer applies to {file_name}: {old.strip()!r} occurs {text.count(old)} times")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))


def run_case(args, baseline, case):
    """'' when the verdict is the expected one, else what went wrong."""
    name, compatible, words, edits = case
    with tempfile.TemporaryDirectory() as tmp:
        include = os.path.join(tmp, "include")
        shutil.copytree(args.include, include)
        try:
            apply(include, edits)
            broken, added = abi_layout.compare(baseline, abi_layout.facts(abi_layout.dump(args.cc, args.readelf, include)))
        except (AssertionError, abi_layout.DumpError) as e:
            return f"{name}: {e}"
    if compatible and (broken or not added):
        return f"{name}: expected compatible growth, got incompatible {broken} (additions {added})"
    if not compatible and not any(words in line for line in broken):
        return f"{name}: expected an incompatibility mentioning {words!r}, got {broken or 'none'}"
    return ""


def new_major_needs_a_baseline(args):
    """A major bump finds no baseline and fails, naming the deliberate step."""
    with tempfile.TemporaryDirectory() as tmp:
        include = os.path.join(tmp, "include")
        shutil.copytree(args.include, include)
        apply(include, [("vdp.h", MINOR_0, "#define VDP_ABI_VERSION VDP_MAKE_VERSION(2, 0)")])
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            rc = abi_layout.main(["check", "--cc", args.cc, "--readelf", args.readelf, "--include", include,
                                  "--baseline-dir", args.baseline_dir])
    if rc != 1 or "--new-major" not in out.getvalue():
        return f"a major bump: expected a failure asking for `update --new-major`, got rc {rc}: {out.getvalue()}"
    return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--readelf", default="readelf")
    ap.add_argument("--include", required=True)
    ap.add_argument("--baseline-dir", required=True)
    args = ap.parse_args()
    for tool in (args.cc, args.readelf):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} not found (the ABI dump needs gcc and binutils' readelf)")
            return abi_layout.SKIP
    current = abi_layout.facts(abi_layout.dump(args.cc, args.readelf, args.include))
    path = abi_layout.baseline_path(args.baseline_dir, abi_layout.version_of(current)[0])
    with open(path, encoding="utf-8") as f:
        baseline = abi_layout.facts(f.readlines())
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:  # the time goes to gcc processes
        results = list(pool.map(lambda case: run_case(args, baseline, case), CASES))
    results.append(new_major_needs_a_baseline(args))
    names = [case[0] for case in CASES] + ["a major bump"]
    for name, problem in zip(names, results):
        print(f"FAIL {problem}" if problem else f"ok   {name}")
    failed = sum(1 for r in results if r)
    print(f"{len(results) - failed} of {len(results)} header edits judged as expected")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
