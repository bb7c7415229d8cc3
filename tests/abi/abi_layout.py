#!/usr/bin/env python3
"""The binary interface of vdp.h as text, and its comparison with the committed baseline.

    abi_layout.py dump   --cc GCC --readelf READELF --include DIR         print the current dump
    abi_layout.py check  ... --baseline-dir abi/baseline                  compare with vdp-abi-<major>.txt
    abi_layout.py update ... --baseline-dir abi/baseline [--new-major]    rewrite that baseline

Why our own dump rather than abi-dumper + abi-compliance-checker: the ABI is a header (a plugin exports
one function; everything else is struct layout, function-pointer types and macros). Tried on a tiny
-g -Og shared object using vdp.h, abi-compliance-checker does flag a moved or removed member, but a
changed function-pointer slot signature is only a warning (exit 0), and macros (status codes,
VDP_ABI_VERSION) do not exist in DWARF at all; its growth rule (any added field is a problem of a type
returned by value) is not vdp.h's either. So:

  - structs, members and their types, typedefs, opaque handles: from the DWARF of an object compiled
    from vdp.h with -g -fno-eliminate-unused-debug-types, read with binutils' readelf;
  - sizes, alignments, offsets, macro values, status names, the operation order and probes of the
    function-like macros: printed by abi_layout_probe.c, compiled against the header;
  - exported functions: gcc's -aux-info.

One fact per line, "kind key = value". Compatible (vdp.h, "Versions" and the struct_size rule): new
lines of any kind; a struct that starts with struct_size growing by members appended after its old end,
and new operations after the last one, both with a higher VDP_ABI_VERSION minor. Everything else that
differs from the baseline is incompatible: a member moved, resized, retyped or removed, a slot's
signature, a value, a status name, an operation's position, a major.
Exit status: 0 compatible, 1 incompatible or broken input, 77 no usable gcc/readelf (skip).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HEADERS = ("vdp/vdp.h", "vdp/vdp_operations.h")
PREFIX = re.compile(r"^(vdp_|VDP_)")
SKIP = 77


class DumpError(Exception):
    pass


def run(cmd, **kwargs):
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise DumpError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr.strip()}")
    return done.stdout


# ---- DWARF (readelf --debug-dump=info) -------------------------------------------------------------

DIE = re.compile(r"^\s*<(\d+)><([0-9a-f]+)>: Abbrev Number: \d+(?: \((DW_TAG_\w+)\))?")
ATTR = re.compile(r"^\s*<[0-9a-f]+>\s+(DW_AT_\w+)\s*:\s*(.*)$")


def parse_dwarf(text):
    """{offset: die}, die = {"tag", "attrs", "children": [offsets]}, and the top-level offsets in order."""
    dies, stack, top = {}, [], []
    current = None
    for line in text.splitlines():
        m = DIE.match(line)
        if m:
            depth, offset, tag = int(m.group(1)), int(m.group(2), 16), m.group(3)
            del stack[depth:]
            if tag is None:  # end of a children list
                current = None
                continue
            current = {"tag": tag, "attrs": {}, "children": []}
            dies[offset] = current
            if depth == 1:
                top.append(offset)
            elif depth > 1 and stack:
                dies[stack[-1]]["children"].append(offset)
            stack.append(offset)
            continue
        m = ATTR.match(line)
        if m and current is not None:
            name, value = m.group(1), m.group(2).strip()
            # Drop the annotations binutils versions put first: "(strp) (offset: 0x273): vdp_plugin",
            # "(indirect string, offset: 0x8fd): size_t", "(data2) 400", "(ref4) <0x80c>, vdp_plugin".
            value = re.sub(r"^(?:\([^)]*\):?\s*)+", "", value)
            current["attrs"][name] = value
    return dies, top


def ref(die, attr="DW_AT_type"):
    value = die["attrs"].get(attr)
    m = re.match(r"<0x([0-9a-f]+)>", value or "")
    return int(m.group(1), 16) if m else None


def declarator(dies, offset, inner=""):
    """C spelling of a type, with `inner` as the declarator ("" for an abstract one)."""
    die = dies.get(offset) if offset is not None else None
    tag = die["tag"] if die else None
    name = die["attrs"].get("DW_AT_name") if die else None
    joined = lambda base: f"{base} {inner}".strip() if not inner.startswith(("*", "(")) or not base else f"{base} {inner}"
    if die is None:
        return joined("void")
    if tag in ("DW_TAG_base_type", "DW_TAG_typedef"):
        return joined(name)
    if tag in ("DW_TAG_structure_type", "DW_TAG_union_type", "DW_TAG_enumeration_type"):
        keyword = {"DW_TAG_structure_type": "struct", "DW_TAG_union_type": "union", "DW_TAG_enumeration_type": "enum"}[tag]
        return joined(f"{keyword} {name or '<anonymous>'}")
    target = dies.get(ref(die))
    if tag == "DW_TAG_pointer_type":
        if target and target["tag"] in ("DW_TAG_subroutine_type", "DW_TAG_array_type"):
            return declarator(dies, ref(die), f"(*{inner})")
        return declarator(dies, ref(die), f"*{inner}")
    if tag in ("DW_TAG_const_type", "DW_TAG_volatile_type", "DW_TAG_restrict_type"):
        qualifier = {"DW_TAG_const_type": "const", "DW_TAG_volatile_type": "volatile", "DW_TAG_restrict_type": "restrict"}[tag]
        if target and target["tag"] == "DW_TAG_pointer_type":
            return declarator(dies, ref(die), f"{qualifier} {inner}".strip())
        return f"{qualifier} {declarator(dies, ref(die), inner)}"
    if tag == "DW_TAG_subroutine_type":
        params = []
        for child in die["children"]:
            if dies[child]["tag"] == "DW_TAG_formal_parameter":
                params.append(declarator(dies, ref(dies[child])))
            elif dies[child]["tag"] == "DW_TAG_unspecified_parameters":
                params.append("...")
        return declarator(dies, ref(die), f"{inner}({', '.join(params) or 'void'})")
    if tag == "DW_TAG_array_type":
        bounds = [dies[c]["attrs"].get("DW_AT_upper_bound") for c in die["children"] if dies[c]["tag"] == "DW_TAG_subrange_type"]
        dims = "".join(f"[{int(b) + 1}]" if b is not None and b.isdigit() else "[]" for b in bounds)
        return declarator(dies, ref(die), f"{inner}{dims}")
    raise DumpError(f"type {tag} at <0x{offset:x}> is not something vdp.h may use")


def dwarf_facts(dies, top):
    """Structs with their members' types, typedefs, opaque handles and enumerators named vdp_/VDP_."""
    structs, typedefs, opaque, enumerators = {}, [], [], []
    for offset in top:
        die = dies[offset]
        name = die["attrs"].get("DW_AT_name")
        if die["tag"] == "DW_TAG_typedef" and name and PREFIX.match(name):
            typedefs.append((name, declarator(dies, ref(die))))
        elif die["tag"] == "DW_TAG_structure_type" and name and PREFIX.match(name):
            if "DW_AT_declaration" in die["attrs"]:
                opaque.append(name)
                continue
            members = []
            for child in die["children"]:
                member = dies[child]
                if member["tag"] != "DW_TAG_member":
                    continue
                if "DW_AT_name" not in member["attrs"] or "DW_AT_bit_size" in member["attrs"]:
                    raise DumpError(f"struct {name}: anonymous members and bit-fields are not allowed in vdp.h")
                members.append((member["attrs"]["DW_AT_name"], declarator(dies, ref(member))))
            structs[name] = members
        elif die["tag"] == "DW_TAG_enumeration_type":
            for child in die["children"]:
                e = dies[child]["attrs"]
                if dies[child]["tag"] == "DW_TAG_enumerator" and PREFIX.match(e.get("DW_AT_name", "")):
                    enumerators.append((e["DW_AT_name"], e.get("DW_AT_const_value", "?")))
    return structs, typedefs, opaque, enumerators


# ---- macros (cc -dM -E) and exported functions (gcc -aux-info) ----------------------------------------

DEFINE = re.compile(r"^#define (\w+)(\([^)]*\))? ?(.*)$")


def classify_macros(text):
    """Object-like VDP_ macros split into integers, strings and other text; function-like ones by name."""
    integers, strings, texts, functions = [], [], [], []
    for line in text.splitlines():
        m = DEFINE.match(line)
        if not m or not m.group(1).startswith("VDP_"):
            continue
        name, params, body = m.group(1), m.group(2), m.group(3).strip()
        if params is not None:
            functions.append((name, re.sub(r"\s+", " ", params)))
        elif not body:
            continue  # include guards
        elif body.startswith('"'):
            strings.append(name)
        elif "__attribute__" in body or "__declspec" in body:
            texts.append((name, re.sub(r"\s+", " ", body)))
        else:
            integers.append(name)
    return sorted(integers), sorted(strings), sorted(texts), sorted(functions)


AUX = re.compile(r"^/\* (.+?):\d+:\w+ \*/ extern (.+?)\b(\w+) \((.*)\);")


def exported_functions(text):
    """extern functions declared in the vdp headers: [(name, "return (params)")]."""
    found = []
    for line in text.splitlines():
        m = AUX.match(line)
        if m and m.group(1).endswith(HEADERS) and PREFIX.match(m.group(3)):
            found.append((m.group(3), f"{m.group(2).strip()} ({m.group(4)})"))
    return found


# ---- the dump -----------------------------------------------------------------------------------------


def dump(cc, readelf, include):
    """The current header's facts as text lines."""
    for header in HEADERS:
        if not os.path.isfile(os.path.join(include, header)):
            raise DumpError(f"{os.path.join(include, header)} does not exist")
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as tmp:
        unit = os.path.join(tmp, "abi_unit.c")
        with open(unit, "w", encoding="utf-8") as f:
            f.write("".join(f"#include <{h}>\n" for h in HEADERS))
        flags = ["-std=c11", "-I", include]
        obj, aux = os.path.join(tmp, "abi_unit.o"), os.path.join(tmp, "aux.txt")
        run([cc] + flags + ["-g", "-O0", "-fno-eliminate-unused-debug-types", "-aux-info", aux, "-c", unit, "-o", obj])
        dies, top = parse_dwarf(run([readelf, "--debug-dump=info", obj]))
        structs, typedefs, opaque, enumerators = dwarf_facts(dies, top)
        if "vdp_plugin" not in structs:
            raise DumpError(f"no struct vdp_plugin in the DWARF of {include}/vdp/vdp.h")
        integers, strings, texts, functions = classify_macros(run([cc] + flags + ["-dM", "-E", unit]))
        with open(aux, encoding="utf-8") as f:
            exported = exported_functions(f.read())
        statuses = [n for n in integers if n == "VDP_OK" or n.startswith("VDP_E_")]
        with open(os.path.join(tmp, "abi_layout_names.h"), "w", encoding="utf-8") as f:
            xlist = lambda macro, items: f"#define {macro}(X) " + " ".join(f"X({i})" for i in items) + "\n"
            f.write(xlist("ABI_LAYOUT_STRUCTS", structs))
            f.write(xlist("ABI_LAYOUT_MEMBERS", [f"{s}, {m}" for s, members in structs.items() for m, _ in members]))
            f.write(xlist("ABI_LAYOUT_INTEGERS", integers))
            f.write(xlist("ABI_LAYOUT_STRINGS", strings))
            f.write(xlist("ABI_LAYOUT_STATUSES", statuses))
        probe = os.path.join(tmp, "abi_layout_probe")
        run([cc] + flags + ["-I", tmp, os.path.join(here, "abi_layout_probe.c"), "-o", probe])
        printed = run([probe]).splitlines()

    layout = {}
    lines = []
    for line in printed:
        kind, rest = line.split(" ", 1)
        if kind == "layout":
            key, value = rest.split(" = ", 1)
            layout[key] = value
        elif kind == "constant" and rest.split(" = ")[0] in ("VDP_ABI_VERSION", "VDP_SCHEMA_VERSION"):
            name, value = rest.split(" = ")
            lines.append(f"version {name} = {int(value) >> 16}.{int(value) & 0xffff}")
        else:
            lines.append(line)
    lines += [f"text {n} = {body}" for n, body in texts]
    lines += [f"macro {n} = {params}" for n, params in functions]
    lines += [f"enumerator {n} = {v}" for n, v in enumerators]
    lines += [f"typedef {n} = {t}" for n, t in typedefs]
    lines += [f"opaque {n} = struct {n}" for n in opaque]
    for name, members in structs.items():
        for member, type_text in members:
            lines.append(f"member {name}.{member} = {layout[f'{name}.{member}']} type {type_text}")
    lines += [f"function {n} = {p}" for n, p in exported]
    order = ["version", "constant", "string", "text", "macro", "probe", "status", "operation", "enumerator",
             "typedef", "opaque", "struct", "member", "function"]
    def position(line):  # by kind; statuses by number; otherwise the order found (sorted sort is stable)
        kind, rest = line.split(" ", 1)
        return order.index(kind), int(rest.split(" ", 1)[0]) if kind == "status" else 0
    return sorted(lines, key=position)


# ---- comparison ---------------------------------------------------------------------------------------


def facts(lines):
    """{(kind, key): value} of dump lines, comments and blank lines skipped."""
    out = {}
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        kind, rest = line.split(" ", 1)
        key, value = rest.split(" = ", 1)
        if (kind, key) in out:
            raise DumpError(f"two facts named {kind} {key}")
        out[(kind, key)] = value
    return out


def version_of(f, name="VDP_ABI_VERSION"):
    major, minor = f.get(("version", name), "0.0").split(".")
    return int(major), int(minor)


def compare(baseline, current):
    """(incompatibilities, additions) between two dumps' facts."""
    broken, added = [], []
    old_major, old_minor = version_of(baseline)
    new_major, new_minor = version_of(current)
    if new_major != old_major:
        broken.append(f"VDP_ABI_VERSION major {new_major}, the baseline's is {old_major}")
    elif new_minor < old_minor:
        broken.append(f"VDP_ABI_VERSION minor went back from {old_minor} to {new_minor}")
    s_old, s_new = version_of(baseline, "VDP_SCHEMA_VERSION"), version_of(current, "VDP_SCHEMA_VERSION")
    if s_new[0] != s_old[0] or s_new[1] < s_old[1]:
        broken.append(f"VDP_SCHEMA_VERSION {s_new[0]}.{s_new[1]}, the baseline's is {s_old[0]}.{s_old[1]} "
                      "(the same major, a minor that never goes back)")

    struct_sizes = {key: value for (kind, key), value in baseline.items() if kind == "struct"}
    grown = set()
    for (kind, key), value in baseline.items():
        if kind == "version":
            continue
        now = current.get((kind, key))
        if now is None:
            broken.append(f"{kind} {key} removed (was {value})")
        elif now != value and kind != "struct":
            broken.append(f"{kind} {key} changed: {value} -> {now}")
    for (kind, key), value in current.items():
        if (kind, key) in baseline or kind == "version":
            continue
        added.append(f"{kind} {key} = {value}")
        if kind == "member":
            struct = key.split(".", 1)[0]
            if struct in struct_sizes:
                old_size = int(struct_sizes[struct].split()[1])
                offset = int(value.split()[1])
                if offset < old_size:
                    broken.append(f"member {key} inserted at offset {offset}, inside the baseline's "
                                  f"{old_size}-byte {struct}: members are only appended")
                grown.add(struct)
        elif kind == "operation":
            grown.add("VDP_OPERATIONS")
    for struct, value in struct_sizes.items():
        now = current.get(("struct", struct))
        if now is None or now == value:
            continue
        old_size, old_align = int(value.split()[1]), value.split()[3]
        new_size, new_align = int(now.split()[1]), now.split()[3]
        if new_align != old_align:
            broken.append(f"struct {struct} alignment changed: {old_align} -> {new_align}")
        if new_size < old_size:
            broken.append(f"struct {struct} shrank: {old_size} -> {new_size} bytes")
        elif new_size > old_size and not baseline.get(("member", f"{struct}.struct_size"), "").startswith("offset 0 size 4 "):
            broken.append(f"struct {struct} grew ({old_size} -> {new_size} bytes) but has no leading struct_size "
                          "to tell the sizes apart")
    if grown and new_major == old_major and new_minor <= old_minor:
        broken.append(f"{', '.join(sorted(grown))} grew, but VDP_ABI_VERSION is still {new_major}.{new_minor}: "
                      "an addition needs a higher minor (abi/README.md, \"Adding an operation\")")
    return broken, added


# ---- command line -------------------------------------------------------------------------------------


def baseline_path(directory, major):
    return os.path.join(directory, f"vdp-abi-{major}.txt")


HEADER_COMMENT = """# The binary interface of abi/include/vdp/vdp.h and vdp_operations.h, major {major}: the baseline that
# tests/abi/abi_layout.py (CTest abi_baseline) compares the headers with. Generated; do not edit by hand.
# Update it only as abi/README.md ("ABI baseline") says: `update` at a minor release (refused unless
# compatible), `update --new-major` for a new major. One fact per line: kind key = value.
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=("dump", "check", "update"))
    ap.add_argument("--cc", default="gcc", help="gcc (needs -aux-info and DWARF 4/5)")
    ap.add_argument("--readelf", default="readelf")
    ap.add_argument("--include", required=True, help="the directory holding vdp/vdp.h")
    ap.add_argument("--baseline-dir", help="abi/baseline")
    ap.add_argument("--new-major", action="store_true", help="update: start the baseline of a new major")
    args = ap.parse_args(argv)
    for tool in (args.cc, args.readelf):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} not found (the ABI dump needs gcc and binutils' readelf)")
            return SKIP
    if args.command != "dump" and not args.baseline_dir:
        ap.error("--baseline-dir is required for check and update")
    try:
        lines = dump(args.cc, args.readelf, args.include)
    except DumpError as e:
        print(f"FAIL: cannot dump the ABI of {args.include}: {e}")
        return 1
    if args.command == "dump":
        print("\n".join(lines))
        return 0
    try:
        current = facts(lines)
    except DumpError as e:
        print(f"FAIL: the dump of {args.include} is ambiguous: {e}")
        return 1
    major = version_of(current)[0]
    path = baseline_path(args.baseline_dir, major)
    if not os.path.exists(path):
        if args.command == "update" and args.new_major:
            return write_baseline(path, major, lines)
        print(f"FAIL: no baseline {path} for ABI major {major}. A new major is a deliberate step: "
              f"`abi_layout.py update --new-major` (abi/README.md, \"ABI baseline\").")
        return 1
    try:
        with open(path, encoding="utf-8") as f:
            baseline = facts(f.readlines())
    except (DumpError, ValueError) as e:
        print(f"FAIL: {path} is not a baseline dump: {e}")
        return 1
    broken, added = compare(baseline, current)
    for line in added:
        print(f"compatible addition: {line}")
    for line in broken:
        print(f"INCOMPATIBLE: {line}")
    if broken:
        print(f"FAIL: {args.include}/vdp/vdp.h breaks the ABI baseline {path} ({len(broken)} incompatible changes)")
        return 1
    if args.command == "update":
        return write_baseline(path, major, lines)
    print(f"ok: {args.include}/vdp/vdp.h keeps every fact of {path} ({len(baseline)} facts, {len(added)} compatible additions)")
    return 0


def write_baseline(path, major, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER_COMMENT.format(major=major))
        f.write("\n".join(lines) + "\n")
    print(f"wrote {path} ({len(lines)} facts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
