"""How calls run inside cinder-volume: deadlines, repeats of calls whose outcome is unknown, the plugin's
log lines on this driver's oslo.log logger (with Cinder's request id, never a secret), greenthreads that
keep running during a plugin call, and the plugin's locks."""

from __future__ import annotations

import os
import tempfile
import time
import unittest
import uuid

import eventlet
from cinder import coordination, exception
from oslo_config import cfg

from vdp import cinder_locks, errors
from vdp import host as vdp_host

from . import harness as h

SLOW_MODIFY = "ModifyVolume:latency=2500:count=1"  # a write whose answer comes after a 1 s deadline


class Calls(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.env = h.environment()
        cls.sim = cls.env.sims["misc"]
        cls.ctx = h.request_context(f"calls-{uuid.uuid4().hex[:8]}")

    def tearDown(self) -> None:
        self.sim.clear_faults()

    def new_volume(self, drv: object, **fields: object) -> object:
        vol = h.volume(self.ctx, str(uuid.uuid4()), **fields)
        h.apply(vol, drv.create_volume(vol))  # type: ignore[attr-defined]
        return vol

    def size_of(self, vol: object) -> int:
        name = f"UUID-{vol.id}"  # type: ignore[attr-defined]
        return next(v["totalSize"] for v in self.sim.rpc("ListActiveVolumes")["volumes"] if v["name"] == name)

    def test_an_unknown_outcome_is_repeated_with_the_same_request(self) -> None:
        drv = self.env.driver("misc", vdp_operation_timeout=1)
        vol = self.new_volume(drv)
        self.sim.add_faults(SLOW_MODIFY)
        with h.Captured() as logs:
            started = time.monotonic()
            drv.extend_volume(vol, 3)
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual(self.size_of(vol), 3 * 2**30)
        self.assertIn("extend_volume: outcome unknown (TIMEOUT", logs.text())
        self.assertIn("repeating the same request (1 of 3)", logs.text())

    def test_repeats_are_bounded_then_the_error_is_raised(self) -> None:
        drv = self.env.driver("misc", vdp_operation_timeout=1, vdp_outcome_unknown_retries=0)
        vol = self.new_volume(drv)
        self.sim.add_faults(SLOW_MODIFY)
        with self.assertRaises(exception.VolumeBackendAPIException) as cm:
            drv.extend_volume(vol, 3)
        cause = cm.exception.__cause__
        self.assertIsInstance(cause, errors.Timeout)
        self.assertTrue(cause.outcome_unknown)  # type: ignore[union-attr]
        drv.extend_volume(vol, 3)  # what a host does next: the same request tells the outcome
        self.assertEqual(self.size_of(vol), 3 * 2**30)

    def test_plugin_lines_reach_the_adapters_logger_with_cinders_request_id(self) -> None:
        drv = self.env.driver("misc", vdp_log_level="debug")
        ctx = h.request_context(self.ctx.project_id)
        with h.Captured() as logs:
            self.new_volume(drv)
        lines = [line for line in logs.lines if line.startswith("vdp.cinder ")]
        self.assertTrue(any(f"[{ctx.request_id}] " in line for line in lines), logs.text())

    def test_no_secret_reaches_the_logs(self) -> None:
        with h.Captured() as logs:
            drv = self.env.driver("misc", vdp_log_level="trace")
            vol = self.new_volume(drv, size=2)
            secrets = {self.sim.password, vol.provider_auth.split()[2]}  # type: ignore[attr-defined]
            drv.create_export(self.ctx, vol, {"initiator": "iqn.2024-01.org.example:s"})
            info = drv.initialize_connection(vol, {"initiator": "iqn.2024-01.org.example:s"})
            secrets.add(info["data"]["auth_password"])
            drv.accept_transfer(self.ctx, vol, h.USER, f"{self.ctx.project_id}-b")
            accounts = self.sim.rpc("ListAccounts")["accounts"]
            secrets |= {a[k] for a in accounts for k in ("initiatorSecret", "targetSecret")}
            bad = self.env.driver("misc", setup=False, san_password="wrong-" + self.sim.password)
            with self.assertRaises(exception.VolumeBackendAPIException):
                bad.do_setup(h.admin_context())
        text = logs.text()
        self.assertIn("element rpc AddAccount", text)  # the plugin did talk, at its most verbose
        for secret in secrets:
            self.assertNotIn(secret, text)

    def test_greenthreads_keep_running_during_a_plugin_call(self) -> None:
        drv = self.env.driver("misc")
        ticks = []

        def ticker() -> None:
            while True:
                ticks.append(time.monotonic())
                eventlet.sleep(0.05)

        self.sim.add_faults("ListVolumes:latency=1000:count=1")  # create_volume lists first
        green = eventlet.spawn(ticker)
        try:
            self.new_volume(drv)
        finally:
            green.kill()
        self.assertGreaterEqual(len(ticks), 10, "the plugin call blocked eventlet's hub")


    def test_concurrent_calls_from_greenthreads(self) -> None:
        """Calls run on several native threads at once: the binding's locks must be native ones (a green
        lock contended from two native threads fails: cinder_threads)."""
        drv = self.env.driver("misc")
        self.assertIs(vdp_host.threading, eventlet.patcher.original("threading"))

        def worker() -> int:
            for _ in range(3):
                vol = h.volume(self.ctx, str(uuid.uuid4()))
                h.apply(vol, drv.create_volume(vol))
                drv.initialize_connection(vol, {"initiator": "iqn.2024-01.org.example:c"})
                drv.delete_volume(vol)
            return 3

        pool = eventlet.GreenPool(8)
        self.assertEqual(sum(pool.imap(lambda _: worker(), range(8))), 24)


class Locks(unittest.TestCase):
    def test_scope(self) -> None:
        self.assertEqual(cinder_locks.lock_scope("auto", None), "process")
        self.assertEqual(cinder_locks.lock_scope("auto", "cluster-1"), "coordination")
        self.assertEqual(cinder_locks.lock_scope("process", "cluster-1"), "process")

    def test_coordination_locks_in_cinders_coordinator(self) -> None:
        """vdp_lock_scope = coordination: a clone takes its source's lock in Cinder's coordinator."""
        env = h.environment()
        with tempfile.TemporaryDirectory() as tmp:
            cfg.CONF.set_override("backend_url", f"file://{tmp}", group="coordination")
            coordination.COORDINATOR.start()
            try:
                locks = cinder_locks.CoordinationLocks()
                self.assertTrue(locks.acquire("solidfire-clone-1", 0))
                self.assertFalse(locks.acquire("solidfire-clone-1", 0.2))  # held: the wait is bounded
                locks.release("solidfire-clone-1")
                self.assertTrue(locks.acquire("solidfire-clone-1", 0))
                locks.release("solidfire-clone-1")

                drv = env.driver("misc", vdp_lock_scope="coordination")
                ctx = h.request_context(f"locks-{uuid.uuid4().hex[:8]}")
                src = h.volume(ctx, str(uuid.uuid4()))
                h.apply(src, drv.create_volume(src))
                clone = h.volume(ctx, str(uuid.uuid4()))
                self.assertIn("provider_id", drv.create_cloned_volume(clone, src))
                source_id = src.provider_id.split()[0]
                # The file backend's lock file: the plugin's lock went through Cinder's coordinator.
                self.assertTrue(os.path.exists(os.path.join(tmp, f"cinder-vdp-solidfire-clone-{source_id}")))
                self.assertTrue(locks.acquire(f"solidfire-clone-{source_id}", 0))  # released after the clone
                locks.release(f"solidfire-clone-{source_id}")
            finally:
                coordination.COORDINATOR.stop()
                cfg.CONF.clear_override("backend_url", group="coordination")


if __name__ == "__main__":
    unittest.main()
