"""Options: the README's cinder.conf, Cinder's SolidFire options reused, vdp's own, bad values named."""

from __future__ import annotations

import os
import tempfile
import types
import unittest
from unittest import mock

from cinder import exception
from oslo_config import cfg

from vdp import cinder as vdp_cinder
from vdp import cinder_calls, cinder_options
from vdp.cinder_errors import InvalidOption

from . import harness as h


class Example(unittest.TestCase):
    def test_the_readme_example_is_a_vdp_backend_whose_every_key_is_an_option(self) -> None:
        env = h.environment()
        section = h.example_section()
        self.assertEqual(section["volume_driver"], "vdp.cinder.SolidFireDriver")
        drv = env.driver("misc", setup=False)
        group = cfg.CONF[drv.configuration.config_group]
        for key in section:
            with self.subTest(key):
                self.assertTrue(hasattr(group, key), f"{key} is not an option of {h.VDP}")

    def test_the_driver_lists_cinders_solidfire_options_and_its_own(self) -> None:
        names = {o.name for o in vdp_cinder.SolidFireDriver.get_driver_options()}
        from cinder.volume.drivers import solidfire
        self.assertLessEqual({o.name for o in solidfire.sf_opts}, names)
        self.assertLessEqual({"san_ip", "san_password", "driver_ssl_cert_path", "replication_device",
                              "vdp_plugin_path", "vdp_operation_timeout", "vdp_lock_scope"}, names)


class BadValues(unittest.TestCase):
    def setup_fails(self, **overrides: object) -> InvalidOption:
        drv = h.environment().driver("misc", setup=False, **overrides)
        with self.assertRaises(InvalidOption) as cm:
            drv.do_setup(h.admin_context())
        self.assertIsInstance(cm.exception, exception.InvalidInput)
        return cm.exception

    def test_a_bad_option_is_refused_naming_it(self) -> None:
        for key, value, words in (("sf_volume_prefix", "bad prefix!", "letters, digits"),
                                  ("driver_ssl_cert_path", "/nonexistent/ca.pem", "not readable"),
                                  ("vdp_plugin_path", "/nonexistent/vdp_solidfire.so", "cannot load")):
            with self.subTest(key):
                err = self.setup_fails(**{key: value})
                self.assertEqual(err.option, key)
                self.assertIn(key, str(err))
                self.assertIn(words, str(err))

    def test_a_bad_replication_device_never_shows_its_password(self) -> None:
        err = self.setup_fails(replication_device=["mvip:127.0.0.9,login:admin,passwd:hunter2-secret,port:x"])
        self.assertEqual(err.option, "replication_device")
        self.assertNotIn("hunter2-secret", str(err))

    def test_a_cluster_certificate_other_than_the_one_given_fails_setup(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            other, _ = h.self_signed_certificate(tmp)
            drv = h.environment().driver("misc", setup=False, driver_ssl_cert_path=other)
            with self.assertRaises(exception.VolumeBackendAPIException) as cm:
                drv.do_setup(h.admin_context())
        self.assertIn("setup", str(cm.exception))


class Resolution(unittest.TestCase):
    def test_plugin_path_option_then_environment_then_installed(self) -> None:
        with mock.patch.dict(os.environ, {"VDP_PLUGIN": "/from/env.so"}):
            self.assertEqual(cinder_options.plugin_path("/from/option.so"), "/from/option.so")
            self.assertEqual(cinder_options.plugin_path(None), "/from/env.so")
        with mock.patch.dict(os.environ, {}, clear=True):
            path = cinder_options.plugin_path(None)
        self.assertEqual(path, cinder_options.installed_plugin_path())
        self.assertTrue(path.endswith("/vdp/plugins/vdp_solidfire.so"), path)
        self.assertRegex(path, r"^/usr/lib(64)?/")

    def test_values_reach_config_get_as_the_plugin_spells_them(self) -> None:
        conf = types.SimpleNamespace(safe_get={
            "sf_enable_vag": True, "sf_api_port": 443, "sf_account_prefix": None, "max_over_subscription_ratio": "auto",
            "replication_device": [{"backend_id": "dr", "mvip": "10.0.1.10", "login": "a", "password": "p"}],
        }.get)
        config = cinder_options.BackendConfig(conf, {"active_backend_id": "dr"})
        self.assertEqual((config["sf_enable_vag"], config["sf_api_port"]), (True, 443))
        self.assertEqual(config["replication_device"], "backend_id:dr,mvip:10.0.1.10,login:a,password:p")
        self.assertEqual(config["active_backend_id"], "dr")
        for absent in ("sf_account_prefix", "max_over_subscription_ratio", "no_such_option"):
            self.assertNotIn(absent, config)


class Deadlines(unittest.TestCase):
    def deadline(self, op: str, request: dict, replication: bool = False) -> float:
        conf = types.SimpleNamespace(vdp_operation_timeout=300, sf_volume_clone_timeout=600,
                                     sf_volume_pairing_timeout=3600, sf_cluster_pairing_timeout=60,
                                     safe_get={"replication_device": ["x"] if replication else None}.get)
        return cinder_calls.Calls(None, conf, None, None).deadline(op, request)  # type: ignore[arg-type]

    def test_each_operation_gets_a_deadline_with_the_waits_it_makes(self) -> None:
        self.assertEqual(self.deadline("extend_volume", {}), 300)
        self.assertEqual(self.deadline("create_cloned_volume", {}), 900)
        self.assertEqual(self.deadline("create_group_from_src", {"volumes": [{}, {}, {}]}), 300 + 3 * 600)
        self.assertEqual(self.deadline("delete_group", {"volumes": [{}] * 4}), 340)
        self.assertEqual(self.deadline("create_volume", {}, replication=True), 3900)
        self.assertEqual(self.deadline("setup", {}, replication=True), 360)
        self.assertEqual(self.deadline("setup", {}), 300)


if __name__ == "__main__":
    unittest.main()
