#!/usr/bin/env python3
"""Runs every example of abi/docs/operations.md through vdp-host against a fresh element-sim.

The simulator runs two clusters. Examples use backend `doc` (the first cluster) unless they name
`--backend doc-replicated` (the same cluster with the second one as its replication_device) or
`--backend doc-target` (the second cluster: a migration's destination).

An example is a line starting with `vdp-host ` inside a ```sh block. It must succeed unless it ends
with `# expect: STATUS`. A ```json block right after the example is its documented result: every key
shown there must exist in the real result, and booleans must have the documented value (other values
are not compared: secrets, ids and times differ).

The page must also cover every operation of VDP_OPERATIONS (abi/include/vdp/vdp_operations.h): each one
the plugin's describe lists is named in a heading or in `backticks`, and the others are exactly the
ones listed under "## Slots not served yet".

The JSON Schemas of abi/schemas/ (doc_schemas.py) are checked against all of it:
  - setup and every operation of VDP_OPERATIONS have a request and a result schema, and nothing else
    is there; each schema's `schema_version` is VDP_SCHEMA_VERSION of vdp.h and describe's;
    the error schema lists exactly vdp.h's failure statuses;
  - every example's request validates against its operation's request schema (an example that
    expects INVALID_ARGUMENT may break it, and then its details.field must point where the schema does);
    its real result against the result schema, or its error object against the error schema;
  - every documented ```json block: a result (as an excerpt, see doc_schemas.py) or, when it follows no
    example or an example expecting a failure, an error object.
A schema failure names the page line, the operation and the JSON pointer. --no-run does only what needs
no plugin (schemas, documented blocks, example requests).
Exit status: 0 all examples behave as documented, 1 otherwise.
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

from doc_schemas import SchemaSet

FENCE = re.compile(r"^```(\w*)\s*$")


def parse_blocks(text):
    """[(kind, first body line number, body lines)] of every fenced block."""
    lines = text.splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m:
            kind, start, body = m.group(1), i + 1, []
            i += 1
            while i < len(lines) and not FENCE.match(lines[i]):
                body.append(lines[i])
                i += 1
            blocks.append((kind, start, body))
        i += 1
    return blocks


def parse_examples(text):
    """Examples [(line_no, command_line, expected_status_or_None, documented_or_None, documented_line)] and
    the ```json blocks that follow no example [(line_no, text)]."""
    blocks = parse_blocks(text)
    examples, orphans, attached = [], [], set()
    for index, (kind, start, body) in enumerate(blocks):
        if kind != "sh":
            continue
        commands = [(start + n + 1, line.strip()) for n, line in enumerate(body) if line.strip().startswith("vdp-host ")]
        documented, documented_line = None, None
        if commands and index + 1 < len(blocks) and blocks[index + 1][0] == "json":
            documented_line = blocks[index + 1][1] + 1
            documented = "\n".join(blocks[index + 1][2])
            attached.add(index + 1)
        for n, (line_no, line) in enumerate(commands):
            expect = None
            if "# expect:" in line:
                line, expect = line.split("# expect:", 1)
                expect = expect.strip()
            # The documented result belongs to the last command of the block.
            last = n == len(commands) - 1
            examples.append((line_no, line.strip(), expect, documented if last else None,
                             documented_line if last else None))
    for index, (kind, start, body) in enumerate(blocks):
        if kind == "json" and index not in attached:
            orphans.append((start + 1, "\n".join(body)))
    return examples, orphans


def missing_keys(documented, actual, path=""):
    if not isinstance(documented, dict):
        return []
    if not isinstance(actual, dict):
        return [path or "(root)"]
    missing = []
    for key, value in documented.items():
        where = f"{path}.{key}" if path else key
        if key not in actual:
            missing.append(where)
        elif isinstance(value, bool) and actual[key] is not value:
            missing.append(f"{where} (documented {json.dumps(value)}, got {json.dumps(actual[key])})")
        else:
            missing.extend(missing_keys(value, actual[key], where))
    return missing


def listed_operations(header):
    """The names of VDP_OPERATIONS, in order."""
    with open(header, encoding="utf-8") as f:
        text = f.read()
    body = text[text.find("#define VDP_OPERATIONS(X)"):]
    return re.findall(r"\bX\((\w+)\)", body)


def header_schema_version(vdp_h_text):
    """VDP_SCHEMA_VERSION of vdp.h as "major.minor"."""
    m = re.search(r"#define VDP_SCHEMA_VERSION VDP_MAKE_VERSION\((\d+),\s*(\d+)\)", vdp_h_text)
    return f"{m.group(1)}.{m.group(2)}" if m else None


def coverage_problems(doc, operations, described):
    """Operations the page forgets, and differences between its "not served" list and describe."""
    problems = []
    section = re.search(r"^## Slots not served yet.*?$(.*?)(?=^## )", doc, re.M | re.S)
    not_served_doc = set(re.findall(r"\b\w+\b", section.group(1))) & set(operations) if section else set()
    not_served = [op for op in operations if op not in described]
    if not section:
        problems.append('no "## Slots not served yet" section')
    elif not_served_doc != set(not_served):
        problems.append(f'"Slots not served yet" lists {sorted(not_served_doc)}, describe leaves out {sorted(not_served)}')
    for op in operations:
        if op in not_served:
            continue
        if not re.search(rf"^#{{2,4}} .*\b{op}\b|`{op}`", doc, re.M):
            problems.append(f"{op} is served but named in no heading or `code` span")
    return problems


def field_pointer(field):
    """details.field ("add_volumes[0].id") as a JSON pointer ("/add_volumes/0/id")."""
    return "".join("/" + part for part in re.sub(r"\[(\d+)\]", r".\1", field).split(".") if part)


def related(a, b):
    """Two JSON pointers name the same member or one contains the other."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def schema_failures(found):
    return "; ".join(f"at {json.dumps(where)}: {what}" for where, what in found[:5]) + (
        f" (+{len(found) - 5} more)" if len(found) > 5 else "")


class Example:
    """One `vdp-host call OP REQUEST` line as the schemas see it."""

    def __init__(self, line_no, cleaned):
        self.line_no = line_no
        self.op = cleaned[1] if len(cleaned) > 1 and cleaned[0] == "call" else None
        self.request_text = cleaned[2] if len(cleaned) > 2 else "{}"  # vdp-host's default request
        self.problem = None
        if self.op is None:
            self.problem = "not a `vdp-host call OP REQUEST` line: the schemas cannot check it"
        elif self.request_text == "-" or self.request_text.startswith("@"):
            self.problem = "the request must be given inline for the schemas to check it"

    def where(self, kind):
        return f"{self.op} {kind}"


def check_request(schemas, example, expect):
    """Problems of the example's request; the schema's complaints, kept for an INVALID_ARGUMENT example."""
    if example.problem:
        return [example.problem], []
    if not schemas.has(example.op, "request"):
        return [], []  # reported once by the coverage check
    try:
        request = json.loads(example.request_text)
    except ValueError as e:
        return ([] if expect == "INVALID_ARGUMENT" else [f"{example.where('request')}: not JSON ({e})"]), []
    found = schemas.errors(example.op, "request", request)
    if found and expect != "INVALID_ARGUMENT":
        return [f"{example.where('request')} breaks {schemas.file_name(example.op, 'request')} {schema_failures(found)}"], found
    return [], found


def check_documented(schemas, example, expect, documented, documented_line):
    """A documented block after an example: its result (an excerpt), or its error object."""
    where = f"documented {example.op} {'error' if expect else 'result'} (operations.md:{documented_line})"
    try:
        value = json.loads(documented)
    except ValueError as e:
        return [f"{where}: not JSON ({e})"], None
    if example.problem or not schemas.has(example.op, "result"):
        return [], value
    found = schemas.error_object_errors(value) if expect else schemas.errors(example.op, "result", value, excerpt=True)
    if found:
        return [f"{where} breaks {'the error schema' if expect else schemas.file_name(example.op, 'result')} "
                f"{schema_failures(found)}"], value
    return [], value


def check_orphans(schemas, orphans):
    """A ```json block that follows no example shows an error object (the only JSON not tied to a call)."""
    problems = []
    for line_no, text in orphans:
        try:
            value = json.loads(text)
        except ValueError as e:
            problems.append(f"operations.md:{line_no}: json block is not JSON ({e})")
            continue
        found = schemas.error_object_errors(value)
        if found:
            problems.append(f"operations.md:{line_no}: json block after no example must be an error object and "
                            f"breaks the error schema {schema_failures(found)}")
    return problems


def static_problems(schemas, operations, vdp_h_text):
    problems = schemas.coverage_problems(operations)
    version = header_schema_version(vdp_h_text)
    if version is None:
        problems.append("vdp.h: no VDP_SCHEMA_VERSION VDP_MAKE_VERSION(major, minor)")
    else:
        problems.extend(schemas.version_problems(version, "VDP_SCHEMA_VERSION in vdp.h"))
    problems.extend(schemas.status_problems(vdp_h_text))
    return problems


def start_simulator(sim):
    """Two clusters: examples use the first; the replication examples pair it with the second."""
    proc = subprocess.Popen([sim, "--port", "0", "--no-tls", "--seed", "1", "--log-level", "off", "--clusters", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    endpoints = []
    for _ in range(2):
        line = proc.stdout.readline()
        m = re.search(r"url=http://([^:]+):(\d+)", line)
        if not m:
            proc.kill()
            raise SystemExit(f"element-sim did not start: {line!r} {proc.stderr.read()}")
        endpoints.append((m.group(1), m.group(2)))
    return proc, endpoints


def clean_argv(line, backends):
    """The example's arguments without --config/--plugin/--backend (the test owns them), and its backend."""
    cleaned, backend, skip = [], "doc", None
    for token in shlex.split(line)[1:]:
        if skip:
            if skip == "--backend" and token in backends:
                backend = token
            skip = None
            continue
        if token in ("--config", "--backend", "--plugin"):
            skip = token
            continue
        cleaned.append(token)
    return cleaned, backend


def error_object(stderr):
    """The error object vdp-host --json prints on stderr: its last line that is a JSON object (plugin log
    lines may come first)."""
    for line in reversed(stderr.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return None


def write_config(ini, port, target_address, target_port):
    with open(ini, "w", encoding="utf-8") as f:
        f.write("[DEFAULT]\nenabled_backends = doc\n\n[doc]\n")
        f.write(f"san_ip = 127.0.0.1\nsf_api_port = {port}\nsan_login = admin\nsan_password = admin\n")
        f.write("sf_api_scheme = http\nvolume_backend_name = doc\n")
        # The same cluster with a replication target (examples pick it with --backend doc-replicated).
        f.write("\n[doc-replicated]\n")
        f.write(f"san_ip = 127.0.0.1\nsf_api_port = {port}\nsan_login = admin\nsan_password = admin\n")
        f.write("sf_api_scheme = http\nvolume_backend_name = doc-replicated\n")
        f.write(f"replication_device = backend_id:dr-site,mvip:{target_address},login:admin,"
                f"password:admin,port:{target_port}\n")
        # The replication target as a backend of its own (where a migration lands).
        f.write("\n[doc-target]\n")
        f.write(f"san_ip = {target_address}\nsf_api_port = {target_port}\nsan_login = admin\n")
        f.write("san_password = admin\nsf_api_scheme = http\nvolume_backend_name = doc-target\n")


BACKENDS = ("doc", "doc-replicated", "doc-target")


def run_example(args, ini, schemas, item):
    """Runs one example; returns its failure messages (empty when it behaves as documented)."""
    line_no, line, expect, documented, documented_line = item
    cleaned, backend = clean_argv(line, BACKENDS)
    example = Example(line_no, cleaned)
    problems, request_errors = check_request(schemas, example, expect)
    doc_problems, documented_value = (check_documented(schemas, example, expect, documented, documented_line)
                                      if documented is not None else ([], None))
    problems.extend(doc_problems)
    label = f"operations.md:{line_no}: {' '.join(cleaned[:2])}"
    if args.no_run:
        return label, problems, None
    cmd = [args.host, "--plugin", args.plugin, "--config", ini, "--backend", backend, "--json"] + cleaned
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if expect is None:
        if run.returncode != 0:
            return label, problems + [f"exit {run.returncode}\n{run.stderr}"], None
        try:
            actual = json.loads(run.stdout)
        except ValueError:
            return label, problems + [f"result is not JSON\n{run.stdout}"], None
        if documented_value is not None:
            missing = missing_keys(documented_value, actual)
            if missing:
                problems.append(f"result lacks documented keys or values {missing}\n{run.stdout}")
        if not example.problem and schemas.has(example.op, "result"):
            found = schemas.errors(example.op, "result", actual)
            if found:
                problems.append(f"{example.where('result')} breaks {schemas.file_name(example.op, 'result')} "
                                f"{schema_failures(found)}")
        return label, problems, None
    error = error_object(run.stderr)
    status = error.get("status") if error else None
    if run.returncode == 0 or status != expect:
        return label, problems + [f"expected {expect}, got exit {run.returncode} status {status}\n{run.stderr}"], None
    found = schemas.error_object_errors(error)
    if found:
        problems.append(f"{example.where('error')} breaks the error schema {schema_failures(found)}")
    if example.op and error.get("operation") != example.op:
        problems.append(f"{example.where('error')}: error object names operation {error.get('operation')!r}")
    if request_errors and expect == "INVALID_ARGUMENT":
        field = (error.get("details") or {}).get("field")
        if field and not any(related(field_pointer(field), where) for where, _ in request_errors):
            problems.append(f"{example.where('request')}: the plugin refuses details.field {field!r}, the request "
                            f"schema refuses {schema_failures(request_errors)}")
    return label, problems, expect


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host")
    ap.add_argument("--sim")
    ap.add_argument("--plugin")
    ap.add_argument("--doc", required=True)
    ap.add_argument("--operations", required=True, help="abi/include/vdp/vdp_operations.h (vdp.h beside it)")
    ap.add_argument("--schemas", help="the JSON Schemas (default: abi/schemas beside the page's docs/ directory)")
    ap.add_argument("--no-run", action="store_true", help="check schemas, documented blocks and requests only")
    args = ap.parse_args()
    if not args.no_run and not (args.host and args.sim and args.plugin):
        ap.error("--host, --sim and --plugin are required unless --no-run")
    schema_dir = args.schemas or os.path.join(os.path.dirname(os.path.abspath(args.doc)), os.pardir, "schemas")

    with open(args.doc, encoding="utf-8") as f:
        doc = f.read()
    with open(os.path.join(os.path.dirname(args.operations), "vdp.h"), encoding="utf-8") as f:
        vdp_h_text = f.read()
    examples, orphans = parse_examples(doc)
    operations = listed_operations(args.operations)
    if not operations:
        print(f"no X(name) entries in {args.operations}", file=sys.stderr)
        return 1
    if not examples:
        print("no examples found", file=sys.stderr)
        return 1
    schemas = SchemaSet(os.path.normpath(schema_dir))
    problems = static_problems(schemas, operations, vdp_h_text) + check_orphans(schemas, orphans)
    for problem in problems:
        print(f"FAIL schemas: {problem}")
    if not problems:
        print(f"ok   {len(schemas.schemas)} schemas cover setup and the {len(operations)} operations of VDP_OPERATIONS")

    failures = 0
    sim = None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ini = os.path.join(tmp, "doc.conf")
            if not args.no_run:
                sim, endpoints = start_simulator(args.sim)
                write_config(ini, endpoints[0][1], *endpoints[1])
            for item in examples:
                label, example_problems, expected = run_example(args, ini, schemas, item)
                if example_problems:
                    failures += 1
                    print(f"FAIL {label}: " + "\nFAIL ".join(example_problems))
                else:
                    print(f"ok   {label}" + (f" ({expected} as documented)" if expected else ""))
            if not args.no_run:
                problems.extend(check_describe(args, ini, schemas, doc, operations))
    finally:
        if sim:
            sim.terminate()
            sim.wait(timeout=10)
    print(f"{len(examples) - failures} of {len(examples)} documented examples behave as documented"
          + (" (requests and documented results only: --no-run)" if args.no_run else ""))
    return 1 if failures or problems else 0


def check_describe(args, ini, schemas, doc, operations):
    """The page's operation coverage against describe, and describe's schema_version against the schemas."""
    run = subprocess.run([args.host, "--plugin", args.plugin, "--config", ini, "--backend", "doc", "--json",
                          "call", "describe"], capture_output=True, text=True, timeout=60)
    described = json.loads(run.stdout) if run.returncode == 0 else {}
    if not described:
        problems = [f"describe failed: {run.stderr}"]
    else:
        problems = coverage_problems(doc, operations, described["operations"])
        problems.extend(schemas.version_problems(described.get("schema_version"), "the plugin's describe"))
    for problem in problems:
        print(f"FAIL operations.md: {problem}")
    if not problems:
        print(f"ok   operations.md covers all {len(operations)} operations of VDP_OPERATIONS; "
              f"schema_version {described['schema_version']} as describe says")
    return problems


if __name__ == "__main__":
    sys.exit(main())
