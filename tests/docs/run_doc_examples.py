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

FENCE = re.compile(r"^```(\w*)\s*$")


def parse_examples(text):
    """Yields (line_no, command_line, expected_status_or_None, documented_result_or_None)."""
    lines = text.splitlines()
    blocks = []  # (kind, start_line, body_lines)
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
    examples = []
    for index, (kind, start, body) in enumerate(blocks):
        if kind != "sh":
            continue
        commands = [(start + n + 1, line.strip()) for n, line in enumerate(body) if line.strip().startswith("vdp-host ")]
        documented = None
        if index + 1 < len(blocks) and blocks[index + 1][0] == "json":
            documented = json.loads("\n".join(blocks[index + 1][2]))
        for n, (line_no, line) in enumerate(commands):
            expect = None
            if "# expect:" in line:
                line, expect = line.split("# expect:", 1)
                expect = expect.strip()
            # The documented result belongs to the last command of the block.
            examples.append((line_no, line.strip(), expect, documented if n == len(commands) - 1 else None))
    return examples


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", required=True)
    ap.add_argument("--sim", required=True)
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--doc", required=True)
    ap.add_argument("--operations", required=True, help="abi/include/vdp/vdp_operations.h")
    args = ap.parse_args()

    with open(args.doc, encoding="utf-8") as f:
        doc = f.read()
    examples = parse_examples(doc)
    operations = listed_operations(args.operations)
    if not operations:
        print(f"no X(name) entries in {args.operations}", file=sys.stderr)
        return 1
    if not examples:
        print("no examples found", file=sys.stderr)
        return 1

    sim, endpoints = start_simulator(args.sim)
    port = endpoints[0][1]
    target_address, target_port = endpoints[1]
    failures = 0
    problems = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ini = os.path.join(tmp, "doc.conf")
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
            backends = ("doc", "doc-replicated", "doc-target")
            for line_no, line, expect, documented in examples:
                argv = shlex.split(line)[1:]
                cleaned = []
                backend = "doc"
                skip = None
                for token in argv:  # the test owns --config/--plugin; --backend picks one of its sections
                    if skip:
                        if skip == "--backend" and token in backends:
                            backend = token
                        skip = None
                        continue
                    if token in ("--config", "--backend", "--plugin"):
                        skip = token
                        continue
                    cleaned.append(token)
                cmd = [args.host, "--plugin", args.plugin, "--config", ini, "--backend", backend, "--json"] + cleaned
                run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
                label = f"operations.md:{line_no}: {' '.join(cleaned[:2])}"
                if expect is None:
                    if run.returncode != 0:
                        failures += 1
                        print(f"FAIL {label}: exit {run.returncode}\n{run.stderr}")
                        continue
                    if documented is not None:
                        missing = missing_keys(documented, json.loads(run.stdout))
                        if missing:
                            failures += 1
                            print(f"FAIL {label}: result lacks documented keys or values {missing}\n{run.stdout}")
                            continue
                    print(f"ok   {label}")
                else:
                    status = None
                    try:
                        status = json.loads(run.stderr[run.stderr.index("{"):]).get("status")
                    except (ValueError, AttributeError):
                        pass
                    if run.returncode == 0 or status != expect:
                        failures += 1
                        print(f"FAIL {label}: expected {expect}, got exit {run.returncode} status {status}\n{run.stderr}")
                        continue
                    print(f"ok   {label} ({expect} as documented)")
            run = subprocess.run([args.host, "--plugin", args.plugin, "--config", ini, "--backend", "doc", "--json",
                                  "call", "describe"], capture_output=True, text=True, timeout=60)
            described = json.loads(run.stdout)["operations"] if run.returncode == 0 else []
            problems = coverage_problems(doc, operations, described) if described else [f"describe failed: {run.stderr}"]
            for problem in problems:
                print(f"FAIL operations.md: {problem}")
            if not problems:
                print(f"ok   operations.md covers all {len(operations)} operations of VDP_OPERATIONS")
    finally:
        sim.terminate()
        sim.wait(timeout=10)
    print(f"{len(examples) - failures} of {len(examples)} documented examples behave as documented")
    return 1 if failures or problems else 0


if __name__ == "__main__":
    sys.exit(main())
