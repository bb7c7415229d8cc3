"""Host callbacks: logging, locks, configuration, progress; callbacks that raise; secrets in logs."""

from __future__ import annotations

import logging
import threading
import unittest
from collections.abc import Iterator, Mapping
from typing import Any

import vdp

from . import support
from .support import ref, volume

fx = support.SimFixture()
setUpModule, tearDownModule = fx.start, fx.stop


def attach_request(vol: dict[str, Any], model: dict[str, Any]) -> dict[str, Any]:
    return {"volume": ref(vol, model), "instance_uuid": vol["id"], "host_name": "h1", "mountpoint": "/dev/vdb",
            "attach_time": "2024-05-01T10:00:00Z"}


class RaisingMapping(Mapping[str, Any]):
    """Configuration whose lookup of `bad` raises (with a secret in the message)."""

    def __init__(self, data: dict[str, Any], bad: str) -> None:
        self.data, self.bad = data, bad

    def __getitem__(self, key: str) -> Any:
        if key == self.bad:
            raise RuntimeError(f"vault unreachable while reading {self.data['san_password']}")
        return self.data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


class Logging(unittest.TestCase):
    def test_callable_logger_gets_lines_with_python_levels(self) -> None:
        lines: list[tuple[int, str]] = []
        with fx.plugin.driver(fx.sim.config(vdp_log_level="debug"), logger=lambda lvl, msg: lines.append((lvl, msg))) as drv:
            drv.setup(request_id="req-py-log")
        self.assertTrue(any(lvl == logging.INFO and msg.startswith("[req-py-log] connected") for lvl, msg in lines),
                        lines)
        self.assertTrue(any(lvl == logging.DEBUG for lvl, _ in lines))

    def test_logger_records_carry_the_request_id(self) -> None:
        logger = support.quiet_logger("vdp-tests.records")
        captured = support.Captured()
        logger.addHandler(captured)
        records: list[logging.LogRecord] = []
        logger.addFilter(lambda r: records.append(r) or True)
        self.addCleanup(logger.removeHandler, captured)
        with fx.plugin.driver(fx.sim.config(), logger=logger) as drv:
            drv.setup(request_id="req-py-rec")
        self.assertTrue(any(getattr(r, "vdp_request_id", None) == "req-py-rec" and r.levelno == logging.INFO
                            for r in records), captured.text())

    def test_raising_logger_does_not_break_calls(self) -> None:
        def bad_logger(level: int, message: str) -> None:
            raise RuntimeError("logger is broken")

        with self.assertLogs("vdp", logging.ERROR) as logs:
            with fx.driver(vdp_log_level="debug", logger=bad_logger) as drv:
                vol = volume()
                model = drv.create_volume({"volume": vol})
                drv.delete_volume({"volume": ref(vol, model)})
                self.assertGreater(drv.callback_failures()["log"], 3)
        self.assertEqual(len(logs.records), 1, "only the first failure is logged at ERROR")
        self.assertIn("logger is broken", logs.output[0])

    def test_keyboard_interrupt_in_a_callback_cancels_and_is_raised_after_the_call(self) -> None:
        armed = threading.Event()

        def interrupting(level: int, message: str) -> None:
            if armed.is_set():
                armed.clear()
                raise KeyboardInterrupt

        with fx.driver(vdp_log_level="debug", logger=interrupting) as drv:
            armed.set()
            with self.assertRaises(KeyboardInterrupt):
                drv.create_volume({"volume": volume()})
            self.assertEqual(drv.callback_failures(), {})  # not an error of the callback
            vol = volume()
            model = drv.create_volume({"volume": vol})  # the driver carries on
            drv.delete_volume({"volume": ref(vol, model)})

    def test_reentering_the_plugin_from_a_callback_is_refused(self) -> None:
        holder: dict[str, vdp.Driver] = {}
        seen: list[BaseException] = []

        def reentrant(level: int, message: str) -> None:
            try:
                holder["drv"].describe()
            except RuntimeError as exc:
                seen.append(exc)
                raise

        with self.assertLogs("vdp", logging.ERROR):
            with fx.plugin.driver(fx.sim.config(vdp_log_level="debug"), logger=reentrant) as drv:
                holder["drv"] = drv
                drv.setup()
        self.assertTrue(seen and "re-entry" in str(seen[0]), seen)


class Locks(unittest.TestCase):
    def test_user_locks_are_acquired_and_released_in_pairs(self) -> None:
        events: list[tuple[str, str]] = []
        guard = threading.Lock()

        class Recording:  # acquire(name) / release(name), no timeout
            def acquire(self, name: str) -> None:
                with guard:
                    events.append(("acquire", name))

            def release(self, name: str) -> None:
                with guard:
                    events.append(("release", name))

        with fx.driver(locks=Recording()) as drv:
            vol = volume()
            model = drv.create_volume({"volume": vol})
            drv.attach_volume(attach_request(vol, model))
            drv.detach_volume({"volume": ref(vol, model)})
        name = "solidfire-attrs-" + vol["id"]
        self.assertEqual(events, [("acquire", name), ("release", name)] * 2)

    def test_raising_acquire_is_a_clean_error(self) -> None:
        class Broken:
            def acquire(self, name: str, timeout: float | None = None) -> bool:
                raise ConnectionError("lock service down")

            def release(self, name: str) -> None:
                raise AssertionError("never acquired")

        with self.assertLogs("vdp", logging.ERROR):
            with fx.driver(locks=Broken()) as drv:
                vol = volume()
                model = drv.create_volume({"volume": vol})  # takes no lock
                with self.assertRaises(vdp.Unavailable) as cm:
                    drv.attach_volume(attach_request(vol, model))
                self.assertIn("lock", cm.exception.message)
                self.assertTrue(cm.exception.retryable)
                self.assertEqual(drv.callback_failures(), {"lock_acquire": 1})
                drv.delete_volume({"volume": ref(vol, model)})  # the driver carries on

    def test_raising_release_does_not_fail_the_operation(self) -> None:
        table = vdp.LockTable()

        class LeakyRelease:
            def acquire(self, name: str, timeout: float | None = None) -> bool:
                return table.acquire(name, timeout)

            def release(self, name: str) -> None:
                raise RuntimeError("release lost")

        with self.assertLogs("vdp", logging.ERROR):
            with fx.driver(locks=LeakyRelease()) as drv:
                vol = volume()
                model = drv.create_volume({"volume": vol})
                self.assertEqual(drv.attach_volume(attach_request(vol, model)), {})
                self.assertEqual(drv.callback_failures(), {"lock_release": 1})

    def test_locks_object_must_have_both_methods(self) -> None:
        with self.assertRaises(TypeError):
            fx.plugin.driver(fx.sim.config(), locks=object())


class Configuration(unittest.TestCase):
    def test_raising_config_mapping_is_config_error_naming_the_key(self) -> None:
        with self.assertLogs("vdp", logging.ERROR) as logs:
            with self.assertRaises(vdp.Config) as cm:
                fx.plugin.driver(RaisingMapping(fx.sim.config(), "san_login"))
        self.assertEqual(cm.exception.field, "san_login")
        self.assertIn("san_login", logs.output[0])
        self.assertNotIn(fx.sim.password, "\n".join(logs.output))

    def test_config_rejects_non_mappings_and_bad_values(self) -> None:
        with self.assertRaises(TypeError):
            fx.plugin.driver([("san_ip", "127.0.0.1")])  # type: ignore[arg-type]
        with self.assertLogs("vdp", logging.ERROR):
            with self.assertRaises(vdp.Config) as cm:
                fx.plugin.driver(fx.sim.config(san_login="ad\0min"))
        self.assertEqual(cm.exception.field, "san_login")

    def test_numbers_are_accepted_as_values(self) -> None:
        fx.driver(sf_api_port=int(fx.sim.port)).close()  # created and set up with an int port


class Progress(unittest.TestCase):
    def test_progress_reaches_the_callback_and_a_raising_one_is_harmless(self) -> None:
        seen: list[tuple[int, int, str]] = []
        with fx.driver() as drv:
            src = volume()
            model = drv.create_volume({"volume": src})
            drv.create_cloned_volume({"volume": volume(), "src_vref": ref(src, model)},
                                     progress=lambda d, t, m: seen.append((d, t, m)))
            self.assertTrue(seen and seen[0][1] > 0 and "clone" in seen[0][2], seen)

            def bad(done: int, total: int, message: str) -> None:
                raise ValueError("progress bar crashed")

            with self.assertLogs("vdp", logging.ERROR):
                drv.create_cloned_volume({"volume": volume(), "src_vref": ref(src, model)}, progress=bad)
            self.assertGreaterEqual(drv.callback_failures()["context_progress"], 1)


class Secrets(unittest.TestCase):
    def test_passwords_never_reach_the_logs(self) -> None:
        captured = support.Captured()
        plugin_logger = support.quiet_logger("vdp-tests.secrets")
        plugin_logger.addHandler(captured)
        binding_logger = logging.getLogger("vdp")
        binding_logger.addHandler(captured)
        old_level = binding_logger.level
        binding_logger.setLevel(1)
        self.addCleanup(plugin_logger.removeHandler, captured)
        self.addCleanup(binding_logger.removeHandler, captured)
        self.addCleanup(binding_logger.setLevel, old_level)
        wrong = "wrong-" + fx.sim.password[::-1]
        messages: list[str] = []
        cfg = fx.sim.config(vdp_log_level="trace")

        with fx.plugin.driver(cfg, logger=plugin_logger) as drv:
            drv.setup()
            vol = volume()
            model = drv.create_volume({"volume": vol})
            drv.initialize_connection({"volume": {**ref(vol, model), "provider_location": model["provider_location"],
                                                  "provider_auth": model["provider_auth"]},
                                       "connector": {"initiator": "iqn.1993-08.org.debian:01:py", "host": "h1"}})
            try:
                drv.create_volume({"volume": volume(size=0, display_name=fx.sim.password)})
            except vdp.Error as exc:
                messages += [str(exc), repr(exc), str(exc.to_dict())]
            drv.delete_volume({"volume": ref(vol, model)})
        with fx.plugin.driver(fx.sim.config(vdp_log_level="trace", san_password=wrong), logger=plugin_logger) as drv:
            try:
                drv.setup()
            except vdp.Auth as exc:
                messages += [str(exc), str(exc.to_dict())]
        try:
            fx.plugin.driver(RaisingMapping(cfg, "sf_api_port"), logger=plugin_logger)
        except vdp.Config as exc:
            messages.append(str(exc))

        text = captured.text()
        self.assertIn("connected to Element cluster", text)  # the capture works
        self.assertIn("raised RuntimeError", text)  # the binding's own line is captured too
        self.assertGreaterEqual(len(messages), 3)
        for secret in (fx.sim.password, wrong):
            self.assertNotIn(secret, text)
            for message in messages:
                self.assertNotIn(secret, message)


if __name__ == "__main__":
    unittest.main()
