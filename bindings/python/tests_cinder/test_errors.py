"""Statuses as Cinder exceptions: the same exception as Cinder's driver where it raises a Cinder one,
the documented one where it does not."""

from __future__ import annotations

import unittest
import uuid
from typing import Any

from cinder import exception

from . import harness as h


class ErrorMapping(unittest.TestCase):
    """Each case runs on vdp.cinder (misc) and on Cinder's driver (misc-ref): two more clusters."""

    @classmethod
    def setUpClass(cls) -> None:
        env = h.environment()
        cls.types = env.types
        cls.drivers = {"vdp": env.driver("misc"), "ref": env.driver("misc-ref")}
        cls.ctx = h.request_context(f"errors-{uuid.uuid4().hex[:8]}")
        cls.existing = {}
        for name, drv in cls.drivers.items():  # the project's account exists on both clusters from here on
            vol = h.volume(cls.ctx, str(uuid.uuid4()))
            h.apply(vol, drv.create_volume(vol))
            cls.existing[name] = vol

    def raised(self, name: str, call: Any) -> BaseException:
        with self.assertRaises(BaseException) as cm:
            call(self.drivers[name], self.existing[name])
        return cm.exception

    def both(self, call: Any) -> tuple[BaseException, BaseException]:
        return self.raised("vdp", call), self.raised("ref", call)

    def test_a_volume_not_on_the_cluster_is_volume_not_found(self) -> None:
        missing = h.volume(self.ctx, str(uuid.uuid4()))
        silver = self.types.volume_type("errors-silver", {"qos:minIOPS": "500"})
        for what, call in (
                ("extend_volume", lambda d, v: d.extend_volume(missing, 2)),
                ("create_snapshot", lambda d, v: d.create_snapshot(h.snapshot(self.ctx, str(uuid.uuid4()), missing))),
                ("accept_transfer", lambda d, v: d.accept_transfer(self.ctx, missing, h.USER, "elsewhere")),
                ("unmanage", lambda d, v: d.unmanage(missing)),
                ("retype", lambda d, v: d.retype(self.ctx, missing, silver, {}, {}))):
            with self.subTest(what):
                ours, theirs = self.both(call)
                self.assertIsInstance(theirs, exception.VolumeNotFound)
                self.assertIsInstance(ours, exception.VolumeNotFound)
                self.assertEqual(ours.kwargs["volume_id"], missing.id)

    def test_deleting_what_is_gone_succeeds_on_both(self) -> None:
        for name, drv in self.drivers.items():
            self.assertIsNone(drv.delete_volume(h.volume(self.ctx, str(uuid.uuid4()), provider_id="99 1 x")), name)

    def test_qos_out_of_order_is_invalid_qos_specs(self) -> None:
        bad = self.types.volume_type("errors-order", {"qos:minIOPS": "5000", "qos:maxIOPS": "1000",
                                                     "qos:burstIOPS": "6000"})
        ours, theirs = self.both(lambda d, v: d.create_volume(h.volume(self.ctx, str(uuid.uuid4()), vtype=bad)))
        self.assertIsInstance(theirs, exception.InvalidQoSSpecs)
        self.assertIsInstance(ours, exception.InvalidQoSSpecs)
        self.assertIsInstance(ours, exception.Invalid)  # Cinder's 400 family, as InvalidInput
        self.assertIn("volume.volume_type.extra_specs.qos:minIOPS", str(ours))

    def test_a_qos_value_that_is_no_number_names_the_key(self) -> None:
        # README "Where vdp departs from Cinder": INVALID_ARGUMENT naming the key; Cinder's int() raises.
        lots = self.types.volume_type("errors-lots", {"qos:maxIOPS": "lots"})
        ours, theirs = self.both(lambda d, v: d.create_volume(h.volume(self.ctx, str(uuid.uuid4()), vtype=lots)))
        self.assertIsInstance(theirs, ValueError)
        self.assertIsInstance(ours, exception.InvalidQoSSpecs)
        self.assertIn("qos:maxIOPS", str(ours))

    def test_other_invalid_requests_are_invalid_input(self) -> None:
        ours = self.raised("vdp", lambda d, v: d.extend_volume(v, 0))
        self.assertIsInstance(ours, exception.InvalidInput)
        self.assertIn("new_size", str(ours))

    def test_a_missing_snapshot_on_revert(self) -> None:
        ours, theirs = self.both(lambda d, v: d.revert_to_snapshot(self.ctx, v,
                                                                  h.snapshot(self.ctx, str(uuid.uuid4()), v)))
        self.assertIsInstance(theirs, exception.VolumeSnapshotNotFound)
        self.assertIsInstance(ours, exception.SnapshotNotFound)  # names the snapshot, not the volume

    def test_managing_a_volume_id_that_is_gone(self) -> None:
        # operations.md manage_existing: the id is verified (Cinder's driver takes the next volume or
        # fails with IndexError when there is none).
        ref = {"source-id": "99999"}
        ours, theirs = self.both(lambda d, v: d.manage_existing(h.volume(self.ctx, str(uuid.uuid4())), ref))
        self.assertIsInstance(theirs, IndexError)
        self.assertIsInstance(ours, exception.ManageExistingInvalidReference)
        self.assertIn("99999", str(ours))

    def test_a_group_type_that_is_not_consistent_is_left_to_cinder(self) -> None:
        plain = self.types.group_type("errors-plain", {})
        ours, theirs = self.both(lambda d, v: d.create_group(self.ctx, h.group(self.ctx, str(uuid.uuid4()), plain)))
        self.assertIsInstance(theirs, NotImplementedError)
        self.assertIsInstance(ours, NotImplementedError)

    def test_managing_a_snapshot_is_not_served_by_either(self) -> None:
        for call in (lambda d, v: d.manage_existing_snapshot(h.snapshot(self.ctx, str(uuid.uuid4()), v), {"name": "x"}),
                     lambda d, v: d.manage_existing_snapshot_get_size(h.snapshot(self.ctx, str(uuid.uuid4()), v),
                                                                      {"name": "x"})):
            ours, theirs = self.both(call)
            self.assertIsInstance(theirs, NotImplementedError)
            self.assertIsInstance(ours, NotImplementedError)

    def test_failover_without_replication(self) -> None:
        ours, theirs = self.both(lambda d, v: d.failover_host(self.ctx, [v], None))
        self.assertIsInstance(theirs, exception.UnableToFailOver)
        self.assertIsInstance(ours, exception.UnableToFailOver)
        self.assertIn("replication_device", str(ours))

    def test_a_frozen_backend_refuses_changes_until_thawed(self) -> None:
        drv = self.drivers["vdp"]
        drv.freeze_backend(self.ctx)
        try:
            with self.assertRaises(exception.VolumeBackendAPIException) as cm:
                drv.create_volume(h.volume(self.ctx, str(uuid.uuid4())))
            self.assertIn("frozen", str(cm.exception))
            drv.initialize_connection(self.existing["vdp"], {"initiator": "iqn.2024-01.org.example:frozen"})
        finally:
            drv.thaw_backend(self.ctx)
        vol = h.volume(self.ctx, str(uuid.uuid4()))
        self.assertIn("provider_id", drv.create_volume(vol))
        drv.delete_volume(vol)


if __name__ == "__main__":
    unittest.main()
