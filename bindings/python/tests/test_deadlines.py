"""Per-call deadlines and cancellation (context_remaining_ms / context_cancelled), slow replies injected."""

from __future__ import annotations

import os
import signal
import threading
import time
import unittest

import vdp

from . import support
from .support import ref, volume

SLOW = "ListVolumes:latency=4000"  # create_volume lists before it creates

fx = support.SimFixture()
setUpModule, tearDownModule = fx.start, fx.stop


class Deadlines(unittest.TestCase):
    drv: vdp.Driver

    @classmethod
    def setUpClass(cls) -> None:
        cls.drv = fx.driver()
        cls.drv.create_volume({"volume": volume()})  # the test project's account exists from here on

    @classmethod
    def tearDownClass(cls) -> None:
        cls.drv.close()

    def tearDown(self) -> None:
        fx.sim.clear_faults()

    def test_deadline_expires_during_a_slow_reply(self) -> None:
        fx.sim.add_faults(SLOW)
        vol = volume()
        started = time.monotonic()
        with self.assertRaises(vdp.Timeout) as cm:
            self.drv.create_volume({"volume": vol}, timeout=0.5)
        elapsed = time.monotonic() - started
        self.assertGreaterEqual(elapsed, 0.4)
        self.assertLess(elapsed, 2.5, "the deadline did not bound the call")
        self.assertTrue(cm.exception.retryable)
        fx.sim.clear_faults()
        model = self.drv.create_volume({"volume": vol}, timeout=10)  # the repeat tells the outcome
        self.drv.delete_volume({"volume": ref(vol, model)})

    def test_zero_timeout_has_expired_already(self) -> None:
        with self.assertRaises(vdp.Timeout):
            self.drv.create_volume({"volume": volume()}, timeout=0)

    def test_no_timeout_is_no_deadline(self) -> None:
        fx.sim.add_faults("ListVolumes:latency=600:count=1")
        vol = volume()
        model = self.drv.create_volume({"volume": vol}, timeout=None)
        self.drv.delete_volume({"volume": ref(vol, model)})

    def test_cancel_from_another_thread_during_a_slow_call(self) -> None:
        fx.sim.add_faults(SLOW)
        token = vdp.CancelToken()
        timer = threading.Timer(0.3, token.cancel)
        started = time.monotonic()
        timer.start()
        try:
            with self.assertRaises(vdp.Cancelled) as cm:
                self.drv.create_volume({"volume": volume()}, cancel=token, timeout=30)
        finally:
            timer.cancel()
        elapsed = time.monotonic() - started
        self.assertTrue(token.cancelled)
        self.assertLess(elapsed, 2.5, "cancellation did not stop the call")
        self.assertEqual(cm.exception.status, "CANCELLED")

    def test_ctrl_c_on_the_main_thread_cancels_the_call_and_raises_after_it(self) -> None:
        if (threading.current_thread() is not threading.main_thread()
                or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
            self.skipTest("needs the main thread and Python's default SIGINT handler")
        fx.sim.add_faults(SLOW)
        timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
        started = time.monotonic()
        timer.start()
        try:
            with self.assertRaises(KeyboardInterrupt):
                self.drv.create_volume({"volume": volume()}, timeout=30)
        finally:
            timer.cancel()
        self.assertLess(time.monotonic() - started, 2.5, "Ctrl-C did not stop the call")
        self.assertIs(signal.getsignal(signal.SIGINT), signal.default_int_handler)

    def test_cancelled_token_stops_before_the_backend(self) -> None:
        token = vdp.CancelToken()
        token.cancel()
        with self.assertRaises(vdp.Cancelled) as cm:
            self.drv.create_volume({"volume": volume()}, cancel=token)
        self.assertFalse(cm.exception.outcome_unknown)

    def test_close_waits_for_calls_in_flight(self) -> None:
        drv = fx.driver()
        fx.sim.add_faults("ListVolumes:latency=800:count=1")
        results: list[object] = []
        vol = volume()
        t = threading.Thread(target=lambda: results.append(drv.create_volume({"volume": vol}, timeout=10)))
        t.start()
        time.sleep(0.2)
        drv.close()  # must not destroy the driver under the running call
        t.join(10)
        self.assertEqual(len(results), 1)
        self.assertIn("provider_id", results[0])  # type: ignore[operator]
        self.assertTrue(drv.closed)
        with self.assertRaises(vdp.ClosedError):
            drv.describe()


class LockWaits(unittest.TestCase):
    """A lock held elsewhere: the plugin's wait is bounded by the call's deadline and cancellation."""

    def setUp(self) -> None:
        self.locks = vdp.LockTable()
        self.drv = fx.driver(locks=self.locks)
        self.addCleanup(self.drv.close)
        self.vol = volume()
        self.model = self.drv.create_volume({"volume": self.vol})
        self.request = {"volume": ref(self.vol, self.model), "instance_uuid": self.vol["id"], "host_name": "h1",
                        "mountpoint": "/dev/vdb", "attach_time": "2024-05-01T10:00:00Z"}
        self.name = "solidfire-attrs-" + self.vol["id"]  # attach_volume's lock (driver/src/ops_attachments.cpp)
        self.assertTrue(self.locks.acquire(self.name, 0))  # held by "another host"

    def test_lock_wait_times_out_with_the_deadline(self) -> None:
        started = time.monotonic()
        with self.assertRaises(vdp.Timeout):
            self.drv.attach_volume(self.request, timeout=0.5)
        self.assertLess(time.monotonic() - started, 2.0)
        self.locks.release(self.name)
        self.assertEqual(self.drv.attach_volume(self.request, timeout=5), {})
        self.assertEqual(self.locks.held(), [])  # acquired and released exactly once

    def test_lock_wait_is_cancelled(self) -> None:
        token = vdp.CancelToken()
        timer = threading.Timer(0.3, token.cancel)
        timer.start()
        try:
            with self.assertRaises(vdp.Cancelled):
                self.drv.attach_volume(self.request, cancel=token, timeout=20)
        finally:
            timer.cancel()
        self.assertEqual(self.locks.held(), [self.name])
        self.locks.release(self.name)


if __name__ == "__main__":
    unittest.main()
