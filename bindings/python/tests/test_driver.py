"""Driver lifecycle and operations against element-fx.sim."""

from __future__ import annotations

import gc
import threading
import unittest

import vdp

from . import support
from .support import ref, volume

fx = support.SimFixture()
setUpModule, tearDownModule = fx.start, fx.stop


class Lifecycle(unittest.TestCase):
    def test_context_manager_closes_the_driver(self) -> None:
        with fx.plugin.driver(fx.sim.config()) as drv:
            self.assertFalse(drv.closed)
            self.assertEqual(drv.describe()["name"], "solidfire")
        self.assertTrue(drv.closed)
        with self.assertRaises(vdp.ClosedError):
            drv.describe()
        drv.close()  # idempotent
        self.assertTrue(drv.closed)

    def test_a_dropped_driver_is_destroyed(self) -> None:
        drv = fx.plugin.driver(fx.sim.config())
        finalizer = drv._finalizer
        self.assertTrue(finalizer.alive)
        del drv
        gc.collect()
        self.assertFalse(finalizer.alive)

    def test_describe_before_setup_and_unavailable_until_setup(self) -> None:
        with fx.plugin.driver(fx.sim.config()) as drv:
            desc = drv.describe()
            self.assertIn("create_volume", desc["operations"])
            self.assertNotIn("clone_image", desc["operations"])
            with self.assertRaises(vdp.Unavailable) as cm:
                drv.create_volume({"volume": volume()})
            self.assertTrue(cm.exception.retryable)
            self.assertEqual(drv.setup(), {})
            self.assertIn("total_capacity_gb", drv.get_volume_stats({"refresh": True}))

    def test_bad_config_names_the_option(self) -> None:
        with self.assertRaises(vdp.Config) as cm:
            fx.plugin.driver(fx.sim.config(vdp_log_level="loud"))
        self.assertEqual(cm.exception.field, "vdp_log_level")
        self.assertEqual(cm.exception.operation, "create")

    def test_wrong_password_is_auth(self) -> None:
        with fx.plugin.driver(fx.sim.config(san_password="wrong")) as drv:
            with self.assertRaises(vdp.Auth):
                drv.setup(timeout=10)

    def test_long_config_value_goes_through_the_buffer_protocol(self) -> None:
        name = "py-" + "b" * 1000  # longer than the plugin's first 256-byte buffer
        with fx.driver(volume_backend_name=name) as drv:
            self.assertEqual(drv.get_volume_stats({"refresh": True})["volume_backend_name"], name)


class Operations(unittest.TestCase):
    drv: vdp.Driver

    @classmethod
    def setUpClass(cls) -> None:
        cls.drv = fx.driver()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.drv.close()

    def test_create_and_delete_volume(self) -> None:
        vol = volume(display_name="py")
        model = self.drv.create_volume({"volume": vol}, timeout=10)
        self.assertEqual(len(model["provider_id"].split()), 3)
        self.assertTrue(model["provider_auth"].startswith("CHAP "))
        self.assertEqual(self.drv.create_volume({"volume": vol})["provider_id"], model["provider_id"])  # idempotent
        self.assertEqual(self.drv.delete_volume({"volume": ref(vol, model)}), {})
        with self.assertRaises(vdp.NotFound):
            self.drv.attach_volume({"volume": ref(vol, model), "instance_uuid": vol["id"], "host_name": "h"})

    def test_invalid_size_is_invalid_argument_with_field(self) -> None:
        with self.assertRaises(vdp.InvalidArgument) as cm:
            self.drv.create_volume({"volume": volume(size=0)}, request_id="req-py-size")
        err = cm.exception
        self.assertEqual((err.field, err.status, err.code), ("volume.size", "INVALID_ARGUMENT", 1))
        self.assertEqual(err.request_id, "req-py-size")
        self.assertEqual(err.operation, "create_volume")
        self.assertFalse(err.outcome_unknown)

    def test_bad_qos_is_invalid_argument_with_field(self) -> None:
        vol = volume(volume_type={"id": "t", "name": "t", "extra_specs": {"qos:minIOPS": "lots"}})
        with self.assertRaises(vdp.InvalidArgument) as cm:
            self.drv.create_volume({"volume": vol})
        self.assertEqual(cm.exception.field, "volume.volume_type.extra_specs.qos:minIOPS")

    def test_malformed_json_string_request(self) -> None:
        with self.assertRaises(vdp.InvalidArgument) as cm:
            self.drv.call("create_volume", '{"volume": 01}')
        self.assertEqual(cm.exception.field, "request")

    def test_clone_image_is_not_supported(self) -> None:
        with self.assertRaises(vdp.NotSupported) as cm:
            self.drv.clone_image({"volume": volume(), "image_location": None, "image_meta": {}})
        self.assertEqual(cm.exception.code, 7)
        self.assertEqual(cm.exception.operation, "clone_image")

    def test_every_operation_has_a_method(self) -> None:
        for op in vdp.OPERATIONS:
            self.assertTrue(callable(getattr(self.drv, op, None)), op)
        with self.assertRaises(ValueError):
            self.drv.call("no_such_operation", {})
        with self.assertRaises(ValueError):
            self.drv.describe(timeout=-1)

    def test_concurrent_calls_from_eight_threads(self) -> None:
        errors: list[BaseException] = []
        done: list[str] = []
        lock = threading.Lock()
        start = threading.Barrier(8)

        def worker(n: int) -> None:
            try:
                start.wait(10)
                for _ in range(2):
                    vol = volume(project=f"py-conc-{n % 2}")
                    model = self.drv.create_volume({"volume": vol}, timeout=20)
                    self.drv.delete_volume({"volume": ref(vol, model)}, timeout=20)
                    with lock:
                        done.append(vol["id"])
            except BaseException as exc:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertFalse(any(t.is_alive() for t in threads))
        self.assertEqual(errors, [])
        self.assertEqual(len(set(done)), 16)


if __name__ == "__main__":
    unittest.main()
