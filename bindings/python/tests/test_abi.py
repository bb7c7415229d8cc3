"""The ctypes mirror against the C headers, the status-to-exception map, and loading the plugin."""

from __future__ import annotations

import pickle
import re
import unittest
from pathlib import Path
from unittest import mock

import vdp
from vdp import _abi

from . import support

_INCLUDE = Path(__file__).resolve().parents[3] / "abi" / "include" / "vdp"


def _header(name: str) -> str:
    path = _INCLUDE / name
    if not path.is_file():
        raise unittest.SkipTest(f"{path} not found (tests run outside the source tree)")
    return path.read_text()


def _camel(status: str) -> str:
    return "".join(part.capitalize() for part in status.split("_"))


class Headers(unittest.TestCase):
    def test_operation_list_matches_vdp_operations_h(self) -> None:
        names = re.findall(r"^\s*X\((\w+)\)", _header("vdp_operations.h"), re.M)
        self.assertEqual(len(names), 42)
        self.assertEqual(tuple(names), _abi.OPERATIONS)

    def test_descriptor_fields_match_vdp_h(self) -> None:
        text = _header("vdp.h")
        body = text[text.index("typedef struct vdp_plugin {"):text.index("} vdp_plugin;")]
        fields = re.findall(r"^\s*(?:const char \*|vdp_\w+ |uint32_t )(\w+);", body, re.M)
        self.assertEqual(fields, [f for f, _ in _abi.VdpPlugin._fields_])
        host = text[text.index("typedef struct vdp_host {"):text.index("} vdp_host;")]
        host_fields = re.findall(r"^\s*(?:uint32_t|uintptr_t)\s+(\w+);|\(\*(\w+)\)", host, re.M)
        self.assertEqual([a or b for a, b in host_fields], [f for f, _ in _abi.VdpHost._fields_])

    def test_every_status_of_vdp_h_has_its_exception(self) -> None:
        statuses = re.findall(r"#define VDP_E_(\w+)\s+(\d+)", _header("vdp.h"))
        self.assertEqual(len(statuses), 16)
        for name, number in statuses:
            code = int(number)
            cls = vdp.error_class(code)
            self.assertEqual(cls.__name__, _camel(name), name)
            self.assertIs(getattr(vdp, cls.__name__), cls)
            self.assertTrue(issubclass(cls, vdp.Error))
            self.assertEqual(cls.CODE, code)
            self.assertEqual(vdp.status_name(code), name)

    def test_versions_match_vdp_h(self) -> None:
        text = _header("vdp.h")
        m = re.search(r"#define VDP_ABI_VERSION VDP_MAKE_VERSION\((\d+), (\d+)\)", text)
        assert m is not None
        self.assertEqual(_abi.version_tuple(vdp.ABI_VERSION), (int(m.group(1)), int(m.group(2))))


class ErrorObjects(unittest.TestCase):
    def test_error_object_becomes_attributes(self) -> None:
        text = ('{"status":"INVALID_ARGUMENT","code":1,"message":"volume.size: must be at least 1 (GiB)",'
                '"operation":"create_volume","backend_error":null,"retryable":false,"outcome_unknown":false,'
                '"request_id":"req-1","details":{"field":"volume.size"}}')
        err = vdp.errors.from_error_object(1, text, "create_volume")
        self.assertIsInstance(err, vdp.InvalidArgument)
        self.assertEqual((err.status, err.code, err.field, err.request_id, err.operation),
                         ("INVALID_ARGUMENT", 1, "volume.size", "req-1", "create_volume"))
        self.assertIsNone(err.backend_error)
        self.assertFalse(err.retryable)
        clone = pickle.loads(pickle.dumps(err))
        self.assertIsInstance(clone, vdp.InvalidArgument)
        self.assertEqual(clone.to_dict(), err.to_dict())

    def test_return_code_is_authoritative_and_unknown_codes_are_internal(self) -> None:
        err = vdp.errors.from_error_object(99, '{"status":"NOT_FOUND","code":2,"message":"x"}', "op")
        self.assertIsInstance(err, vdp.Internal)
        self.assertEqual((err.code, err.status), (99, "INTERNAL"))
        err = vdp.errors.from_error_object(12, None, "op")  # *out NULL: the plugin could not allocate
        self.assertIsInstance(err, vdp.Timeout)
        self.assertIn("without an error object", err.message)


class Loading(unittest.TestCase):
    def test_descriptor_facts(self) -> None:
        p = support.plugin()
        self.assertEqual(p.name, "solidfire")
        self.assertTrue(p.vendor and p.driver_version)
        self.assertEqual(p.abi_version[0], 1)
        self.assertIn("create_volume", p.slots)

    def test_other_major_is_refused(self) -> None:
        with mock.patch.object(_abi, "ABI_VERSION", _abi.make_version(2, 0)):
            with self.assertRaises(vdp.AbiMismatch) as cm:
                support.plugin()
        self.assertIn("1.", str(cm.exception))

    def test_not_a_plugin(self) -> None:
        with self.assertRaises(OSError):
            vdp.Plugin("/nonexistent/vdp_plugin.so")
        with self.assertRaises(ValueError):
            vdp.Plugin("libc.so.6")


if __name__ == "__main__":
    unittest.main()
