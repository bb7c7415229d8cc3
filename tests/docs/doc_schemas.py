"""The JSON Schemas of abi/schemas/ as the docs test uses them.

One request and one result schema per operation (`<op>.request.schema.json`, `<op>.result.schema.json`)
plus `common.schema.json`, cross-referenced by relative `$ref`s under their `$id`s: they are all loaded
into one store, so nothing is ever fetched. Two ways to validate:

- strict: the whole schema (requests, real results, error objects);
- excerpt: for the documented ```json result blocks, which by the page's rule may show only some members
  with illustrative values (`<secret>`, `...`). `required`, `dependentRequired` and `pattern` are not
  enforced there; member names, types, enums and closed objects are.

Failures are reported as (JSON pointer, description); a description never repeats the value it refused,
so a CHAP secret in a result never reaches the log.
"""
import json
import os
import re
import sys

SCHEMA_SUFFIXES = {"request": ".request.schema.json", "result": ".result.schema.json"}
COMMON = "common.schema.json"
DEBIAN_PACKAGE = "python3-jsonschema"


def import_jsonschema():
    """The jsonschema module, or SystemExit naming the package to install: the check is not optional."""
    try:
        import jsonschema  # noqa: PLC0415 (imported here so that a missing module gets a clear message)
    except ImportError:
        raise SystemExit(f"FAIL: the Python module jsonschema is missing for {os.path.realpath(sys.executable)}; "
                         f"install the Debian package {DEBIAN_PACKAGE} (>= 4.10, draft 2020-12)")
    if not hasattr(jsonschema, "Draft202012Validator"):
        raise SystemExit(f"FAIL: jsonschema is too old for draft 2020-12; install the Debian 12 package {DEBIAN_PACKAGE}")
    return jsonschema


def pointer(path):
    """RFC 6901 JSON pointer of a jsonschema error path."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def describe_error(error):
    """What the schema wanted, without the refused value."""
    keyword, wanted = error.validator, error.validator_value
    if keyword in ("required", "dependentRequired", "additionalProperties", "unevaluatedProperties"):
        return error.message  # names members only
    if keyword is None:  # a `false` schema
        return "no value is allowed here"
    if keyword in ("oneOf", "anyOf"):
        # The deepest complaint of the branches, a type mismatch last: `{"anyOf": [{"type": "null"}, {...}]}`
        # should point into the object, not say "must be null".
        closest = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type")) if error.context else None
        hint = f"; closest: {pointer(closest.absolute_path) or '(root)'}: {describe_error(closest)}" if closest else ""
        return f"matches {'not exactly one' if keyword == 'oneOf' else 'none'} of the allowed forms ({keyword}){hint}"
    if keyword == "not":
        return "matches a form that is not allowed (not)"
    if keyword == "type":
        return f"must be of type {json.dumps(wanted)}"
    if keyword in ("const", "enum"):
        return f"must be {'' if keyword == 'const' else 'one of '}{json.dumps(wanted)}"
    if keyword == "pattern":
        return f"does not match the pattern {wanted}"
    return f"{keyword} {json.dumps(wanted)[:120]} not met"


def ignore(validator, value, instance, schema):
    """A keyword the excerpt validator does not enforce."""
    return None


class SchemaSet:
    """Every schema of a directory, checked against the draft's metaschema when loaded."""

    def __init__(self, directory):
        self.jsonschema = import_jsonschema()
        self.directory = directory
        self.problems = []  # broken files, reported with the coverage problems
        self.schemas = {}  # file name -> schema
        if not os.path.isdir(directory):
            raise SystemExit(f"FAIL: no schema directory {directory}")
        for name in sorted(os.listdir(directory)):
            if not name.endswith(".json"):
                continue
            try:
                with open(os.path.join(directory, name), encoding="utf-8") as f:
                    schema = json.load(f)
                self.jsonschema.Draft202012Validator.check_schema(schema)
            except (ValueError, self.jsonschema.exceptions.SchemaError) as e:
                self.problems.append(f"{name}: not a valid draft 2020-12 schema: {str(e).splitlines()[0]}")
                continue
            self.schemas[name] = schema
        self._strict = self.jsonschema.Draft202012Validator
        # The documented blocks are excerpts with placeholder values (see the module comment).
        self._excerpt = self.jsonschema.validators.extend(
            self._strict, {keyword: ignore for keyword in ("required", "dependentRequired", "pattern")})
        self._registry = self._make_registry()

    def _make_registry(self):
        """Every schema under its $id: `referencing` from jsonschema 4.18 on, RefResolver before (Debian 12: 4.10)."""
        try:
            import referencing  # noqa: PLC0415
            import referencing.jsonschema  # noqa: PLC0415
        except ImportError:
            return None
        resources = [(s["$id"], referencing.Resource.from_contents(s, default_specification=referencing.jsonschema.DRAFT202012))
                     for s in self.schemas.values() if "$id" in s]
        return referencing.Registry().with_resources(resources)

    def _validator(self, cls, schema):
        if self._registry is not None:
            return cls(schema, registry=self._registry)
        store = {s["$id"]: s for s in self.schemas.values() if "$id" in s}
        resolver = self.jsonschema.RefResolver(base_uri=schema.get("$id", ""), referrer=schema, store=store)
        return cls(schema, resolver=resolver)

    def file_name(self, op, kind):
        return op + SCHEMA_SUFFIXES[kind]

    def has(self, op, kind):
        return self.file_name(op, kind) in self.schemas

    def errors(self, op, kind, instance, excerpt=False):
        """[(pointer, description)] of `instance` against the op's request or result schema."""
        return self._errors(self.schemas[self.file_name(op, kind)], instance, excerpt)

    def error_object_errors(self, instance):
        """The same against the error object (common.schema.json#/$defs/error)."""
        common = self.schemas[COMMON]
        return self._errors({"$ref": common["$id"] + "#/$defs/error"}, instance, False)

    def _errors(self, schema, instance, excerpt):
        validator = self._validator(self._excerpt if excerpt else self._strict, schema)
        found = sorted(validator.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), str(e.validator)))
        return [(pointer(e.absolute_path), describe_error(e)) for e in found]

    def coverage_problems(self, operations):
        """Both schemas for setup and every operation of VDP_OPERATIONS, the common file, nothing else."""
        problems = list(self.problems)  # files that are there but broken
        present = {n for n in os.listdir(self.directory) if n.endswith(".json")}
        expected = {COMMON}
        for op in ["setup"] + operations:
            for kind in SCHEMA_SUFFIXES:
                expected.add(self.file_name(op, kind))
                if self.file_name(op, kind) not in present:
                    problems.append(f"operation {op} has no {kind} schema ({self.file_name(op, kind)})")
        if COMMON not in present:
            problems.append(f"no {COMMON}")
        for stray in sorted(present - expected):
            problems.append(f"{stray}: names no operation of VDP_OPERATIONS (nor setup)")
        return problems

    def version_problems(self, version, source):
        """Every schema declares `schema_version` equal to `version` (what `source` says)."""
        return [f"{name}: schema_version {json.dumps(s.get('schema_version'))}, but {source} says {json.dumps(version)}"
                for name, s in sorted(self.schemas.items()) if s.get("schema_version") != version]

    def status_problems(self, vdp_h_text):
        """The error schema's status/code pairs are exactly the failure statuses of vdp.h."""
        header = {}
        names = dict(re.findall(r'case (VDP_\w+): return "(\w+)";', vdp_h_text))
        for macro, number in re.findall(r"^#define (VDP_E_\w+)\s+(\d+)", vdp_h_text, re.M):
            header[names.get(macro, "INTERNAL")] = int(number)
        error = self.schemas.get(COMMON, {}).get("$defs", {}).get("error", {})
        pairs = {}  # the allOf entries {"if": status S, "then": code N}
        for rule in error.get("allOf", []):
            status = rule.get("if", {}).get("properties", {}).get("status", {}).get("const")
            code = rule.get("then", {}).get("properties", {}).get("code", {}).get("const")
            if status is not None and code is not None:
                pairs[status] = code
        listed = set(error.get("properties", {}).get("status", {}).get("enum", []))
        problems = []
        if pairs != header:
            problems.append(f"{COMMON} error status -> code rules {sorted(pairs.items(), key=lambda p: p[1])} differ from "
                            f"vdp.h's {sorted(header.items(), key=lambda p: p[1])}")
        if listed != set(header):
            problems.append(f"{COMMON} error status enum {sorted(listed)} differs from vdp.h's {sorted(header)}")
        return problems
